r"""The toolkit's numeric tolerances: one home, each with its reason.

Every number that decides whether a measured difference is round-off, sampling noise or the error
of a reference solver is defined here (as SciPy keeps ``EPS`` in ``scipy/integrate/_ivp/common.py``),
so that a judgement in one module cannot silently use another constant than the same judgement
elsewhere.

* :func:`roundoff_floor` — the size of accumulated floating-point round-off,
  :math:`\kappa\,\varepsilon\,s\sqrt{N}` after :math:`N` steps of a quantity of scale :math:`s`.
* :data:`Z_SCORE` — how many standard errors a Monte Carlo difference may reach before it counts.
* :data:`REFERENCE_RTOL`, :data:`REFERENCE_ATOL`, :data:`REFERENCE_DIGITS`,
  :data:`REFERENCE_BUDGET` — what the reference solvers (DOP853, mpmath) are asked for, and how
  many of their tolerance units a whole run may be off.

The β ↔ γ reading of heavy ball is not a tolerance but a convention; it lives, derived, in
:mod:`inertia_verify.symbolic._optimizers`.
"""

from __future__ import annotations

import math

import numpy as np

from ._errors import InvalidArgument

__all__ = ["EPS", "ROUNDOFF_KAPPA", "roundoff_floor", "Z_SCORE", "REFERENCE_RTOL",
           "REFERENCE_ATOL", "REFERENCE_DIGITS", "REFERENCE_BUDGET"]

#: Machine epsilon of float64, :math:`2^{-52}`.
EPS = float(np.finfo(float).eps)

#: The safety factor :math:`\kappa` of :func:`roundoff_floor`.  Each step of a scheme rounds a few
#: sums per coordinate and the evaluation of :math:`I` rounds a few more; the observed error of an
#: exactly conserved quadratic invariant stays below :math:`64\,\varepsilon\sqrt{N}` (asserted in
#: ``tests/crosschecks/test_judges.py``).  A floor is where a judge stops treating a difference as signal
#: ("agrees", "conserved to round-off"), so the smaller factor that still holds is the sound one.
ROUNDOFF_KAPPA = 64.0


def roundoff_floor(steps: int = 1, scale: float = 1.0) -> float:
    r"""The round-off a float64 computation of ``steps`` steps accumulates, relative to ``scale``:
    :math:`\kappa\,\varepsilon\,\mathrm{scale}\,\sqrt{\max(N, 1)}` with
    :math:`\kappa =` :data:`ROUNDOFF_KAPPA`.

    Rounding errors of successive steps are independent in sign, so they add like a random walk
    (:math:`\sqrt N`), not linearly.  ``steps=1`` is the round-off of one evaluation (the inertia
    monitor's per-step tolerance).

    Parameters
    ----------
    steps : int
        The number of steps :math:`N` (values below 1 count as 1).
    scale : float
        The magnitude of the quantity (``max |I|``, or ``max(1, |I|)`` for a relative measure).

    Returns
    -------
    float

    Examples
    --------
    >>> roundoff_floor(400) == 64 * 2.0**-52 * 20
    True
    >>> roundoff_floor(scale=10.0) == 640 * 2.0**-52
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, float, np.integer, np.floating)) \
            or not math.isfinite(steps):
        raise InvalidArgument("steps", steps, "must be a finite number of steps", "e.g. steps=1000")
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(scale) and scale >= 0):
        raise InvalidArgument("scale", scale, "must be a finite non-negative number",
                              "give the magnitude of the quantity, e.g. max |I|")
    return ROUNDOFF_KAPPA * EPS * float(scale) * math.sqrt(max(steps, 1))


#: Monte Carlo judgements: a difference between a sample mean and its prediction counts only
#: beyond this many standard errors.  At 4σ a correct prediction is refuted with probability
#: about 6e-5 per comparison (two-sided normal tail), small enough for a catalogue of claims run
#: with fixed seeds, while a wrong one is still caught once the standard error is a quarter of
#: the discrepancy.
Z_SCORE = 4.0

#: Relative and absolute tolerances asked of the adaptive reference solver (DOP853): tight enough
#: that its error sits well below every fixed-step scheme's at the step sizes used, loose enough
#: for float64 (about 4500 ε).
REFERENCE_RTOL = 1e-12
#: See :data:`REFERENCE_RTOL`.
REFERENCE_ATOL = 1e-12
#: Decimal digits of the mpmath Taylor reference: twice float64's, so that its own error never
#: shows in a float64 comparison.
REFERENCE_DIGITS = 30
#: An adaptive solver controls the local error of each step, and the global error of a run of
#: :math:`N` steps can accumulate up to about :math:`N` local tolerances; the reference runs here
#: take of the order of a hundred steps, so a reference may be off by this many tolerance units
#: :math:`(\mathrm{atol} + \mathrm{rtol}\,|x|)` before a disagreement counts.
REFERENCE_BUDGET = 100
