"""The classical fourth-order Runge–Kutta method on :math:`(\\theta, v)`; order 4."""

from __future__ import annotations

from ._base import JaxForm, Scheme

__all__ = ["RK4"]


class RK4(Scheme, JaxForm):
    """Classical RK4, order 4.

    Examples
    --------
    >>> RK4().order
    4
    """

    name = "rk4"
    order = 4
    description = "classical Runge-Kutta (order 4)"

    def stepper(self, system, dt):
        half = dt / 2

        def step(t, theta, v):
            k1x, k1v = v, system.acceleration_rows(t, theta, v)
            x2, v2 = theta + half * k1x, v + half * k1v
            k2x, k2v = v2, system.acceleration_rows(t + half, x2, v2)
            x3, v3 = theta + half * k2x, v + half * k2v
            k3x, k3v = v3, system.acceleration_rows(t + half, x3, v3)
            x4, v4 = theta + dt * k3x, v + dt * k3v
            k4x, k4v = v4, system.acceleration_rows(t + dt, x4, v4)
            theta += (dt / 6) * (k1x + 2 * k2x + 2 * k3x + k4x)
            v += (dt / 6) * (k1v + 2 * k2v + 2 * k3v + k4v)
        return step

    def jax_step(self, js, dt):
        half = dt / 2

        def step(t, theta, v):
            k1x, k1v = v, js.acceleration(t, theta, v)
            x2, v2 = theta + half * k1x, v + half * k1v
            k2x, k2v = v2, js.acceleration(t + half, x2, v2)
            x3, v3 = theta + half * k2x, v + half * k2v
            k3x, k3v = v3, js.acceleration(t + half, x3, v3)
            x4, v4 = theta + dt * k3x, v + dt * k3v
            k4x, k4v = v4, js.acceleration(t + dt, x4, v4)
            return (theta + (dt / 6) * (k1x + 2 * k2x + 2 * k3x + k4x),
                    v + (dt / 6) * (k1v + 2 * k2v + 2 * k3v + k4v))
        return step
