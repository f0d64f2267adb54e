"""BAOAB, the Langevin splitting of Leimkuhler and Matthews (2013).

One step of size :math:`h` composes exact sub-flows: B (half kick
:math:`v \\mathrel{+}= \\tfrac h2 F(\\theta)`, :math:`F = -M^{-1}\\nabla L`), A (half drift
:math:`\\theta \\mathrel{+}= \\tfrac h2 v`), O (the exact Ornstein–Uhlenbeck step
:math:`v \\leftarrow E v + R\\xi` of :math:`dv = -\\Gamma v\\,dt + \\Sigma\\,dW`), A, B.  For scalar
:math:`\\gamma` and :math:`\\Sigma = \\sigma I`, with :math:`\\sigma^2 = 2\\gamma T`:
:math:`v \\leftarrow e^{-\\gamma h}v + \\sqrt{T(1 - e^{-2\\gamma h})}\\,\\xi`.  The symmetric
composition has weak order 2; its configurational stationary averages have an :math:`O(h^2)` bias
(exact for a harmonic loss), smaller than Euler–Maruyama's :math:`O(h)`.  Needs constant damping
and additive noise.
"""

from __future__ import annotations

import numpy as np

from ._base import JaxForm, SDEScheme

__all__ = ["BAOAB"]


class BAOAB(SDEScheme, JaxForm):
    """BAOAB splitting with the O step applied exactly.

    Attributes
    ----------
    name : str
        ``"baoab"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    strong_order, weak_order, stationary_order : float
        1, 2 and 2 (see :class:`~inertia_verify.schemes.SDEScheme`).

    Examples
    --------
    >>> BAOAB().weak_order, BAOAB().stationary_order
    (2.0, 2.0)
    """

    name = "baoab"
    strong_order = 1.0
    weak_order = 2.0
    stationary_order = 2.0
    description = ("BAOAB Langevin splitting, exact O step (weak order 2, O(h²) stationary bias); "
                   "constant damping and additive noise")

    def draws(self, dimension: int, noise_dimension: int) -> int:
        return dimension if noise_dimension else 0

    def check(self, sde) -> None:
        """Constant damping and additive noise (what the exact O step needs)."""
        sde.ou_propagator(1.0)

    def stepper(self, sde, dt: float):
        E, R = sde.ou_propagator(dt)
        half = 0.5 * dt
        d = sde.dimension
        matrix = np.ndim(E) == 2
        state = {"force": None, "theta": None}
        buffer = np.empty((d, 0))

        def ou(v, xi):
            nonlocal buffer
            if buffer.shape != v.shape:
                buffer = np.empty_like(v)
            if not matrix:
                v *= E
                if xi.shape[0]:
                    np.multiply(xi, R, out=buffer)
                    v += buffer
                return
            # Row by row (not BLAS): a path's numbers must not depend on the ensemble's size.
            old = v.copy()
            for i in range(d):
                v[i] = 0.0
                for k in range(d):
                    if E[i, k] != 0.0:
                        v[i] += E[i, k] * old[k]
                    if xi.shape[0] and R[i, k] != 0.0:
                        v[i] += R[i, k] * xi[k]

        def step(t, theta, v, xi):
            force = state["force"]
            # The closing B of a step and the opening B of the next share F(θ): reuse it.
            if force is None or state["theta"] is not theta or force.shape != theta.shape:
                force = sde.drift.force_rows(theta)
            v += half * force
            theta += half * v
            ou(v, xi)
            theta += half * v
            force = sde.drift.force_rows(theta, out=force)
            v += half * force
            state["force"], state["theta"] = force, theta
        return step

    def jax_step(self, js, dt, sde):
        jnp = js.jnp
        rows = self.draws(sde.dimension, sde.noise_dimension)
        E, R = sde.ou_propagator(dt)
        E, R = jnp.asarray(E), jnp.asarray(R)
        half = 0.5 * dt

        def step(t, theta, v, xi):
            v = v + half * js.force(theta)
            theta = theta + half * v
            v = (E * v if E.ndim == 0 else E @ v) + (0.0 if rows == 0 else
                                                     (R * xi if R.ndim == 0 else R @ xi))
            theta = theta + half * v
            return theta, v + half * js.force(theta)
        return step
