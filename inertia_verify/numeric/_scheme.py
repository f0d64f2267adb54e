"""What every fixed-step integrator declares, and the damping propagators they share.

A scheme is one module with one :class:`Scheme` subclass: its ``name``, its global ``order`` and a
``stepper(system, dt)`` that returns ``step(t, theta, v)``, advancing the state in place on the
``(d, paths)`` layout.  A *system* is anything with the small interface of
:class:`~inertia_verify.numeric.CompiledDynamics` that the steppers use (``force_rows``,
``acceleration_rows``, ``damping_rows``, ``damping_kind``, ``damping_propagator``,
``damping_resolvent``), so that the same stepper runs on compiled NumPy code, on a linear test
problem (to read off the one-step matrix for stability) or on SymPy objects (exact Jacobians).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["Scheme", "apply_linear"]

Step = Callable[[float, np.ndarray, np.ndarray], None]


def apply_linear(operator, rows: np.ndarray) -> np.ndarray:
    """Apply a damping operator (a scalar factor or a ``(d, d)`` matrix) to ``(d, paths)`` rows."""
    if np.ndim(operator) == 0:
        return operator * rows
    return operator @ rows


class Scheme:
    """Base class of the fixed-step schemes.

    Attributes
    ----------
    name : str
        The name used by :func:`~inertia_verify.numeric.simulate` and the command line.
    order : int
        The global order of accuracy: the error at a fixed time is :math:`O(h^{order})`.
    symplectic : bool
        True when the undamped map preserves the symplectic form (bounded energy error).
    """

    name: str = ""
    order: int = 0
    symplectic: bool = False
    description: str = ""

    def stepper(self, system, dt: float) -> Step:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<scheme {self.name!r}, order {self.order}>"
