"""Is a step size beyond a scheme's linear stability limit for the problem at hand?

The system is linearised at the initial state: :math:`\\dot\\theta = v`,
:math:`\\dot v = -K\\theta - \\Gamma(t_0)v` with :math:`K = M^{-1}\\nabla^2 L(\\theta_0)`.  The
scheme's own stepper is applied to the columns of the identity, which gives its one-step matrix
:math:`R(h)` exactly (no per-scheme formula to keep in sync), and its spectral radius
:math:`\\rho` is compared with that of the exact flow :math:`e^{hA}`.  The step is *beyond the
limit* when the excess growth :math:`(\\rho / \\max(1, \\rho_{exact}))^{N}` over the ``N`` steps of
the run exceeds :data:`GROWTH_LIMIT`: the linearised numerical solution would grow that much
more than any exact solution.  For velocity Verlet on :math:`\\tfrac12\\omega^2\\theta^2` this is
the classical :math:`h\\omega > 2`; explicit Euler on an undamped oscillator is flagged only when
its slow exponential growth :math:`(1 + h^2\\omega^2)^{N/2}` exceeds the limit over the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["StabilityEstimate", "estimate_stability", "GROWTH_LIMIT", "one_step_matrix",
           "Divergence"]

#: Excess amplification over a run beyond which the step size is called unstable.
GROWTH_LIMIT = 10.0


class _LinearSystem:
    """The linearisation of a compiled system: force :math:`-K\\theta`, the same damping."""

    def __init__(self, system, stiffness: np.ndarray, t0: float) -> None:
        self._system = system
        self._stiffness = stiffness
        self.dimension = system.dimension
        self.damping_kind = system.damping_kind

    def force_rows(self, theta, out=None):
        result = -(self._stiffness @ theta)
        if out is not None:
            out[...] = result
            return out
        return result

    def damping_rows(self, t, v):
        return self._system.damping_rows(t, v)

    def acceleration_rows(self, t, theta, v, out=None):
        result = self.force_rows(theta) - self.damping_rows(t, v)
        if out is not None:
            out[...] = result
            return out
        return result

    def damping_propagator(self, t, h):
        return self._system.damping_propagator(t, h)

    def damping_resolvent(self, t, h):
        return self._system.damping_resolvent(t, h)


def one_step_matrix(scheme, system, stiffness: np.ndarray, dt: float, t0: float = 0.0) -> np.ndarray:
    """The ``(2d, 2d)`` matrix of one step of ``scheme`` on the linear problem with Hessian
    ``stiffness`` (already multiplied by :math:`M^{-1}`) and the system's damping.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> from inertia_verify.numeric import compile_dynamics
    >>> from inertia_verify.schemes import get_scheme
    >>> system = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    >>> one_step_matrix(get_scheme("symplectic-euler"), system, np.eye(1), 0.1)
    array([[ 0.99,  0.1 ],
           [-0.1 ,  1.  ]])
    """
    d = system.dimension
    linear = _LinearSystem(system, np.asarray(stiffness, dtype=float), t0)
    theta = np.hstack([np.eye(d), np.zeros((d, d))])
    v = np.hstack([np.zeros((d, d)), np.eye(d)])
    scheme.stepper(linear, dt)(t0, theta, v)
    return np.vstack([theta, v])


@dataclass(frozen=True)
class StabilityEstimate:
    """What the linearised problem says about a step size.

    Attributes
    ----------
    spectral_radius : float
        :math:`\\rho(R(h))` of the scheme's one-step matrix.
    exact_radius : float
        :math:`\\rho(e^{hA})` of the exact flow of the linearisation.
    steps : int
        The number of steps the growth is compounded over.
    excess_growth : float
        :math:`(\\rho/\\max(1, \\rho_{exact}))^{steps}` (``inf`` when it overflows).
    beyond_limit : bool
        ``excess_growth > GROWTH_LIMIT``.
    note : str
        The same, in words.

    Examples
    --------
    >>> import numpy as np
    >>> from inertia_verify import Dynamics, compile_dynamics
    >>> from inertia_verify.numeric import get_scheme
    >>> system = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    >>> estimate = estimate_stability(get_scheme("verlet"), system, np.array([1.0]), 2.1, 100)
    >>> round(estimate.spectral_radius, 4), estimate.exact_radius, estimate.beyond_limit
    (1.8773, 1.0, True)
    """

    spectral_radius: float
    exact_radius: float
    steps: int
    excess_growth: float
    beyond_limit: bool
    note: str

    def to_dict(self) -> dict:
        return {"spectral_radius": self.spectral_radius, "exact_radius": self.exact_radius,
                "steps": self.steps, "excess_growth": self.excess_growth,
                "beyond_limit": self.beyond_limit, "growth_limit": GROWTH_LIMIT, "note": self.note}


def estimate_stability(scheme, system, theta0, dt: float, steps: int,
                       t0: float = 0.0) -> StabilityEstimate | None:
    """Linear stability of ``scheme`` with step ``dt`` at the initial state ``theta0`` (``(d,)``).

    Parameters
    ----------
    scheme : Scheme
        A fixed-step scheme (:func:`get_scheme`).
    system : CompiledDynamics
        The system, compiled.
    theta0 : ndarray, shape (d,)
        Where to linearise: the Hessian of the loss there, the damping at ``t0``.
    dt : float
        The step size.
    steps : int
        The number of steps the run will take.
    t0 : float
        The initial time.

    Returns
    -------
    StabilityEstimate or None
        ``None`` when the linearisation is not finite there (e.g. damping ``3/t`` at
        ``t0 = 0``).

    Examples
    --------
    Verlet on the oscillator :math:`\\ddot\\theta + \\theta = 0` is stable for
    :math:`h\\omega < 2`:

    >>> import numpy as np
    >>> from inertia_verify import Dynamics, compile_dynamics
    >>> from inertia_verify.numeric import get_scheme
    >>> system = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    >>> estimate_stability(get_scheme("verlet"), system, np.array([1.0]), 1.9, 100).beyond_limit
    False
    >>> estimate_stability(get_scheme("verlet"), system, np.array([1.0]), 2.1, 100).beyond_limit
    True
    """
    d = system.dimension
    with np.errstate(all="ignore"):
        try:
            hessian = system.hessian(theta0)
            damping = system.damping_matrix(t0)
        except (ZeroDivisionError, ValueError, OverflowError):
            return None
        if not (np.all(np.isfinite(hessian)) and np.all(np.isfinite(damping))):
            return None
        stiffness = system.mass_inverse @ hessian
        generator = np.block([[np.zeros((d, d)), np.eye(d)], [-stiffness, -damping]])
        exact = math.exp(dt * max(float(np.max(np.linalg.eigvals(generator).real)), 0.0))
        matrix = one_step_matrix(scheme, system, stiffness, dt, t0)
        if not np.all(np.isfinite(matrix)):
            return None
        radius = float(np.max(np.abs(np.linalg.eigvals(matrix))))
    ratio = radius / max(1.0, exact)
    if ratio <= 1.0:
        excess = 1.0
    else:
        log_excess = steps * math.log(ratio)
        excess = math.inf if log_excess > 700 else math.exp(log_excess)
    beyond = excess > GROWTH_LIMIT
    note = (f"linearised at theta0 (Hessian of L, damping at t0={t0:g}): one-step spectral radius "
            f"{radius:.6g} vs exact {exact:.6g}; excess growth over {steps} steps {excess:.3g} "
            f"({'beyond' if beyond else 'within'} the limit {GROWTH_LIMIT:g})")
    return StabilityEstimate(radius, exact, int(steps), excess, beyond, note)


@dataclass(frozen=True)
class Divergence:
    """Where and why a simulation stopped being a solution.

    Attributes
    ----------
    reason : {"non-finite", "unstable step"}
        NaN/Inf/overflow in the state, or a step size beyond the linear stability limit
        (detected before the first step, ``step = 0``).
    step : int
        The step after which the state was first non-finite (``0`` for an unstable step size).
    time : float
        The time of that step.
    detail : str
        What was found, in words.

    Examples
    --------
    >>> from inertia_verify import Dynamics, simulate
    >>> run = simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], t_end=10.0, dt=2.5)
    >>> run.divergence.reason, run.divergence.step
    ('unstable step', 0)
    """

    reason: str
    step: int
    time: float
    detail: str

    def to_dict(self) -> dict:
        return {"reason": self.reason, "step": self.step, "time": self.time, "detail": self.detail}

    def __str__(self) -> str:
        return f"diverged ({self.reason}) at step {self.step}, t = {self.time:g}: {self.detail}"
