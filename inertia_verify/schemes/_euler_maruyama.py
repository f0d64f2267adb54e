"""Euler–Maruyama: :math:`\\theta_{k+1} = \\theta_k + h v_k`,
:math:`v_{k+1} = v_k + h\\,b(t_k, \\theta_k, v_k) + \\Sigma(t_k, \\theta_k, v_k)\\sqrt h\\,\\xi_k`
with the Itô drift :math:`b`.  Strong order ½ (1 for additive noise), weak order 1; its
stationary averages carry an :math:`O(h)` bias."""

from __future__ import annotations

import math

import numpy as np

from ._base import JaxForm, SDEScheme

__all__ = ["EulerMaruyama"]


class EulerMaruyama(SDEScheme, JaxForm):
    """Euler–Maruyama for the Itô form of the system (any damping, any noise).

    Attributes
    ----------
    name : str
        ``"euler-maruyama"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    strong_order, weak_order, stationary_order : float
        0.5, 1 and 1 (see :class:`~inertia_verify.schemes.SDEScheme`).

    Examples
    --------
    >>> EulerMaruyama().weak_order, EulerMaruyama().strong_order
    (1.0, 0.5)
    """

    name = "euler-maruyama"
    strong_order = 0.5
    weak_order = 1.0
    stationary_order = 1.0
    description = "Euler–Maruyama (strong order 1/2, weak order 1), any damping and noise"

    def draws(self, dimension: int, noise_dimension: int) -> int:
        return noise_dimension

    def stepper(self, sde, dt: float):
        root = math.sqrt(dt)
        d = sde.dimension
        acceleration = np.empty((d, 0))
        kick = np.empty((d, 0))

        def step(t, theta, v, xi):
            nonlocal acceleration, kick
            if acceleration.shape != theta.shape:
                acceleration = np.empty_like(theta)
                kick = np.empty_like(theta)
            a = sde.ito_acceleration_rows(t, theta, v, out=acceleration)
            if xi.shape[0]:
                noise = sde.noise_rows(t, theta, v, xi, out=kick)
            # θ moves with the old velocity: both updates use the state at t_k.
            theta += dt * v
            a *= dt
            v += a
            if xi.shape[0]:
                noise *= root
                v += noise
        return step

    def jax_step(self, js, dt, sde):
        root = math.sqrt(dt)
        rows = self.draws(sde.dimension, sde.noise_dimension)
        sigma = None if sde.noise_matrix is None else js.jnp.asarray(sde.noise_matrix)

        def step(t, theta, v, xi):
            a = js.acceleration(t, theta, v)
            noise = 0.0 if rows == 0 else sigma @ xi
            return theta + dt * v, v + dt * a + root * noise
        return step
