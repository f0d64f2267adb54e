"""Trajectories for the figures, computed by the toolkit's own numeric layer.

One place decides how a figure's curve is simulated: the compiled system
(:func:`~inertia_verify.numeric.compile_dynamics`) integrated by the toolkit's ``simulate`` with
its DOP853 reference when that is available, and otherwise by SciPy's DOP853 on the same compiled
vector field.  Either way the tolerance is stated in :data:`RTOL` / :data:`ATOL`, and a run that
produces NaN or Inf raises :class:`~inertia_verify.SimulationDiverged` instead of drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._dynamics import Dynamics
from .._errors import SimulationDiverged
from ..numeric import compile_dynamics

__all__ = ["Trajectory", "trajectory", "RTOL", "ATOL"]

RTOL, ATOL = 1e-10, 1e-12


@dataclass(frozen=True)
class Trajectory:
    """Saved states of one path: ``times (n,)``, ``theta (n, d)``, ``v (n, d)``, ``inertia (n,)``."""

    times: np.ndarray
    theta: np.ndarray
    v: np.ndarray
    inertia: np.ndarray
    method: str


def trajectory(dynamics: Dynamics, theta0, v0, t_end: float, samples: int = 801,
               values: dict | None = None) -> Trajectory:
    """One path of ``dynamics`` on ``[0, t_end]``, saved at ``samples`` equally spaced times.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> path = trajectory(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 6.0, samples=7)
    >>> path.theta.shape, round(float(path.inertia.max() - path.inertia.min()), 9)
    ((7, 1), 0.0)
    """
    compiled = compile_dynamics(dynamics, values)
    theta0 = np.atleast_1d(np.asarray(theta0, dtype=float))
    v0 = np.atleast_1d(np.asarray(v0, dtype=float))
    times = np.linspace(0.0, float(t_end), samples)
    import scipy.integrate

    d = theta0.size

    def field(t, y):
        theta, v = y[:d][None, :], y[d:][None, :]
        return np.concatenate([y[d:], compiled.acceleration(t, theta, v)[0]])

    sol = scipy.integrate.solve_ivp(field, (0.0, float(t_end)), np.concatenate([theta0, v0]),
                                    method="DOP853", t_eval=times, rtol=RTOL, atol=ATOL)
    if not sol.success or not np.all(np.isfinite(sol.y)):
        raise SimulationDiverged(f"the trajectory of {dynamics!r} from θ(0) = {theta0.tolist()} "
                                 f"did not stay finite: {sol.message}")
    theta, v = sol.y[:d].T, sol.y[d:].T
    inertia = compiled.inertia(theta, v)
    return Trajectory(times, theta, v, np.asarray(inertia, dtype=float),
                      f"DOP853 (rtol {RTOL:g}, atol {ATOL:g}) on the compiled system")
