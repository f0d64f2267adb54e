"""Reference solution of a single trajectory with SciPy's ``solve_ivp`` (DOP853, order 8).

Adaptive, with tight default tolerances (``rtol = atol = 1e-12``): a reference to measure the
fixed-step schemes against, not an ensemble integrator.
"""

from __future__ import annotations

import numpy as np

from .._errors import InvalidArgument, SimulationDiverged
from .._tolerances import REFERENCE_ATOL, REFERENCE_RTOL
from ._base import ReferenceSolver

__all__ = ["DOP853"]


class DOP853(ReferenceSolver):
    """SciPy's DOP853 on one trajectory (adaptive; ``order`` is the method's, 8).

    Parameters
    ----------
    rtol, atol : float
        The relative and absolute tolerances of the step control, in (0, 1) (default 1e-12
        each, ``REFERENCE_RTOL`` and ``REFERENCE_ATOL`` of ``inertia_verify._tolerances``).

    Examples
    --------
    >>> import numpy as np
    >>> from inertia_verify import Dynamics
    >>> from inertia_verify.numeric import compile_dynamics
    >>> system = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    >>> theta, v = DOP853().solve(system, [1.0], [0.0], 0.0, [np.pi])
    >>> float(theta[0, 0])
    -1.0
    """

    name = "dop853"
    order = 8
    description = "scipy solve_ivp DOP853, rtol = atol = 1e-12 (single trajectory)"

    def __init__(self, rtol: float = REFERENCE_RTOL, atol: float = REFERENCE_ATOL) -> None:
        for argument, value in (("rtol", rtol), ("atol", atol)):
            if not (isinstance(value, (int, float)) and 0 < value < 1):
                raise InvalidArgument(argument, value, "must be a number in (0, 1)", "e.g. 1e-12")
        self.rtol, self.atol = float(rtol), float(atol)

    @property
    def relative_accuracy(self) -> float:
        """``rtol``: the solver keeps its local error below ``atol + rtol·|y|``."""
        return self.rtol

    def solve(self, system, theta0, v0, t0: float, times) -> tuple[np.ndarray, np.ndarray]:
        """Integrate from ``(theta0, v0)`` at ``t0``; return ``theta, v`` at ``times``, ``(n, d)``."""
        from scipy.integrate import solve_ivp

        d = system.dimension
        y0 = np.concatenate([np.asarray(theta0, dtype=float), np.asarray(v0, dtype=float)])
        times = np.atleast_1d(np.asarray(times, dtype=float))

        def rhs(t, y):
            theta, v = y[:d, None], y[d:, None]
            return np.concatenate([y[d:], system.acceleration_rows(t, theta, v)[:, 0]])

        with np.errstate(all="ignore"):
            solution = solve_ivp(rhs, (t0, float(times[-1])), y0, method="DOP853", t_eval=times,
                                 rtol=self.rtol, atol=self.atol)
        if not solution.success or not np.all(np.isfinite(solution.y)):
            raise SimulationDiverged(f"solve_ivp (DOP853) failed: {solution.message}")
        return solution.y[:d].T.copy(), solution.y[d:].T.copy()
