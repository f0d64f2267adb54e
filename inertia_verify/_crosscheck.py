"""Symbolic predictions against simulation, with tolerances that follow from the scheme's order.

Two checks run on every simulation:

* **energy balance**: :math:`I(t) - I(t_0) - \\int_{t_0}^t \\dot I\\,ds`, the symbolic rate
  integrated along the *simulated* path (end-corrected trapezoid rule, error :math:`O(h^4)`).  It
  vanishes for the exact flow; along a scheme of order :math:`p` it is :math:`O(h^{q})`,
  :math:`q = \\min(p, 4)`.
* **closed form** (when the loss is quadratic and the damping constant): the simulated
  :math:`I(t)` against the exact one, :math:`O(h^p)`.

A single step size cannot tell a small error from a wrong formula, so each check is run at
``dt``, ``2 dt``, ``4 dt`` (same initial states).  The error at ``dt`` is reported in units of the
tolerance :math:`\\tau = 2\\,C\\,h^q` with :math:`C = e(4h)/(4h)^q` taken from the coarsest run (the
factor 2 allows for a pre-asymptotic coarse run); the convergence order is the least-squares slope
of :math:`\\log e` against :math:`\\log h`.  Verdicts:

* ``agrees``: the error is at the round-off/solver floor, or it converges at
  (at least) the declared order minus 1/2 and is within :math:`\\tau`;
* ``disagrees``: the error does not go to zero (fitted slope below 1/2);
* ``inconclusive``: in between (pre-asymptotic: halve ``dt`` again), or too few runs above the
  round-off floor to fit a slope;
* ``diverged``: the run at ``dt`` diverged (NaN/Inf or an unstable step size).

The round-off floor is :math:`100\\,\\varepsilon\\,\\max|I|\\sqrt{N}` for :math:`N` steps (rounding
errors accumulate like a random walk), and for the adaptive references additionally
:math:`100 \\cdot \\mathrm{rtol}\\cdot\\max|I|`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._errors import InvalidArgument
from .numeric._compile import CompiledDynamics, compile_dynamics
from .numeric._schemes import get_scheme
from .numeric._simulate import Simulation, simulate

__all__ = ["CrossCheck", "CrossCheckReport", "crosscheck", "judge_convergence", "VERDICTS"]

#: Verdicts of a cross-check, from best to worst.
VERDICTS = ("agrees", "inconclusive", "disagrees", "diverged")

_EPS = np.finfo(float).eps


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
    step_sizes, errors : tuple of float
    note : str
    """

    quantity: str
    verdict: str
    error: float | None
    tolerance: float | None
    floor: float
    expected_order: float | None
    observed_order: float | None
    step_sizes: tuple[float, ...]
    errors: tuple[float | None, ...]
    note: str

    @property
    def error_in_tolerances(self) -> float | None:
        if self.error is None or not self.tolerance:
            return None
        return self.error / self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "verdict": self.verdict, "error": self.error,
                "tolerance": self.tolerance, "error_in_tolerances": self.error_in_tolerances,
                "floor": self.floor, "expected_order": self.expected_order,
                "observed_order": self.observed_order, "step_sizes": list(self.step_sizes),
                "errors": list(self.errors), "note": self.note}

    def __str__(self) -> str:
        parts = [f"{self.quantity}: {self.verdict}"]
        if self.error is not None:
            parts.append(f"error {self.error:.3g}")
        if self.error_in_tolerances is not None:
            parts.append(f"= {self.error_in_tolerances:.3g} tolerances")
        if self.observed_order is not None:
            parts.append(f"observed order {self.observed_order:.2f} (declared {self.expected_order})")
        return ", ".join(parts) + (f" — {self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def judge_convergence(step_sizes, errors, order: float | None, floor: float,
                      quantity: str) -> CrossCheck:
    """Turn errors at several step sizes into a verdict (see the module notes).

    ``errors[i]`` is ``None`` for a run that diverged; ``step_sizes`` are in decreasing order
    of refinement (coarsest first) or any order: the finest is the smallest.

    Examples
    --------
    >>> judge_convergence([0.04, 0.02, 0.01], [1.6e-3, 4e-4, 1e-4], 2, 1e-14, "x").verdict
    'agrees'
    >>> judge_convergence([0.04, 0.02, 0.01], [1e-3, 1e-3, 1e-3], 2, 1e-14, "x").verdict
    'disagrees'
    >>> judge_convergence([0.04, 0.02, 0.01], [1e-16, 1e-16, 2e-16], 2, 1e-14, "x").verdict
    'agrees'
    """
    pairs = sorted(zip(step_sizes, errors), key=lambda p: p[0])
    finest_h, finest_e = pairs[0]
    hs = tuple(float(h) for h, _ in pairs)
    es = tuple(None if e is None else float(e) for _, e in pairs)
    if finest_e is None or not math.isfinite(finest_e):
        return CrossCheck(quantity, "diverged", None, None, floor, order, None, hs, es,
                          "the run at the finest step diverged")
    if finest_e <= floor:
        return CrossCheck(quantity, "agrees", finest_e, floor, floor, order, None, hs, es,
                          "error at the round-off/solver floor")
    valid = [(h, e) for h, e in pairs if e is not None and math.isfinite(e) and e > floor]
    if len(valid) < 2:
        return CrossCheck(quantity, "inconclusive", finest_e, None, floor, order, None, hs, es,
                          "too few runs above the round-off floor to fit a convergence order")
    slope = float(np.polyfit(np.log([h for h, _ in valid]), np.log([e for _, e in valid]), 1)[0])
    q = order if order is not None else slope
    coarsest_h, coarsest_e = valid[-1]
    tolerance = max(2.0 * coarsest_e * (finest_h / coarsest_h) ** q, floor)
    if slope < 0.5:
        verdict, note = "disagrees", "the error does not decrease with the step size"
    elif order is not None and slope >= order - 0.5 and finest_e <= tolerance:
        verdict, note = "agrees", "converges at the declared order"
    else:
        verdict, note = "inconclusive", "not yet in the asymptotic regime: halve dt again"
    return CrossCheck(quantity, verdict, finest_e, tolerance, floor, order, slope, hs, es, note)


@dataclass(frozen=True)
class CrossCheckReport:
    """A simulation and its checks (see :func:`crosscheck`).

    Attributes
    ----------
    simulation : Simulation
        The run at the requested ``dt``.
    checks : tuple of CrossCheck
    verdict : str
        The worst verdict of the checks (``diverged`` if the run diverged).
    prediction : object or None
        The closed form used (a :class:`~inertia_verify.symbolic._closed_forms.QuadraticSolution`).
    prediction_final : float or None
        The predicted ensemble mean of :math:`I(t_{end})`.
    """

    simulation: Simulation
    checks: tuple[CrossCheck, ...]
    verdict: str
    prediction: Any = field(default=None, repr=False)
    prediction_final: float | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        sim = self.simulation.to_dict()
        balance = next((c for c in self.checks if c.quantity == "energy balance"), None)
        return {**sim, "prediction_final": self.prediction_final,
                "energy_balance_max_error": None if balance is None else balance.error,
                "verdict": self.verdict, "checks": [c.to_dict() for c in self.checks],
                "notes": list(self.notes)}

    def __str__(self) -> str:
        lines = [str(self.simulation)]
        if self.prediction_final is not None:
            lines.append(f"  predicted I(t_end) = {self.prediction_final:.12g} (closed form)")
        lines += [f"  {c}" for c in self.checks]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"verdict: {self.verdict}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def _worst(verdicts) -> str:
    return max(verdicts, key=VERDICTS.index, default="inconclusive")


def _floor(run: Simulation, scheme) -> float:
    scale = float(np.max(np.abs(run.inertia))) if run.inertia.size else 1.0
    floor = 100 * _EPS * max(scale, 1e-300) * math.sqrt(max(run.steps, 1))
    rtol = getattr(scheme, "rtol", None)
    if rtol is not None:
        floor = max(floor, 100 * rtol * scale)
    if scheme.name == "mpmath":
        floor = max(floor, 100 * _EPS * scale)
    return floor


def crosscheck(dynamics, theta0, v0, t_end: float, dt: float, *, scheme: str = "verlet",
               paths: int = 1, values=None, spread=None, seed: int | None = None,
               t0: float = 0.0, closed_form: bool | None = None, refinements: int = 2,
               save_every: int | None = None) -> CrossCheckReport:
    """Simulate at ``dt`` and at ``2**k dt`` (``k = 1..refinements``) and check the symbolic
    predictions (energy balance; closed form for quadratic losses) with order-based tolerances.

    Parameters
    ----------
    dynamics : Dynamics or CompiledDynamics
    theta0, v0, t_end, dt, scheme, paths, values, spread, seed, t0, save_every
        As for :func:`~inertia_verify.numeric.simulate`.
    closed_form : bool, optional
        ``None`` (default) uses the closed form when the loss is quadratic and the damping
        constant; ``True`` requires it; ``False`` skips it.
    refinements : int
        How many coarser runs (at least 1; 2 gives three step sizes for the order fit).

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
    """
    from .symbolic._closed_forms import quadratic_from_dynamics

    if isinstance(refinements, bool) or not isinstance(refinements, int) or refinements < 1:
        raise InvalidArgument("refinements", refinements, "must be a positive integer", "e.g. 2")
    system = dynamics if isinstance(dynamics, CompiledDynamics) else compile_dynamics(dynamics, values)
    method = get_scheme(scheme)
    runs = []
    for k in range(refinements + 1):
        runs.append(simulate(system, theta0, v0, t_end, dt * 2**k, scheme=method.name,
                             paths=paths, spread=spread, seed=seed, t0=t0,
                             save_every=save_every if k == 0 else None))
    finest = runs[0]
    notes = []
    prediction = None
    if closed_form is not False:
        try:
            prediction = quadratic_from_dynamics(system.dynamics, finest.initial_theta,
                                                 finest.initial_v)
        except InvalidArgument as exc:
            if closed_form:
                raise
            notes.append(f"no closed form: {exc.problem}")
    order = method.order
    quad_order = None if order is None else min(order, 4)
    if method.name in ("dop853", "mpmath"):
        # Adaptive references: the solver error sits at the floor; what converges with the grid
        # spacing is the quadrature of the rate (order 4).
        quad_order = 4
    checks = []
    floor = _floor(finest, method)
    balance_errors = [None if r.diverged or r.balance is None else r.energy_balance_max_error
                      for r in runs]
    checks.append(judge_convergence([r.dt for r in runs], balance_errors, quad_order, floor,
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
        reference_order = None if method.name in ("dop853", "mpmath") else order
        checks.append(judge_convergence([r.dt for r in runs], errors, reference_order, floor,
                                        "closed form"))
        prediction_final = float(np.mean(prediction.inertia_at([finest.t_end - finest.t0])))
        if finest.t0 != 0.0:
            notes.append("the closed form is evaluated at t - t0 (autonomous system)")
    verdict = "diverged" if finest.diverged else _worst(c.verdict for c in checks)
    if finest.diverged:
        notes.append(str(finest.divergence))
    return CrossCheckReport(finest, tuple(checks), verdict, prediction, prediction_final,
                            tuple(notes))
