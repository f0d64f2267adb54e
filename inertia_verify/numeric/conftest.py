"""Doctests of the training-loop monitors need PyTorch or JAX, optional extras (the ``test``
extra installs both): without them those modules are not collected, so the rest of the package's
doctests still run."""

import importlib.util

_HAVE_TORCH = importlib.util.find_spec("torch") is not None
_HAVE_JAX = importlib.util.find_spec("jax") is not None and importlib.util.find_spec("optax") is not None

collect_ignore = []
if not _HAVE_TORCH:
    collect_ignore += ["_monitor_torch.py", "_monitor_laws.py"]
if not _HAVE_JAX:
    collect_ignore += ["_monitor_jax.py"]
if not (_HAVE_TORCH and _HAVE_JAX):
    collect_ignore += ["_monitor.py"]
