"""Velocity Verlet (Störmer–Verlet), order 2, symplectic without damping.

.. math::
    v_{1/2} = v_k + \\tfrac h2\\,a(t_k, \\theta_k, v_k), \\quad
    \\theta_{k+1} = \\theta_k + h\\,v_{1/2}, \\quad
    v_{k+1} = v_{1/2} + \\tfrac h2\\big(F(\\theta_{k+1}) - \\Gamma(t_{k+1})\\,v_{k+1}\\big)

with :math:`F = -M^{-1}\\nabla L`.  The damping is linear in :math:`v`, so the last half kick is
solved exactly, :math:`v_{k+1} = (I + \\tfrac h2\\Gamma(t_{k+1}))^{-1}(v_{1/2} + \\tfrac h2
F(\\theta_{k+1}))`: explicit half kick plus implicit half kick is the usual second-order
Störmer–Verlet composition, and without damping it is the textbook velocity Verlet.  The force at
the new position is kept for the next step, so each step costs one force evaluation.
"""

from __future__ import annotations

import numpy as np

from .._dynamics import DampingKind

from ._base import ImplicitDamping, JaxForm, Scheme, Symplectic, apply_linear

__all__ = ["Verlet", "verlet_kick_drift_kick"]


def verlet_kick_drift_kick(system, dt: float, damped: bool = False):
    """The velocity-Verlet map ``(theta, v) -> (theta', v')`` in place, with the force at the end
    of one step reused at the start of the next (one evaluation per step).

    With ``damped`` (a scalar damping), ``(theta, v, t)``: the explicit half kick uses
    :math:`F - \\gamma(t) v` and the step ends with the implicit half kick's resolvent; the
    operations are those of the allocating form, in the same order, so the bits are the same."""
    half = dt / 2
    state = {"theta": None, "force": None, "tmp": None}

    def kick_drift_kick(theta, v, t=0.0):
        # The force at the end of the previous step is reused when the same state array comes
        # back (the driver advances one array in place); any other array is evaluated afresh.
        # The two work arrays belong to this stepper: one chunk, one thread.
        force, tmp = state["force"], state["tmp"]
        if tmp is None or tmp.shape != theta.shape or tmp.dtype != theta.dtype:
            force, tmp = np.empty_like(theta), np.empty_like(theta)
            state["force"], state["tmp"], state["theta"] = force, tmp, None
        if state["theta"] is not theta:
            system.force_rows(theta, out=force)
        if damped:
            np.subtract(force, system.damping_rows(t, v), out=tmp)  # a = F - γ v
            np.multiply(tmp, half, out=tmp)
        else:
            np.multiply(force, half, out=tmp)
        np.add(v, tmp, out=v)
        np.multiply(v, dt, out=tmp)
        np.add(theta, tmp, out=theta)
        system.force_rows(theta, out=force)
        np.multiply(force, half, out=tmp)
        np.add(v, tmp, out=v)
        if damped:
            np.multiply(v, system.damping_resolvent(t + dt, half), out=v)
        state["theta"] = theta

    def forget():
        state["theta"] = None

    kick_drift_kick.forget = forget
    return kick_drift_kick


class Verlet(Scheme, Symplectic, ImplicitDamping, JaxForm):
    """Velocity Verlet, order 2.

    Attributes
    ----------
    name : str
        ``"verlet"``, its key in :data:`~inertia_verify.schemes.REGISTRY`.
    order : int
        2: the global order of accuracy.

    Examples
    --------
    >>> Verlet().order, isinstance(Verlet(), Symplectic)
    (2, True)
    """

    name = "verlet"
    order = 2
    description = "velocity Verlet; damping by an explicit then an implicit half kick (order 2)"

    def stepper(self, system, dt):
        if system.damping_kind in (DampingKind.ZERO, DampingKind.SCALAR, DampingKind.TIME):
            # In place, one force evaluation per step.
            kdk = verlet_kick_drift_kick(system, dt,
                                         damped=system.damping_kind is not DampingKind.ZERO)
            return lambda t, theta, v: kdk(theta, v, t)
        half = dt / 2

        def step(t, theta, v):
            v += half * system.acceleration_rows(t, theta, v)
            theta += dt * v
            v += half * system.force_rows(theta)
            v[...] = apply_linear(system.damping_resolvent(t + dt, half), v)
        return step

    def jax_step(self, js, dt):
        half = dt / 2

        def step(t, theta, v):
            v = v + half * js.acceleration(t, theta, v)
            theta = theta + dt * v
            v = v + half * js.force(theta)
            return theta, js.resolvent_apply(t + dt, half, v)
        return step
