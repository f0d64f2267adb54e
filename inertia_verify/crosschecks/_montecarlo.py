"""Monte Carlo ensembles against symbolic predictions, judged by standard errors.

Three judgements of a noisy system, each from two independent runs at :math:`h` and :math:`h/2`
(:func:`~inertia_verify.simulate_ensemble`, seeds ``seed`` and ``seed + 1``) whose Richardson
combination removes the scheme's leading :math:`O(h^p)` bias (see :class:`MonteCarloCheck`):

* :func:`crosscheck_expected_inertia`: :math:`E[I](t)` against the exact moments (quadratic loss);
* :func:`crosscheck_stationary`: :math:`E[I](t_{end})` against the Gibbs stationary value;
* :func:`crosscheck_ito_drift`: the Itô drift of :math:`I` against the slope of its sample mean.

And the weak order of a scheme, :func:`fit_weak_order`: errors of :math:`E[I](t_{end})` over
several steps, fitted by the one order fit (:func:`~inertia_verify.crosschecks.fit_order`, weighted
by the Monte Carlo standard errors) and judged against the declared order
(:class:`WeakOrderFit`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._expressions import as_sympy
from .._tolerances import Z_SCORE
from ..numeric._grid import DEFAULT_CHUNK_PATHS
from ..numeric._montecarlo import Ensemble, simulate_ensemble
from ..schemes import get_sde_scheme
from ._order_fit import fit_order

__all__ = ["MIN_PATHS", "MonteCarloCheck", "crosscheck_expected_inertia",
           "crosscheck_stationary", "crosscheck_ito_drift", "WeakOrderFit", "fit_weak_order",
           "WEAK_ORDER_BAND", "RESOLVED_Z"]

#: Fewer paths per run than this and a Monte Carlo check is inconclusive: the sample standard
#: deviation is then uncertain by more than 1/sqrt(2N) ≈ 7 %, and the mean of a skewed quantity
#: such as I is not yet close to normal, so a z-score would not mean what Z_SCORE assumes.
MIN_PATHS = 100
#: Relative floor of a standard error (accumulated float64 round-off).
_ROUNDOFF = 1e-12


@dataclass(frozen=True)
class MonteCarloCheck:
    """A symbolic prediction against Monte Carlo, judged by standard errors and the scheme's bias.

    Each row gives the time, the prediction, the Monte Carlo mean and standard error at step h and
    h/2, the Richardson estimate with the scheme's weak order p, ``(2^p·m_{h/2} − m_h)/(2^p − 1)``,
    which removes the leading :math:`O(h^p)` bias, its standard error, and ``z`` =
    ``|extrapolated − prediction| / its standard error``.

    ``verdict`` is

    * ``"agrees"``: ``z ≤ z_max`` at every row;
    * ``"disagrees"``: ``z > z_max`` at some row;
    * ``"inconclusive"`` (with ``reason``): the evidence cannot be judged — no row to compare, a
      mean or standard error that is not finite, fewer than :data:`MIN_PATHS` paths per run, or
      two runs that are not one experiment (different systems, starts, record times, a step
      ratio other than 2, or the same seed: the standard error assumes independent runs);
    * ``"diverged"``: a run diverged.

    Attributes
    ----------
    name : str
        What is compared, e.g. ``"E[I](t): Monte Carlo vs exact"``.
    verdict : {"agrees", "disagrees", "inconclusive", "diverged"}
        See above.
    rows : tuple of dict
        Per time ``t``: ``prediction``, ``mc_h``, ``se_h``, ``mc_h2``, ``se_h2``,
        ``bias_estimate_h``, ``richardson``, ``se_richardson`` and ``z``.
    z_max : float
        Standard errors allowed.
    runs : tuple of Ensemble
        The runs at ``h`` and ``h/2``.
    notes : tuple of str
        Caveats.
    reason : str
        Why the verdict is what it is.

    Examples
    --------
    >>> from inertia_verify import Dynamics, crosscheck_expected_inertia
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> check = crosscheck_expected_inertia(dyn, [1.0], [0.0], t_end=1.0, dt=0.05, paths=2000,
    ...                                     records=2)
    >>> check.verdict, check.z_max, len(check.runs), check.rows[0]["t"]
    ('agrees', 4.0, 2, 0.0)
    """

    name: str
    verdict: str
    rows: tuple[dict, ...]
    z_max: float
    runs: tuple[Ensemble, ...]
    notes: tuple[str, ...] = field(default=())
    reason: str = ""

    @property
    def agrees(self) -> bool:
        return self.verdict == "agrees"

    def to_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "reason": self.reason,
                "z_max": self.z_max, "seeds": [r.seed for r in self.runs],
                "rows": [dict(r) for r in self.rows], "notes": list(self.notes),
                "runs": [r.to_dict() for r in self.runs]}

    def evidence(self) -> list[str]:
        run = self.runs[0]
        lines = [f"{self.name}: {self.verdict} ({run.scheme}, weak order {run.weak_order:g}, "
                 f"{run.paths} paths per run, dt = {run.dt:g} and {run.dt / 2:g}, seeds "
                 f"{', '.join(str(r.seed) for r in self.runs)}; agreement = "
                 f"|Richardson − prediction| ≤ {self.z_max:g} standard errors)"]
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        for r in self.rows:
            lines.append(f"  t = {r['t']:.4g}: prediction {r['prediction']:.6g}, MC(h) "
                         f"{r['mc_h']:.6g} ± {r['se_h']:.2g}, MC(h/2) {r['mc_h2']:.6g} ± "
                         f"{r['se_h2']:.2g}, Richardson {r['richardson']:.6g} ± "
                         f"{r['se_richardson']:.2g} (z = {r['z']:.2f})")
        return lines + list(self.notes)

    def __str__(self) -> str:
        return "\n".join(self.evidence())

    def _repr_html_(self) -> str:
        import html

        body = "".join(f"<tr><td>{r['t']:.4g}</td><td>{r['prediction']:.6g}</td>"
                       f"<td>{r['richardson']:.6g} ± {r['se_richardson']:.2g}</td>"
                       f"<td>{r['z']:.2f}</td></tr>" for r in self.rows)
        reason = f" ({html.escape(self.reason)})" if self.reason else ""
        return (f"<p>{self.name}: <b>{self.verdict}</b>{reason}</p><table><tr><th>t</th>"
                f"<th>prediction</th><th>Monte Carlo (Richardson)</th><th>z</th></tr>{body}"
                "</table>")


def _pair(dynamics, theta0, v0, values, t_end, dt, paths, scheme, seed, records, chunk_paths,
          progress):
    """Runs at h and h/2 (h: the step :func:`simulate_ensemble` uses for ``dt``), recording at
    the same times.  Their noise is independent (seeds ``seed`` and ``seed + 1``): the standard
    error of the Richardson combination adds the two runs' variances, which is right for
    independent runs only."""
    coarse = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, dt=dt, paths=paths,
                               scheme=scheme, seed=seed, values=values, records=records,
                               chunk_paths=chunk_paths, progress=progress)
    marks = np.round(coarse.times / coarse.dt).astype(int)
    fine = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, dt=coarse.dt / 2, paths=paths,
                             scheme=scheme, seed=seed + 1, values=values, records=2 * marks,
                             chunk_paths=chunk_paths, progress=progress)
    return coarse, fine


def _z_max(z_max) -> float:
    if isinstance(z_max, bool) or not isinstance(z_max, (int, float, np.integer, np.floating)) \
            or not math.isfinite(z_max) or z_max <= 0:
        raise InvalidArgument("z_max", z_max, "must be a positive finite number of standard "
                              "errors", f"e.g. {Z_SCORE:g}")
    return float(z_max)


def _not_one_experiment(coarse: Ensemble, fine: Ensemble) -> str | None:
    """Why two runs cannot be combined into one Richardson estimate (None when they can)."""
    if (coarse.system, coarse.scheme, coarse.calculus, coarse.values) != \
            (fine.system, fine.scheme, fine.calculus, fine.values):
        return "the runs at h and h/2 simulate different systems or schemes"
    if coarse.theta0 != fine.theta0 or coarse.v0 != fine.v0:
        return "the runs at h and h/2 start from different states"
    if coarse.paths != fine.paths:
        return "the runs at h and h/2 have different numbers of paths"
    if not math.isclose(coarse.dt, 2 * fine.dt, rel_tol=1e-12):
        return (f"the steps {coarse.dt:g} and {fine.dt:g} are not in the ratio 2 that the "
                "Richardson combination assumes")
    if coarse.times.shape != fine.times.shape or not np.allclose(coarse.times, fine.times,
                                                                 rtol=1e-12, atol=0):
        return "the runs at h and h/2 do not record at the same times"
    if coarse.seed == fine.seed:
        return ("the runs at h and h/2 use the same seed: their noise is not independent, "
                "which the standard error of the combination assumes")
    return None


def _judge(name, runs, statistic, predictions, indices, z_max, notes):
    z_max = _z_max(z_max)
    coarse, fine = runs
    if coarse.status != "ok" or fine.status != "ok":
        bad = coarse if coarse.status != "ok" else fine
        reason = f"the run with dt = {bad.dt:g} diverged at t = {bad.diverged_at}"
        return MonteCarloCheck(name, "diverged", (), z_max, tuple(runs), (reason, *notes),
                               reason)

    def inconclusive(reason, rows=()):
        return MonteCarloCheck(name, "inconclusive", tuple(rows), z_max, tuple(runs),
                               tuple(notes), reason)

    mismatch = _not_one_experiment(coarse, fine)
    if mismatch is not None:
        return inconclusive(mismatch)
    if coarse.paths < MIN_PATHS:
        return inconclusive(f"{coarse.paths} paths per run: fewer than {MIN_PATHS}, the standard "
                            "error is itself too uncertain for a z-test")
    p = coarse.weak_order
    factor = 2.0 ** p
    rows = []
    for i, prediction in zip(indices, predictions):
        mh, sh = coarse.mean[statistic][i], coarse.stderr[statistic][i]
        m2, s2 = fine.mean[statistic][i], fine.stderr[statistic][i]
        if not all(math.isfinite(x) for x in (prediction, mh, sh, m2, s2)):
            return inconclusive(f"at t = {coarse.times[i]:g} the prediction, a mean or a standard "
                                "error is not finite (too few paths, or an undefined statistic)",
                                rows)
        rich = (factor * m2 - mh) / (factor - 1)
        # Where every path agrees (t = 0) the standard error is pure round-off; floor it at
        # float64 resolution of the values compared so that z measures randomness, not ulps.
        # A zero sample variance thus demands agreement to round-off, never excuses a difference.
        floor = _ROUNDOFF * max(abs(prediction), abs(mh), abs(m2))
        se = math.hypot(math.hypot(factor * s2, sh) / (factor - 1), floor)
        diff = rich - prediction
        z = abs(diff) / se if se > 0 else (0.0 if diff == 0 else math.inf)
        rows.append({"t": float(coarse.times[i]), "prediction": float(prediction),
                     "mc_h": float(mh), "se_h": float(sh), "mc_h2": float(m2), "se_h2": float(s2),
                     "bias_estimate_h": float((mh - m2) * factor / (factor - 1)),
                     "richardson": float(rich), "se_richardson": float(se), "z": float(z)})
    if not rows:
        return inconclusive("no record time to compare at (ask for more records)")
    worst = max(rows, key=lambda r: r["z"])
    if worst["z"] <= z_max:
        return MonteCarloCheck(name, "agrees", tuple(rows), z_max, tuple(runs), tuple(notes),
                               f"every row within {z_max:g} standard errors (largest z = "
                               f"{worst['z']:.2f})")
    return MonteCarloCheck(name, "disagrees", tuple(rows), z_max, tuple(runs), tuple(notes),
                           f"z = {worst['z']:.2f} > {z_max:g} at t = {worst['t']:.4g}")


def crosscheck_expected_inertia(dynamics: Dynamics, theta0, v0, *, t_end: float, dt: float,
                                paths: int, values: Mapping | None = None,
                                scheme: str = "euler-maruyama", seed: int = 0, records: int = 4,
                                z_max: float = Z_SCORE, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                                progress: bool | None = False) -> MonteCarloCheck:
    """Monte Carlo mean of :math:`I(t)` against the exact :math:`E[I](t)` of a quadratic loss.

    Two independent runs at :math:`h` and :math:`h/2` (seeds ``seed`` and ``seed + 1``) give the
    Richardson estimate (the scheme's :math:`O(h^p)` bias removed) and its standard error; the
    check agrees when it is within ``z_max`` standard errors of the exact value at every record
    time (see :class:`MonteCarloCheck` for the other verdicts).

    Parameters
    ----------
    dynamics : Dynamics
        Quadratic loss, constant damping and mass, additive noise.
    theta0, v0 : sequence of float
        The common start of every path.
    t_end : float
        The final time.
    dt : float
        The step :math:`h` of the coarse run (by the one step rule of
        :func:`~inertia_verify.simulate_ensemble`); the run at :math:`h/2` takes twice as many
        steps.
    paths : int
        Paths per run.
    values : mapping, optional
        Numbers for the system's parameters.
    scheme : str
        The SDE scheme (see :data:`~inertia_verify.schemes.SDE_SCHEMES`).
    seed : int
        The run at ``h`` uses ``seed``, the run at ``h/2`` ``seed + 1``.
    records : int
        Record intervals, evenly spaced: the rows compared.
    z_max : float
        Standard errors allowed between the estimate and the prediction.
    chunk_paths : int
        Paths integrated at once; bounds memory only.
    progress : bool or None
        Progress bar on stderr (``None``: when stderr is a terminal).

    Returns
    -------
    MonteCarloCheck

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> check = crosscheck_expected_inertia(dyn, [1.0], [0.0], t_end=1.0, dt=0.02,
    ...                                     paths=20000, seed=3, records=2)
    >>> check.verdict
    'agrees'
    """
    from ..symbolic._ito_moments import quadratic_moments

    moments = quadratic_moments(dynamics, theta0, v0)
    runs = _pair(dynamics, theta0, v0, values, t_end, dt, paths, scheme, seed, records,
                 chunk_paths, progress)
    times = runs[0].times
    exact = moments.expected_inertia(times, values)
    notes = ["prediction: exact E[I](t) from the moment ODE (matrix exponential)"]
    return _judge("E[I](t): Monte Carlo vs exact", runs, "inertia", exact,
                  range(len(times)), z_max, notes)


def gibbs_expected_inertia(dynamics: Dynamics, values: Mapping | None) -> tuple[float, str]:
    """The Gibbs stationary :math:`E[I]` as a number, and how it was computed."""
    from ..symbolic._ito_gibbs import gibbs_stationary

    gibbs = gibbs_stationary(dynamics, values)
    target = float(as_sympy(gibbs.expected_inertia).xreplace(
        {p: values[p.name] for p in dynamics.parameters if values and p.name in values}))
    return target, gibbs.method


def crosscheck_stationary(dynamics: Dynamics, theta0, v0, *, t_end: float, dt: float,
                          paths: int, values: Mapping | None = None, scheme: str = "baoab",
                          seed: int = 0, z_max: float = Z_SCORE,
                          chunk_paths: int = DEFAULT_CHUNK_PATHS,
                          progress: bool | None = False) -> MonteCarloCheck:
    """Monte Carlo :math:`E[I](t_{end})` against the Gibbs stationary value.

    ``t_end`` must be long enough for the start to be forgotten (several :math:`1/\\gamma` and
    mixing times); that relaxation error is not estimated and is the caller's choice.

    Parameters
    ----------
    dynamics : Dynamics
        A Langevin system whose Gibbs law has a computable :math:`E[I]`
        (:func:`~inertia_verify.gibbs_stationary`).
    theta0, v0, t_end, dt, paths, values, scheme, seed, z_max, chunk_paths, progress
        As for :func:`crosscheck_expected_inertia`.

    Returns
    -------
    MonteCarloCheck

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> check = crosscheck_stationary(dyn, [0.0], [0.0], t_end=10.0, dt=0.1, paths=4000)
    >>> check.verdict, check.rows[0]["prediction"]
    ('agrees', 0.125)
    """
    target, method = gibbs_expected_inertia(dynamics, values)
    runs = _pair(dynamics, theta0, v0, values, t_end, dt, paths, scheme, seed, 1,
                 chunk_paths, progress)
    notes = [f"prediction: Gibbs E[I] = dT/2 + E[L] = {target:.10g} ({method})",
             f"relaxation from the start over t_end = {t_end:g} is assumed complete"]
    return _judge("stationary E[I]: Monte Carlo vs Gibbs", runs, "inertia", [target], [-1],
                  z_max, notes)


def crosscheck_ito_drift(dynamics: Dynamics, theta0, v0, *, t_end: float, dt: float,
                         paths: int, values: Mapping | None = None,
                         scheme: str = "euler-maruyama", seed: int = 0, records: int = 10,
                         z_max: float = Z_SCORE, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                         progress: bool | None = False) -> MonteCarloCheck:
    """The Itô drift :math:`E[\\mathcal{A}I]` against the finite-difference slope of the sample
    mean of :math:`I` (quadratic losses).

    Per path, the central difference :math:`D = (I(t+\\Delta) - I(t-\\Delta))/(2\\Delta)` minus
    :math:`\\mathcal{A}I(t)`; its mean should equal the finite-difference truncation of the exact
    :math:`E[I]`, known here from the moment ODE, so the prediction is
    :math:`(E[I](t+\\Delta) - E[I](t-\\Delta))/(2\\Delta) - \\tfrac{d}{dt}E[I](t)`.

    Parameters
    ----------
    dynamics, theta0, v0, t_end, dt, paths, values, scheme, seed, records, z_max, \
chunk_paths, progress
        As for :func:`crosscheck_expected_inertia`.

    Returns
    -------
    MonteCarloCheck

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> check = crosscheck_ito_drift(dyn, [1.0], [0.0], t_end=1.0, dt=0.02, paths=4000,
    ...                              records=2)
    >>> check.verdict, len(check.rows)
    ('agrees', 1)
    """
    from ..symbolic._ito_moments import quadratic_moments

    if isinstance(records, (int, np.integer)) and not isinstance(records, bool) and records < 2:
        raise InvalidArgument("records", records, "must be at least 2: the central difference "
                              "needs a record on each side of an interior one", "e.g. records=10")
    moments = quadratic_moments(dynamics, theta0, v0)
    runs = _pair(dynamics, theta0, v0, values, t_end, dt, paths, scheme, seed, records,
                 chunk_paths, progress)
    times = runs[0].times
    indices = list(range(1, len(times) - 1))
    predictions = []
    for i in indices:
        lo, mid, hi = times[i - 1], times[i], times[i + 1]
        e_lo, e_hi = moments.expected_inertia([lo, hi], values)
        predictions.append((e_hi - e_lo) / (hi - lo) - _exact_rate(moments, mid, values))
    notes = ["prediction: the central-difference truncation of the exact E[I] (zero up to "
             "O(Δ²)); the Monte Carlo statistic is mean[(I(t+Δ) − I(t−Δ))/(2Δ) − A I(t)] "
             "with A I the Itô drift"]
    return _judge("Itô drift vs slope of the sample mean", runs, "slope_minus_ito_drift",
                  predictions, indices, z_max, notes)


def _exact_rate(moments, t: float, values) -> float:
    """:math:`\\tfrac{d}{dt}E[I]` from the moment ODE: apply K to y(t)."""
    F, f, G, Q, q, _, _, _ = moments._numeric(values)
    m = moments.mean([t], values)[0]
    S = moments.covariance([t], values)[0] + np.outer(m, m)
    dm = F @ m + f[:, 0]
    dS = F @ S + S @ F.T + np.outer(f[:, 0], m) + np.outer(m, f[:, 0]) + G @ G.T
    return float(0.5 * np.trace(Q @ dS) + q[:, 0] @ dm)


#: Half-width of the band of fitted weak orders that counts as the declared one (as for the
#: deterministic cross-check, :data:`inertia_verify.crosschecks.ORDER_BAND`): within half an order
#: a slope names one integer order, the nearest.
WEAK_ORDER_BAND = 0.5
#: An error of the weak-order fit is *resolved* when it lies at least this many standard errors
#: from 0: its sign is then established (two-sided p ≈ 0.05) and log|error| is close enough to
#: normal for the delta method (bias about −σ²/(2e²) ≤ 1/8, standard deviation σ/|e| ≤ 1/2, and
#: the weight e²/σ² keeps the point from dominating the fit).  Closer to 0, log|error| is noise.
RESOLVED_Z = 2.0


@dataclass(frozen=True)
class WeakOrderFit:
    """Weak errors over several steps, the fitted slope of log|error| against log h, and a verdict.

    ``verdict`` is

    * ``"agrees"``: every error is resolved (at least :data:`RESOLVED_Z` standard errors from 0),
      the fitted slope lies within :data:`WEAK_ORDER_BAND` of the declared weak order and is
      known to within that band (``Z_SCORE × slope_stderr ≤ band``), and the slope of the two
      finest steps is consistent with the band given its own standard error;
    * ``"disagrees"``: the errors are resolved and do not decrease (slope + Z·se < 1/2);
    * ``"inconclusive"`` (with ``reason``) otherwise: an unresolved error (log|error| is then
      noise), a zero or non-finite standard error, a slope outside the band (above it as much as
      below it) or too uncertain to name an order.

    Attributes
    ----------
    scheme : str
        The SDE scheme's name.
    declared : float
        Its declared weak order.
    dts : tuple of float
        The step sizes :math:`h`, coarsest first.
    errors, stderrs : tuple of float
        :math:`E[I](t_{end})` error at each step and its Monte Carlo standard error.
    slope, slope_stderr : float or None
        The fitted slope of log|error| against log h and its standard error.
    finest_slope, finest_slope_stderr : float or None
        The same for the two finest steps.
    paths : int
        Paths per run.
    paths_needed : int or None
        About how many paths would resolve every error, when some is not resolved.
    seed : int
        The seed of the first run.
    verdict : {"agrees", "disagrees", "inconclusive"}
        See above.
    reason : str
        Why.
    band : float
        Half-width of the accepted band around ``declared``.

    Examples
    --------
    >>> from inertia_verify import Dynamics, fit_weak_order
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> fit = fit_weak_order(dyn, [1.0], [0.0], t_end=1.0, dts=[0.25, 0.125, 0.0625],
    ...                      paths=20000)
    >>> fit.verdict, round(fit.slope, 1), fit.band
    ('agrees', 1.1, 0.5)
    """

    scheme: str
    declared: float
    dts: tuple[float, ...]
    errors: tuple[float, ...]
    stderrs: tuple[float, ...]
    slope: float | None
    slope_stderr: float | None
    finest_slope: float | None
    finest_slope_stderr: float | None
    paths: int
    paths_needed: int | None
    seed: int
    verdict: str = "inconclusive"
    reason: str = ""
    band: float = WEAK_ORDER_BAND

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def __str__(self) -> str:
        def shown(x, se):
            return "n/a" if x is None else f"{x:.2f} ± {se:.2f}"
        rows = [f"  h = {h:.4g}: error {e:+.3e} ± {s:.1e}"
                for h, e, s in zip(self.dts, self.errors, self.stderrs)]
        return "\n".join([f"{self.scheme}: {self.verdict} — {self.reason}",
                          f"  weak order fitted {shown(self.slope, self.slope_stderr)}, from the "
                          f"two finest steps {shown(self.finest_slope, self.finest_slope_stderr)} "
                          f"(declared {self.declared:g} ± {self.band:g}), {self.paths} paths per "
                          f"step size, seeds {self.seed}..{self.seed + len(self.dts) - 1} "
                          f"(needed to resolve the finest error at {Z_SCORE:g} standard errors: "
                          f"{self.paths_needed})", *rows])


def _weak_order_from_errors(scheme: str, declared: float, hs, errs, ses, *, paths: int,
                            seed: int, band: float = WEAK_ORDER_BAND) -> WeakOrderFit:
    """Fit and judge weak errors ``errs ± ses`` at steps ``hs`` (see :class:`WeakOrderFit`)."""
    order = np.argsort(hs)[::-1]  # coarsest first
    hs = [float(hs[i]) for i in order]
    errs = [float(errs[i]) for i in order]
    ses = [float(ses[i]) for i in order]
    if len(hs) < 2 or len(set(hs)) != len(hs):
        raise InvalidArgument("dts", hs, "need at least two distinct step sizes to fit an order",
                              "e.g. dts=(0.1, 0.05, 0.025)")

    def fit(verdict, reason, slope=None, slope_se=None, finest=None, finest_se=None, needed=None):
        return WeakOrderFit(scheme, declared, tuple(hs), tuple(errs), tuple(ses), slope, slope_se,
                            finest, finest_se, paths, needed, seed, verdict, reason, band)

    if not all(math.isfinite(e) for e in errs) or not all(math.isfinite(s) and s > 0
                                                          for s in ses):
        return fit("inconclusive", "an error or a standard error is zero or not finite: there is "
                   "no Monte Carlo error to weight the fit by")
    needed = int(math.ceil(paths * (Z_SCORE * ses[-1] / max(abs(errs[-1]), 1e-300)) ** 2))
    unresolved = [h for h, e, s in zip(hs, errs, ses) if abs(e) < RESOLVED_Z * s]
    if any(e == 0 for e in errs):
        return fit("inconclusive", "an error is exactly 0: log|error| is undefined",
                   needed=needed)
    y = np.log(np.abs(errs))
    sig = np.array(ses) / np.abs(errs)  # standard error of log|error| (delta method)
    slope, slope_se = fit_order(hs, errs, ses)
    # The two finest steps see the least of the higher-order terms: log(e_{k-1}/e_k)/log(h ratio).
    ratio = math.log(hs[-2] / hs[-1])
    finest = float((y[-2] - y[-1]) / ratio)
    finest_se = float(math.hypot(sig[-2], sig[-1]) / ratio)
    found = (slope, slope_se, finest, finest_se, needed)
    if unresolved:
        return fit("inconclusive", f"the error at h = {', '.join(f'{h:.4g}' for h in unresolved)} "
                   f"is within {RESOLVED_Z:g} standard errors of 0: log|error| is noise there (use "
                   f"more paths, about {needed} for the finest step, or coarser steps)", *found)
    if slope + Z_SCORE * slope_se < 0.5:
        return fit("disagrees", f"the weak error does not decrease with the step (slope "
                   f"{slope:.2f} ± {slope_se:.2f}): the mean does not converge to the prediction",
                   *found)
    if Z_SCORE * slope_se > band:
        return fit("inconclusive", f"the slope {slope:.2f} ± {slope_se:.2f} is too uncertain to "
                   f"name an order ({Z_SCORE:g} standard errors exceed the band {band:g}): use "
                   "more paths", *found)
    if abs(slope - declared) > band:
        side = "above" if slope > declared else "below"
        return fit("inconclusive", f"the fitted slope {slope:.2f} ± {slope_se:.2f} is {side} the "
                   f"declared weak order {declared:g} ± {band:g}" + (
                       ": pre-asymptotic, use smaller steps" if side == "below" else
                       ": the runs are not one experiment, or the leading bias term vanishes "
                       "for this problem"), *found)
    if abs(finest - declared) > band + Z_SCORE * finest_se:
        return fit("inconclusive", f"the slope of the two finest steps, {finest:.2f} ± "
                   f"{finest_se:.2f}, is inconsistent with the declared weak order "
                   f"{declared:g} ± {band:g}", *found)
    return fit("agrees", f"fitted slope {slope:.2f} ± {slope_se:.2f} within the declared weak "
               f"order {declared:g} ± {band:g}", *found)


def fit_weak_order(dynamics: Dynamics, theta0, v0, *, t_end: float, dts: Sequence[float],
                   paths: int, values: Mapping | None = None, scheme: str = "euler-maruyama",
                   seed: int = 0, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                   progress: bool | None = False) -> WeakOrderFit:
    """Fit the weak order from :math:`E[I](t_{end})` errors against the exact value (quadratic
    loss) over the given step sizes (e.g. halving), and judge it against the scheme's declared
    weak order (see :class:`WeakOrderFit`).

    Each step size runs with its own seed (``seed + k`` for the ``k``-th), so the errors are
    independent, as the weighted least squares assumes.  The slope's standard error propagates the
    Monte Carlo errors (delta method, weighted least squares on log|error|,
    :func:`~inertia_verify.crosschecks.fit_order`).

    Parameters
    ----------
    dynamics : Dynamics
        A noisy system with a quadratic loss (the exact :math:`E[I](t)` comes from its moments).
    theta0, v0 : sequence of float
        The common start of every path.
    t_end : float
        The time at which :math:`E[I]` is compared.
    dts : sequence of float
        At least two distinct step sizes (each by the one step rule of
        :func:`~inertia_verify.simulate_ensemble`).
    paths : int
        Paths per step size.
    values, scheme, seed, chunk_paths, progress
        As for :func:`~inertia_verify.simulate_ensemble`.

    Returns
    -------
    WeakOrderFit

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")
    >>> fit = fit_weak_order(dyn, [1.0], [0.0], t_end=1.0, dts=[0.25, 0.125], paths=4000)
    >>> fit.dts
    (0.25, 0.125)
    """
    from ..symbolic._ito_moments import quadratic_moments

    try:
        dts = [float(h) for h in dts]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("dts", dts, "must be step sizes",
                              "e.g. dts=(0.1, 0.05, 0.025)") from exc
    if len(dts) < 2 or len(set(dts)) != len(dts):
        raise InvalidArgument("dts", dts, "need at least two distinct step sizes to fit an "
                              "order", "e.g. dts=(0.1, 0.05, 0.025)")
    exact = float(quadratic_moments(dynamics, theta0, v0).expected_inertia([t_end], values)[0])
    hs, errs, ses = [], [], []
    scheme_obj = get_sde_scheme(scheme)
    for k, h in enumerate(dts):
        run = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, dt=h, paths=paths,
                                scheme=scheme_obj, seed=seed + k, values=values, records=1,
                                chunk_paths=chunk_paths, progress=progress)
        if run.status != "ok":
            raise InvalidArgument("dts", h, f"the run diverged at t = {run.diverged_at}",
                                  "use smaller steps")
        hs.append(run.dt)
        errs.append(run.mean["inertia"][-1] - exact)
        ses.append(run.stderr["inertia"][-1])
    return _weak_order_from_errors(scheme_obj.name, scheme_obj.weak_order, hs, errs, ses,
                                   paths=paths, seed=seed)
