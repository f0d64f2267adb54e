r"""How the energy error of a discrete scheme scales with the step: long runs over a sweep of
step sizes, a fitted exponent with its standard error, and whether the error is bounded.

For each step :math:`h` the scheme's symbolic one-step map (:mod:`..symbolic._discrete_maps`) is
lambdified (``cse=True``, vectorised over an ensemble of initial conditions) and iterated to a
fixed final time.  Two quantities are followed:

* the discrete inertia :math:`I_k = \tfrac12 v_k^\top M v_k + L(\theta_k)`;
* the scheme's modified energy: its exact quadratic invariant when the loss is quadratic and one
  exists, else its shadow energy truncated at order :math:`N`, when the scheme has one.

The error of a quantity is :math:`\max_{k, \text{paths}} |E_k - E_0| / \max(1, |E_0|)`.  Its
growth is the ratio of the largest error in the last quarter of the run to that in the first
quarter, the latter counted as at least the round-off tolerance below: about 1 (or below) for a
bounded oscillation, large for a drift — also for a drift that starts from an error that is
exactly zero, or at round-off, in the first quarter.  A run of fewer than :data:`MIN_STEPS` steps
has no separate first and last quarters worth comparing: its status is *too short*, and the sweep's
verdict *inconclusive*.  The exponent :math:`p` in :math:`\text{error} \approx C h^p` is the
least-squares slope of :math:`\log \text{error}` on :math:`\log h` over the runs whose error is
above round-off (an error at round-off does not scale with :math:`h`), with the usual standard
error :math:`\sqrt{\text{SSR}/(n-2)/S_{xx}}` (none for two steps; the one order fit,
:func:`~inertia_verify.crosschecks.fit_order`).  A run that produces NaN or Inf, or whose inertia
grows beyond ``blowup`` times its start, is reported as *diverged* and left
out of the fit; it is never reported as bounded.

An exact invariant counts as conserved to round-off when its relative error stays below
:math:`\kappa\,\varepsilon\,\sqrt{n}` with :math:`\varepsilon` the float64 machine epsilon,
:math:`n` the number of steps and :math:`\kappa = 64`: each step rounds a few dozen
operations (a few ulps of :math:`E` each), and independent rounding errors accumulate like a
random walk over :math:`n` steps of a stable map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy

from .._display import text_table
from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._validation import as_dynamics, as_paths, as_positive_real, as_state
from .._tolerances import ROUNDOFF_KAPPA, roundoff_floor
from ..symbolic._discrete_maps import DiscreteMap, _check_scheme, discrete_map
from ._order_fit import fit_order

__all__ = ["DriftRow", "EnergyDrift", "energy_drift", "ROUNDOFF_KAPPA", "MIN_STEPS"]

#: Fewest steps for a growth verdict: each quarter of the run then holds at least 4 steps.
MIN_STEPS = 16


@dataclass(frozen=True)
class DriftRow:
    """One step size of a sweep (a row of :class:`EnergyDrift`).

    Attributes
    ----------
    dt : float
        The step size.
    steps : int
        The number of steps run, ``round(t_end / dt)``.
    inertia_error, inertia_growth : float
        The largest :math:`|I_k - I_0| / \\max(1, |I_0|)` over the run, and its last-quarter
        maximum over its first-quarter maximum.
    modified_error, modified_growth : float or None
        The same for the modified energy, when there is one.
    status : {"bounded", "growing", "diverged", "too short"}
        This run's verdict.
    roundoff_tolerance : float
        :func:`~inertia_verify.numeric.roundoff_floor` of ``steps``.

    Examples
    --------
    >>> from inertia_verify import Dynamics, energy_drift
    >>> drift = energy_drift(Dynamics.from_text("x**2/2", "x"), "verlet", [0.1, 0.05],
    ...                      t_end=10.0, theta0=[1.0], v0=[0.0])
    >>> row = drift.rows[0]
    >>> row.dt, row.steps, row.status
    (0.1, 100, 'bounded')
    """

    dt: float
    steps: int
    inertia_error: float
    inertia_growth: float
    modified_error: float | None
    modified_growth: float | None
    status: str  # "bounded", "growing", "diverged" or "too short"
    roundoff_tolerance: float

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("dt", "steps", "inertia_error", "inertia_growth",
                                              "modified_error", "modified_growth", "status",
                                              "roundoff_tolerance")}


@dataclass(frozen=True)
class EnergyDrift:
    r"""A sweep of step sizes for one scheme.

    Attributes
    ----------
    scheme : str
        The scheme's name.
    rows : list of DriftRow
        One per step size: the largest inertia and modified-energy errors and their growth.
    exponent, exponent_se : float or None
        Fitted :math:`p` (and standard error) of the inertia error over the non-diverged steps.
    modified_exponent, modified_exponent_se : float or None
        The same for the modified energy.
    modified_kind : {"exact", "shadow", None}
        An exact quadratic invariant of the scheme, a truncated shadow energy, or neither.
    modified_energy : str or None
        That modified energy.
    conserved_to_roundoff : bool or None
        For an exact invariant: every non-diverged run stays within :math:`\kappa\varepsilon\sqrt n`.
    verdict : str
        ``"bounded"`` (every run bounded), ``"growing"`` (some run drifts), ``"diverged"`` (some
        run blew up; the others are still reported), ``"inconclusive"`` (no run diverged or grew,
        but some run was too short to tell, see :data:`MIN_STEPS`).
    t_end : float
        The time every run reaches.
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> drift = energy_drift(Dynamics.from_text("x**2/2", "x"), "verlet", [0.1, 0.05],
    ...                      t_end=10.0, theta0=[1.0], v0=[0.0])
    >>> drift.verdict, round(drift.exponent, 2), drift.modified_kind, drift.conserved_to_roundoff
    ('bounded', 2.0, 'exact', True)
    """

    scheme: str
    t_end: float
    rows: tuple[DriftRow, ...]
    exponent: float | None
    exponent_se: float | None
    modified_kind: str | None
    modified_energy: str | None
    modified_exponent: float | None
    modified_exponent_se: float | None
    conserved_to_roundoff: bool | None
    verdict: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"scheme": self.scheme, "t_end": self.t_end,
                "rows": [r.to_dict() for r in self.rows],
                "exponent": self.exponent, "exponent_se": self.exponent_se,
                "modified_kind": self.modified_kind, "modified_energy": self.modified_energy,
                "modified_exponent": self.modified_exponent,
                "modified_exponent_se": self.modified_exponent_se,
                "conserved_to_roundoff": self.conserved_to_roundoff, "verdict": self.verdict,
                "notes": list(self.notes)}

    def _fit_text(self, p, se) -> str:
        if p is None:
            return "n/a"
        return f"{p:.3f}" + ("" if se is None else f" ± {se:.3f}")

    def __str__(self) -> str:
        header = ["h", "steps", "max |ΔI|", "growth", "max |ΔẼ|", "growth", "status"]
        rows = [[f"{r.dt:.4g}", str(r.steps), f"{r.inertia_error:.3e}", f"{r.inertia_growth:.3g}",
                 "-" if r.modified_error is None else f"{r.modified_error:.3e}",
                 "-" if r.modified_growth is None else f"{r.modified_growth:.3g}", r.status]
                for r in self.rows]
        lines = [f"{self.scheme} to t = {self.t_end:g}: {self.verdict}",
                 text_table(header, rows),
                 f"inertia error ~ h^p, p = {self._fit_text(self.exponent, self.exponent_se)}"]
        if self.modified_kind is not None:
            lines.append(f"{self.modified_kind} modified energy {self.modified_energy}: "
                         f"p = {self._fit_text(self.modified_exponent, self.modified_exponent_se)}")
        if self.conserved_to_roundoff is not None:
            lines.append(f"exact invariant conserved to round-off (κ·ε·√n, κ = {ROUNDOFF_KAPPA:g}): "
                         f"{self.conserved_to_roundoff}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html
        return "<pre>" + html.escape(str(self)) + "</pre>"


def _modified_energy(step_map: DiscreteMap, shadow_order: int):
    """The exact invariant for a quadratic loss, else the shadow series, else None."""
    from ..symbolic._modified_energy import quadratic_invariant, shadow_energy

    try:
        invariant = quadratic_invariant(step_map)
    except InvalidArgument:
        invariant = None
    if invariant is not None and invariant.exists:
        return "exact", invariant.energy
    if step_map.dynamics.undamped and step_map.dynamics.identity_mass:
        shadow = shadow_energy(step_map, order=shadow_order)
        if shadow.exists:
            return "shadow", shadow.energy
    return None, None


def _rows(state: np.ndarray) -> np.ndarray:
    """A ``(paths, d)`` state as the ``(d, paths)`` rows the lambdified map takes (one row per
    coordinate), a fresh contiguous copy."""
    return np.ascontiguousarray(state.T)


def energy_drift(
    dynamics: Dynamics,
    scheme: str,
    dts,
    *,
    t_end: float,
    theta0,
    v0,
    shadow_order: int = 2,
    blowup: float = 1e6,
) -> EnergyDrift:
    r"""Run ``scheme`` to ``t_end`` with each step size of ``dts`` and measure the energy errors.

    Parameters
    ----------
    dynamics : Dynamics
        A concrete system with numbers for every parameter (substitute them first).
    scheme : str
        A fixed-step scheme of :data:`~inertia_verify.schemes.FIXED_STEP`.
    dts : sequence of float
        Step sizes, at least two for a fit.
    t_end : float
        Every run covers the same time, :math:`n = \text{round}(t_\text{end}/h)` steps.
    theta0, v0 : array of shape (d,) or (paths, d)
        Initial conditions (an ensemble when 2-D).
    shadow_order : int
        :math:`N` of the shadow energy used when the loss is not quadratic.
    blowup : float
        A run whose :math:`|I_k - I_0|` exceeds ``blowup * max(1, |I_0|)`` is *diverged*.

    Returns
    -------
    EnergyDrift

    Examples
    --------
    >>> dyn = Dynamics.from_text("x**2/2", "x")
    >>> r = energy_drift(dyn, "symplectic-euler", [0.1, 0.05, 0.025], t_end=50, theta0=[1], v0=[0])
    >>> r.verdict, round(r.exponent, 2), r.modified_kind, r.conserved_to_roundoff
    ('bounded', 1.0, 'exact', True)
    """
    as_dynamics(dynamics)
    scheme = _check_scheme(scheme)
    if dynamics.is_abstract or dynamics.parameters:
        raise InvalidArgument("dynamics", str(dynamics.loss),
                              "has an abstract loss or unset parameters "
                              f"{[p.name for p in dynamics.parameters]}",
                              "substitute numbers first: dynamics.substitute({...})")
    try:
        dts = [float(h) for h in dts]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("dts", dts, "must be a sequence of numbers") from exc
    if len(dts) < 2 or any(not (h > 0 and math.isfinite(h)) for h in dts):
        raise InvalidArgument("dts", dts, "need at least two positive finite step sizes")
    t_end = as_positive_real(t_end, "t_end", example="t_end=100")
    d = dynamics.dimension
    paths = as_paths(None, theta0, v0)
    theta0 = _rows(as_state(theta0, d, paths, "theta0"))
    v0 = _rows(as_state(v0, d, paths, "v0"))

    step_map = discrete_map(dynamics, scheme)
    if step_map.time_dependent:
        # The sweep iterates one fixed map; a damping that depends on t changes it every step.
        raise InvalidArgument("dynamics", sympy.sstr(dynamics.damping.tolist()),
                              "has a time-dependent damping", "use a constant damping")
    h = step_map.dt
    state = list(step_map.state)
    advance = sympy.lambdify(state + [h], list(step_map.image), modules="numpy", cse=True)
    inertia = sympy.lambdify(state, step_map.inertia, modules="numpy")
    kind, modified = _modified_energy(step_map, shadow_order)
    modified_f = None if kind is None else sympy.lambdify(state + [h], modified, modules="numpy")

    rows = []
    for dt in dts:
        rows.append(_run(advance, inertia, modified_f, theta0, v0, dt,
                         max(1, round(t_end / dt)), blowup))
    good = [r for r in rows if r.status != "diverged"]
    exponent = se = mexp = mse = None
    notes = []
    positive = [r for r in good if r.inertia_error > r.roundoff_tolerance]
    if len(positive) >= 2:
        exponent, se = fit_order([r.dt for r in positive], [r.inertia_error for r in positive])
    if len(positive) < len(good):
        notes.append(f"{len(good) - len(positive)} step size(s) with the inertia error at "
                     "round-off are left out of the exponent fit")
    roundoff = None
    if kind is not None:
        floor = [r for r in good if r.modified_error is not None
                 and r.modified_error > r.roundoff_tolerance]
        if kind == "exact":
            roundoff = all(r.modified_error <= r.roundoff_tolerance for r in good) if good else None
        if kind == "shadow" and len(floor) >= 2:
            mexp, mse = fit_order([r.dt for r in floor], [r.modified_error for r in floor])
        elif kind == "shadow":
            notes.append("the shadow energy error is at round-off level; no exponent fitted")
    if len(good) < len(rows):
        verdict = "diverged"
        notes.append(f"{len(rows) - len(good)} step size(s) diverged and are left out of the fits")
    elif any(r.status == "growing" for r in rows):
        verdict = "growing"
    elif any(r.status == "too short" for r in rows):
        verdict = "inconclusive"
        notes.append(f"a run of fewer than {MIN_STEPS} steps cannot tell a bounded error from a "
                     "growing one: lengthen t_end or refine the step")
    else:
        verdict = "bounded"
    return EnergyDrift(scheme, float(t_end), tuple(rows), exponent, se, kind,
                       None if modified is None else sympy.sstr(modified), mexp, mse, roundoff,
                       verdict, tuple(notes))


#: A run "grows" when its last-quarter error exceeds its first-quarter error by this factor;
#: a bounded oscillation reaches its full amplitude within the first quarter of a long run.
_GROWTH = 2.0


def _run(advance, inertia, modified, theta0, v0, step, n, blowup) -> DriftRow:
    theta = [row.copy() for row in theta0]
    v = [row.copy() for row in v0]
    paths = theta0.shape[1]
    i0 = np.asarray(inertia(*theta, *v), dtype=float) * np.ones(paths)
    scale_i = np.maximum(1.0, np.abs(i0))
    m0 = None if modified is None else np.asarray(modified(*theta, *v, step), float) * np.ones(paths)
    scale_m = None if m0 is None else np.maximum(1.0, np.abs(m0))
    quarter = max(1, n // 4)
    first_i = last_i = worst_i = 0.0
    first_m = last_m = worst_m = 0.0
    status = "bounded"
    for k in range(1, n + 1):
        out = advance(*theta, *v, step)
        d = len(theta)
        theta = [np.broadcast_to(o, (paths,)).astype(float) for o in out[:d]]
        v = [np.broadcast_to(o, (paths,)).astype(float) for o in out[d:]]
        err_i = float(np.max(np.abs(inertia(*theta, *v) - i0) / scale_i))
        if not math.isfinite(err_i) or err_i > blowup:
            return DriftRow(step, n, float("inf"), float("inf"), None, None, "diverged",
                            roundoff_floor(n))
        worst_i = max(worst_i, err_i)
        if k <= quarter:
            first_i = max(first_i, err_i)
        if k > n - quarter:
            last_i = max(last_i, err_i)
        if modified is not None:
            err_m = float(np.max(np.abs(modified(*theta, *v, step) - m0) / scale_m))
            if not math.isfinite(err_m):
                err_m = math.inf  # max() would silently skip a NaN
            worst_m = max(worst_m, err_m)
            if k <= quarter:
                first_m = max(first_m, err_m)
            if k > n - quarter:
                last_m = max(last_m, err_m)
    roundoff = roundoff_floor(n)
    # An error at round-off in the first quarter is no reference for growth: a drift from an
    # exactly conserved start must still be seen (last / 0 would otherwise be skipped).
    growth_i = _ratio(last_i, first_i, roundoff)
    growth_m = None if modified is None else _ratio(last_m, first_m, roundoff)
    if n < MIN_STEPS:
        status = "too short"
    elif growth_i > _GROWTH:
        status = "growing"
    return DriftRow(step, n, worst_i, growth_i, None if modified is None else worst_m, growth_m,
                    status, roundoff)


def _ratio(last: float, first: float, roundoff: float) -> float:
    if not math.isfinite(last):
        return math.inf
    return last / max(first, roundoff)
