"""The classical fourth-order Runge–Kutta method on :math:`(\\theta, v)`; order 4."""

from __future__ import annotations

from ._base import JaxForm, Scheme

__all__ = ["RK4"]


def _increments(acceleration, t, theta, v, dt):
    """The RK4 increments ``(Δθ, Δv)`` of one step, without touching ``theta`` or ``v``: the
    NumPy stepper adds them in place, the JAX step returns the sums."""
    half = dt / 2
    k1x, k1v = v, acceleration(t, theta, v)
    x2, v2 = theta + half * k1x, v + half * k1v
    k2x, k2v = v2, acceleration(t + half, x2, v2)
    x3, v3 = theta + half * k2x, v + half * k2v
    k3x, k3v = v3, acceleration(t + half, x3, v3)
    x4, v4 = theta + dt * k3x, v + dt * k3v
    k4x, k4v = v4, acceleration(t + dt, x4, v4)
    return (dt / 6) * (k1x + 2 * k2x + 2 * k3x + k4x), (dt / 6) * (k1v + 2 * k2v + 2 * k3v + k4v)


class RK4(Scheme, JaxForm):
    """Classical RK4, order 4.

    Attributes
    ----------
    name : str
        ``"rk4"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        4: the global order of accuracy.

    Examples
    --------
    >>> RK4().order
    4
    """

    name = "rk4"
    order = 4
    description = "classical Runge-Kutta (order 4)"

    def stepper(self, system, dt):
        def step(t, theta, v):
            d_theta, d_v = _increments(system.acceleration_rows, t, theta, v, dt)
            theta += d_theta
            v += d_v
        return step

    def jax_step(self, js, dt):
        def step(t, theta, v):
            d_theta, d_v = _increments(js.acceleration, t, theta, v, dt)
            return theta + d_theta, v + d_v
        return step
