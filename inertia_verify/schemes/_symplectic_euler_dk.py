"""Symplectic Euler in the other order: drift the position with the current velocity, then kick
the velocity with the force at the new position; order 1.

.. math:: \\theta_{k+1} = \\theta_k + h\\,v_k, \\qquad
          v_{k+1} = v_k + h\\,a(t_{k+1}, \\theta_{k+1}, v_k)

The adjoint of the kick-then-drift map of :mod:`._symplectic_euler` when there is no damping;
damping, when present, is taken explicitly at :math:`v_k` (and at :math:`t_{k+1}`, where the
kick happens).
"""

from __future__ import annotations

from ._base import Scheme, Symplectic

__all__ = ["SymplecticEulerDK"]


class SymplecticEulerDK(Scheme, Symplectic):
    """Symplectic Euler (drift, then kick), order 1.

    Attributes
    ----------
    name : str
        ``"symplectic-euler-dk"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        1: the global order of accuracy.

    Examples
    --------
    >>> SymplecticEulerDK().name, SymplecticEulerDK().order
    ('symplectic-euler-dk', 1)
    """

    name = "symplectic-euler-dk"
    order = 1
    description = "symplectic Euler, drift then kick (order 1)"

    def stepper(self, system, dt):
        def step(t, theta, v):
            theta += dt * v
            v += dt * system.acceleration_rows(t + dt, theta, v)
        return step
