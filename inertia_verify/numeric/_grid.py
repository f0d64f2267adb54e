"""How a run is cut: in time, the one step rule (:func:`step_count`); across paths, the blocks that
seed the random numbers and the default chunk of an ensemble.

Shared by the deterministic driver (:mod:`._simulate`), the Monte Carlo driver
(:mod:`._montecarlo`), the sweep and the command line.
"""

from __future__ import annotations

import math

from .._errors import InvalidArgument
from .._validation import as_positive_real, as_real

__all__ = ["step_count", "MAX_STEPS", "BLOCK_PATHS", "DEFAULT_CHUNK_PATHS"]

#: More steps than this is refused: a Python loop over 10⁹ steps runs for hours.
MAX_STEPS = 10**9
#: A ratio (t_end - t0)/dt this close (relative) to a whole number is that number: 1/0.1 is 10.
_WHOLE_STEPS_RTOL = 1e-9
#: Paths per random-number block: the unit of seeding (fixed, so results do not depend on chunks).
BLOCK_PATHS = 8192
#: Default chunk: 32 blocks (262 144 paths, a few MB per coordinate).
DEFAULT_CHUNK_PATHS = 32 * BLOCK_PATHS


def step_count(t_end: float, dt: float, t0: float = 0.0, *,
               names: tuple[str, str, str] = ("t_end", "dt", "t0")) -> tuple[int, float]:
    """The one step rule: the number of steps over ``[t0, t_end]`` and the step actually used.

    ``steps = ceil((t_end - t0) / dt)``, where a ratio within 1e-9 (relative) of a whole number
    counts as that number; the step used, ``(t_end - t0) / steps``, is never larger than ``dt``
    (it equals ``dt`` when ``dt`` divides the interval).

    Parameters
    ----------
    t_end, dt, t0 : float
    names : (str, str, str)
        How the caller calls these arguments (``("--t-end", "--dt", "--t0")`` on the command
        line), for the error messages.

    Returns
    -------
    (int, float)

    Raises
    ------
    InvalidArgument
        For a non-positive ``dt``, ``t_end <= t0``, or more than :data:`MAX_STEPS` steps.

    Examples
    --------
    >>> step_count(1.0, 0.1)
    (10, 0.1)
    >>> step_count(1.0, 0.3)     # 1/0.3 is not whole: 4 steps of 0.25
    (4, 0.25)
    """
    t_end_name, dt_name, t0_name = names
    t0 = as_real(t0, t0_name)
    t_end = as_real(t_end, t_end_name)
    dt = as_positive_real(dt, dt_name, example="0.01")
    if t_end <= t0:
        raise InvalidArgument(t_end_name, t_end, f"must be after {t0_name} = {t0:g}",
                              "give a later final time")
    span = t_end - t0
    ratio = span / dt
    if not ratio <= MAX_STEPS:  # also catches an overflow to inf
        raise InvalidArgument(dt_name, dt, f"gives {ratio:.3g} steps over {span:g}, more than "
                              f"{MAX_STEPS:.0e}", f"use {dt_name} {span / MAX_STEPS:.3g} or larger")
    nearest = round(ratio)
    if nearest >= 1 and abs(ratio - nearest) <= _WHOLE_STEPS_RTOL * nearest:
        steps = int(nearest)
    else:
        steps = max(1, math.ceil(ratio))
    return steps, span / steps
