"""Lyapunov functions and exponential rates, with certificates (issue 12 §3).

:func:`lyapunov` takes a deterministic :class:`~inertia_verify.Dynamics` and a candidate
:math:`V(\\theta, v)` and decides, with the inequality prover (:mod:`._inequalities`):

* **positivity**: :math:`V \\ge 0` for every state, and :math:`V = 0` only at the equilibrium
  :math:`(\\theta^*, 0)`.  The sign is a certificate (or a witness state); "only at the
  equilibrium" is read from the prover's zero set when its equations are linear and
  independent, else from a certificate of :math:`V \\ge \\varepsilon\\,\\|(\\theta-\\theta^*,
  v)\\|^2` for a small rational :math:`\\varepsilon`;
* **decay at rate c**: :math:`\\dot V \\le -c\\,V` for every state, where :math:`\\dot V` is the
  derivative along the flow (:meth:`Dynamics.time_derivative`); certified, or refuted with an
  exact rational witness state at which :math:`\\dot V + cV > 0`;
* **the best rate** (``best_rate=True``): a bisection on the certificate.  Every rate it reports
  as certified has its own certificate, and every rate above the bracket has an exact witness;
  the largest certifiable rate lies in ``[rate, refuted_rate]``.  When the simplest rational of
  the bracket is certified too it is taken, so a rational best rate is usually hit exactly.

Certified decay with :math:`V` positive definite gives :math:`V(t) \\le e^{-ct} V(0)`
(Grönwall).  Time-dependent damping and noise are outside this module (``t`` would otherwise be
quantified over both signs, and a noisy system needs the Itô generator).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

import sympy

from ._dynamics import TIME, Dynamics
from ._errors import InvalidArgument
from ._validation import as_dynamics
from ._inequalities import InequalityVerdict, prove_nonnegative

__all__ = ["LyapunovResult", "lyapunov"]

#: The verdicts of :class:`LyapunovResult`, as for the inequality prover.
VERDICTS = ("proved", "numerically verified", "refuted", "inconclusive")


@dataclass(frozen=True)
class LyapunovResult:
    """What :func:`lyapunov` decided.

    ``verdict`` is ``proved`` when positivity and decay at ``rate`` are both proved, ``refuted``
    when either is refuted (``counterexample``: the exact witness state), else the weaker of the
    two.  With ``best_rate``, ``rate`` is the largest certified rate found and ``refuted_rate``
    the smallest refuted one (``refutation``: its verdict, with the witness).

    Attributes
    ----------
    verdict : str
        ``proved``, ``refuted``, ``numerically verified`` or ``inconclusive``.
    function : sympy.Expr
        The candidate :math:`V` of coordinates and velocities.
    derivative : sympy.Expr
        :math:`dV/dt` along the dynamics.
    equilibrium : dict
        The equilibrium state, by name.
    positivity : InequalityVerdict
        The verdict on :math:`V > 0` away from the equilibrium.
    decay : InequalityVerdict or None
        The verdict on :math:`-dV/dt - cV \\ge 0` (None when positivity already failed).
    rate : sympy.Rational or None
        The certified rate :math:`c` (with ``best_rate``: the largest one found).
    refuted_rate : sympy.Rational or None
        With ``best_rate``: the smallest rate refuted.
    refutation : InequalityVerdict or None
        The verdict that refuted ``refuted_rate``, with its witness.
    steps : int
        Bisection steps taken with ``best_rate``.
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> r = lyapunov(Dynamics.from_text("x**2/8", "x", damping="1"), "x**2/8 + (x/2 + v_x)**2/2",
    ...              rate="1/2")
    >>> r.verdict, r.positivity.status, r.rate
    ('proved', 'proved', 1/2)
    """

    verdict: str
    function: sympy.Expr
    derivative: sympy.Expr
    equilibrium: dict
    positivity: InequalityVerdict
    decay: InequalityVerdict | None
    rate: sympy.Rational | None
    refuted_rate: sympy.Rational | None = None
    refutation: InequalityVerdict | None = None
    steps: int = 0
    notes: tuple = field(default=(), compare=False)

    @property
    def counterexample(self) -> dict | None:
        """The exact witness state of a refuted verdict, else None; ``value`` is the exact value
        there of what must be nonnegative (``V``, or ``-dV/dt - c*V``)."""
        for part in (self.positivity, self.decay):
            if part is not None and part.status == "refuted":
                return part.counterexample
        return None

    def __str__(self) -> str:
        text = f"{self.verdict}: V = {self.function}, dV/dt = {self.derivative}"
        if self.rate is not None:
            text += f"; dV/dt <= -({self.rate})*V"
        if self.refuted_rate is not None:
            text += f"; rate {self.refuted_rate} refuted"
        return text

    def to_dict(self) -> dict:
        """JSON-ready summary: ``verdict``, ``method``, ``certificate`` (positivity and decay),
        ``counterexample`` (numbers, exact values under ``exact``), the rates."""
        out = {"verdict": self.verdict, "function": str(self.function),
               "derivative": str(self.derivative),
               "equilibrium": {str(k): v for k, v in self.equilibrium.items()},
               "positivity": _part(self.positivity),
               "decay": _part(self.decay) if self.decay is not None else None,
               "rate": self.rate, "refuted_rate": self.refuted_rate,
               "bisection_steps": self.steps, "notes": list(self.notes)}
        out["method"] = "; ".join(
            f"{name}: {part.method}" for name, part in (("positivity", self.positivity),
                                                        ("decay", self.decay)) if part is not None)
        out["certificate"] = ({"positivity": out["positivity"].get("certificate"),
                               "decay": (out["decay"] or {}).get("certificate")}
                              if self.verdict == "proved" else None)
        witness = self.counterexample
        if witness is None and self.refutation is not None:
            witness = self.refutation.counterexample
        out["counterexample"] = (_part(self.refutation if self.counterexample is None
                                       else next(p for p in (self.positivity, self.decay)
                                                 if p is not None and p.status == "refuted"))
                                 ["counterexample"] if witness is not None else None)
        if self.refutation is not None:
            out["refutation"] = _part(self.refutation)
        return out


def _part(verdict: InequalityVerdict) -> dict:
    out = verdict.to_dict()
    out.pop("status", None)  # the same as 'verdict'
    return out


def _weaker(a: str, b: str) -> str:
    if "refuted" in (a, b):
        return "refuted"
    order = ("inconclusive", "numerically verified", "proved")
    return min(a, b, key=order.index)


def _rational(value, argument: str) -> sympy.Rational:
    # Text is read by Fraction (plain rational/decimal literals), never by SymPy's parser.
    try:
        if isinstance(value, sympy.Basic):
            q = value
        elif isinstance(value, bool):
            raise TypeError
        else:
            f = Fraction(value.strip() if isinstance(value, str) else value)
            q = sympy.Rational(f.numerator, f.denominator)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise InvalidArgument(argument, value, "must be a rational number",
                              "give e.g. 1/2 or 0.25") from exc
    if not (q.is_Rational and q >= 0):
        raise InvalidArgument(argument, value, "must be a nonnegative rational number",
                              "give e.g. 1/2 (an irrational rate: bound it by rationals)")
    return sympy.Rational(q)


def _number(value, argument: str) -> sympy.Rational:
    """A signed rational from a number or a literal (``-1/2``); never SymPy's parser."""
    try:
        if isinstance(value, bool):
            raise TypeError
        f = Fraction(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise InvalidArgument(argument, value, "must be a rational number",
                              "give e.g. 1, -1/2 or 0.25") from exc
    return sympy.Rational(f.numerator, f.denominator)


def _equilibrium(dynamics: Dynamics, given) -> dict:
    coords = dynamics.coordinates
    if given is not None:
        point = {}
        for k, val in dict(given).items():
            name = k.name if isinstance(k, sympy.Symbol) else str(k)
            sym = next((c for c in coords if c.name == name), None)
            if sym is None:
                raise InvalidArgument("equilibrium", given, f"names {name!r}, not a coordinate",
                                      f"use the coordinates {', '.join(c.name for c in coords)}")
            point[sym] = val if isinstance(val, sympy.Basic) else _number(val, "equilibrium")
        missing = [c.name for c in coords if c not in point]
        if missing:
            raise InvalidArgument("equilibrium", given, f"misses {', '.join(missing)}",
                                  "give every coordinate of θ*")
    else:
        try:
            solutions = sympy.solve(list(dynamics.gradient), list(coords), dict=True)
        except NotImplementedError:
            solutions = []
        solutions = [s for s in solutions
                     if len(s) == len(coords) and all(sympy.im(v) == 0 for v in s.values())]
        if len(solutions) != 1:
            raise InvalidArgument(
                "equilibrium", None,
                f"∇L = 0 has {len(solutions) or 'no'} solution(s) found in closed form",
                "give the equilibrium θ* explicitly (Python: equilibrium={'x': 0}; command "
                "line: --equilibrium x=0)")
        point = solutions[0]
    residual = [sympy.simplify(g.xreplace(point)) for g in dynamics.gradient]
    if any(r != 0 for r in residual):
        raise InvalidArgument("equilibrium", {str(k): str(v) for k, v in point.items()},
                              f"is not a critical point of the loss (∇L = {residual} there)",
                              "give θ* with ∇L(θ*) = 0")
    return {**point, **{v: sympy.Integer(0) for v in dynamics.velocities}}


def _translated(verdict: InequalityVerdict, f, eq: dict, original) -> InequalityVerdict:
    """A verdict on ``f(z* + δ)`` (decided in δ, written with the state's own symbols) read back
    at ``z``: witness ``z* + δ``, certificate terms ``l(z - z*)``, re-checked exactly."""
    if all(v == 0 for v in eq.values()):
        return verdict
    back = {s: s - v for s, v in eq.items()}
    changes: dict = {"expression": original}
    if verdict.counterexample is not None:
        ce = dict(verdict.counterexample)
        changes["counterexample"] = {k: (val + eq[next(s for s in eq if s.name == k)]
                                         if any(s.name == k for s in eq) else val)
                                     for k, val in ce.items()}
    if verdict.zero_set is not None:
        changes["zero_set"] = tuple(sympy.expand(z.xreplace(back)) for z in verdict.zero_set)
    cert = verdict.certificate
    if cert is not None and cert.get("terms"):
        terms = [(c, g, sympy.expand(sympy.sympify(lin).xreplace(back)))
                 for c, g, lin in cert["terms"]]
        if any(g != 1 for _, g, _ in terms) or not _check(f, {**cert, "terms": terms}):
            return verdict  # keep the certificate in shifted coordinates rather than guess
        changes["certificate"] = {**cert, "terms": terms,
                                  "identity": str(cert.get("identity", "")) + " (in the state "
                                  "itself; decided relative to the equilibrium)"}
    return replace(verdict, **changes)


def _check(f, cert) -> bool:
    from ._inequalities import check_certificate

    return check_certificate(sympy.expand(f), cert)


def _decide_shifted(f, state, eq, assume, options, original=None) -> InequalityVerdict:
    """``f >= 0`` decided in deviations from the equilibrium: a quadratic Lyapunov problem
    then becomes a quadratic *form*, decided exactly by LDLᵀ instead of by an SDP."""
    shift = {s: s + eq[s] for s in state}
    g = sympy.expand(f.xreplace(shift)) if any(v != 0 for v in eq.values()) else f
    verdict = prove_nonnegative(g, assume=assume, variables=state, **options)
    return _translated(verdict, f, eq, f if original is None else original)


def _positivity(V, state, eq, assume, options, notes) -> InequalityVerdict:
    at_eq = sympy.simplify(V.xreplace(eq))
    base = _decide_shifted(V, state, eq, assume, options)
    if base.status != "proved":
        return base
    if at_eq != 0:
        notes.append(f"V at the equilibrium is {at_eq}, not 0")
        return replace(base, status="inconclusive",
                       reason=f"V >= 0 proved, but V(equilibrium) = {at_eq} is not 0")
    # V >= 0 and V(eq) = 0; now 'V = 0 only at the equilibrium'.
    zero = base.zero_set
    if zero is not None and all(sympy.Poly(z, *state).total_degree() <= 1 for z in zero):
        jac = sympy.Matrix([[sympy.diff(z, s) for s in state] for z in zero]) if zero else \
            sympy.zeros(0, len(state))
        if jac.rank() == len(state):
            notes.append("V = 0 only at the equilibrium: the zero set's linear equations "
                         f"{[str(z) for z in zero]} are independent")
            return replace(base, method=base.method + "; zero set: the equilibrium only")
    distance = sum((s - eq[s]) ** 2 for s in state)
    for k in (2, 4, 8):
        eps = sympy.Rational(1, 10 ** k)
        coercive = _decide_shifted(sympy.expand(V - eps * distance), state, eq, assume,
                                   options)
        if coercive.status == "proved":
            notes.append(f"V >= {eps}*|state - equilibrium|^2 proved, so V > 0 away from it")
            return replace(coercive, method=coercive.method + f"; V >= {eps}*|z - z*|^2")
    notes.append("V >= 0 proved; that V vanishes only at the equilibrium was not decided")
    return replace(base, status="inconclusive",
                   reason="V >= 0 proved; V = 0 away from the equilibrium not excluded")


def lyapunov(dynamics: Dynamics, function, *, rate=None, best_rate: bool = False,
             equilibrium=None, assume=None, tolerance=Fraction(1, 1000),
             max_rate=Fraction(1024), **options) -> LyapunovResult:
    r"""Decide that ``function`` is a Lyapunov function of ``dynamics`` with exponential rate.

    Parameters
    ----------
    dynamics : Dynamics
        A deterministic system with constant damping (no noise, no ``t``).
    function : sympy.Expr or str
        The candidate :math:`V`, in the coordinates, velocities ``v_<name>`` and parameters
        (text goes through the restricted parser, with the system's symbols).
    rate : rational, optional
        Decide :math:`\dot V \le -c\,V` for this ``c`` (default 0: :math:`\dot V \le 0`).
    best_rate : bool
        Bisect for the largest certifiable ``c`` instead (``rate`` must then be omitted).
    equilibrium : mapping, optional
        :math:`\theta^*` (coordinate name → value); by default the unique solution of
        :math:`\nabla L = 0`, when SymPy finds it in closed form.
    assume : relationals, optional
        Assumptions on the parameters (``mu >= 0``), passed to the prover.
    tolerance : rational
        Bisection stops when ``refuted_rate - rate <= tolerance * refuted_rate``.
    max_rate : rational
        A certified rate this large ends the search (reported as a lower bound).
    **options
        Passed to :func:`prove_nonnegative` (``seed``, ``use_sos``, ``use_z3``, ...).

    Returns
    -------
    LyapunovResult

    Examples
    --------
    The heavy-ball ODE with damping :math:`2\sqrt\mu`, :math:`\mu = 1/4`:

    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/8", "x", damping="1")
    >>> V = "x**2/8 + (x/2 + v_x)**2/2"
    >>> lyapunov(dyn, V, rate="1/2").verdict
    'proved'
    >>> r = lyapunov(dyn, V, rate="11/20")
    >>> r.verdict, r.counterexample["value"] < 0  # -dV/dt - c V at the witness state
    ('refuted', True)
    >>> lyapunov(dyn, V, best_rate=True).rate
    1/2
    """
    as_dynamics(dynamics)
    if dynamics.is_noisy:
        raise InvalidArgument("dynamics", dynamics, "has noise",
                              "a noisy system needs the Itô generator (ito_differential); "
                              "lyapunov decides deterministic flows")
    if isinstance(function, str):  # through the restricted parser only
        from ._expressions import parse_expression

        known = {s.name: s for s in [*dynamics.coordinates, *dynamics.velocities,
                                     *dynamics.parameters]}
        function = parse_expression(function, argument="function", symbols=known,
                                    allowed_names=known)
    if not isinstance(function, sympy.Expr):
        raise InvalidArgument("function", function, "must be a sympy expression",
                              "parse text with parse_expression")
    state = [*dynamics.coordinates, *dynamics.velocities]
    derivative = sympy.expand(dynamics.time_derivative(function))
    if TIME in function.free_symbols or TIME in derivative.free_symbols:
        raise InvalidArgument("damping", dynamics.damping, "depends on t (or V does)",
                              "lyapunov decides autonomous systems: constant damping, V(θ, v)")
    if dynamics.is_abstract:
        raise InvalidArgument("loss", dynamics.loss, "is abstract",
                              "give an explicit loss (a certificate needs its formula)")
    if best_rate and rate is not None:
        raise InvalidArgument("rate", rate, "is given together with best_rate",
                              "give one of rate and best_rate")
    tol = _rational(tolerance, "tolerance")
    top = _rational(max_rate, "max_rate")
    if not 0 < tol < 1:
        raise InvalidArgument("tolerance", tolerance, "must lie in (0, 1)", "e.g. 1/1000")
    eq = _equilibrium(dynamics, equilibrium)
    V = sympy.expand(function)
    notes: list[str] = []
    positivity = _positivity(V, state, eq, assume, options, notes)

    def decay_at(c):
        # -dV/dt - c V >= 0 is 'dV/dt <= -c V'; the relation is restated for the reader.
        f = sympy.expand(-derivative - c * V)
        verdict = _decide_shifted(f, state, eq, assume, options)
        if verdict.status == "refuted":  # the witness, re-evaluated on the untouched f
            point = {s: verdict.counterexample[s.name] for s in state
                     if s.name in verdict.counterexample}
            value = f.xreplace(point)
            if not (value.is_Rational and value < 0):
                return replace(verdict, status="inconclusive", counterexample=None,
                               reason=f"a witness did not re-check exactly ({value})")
        return replace(verdict, relation=f"dV/dt <= -({c})*V", expression=f)

    if not best_rate:
        c = _rational(rate if rate is not None else 0, "rate")
        decay = decay_at(c)
        verdict = _weaker(positivity.status, decay.status)
        return LyapunovResult(verdict, V, derivative, eq, positivity, decay, c,
                              notes=tuple(notes))

    lo, decay = sympy.Integer(0), decay_at(sympy.Integer(0))
    steps = 1
    if decay.status != "proved":
        verdict = _weaker(positivity.status, decay.status)
        notes.append("dV/dt <= 0 is not proved: no rate to bisect for")
        return LyapunovResult(verdict, V, derivative, eq, positivity, decay, None, steps=steps,
                              notes=tuple(notes))
    hi, refutation = sympy.Integer(1), None
    while True:  # bracket: double until a rate is refuted
        trial = decay_at(hi)
        steps += 1
        if trial.status == "proved":
            lo, decay = hi, trial
            if hi >= top:
                notes.append(f"rate {hi} certified; the search stops at max_rate")
                hi = None
                break
            hi *= 2
        elif trial.status == "refuted":
            refutation = trial
            break
        else:
            notes.append(f"rate {hi}: {trial.status}; the bracket ends there unrefuted")
            break
    while hi is not None and refutation is not None and hi - lo > tol * hi:
        mid = _simplest_between(lo, hi)
        trial = decay_at(mid)
        steps += 1
        if trial.status == "proved":
            lo, decay = mid, trial
            # A simple rational is often the best rate itself: refuting just above it closes
            # the bracket at once (and keeps the refuted rate readable).
            above = mid * (1 + tol)
            if above < hi:
                probe = decay_at(above)
                steps += 1
                if probe.status == "refuted":
                    hi, refutation = above, probe
        elif trial.status == "refuted":
            hi, refutation = mid, trial
        else:
            notes.append(f"rate {mid}: {trial.status}; bisection stopped")
            break
    verdict = _weaker(positivity.status, decay.status)
    if refutation is not None:
        notes.append(f"largest certifiable rate in [{lo}, {hi}]")
    return LyapunovResult(verdict, V, derivative, eq, positivity, decay, lo,
                          refuted_rate=hi if refutation is not None else None,
                          refutation=refutation, steps=steps, notes=tuple(notes))


def _simplest_between(lo, hi) -> sympy.Rational:
    """The rational with the smallest denominator strictly inside ``(lo, hi)`` when it lies in
    the middle half (a rational best rate is then hit exactly), else the midpoint."""
    a, b = Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))
    quarter = (b - a) / 4
    for q in range(1, 1 + 64):
        p = (a * q).__floor__() + 1
        cand = Fraction(p, q)
        if a + quarter <= cand <= b - quarter:
            return sympy.Rational(cand.numerator, cand.denominator)
    mid = (a + b) / 2
    return sympy.Rational(mid.numerator, mid.denominator)
