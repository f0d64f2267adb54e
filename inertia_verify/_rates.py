"""Worst-case rates over classes of losses, by performance estimation (issue 12 §4).

:func:`worst_case_rate` computes, for gradient descent, heavy ball or Nesterov's method with
constant parameters, the largest value of

* ``metric="loss"``: :math:`(L(\\theta_n) - L^*) / (L(\\theta_0) - L^*)`, or
* ``metric="inertia"``: :math:`(I_n - L^*) / (I_0 - L^*)` with the discrete inertia
  :math:`I_k = L(\\theta_k) + \\tfrac12\\|v_k\\|^2`, :math:`v_k = (\\theta_k - \\theta_{k-1})/h`,
  :math:`h = \\sqrt{\\alpha}` (the heavy ball read as a discretised damped flow, as in
  :func:`~inertia_verify.heavy_ball_to_ode`), :math:`\\theta_{-1} = \\theta_0` so that
  :math:`I_0 = L(\\theta_0)`,

over every :math:`\\mu`-strongly convex :math:`\\ell`-smooth loss in any dimension
(:math:`\\mu = 0`: smooth convex) and every start.  This is a semidefinite program (the
performance estimation problem of Drori–Teboulle and Taylor–Hendrickx–Glineur), set up and
solved by PEPit; its answer is numerical.  ``worst_case`` is the solver's dual value (a
certified upper bound up to the solver's accuracy), ``primal`` the value of the worst-case
function it found (a lower bound up to the same accuracy); ``solver_accuracy`` gives their
gap.  ``quadratic_lower_bound`` is an exact rational lower bound independent of the solver:
the largest ratio over the one-dimensional quadratics :math:`\\lambda x^2/2`,
:math:`\\lambda` on a grid of :math:`[\\mu, \\ell]` including both ends (the maximising
:math:`\\lambda` is ``quadratic_worst_curvature``).

The methods (step :math:`\\alpha`, momentum :math:`\\beta`):

* gradient descent: :math:`\\theta_{k+1} = \\theta_k - \\alpha\\nabla L(\\theta_k)`;
* heavy ball: :math:`\\theta_{k+1} = \\theta_k - \\alpha\\nabla L(\\theta_k)
  + \\beta(\\theta_k - \\theta_{k-1})`;
* Nesterov: :math:`y_k = \\theta_k + \\beta(\\theta_k - \\theta_{k-1})`,
  :math:`\\theta_{k+1} = y_k - \\alpha\\nabla L(y_k)`.

``heavy-ball-ode`` (:math:`\\ddot\\theta + \\gamma\\dot\\theta + \\nabla L = 0`, ``lr`` is
:math:`\\gamma`, default :math:`2\\sqrt\\mu`) has no steps: its ``worst_case`` is the largest
:math:`\\dot V` over states with :math:`V = 1`, i.e. the best :math:`\\tau` with
:math:`\\dot V \\le \\tau V` for every loss of the class (negative: decay at rate
:math:`-\\tau`), for ``metric="inertia"`` (:math:`V = I - L^*`) or ``metric="lyapunov"``
(:math:`V = L - L^* + \\tfrac12\\|\\sqrt\\mu(\\theta - \\theta^*) + \\dot\\theta\\|^2`,
Wilson, Recht and Jordan; PEPit's accelerated gradient flow example).  Its
``quadratic_lower_bound`` is not computed (``None``).

PEPit is an optional dependency: ``pip install 'inertia-verify[inequalities]'``.
"""

from __future__ import annotations

import contextlib
import io
import importlib.util
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from ._errors import InvalidArgument, require_extra
from ._inequalities import EXTRA
from .schemes import HeavyBall, MomentumScheme, Nesterov

__all__ = ["RateResult", "worst_case_rate", "METHODS", "METRICS", "quadratic_ratio"]

METRICS = ("loss", "inertia", "lyapunov")
MAX_STEPS = 50


def _rational(x: float) -> Fraction:
    """A default tuning computed in floats, rounded to a rational."""
    return Fraction(x).limit_denominator(10**6)


def _inverse_smoothness(mu: Fraction, ell: Fraction) -> Fraction:
    return 1 / ell


def _polyak_lr(mu: Fraction, ell: Fraction) -> Fraction:
    """Polyak's step for quadratics, :math:`4/(\\sqrt\\ell + \\sqrt\\mu)^2`."""
    return _rational(4 / (math.sqrt(float(ell)) + math.sqrt(float(mu))) ** 2)


def _contraction(mu: Fraction, ell: Fraction) -> float:
    """:math:`(1 - \\sqrt{\\mu/\\ell})/(1 + \\sqrt{\\mu/\\ell})`, in floats."""
    root = math.sqrt(float(mu) / float(ell))
    return (1 - root) / (1 + root)


def _polyak_momentum(mu: Fraction, ell: Fraction) -> Fraction:
    return _rational(_contraction(mu, ell) ** 2)


def _nesterov_momentum(mu: Fraction, ell: Fraction) -> Fraction:
    return _rational(_contraction(mu, ell))


def _critical_damping(mu: Fraction, ell: Fraction) -> Fraction:
    return _rational(2 * math.sqrt(float(mu)))


@dataclass(frozen=True)
class _RateMethod:
    """What a method with a worst-case rate is, declared once; the code below reads these
    fields, never the name.

    ``flow``: a continuous-time flow (its rate is instantaneous: no iterations, no exact
    quadratic bound) rather than an iteration.  ``momentum``: whether it takes a momentum
    :math:`\\beta`; ``lookahead``: the gradient is taken at :math:`\\theta_k +
    \\beta(\\theta_k - \\theta_{k-1})` (Nesterov) rather than at :math:`\\theta_k`.  The
    defaults map :math:`(\\mu, \\ell)` to a tuning; ``lr_note`` (``{lr}``, ``{name}``) says
    which was taken.
    """

    name: str
    title: str
    metrics: tuple[str, ...]
    default_lr: Callable[[Fraction, Fraction], Fraction]
    lr_note: str = "lr = {lr} (default for {name})"
    flow: bool = False
    momentum: bool = False
    lookahead: bool = False
    default_momentum: Callable[[Fraction, Fraction], Fraction] | None = None
    momentum_fix: str | None = None  # without momentum: what to do instead of giving one

    @classmethod
    def of_scheme(cls, scheme: type[MomentumScheme], title: str, **fields) -> "_RateMethod":
        """A momentum method with the name and look-ahead its scheme declares."""
        return cls(scheme.name, title, ("loss", "inertia"), momentum=True,
                   lookahead=scheme.lookahead, **fields)

    def step(self, x, x_prev, grad, lr, momentum):
        """One iteration: works on PEPit points and on exact rationals alike."""
        if not self.momentum:
            return x - lr * grad(x)
        if self.lookahead:
            y = x + momentum * (x - x_prev)
            return y - lr * grad(y)
        return x - lr * grad(x) + momentum * (x - x_prev)


#: Every method with a worst-case rate, by name, in the order the choices are listed.
_RATE_METHODS: dict[str, _RateMethod] = {m.name: m for m in (
    _RateMethod("gradient-descent", "gradient descent", ("loss", "inertia"), _inverse_smoothness,
                momentum_fix="use --method heavy-ball or nesterov, or drop the momentum"),
    _RateMethod.of_scheme(HeavyBall, "heavy ball", default_lr=_polyak_lr,
                          default_momentum=_polyak_momentum),
    _RateMethod.of_scheme(Nesterov, "Nesterov's method", default_lr=_inverse_smoothness,
                          default_momentum=_nesterov_momentum),
    _RateMethod("heavy-ball-ode", "the heavy-ball ODE", ("inertia", "lyapunov"),
                _critical_damping, lr_note="damping gamma = {lr} (2*sqrt(mu), the default)",
                flow=True, momentum_fix="give its damping gamma as lr"),
)}
METHODS = tuple(_RATE_METHODS)


def _rate_method(method) -> _RateMethod:
    """The declared method called ``method``, or an error listing the choices."""
    spec = _RATE_METHODS.get(method) if isinstance(method, str) else None
    if spec is None:
        raise InvalidArgument("method", method, "is not a method with a worst-case rate",
                              f"choose among {', '.join(METHODS)}")
    return spec


@dataclass(frozen=True)
class RateResult:
    """A worst-case ratio after ``iterations`` iterations, with the solver's accuracy.

    Attributes
    ----------
    method : str
        ``"gradient-descent"``, ``"heavy-ball"`` or ``"nesterov"``.
    metric : str
        ``"loss"`` or ``"inertia"``: the ratio of that quantity after and before.
    iterations : int
        The number of iterations.
    mu, smoothness, lr, momentum : fractions.Fraction
        The class of losses and the method's parameters, exactly.
    worst_case : float or None
        PEPit's worst-case ratio (None when computed without PEPit).
    primal : float or None
        The primal value of the performance estimation problem (a lower bound).
    solver_accuracy : dict or None
        The solver's gaps (``absolute_gap``, ...).
    quadratic_lower_bound : fractions.Fraction or None
        The exact worst ratio over quadratic losses on the grid: a lower bound of the worst case.
    quadratic_worst_curvature : fractions.Fraction or None
        The curvature where that quadratic worst case is reached.
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> r = worst_case_rate("gradient-descent", mu=1, smoothness=4, iterations=2, require_solver=False)
    >>> r.metric, r.lr, r.quadratic_lower_bound == Fraction(3, 4)**4
    ('loss', Fraction(1, 4), True)
    """

    method: str
    metric: str
    iterations: int
    mu: Fraction
    smoothness: Fraction
    lr: Fraction
    momentum: Fraction
    worst_case: float | None  # None only when computed without PEPit (require_solver=False)
    primal: float | None
    solver_accuracy: dict | None
    quadratic_lower_bound: Fraction | None
    quadratic_worst_curvature: Fraction | None = None
    notes: tuple = field(default=(), compare=False)

    @property
    def verdict(self) -> str:
        """Always ``computed``: a number, not a judgement (a catalogue claim judges it)."""
        return "computed"

    def __str__(self) -> str:
        if self.worst_case is None:
            return (f"{self.method}, {self.iterations} steps, mu = {self.mu}, smoothness = "
                    f"{self.smoothness}: worst case not computed (PEPit missing); the exact "
                    f"quadratic lower bound of the {self.metric} ratio is "
                    f"{self.quadratic_lower_bound}")
        return (f"{self.method}, {self.iterations} steps, mu = {self.mu}, smoothness = "
                f"{self.smoothness}: worst-case {self.metric} ratio {self.worst_case:.6g} "
                f"(gap {self.solver_accuracy['absolute_gap']:.1e})")

    def to_dict(self) -> dict:
        """JSON-ready: ``verdict``, ``worst_case``, ``metric``, ``steps`` (the iterations, named
        as the command line's ``--steps``), ``solver_accuracy``, the parameters as numbers with
        their exact values."""
        def num(q: Fraction):
            return float(q)

        out = {"verdict": self.verdict, "method": self.method, "metric": self.metric,
               "steps": self.iterations, "worst_case": self.worst_case,
               "primal_lower_bound": self.primal,
               "solver_accuracy": None if self.solver_accuracy is None else dict(self.solver_accuracy),
               "quadratic_lower_bound": (None if self.quadratic_lower_bound is None
                                         else num(self.quadratic_lower_bound)),
               "quadratic_worst_curvature": (None if self.quadratic_worst_curvature is None
                                             else float(self.quadratic_worst_curvature)),
               "notes": list(self.notes)}
        if self.quadratic_lower_bound is not None:
            out["quadratic_lower_bound_exact"] = str(self.quadratic_lower_bound)
        for key in ("mu", "smoothness", "lr", "momentum"):
            q = getattr(self, key)
            out[key] = int(q) if q.denominator == 1 else float(q)
            if q.denominator != 1:
                out[f"{key}_exact"] = str(q)
        return out


def _fraction(value, argument: str, *, low=None, low_open=False, high=None, high_open=False):
    """A rational from a number or a literal (``1/9``, ``0.25``); never SymPy's parser."""
    try:
        if isinstance(value, bool):
            raise TypeError
        if type(value).__module__.startswith("sympy"):
            if not value.is_Rational:
                raise TypeError
            q = Fraction(int(value.p), int(value.q))
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            q = Fraction(value).limit_denominator(10**12)
        else:
            q = Fraction(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise InvalidArgument(argument, value, "must be a rational number",
                              "give e.g. 1, 1/9 or 0.25") from exc
    if low is not None and (q < low or (low_open and q == low)):
        raise InvalidArgument(argument, value, f"must be {'>' if low_open else '>='} {low}")
    if high is not None and (q > high or (high_open and q == high)):
        raise InvalidArgument(argument, value, f"must be {'<' if high_open else '<='} {high}")
    return q


def quadratic_ratio(method: str, lam: Fraction, lr: Fraction, momentum: Fraction,
                    iterations: int, metric: str) -> Fraction:
    """The exact ratio on the one-dimensional quadratic ``lam*x**2/2`` (start 1, θ₋₁ = θ₀).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> quadratic_ratio("gradient-descent", F(1, 4), F(1), F(0), 2, "loss")  # (1 - 1/4)**4
    Fraction(81, 256)
    """
    spec = _rate_method(method)
    x_prev = x = Fraction(1)
    for _ in range(iterations):
        x, x_prev = spec.step(x, x_prev, lambda z: lam * z, lr, momentum), x
    value = lam * x * x / 2
    if metric == "inertia":
        value += (x - x_prev) ** 2 / (2 * lr)
    return value / (lam / 2)


def _defaults(spec: _RateMethod, mu, ell, lr, momentum, notes):
    """The method's declared tuning for whichever of ``lr`` and ``momentum`` is not given."""
    if lr is None:
        lr = spec.default_lr(mu, ell)
        notes.append(spec.lr_note.format(lr=lr, name=spec.name))
    if momentum is None:
        momentum = spec.default_momentum(mu, ell) if spec.momentum else Fraction(0)
        if spec.momentum:
            notes.append(f"momentum = {momentum} (default for {spec.name})")
    return lr, momentum


def worst_case_rate(method: str, *, mu, smoothness, lr=None, momentum=None, iterations: int = 5,
                    metric: str = "loss", grid: int = 64, solver: str | None = None,
                    require_solver: bool = True) -> RateResult:
    r"""The worst-case ratio after ``iterations`` iterations over :math:`\mu`-strongly convex
    :math:`\ell`-smooth losses, by performance estimation (PEPit).

    Parameters
    ----------
    method : {"gradient-descent", "heavy-ball", "nesterov", "heavy-ball-ode"}
    mu, smoothness : rational
        :math:`0 \le \mu \le \ell`, :math:`\ell > 0`.
    lr, momentum : rational, optional
        Step :math:`\alpha > 0` and momentum :math:`0 \le \beta < 1` (gradient descent: no
        momentum).  Defaults: :math:`1/\ell` (heavy ball: Polyak's
        :math:`4/(\sqrt\ell + \sqrt\mu)^2` and :math:`\beta = ((\sqrt\kappa - 1)/
        (\sqrt\kappa + 1))^2`; Nesterov: :math:`\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`),
        rounded to rationals.
    iterations : int
        :math:`n`, from 1 to 50.
    metric : {"loss", "inertia"}
    grid : int
        Points of :math:`[\mu, \ell]` for the exact quadratic lower bound.
    solver : str, optional
        A cvxpy solver name (default: Clarabel when installed, else cvxpy's choice).
    require_solver : bool
        True (default): without PEPit (the ``inequalities`` extra) raise an error naming it.
        False: return the exact quadratic lower bound alone (``worst_case`` None, a note says
        why), for callers whose conclusion rests on the exact part.

    Returns
    -------
    RateResult

    Examples
    --------
    Gradient descent with step :math:`1/\ell` contracts the loss by :math:`(1 - \mu/\ell)^2`
    per step, and that is tight:

    >>> r = worst_case_rate("gradient-descent", mu=1, smoothness=4, iterations=2)
    >>> abs(r.worst_case - (3/4)**4) < 1e-4
    True
    >>> r.quadratic_lower_bound == Fraction(3, 4)**4
    True
    """
    spec = _rate_method(method)
    if metric not in METRICS:
        raise InvalidArgument("metric", metric, "is not a metric",
                              f"choose among {', '.join(METRICS)}")
    if metric not in spec.metrics:
        holders = ", ".join(m.name for m in _RATE_METHODS.values() if metric in m.metrics)
        raise InvalidArgument("metric", metric,
                              f"is not a metric of {spec.title}" if spec.flow
                              else f"is a metric of {holders}, not {spec.name}",
                              f"use {' or '.join(spec.metrics)}")
    if spec.flow:
        iterations = 1  # unused: an instantaneous rate
    if isinstance(iterations, bool) or not isinstance(iterations, int) \
            or not 1 <= iterations <= MAX_STEPS:
        raise InvalidArgument("iterations", iterations,
                              f"must be an integer from 1 to {MAX_STEPS}",
                              "the SDP grows with the square of the iterations; e.g. 5")
    ell = _fraction(smoothness, "smoothness", low=0, low_open=True)
    mu_q = _fraction(mu, "mu", low=0)
    if mu_q > ell:
        raise InvalidArgument("mu", mu, f"exceeds the smoothness {ell}",
                              "strong convexity mu must not exceed smoothness (mu <= smoothness)")
    notes: list[str] = []
    lr_q = None if lr is None else _fraction(lr, "lr", low=0, low_open=True)
    mom_q = None if momentum is None else _fraction(momentum, "momentum", low=0, high=1,
                                                    high_open=True)
    if not spec.momentum and mom_q not in (None, 0):
        raise InvalidArgument("momentum", momentum, f"is given for {spec.title}",
                              spec.momentum_fix)
    if spec.flow:
        return _ode_rate(spec, mu_q, ell, lr_q, metric, solver, notes)
    lr_q, mom_q = _defaults(spec, mu_q, ell, lr_q, mom_q, notes)
    if isinstance(grid, bool) or not isinstance(grid, int) or grid < 2:
        raise InvalidArgument("grid", grid, "must be an integer >= 2")

    lams = sorted({mu_q + (ell - mu_q) * Fraction(k, grid - 1) for k in range(grid)}
                  - ({Fraction(0)} if mu_q == 0 else set()))
    if not lams:
        lams = [ell]
    lower, worst_lam = max((quadratic_ratio(method, lam, lr_q, mom_q, iterations, metric), lam)
                           for lam in lams)
    if not require_solver and importlib.util.find_spec("PEPit") is None:
        notes.append("PEPit is not installed (the 'inequalities' extra): the worst case over the "
                     "class was not computed; the exact quadratic lower bound stands alone")
        return RateResult(method, metric, iterations, mu_q, ell, lr_q, mom_q, None, None, None,
                          lower, worst_lam, tuple(notes))
    require_extra("PEPit", EXTRA)
    from PEPit import PEP
    from PEPit.functions import SmoothStronglyConvexFunction

    problem = PEP()
    func = problem.declare_function(SmoothStronglyConvexFunction, mu=float(mu_q), L=float(ell))
    xs = func.stationary_point()
    fs = func(xs)
    x0 = problem.set_initial_point()
    problem.set_initial_condition(func(x0) - fs <= 1)
    x = x_prev = x0
    for _ in range(iterations):
        x, x_prev = spec.step(x, x_prev, func.gradient, float(lr_q), float(mom_q)), x
    measure = func(x) - fs
    if metric == "inertia":
        measure = measure + (x - x_prev) ** 2 / (2 * float(lr_q))
    problem.set_performance_metric(measure)
    primal, dual, accuracy = _solve(problem, solver, notes)
    # Beyond the solver's own accuracy (its gap, PEPit's 1e-3-relative alarm level), an exact
    # lower bound above the upper bound means the SDP answer cannot be trusted.
    if lower > dual + max(10 * abs(accuracy["absolute_gap"]), 1e-3 * abs(dual)):
        notes.append(f"the exact quadratic lower bound {float(lower):.6g} exceeds the SDP's "
                     f"upper bound {dual:.6g}: the solver is inaccurate here")
    return RateResult(method, metric, iterations, mu_q, ell, lr_q, mom_q, dual, primal, accuracy,
                      lower, worst_lam, tuple(notes))


def _solve(problem, solver, notes):
    """Solve a PEP; ``(primal, dual, accuracy)`` with PEPit's printing kept off stdout."""
    if solver is None:
        # Clarabel (interior point) agrees with the closed forms to ~1e-7; SCS (first order),
        # cvxpy's default here, can be off by 1e-3 while reporting a tiny gap.
        import cvxpy

        solver = "CLARABEL" if "CLARABEL" in cvxpy.installed_solvers() else None
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        primal = float(problem.solve(verbose=0, return_primal_or_dual="primal",
                                     **({"solver": solver} if solver else {})))
        dual = float(problem.check_feasibility(primal, verbose=0))
    for w in seen:
        if "inaccurate" in str(w.message).lower():
            notes.append(f"the solver warns: {' '.join(str(w.message).split())}")
    gap = dual - primal
    return primal, dual, {"absolute_gap": gap,
                          "relative_gap": gap / abs(primal) if primal else 0.0,
                          "primal": primal, "dual": dual,
                          "solver": str(getattr(problem.wrapper, "solver_name", None) or "cvxpy")}


def _ode_rate(spec, mu, ell, gamma, metric, solver, notes):
    """sup dV/dt subject to V = 1 over the class, for θ̈ + γθ̇ + ∇L = 0 (PEPit)."""
    require_extra("PEPit", EXTRA)
    from PEPit import PEP
    from PEPit.functions import SmoothStronglyConvexFunction

    root = math.sqrt(float(mu))
    gamma, _ = _defaults(spec, mu, ell, gamma, Fraction(0), notes)
    problem = PEP()
    func = problem.declare_function(SmoothStronglyConvexFunction, mu=float(mu), L=float(ell))
    xs = func.stationary_point()
    fs = func(xs)
    x = problem.set_initial_point()
    g, f = func.oracle(x)
    v = problem.set_initial_point()
    a = -float(gamma) * v - g
    if metric == "inertia":
        lyap = f - fs + v ** 2 / 2
        lyap_dot = g * v + v * a
    else:
        w = root * (x - xs) + v
        lyap = f - fs + w ** 2 / 2
        lyap_dot = g * v + w * (root * v + a)
    problem.set_initial_condition(lyap == 1)
    problem.set_performance_metric(lyap_dot)
    primal, dual, accuracy = _solve(problem, solver, notes)
    return RateResult(spec.name, metric, 0, mu, ell, gamma, Fraction(0), dual, primal,
                      accuracy, None, None, tuple(notes))
