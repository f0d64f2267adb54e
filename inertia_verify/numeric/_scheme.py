"""What every fixed-step integrator declares, and the damping propagators they share.

A scheme is one module with one :class:`Scheme` subclass: its ``name``, its global ``order`` and a
``stepper(system, dt)`` that returns ``step(t, theta, v)``, advancing the state in place on the
``(d, paths)`` layout.  A *system* is anything with the small interface of
:class:`~inertia_verify.numeric.CompiledDynamics` that the steppers use (``force_rows``,
``acceleration_rows``, ``damping_rows``, ``damping_kind``, ``damping_propagator``,
``damping_resolvent``), so that the same stepper runs on compiled NumPy code, on a linear test
problem (to read off the one-step matrix for stability) or on SymPy objects: the symbolic one-step
map of :func:`~inertia_verify.symbolic.discrete_map` *is* this stepper run on object arrays of
SymPy expressions, so a scheme is defined once for both layers.
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
    """Base class of the schemes.

    Attributes
    ----------
    name : str
        The name used by :func:`~inertia_verify.numeric.simulate`, by
        :func:`~inertia_verify.symbolic.discrete_map` and by the command line.
    order : int
        The global order of accuracy: the error at a fixed time is :math:`O(h^{order})`.
    symplectic : bool
        True when the undamped map preserves the symplectic form (bounded energy error).
    reference : bool
        True for the single-trajectory reference solvers (``solve`` instead of ``stepper``);
        those are not fixed-step maps and have no symbolic one-step map.

    Notes
    -----
    Adding a fixed-step scheme:

    1. One new module ``numeric/_<name>.py`` with one subclass of :class:`Scheme` that sets
       ``name``, ``order``, ``symplectic`` and a one-line ``description``, and register an
       instance in ``numeric/_schemes.py`` (:data:`~inertia_verify.numeric.FIXED_STEP`).  That
       one registration makes it available to ``simulate``, the cross-checks, ``discrete_map``
       and ``inertia-verify discrete``.
    2. ``stepper(system, dt)`` returns ``step(t, theta, v)`` that advances the ``(d, paths)``
       arrays ``theta`` and ``v`` *in place* from time ``t`` to ``t + dt``.
    3. Use only the system interface (``force_rows``, ``acceleration_rows``, ``damping_rows``,
       ``damping_kind``, ``damping_propagator``, ``damping_resolvent``) and arithmetic that also
       works on NumPy object arrays (``+``, ``*``, ``@``, :func:`apply_linear`,
       ``np.multiply(..., out=)``); no ``float()``, ``math`` functions or dtype-specific
       allocations (use ``np.empty_like``).  The symbolic system of the discrete layer then
       gives the exact one-step map, and ``tests/test_scheme_maps.py`` checks that map against
       one numeric step for every registered scheme.
    4. An implicit part (a solve in ``v``) goes through the system (``damping_resolvent``,
       ``damping_propagator``), which provides the exact operator in both layers.
    5. The declared ``order`` is checked by ``tests/test_integrators.py`` (the fitted slope
       against closed forms); declare ``symplectic`` only if the undamped map preserves volume
       exactly (tested symbolically).

    Examples
    --------
    >>> from inertia_verify.numeric import FIXED_STEP
    >>> verlet = FIXED_STEP["verlet"]
    >>> isinstance(verlet, Scheme), verlet.order, verlet.symplectic, verlet.reference
    (True, 2, True, False)
    """

    name: str = ""
    order: int = 0
    symplectic: bool = False
    reference: bool = False
    description: str = ""

    def stepper(self, system, dt: float) -> Step:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<scheme {self.name!r}, order {self.order}>"
