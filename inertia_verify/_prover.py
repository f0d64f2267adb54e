"""Zero-equivalence prover with certificates.

Every check in the toolkit reduces to "is this expression identically zero?".  :func:`prove_zero`
answers with a :class:`Verdict` that says *how* it knows: an exact SymPy route that reduced the
expression to 0 ("proved"), an exact rational point where it is nonzero or a confirmed
high-precision evaluation ("refuted"), or agreement with 0 at random high-precision points
("numerically verified", which is evidence, never proof).

Abstract functions are handled through their jets: at a point, the values of a C^k function and of
its partial derivatives up to order k are arbitrary and independent, so an expression built from
``L(x, y)``, ``Derivative(L(x, y), x)``, ... vanishes for every function iff it vanishes as a
function of those values.  Each such node is therefore replaced by a fresh symbol first.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import mpmath
import sympy
from sympy import Derivative, Dummy, Expr, Float, Rational, Subs, latex
from sympy.core.function import AppliedUndef
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction
from sympy.matrices import MatrixBase

from inertia_verify._errors import InvalidArgument

__all__ = ["Verdict", "prove_zero", "prove_equal"]

_STATUSES = ("refuted", "numerically verified", "proved")  # weakest first
_SHOWN = 6  # coordinates of a counterexample shown by str()/LaTeX; the dict keeps them all


@dataclass(frozen=True)
class Verdict:
    """The outcome of a zero test, with enough detail to re-check it.

    ``counterexample`` maps names (``"x"``, ``"Derivative(L(x, y), x)"``) to values plus the key
    ``"value"`` for the nonzero value (and ``"entry"`` for a matrix); ``subs`` holds the same point
    as ``{sympy node: exact number}``, ready for ``verdict.expression.xreplace(verdict.subs)``.
    """

    status: str
    method: str
    expression: sympy.Basic
    residual: sympy.Basic | None = None
    points: int = 0
    digits: int = 0
    max_residual: float | None = None
    counterexample: dict | None = None
    subs: dict | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.status not in _STATUSES:
            raise ValueError(f"unknown verdict status {self.status!r}")

    @property
    def proved(self) -> bool:
        return self.status == "proved"

    @property
    def holds(self) -> bool:
        return self.status != "refuted"

    @property
    def refuted(self) -> bool:
        return self.status == "refuted"

    def _where(self) -> tuple[str, list[tuple[str, object]], object]:
        ce = dict(self.counterexample or {})
        value = ce.pop("value", None)
        entry = ce.pop("entry", None)
        return (f"entry {entry} " if entry is not None else ""), list(ce.items()), value

    def __str__(self) -> str:
        if self.proved:
            return f"proved ({self.method})"
        if self.holds:
            worst = "0" if not self.max_residual else f"{self.max_residual:.0e}"
            how = (f"{self.points} random points at {self.digits} digits" if "random" in self.method
                   else f"evaluated at {self.digits} digits")
            return f"numerically verified: {how}, largest residual {worst}"
        entry, items, value = self._where()
        shown = ", ".join(f"{k}={v}" for k, v in items[:_SHOWN])
        if len(items) > _SHOWN:
            shown += f", ... ({len(items)} coordinates in .counterexample)"
        at = f"at {shown} " if items else ""
        return f"refuted: {entry}{at}the expression equals {value}"

    def _repr_latex_(self) -> str:
        tex = latex(self.expression)
        if self.proved:
            return rf"$\text{{{_text(str(self))}}}: \; {tex} \equiv 0$"
        if self.holds:
            return rf"$\text{{{_text(str(self))}}}: \; {tex} \approx 0$"
        entry, items, value = self._where()
        nodes = {str(node): latex(node) for node in (self.subs or {})}
        at = r", \; ".join(f"{nodes.get(k, _text(k))} = {_tex_value(v)}" for k, v in items[:_SHOWN])
        at += r", \; \ldots" if len(items) > _SHOWN else ""
        at = rf" \text{{ at }} {at}" if at else ""
        label = _text(f"refuted {entry}".strip())
        return (rf"$\text{{{label}}}: \; {tex} \neq 0{at}"
                rf" \text{{ (value }} {_tex_value(value)} \text{{)}}$")

    def to_dict(self) -> dict:
        """JSON-serialisable summary (sympy objects become strings)."""
        ce = self.counterexample
        return {"status": self.status, "method": self.method,
                "expression": str(self.expression),
                "residual": None if self.residual is None else str(self.residual),
                "points": self.points, "digits": self.digits,
                "max_residual": None if self.max_residual is None else float(self.max_residual),
                "counterexample": None if ce is None else {k: str(v) for k, v in ce.items()}}


def _text(s: str) -> str:
    """Escape characters that LaTeX's \\text{} would choke on (method names contain ``_``)."""
    for ch in "\\{}_%#&$^":
        s = s.replace(ch, "\\" + ch)
    return s


def _tex_value(v) -> str:
    if isinstance(v, sympy.Basic):
        return latex(v)
    try:  # our own mpmath number strings, not user text
        return latex(Float(str(v)))
    except (ValueError, TypeError, SyntaxError):
        return rf"\text{{{_text(str(v))}}}"


# --------------------------------------------------------------------------- input handling

def _as_expr(value, argument: str) -> sympy.Basic:
    if isinstance(value, str):
        raise InvalidArgument(argument, value, "is a string; prove_zero never parses text",
                              "parse it first with inertia_verify._expressions.parse_expression")
    if isinstance(value, MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, sympy.Basic):
        if isinstance(value, Expr):
            return value
        raise InvalidArgument(argument, value, f"is a {type(value).__name__}, not an expression",
                              "pass lhs - rhs, or use prove_equal(lhs, rhs)")
    if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
        return sympy.sympify(value)  # a Python number, never text
    raise InvalidArgument(argument, value, "must be a sympy expression, Matrix or number")


def _check_options(digits, points, seed, domain, max_exact_ops) -> tuple[float, float]:
    for name, v, low in (("digits", digits, 15), ("points", points, 1),
                         ("max_exact_ops", max_exact_ops, 0)):
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise InvalidArgument(name, v, f"must be an integer >= {low}")
    if not isinstance(seed, int):
        raise InvalidArgument("seed", seed, "must be an integer")
    try:
        a, b = (float(d) for d in domain)
    except (TypeError, ValueError):
        raise InvalidArgument("domain", domain, "must be a pair of numbers (low, high)") from None
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise InvalidArgument("domain", domain, "must be finite with low < high")
    return a, b


# --------------------------------------------------------------------------- jet variables

_BOUND: list[Dummy] = []  # canonical bound variables for Subs, so equal Subs compare equal


def _bound(i: int) -> Dummy:
    while len(_BOUND) <= i:
        _BOUND.append(Dummy(f"xi{len(_BOUND)}"))
    return _BOUND[i]


def _canonical(e):
    """Spell derivatives and Subs of undefined functions one way only, so that equal jet values
    get the same symbol.  ``doit`` sorts mixed partials (Schwarz: equal for C^k functions) and
    evaluates derivatives of known expressions."""
    if e.has(Derivative):
        e = e.replace(lambda n: isinstance(n, Derivative), lambda n: n.doit(deep=False))
    if e.has(Subs):
        def canon_subs(s):
            if not s.expr.has(AppliedUndef):
                return s.doit()
            new = [_bound(i) for i in range(len(s.variables))]
            return Subs(s.expr.xreplace(dict(zip(s.variables, new))), new, s.point)
        e = e.replace(lambda n: isinstance(n, Subs), canon_subs)
    if e.has(AppliedUndef):  # L((x+1)**2) and L(x**2+2*x+1) are the same value
        e = e.replace(lambda n: isinstance(n, AppliedUndef) and not all(a.is_Atom for a in n.args),
                      lambda n: n.func(*[sympy.expand(a) for a in n.args]))
    return e


def _is_jet(n) -> bool:
    """L(x, y), Derivative(L(x, y), ...), or such a node evaluated at a point (Subs).  Not
    Derivative(x**2*L(x), x): that is a combination of jets, which _canonical spells out."""
    if isinstance(n, AppliedUndef):
        return True
    if isinstance(n, Derivative):
        return isinstance(n.expr, AppliedUndef)
    return isinstance(n, Subs) and _is_jet(n.expr)


def _replace_jets(expr):
    """Return (expr with jets replaced by Dummies, {dummy: canonical node} for the dummies that
    survive, {dummy: every spelling of that jet in expr})."""
    if not expr.has(AppliedUndef):
        return expr, {}, {}
    e = _canonical(expr)
    dummies: dict = {}  # canonical node -> Dummy
    spellings: dict = {}  # Dummy -> every spelling, so that xreplace(subs) works on the input
    for n in sympy.preorder_traversal(expr):
        c = _canonical(n) if isinstance(n, (AppliedUndef, Derivative, Subs)) else None
        if c is not None and _is_jet(c):
            d = dummies.setdefault(c, Dummy("jet"))
            spellings.setdefault(d, set()).add(n)
    for n in sympy.preorder_traversal(e):  # jets created by canonicalising, e.g. by doit()
        if _is_jet(n) and n not in dummies:
            dummies[n] = Dummy("jet")
            spellings[dummies[n]] = {n}
    e = e.xreplace(dummies)  # xreplace matches the largest node first: Derivative before L(x, y)
    jets = {d: n for n, d in dummies.items() if d in e.free_symbols}
    return e, jets, spellings


# --------------------------------------------------------------------------- exact routes

_TRIG_OPS = 400


def _exact_routes(e, max_ops):
    """Yield (method, thunk) cheapest first; costly routes only for small expressions."""
    yield "expand", lambda: sympy.expand(e, deep=True)
    if sympy.count_ops(e) > max_ops:
        return
    if any(p.exp.is_negative for p in e.atoms(sympy.Pow)):
        yield "cancel", lambda: sympy.cancel(e)
        yield "together", lambda: sympy.expand(sympy.fraction(sympy.together(e))[0])
    # trigsimp's search can take minutes on a few hundred operations; numerics decide beyond.
    if e.has(TrigonometricFunction, HyperbolicFunction) and sympy.count_ops(e) <= _TRIG_OPS:
        yield "trigsimp", lambda: sympy.trigsimp(e)
        yield "expand_trig", lambda: sympy.expand(sympy.expand_trig(e))
        yield "rewrite(exp)", lambda: sympy.cancel(sympy.expand(e.rewrite(sympy.exp)))
    if e.has(sympy.exp, sympy.log) or any(not p.exp.is_Number for p in e.atoms(sympy.Pow)):
        yield "powsimp", lambda: sympy.expand(sympy.powsimp(e))
        yield "expand_log", lambda: sympy.expand(sympy.expand_log(e, force=False))


def _is_rational_over_q(r, syms) -> bool:
    """True when exact evaluation at a rational point gives an exact rational."""
    if r.atoms(sympy.Function, sympy.NumberSymbol, sympy.core.numbers.ImaginaryUnit):
        return False  # sin(1), pi, I: not rational numbers even with no symbols at all
    if any(not p.exp.is_Integer for p in r.atoms(sympy.Pow)):
        return False  # sqrt(2), x**y
    return all(a.is_Rational or a in syms for a in r.atoms()) and r.is_rational_function(*syms)


# --------------------------------------------------------------------------- numeric evaluation

def _mp(v):
    """A sympy Rational/Float or a decimal string as an mpmath number at the working precision."""
    if isinstance(v, Rational):
        return mpmath.mpf(v.p) / v.q
    return mpmath.mpf(v._mpf_ if isinstance(v, Float) else v)


class _Evaluator:
    """Evaluates the top-level terms separately so cancellation can be judged relatively."""

    def __init__(self, e, syms):
        self.syms, self.terms = syms, list(e.args) if e.is_Add else [e]
        self.complex_ok = e.has(sympy.I)
        try:
            self.fn = sympy.lambdify(syms, self.terms, modules="mpmath")
        except Exception:  # some printers cannot translate exotic nodes; evalf copes
            self.fn = None

    def _evalf(self, values, dps):
        subs = dict(zip(self.syms, values))
        out = []
        for t in self.terms:
            re, im = (Float(part, dps) for part in t.evalf(n=dps, subs=subs).as_real_imag())
            if not (re.is_finite and im.is_finite):
                raise ZeroDivisionError
            out.append(mpmath.mpc(re._mpf_, im._mpf_) if im else mpmath.mpf(re._mpf_))
        return out

    def __call__(self, values, dps, tol):
        """(value, scale) at the point, or None for a pole, NaN or a non-real value."""
        with mpmath.workdps(dps):
            args = [_mp(v) for v in values]
            try:
                try:
                    raw = self.fn(*args) if self.fn else self._evalf(values, dps)
                except NameError:  # a function mpmath does not know: fall back for good
                    self.fn = None
                    raw = self._evalf(values, dps)
                terms = [mpmath.mpmathify(t) for t in raw]
            except (ArithmeticError, ValueError, TypeError):
                return None
            if any(mpmath.isnan(t) or mpmath.isinf(t) for t in terms):
                return None
            value = mpmath.fsum(terms)
            scale = max([mpmath.mpf(1)] + [abs(t) for t in terms])
            if isinstance(value, mpmath.mpc):
                if abs(value.imag) > tol * scale and not self.complex_ok:
                    return None  # off the real domain, possibly across a branch cut
                value = value if self.complex_ok else value.real
            return value, scale


def _draw(sym, rng, domain, exact: bool):
    """A random value respecting sign/integer assumptions: a 15-digit decimal string, or a small
    rational p/q (q <= 11) when exact."""
    sign = -1 if sym.is_nonpositive else 1
    a, b = domain
    if sym.is_integer:
        return Rational(sign * rng.randint(1, 12))
    if not exact:
        return ("-" if sign < 0 else "") + format(a + (b - a) * rng.random(), ".15g")
    for _ in range(50):
        q = rng.randint(1, 11)
        lo, hi = math.ceil(a * q), math.floor(b * q)
        if lo <= hi:
            return Rational(sign * rng.randint(lo, hi), q)
    return Rational(sign * round((a + b) / 2))


# --------------------------------------------------------------------------- prover

def prove_zero(expr, *, digits: int = 50, points: int = 8, seed: int = 0,
               domain: tuple[float, float] = (0.25, 1.75), max_exact_ops: int = 2000) -> Verdict:
    """Decide whether ``expr`` is identically zero, with a certificate.

    Abstract functions and their derivatives are first replaced by independent symbols (jet
    variables, see the module docstring).  Then, cheapest first: ``== 0`` (and ``is_zero`` for
    constants, exact for algebraic numbers), ``expand``
    (always; it is linear-ish for polynomials, so models with hundreds of coordinates stay fast),
    and, only while ``count_ops(expr) <= max_exact_ops``, ``cancel``/``together`` for rational
    functions, ``trigsimp``/``expand_trig``/``rewrite(exp)`` for trig and hyperbolic functions and
    ``powsimp``/``expand_log`` for powers, ``exp`` and ``log``.  Only an exact 0 is "proved";
    ``simplify`` is never called.

    If a route yields a nonzero rational function with rational coefficients, a rational point
    where it is nonzero refutes exactly.  Otherwise the expression is evaluated with mpmath at
    ``points`` random points, each coordinate uniform in ``domain``, at ``digits`` digits.  A box
    of positive reals suffices: an analytic function that vanishes on an open set vanishes on its
    whole connected domain (identity theorem), and positive points stay clear of the branch cuts
    of ``sqrt`` and ``log``.  A point passes when ``|value| <= 10**(10 - digits) * scale`` with
    ``scale = max(1, largest |term| of the top-level sum)``, so cancellation of big terms is
    judged relatively; a failing point is re-evaluated at ``2*digits`` before refuting.  Points
    at poles or where the value is not real (unless the expression contains ``I``) are redrawn;
    if no point of the box gives a real value, complex values are compared instead.

    Non-analytic pieces (``Abs``, ``sign``, ``Heaviside``, ``Piecewise``) defeat the identity
    theorem: for them "numerically verified" only speaks for the box (``Abs(x) - x`` passes on
    positive points), so choose ``domain`` accordingly.

    Parameters
    ----------
    expr : sympy expression, Matrix or number
        Never a string (parse text with ``inertia_verify._expressions.parse_expression``).  A
        matrix is proved entrywise; its status is the weakest over the entries.
    digits : int
        Working precision (>= 15).
    points : int
        Number of random points for the numeric fallback (>= 1).
    seed : int
        Seed of the random points, so verdicts are reproducible.
    domain : (float, float)
        Box for the random points (negated for symbols declared nonpositive).
    max_exact_ops : int
        Above this ``count_ops`` only ``expand`` is tried before numerics.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from sympy import symbols, sin, cos, sqrt, atan, pi, Function, Derivative
    >>> x, y, vx, vy = symbols("x y vx vy")
    >>> print(prove_zero((x + y)**2 - x**2 - 2*x*y - y**2))
    proved (expand)
    >>> print(prove_zero(sin(x)**2 + cos(x)**2 - 1))
    proved (trigsimp)
    >>> v = prove_zero(x**2 - x)
    >>> print(v)
    refuted: at x=8/7 the expression equals 8/49
    >>> v.counterexample
    {'x': 8/7, 'value': 8/49}
    >>> print(prove_zero(atan(x) + atan(1/x) - pi/2))
    numerically verified: 8 random points at 50 digits, largest residual ...

    Abstract functions: the chain rule along a path, with the partials as independent jets.

    >>> t = symbols("t")
    >>> X, Y, L = Function("X")(t), Function("Y")(t), Function("L")
    >>> lhs = (L(X, Y)**2).diff(t)
    >>> rhs = 2*L(X, Y)*(Derivative(L(X, Y), X)*X.diff(t) + Derivative(L(X, Y), Y)*Y.diff(t))
    >>> print(prove_zero(lhs - rhs))
    proved (expand)
    >>> v = prove_zero(lhs - rhs + X.diff(t)**2 / 10**20)
    >>> v.status, v.counterexample["value"]
    ('refuted', 1/76562500000000000000)
    """
    a, b = _check_options(digits, points, seed, domain, max_exact_ops)
    expr = _as_expr(expr, "expr")
    if isinstance(expr, MatrixBase):
        entries = [((i, j), _prove_scalar(expr[i, j], digits, points, seed, (a, b), max_exact_ops))
                   for i in range(expr.rows) for j in range(expr.cols)]
        return _combine(expr, entries)
    return _prove_scalar(expr, digits, points, seed, (a, b), max_exact_ops)


def prove_equal(lhs, rhs, **kw) -> Verdict:
    """``prove_zero(lhs - rhs, **kw)``; the verdict's expression is ``lhs - rhs``.

    Examples
    --------
    >>> from sympy import symbols, exp
    >>> x, y = symbols("x y")
    >>> print(prove_equal(exp(x + y), exp(x) * exp(y)))
    proved (expand)
    """
    lhs, rhs = _as_expr(lhs, "lhs"), _as_expr(rhs, "rhs")
    if isinstance(lhs, MatrixBase) != isinstance(rhs, MatrixBase) or (
            isinstance(lhs, MatrixBase) and lhs.shape != rhs.shape):
        raise InvalidArgument("rhs", rhs, "must have the same shape as lhs")
    return prove_zero(lhs - rhs, **kw)


def _combine(matrix, entries) -> Verdict:
    weakest = min(entries, key=lambda item: _STATUSES.index(item[1].status))
    status = weakest[1].status
    kw = dict(points=max(v.points for _, v in entries), digits=max(v.digits for _, v in entries),
              residual=sympy.ImmutableMatrix(matrix.rows, matrix.cols,
                                             [v.residual for _, v in entries]))
    if status == "refuted":
        (i, j), v = weakest
        return Verdict(status, f"entry ({i}, {j}): {v.method}", matrix,
                       counterexample={"entry": (i, j), **v.counterexample}, subs=v.subs, **kw)
    methods = list(dict.fromkeys(v.method for _, v in entries))
    numeric = [v.max_residual for _, v in entries if v.max_residual is not None]
    return Verdict(status, "entrywise: " + "; ".join(methods), matrix,
                   max_residual=max(numeric) if numeric else None, **kw)


def _prove_scalar(expr, digits, points, seed, domain, max_ops) -> Verdict:
    e, jets, spellings = _replace_jets(expr)
    back = (lambda r: r.xreplace(jets)) if jets else (lambda r: r)
    if e == 0:
        return Verdict("proved", "trivial", expr, residual=sympy.S.Zero)
    # The assumptions system is exact (minimal polynomials for algebraic numbers) but walks the
    # whole tree, which is slow for big symbolic sums; expand decides those anyway.
    if e.is_number and e.is_zero is True:
        return Verdict("proved", "is_zero", expr, residual=sympy.S.Zero)

    candidates = []
    syms: list = []
    names: list = []
    rng = random.Random(seed)
    tol = mpmath.mpf(10) ** (10 - digits)
    residual = e

    def refute(method, values, value, **kw):
        ce = dict(zip(names, values))
        ce["value"] = value
        # Jets that cancelled (Derivative(L, x, y) - Derivative(L, y, x)) get a don't-care 1, so
        # that xreplace(subs) leaves no symbol behind.
        point = {**{d: 1 for d in spellings}, **dict(zip(syms, values))}
        subs = {n: Rational(v) for s, v in point.items() for n in spellings.get(s, {s})}
        return Verdict("refuted", method, expr, residual=back(residual), digits=digits,
                       counterexample=ce, subs=subs, **kw)

    def sample(needed):
        """A refuting Verdict, or (points passed, points redrawn, largest |value|)."""
        needed, passed, skipped, worst = (needed if syms else 1), 0, 0, mpmath.mpf(0)
        for _ in range(20 * needed + 20):
            if passed == needed:
                break
            values = [_draw(s, rng, domain, exact=False) for s in syms]
            got = evaluate(values, digits, tol)
            if got is not None and abs(got[0]) > tol * got[1]:
                got = evaluate(values, 2 * digits, tol)  # rule out loss of precision
                if got is not None and abs(got[0]) > tol * got[1]:
                    with mpmath.workdps(2 * digits):
                        value = mpmath.nstr(got[0], 15)
                    how = f"mpmath at a random point, {digits} digits, confirmed at {2 * digits}"
                    return refute(how, values, value, points=passed + 1)
            if got is None:
                skipped += 1
                continue
            passed, worst = passed + 1, max(worst, abs(got[0]))
        return passed, skipped, worst

    routes = _exact_routes(e, max_ops)
    _, cheapest = next(routes)  # expand: affordable at any size
    residual = cheapest()
    if residual == 0:
        return Verdict("proved", "expand", expr, residual=sympy.S.Zero)
    candidates.append(residual)
    # Symbols the reduced form still depends on come first, so a shortened display shows them.
    syms = sorted(e.free_symbols, key=lambda s: (s not in residual.free_symbols,
                                                  sympy.default_sort_key(jets.get(s, s))))
    names = [str(jets.get(s, s)) for s in syms]
    evaluate = _Evaluator(e, syms)
    if _is_rational_over_q(residual, set(syms)):
        if any(p.exp.is_negative for p in residual.atoms(sympy.Pow)):
            # A rational function: cancel decides it exactly (zero iff the numerator is).
            for method in ("cancel", "together"):
                r = sympy.cancel(residual) if method == "cancel" else \
                    sympy.expand(sympy.fraction(sympy.together(residual))[0])
                if r == 0:
                    return Verdict("proved", method, expr, residual=sympy.S.Zero)
                candidates.append(r)
    else:
        # Not a polynomial identity.  Before costly rewrites (trigsimp can take minutes on a
        # mid-sized expression), look for a witness: a refutation needs only one point.
        probe = sample(1)
        if isinstance(probe, Verdict):
            return probe
        for method, route in routes:
            try:
                r = route()
            except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
                continue  # a route that cannot handle this expression simply proves nothing
            if r == 0:
                return Verdict("proved", method, expr, residual=sympy.S.Zero)
            candidates.append(r)
        residual = min(candidates, key=sympy.count_ops)

    # Exact refutation: the reduced form is an identity-preserving rewrite, so a nonzero exact
    # value there is a nonzero value of expr; a numeric cross-check guards the rewrite anyway.
    # A bare nonzero number (a Float included) is its own exact value.
    exact = next((r for r in candidates if (r.is_Number and r.is_finite)
                  or _is_rational_over_q(r, set(syms))), None)
    for _ in range(40 if exact is not None else 0):
        values = [_draw(s, rng, domain, exact=True) for s in syms]
        value = exact.xreplace(dict(zip(syms, values)))
        if not (value.is_Rational or exact.is_Number) or value == 0:
            continue
        check = evaluate(values, digits, tol)
        if check is None:
            continue  # a removable singularity of the original: try another point
        with mpmath.workdps(digits):
            if abs(check[0] - _mp(value)) > tol * check[1]:
                break  # the rewrite disagrees with the original; trust only numerics
        how = "exact evaluation at a rational point" if syms else "exact value"
        return refute(how, values, value, points=1)

    # Numeric route.
    outcome, note = sample(points), ""
    if not isinstance(outcome, Verdict) and outcome[0] == 0 and not evaluate.complex_ok:
        # Not real anywhere on the box (sqrt(x - 5) on [0.25, 1.75]): compare complex values.
        evaluate.complex_ok, note = True, ", complex values (not real on the box)"
        outcome = sample(points)
    if isinstance(outcome, Verdict):
        return outcome
    passed, skipped, worst = outcome
    if passed == 0:
        raise InvalidArgument("domain", domain, "the expression cannot be evaluated (pole or "
                              "NaN) at any point tried", "choose another domain")
    where = f"{passed} random points in [{domain[0]:g}, {domain[1]:g}]" if syms else "evaluation"
    if skipped:
        note += f" ({skipped} points at poles or off the real domain redrawn)"
    return Verdict("numerically verified",
                   f"mpmath: {where} at {digits} digits, tolerance 1e-{digits - 10} relative{note}",
                   expr, residual=back(residual), points=passed, digits=digits,
                   max_residual=float(worst))
