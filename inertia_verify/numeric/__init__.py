"""The numeric layer: compiling systems to NumPy and integrating ensembles."""

from ._compile import CompiledDynamics as CompiledDynamics
from ._compile import compile_dynamics as compile_dynamics

__all__ = ["CompiledDynamics", "compile_dynamics"]
