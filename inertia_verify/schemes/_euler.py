"""Explicit Euler: :math:`\\theta_{k+1} = \\theta_k + h v_k`, :math:`v_{k+1} = v_k + h a(t_k,
\\theta_k, v_k)`; order 1, not symplectic (its energy grows on an undamped oscillator)."""

from __future__ import annotations

from ._base import JaxForm, Scheme

__all__ = ["Euler"]


class Euler(Scheme, JaxForm):
    """Explicit (forward) Euler, order 1.

    Attributes
    ----------
    name : str
        ``"euler"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        1: the global order of accuracy.

    Examples
    --------
    >>> Euler().order
    1
    """

    name = "euler"
    order = 1
    description = "explicit Euler (order 1)"

    def stepper(self, system, dt):
        def step(t, theta, v):
            a = system.acceleration_rows(t, theta, v)
            theta += dt * v
            v += dt * a
        return step

    def jax_step(self, js, dt):
        def step(t, theta, v):
            a = js.acceleration(t, theta, v)
            return theta + dt * v, v + dt * a
        return step
