"""The numeric layer: compiling systems to NumPy and integrating ensembles."""
