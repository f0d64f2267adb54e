"""Symplectic Euler in the paper's order (its update (9)–(10)): kick the velocity with the force
at the current position, then drift the position with the new velocity; order 1.

.. math:: v_{k+1} = v_k + h\\,a(t_k, \\theta_k, v_k), \\qquad \\theta_{k+1} = \\theta_k + h\\,v_{k+1}

Without damping this is exactly :math:`v_{k+1} = v_k - h\\nabla L(\\theta_k)`,
:math:`\\theta_{k+1} = \\theta_k + h v_{k+1}`; damping, when present, is taken explicitly at
:math:`v_k`.
"""

from __future__ import annotations

from ._base import JaxForm, Scheme, Symplectic

__all__ = ["SymplecticEuler"]


class SymplecticEuler(Scheme, Symplectic, JaxForm):
    """Symplectic Euler (kick, then drift), order 1.

    Attributes
    ----------
    name : str
        ``"symplectic-euler"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        1: the global order of accuracy.

    Examples
    --------
    >>> isinstance(SymplecticEuler(), Symplectic)
    True
    """

    name = "symplectic-euler"
    order = 1
    description = "symplectic Euler, kick then drift as in the paper's (9)-(10) (order 1)"

    def stepper(self, system, dt):
        def step(t, theta, v):
            v += dt * system.acceleration_rows(t, theta, v)
            theta += dt * v
        return step

    def jax_step(self, js, dt):
        def step(t, theta, v):
            v = v + dt * js.acceleration(t, theta, v)
            return theta + dt * v, v
        return step
