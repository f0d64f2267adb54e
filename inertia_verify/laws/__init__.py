"""Conservation laws of gradient and momentum flows of a model, for every loss (Marcotte,
Gribonval, Peyré 2023 and 2024): check a candidate, count them, find the polynomial ones."""
