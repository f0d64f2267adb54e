"""Symbolic predictions against simulation, judged by how the error converges with the step.

Two checks run on every simulation:

* **energy balance**: :math:`I(t) - I(t_0) - \\int_{t_0}^t \\dot I\\,ds`, the symbolic rate
  integrated along the *simulated* path (end-corrected trapezoid rule, error :math:`O(h^4)`).  It
  vanishes for the exact flow; along a scheme of order :math:`p` it is :math:`O(h^{q})`,
  :math:`q = \\min(p, 4)`.
* **closed form** (when the loss is quadratic and the damping constant): the simulated
  :math:`I(t)` against the exact one, :math:`O(h^p)`.

A single step size cannot tell a small error from a wrong formula, so each check is run at
``dt``, ``2 dt``, ``4 dt``.  The runs of one check are one experiment: they start from the *same*
initial states (with ``spread``, the random draw is made once, from ``seed``, default 0, and the
seed is reported), and :func:`crosscheck` verifies that they did before judging.

The judgement (:func:`judge_convergence`) rests on the *orders* the errors show, never on a
tolerance taken from the errors themselves.  With :math:`e_k` the error at step :math:`h_k`, the
local order between neighbouring runs is :math:`\\log(e_{k+1}/e_k)/\\log(h_{k+1}/h_k)` and the
observed order is the least-squares slope of :math:`\\log e` on :math:`\\log h`
(:func:`~inertia_verify.crosschecks.fit_order`).  Verdicts:

* ``agrees``: every error (of the runs that did not diverge) is at the round-off/solver floor; or
  the observed order and every local order lie in the band :math:`[p - \\tfrac12, p + \\tfrac12]`
  around the declared order :math:`p` (:data:`ORDER_BAND`), including the drop of the last error
  above the floor to a finer run at the floor.  Half an order is the widest band in which each
  observed order names one integer order (the nearest): a slope closer to :math:`p \\pm 1` is
  evidence of another order.  The upper side matters as much as the lower: errors that fall
  faster than declared (a slope of 7 for a declared 2) mean the coarse runs are not the same
  experiment as the fine one, or that the leading error term vanishes for this problem — in
  which case the caller states the order it expects (``crosscheck(..., order=...)``);
* ``disagrees``: the error does not go to zero (observed order below 1/2);
* ``inconclusive``, with the reason: any other evidence — an order outside the band (below it:
  pre-asymptotic, halve ``dt`` again), an error that rises above the floor when the step is
  refined, fewer than two runs above the floor, no declared order, runs that do not share their
  initial states;
* ``diverged``: the run at ``dt`` diverged (NaN/Inf or an unstable step size).

The tolerance :math:`\\tau` reported with a check is the largest finest error that the declared
order, less half an order, allows given the next coarser run,
:math:`\\tau = e_2\\,(h_1/h_2)^{p - 1/2}`: ``error / tolerance ≤ 1`` restates the lower side of the
band in units of error; it is not an independent accuracy target.

The round-off floor is :func:`~inertia_verify._tolerances.roundoff_floor`,
:math:`\\kappa\\,\\varepsilon\\,\\max|I|\\sqrt{N}` for :math:`N` steps (rounding errors accumulate
like a random walk), and for the adaptive references additionally
:math:`\\mathrm{REFERENCE\\_BUDGET}` times the solver's declared ``relative_accuracy`` times
:math:`\\max|I|` (both in
:mod:`inertia_verify._tolerances`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._errors import InvalidArgument
from .._tolerances import REFERENCE_BUDGET, roundoff_floor
from .._validation import as_paths, as_positive_int, as_seed, as_state
from ..numeric._compile import CompiledDynamics, compile_dynamics
from ..numeric._simulate import Simulation, simulate
from ..schemes import ReferenceSolver, get_scheme
from ._order_fit import fit_order

__all__ = ["CrossCheck", "CrossCheckReport", "crosscheck", "judge_convergence", "VERDICTS",
           "ORDER_BAND", "DEFAULT_SEED"]

#: Verdicts of a cross-check, from best to worst.
VERDICTS = ("agrees", "inconclusive", "disagrees", "diverged")

#: Half-width of the band of observed orders that counts as the declared order (module notes).
ORDER_BAND = 0.5

#: The seed of the random initial states when the caller gives none (reported in the result).
DEFAULT_SEED = 0


@dataclass(frozen=True)
class CrossCheck:
    """One quantity compared across step sizes.

    Attributes
    ----------
    quantity : str
        ``"energy balance"`` or ``"closed form"``.
    verdict : {"agrees", "inconclusive", "disagrees", "diverged"}
    error : float or None
        The largest error at the finest step.
    tolerance : float or None
        :math:`\\tau` (see the module notes); ``error / tolerance`` is the error in tolerances.
    floor : float
        Round-off (and solver) floor.
    expected_order, observed_order : float or None
        The declared order and the least-squares slope of log error on log step.
    dts, errors : tuple of float
        Finest first; an error is ``None`` for a run that diverged.
    note : str
        The reason for the verdict.
    local_orders : tuple of float or None
        The order between each pair of neighbouring runs (finest pair first); ``None`` where an
        error is missing or at the floor.
    band : float
        Half-width of the accepted band of orders around ``expected_order``.

    Examples
    --------
    >>> check = judge_convergence([0.04, 0.02, 0.01], [1.6e-3, 4e-4, 1e-4], 2, 1e-14, "x")
    >>> check.verdict, round(check.observed_order, 6), check.dts
    ('agrees', 2.0, (0.01, 0.02, 0.04))
    """

    quantity: str
    verdict: str
    error: float | None
    tolerance: float | None
    floor: float
    expected_order: float | None
    observed_order: float | None
    dts: tuple[float, ...]
    errors: tuple[float | None, ...]
    note: str
    local_orders: tuple[float | None, ...] = ()
    band: float = ORDER_BAND

    @property
    def reason(self) -> str:
        """Why the verdict is what it is (the same text as ``note``)."""
        return self.note

    @property
    def error_in_tolerances(self) -> float | None:
        if self.error is None or not self.tolerance:
            return None
        return self.error / self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "verdict": self.verdict, "reason": self.note,
                "error": self.error, "tolerance": self.tolerance,
                "error_in_tolerances": self.error_in_tolerances,
                "floor": self.floor, "expected_order": self.expected_order,
                "observed_order": self.observed_order, "order_band": self.band,
                "local_orders": list(self.local_orders), "dts": list(self.dts),
                "errors": list(self.errors), "note": self.note}

    def __str__(self) -> str:
        parts = [f"{self.quantity}: {self.verdict}"]
        if self.error is not None:
            parts.append(f"error {self.error:.3g}")
        if self.error_in_tolerances is not None:
            parts.append(f"= {self.error_in_tolerances:.3g} tolerances")
        if self.observed_order is not None:
            declared = "none" if self.expected_order is None else \
                f"{self.expected_order:g} ± {self.band:g}"
            parts.append(f"observed order {self.observed_order:.2f} (declared {declared})")
        return ", ".join(parts) + (f" — {self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def _judge_arguments(dts, errors, order, floor, band):
    """Validate :func:`judge_convergence`'s input: pairs (h, e) finest first."""
    try:
        hs = [float(h) for h in dts]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("dts", dts, "must be numbers") from exc
    try:
        es = [None if e is None else float(e) for e in errors]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("errors", errors, "must be numbers or None (a diverged run)") \
            from exc
    if len(hs) != len(es) or len(hs) < 2:
        raise InvalidArgument("errors", errors, f"needs one error per step size (at least two); "
                              f"got {len(es)} errors for {len(hs)} step sizes")
    if not all(math.isfinite(h) and h > 0 for h in hs) or len(set(hs)) != len(hs):
        raise InvalidArgument("dts", dts, "must be distinct positive numbers",
                              "run each refinement at its own step size")
    if any(e is not None and e < 0 for e in es):
        raise InvalidArgument("errors", errors, "must be non-negative (absolute errors)")
    # A NaN or infinite error is a run that diverged.
    es = [None if e is None or not math.isfinite(e) else e for e in es]
    if not (math.isfinite(floor) and floor >= 0):
        raise InvalidArgument("floor", floor, "must be a finite non-negative number")
    if order is not None and (isinstance(order, bool) or not math.isfinite(order) or order <= 0):
        raise InvalidArgument("order", order, "must be a positive number or None")
    if not (math.isfinite(band) and band > 0):
        raise InvalidArgument("band", band, "must be a positive number", "e.g. 0.5")
    return sorted(zip(hs, es), key=lambda p: p[0])


def _local_order(fine, coarse) -> float:
    (h1, e1), (h2, e2) = fine, coarse
    return math.log(e2 / e1) / math.log(h2 / h1)


def judge_convergence(dts, errors, order: float | None, floor: float,
                      quantity: str, *, band: float = ORDER_BAND) -> CrossCheck:
    """Turn errors at several step sizes into a verdict (see the module notes).

    Parameters
    ----------
    dts : sequence of float
        Distinct positive steps, in any order (the finest is the smallest).
    errors : sequence of float or None
        The absolute error at each step; ``None`` (or NaN/Inf) for a run that diverged.
    order : float or None
        The declared order of convergence of this quantity; ``None``: no order is declared, and
        only errors at the floor can agree.
    floor : float
        The round-off (and solver) floor: errors at or below it are not convergence data.
    quantity : str
        The name of the quantity, for the report.
    band : float
        Half-width of the accepted band of orders around ``order`` (default :data:`ORDER_BAND`).

    Returns
    -------
    CrossCheck

    Examples
    --------
    >>> judge_convergence([0.04, 0.02, 0.01], [1.6e-3, 4e-4, 1e-4], 2, 1e-14, "x").verdict
    'agrees'
    >>> judge_convergence([0.04, 0.02, 0.01], [1e-3, 1e-3, 1e-3], 2, 1e-14, "x").verdict
    'disagrees'
    >>> judge_convergence([0.04, 0.02, 0.01], [1e-16, 1e-16, 2e-16], 2, 1e-14, "x").verdict
    'agrees'

    Errors that fall much faster than the declared order are not agreement:

    >>> judged = judge_convergence([0.04, 0.02, 0.01], [0.87, 0.78, 2.9e-5], 2, 1e-14, "x")
    >>> judged.verdict, round(judged.observed_order, 1)
    ('inconclusive', 7.4)
    """
    pairs = _judge_arguments(dts, errors, order, floor, band)
    finest_h, finest_e = pairs[0]
    hs = tuple(h for h, _ in pairs)
    es = tuple(e for _, e in pairs)
    declared = "none" if order is None else f"{order:g} ± {band:g}"

    def result(verdict, note, tolerance=None, slope=None, local=()):
        return CrossCheck(quantity, verdict, finest_e, tolerance, floor, order, slope, hs, es,
                          note, tuple(local), band)

    if finest_e is None:
        return result("diverged", "the run at the finest step diverged")
    usable = [(h, e) for h, e in pairs if e is not None]
    dropped = len(pairs) - len(usable)
    lost = f" ({dropped} coarser run(s) diverged and are left out)" if dropped else ""
    above = [(h, e) for h, e in usable if e > floor]
    if not above:
        return result("agrees", "every error is at the round-off/solver floor" + lost, floor)
    # Neighbouring usable runs, finest pair first: the local order where both are above the
    # floor, a lower bound where the finer one reached the floor.
    local, reached_floor, rises = [], None, False
    for fine, coarse in zip(usable, usable[1:]):
        if fine[1] > floor and coarse[1] > floor:
            local.append(_local_order(fine, coarse))
            continue
        local.append(None)
        if fine[1] <= floor < coarse[1] and reached_floor is None:
            reached_floor = _local_order((fine[0], max(floor, 1e-300)), coarse)
        elif fine[1] > floor >= coarse[1]:
            rises = True
    if rises:
        return result("inconclusive", "the error rises above the round-off floor when the step "
                      "is refined: the runs are not one converging sequence" + lost, local=local)
    slope = None
    if len(above) >= 2:
        slope = fit_order([h for h, _ in above], [e for _, e in above]).slope
    if order is None:
        # Without a declared order nothing above the floor can be judged, nor a drop to it.
        return result("inconclusive", "no order is declared for this quantity, and not every "
                      "error is at the round-off/solver floor" + lost, None, slope, local)
    if slope is None and reached_floor is None:
        return result("inconclusive", "too few runs above the round-off floor to fit a "
                      "convergence order" + lost, local=local)
    if finest_e <= floor:
        tolerance = floor
    else:
        (h1, _), (h2, e2) = above[0], above[1]
        tolerance = max(e2 * (h1 / h2) ** (order - band), floor)
    if reached_floor is not None and reached_floor > order + band:
        return result("inconclusive", f"the error falls from {above[0][1]:.3g} to the round-off "
                      f"floor at a local order of at least {reached_floor:.2f}, above the "
                      f"declared {declared}: the runs are not one converging sequence" + lost,
                      tolerance, slope, local)
    if slope is not None and slope < 0.5:
        return result("disagrees", f"the error does not decrease with the step size (observed "
                      f"order {slope:.2f})" + lost, tolerance, slope, local)
    lo, hi = order - band, order + band
    shown = ", ".join("—" if q is None else f"{q:.2f}" for q in local)
    evidence = (f"observed order {slope:.2f}, " if slope is not None else "") + \
        f"local orders (finest pair first) {shown}"
    orders = [q for q in (slope, *local) if q is not None]
    if any(q > hi for q in orders):
        nearest = round(slope if slope is not None else max(q for q in orders))
        return result("inconclusive", f"{evidence}: faster than the declared {declared} — the "
                      "coarser runs are not the same experiment as the finest, or the leading "
                      "error term vanishes for this problem (if so, state the order expected, "
                      f"e.g. order={nearest})" + lost, tolerance, slope, local)
    if any(q < lo for q in orders):
        return result("inconclusive", f"{evidence}: below the declared {declared} — not yet in "
                      "the asymptotic regime: halve dt again" + lost, tolerance, slope, local)
    note = "converges at the declared order" if finest_e > floor else \
        "converges at the declared order down to the round-off floor"
    return result("agrees", note + lost, tolerance, slope, local)


@dataclass(frozen=True)
class CrossCheckReport:
    """A simulation and its checks (see :func:`crosscheck`).

    Attributes
    ----------
    simulation : Simulation
        The run at the requested ``dt``.
    checks : tuple of CrossCheck
        One per quantity judged.
    verdict : str
        The worst verdict of the checks (``diverged`` if the run diverged).
    prediction : object or None
        The closed form used (a :class:`~inertia_verify.numeric.QuadraticSolution`).
    prediction_final : float or None
        The predicted ensemble mean of :math:`I(t_{end})`.
    notes : tuple of str
        Caveats.
    seed : int or None
        The seed of the random initial states (``None`` when there was no random draw).
    spread : (float, float) or None
        The spread of the random initial states in θ and in v.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> report = crosscheck(Dynamics.from_text("x**2/2", "x"), [1], [0], t_end=1, dt=0.01)
    >>> report.verdict, report.prediction_final, report.seed
    ('agrees', 0.5, None)
    """

    simulation: Simulation
    checks: tuple[CrossCheck, ...]
    verdict: str
    prediction: Any = field(default=None, repr=False)
    prediction_final: float | None = None
    notes: tuple[str, ...] = ()
    seed: int | None = None
    spread: tuple[float, float] | None = None

    @property
    def reason(self) -> str:
        """Why the overall verdict is what it is: the reason of the first check that has it."""
        if self.simulation.diverged:
            return str(self.simulation.divergence)
        worst = next((c for c in self.checks if c.verdict == self.verdict), None)
        return "" if worst is None else f"{worst.quantity}: {worst.note}"

    def to_dict(self) -> dict[str, Any]:
        sim = self.simulation.to_dict()
        balance = next((c for c in self.checks if c.quantity == "energy balance"), None)
        return {**sim, "seed": self.seed,
                "spread": None if self.spread is None else list(self.spread),
                "prediction_final": self.prediction_final,
                "energy_balance_max_error": None if balance is None else balance.error,
                "verdict": self.verdict, "reason": self.reason,
                "checks": [c.to_dict() for c in self.checks], "notes": list(self.notes)}

    def __str__(self) -> str:
        lines = [str(self.simulation)]
        if self.spread is not None:
            lines.append(f"  initial states: theta0 + {self.spread[0]:g}·N(0,1), v0 + "
                         f"{self.spread[1]:g}·N(0,1) per path, seed {self.seed} (one draw, "
                         "shared by every step size)")
        if self.prediction_final is not None:
            lines.append(f"  predicted I(t_end) = {self.prediction_final:.12g} (closed form)")
        lines += [f"  {c}" for c in self.checks]
        lines += [f"  note: {n}" for n in self.notes]
        reason = "" if self.verdict == "agrees" or not self.reason else f" — {self.reason}"
        lines.append(f"verdict: {self.verdict}{reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def _worst(verdicts) -> str:
    return max(verdicts, key=VERDICTS.index, default="inconclusive")


def _floor(run: Simulation, scheme) -> float:
    scale = float(np.max(np.abs(run.inertia))) if run.inertia.size else 1.0
    floor = roundoff_floor(run.steps, max(scale, 1e-300))
    if isinstance(scheme, ReferenceSolver):
        floor = max(floor, REFERENCE_BUDGET * scheme.relative_accuracy * scale)
    return floor


def _shared_initial_states(runs) -> bool:
    first = runs[0]
    return all(np.array_equal(r.initial_theta, first.initial_theta)
               and np.array_equal(r.initial_v, first.initial_v) for r in runs[1:])


def crosscheck(dynamics, theta0, v0, t_end: float, dt: float, *, scheme: str = "verlet",
               paths: int | None = None, values=None, spread=None, seed: int | None = None,
               t0: float = 0.0, closed_form: bool | None = None, refinements: int = 2,
               save_every: int | None = None, order: float | None = None) -> CrossCheckReport:
    """Simulate at ``dt`` and at ``2**k dt`` (``k = 1..refinements``) from the same initial
    states and judge the symbolic predictions (energy balance; closed form for quadratic losses)
    by the order at which their errors converge (see the module notes).

    Parameters
    ----------
    dynamics : Dynamics or CompiledDynamics
    theta0, v0, t_end, dt, scheme, paths, values, t0, save_every
        As for :func:`~inertia_verify.numeric.simulate`.
    spread : float or (float, float), optional
        Random initial states ``theta0 + s_theta·N(0, 1)``, ``v0 + s_v·N(0, 1)`` per path, drawn
        *once* and shared by every step size.
    seed : int, optional
        Seed of that draw (``numpy.random.default_rng``); default :data:`DEFAULT_SEED` (0), so two
        identical calls give identical results.  Reported in the result.
    closed_form : bool, optional
        ``None`` (default) uses the closed form when the loss is quadratic and the damping
        constant; ``True`` requires it; ``False`` skips it.
    refinements : int
        How many coarser runs (at least 1; 2 gives three step sizes for the order fit).
    order : float, optional
        The order at which both quantities are expected to converge, when the caller knows it
        differs from the scheme's (e.g. 5 for RK4's energy error on an undamped linear
        oscillator, whose leading term vanishes).  Default: the scheme's declared order
        (``min(order, 4)`` for the energy balance, whose quadrature is of order 4).

    Returns
    -------
    CrossCheckReport

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="0.2")
    >>> report = crosscheck(dyn, [1, 0], [0, 1], t_end=5, dt=0.01, scheme="rk4")
    >>> report.verdict, [c.quantity for c in report.checks]
    ('agrees', ['energy balance', 'closed form'])
    >>> crosscheck(dyn, [1, 0], [0, 1], t_end=2, dt=0.01, paths=50, spread=0.1).seed
    0
    """
    from ..numeric._quadratic_solution import QuadraticSolution
    from ..numeric._simulate import _spread

    as_positive_int(refinements, "refinements", example="2")
    if order is not None and (isinstance(order, bool) or not isinstance(
            order, (int, float, np.integer, np.floating)) or not math.isfinite(order)
            or order <= 0):
        raise InvalidArgument("order", order, "must be a positive number",
                              "or None for the scheme's declared order")
    system = dynamics if isinstance(dynamics, CompiledDynamics) else compile_dynamics(dynamics, values)
    method = get_scheme(scheme)
    pair = _spread(spread)
    used_seed = None
    if pair is not None:
        # One draw for the whole experiment: every step size starts from these very states.
        paths = as_paths(paths, theta0, v0)
        used_seed = as_seed(seed, DEFAULT_SEED)
        d = system.dimension
        rng = np.random.default_rng(used_seed)
        theta0 = as_state(theta0, d, int(paths), "theta0") \
            + pair[0] * rng.standard_normal((int(paths), d))
        v0 = as_state(v0, d, int(paths), "v0") + pair[1] * rng.standard_normal((int(paths), d))
    elif seed is not None:
        as_seed(seed, DEFAULT_SEED)  # still refuse a malformed seed
    runs = []
    for k in range(refinements + 1):
        runs.append(simulate(system, theta0, v0, t_end, dt * 2**k, scheme=method,
                             paths=paths, t0=t0, save_every=save_every if k == 0 else None))
    steps = [r.steps for r in runs]
    if len(set(steps)) < len(steps):
        raise InvalidArgument("dt", dt, f"is too coarse for t_end - t0 = {t_end - t0:g}: the runs "
                              f"at dt, 2dt, ... get the step counts {steps}, not all distinct",
                              f"use dt ≤ {(t_end - t0) / 2**(refinements + 1):g}")
    finest = runs[0]
    if pair is not None:
        finest = replace(finest, seed=used_seed, spread=pair)
    notes = []
    prediction = None
    if closed_form is not False:
        try:
            prediction = QuadraticSolution.from_dynamics(system.dynamics, finest.initial_theta,
                                                         finest.initial_v)
        except InvalidArgument as exc:
            if closed_form:
                raise
            notes.append(f"no closed form: {exc.problem}")
    reference = isinstance(method, ReferenceSolver)
    if order is not None:
        balance_order = reference_order = float(order)
        notes.append(f"order {order:g} stated by the caller (the scheme declares {method.order})")
    else:
        balance_order = None if method.order is None else min(method.order, 4)
        reference_order = method.order
        if reference:
            # Adaptive references: the solver error sits at the floor; what converges with the
            # grid spacing is the quadrature of the rate (order 4), and nothing in I itself.
            balance_order, reference_order = 4, None
    checks = []
    floor = _floor(finest, method)
    balance_errors = [None if r.diverged or r.balance is None else r.energy_balance_max_error
                      for r in runs]
    checks.append(judge_convergence([r.dt for r in runs], balance_errors, balance_order, floor,
                                    "energy balance"))
    prediction_final = None
    if prediction is not None:
        errors = []
        for run in runs:
            if run.diverged:
                errors.append(None)
                continue
            exact = prediction.inertia_at(run.times - run.t0)
            exact = exact.reshape(run.inertia.shape)
            errors.append(float(np.max(np.abs(run.inertia - exact))))
        checks.append(judge_convergence([r.dt for r in runs], errors, reference_order, floor,
                                        "closed form"))
        prediction_final = float(np.mean(prediction.inertia_at([finest.t_end - finest.t0])))
        if finest.t0 != 0.0:
            notes.append("the closed form is evaluated at t - t0 (autonomous system)")
    if not _shared_initial_states(runs):
        # Errors of different experiments say nothing about convergence, in either direction.
        checks = [c if c.verdict == "diverged" else
                  replace(c, verdict="inconclusive", note="the runs at the different step sizes "
                          "did not start from the same initial states")
                  for c in checks]
    verdict = "diverged" if finest.diverged else _worst(c.verdict for c in checks)
    if finest.diverged:
        notes.append(str(finest.divergence))
    return CrossCheckReport(finest, tuple(checks), verdict, prediction, prediction_final,
                            tuple(notes), used_seed, pair)
