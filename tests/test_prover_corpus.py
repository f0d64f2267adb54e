"""Soundness of the zero prover against an independent corpus (issue 10, section 1).

Two kinds of test, kept apart so that a failure says whose mistake it is:

* ``test_corpus_truth[...]`` checks the *corpus*: the truth of every case is re-established here by
  this file's own high-precision evaluator, without the prover.  A failure there is a wrong case.
* ``test_prover_is_sound[...]`` checks the *prover*: no "nonzero" case is proved or numerically
  verified, no "zero" case is refuted, and every refutation is re-checked by substituting its point
  into the original expression.  ``test_prover_proves_easy_identities[...]`` keeps the prover
  useful.  A failure there is a prover defect; its message gives the verdict and the independent
  evaluation.

The independent evaluator
-------------------------
Points: every coordinate runs over its declared domain (both signs unless the assumptions give
one, zero when allowed, magnitudes 1/1024 to 1000; integers up to 10**6 with both signs), all sign
patterns of several coordinates, and points on and on both sides (offsets 2**-30 and 1/16) of the
breakpoints of Abs/sign/Heaviside/Max/Min/Piecewise/floor/ceiling/Mod and the branch points of
sqrt/log/fractional powers/asin/acos/atan2, where these solve a polynomial of degree <= 2 in one
coordinate.  Abstract functions are replaced by several concrete smooth ones.

Values: a point is first substituted exactly (SymPy arithmetic on rationals); when that gives a
rational number, that number is the value.  Otherwise :func:`evaluate` walks the expression tree
with mpmath and returns the value together with a *round-off scale*: an upper estimate of the
error in units of the working precision, propagated through sums (sum of the terms' scales),
products (product of the scales), powers (relative error times the exponent) and functions (their
own rounding plus the argument's scale times a bound on the slope).  Evaluation at ``d`` digits
then has an error far below ``scale * 10**-(d - 20)``.

* A "zero" case passes at a point if the value is below ``scale * 1e-100`` at 120 digits: that is
  round-off, and far stronger than the 1e-40 relative floor the issue asks for.  An exact
  nonzero constant factor such as ``exp(-200)`` is *not* absorbed (1e-87 >> 1e-100 * scale).
* A "nonzero" case passes if the value at the witness is a nonzero rational, or if it stands at
  least 20 digits above the round-off level (precision doubled from 60 digits until it does, up
  to 4000) and agrees with an evaluation at 40 more digits.

Points where the expression is undefined (division by zero, a pole, log(0), ``atan2(0, 0)``, a
comparison of non-real numbers) are skipped and counted; a zero case needs at least 10 usable
points.  Non-real values are not skipped: the statement concerns the expression's (principal)
value, see the conventions in ``tests/_prover_corpus.py``.

Refutations are judged by :func:`check_refutation`: the point must lie in the declared domain
(real where the domain is real, integers for integer symbols, signs as assumed), jet values must
be real and one jet (same function, derivative orders and argument values) must get one value,
and the original expression at the point must be certainly nonzero by the evaluator above.
"""

from __future__ import annotations

import itertools
import random
import zlib
from types import SimpleNamespace

import mpmath
import pytest
import sympy
from sympy import Derivative, Rational, Subs
from sympy.core.function import AppliedUndef, UndefinedFunction
from sympy.core.relational import Relational
from sympy.logic.boolalg import And, BooleanFalse, BooleanTrue, Not, Or

from _prover_corpus import CASES, CONCRETE, Case
from inertia_verify import prove_zero

ZERO_DIGITS = 120  # digits of the zero check
ZERO_MARGIN = 100  # a zero case's value must be below scale * 10**-ZERO_MARGIN
CERTIFY_MARGIN = 20  # a nonzero value must stand this many digits above round-off
MIN_USABLE_POINTS = 10
ALLOWED = {"zero": {"proved", "numerically verified", "inconclusive"},
           "nonzero": {"refuted", "inconclusive"}}


def _param(case: Case):
    marks = [pytest.mark.slow] if case.slow else []
    return pytest.param(case, id=case.id, marks=marks)


# --------------------------------------------------------------------------- declared domains


def domain_of(sym: sympy.Symbol) -> str:
    """The declared domain of a symbol, in words; plain symbols are real (corpus convention)."""
    sign = ("positive" if sym.is_positive else "nonnegative" if sym.is_nonnegative
            else "negative" if sym.is_negative else "nonpositive" if sym.is_nonpositive else "")
    kind = "integer" if sym.is_integer else "real"
    return f"{sign} {kind}".strip()


def as_sympy(value) -> sympy.Basic:
    """A SymPy object from a SymPy object or a Python number; text is refused (never parsed)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return sympy.Integer(value)
    if isinstance(value, float):
        return sympy.Float(value)
    if isinstance(value, complex):
        return sympy.Float(value.real) + sympy.I*sympy.Float(value.imag)
    raise TypeError(f"{value!r} is not a number")


def in_domain(sym: sympy.Symbol, value) -> str | None:
    """None if ``value`` lies in ``sym``'s declared domain, else what is wrong."""
    try:
        value = as_sympy(value)
    except TypeError as exc:
        return f"{sym} = {value!r}: {exc}"
    if not value.is_number:
        return f"{sym} = {value} is not a number"
    if value.is_real is not True:
        im = sympy.im(value).evalf(30)
        if im != 0:
            return f"{sym} = {value} is not real (the domain is {domain_of(sym)})"
    if sym.is_integer and value.is_integer is not True:
        return f"{sym} = {value} is not an integer"
    checks = (("positive", lambda r: r > 0), ("nonnegative", lambda r: r >= 0),
              ("negative", lambda r: r < 0), ("nonpositive", lambda r: r <= 0))
    for name, ok in checks:
        if getattr(sym, f"is_{name}") and not bool(ok(sympy.re(value).evalf(30))):
            return f"{sym} = {value} is not {name}"
    return None


_MAGNITUDES = [Rational(1, 1024), Rational(1, 1000), Rational(1, 128), Rational(3, 10),
               Rational(1, 2), Rational(7, 9), Rational(1), Rational(3, 2), Rational(2),
               Rational(5, 2), Rational(3), Rational(22, 7), Rational(5), Rational(10),
               Rational(57, 4), Rational(100), Rational(2718, 10), Rational(1000)]
_INTEGERS = [1, 2, 3, 4, 5, 7, 12, 13, 14, 26, 99, 100, 999, 1000, 1001, 65536, 999983, 10**6]


def _values(sym) -> list:
    """The values one coordinate runs through: both signs unless the domain has one, zero when the
    domain holds it, scales from 1e-3 to 1e3 (integers to 1e6)."""
    base = [sympy.Integer(i) for i in _INTEGERS] if sym.is_integer else list(_MAGNITUDES)
    values = []
    if not (sym.is_nonpositive or sym.is_negative):
        values += base
    if not (sym.is_nonnegative or sym.is_positive):
        values += [-b for b in base]
    if not (sym.is_positive or sym.is_negative):
        values.append(sympy.Integer(0))
    return values


def _kinks(expr) -> list[tuple[sympy.Expr, tuple]]:
    """Quantities g whose crossing of a level c makes the expression non-analytic, with levels:
    breakpoints of Abs/sign/Heaviside/Max/Min/Piecewise, jumps of floor/ceiling/Mod, branch
    points of sqrt/log/fractional powers/asin/acos/atan2."""
    ints = tuple(range(-3, 4))
    kinks = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.log)):
            kinks.append((node.args[0], (0,)))
        elif isinstance(node, (sympy.Max, sympy.Min)):
            kinks += [(a - b, (0,)) for a, b in itertools.combinations(node.args, 2)]
        elif isinstance(node, Relational):
            kinks.append((node.lhs - node.rhs, (0,)))
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            kinks.append((node.args[0], ints))
        elif isinstance(node, sympy.Mod):
            kinks.append((node.args[0]/node.args[1], ints))
        elif isinstance(node, sympy.Pow) and node.exp.is_Rational and not node.exp.is_Integer:
            kinks.append((node.base, (0,)))
        elif isinstance(node, (sympy.asin, sympy.acos)):
            kinks.append((node.args[0], (-1, 1)))
        elif isinstance(node, sympy.atan2):
            kinks += [(node.args[0], (0,)), (node.args[1], (0,))]
    return kinks


def _breakpoint_points(expr, syms, bases) -> list[dict]:
    """Points on and on both sides of every breakpoint that is a root of a polynomial of degree at
    most 2 in one continuous coordinate (the others held at a base point)."""
    points = []
    offsets = (0, Rational(1, 2**30), -Rational(1, 2**30), Rational(1, 16), -Rational(1, 16))
    for g, levels in _kinks(expr):
        for s in sorted(g.free_symbols & set(syms), key=str):
            if s.is_integer:
                continue  # the integer grid already steps across every level
            for base in bases:
                gs = g.xreplace({o: base[o] for o in syms if o != s})
                if not gs.is_polynomial(s) or sympy.degree(gs, s) not in (1, 2):
                    continue
                for c in levels:
                    for root in sympy.roots(sympy.Poly(gs - c, s)):  # closed form: degree <= 2
                        root = sympy.N(root, 40)
                        if not root.is_real:
                            continue
                        for off in offsets:
                            val = Rational(root) + off  # the exact binary value of the root
                            if in_domain(s, val) is None:
                                points.append({**base, s: val})
    return points


def sample_points(case: Case, expr, limit: int = 90) -> list[dict]:
    """Deterministic points spread over the case's declared domain, breakpoints included."""
    syms = sorted(expr.free_symbols, key=str)
    if not syms:
        return [{}]
    rng = random.Random(zlib.crc32(case.id.encode()))
    per = {s: _values(s) for s in syms}
    if len(syms) == 1:
        points = [{syms[0]: val} for val in per[syms[0]]]
    else:
        points = []
        signed = [[val for val in per[s] if val != 0] for s in syms]
        patterns = list(itertools.product(*[sorted({sympy.sign(val) for val in vs})
                                            for vs in signed]))
        rng.shuffle(patterns)
        for pattern in patterns[:8]:
            pool = [[val for val in vs if sympy.sign(val) == sg] for vs, sg in zip(signed, pattern)]
            for _ in range(5):
                points.append({s: rng.choice(p) for s, p in zip(syms, pool)})
            magnitude = rng.choice(_MAGNITUDES[2:-1])  # all coordinates of one size
            points.append({s: sg*(magnitude if not s.is_integer else round(magnitude))
                           for s, sg in zip(syms, pattern)})
        for s in syms:  # one coordinate at zero
            if 0 in per[s]:
                points.append({o: (0 if o == s else rng.choice(signed[i]))
                               for i, o in enumerate(syms)})
    points += _breakpoint_points(expr, syms, points[:: max(1, len(points)//3)][:3])
    unique = {tuple(sorted((str(k), v) for k, v in p.items())): p for p in points}
    points = list(unique.values())
    if len(points) > limit:
        keep = points[:40]
        points = keep + rng.sample(points[40:], limit - 40)
    return points


# --------------------------------------------------------------------------- the evaluator


class Undefined(Exception):
    """The expression has no value at this point (pole, log(0), nan, comparison of non-reals)."""


class CorpusError(Exception):
    """The corpus holds something this evaluator cannot evaluate."""


def _real(val):
    if isinstance(val, mpmath.mpc):
        if val.imag != 0:
            raise Undefined("comparison of a non-real value")
        return val.real
    return val


def _finite(val):
    if not mpmath.isfinite(val):
        raise Undefined(f"non-finite value {val}")
    return val


def _mod(a, b):
    a, b = _real(a), _real(b)
    if b == 0:
        raise Undefined("Mod(_, 0)")
    return a - b*mpmath.floor(a/b)


def _sign(a):
    if a == 0:
        return mpmath.mpf(0)
    if isinstance(a, mpmath.mpc):
        return a/abs(a)
    return mpmath.mpf(1) if a > 0 else mpmath.mpf(-1)


def _heaviside(a, h0):
    a = _real(a)
    return mpmath.mpf(0) if a < 0 else mpmath.mpf(1) if a > 0 else h0


def _atan2(y, x):
    y, x = _real(y), _real(x)
    if x == 0 and y == 0:
        raise Undefined("atan2(0, 0)")
    return mpmath.atan2(y, x)


def _slope(f):
    """A bound on |f'(a)| from a and f(a), for the smooth functions of the corpus."""
    one = lambda a, val: mpmath.mpf(1)
    return {
        mpmath.exp: lambda a, val: abs(val),
        mpmath.log: lambda a, val: 1/abs(a) if a != 0 else mpmath.inf,
        mpmath.sin: lambda a, val: mpmath.cosh(mpmath.im(a)),
        mpmath.cos: lambda a, val: mpmath.cosh(mpmath.im(a)),
        mpmath.tan: lambda a, val: 1 + abs(val)**2,
        mpmath.cot: lambda a, val: 1 + abs(val)**2,
        mpmath.sinh: lambda a, val: mpmath.cosh(abs(mpmath.re(a))),
        mpmath.cosh: lambda a, val: mpmath.cosh(abs(mpmath.re(a))),
        mpmath.asin: lambda a, val: 1/mpmath.sqrt(abs(1 - a**2)) if a**2 != 1 else mpmath.inf,
        mpmath.acos: lambda a, val: 1/mpmath.sqrt(abs(1 - a**2)) if a**2 != 1 else mpmath.inf,
        mpmath.atan: lambda a, val: 1/abs(1 + a**2) if a**2 != -1 else mpmath.inf,
        mpmath.acot: lambda a, val: 1/abs(1 + a**2) if a**2 != -1 else mpmath.inf,
        mpmath.erf: lambda a, val: 2*abs(mpmath.exp(-a**2))/mpmath.sqrt(mpmath.pi),
    }.get(f, one)


_SMOOTH = {sympy.exp: mpmath.exp, sympy.log: mpmath.log, sympy.sin: mpmath.sin,
           sympy.cos: mpmath.cos, sympy.tan: mpmath.tan, sympy.cot: mpmath.cot,
           sympy.sinh: mpmath.sinh, sympy.cosh: mpmath.cosh, sympy.tanh: mpmath.tanh,
           sympy.asin: mpmath.asin, sympy.acos: mpmath.acos, sympy.atan: mpmath.atan,
           sympy.acot: mpmath.acot, sympy.erf: mpmath.erf, sympy.conjugate: mpmath.conj,
           sympy.re: mpmath.re, sympy.im: mpmath.im}
_KINKED = {sympy.Abs: abs, sympy.sign: _sign, sympy.Heaviside: _heaviside, sympy.atan2: _atan2,
           sympy.floor: lambda a: mpmath.floor(_real(a)),
           sympy.ceiling: lambda a: mpmath.ceil(_real(a)), sympy.Mod: _mod,
           sympy.Max: lambda *a: max(_real(v) for v in a),
           sympy.Min: lambda *a: min(_real(v) for v in a)}


def _truth(cond, env, memo) -> bool:
    if isinstance(cond, BooleanTrue):
        return True
    if isinstance(cond, BooleanFalse):
        return False
    if isinstance(cond, And):
        return all(_truth(c, env, memo) for c in cond.args)
    if isinstance(cond, Or):
        return any(_truth(c, env, memo) for c in cond.args)
    if isinstance(cond, Not):
        return not _truth(cond.args[0], env, memo)
    if isinstance(cond, Relational):
        lhs, rhs = _ev(cond.lhs, env, memo)[0], _ev(cond.rhs, env, memo)[0]
        if cond.rel_op in ("==", "!="):
            return (lhs == rhs) == (cond.rel_op == "==")
        lhs, rhs = _real(lhs), _real(rhs)
        return {"<": lhs < rhs, "<=": lhs <= rhs, ">": lhs > rhs, ">=": lhs >= rhs}[cond.rel_op]
    raise CorpusError(f"cannot evaluate the condition {cond}")


def _ev(e, env, memo):
    """(value, round-off scale) of ``e`` at the current mpmath precision."""
    if e in memo:
        return memo[e]
    if isinstance(e, sympy.Symbol):
        val = env[e]
        out = (val, abs(val))
    elif e in (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise Undefined(str(e))
    elif e.is_Rational:
        val = mpmath.mpf(e.p)/e.q
        out = (val, abs(val))
    elif e.is_Float:
        val = mpmath.mpf(e)  # its exact binary value
        out = (val, abs(val))
    elif e is sympy.I:
        out = (mpmath.mpc(0, 1), mpmath.mpf(1))
    elif e.is_NumberSymbol:
        val = mpmath.mpf(sympy.Float(e.evalf(mpmath.mp.dps + 10), mpmath.mp.dps + 10))
        out = (val, abs(val))
    elif isinstance(e, sympy.Add):
        parts = [_ev(a, env, memo) for a in e.args]
        out = (mpmath.fsum(p[0] for p in parts), mpmath.fsum(p[1] for p in parts))
    elif isinstance(e, sympy.Mul):
        parts = [_ev(a, env, memo) for a in e.args]
        out = (mpmath.fprod(p[0] for p in parts), mpmath.fprod(p[1] for p in parts))
    elif isinstance(e, sympy.Pow):
        out = _ev_pow(e, env, memo)
    elif isinstance(e, sympy.Piecewise):
        for piece, cond in e.args:
            if _truth(cond, env, memo):
                out = _ev(piece, env, memo)
                break
        else:
            raise Undefined("no Piecewise condition holds")
    elif type(e) in _SMOOTH:
        (a, sa), = [_ev(arg, env, memo) for arg in e.args]
        f = _SMOOTH[type(e)]
        try:
            val = f(a)
        except (ZeroDivisionError, ValueError) as exc:
            raise Undefined(f"{type(e).__name__}: {exc}") from None
        # its own rounding plus the argument's error carried through the slope
        out = (val, abs(val) + _slope(f)(a, val)*sa)
    elif type(e) in _KINKED:
        parts = [_ev(arg, env, memo) for arg in e.args]
        try:
            val = _KINKED[type(e)](*[p[0] for p in parts])
        except (ZeroDivisionError, ValueError) as exc:
            raise Undefined(f"{type(e).__name__}: {exc}") from None
        # selects or combines its arguments: their error, not more (a jump sits on a breakpoint,
        # where the exact substitution usually decides)
        out = (val, max([abs(val)] + [p[1] for p in parts]))
    elif isinstance(e, (AppliedUndef, Derivative, Subs)):
        raise CorpusError(f"abstract node {e} left after substituting concrete functions")
    else:
        raise CorpusError(f"no evaluation rule for {type(e).__name__}: {e}")
    _finite(out[0])
    if not mpmath.isfinite(out[1]):
        raise Undefined("at a singular point of a branch function")
    memo[e] = out
    return out


def _ev_pow(e, env, memo):
    (b, sb), (x, sx) = _ev(e.base, env, memo), _ev(e.exp, env, memo)
    integral = (isinstance(x, mpmath.mpf) and mpmath.isint(x)) or e.exp.is_Integer
    try:
        if integral and abs(x) < 10**15:
            val = b**int(x)
        elif b == 0:
            if _real(x) <= 0:
                raise Undefined("0 to a non-positive power")
            val = mpmath.mpf(0)
        else:
            val = mpmath.power(b, x)  # principal value for a negative or complex base
    except ZeroDivisionError:
        raise Undefined("0 to a negative power") from None
    if b == 0:
        return val, sb**abs(_real(x)) if sb else mpmath.mpf(0)
    rel = abs(x)*sb/abs(b) + sx*abs(mpmath.log(b))  # relative error carried into the power
    return val, abs(val)*max(1, rel)


def evaluate(expr, point: dict, dps: int):
    """(value, scale) of a scalar expression at ``point``: exact when the substitution gives a
    rational (scale 0), else by :func:`_ev` at ``dps`` digits.  Raises Undefined."""
    exact = expr.xreplace(point)
    if exact.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise Undefined(f"SymPy gives {exact}")
    if exact.is_Rational:
        return exact, mpmath.mpf(0)
    with mpmath.workdps(dps):
        env = {s: (mpmath.mpf(v.p)/v.q if v.is_Rational else mpmath.mpf(v)) for s, v in
               ((s, as_sympy(v)) for s, v in point.items())}
        return _ev(expr, env, {})


def certify_nonzero(expr, point: dict) -> tuple[bool, str]:
    """Whether ``expr`` is certainly nonzero at ``point``, and the value found."""
    dps = 60
    while dps <= 4000:
        val, scale = evaluate(expr, point, dps)
        if isinstance(val, sympy.Basic):  # exact rational
            return val != 0, str(val)
        if abs(val) > scale*mpmath.mpf(10)**(CERTIFY_MARGIN - dps):
            again, _ = evaluate(expr, point, dps + 40)
            with mpmath.workdps(dps):
                agree = abs(again - val) <= abs(val)*mpmath.mpf(10)**-10
                return agree, mpmath.nstr(val, 20) + ("" if agree else f" (but {again} at "
                                                       f"{dps + 40} digits)")
        if scale == 0:
            return False, "0"
        dps *= 2
    with mpmath.workdps(30):
        return False, f"{mpmath.nstr(val, 5)}, within round-off (scale {mpmath.nstr(scale, 5)})"


# --------------------------------------------------------------------------- abstract functions


def _functions(expr) -> set:
    return {a.func for a in expr.atoms(AppliedUndef)}


def concrete_versions(expr, given: dict | None = None) -> list:
    """``expr`` with each abstract function replaced by a concrete one and derivatives done: the
    ``given`` ones (a witness) or, in turn, each family of :data:`CONCRETE`."""
    funcs = sorted(_functions(expr), key=str)
    if not funcs:
        return [expr]
    arity = {}
    for a in expr.atoms(AppliedUndef):
        if arity.setdefault(a.func, len(a.args)) != len(a.args):
            raise CorpusError(f"{a.func} is applied with {arity[a.func]} and {len(a.args)} "
                              "arguments; use one function per arity")
    if given is not None:
        choices = [{f: given[f] for f in funcs}]
    else:  # round r gives function i the family member r + i, so each meets every member
        rounds = max(len(CONCRETE[arity[f]]) for f in funcs)
        choices = [{f: CONCRETE[arity[f]][(r + i) % len(CONCRETE[arity[f]])]
                    for i, f in enumerate(funcs)} for r in range(rounds)]
    out = []
    for choice in choices:
        if isinstance(expr, sympy.MatrixBase):  # Matrix.subs does not take Lambda for a function
            concrete = expr.applyfunc(lambda e: e.subs(choice).doit())
        else:
            concrete = expr.subs(choice).doit()
        if concrete.has(AppliedUndef, Derivative, Subs):
            raise CorpusError(f"abstract nodes remain in {concrete}")
        out.append(concrete)
    return out


def _entries(expr) -> list:
    return list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]


# --------------------------------------------------------------------------- truth of the corpus


def test_corpus_size_and_spread():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 150, len(CASES)
    kinds = {c.kind for c in CASES}
    for kind in kinds:
        assert sum(c.kind == kind for c in CASES) >= 5, kind
    assert sum(c.truth == "zero" for c in CASES) >= 60
    assert sum(c.truth == "nonzero" for c in CASES) >= 60
    assert sum(c.must_prove for c in CASES) >= 8


def _check_zero(case: Case) -> str:
    """Evaluate a zero case over its domain; returns a summary, fails with the worst point."""
    used = skipped = 0
    for concrete in concrete_versions(case.expr):
        for entry in _entries(concrete):
            entry = as_sympy(entry)
            if not entry.free_symbols:  # a constant (often exactly 0 once functions are concrete)
                used += MIN_USABLE_POINTS - 1
            for point in sample_points(case, entry):
                try:
                    val, scale = evaluate(entry, point, ZERO_DIGITS)
                except Undefined:
                    skipped += 1
                    continue
                used += 1
                if isinstance(val, sympy.Basic):
                    assert val == 0, (f"{case.id}: labelled zero but equals {val} exactly at "
                                      f"{point} ({concrete})")
                    continue
                with mpmath.workdps(30):
                    bound = scale*mpmath.mpf(10)**-ZERO_MARGIN
                    assert abs(val) <= bound, (
                        f"{case.id}: labelled zero but equals {mpmath.nstr(val, 10)} at {point} "
                        f"(round-off scale {mpmath.nstr(scale, 5)}, bound {mpmath.nstr(bound, 5)})")
    assert used >= MIN_USABLE_POINTS, (
        f"{case.id}: only {used} usable points ({skipped} undefined)")
    return f"{used} points, {skipped} skipped as undefined"


def _check_nonzero(case: Case) -> str:
    point = {s: as_sympy(val) for s, val in case.witness.items()
             if not isinstance(s, UndefinedFunction)}
    for s, val in point.items():
        problem = in_domain(s, val)
        assert problem is None, f"{case.id}: witness off the declared domain: {problem}"
    funcs = {f: lam for f, lam in case.witness.items() if isinstance(f, UndefinedFunction)}
    (concrete,) = concrete_versions(case.expr, funcs if _functions(case.expr) else None)
    missing = set().union(*[as_sympy(e).free_symbols for e in _entries(concrete)]) - set(point)
    assert not missing, f"{case.id}: witness lacks {missing}"
    found = []
    for entry in _entries(concrete):
        try:
            ok, shown = certify_nonzero(as_sympy(entry), point)
        except Undefined as exc:
            ok, shown = False, f"undefined ({exc})"
        found.append(shown)
        if ok:
            return f"nonzero at the witness: {shown}"
    raise AssertionError(f"{case.id}: labelled nonzero but not certainly nonzero at the witness "
                         f"{case.witness}: {found}")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_truth(case):
    """The corpus entry is right, by this file's own evaluation (no prover involved)."""
    if case.truth == "zero":
        _check_zero(case)
    else:
        _check_nonzero(case)


# --------------------------------------------------------------------------- the prover


def _jet_signature(node, subs):
    """What a jet node denotes at the point: (function, derivative orders per argument position,
    argument values).  Two keys with one signature are one number of any actual function."""
    bound = {}
    if isinstance(node, Subs):
        bound = dict(zip(node.variables, node.point))
        node = node.expr
    orders = {}
    if isinstance(node, Derivative):
        base = node.expr
        for var, count in node.variable_count:
            orders[var] = orders.get(var, 0) + count
        node = base
    if not isinstance(node, AppliedUndef):
        return None
    positions = tuple(orders.get(a, 0) for a in node.args)
    if sum(positions) != sum(orders.values()):
        return None  # a derivative with respect to something that is not an argument
    args = []
    for a in node.args:
        a = a.xreplace(bound).xreplace(subs)
        # coordinates the point leaves open: the claim is then for every value, so any one will do
        a = a.xreplace({s: _generic(s, Rational(7, 5)) for s in a.free_symbols})
        if not a.is_number:
            return None
        args.append(sympy.N(a, 40))
    return (node.func, positions, tuple(str(a) for a in args))


def _maximal_jets(e) -> list:
    """The outermost nodes that are values of abstract functions or of their derivatives."""
    if isinstance(e, (AppliedUndef, Derivative, Subs)) and e.has(AppliedUndef):
        return [e]
    return [j for a in e.args for j in _maximal_jets(a)]


def _completions(entry, subs, signatures) -> list:
    """``entry`` with what the point left open given values, in two different ways: a jet takes
    the value of a key denoting the same number when there is one, else a generic value; a symbol
    a generic value in its domain."""
    out = []
    for generic in (Rational(7, 5), Rational(-13, 6)):
        fill = {}
        for jet in _maximal_jets(entry):
            sig = _jet_signature(jet, subs)
            fill[jet] = signatures.get(sig, generic) if sig is not None else generic
        done = entry.xreplace(fill)
        out.append(done.xreplace({s: _generic(s, generic) for s in done.free_symbols}))
    return out


def _generic(sym, generic):
    """A value of ``sym``'s domain derived from ``generic`` (a non-integer rational)."""
    val = generic if not sym.is_integer else sympy.Integer(round(generic*3))
    if sym.is_nonnegative or sym.is_positive:
        return abs(val)
    if sym.is_nonpositive or sym.is_negative:
        return -abs(val)
    return val


def check_refutation(case: Case, verdict) -> list[str]:
    """Problems with a refutation, judged on the original expression; empty if it is genuine.

    The point is substituted into the original expression, or (when that leaves derivative
    nodes in a spelling the point does not use) into the original with its derivatives carried
    out, which is the same function of the same jets.  Coordinates the point leaves open are
    completed in two different ways; the refutation is genuine if some entry is certainly nonzero
    at every completion (an actual function and point then exist)."""
    subs, problems = {}, []
    for key, val in (verdict.subs or {}).items():
        try:
            subs[key] = as_sympy(val)
        except TypeError as exc:
            problems.append(f"{key}: {exc}")
    open_ = case.expr.free_symbols or any(e.has(AppliedUndef) for e in _entries(case.expr))
    if not subs and open_:
        return ["refuted without a point (.subs is empty)"]
    jets = {}
    for key, val in subs.items():
        if isinstance(key, sympy.Symbol):
            problem = in_domain(key, val)
            if problem:
                problems.append(f"point off the declared domain: {problem}")
        elif isinstance(key, (AppliedUndef, Derivative, Subs)):
            if in_domain(sympy.Symbol("jet", real=True), val):
                problems.append(f"jet {key} = {val} is not real")
            sig = _jet_signature(key, subs)
            if sig is not None:
                jets.setdefault(sig, []).append((key, val))
        else:
            problems.append(f"key {key} is neither a symbol nor a jet")
    left_open = set().union(*[k.free_symbols for k in subs]) - set(subs)
    for sig, keys in jets.items():
        if len({sympy.N(val, 40) for _, val in keys}) > 1:
            problems.append("one jet given different values (no actual function does this): "
                            + ", ".join(f"{k} = {v}" for k, v in keys)
                            + (f" (the point leaves {sorted(map(str, left_open))} open; "
                               "any value shows it, 7/5 was taken)" if left_open else ""))
    signatures = {sig: keys[0][1] for sig, keys in jets.items()}
    done = (case.expr.applyfunc(lambda e: e.doit()) if isinstance(case.expr, sympy.MatrixBase)
            else case.expr.doit())
    shown = []
    for form in (case.expr, done):
        try:
            at = form.xreplace(subs)
        except (ValueError, TypeError) as exc:
            shown.append(f"cannot substitute ({exc})".replace("\n", " "))
            continue
        for entry in _entries(at):
            entry = as_sympy(entry)
            determined = not entry.free_symbols and not entry.has(AppliedUndef)
            candidates = [entry] if determined else _completions(entry, subs, signatures)
            try:
                results = [certify_nonzero(c.doit(), {}) for c in candidates]
            except (Undefined, ValueError, TypeError) as exc:
                shown.append(f"undefined ({exc})")
                continue
            shown.append(", ".join(r[1] for r in results)
                         + ("" if determined else " (point completed)"))
            if all(r[0] for r in results):
                return problems
    return problems + ["the original expression is not certainly nonzero at the point: "
                       + "; ".join(shown)]


def _describe(case: Case, verdict) -> str:
    ce = getattr(verdict, "counterexample", None)
    return (f"case {case.id} [{case.kind}], truth {case.truth}: prover says "
            f"{verdict.status!r} via {getattr(verdict, 'method', '?')!r} ({verdict}); "
            f"counterexample {ce}")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_prover_is_sound(case):
    """No false statement proved or verified, no true one refuted, every refutation genuine."""
    verdict = prove_zero(case.expr)  # default options: the corpus tests what users get
    problems = check_refutation(case, verdict) if verdict.status == "refuted" else []
    if verdict.status not in ALLOWED[case.truth]:
        try:
            independent = (_check_zero(case) + ", all zero" if case.truth == "zero"
                           else _check_nonzero(case))
        except AssertionError as exc:  # then the corpus entry is wrong too: see test_corpus_truth
            independent = f"FAILED ({exc})"
        pytest.fail(f"{_describe(case, verdict)}; independent check: {independent}"
                    + "".join(f"; {p}" for p in problems), pytrace=False)
    assert not problems, _describe(case, verdict) + "; " + "; ".join(problems)


@pytest.mark.parametrize("case", [_param(c) for c in CASES if c.must_prove])
def test_prover_proves_easy_identities(case):
    verdict = prove_zero(case.expr)
    assert verdict.status == "proved", _describe(case, verdict)


# --------------------------------------------------------------------------- the judge itself


def _fake(subs):
    return SimpleNamespace(status="refuted", subs=subs)


def test_check_refutation_rejects_bad_points():
    """The independent judge of refutations rejects what it must and accepts a genuine one."""
    from _prover_corpus import L, x, xr

    by_id = {c.id: c for c in CASES}
    pythagoras = by_id["jet-pythagoras-argument"]  # L(sin(x)**2 + cos(x)**2) - L(1)
    spelled_twice = {x: Rational(1, 2), L(sympy.sin(x)**2 + sympy.cos(x)**2): 1, L(1): 2}
    assert any("one jet" in p for p in check_refutation(pythagoras, _fake(spelled_twice)))

    abs_real = by_id["abs-minus-x-real"]  # Abs(x) - x, x real
    assert check_refutation(abs_real, _fake({xr: -1})) == []
    assert any("not certainly nonzero" in p for p in check_refutation(abs_real, _fake({xr: 2})))
    assert any("not real" in p for p in check_refutation(abs_real, _fake({xr: sympy.I})))
    positive = by_id["sqrt-shifted-positive"]  # sqrt((x - 2)**2) - (2 - x), x > 0
    (xp,) = positive.expr.free_symbols
    assert any("not positive" in p for p in check_refutation(positive, _fake({xp: -3})))
    assert check_refutation(positive, _fake({xp: 3})) == []
    floor_trap = by_id["exp-200-times-x"]
    assert check_refutation(floor_trap, _fake({x: 1})) == []
    assert any("not certainly nonzero" in p for p in check_refutation(floor_trap, _fake({x: 0})))
    assert check_refutation(by_id["exp-200-constant"], _fake({})) == []
    assert any("empty" in p for p in check_refutation(floor_trap, _fake({})))
    jet = by_id["jet-value-vs-constant"]  # L(x) - L(1)
    assert check_refutation(jet, _fake({x: 2, L(x): 3, L(1): 4})) == []
    assert check_refutation(jet, _fake({x: 1, L(x): 3, L(1): 4})) != []  # L(1) twice
