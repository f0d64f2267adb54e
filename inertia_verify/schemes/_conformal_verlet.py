"""Conformal-symplectic Verlet for damped systems: the damping flow, solved exactly, split around
an undamped velocity-Verlet step; order 2.

.. math:: v \\leftarrow e^{-\\int_t^{t+h/2}\\Gamma}\\,v, \\quad
          (\\theta, v) \\leftarrow \\mathrm{Verlet}_h(\\theta, v), \\quad
          v \\leftarrow e^{-\\int_{t+h/2}^{t+h}\\Gamma}\\,v

The one-step Jacobian determinant is exactly :math:`e^{-h\\,\\mathrm{tr}\\,\\Gamma}` (for constant
scalar :math:`\\gamma` in :math:`d` dimensions, :math:`e^{-d\\gamma h}`): the Verlet step has
determinant 1 and each damping factor :math:`e^{-\\mathrm{tr}\\,\\Gamma h/2}`.  The damping
propagator is the system's (:meth:`CompiledDynamics.damping_propagator`): exact for constant
damping (``expm`` for a matrix) and for a scalar :math:`\\gamma(t)` with a closed-form
antiderivative; otherwise the midpoint rule, which keeps order 2.
"""

from __future__ import annotations

import numpy as np

from .._dynamics import DampingKind

from ._base import Scheme, Symplectic, apply_linear
from ._verlet import verlet_kick_drift_kick

__all__ = ["ConformalVerlet"]


class ConformalVerlet(Scheme, Symplectic):
    """Conformal-symplectic (damping-split) velocity Verlet, order 2.

    Attributes
    ----------
    name : str
        ``"conformal-verlet"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        2: the global order of accuracy.

    Examples
    --------
    >>> ConformalVerlet().name
    'conformal-verlet'
    """

    name = "conformal-verlet"
    order = 2
    description = "exact damping factor e^{-Gamma h/2} split around a Verlet step (order 2)"

    def stepper(self, system, dt):
        kdk = verlet_kick_drift_kick(system, dt)
        half = dt / 2
        if system.damping_kind is DampingKind.ZERO:
            return lambda t, theta, v: kdk(theta, v)
        constant = system.damping_kind in (DampingKind.SCALAR, DampingKind.MATRIX)
        fixed = system.damping_propagator(0.0, half) if constant else None

        def step(t, theta, v):
            first = fixed if constant else system.damping_propagator(t, half)
            second = fixed if constant else system.damping_propagator(t + half, half)
            if np.ndim(first) == 0:
                v *= first
            else:
                v[...] = apply_linear(first, v)
            kdk(theta, v)
            if np.ndim(second) == 0:
                v *= second
            else:
                v[...] = apply_linear(second, v)
        return step
