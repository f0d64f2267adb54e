"""Trajectories for the figures, computed by the toolkit's own numeric layer.

One place decides how a figure's curve is simulated: the compiled system integrated by
:func:`~inertia_verify.numeric.simulate` with its DOP853 reference (tolerances :data:`RTOL`,
:data:`ATOL`).  A run that diverges raises :class:`~inertia_verify.SimulationDiverged` instead of
being drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._dynamics import Dynamics
from .._errors import SimulationDiverged
from ..numeric import get_scheme, simulate

__all__ = ["Trajectory", "trajectory", "RTOL", "ATOL", "SCHEME"]

SCHEME = "dop853"
RTOL, ATOL = get_scheme(SCHEME).rtol, get_scheme(SCHEME).atol


@dataclass(frozen=True)
class Trajectory:
    """Saved states of one path.

    ``times (n,)``, ``theta (n, d)``, ``v (n, d)``, ``inertia (n,)``.
    """

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
    >>> path.theta.shape, bool(abs(path.inertia - 0.5).max() < 1e-10)
    ((7, 1), True)
    """
    run = simulate(dynamics, np.atleast_1d(np.asarray(theta0, dtype=float)),
                   np.atleast_1d(np.asarray(v0, dtype=float)), float(t_end),
                   float(t_end) / (samples - 1), scheme=SCHEME, values=values, keep_states=True,
                   save_every=1, energy_balance=False)
    if run.diverged:
        raise SimulationDiverged(f"the trajectory of {dynamics!r} from θ(0) = {list(theta0)}: "
                                 f"{run.divergence}")
    return Trajectory(run.times, run.theta[:, 0, :], run.v[:, 0, :], run.inertia[:, 0],
                      f"toolkit simulate, {SCHEME} (rtol {RTOL:g}, atol {ATOL:g})")
