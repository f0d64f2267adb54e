"""High-precision reference for one trajectory: ``mpmath.odefun`` (a Taylor-series method with
automatic degree and step) at a chosen number of digits, 30 by default.

The right-hand side is the system's symbolic acceleration evaluated by mpmath (no float
rounding), so the result is good to about the requested digits; meant for small problems and
short horizons (it is slow).
"""

from __future__ import annotations

import numpy as np

from .._errors import InvalidArgument
from .._tolerances import EPS, REFERENCE_DIGITS
from ._base import ReferenceSolver

__all__ = ["MpmathTaylor"]


class MpmathTaylor(ReferenceSolver):
    """``mpmath.odefun`` reference at ``digits`` significant digits.

    Parameters
    ----------
    digits : int
        Significant digits of the integration, from 15 to 200.

    Examples
    --------
    >>> import mpmath
    >>> from inertia_verify import Dynamics
    >>> from inertia_verify.numeric import compile_dynamics
    >>> system = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    >>> theta, v = MpmathTaylor(digits=30).solve_mp(system, [1], [0], 0, [1])
    >>> with mpmath.workdps(40):
    ...     bool(abs(theta[0][0] - mpmath.cos(1)) < mpmath.mpf(10)**-28)
    True
    """

    name = "mpmath"
    description = "mpmath.odefun Taylor method at 30 digits (single trajectory)"

    def __init__(self, digits: int = REFERENCE_DIGITS) -> None:
        if isinstance(digits, bool) or not isinstance(digits, int) or not 15 <= digits <= 200:
            raise InvalidArgument("digits", digits, "must be an integer between 15 and 200",
                                  "e.g. digits=30")
        self.digits = digits

    @property
    def relative_accuracy(self) -> float:
        """``10**-digits``, but the float results of :meth:`solve` are rounded to double
        precision: at least the machine epsilon (:meth:`solve_mp` keeps every digit)."""
        return max(10.0 ** -self.digits, EPS)

    def solve_mp(self, system, theta0, v0, t0, times):
        """Like :meth:`solve`, but returns lists of ``mpmath.mpf`` (full precision)."""
        import mpmath
        import sympy

        dynamics = system.dynamics
        d = dynamics.dimension
        args = (dynamics.time, *dynamics.coordinates, *dynamics.velocities)
        acceleration = sympy.lambdify(args, list(dynamics.acceleration), modules="mpmath")
        with mpmath.workdps(self.digits):
            def rhs(t, y):
                return list(y[d:]) + list(acceleration(t, *y))

            y0 = [mpmath.mpf(x) for x in list(theta0) + list(v0)]
            solution = mpmath.odefun(rhs, mpmath.mpf(t0), y0)
            states = [solution(mpmath.mpf(t)) for t in times]
            return [list(s[:d]) for s in states], [list(s[d:]) for s in states]

    def solve(self, system, theta0, v0, t0: float, times) -> tuple[np.ndarray, np.ndarray]:
        """Integrate; return ``theta, v`` at ``times`` as float arrays of shape ``(n, d)``."""
        times = list(np.atleast_1d(np.asarray(times, dtype=float)))
        theta, v = self.solve_mp(system, theta0, v0, t0, times)
        return (np.array([[float(x) for x in row] for row in theta]),
                np.array([[float(x) for x in row] for row in v]))
