"""Inequality prover with certificates, beside the zero prover.

:func:`prove_nonnegative`, :func:`prove_nonpositive` and :func:`prove_inequality` answer with an
:class:`InequalityVerdict`, a :class:`~inertia_verify.Verdict` with the same statuses:

* ``proved``: a certificate re-checked in exact rational arithmetic.  Its usual form is an
  identity ``f - offset == sum_k c_k * g_k * l_k**2`` (``certificate["terms"]``) with every
  ``c_k >= 0`` and every multiplier ``g_k`` either 1 or an assumption ``g_k >= 0``; the identity
  is expanded by SymPy before the verdict is issued.  A *manifest* certificate instead names the
  rule that makes every factor nonnegative (even powers, nonnegative symbols, ``exp``, ``Abs``).
* ``refuted``: an exact rational point of the domain (every assumption checked exactly there)
  at which the *original* expression, evaluated exactly, violates the inequality.
* ``numerically verified``: evidence only, with the domain and the evidence stated (the
  smallest value found by a seeded multi-start local minimisation, or z3's answer when
  ``trust_z3=False``).  By default z3's "no violating point" counts as proved, its method
  naming z3: nlsat decides real arithmetic exactly, but its answer is not a certificate this
  module re-checks; a reader reruns z3 to check it.
* ``inconclusive``: neither, with the reason.

**Domains** follow the zero prover: every free symbol is real, of either sign and any size,
unless its assumptions say otherwise (``positive``, ``nonnegative``, ``negative``,
``nonpositive``); parameters are quantified like coordinates.  Assumptions given as relationals
(``x >= 0``, ``x <= 1``, ``x**2 + y**2 <= 1``, ``gamma >= 0``) restrict the domain further.

**Routes**, cheapest first: manifest sign; constant; quadratic forms decided exactly: over the
rationals by a sparse exact LDLᵀ (completing squares), with symbolic coefficients by diagonal
dominance or the exact LDLᵀ over the rational functions of the parameters, each pivot's sign
decided from the sign assumptions (a pivot that vanishes on part of the domain is allowed: the
certificate's ``conditions`` say why, by continuity where a denominator may vanish), and refuted
by an exact witness at rational parameters; sums of squares found by a semidefinite program
(cvxpy with Clarabel or SCS), rounded to rationals and projected exactly onto the coefficient
constraints (Peyrl and Parrilo, 2008), with sum-of-squares multipliers for the assumptions
(Putinar form, lowest degree); z3's nonlinear real arithmetic for small problems; a seeded
multi-start search for a witness, each candidate rounded to rationals and confirmed exactly.
The optional routes need the ``inequalities`` extra (``pip install
inertia-verify[inequalities]``); without it they are skipped and the verdict says so.
"""

from __future__ import annotations

import itertools
import math
import random
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from sympy import Rational
from sympy.polys.fields import sfield
from sympy.polys.rings import PolyRing, sring

from ._display import expression_text
from ._expressions import as_sympy
from ._errors import InvalidArgument, require_extra
from ._prover import Verdict

__all__ = ["InequalityVerdict", "prove_nonnegative", "prove_nonpositive", "prove_inequality",
           "parse_relation", "check_certificate"]

EXTRA = "inequalities"
_OPS = (">=", "<=", ">", "<")


def _optional(module: str):
    """The solver ``module`` of the inequality routes, or None when it is not installed."""
    try:
        return require_extra(module, EXTRA)
    except ImportError:
        return None


# --------------------------------------------------------------------------- the verdict

@dataclass(frozen=True)
class InequalityVerdict(Verdict):
    """A :class:`~inertia_verify.Verdict` for ``expression >= 0`` (or ``> 0``).

    ``relation`` is the statement as the caller wrote it; ``expression`` is what the caller
    asked about (``expr``, or ``lhs - rhs`` for :func:`prove_inequality`); the function ``f``
    that must be nonnegative is ``expr``, ``-expr`` (nonpositive), ``lhs - rhs`` (``>=``) or
    ``rhs - lhs`` (``<=``).
    ``certificate`` (when proved) holds ``terms``: tuples ``(c, g, l)`` with
    ``f - offset == sum c*g*l**2`` exactly, ``c >= 0`` and each ``g`` 1 or an assumption
    ``g >= 0``; ``zero_set``, when decided, lists expressions whose common zeros are exactly
    where ``f == 0``.  ``counterexample`` maps names to exact rationals plus ``"value"``: the
    exact value of ``f`` there.

    Attributes
    ----------
    status, method, expression, residual, points, digits, max_residual, counterexample, subs, \
domain, reason
        As for :class:`~inertia_verify.Verdict`.
    relation : str
        The statement as the caller wrote it.
    strict : bool
        Whether the statement is strict (``> 0``).
    certificate : dict or None
        The certificate of a proof (``terms``, ``offset``, ...), re-checkable exactly.
    zero_set : tuple or None
        Expressions whose common zeros are exactly where ``f == 0``, when decided.

    Examples
    --------
    >>> import sympy
    >>> from inertia_verify import prove_nonnegative
    >>> x, y = sympy.symbols("x y")
    >>> v = prove_nonnegative(x**2 - 2*x*y + 2*y**2)
    >>> v.status, v.relation, v.zero_set
    ('proved', 'x**2 - 2*x*y + 2*y**2 >= 0', (x, y))
    """

    relation: str = ""
    strict: bool = False
    certificate: dict | None = field(default=None, compare=False)
    zero_set: tuple | None = None

    def __str__(self) -> str:
        base = super().__str__()
        if self.status == "refuted":
            return f"{base}, violating {self.relation}"
        if self.status == "numerically verified":
            return f"numerically verified ({self.method}): {self.reason}"
        return base

    def to_dict(self) -> dict:
        """JSON-serialisable summary: ``verdict``, ``method``, ``certificate`` or
        ``counterexample`` (each coordinate a number, its exact rational under ``exact``)."""
        out = {"verdict": self.status, "status": self.status, "method": self.method,
               "relation": self.relation, "expression": expression_text(self.expression),
               "domain": self.domain, "reason": self.reason}
        if self.certificate is not None:
            out["certificate"] = _json_certificate(self.certificate)
        if self.zero_set is not None:
            out["zero_set"] = [str(z) for z in self.zero_set]
        if self.counterexample is not None:
            ce = dict(self.counterexample)
            value = ce.pop("value")
            out["counterexample"] = {
                "point": {k: float(v) for k, v in ce.items()},
                "value": float(value),
                "exact": {**{k: str(v) for k, v in ce.items()}, "value": str(value)},
            }
        if self.max_residual is not None:
            out["smallest_value_found"] = self.max_residual
        return out


def _json_certificate(cert: dict) -> dict:
    out = {}
    for key, value in cert.items():
        if key == "terms":
            out[key] = [{"coefficient": str(c), "multiplier": str(g), "square_of": str(lin)}
                        for c, g, lin in value]
        elif isinstance(value, (str, int, bool, float)) or value is None:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [str(v) for v in value]
        else:
            out[key] = str(value)
    return out


# --------------------------------------------------------------------------- relations

def _show(e) -> str:
    """``str(e)``, a long expression in SymPy's stored term order: sorting the terms of dI/dt
    in 50 coordinates for printing costs as much as deciding its sign."""
    if isinstance(e, sympy.Basic) and \
            sum(1 for _ in zip(range(200), sympy.preorder_traversal(e))) == 200:
        return sympy.sstr(e, order="none")
    return str(e)


def parse_relation(text: str, *, argument: str = "expr", symbols=None):
    """Split ``"A >= B"`` on its single comparison operator and parse both sides safely.

    The sides go through :func:`inertia_verify.parse_expression` (never ``sympify``).

    Parameters
    ----------
    text : str
        One relation with one of ``>=``, ``<=``, ``>``, ``<`` (``==`` and ``!=`` are refused).
    argument : str
        The argument's name as the user knows it, used in error messages.
    symbols : mapping of str to Symbol, optional
        Names to resolve to the caller's own symbols.

    Returns
    -------
    lhs : sympy.Expr
    op : str
    rhs : sympy.Expr

    Examples
    --------
    >>> parse_relation("x**2 + 1 >= 2*x")
    (x**2 + 1, '>=', 2*x)
    >>> parse_relation("x < y")
    (x, '<', y)
    """
    from ._expressions import parse_expression

    if not isinstance(text, str):
        raise InvalidArgument(argument, text, "must be a string such as 'x**2 >= 0'")
    found = []
    i = 0
    while i < len(text):
        two = text[i:i + 2]
        if two in (">=", "<=", "==", "!="):
            found.append((i, two))
            i += 2
            continue
        if text[i] in "<>":
            found.append((i, text[i]))
        i += 1
    fix = "write one comparison, e.g. 'x**2 + y**2 >= 2*x*y'"
    if not found:
        raise InvalidArgument(argument, text, "has no comparison (>=, <=, > or <)", fix)
    if len(found) > 1:
        raise InvalidArgument(argument, text, "has more than one comparison", fix)
    at, op = found[0]
    if op not in _OPS:
        raise InvalidArgument(argument, text, f"uses {op!r}; only >=, <=, > and < are "
                              "inequalities (an identity is checked with 'prove')", fix)
    left, right = text[:at], text[at + len(op):]
    if not left.strip() or not right.strip():
        raise InvalidArgument(argument, text, "has an empty side", fix)
    lhs = parse_expression(left, argument=argument, symbols=symbols)
    rhs = parse_expression(right, argument=argument, symbols=symbols)
    return lhs, op, rhs


def _assumption_list(assume, argument="assume") -> list:
    """Relationals → list of (g, strict) meaning g >= 0 (or g > 0)."""
    if assume is None:
        return []
    if isinstance(assume, str):
        raise InvalidArgument(argument, assume, "is a string; pass sympy relationals",
                              "parse text with inertia_verify.parse_relation")
    if isinstance(assume, (sympy.And,)):
        items = list(assume.args)
    elif isinstance(assume, sympy.Basic):
        items = [assume]
    else:
        items = list(assume)
    out = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 3:
            lhs, op, rhs = item
        elif isinstance(item, sympy.And):
            out += _assumption_list(item, argument)
            continue
        elif isinstance(item, sympy.core.relational.Relational) and item.rel_op in _OPS + ("==",):
            lhs, op, rhs = item.lhs, item.rel_op, item.rhs
        elif item is sympy.true:
            continue
        else:
            raise InvalidArgument(argument, item, "is not an inequality such as x >= 0",
                                  "pass relationals like sympy.Ge(x, 0) or (x, '>=', 0)")
        if op == "==":
            out += [(sympy.expand(lhs - rhs), False), (sympy.expand(rhs - lhs), False)]
        elif op in (">=", ">"):
            out.append((sympy.expand(lhs - rhs), op == ">"))
        elif op in ("<=", "<"):
            out.append((sympy.expand(rhs - lhs), op == "<"))
        else:
            raise InvalidArgument(argument, item, f"uses {op!r}", "use >=, <=, >, < or ==")
    return out


# --------------------------------------------------------------------------- problem set-up

@dataclass
class _Problem:
    f: sympy.Expr                 # the function that must be >= 0 (or > 0), in real dummies
    strict: bool
    syms: list                    # real dummies, sorted by name
    back: dict                    # dummy -> original symbol
    constraints: list             # (g, strict): g >= 0 in dummies (sign assumptions included)
    variables: list | None        # dummies of the quadratic-form variables, if given
    original: sympy.Expr          # f in the caller's symbols
    report: sympy.Expr            # what the caller asked about (its value is reported)

    def names(self) -> list[str]:
        return [str(self.back[s]) for s in self.syms]


def _exact_floats(e):
    """Floats are read as the decimals they print as (``0.1`` is 1/10), so that evaluation at a
    rational point is exact."""
    if not isinstance(e, sympy.Basic):
        return e
    return e.xreplace({fl: Rational(str(fl)) for fl in e.atoms(sympy.Float)})


def _setup(f, strict, assume, variables, report=None) -> _Problem:
    f = as_sympy(f, argument="expr") if isinstance(f, (int, float)) and not isinstance(f, bool) \
        else f
    f = _exact_floats(f)
    report = f if report is None else _exact_floats(report)
    if isinstance(f, str):
        raise InvalidArgument("expr", f, "is a string; the prover never parses text",
                              "parse it with inertia_verify.parse_relation or parse_expression")
    if not isinstance(f, sympy.Expr):
        raise InvalidArgument("expr", f, "must be a scalar sympy expression")
    if f.has(sympy.I) or f.has(sympy.zoo, sympy.nan, sympy.oo):
        raise InvalidArgument("expr", f, "must be real and finite")
    cons = [(_exact_floats(g), st) for g, st in _assumption_list(assume)]
    originals = set(f.free_symbols)
    for g, _ in cons:
        originals |= g.free_symbols
    if variables is not None:
        variables = list(variables)
        bad = [v for v in variables if not isinstance(v, sympy.Symbol)]
        if bad:
            raise InvalidArgument("variables", variables, "must be sympy Symbols")
        originals |= set(variables)
    # Single-symbol sign bounds (x >= 0, x > 0, ...) become assumptions of a real dummy, so the
    # manifest route and SymPy see them; everything else stays a constraint g >= 0.
    sign_of: dict = {}
    rest = []
    for g, st in cons:
        syms_g = list(g.free_symbols)
        if len(syms_g) == 1 and g in (syms_g[0], -syms_g[0]):
            s = syms_g[0]
            sign = 1 if g == s else -1
            old = sign_of.get(s)
            if old is not None and old[0] != sign:
                rest.append((g, st))  # x >= 0 and x <= 0: kept as constraints
                continue
            sign_of[s] = (sign, st or (old[1] if old else False))
        else:
            rest.append((g, st))
    back, fwd = {}, {}
    for s in sorted(originals, key=lambda s: s.name):
        kw = {"real": True}
        if s.is_positive or (s in sign_of and sign_of[s] == (1, True)):
            kw["positive"] = True
        elif s.is_negative or (s in sign_of and sign_of[s] == (-1, True)):
            kw["negative"] = True
        elif s.is_nonnegative or (s in sign_of and sign_of[s][0] == 1):
            kw["nonnegative"] = True
        elif s.is_nonpositive or (s in sign_of and sign_of[s][0] == -1):
            kw["nonpositive"] = True
        if s.is_integer:
            raise InvalidArgument("expr", f, f"symbol {s} is declared integer",
                                  "the inequality prover quantifies over real symbols")
        d = sympy.Dummy(s.name, **kw)
        back[d], fwd[s] = s, d
    fd = f.xreplace(fwd)
    constraints = [(sympy.expand(g.xreplace(fwd)), st) for g, st in rest]
    for d in back:
        if d.is_nonnegative:
            constraints.append((d, bool(d.is_positive)))
        elif d.is_nonpositive:
            constraints.append((-d, bool(d.is_negative)))
    for g, st in constraints:
        if not g.free_symbols:
            if (g < 0) == sympy.true or (st and g == 0):
                raise InvalidArgument("assume", assume, f"contains a false constant constraint "
                                      f"({g} {'>' if st else '>='} 0)", "remove it")
    syms = sorted(back, key=lambda s: s.name)
    vs = None if variables is None else [fwd[v] for v in variables]
    return _Problem(fd, strict, syms, back, constraints, vs, f, report)


def _describe(p: _Problem) -> str:
    parts = []
    for s in p.syms:
        if s.is_positive:
            kind = "positive reals"
        elif s.is_negative:
            kind = "negative reals"
        elif s.is_nonnegative:
            kind = "nonnegative reals"
        elif s.is_nonpositive:
            kind = "nonpositive reals"
        else:
            kind = "reals (both signs, any size)"
        parts.append(f"{p.back[s]}: {kind}")
    text = "; ".join(parts) or "a constant"
    extra = [f"{_orig(g, p)} {'>' if st else '>='} 0" for g, st in p.constraints
             if not (g in p.syms or -g in p.syms)]
    if extra:
        text += "; subject to " + ", ".join(extra)
    return text


def _orig(e, p: _Problem):
    return e.xreplace(p.back) if isinstance(e, sympy.Basic) else e


# --------------------------------------------------------------------------- verdict builders

class _Done(Exception):
    def __init__(self, verdict):
        self.verdict = verdict


def _verdict(p: _Problem, relation, status, method, **kw) -> InequalityVerdict:
    kw.setdefault("domain", _describe(p))
    return InequalityVerdict(status=status, method=method, expression=p.report,
                             relation=relation, strict=p.strict, **kw)


def _exact_value(expr, point: dict):
    """The exact value of ``expr`` at a rational point, and its sign (None if undecided)."""
    value = expr.xreplace(point)
    if value.is_Rational:
        return value, (1 if value > 0 else (-1 if value < 0 else 0))
    try:
        value = sympy.nsimplify(value) if value.is_Float else value
        approx = sympy.N(value, 30, strict=True)  # error-tracked: these digits are correct
    except Exception:  # noqa: BLE001  (PrecisionExhausted, unevaluable points)
        return value, None
    if approx.is_real is False or not approx.is_number:
        return value, None
    if approx == 0:
        return value, None
    return value, 1 if approx > 0 else -1


def _satisfies(p: _Problem, point: dict) -> bool:
    for g, st in p.constraints:
        val, sign = _exact_value(g, point)
        if sign is None:
            if val == 0 and not st:
                continue
            return False
        if sign < 0 or (st and sign == 0):
            return False
    return True


def _try_witness(p: _Problem, relation, point: dict, method: str):
    """Confirm a rational point exactly on the original expression; raise _Done if it refutes."""
    point = {s: Rational(point.get(s, 0)) for s in p.syms}
    if not _satisfies(p, point):
        return False
    orig_point = {p.back[s]: v for s, v in point.items()}
    value, sign = _exact_value(p.original, orig_point)
    if sign is None and value != 0:
        return False
    if sign is None:
        sign = 0
    if sign < 0 or (p.strict and sign == 0):
        ce = {str(p.back[s]): v for s, v in point.items()}
        ce["value"] = value if p.report is p.original else p.report.xreplace(orig_point)
        raise _Done(_verdict(p, relation, "refuted", method, counterexample=ce,
                             subs=orig_point))
    return False


# --------------------------------------------------------------------------- manifest sign

def _manifest(e, strict=False) -> str | None:
    """A rule showing ``e >= 0`` (``> 0`` when strict) term by term, or None."""
    if e.is_Rational:
        return "a nonnegative constant" if (e > 0 or (e == 0 and not strict)) else None
    if e.is_Symbol:
        if e.is_positive or (not strict and e.is_nonnegative):
            return f"{e} is {'positive' if e.is_positive else 'nonnegative'} by assumption"
        return None
    if e.is_Add:
        # Strict: every term nonnegative and at least one positive.
        reasons = [_manifest(t, False) for t in e.args]
        if any(r is None for r in reasons):
            return None
        if strict and not any(_manifest(t, True) for t in e.args):
            return None
        return "a sum of nonnegative terms"
    if e.is_Mul:
        # A product is nonnegative when its negative factors come in even number; we ask each
        # factor to be nonnegative (after pulling out a positive rational coefficient).
        ok = all(_manifest(t, strict) for t in e.args)
        return "a product of nonnegative factors" if ok else None
    if e.is_Pow:
        base, ex = e.args
        if ex.is_Integer and ex.is_even and base.is_real:
            if strict:
                return "an even power of a nonzero quantity" if _manifest_nonzero(base) else None
            return "an even power"
        if ex.is_Rational and _manifest(base, strict):
            return "a power of a nonnegative quantity"
        return None
    if isinstance(e, sympy.exp) and e.args[0].is_real:
        return "exp of a real number is positive"
    if isinstance(e, sympy.Abs) and e.args[0].is_real:
        if strict:
            return "|nonzero|" if _manifest_nonzero(e.args[0]) else None
        return "an absolute value"
    if isinstance(e, (sympy.cosh,)) and e.args[0].is_real:
        return "cosh is positive"
    return None


def _manifest_nonzero(e) -> bool:
    return bool(_manifest(e, True)) or bool(_manifest(-e, True))


# --------------------------------------------------------------------------- polynomials

def _poly(p: _Problem):
    """f and the constraints as exact polynomials over QQ in p.syms, or None."""
    if not p.syms:
        return None
    try:
        f = sympy.Poly(sympy.expand(p.f), *p.syms, domain="QQ")
        gs = [(sympy.Poly(g, *p.syms, domain="QQ"), st) for g, st in p.constraints]
    except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsNeeded):
        return None
    return f, gs


def _pdict(poly) -> dict:
    return {m: Fraction(int(c.p), int(c.q)) for m, c in poly.terms()}


def _madd(a, b):
    return tuple(x + y for x, y in zip(a, b))


def _mul_poly(a: dict, b: dict) -> dict:
    out: dict = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = _madd(ma, mb)
            out[m] = out.get(m, 0) + ca * cb
    return {m: c for m, c in out.items() if c}


# ---- signs of polynomials and rational functions of the parameters

# Sign classes on the domain: strictly positive, nonnegative (may vanish), identically zero,
# nonpositive, strictly negative; None when undecided.  _FREE is a real generator of either sign.
_POS, _NONNEG, _ZERO, _NONPOS, _NEG, _FREE = "> 0", ">= 0", "== 0", "<= 0", "< 0", "real"


def _times(a, b):
    """The sign class of a product."""
    if a is None or b is None:
        return None
    if _ZERO in (a, b):
        return _ZERO
    positive = (a in (_POS, _NONNEG)) == (b in (_POS, _NONNEG))
    strict = a in (_POS, _NEG) and b in (_POS, _NEG)
    return (_POS if strict else _NONNEG) if positive else (_NEG if strict else _NONPOS)


def _power(cls, e: int):
    """The sign class of ``t**e`` (``e >= 1``) for ``t`` of class ``cls``."""
    if e % 2 == 0:
        if cls is None:
            return None  # not known to be real
        return _POS if cls in (_POS, _NEG) else _NONNEG
    return None if cls == _FREE else cls


def _generator_class(s):
    if s.is_positive:
        return _POS
    if s.is_negative:
        return _NEG
    if s.is_nonnegative:
        return _NONNEG
    if s.is_nonpositive:
        return _NONPOS
    return _FREE if s.is_real else None


class _Signs:
    """Sign classes of the elements of a field of rational functions, on the domain the sign
    assumptions of its generators describe (each generator positive, nonnegative, ...,
    or real of either sign; generators are treated as independent, which only loses
    information).  Rules, all exact: a polynomial whose terms are each a rational times a
    monomial of known sign, all of one sign; else its factorization over QQ, an even power of
    any real factor being nonnegative; a ratio by the signs of numerator and denominator."""

    def __init__(self, gens):
        self.gens = tuple(gens)
        self.classes = [_generator_class(s) for s in gens]
        self._known: dict = {}

    @staticmethod
    def terms(poly, classes):
        """The sign class of ``poly`` by its terms alone (None if they disagree)."""
        pos = neg = strict_pos = strict_neg = False
        for monom, c in poly.terms():
            cls = _POS if c > 0 else _NEG
            for e, gen in zip(monom, classes):
                if e:
                    cls = _times(cls, _power(gen, e))
            if cls is None:
                return None
            if cls in (_POS, _NONNEG):
                pos, strict_pos = True, strict_pos or cls == _POS
            else:
                neg, strict_neg = True, strict_neg or cls == _NEG
            if pos and neg:
                return None
        if not (pos or neg):
            return _ZERO
        if pos:
            return _POS if strict_pos else _NONNEG
        return _NEG if strict_neg else _NONPOS

    def poly(self, poly):
        if poly in self._known:
            return self._known[poly]
        cls = self.terms(poly, self.classes)
        if cls is None and len(poly) <= 40:
            cls = self._factored(poly)
        self._known[poly] = cls
        return cls

    def _factored(self, poly):
        """The sign from the factorization, in the ring of the generators ``poly`` uses (a
        factorization in all of them costs a dense recursion through every one)."""
        used = sorted({k for m in poly.itermonoms() for k, e in enumerate(m) if e})
        classes = [self.classes[k] for k in used]
        if len(used) > 6 or None in classes:
            return None
        ring = PolyRing([self.gens[k] for k in used], poly.ring.domain)
        try:
            content, factors = ring.from_dict(
                {tuple(m[k] for k in used): c for m, c in poly.terms()}).factor_list()
        except (sympy.PolynomialError, NotImplementedError):
            return None
        cls = _POS if content > 0 else _NEG
        for factor, m in factors:
            # every factor is real here: an even power of one is >= 0 whatever its sign
            cls = _times(cls, _power(self.terms(factor, classes) or _FREE, m))
        return cls

    def __call__(self, element):
        """The sign class of a rational function (where it is defined)."""
        return _times(self.poly(element.numer), self.poly(element.denom))


# ---- exact LDLᵀ over a field: the rationals, or rational functions of the parameters

@dataclass
class _Elimination:
    """An exact LDLᵀ, ``Q = sum_k d_k l_k l_kᵀ`` with ``l_k = e_k + sum_i L_ik e_i``.

    ``status``: "psd" (every pivot >= 0, each zero row dropped), "negative pivot", "zero
    pivot" (a zero diagonal beside a nonzero entry), "undecided" (a pivot's sign) or "too
    large" (a rational function outgrew the budget); ``at`` and ``rest`` are the index and
    the remaining (Schur complement) matrix where it stopped."""

    status: str
    pivots: list                  # (k, d_k, {i: L_ik}) in elimination order
    at: int | None = None
    rest: dict | None = None


def _rational_class(a):
    return _POS if a > 0 else (_NEG if a < 0 else _ZERO)


def _eliminate(entries: dict, n: int, sign=_rational_class, max_terms=None,
               monomial_denominators=False) -> _Elimination:
    """Exact symmetric elimination of ``{i: {j: a_ij}}`` (nonzero entries, both triangles).

    For rational functions, ``max_terms`` bounds the terms of each entry and
    ``monomial_denominators`` stops at the first denominator with several terms (each
    operation on those costs a gcd that recurses through every generator of the field).

    The next pivot is a strictly positive diagonal entry of the sparsest remaining row
    (fewest fill-ins), else a nonnegative one that may vanish; a negative diagonal, or a zero
    diagonal beside a nonzero entry, shows the matrix is not positive semidefinite (for
    rational functions: somewhere)."""
    A = {i: dict(row) for i, row in entries.items() if row}
    remaining = set(range(n))
    known: dict = {}
    pivots: list = []
    while remaining:
        best = nonneg = undecided = None
        for k in sorted(remaining, key=lambda i: (len(A.get(i, ())), i)):
            row = A.get(k)
            if not row:
                remaining.discard(k)  # a zero row: rank deficiency, no square
                continue
            if k not in row:
                return _Elimination("zero pivot", pivots, k, A)
            if k not in known:
                known[k] = sign(row[k])
            cls = known[k]
            if cls == _POS:
                best = k
                break
            if cls in (_NEG, _NONPOS):
                return _Elimination("negative pivot", pivots, k, A)
            if cls == _NONNEG and nonneg is None:
                nonneg = k
            elif cls is None and undecided is None:
                undecided = k
        best = nonneg if best is None else best
        if best is None:
            if undecided is None:
                break
            return _Elimination("undecided", pivots, undecided, A)
        d = A[best].pop(best)
        row = A.pop(best)
        remaining.discard(best)
        L = {i: a / d for i, a in row.items()}
        for i, li in L.items():
            del A[i][best]
            known.pop(i, None)
            for j, aj in row.items():
                if j < i:
                    continue
                new = A[i].get(j, 0) - li * aj
                if max_terms is not None and (len(new.numer) + len(new.denom) > max_terms
                                              or (monomial_denominators and len(new.denom) > 1)):
                    return _Elimination("too large", pivots, best, A)
                for r, c in ((i, j), (j, i)):
                    if new:
                        A[r][c] = new
                    else:
                        A[r].pop(c, None)
        pivots.append((best, d, L))
    return _Elimination("psd", pivots)


def _elimination_witness(elim: _Elimination) -> dict:
    """A rational vector ``x`` with ``xᵀQx < 0`` where a rational elimination stopped: the
    offending direction of the remaining matrix, with the eliminated coordinates chosen so
    that every completed square vanishes."""
    k, A = elim.at, elim.rest
    x = {}
    if elim.status == "negative pivot":
        x[k] = Fraction(1)
    else:  # zero diagonal: (t, 1) on (k, j) gives 2*a_kj*t + a_jj = -1
        j = min(A[k])
        x[j] = Fraction(1)
        x[k] = -(A[j].get(j, 0) + 1) / (2 * A[k][j])
    for kk, _, L in reversed(elim.pivots):
        x[kk] = -sum((l * x.get(i, 0) for i, l in L.items()), Fraction(0))
    return x


def _dense(G: list) -> dict:
    return {i: {j: a for j, a in enumerate(row) if a} for i, row in enumerate(G)}


# ---- quadratic forms

def _to_fraction(c) -> Fraction:
    return Fraction(int(c.numerator), int(c.denominator))


@dataclass
class _QuadraticForm:
    """``f = xᵀQx`` for the variables ``xs``, ``Q`` over QQ (``signs`` None, entries
    Fractions) or over the rational functions of the parameters (entries FracElements)."""

    xs: list
    entries: dict
    signs: _Signs | None = None
    gens: tuple = ()

    @classmethod
    def of(cls, f, xs):
        """The form, or None when ``f`` is not a quadratic form in ``xs`` whose coefficients
        are rational functions of the other symbols (and of real atoms such as sqrt(mu))."""
        try:
            _, poly = sring(f, *xs)
        except (sympy.PolynomialError, sympy.CoercionFailed):
            return None
        if not poly or any(sum(m) != 2 for m in poly.itermonoms()):
            return None
        monoms, coeffs = list(poly.keys()), list(poly.values())
        dom = poly.ring.domain
        if dom.is_ZZ or dom.is_QQ:
            values, signs, gens = [_to_fraction(c) for c in coeffs], None, ()
        else:
            if (dom.is_PolynomialRing or dom.is_FractionField) and \
                    (dom.domain.is_ZZ or dom.domain.is_QQ):
                to = dom.get_field()
                values = [to.convert_from(c, dom) for c in coeffs]
                gens = tuple(to.symbols)
            else:  # atoms SymPy keeps as expressions (sqrt(2), mu**(1/3)): each a generator
                try:
                    to, values = sfield([dom.to_sympy(c) for c in coeffs])
                except (sympy.PolynomialError, sympy.CoercionFailed, ValueError):
                    return None
                if not (to.domain.is_ZZ or to.domain.is_QQ):
                    return None
                gens = tuple(to.symbols)
            if any(s.has(*xs) or not s.is_real for s in gens):
                return None
            signs = _Signs(gens)
        entries: dict = {}
        for monom, c in zip(monoms, values):
            i, j = [k for k, e in enumerate(monom) for _ in range(e)]
            if i != j:
                c = c / 2
            entries.setdefault(i, {})[j] = c
            entries.setdefault(j, {})[i] = c
        return cls(list(xs), entries, signs, gens)

    def sign(self, a):
        return _rational_class(a) if self.signs is None else self.signs(a)

    def expr(self, a):
        if self.signs is None:
            return Rational(a.numerator, a.denominator)
        return a.as_expr()

    def strict_denominators(self, values) -> bool:
        return self.signs is None or all(self.signs.poly(a.denom) in (_POS, _NEG)
                                         for a in values)

    def continuous(self) -> bool:
        """Whether ``f`` is continuous on the parameter domain, the domain is a product of
        intervals with nonempty interiors (sign assumptions of plain symbols), and so the
        zeros of a nonzero polynomial are nowhere dense in it."""
        return all(isinstance(s, sympy.Symbol) for s in self.gens) and \
            self.strict_denominators(a for row in self.entries.values() for a in row.values())

    def reassembles(self, squares) -> bool:
        """Exact re-check of a certificate: ``sum_k c_k l_k l_kᵀ == Q`` entry by entry."""
        total: dict = {}
        for c, lin in squares:
            for i, li in lin.items():
                for j, lj in lin.items():
                    total[i, j] = total.get((i, j), 0) + c * li * lj
        for i, row in self.entries.items():
            for j, a in row.items():
                total[i, j] = total.get((i, j), 0) - a
        return not any(total.values())

    def ldl_proof(self, elim: _Elimination, show=str):
        """Squares ``(d_k, l_k)``, the zero set ("variables": x = 0, "squares": every l_k = 0,
        or None: not stated), conditions and method of the certificate from a "psd"
        elimination; None when a denominator may vanish and continuity cannot close the gap."""
        squares, strict, loose = [], True, []
        for k, d, L in elim.pivots:
            squares.append((d, {k: 1, **L}))
            if self.signs is None:
                continue
            strict = strict and self.sign(d) == _POS
            for a in (d, *L.values()):
                if self.signs.poly(a.denom) not in (_POS, _NEG) and a.denom not in loose:
                    loose.append(a.denom)
        if loose and not self.continuous():
            return None
        zero = None
        if strict and not loose:
            zero = "variables" if len(squares) == len(self.xs) else "squares"
        if self.signs is None:
            return squares, zero, [], "quadratic form: exact LDLᵀ (completing squares over QQ)"
        conditions = [
            "the identity holds between rational functions of the parameters "
            f"{', '.join(map(show, self.gens))}; every pivot is >= 0 on their domain "
            "(the signs of its numerator's and denominator's terms or factors follow from the "
            "sign assumptions)"]
        if not strict:
            conditions.append("some pivots may vanish on part of the parameter domain; the "
                              "squares they multiply then drop out (the zero set is not stated)")
        if loose:
            conditions.append(
                "the denominators " + ", ".join(show(q.as_expr()) for q in loose[:5]) +
                (", ..." if len(loose) > 5 else "") + " may vanish on the parameter domain, "
                "only on the zeros of a nonzero polynomial, which are nowhere dense in that "
                "domain (a product of intervals with nonempty interiors); off them the identity "
                "shows f >= 0, and f is continuous in the parameters, so f >= 0 everywhere")
        return squares, zero, conditions, ("quadratic form: exact LDLᵀ over the rational "
                                           "functions of the parameters, pivots signed by the "
                                           "assumptions")

    def dominance_proof(self):
        """Diagonal dominance, ``a_ii >= sum_j |a_ij|`` with every sign decided:
        ``f = sum_{i<j} |a_ij| (x_i ± x_j)**2 + sum_i (a_ii - sum_j |a_ij|) x_i**2``.  Cheap
        where the exact LDLᵀ over rational functions swells (a symbolic diagonal)."""
        if not self.strict_denominators(a for row in self.entries.values()
                                        for a in row.values()):
            return None
        squares, strict = [], True
        for i in range(len(self.xs)):
            row = self.entries.get(i, {})
            slack = row.get(i, 0)
            for j, a in row.items():
                if j == i:
                    continue
                cls = self.sign(a)
                if cls not in (_POS, _NONNEG, _NEG, _NONPOS):
                    return None
                size = a if cls in (_POS, _NONNEG) else -a
                slack = slack - size
                if j > i:
                    squares.append((size, {i: 1, j: 1 if size == a else -1}))
            cls = self.sign(slack) if slack else _ZERO
            if cls not in (_POS, _NONNEG, _ZERO):
                return None
            strict = strict and cls == _POS
            if slack:
                squares.append((slack, {i: 1}))
        conditions = ["every off-diagonal entry has a decided sign and every a_ii - sum_j "
                      "|a_ij| is >= 0 on the parameter domain (signs of terms or factors from "
                      "the assumptions); no denominator vanishes there"]
        return squares, "variables" if strict else None, conditions, \
            "quadratic form: diagonal dominance, pivots signed by the assumptions"

    def terms(self, squares) -> list:
        """The certificate's ``(c, l)`` as SymPy expressions."""
        return [(self.expr(c), sympy.Add(*[self.expr(l) * self.xs[i] if l != 1 else self.xs[i]
                                           for i, l in lin.items()]))
                for c, lin in squares]

    def value(self, x: dict):
        return sum((a * x.get(i, 0) * x.get(j, 0) for i, row in self.entries.items()
                    for j, a in row.items()), Fraction(0))

    def at(self, point: dict):
        """The rational form at a rational point of the parameters (None where undefined or
        where a generator is irrational there)."""
        values = []
        for s in self.gens:
            v = s.xreplace(point)
            if not v.is_Rational:
                return None
            values.append(Fraction(int(v.p), int(v.q)))

        def ev(poly):
            return sum((_to_fraction(c) * math.prod(v**e for v, e in zip(values, m) if e)
                        for m, c in poly.terms()), Fraction(0))

        entries: dict = {}
        for i, row in self.entries.items():
            for j, a in row.items():
                den = ev(a.denom)
                if den == 0:
                    return None
                num = ev(a.numer)
                if num:
                    entries.setdefault(i, {})[j] = num / den
        return _QuadraticForm(self.xs, entries)


def _parameter_points(params: list, seed: int = 0, count: int = 24):
    """Rational parameter points for a witness search, each value allowed by the symbol's sign
    assumptions: a few simple common choices, then seeded random combinations."""
    half, tenth = Rational(1, 2), Rational(1, 10)
    base = [1, 2, half, 10, tenth, 4, 3, 100]

    def choices(s):
        if s.is_positive:
            return base
        if s.is_negative:
            return [-v for v in base]
        if s.is_nonnegative:
            return [0, *base]
        if s.is_nonpositive:
            return [0, *[-v for v in base]]
        return [0, 1, -1, 2, -2, half, -half, 10, -10, 4]

    lists = [[Rational(v) for v in choices(s)] for s in params]
    rng = random.Random(seed)
    width = max((len(c) for c in lists), default=0)
    for k in range(count):
        if k < width:
            yield {s: c[k % len(c)] for s, c in zip(params, lists)}
        else:
            yield {s: rng.choice(c) for s, c in zip(params, lists)}


def _form_witness(p: _Problem, relation, form: _QuadraticForm, params: dict, method: str):
    """If the rational form is not PSD, confirm a witness exactly (raises _Done)."""
    elim = _eliminate(form.entries, len(form.xs))
    if elim.status == "psd":
        return
    xs = form.xs
    if len(xs) <= 8:
        # A reader checks (1, -1) faster than (-3/2, 1): try sign vectors first.
        for signs in itertools.product((0, 1, -1), repeat=len(xs)):
            x = {i: s for i, s in enumerate(signs) if s}
            if form.value(x) < 0:
                _try_witness(p, relation, {**params, **{xs[i]: s for i, s in x.items()}},
                             f"{method}; witness among the vectors with entries 0, 1, -1")
                break
    x = _elimination_witness(elim)
    _try_witness(p, relation, {**params, **{xs[i]: Rational(v.numerator, v.denominator)
                                            for i, v in x.items()}},
                 f"{method}: a {elim.status} of the exact LDLᵀ")


def _quadratic_route(p: _Problem, relation):
    xs = p.variables if p.variables is not None else p.syms
    if not xs or p.strict:
        return None
    form = _QuadraticForm.of(p.f, xs)
    if form is None:
        return None
    # With parameters, diagonal dominance first: it costs one sign per entry, and when every
    # slack is > 0 it says all the LDLᵀ would.  The budget stops the rational-function
    # elimination before it swells (a symbolic diagonal makes its pivots continuants with
    # 2**k terms, each a gcd in every generator; with many generators only an elimination
    # whose denominators stay monomials is cheap).
    dominance = None if form.signs is None else form.dominance_proof()
    proof = dominance if dominance is not None and dominance[1] else None
    if proof is None:
        elim = _eliminate(form.entries, len(xs), form.sign,
                          None if form.signs is None else 64, len(form.gens) > 8)
        if elim.status == "psd":
            proof = form.ldl_proof(elim, lambda e: str(_orig(e, p)))
    proof = dominance if proof is None else proof
    if proof is not None and form.reassembles(proof[0]):  # never issue one that fails
        squares, zero, conditions, method = proof
        terms = form.terms(squares)
        # f = 0 exactly where every square vanishes, when every coefficient is > 0
        zero = {"variables": tuple(form.xs), "squares": tuple(lin for _, lin in terms),
                None: None}[zero]
        cert = {"kind": "quadratic form", "offset": 0,
                "terms": [(_orig(c, p), 1, _orig(lin, p)) for c, lin in terms],
                "identity": f"{relation}: f == sum of coefficient * (linear form)**2"}
        if conditions:
            cert["conditions"] = conditions
        raise _Done(_verdict(p, relation, "proved", method, certificate=cert,
                             zero_set=None if zero is None else
                             tuple(_orig(z, p) for z in zero)))
    if form.signs is None:
        _form_witness(p, relation, form, {}, "quadratic form")
        return None
    # Not decided for every parameter: look for parameters where the form is not PSD.
    params = sorted(set().union(*[s.free_symbols for s in form.gens]), key=lambda s: s.name)
    if not set(params) <= set(p.syms):
        return None
    for point in _parameter_points(params):
        at = form.at(point)
        if at is not None:
            _form_witness(p, relation, at, point, "quadratic form at rational parameters")
    return None


# ---- sums of squares

def _monomials(nvars: int, max_deg: int, min_deg: int = 0, caps=None):
    out = []
    for deg in range(min_deg, max_deg + 1):
        for combo in itertools.combinations_with_replacement(range(nvars), deg):
            m = [0] * nvars
            for i in combo:
                m[i] += 1
            if caps is None or all(m[i] <= caps[i] for i in range(nvars)):
                out.append(tuple(m))
    return out


def _sos_route(p: _Problem, relation, polys, log: list, raise_degree: int = 0):
    cp = _optional("cvxpy")
    if cp is None:
        log.append("SOS skipped: cvxpy is not installed (extra 'inequalities')")
        return None
    np = require_extra("numpy", EXTRA)
    f_poly, gs = polys
    n = len(p.syms)
    f = _pdict(f_poly)
    if not f:
        return None
    deg_f = f_poly.total_degree()
    cons = [(g, _pdict(gp), gp.total_degree()) for (gp, _), (g, _) in zip(gs, p.constraints)]
    top = max([deg_f] + [d for _, _, d in cons])
    top += top % 2 + raise_degree
    if top > 8 or n > 8:
        log.append(f"SOS skipped: degree {top} in {n} variables is beyond this route's budget")
        return None
    if p.strict:
        log.append("SOS for a strict inequality: proves f - delta >= 0 for a rational delta > 0")
    # blocks: (multiplier dict, multiplier expr, monomial basis)
    blocks = []
    if cons:
        blocks.append(({(0,) * n: Fraction(1)}, sympy.Integer(1), _monomials(n, top // 2)))
        for g, gd, dg in cons:
            half = (top - dg) // 2
            blocks.append((gd, g, _monomials(n, half)))
    else:
        # Newton-polytope bounds per variable and on the total degree.
        caps = [max(m[i] for m in f) // 2 for i in range(n)]
        lo = min(sum(m) for m in f)
        blocks.append(({(0,) * n: Fraction(1)}, sympy.Integer(1),
                       _monomials(n, deg_f // 2, (lo + 1) // 2, caps)))
    if any(not basis for _, _, basis in blocks) or (not cons and deg_f % 2):
        log.append("SOS skipped: odd degree or an empty monomial basis (not a sum of squares)")
        return None
    # index every monomial that can appear
    index: dict = {(0,) * n: 0}
    for m in f:
        index.setdefault(m, len(index))
    entries = []
    for gd, _, basis in blocks:
        per = []
        for i, a in enumerate(basis):
            for j, b in enumerate(basis):
                ab = _madd(a, b)
                for mg, cg in gd.items():
                    m = _madd(ab, mg)
                    index.setdefault(m, len(index))
                    per.append((index[m], i * len(basis) + j, float(cg)))
        entries.append(per)
    scale = max(abs(c) for c in f.values())
    rhs = np.zeros(len(index))
    for m, c in f.items():
        rhs[index[m]] = float(c / scale)
    import scipy.sparse as sp

    solvers = [s for s in ("CLARABEL", "SCS") if s in cp.installed_solvers()]
    e0 = np.zeros(len(index))
    e0[index[(0,) * n]] = 1.0

    def solve(maximise_offset: bool, offset_value: float):
        """Maximise the margin t of every Gram above 0 (an interior point rounds well), or,
        for a strict inequality, first the largest constant offset delta."""
        Qs = [cp.Variable((len(b), len(b)), symmetric=True) for _, _, b in blocks]
        t = cp.Variable()
        delta = cp.Variable() if maximise_offset else offset_value
        expr = delta * e0
        for Q, per, (_, _, basis) in zip(Qs, entries, blocks):
            rows, cols, vals = zip(*per)
            A = sp.csr_matrix((vals, (rows, cols)), shape=(len(index), len(basis) ** 2))
            expr = expr + A @ cp.vec(Q, order="C")
        constraints = [expr == rhs]
        if maximise_offset:
            constraints += [Q >> 0 for Q in Qs] + [delta <= 1]
            objective = cp.Maximize(delta)
        else:
            constraints += [Q - t * np.eye(Q.shape[0]) >> 0 for Q in Qs] + [t <= 1]
            objective = cp.Maximize(t)
        problem = cp.Problem(objective, constraints)
        status = None
        for solver in solvers:
            try:
                with warnings.catch_warnings():
                    # "inaccurate" is judged below: the certificate is re-checked exactly.
                    warnings.simplefilter("ignore")
                    problem.solve(solver=solver)
                status = problem.status
            except Exception as exc:  # noqa: BLE001  (a solver failure is a route failure)
                log.append(f"SOS: {solver} failed ({type(exc).__name__})")
                continue
            if status in ("optimal", "optimal_inaccurate"):
                break
        if status not in ("optimal", "optimal_inaccurate"):
            log.append(f"SOS: the semidefinite program is {status} (no SOS certificate of "
                       "this degree)")
            return None
        return Qs, (delta.value if maximise_offset else t.value)

    d_num = 0.0
    if p.strict:
        found = solve(True, 0.0)
        if found is None or found[1] is None or found[1] <= 1e-9:
            log.append("SOS: no positive offset delta found for the strict inequality")
            return None
        d_num = float(found[1]) / 2
    found = solve(False, d_num)
    if found is None:
        return None
    Qs, margin = found
    if margin is None or margin < -1e-7:
        log.append(f"SOS: no strictly feasible Gram matrix (margin {margin or 0:.1e}); f is "
                   "probably not a sum of squares at this degree")
        return None
    delta = True if p.strict else None
    for denominator in (10**2, 10**4, 10**6, 10**8, 10**10, 10**12):
        offset = Fraction(0)
        if delta is not None:
            offset = Fraction(math.floor(d_num * denominator), denominator) * scale
            if offset <= 0:
                continue
        grams = [[[Fraction(round(float(Q.value[i, j]) * denominator), denominator) * scale
                   for j in range(Q.shape[0])] for i in range(Q.shape[0])] for Q in Qs]
        for G in grams:
            for i in range(len(G)):
                for j in range(i):
                    G[i][j] = G[j][i] = (G[i][j] + G[j][i]) / 2
        cert = _round_and_project(f, offset, blocks, grams, n)
        if cert is not None:
            return cert, offset, [(g, basis) for _, g, basis in blocks]
    log.append("SOS: the solver found a Gram matrix, but no rational rounding of it re-checked "
               "exactly (positive semidefinite after projection)")
    return None


def _round_and_project(f, offset, blocks, grams, n):
    """Peyrl–Parrilo: keep the rounded multiplier Grams, absorb the rest into the first block by
    the exact orthogonal projection onto its affine constraints, and check every Gram PSD."""
    target = dict(f)
    if offset:
        target[(0,) * n] = target.get((0,) * n, 0) - offset
    for (gd, _, basis), G in zip(blocks[1:], grams[1:]):
        sq = {}
        for i, a in enumerate(basis):
            for j, b in enumerate(basis):
                if G[i][j]:
                    m = _madd(a, b)
                    sq[m] = sq.get(m, 0) + G[i][j]
        for m, c in _mul_poly(sq, gd).items():
            target[m] = target.get(m, 0) - c
    basis0 = blocks[0][2]
    G0 = grams[0]
    where: dict = {}
    for i, a in enumerate(basis0):
        for j, b in enumerate(basis0):
            where.setdefault(_madd(a, b), []).append((i, j))
    if any(c and m not in where for m, c in target.items()):
        return None
    for m, cells in where.items():
        current = sum(G0[i][j] for i, j in cells)
        corr = (target.get(m, 0) - current) / len(cells)
        if corr:
            for i, j in cells:
                G0[i][j] += corr
    for G in grams:
        if _eliminate(_dense(G), len(G)).status != "psd":
            return None
    return grams


def _sos_certificate(p: _Problem, blocks_info, grams):
    """Turn Gram matrices into terms (c, g, l) with c >= 0 via the exact LDLᵀ."""
    terms = []
    for (g, basis), G in zip(blocks_info, grams):
        mons = [sympy.Mul(*[s**k for s, k in zip(p.syms, m)]) for m in basis]
        for k, dk, L in _eliminate(_dense(G), len(G)).pivots:
            lin = mons[k] + sympy.Add(*[Rational(l.numerator, l.denominator) * mons[i]
                                        for i, l in L.items()])
            terms.append((Rational(dk.numerator, dk.denominator), g, lin))
    return terms


# ---- z3

def _z3_route(p: _Problem, relation, polys, log, timeout_ms, trust):
    z3 = _optional("z3")
    if z3 is None:
        log.append("z3 skipped: z3-solver is not installed (extra 'inequalities')")
        return None
    f_poly, gs = polys
    if len(p.syms) > 4 or f_poly.total_degree() > 8:
        log.append("z3 skipped: too many variables or too high a degree for this budget")
        return None
    zs = {s: z3.Real(f"x{i}") for i, s in enumerate(p.syms)}

    def enc(poly):
        out = z3.RealVal(0)
        for m, c in poly.terms():
            term = z3.RealVal(f"{c.p}/{c.q}")
            for s, k in zip(p.syms, m):
                for _ in range(k):
                    term = term * zs[s]
            out = out + term
        return out

    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    for gp, st in gs:
        solver.add(enc(gp) > 0 if st else enc(gp) >= 0)
    fz = enc(f_poly)
    solver.add(fz <= 0 if p.strict else fz < 0)
    answer = solver.check()
    if answer == z3.unsat:
        status = "proved" if trust else "numerically verified"
        cert = {"kind": "z3", "identity": f"z3 found no real point violating {relation} "
                "(nlsat decision procedure, exact arithmetic); not re-checked by this toolkit"}
        raise _Done(_verdict(p, relation, status, "z3 nonlinear real arithmetic (unsat)",
                             certificate=cert if trust else None,
                             reason=None if trust else "z3 decided, in exact arithmetic, that "
                             "no point of the domain violates the inequality; its answer is "
                             "not a certificate this toolkit re-checks (pass trust_z3=True to "
                             "count it as proved)"))
    if answer == z3.sat:
        model = solver.model()
        point = {}
        for s, zv in zs.items():
            val = model.eval(zv, model_completion=True)
            if z3.is_rational_value(val):
                point[s] = Rational(val.numerator_as_long(), val.denominator_as_long())
            else:  # an algebraic number: round it and confirm exactly
                point[s] = Rational(val.approx(30).as_fraction().numerator,
                                    val.approx(30).as_fraction().denominator) \
                    if hasattr(val, "approx") else Rational(0)
        _try_witness(p, relation, point, "z3 model, confirmed by exact evaluation")
        log.append("z3 found a violating point that did not survive rational rounding")
        return point
    log.append(f"z3: {answer} within {timeout_ms} ms")
    return None


# ---- witness search

def _search(p: _Problem, relation, seed: int, starts: int, log, hint=None):
    """Seeded multi-start local minimisation of f under penalised constraints; every candidate
    is rounded to rationals and confirmed exactly.  Returns the smallest value found."""
    import numpy as np
    from scipy.optimize import minimize

    syms = p.syms
    n = len(syms)
    try:
        fn = sympy.lambdify(syms, p.f, "numpy")
        gfns = [sympy.lambdify(syms, g, "numpy") for g, _ in p.constraints]
    except Exception:  # noqa: BLE001  (an expression NumPy cannot evaluate: no search)
        return None, 0

    def val(x, fun):
        # Float evaluation only steers the search; every witness is confirmed exactly.
        try:
            with np.errstate(all="ignore"):
                r = complex(fun(*[float(t) for t in x]))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError, AttributeError):
            return float("inf")
        if not math.isfinite(r.real) or abs(r.imag) > 1e-12 * (1 + abs(r.real)):
            return float("inf")
        return r.real

    def objective(x):
        v = val(x, fn)
        pen = 0.0
        for g in gfns:
            gv = val(x, g)
            if not math.isfinite(gv):
                return 1e300
            pen += max(0.0, -gv) ** 2
        if not math.isfinite(v):
            return 1e300
        return v + 1e6 * pen

    rng = random.Random(seed)
    bounds = []
    for s in syms:
        lo = 0.0 if s.is_nonnegative else None
        hi = 0.0 if s.is_nonpositive else None
        bounds.append((lo, hi))
    best = (float("inf"), None)
    starts_list = []
    if hint is not None:
        starts_list.append([float(hint.get(s, 0)) for s in syms])
    for _ in range(starts):
        x0 = []
        for s in syms:
            mag = 10 ** rng.uniform(-1.5, 1.5)
            sign = 1 if s.is_nonnegative else (-1 if s.is_nonpositive else rng.choice((-1, 1)))
            x0.append(sign * mag)
        starts_list.append(x0)
    starts_list.append([1.0 if not s.is_nonpositive else -1.0 for s in syms])
    starts_list.append([0.0] * n)
    for x0 in starts_list:
        candidates = [np.array(x0, dtype=float)]
        try:
            res = minimize(objective, np.array(x0, dtype=float), method="L-BFGS-B",
                           bounds=bounds, options={"maxiter": 200})
            candidates.append(res.x)
        except (ValueError, OverflowError, FloatingPointError):
            pass
        for x in candidates:
            if not np.all(np.isfinite(x)):
                continue
            v = val(x, fn)
            feasible = all(val(x, g) >= -1e-12 for g in gfns)
            if feasible and v < best[0]:
                best = (v, x)
            if feasible and v <= (0 if p.strict else 1e-9 * (1 + abs(v))):
                for den in (1, 10, 100, 10**3, 10**4, 10**6, 10**9, 10**12):
                    point = {s: Rational(Fraction(float(t)).limit_denominator(den))
                             for s, t in zip(syms, x)}
                    _try_witness(p, relation, point, "witness search (seeded multi-start "
                                 "local minimisation), confirmed by exact evaluation")
    return best, len(starts_list)


# --------------------------------------------------------------------------- certificate check

def check_certificate(f, certificate: dict, constraints=()) -> bool:
    """Re-check ``f - offset == sum c*g*l**2`` exactly, ``offset >= 0``, each ``c >= 0`` and
    each multiplier ``g`` equal to 1 or to one of ``constraints`` (each assumed ``>= 0``).

    A coefficient ``c`` may hold parameters: it counts as ``>= 0`` when it is manifestly so,
    or when it is a ratio of polynomials whose terms (or factors) have signs that follow from
    the symbols' own assumptions (``nonnegative=True``, ...).  The identity is checked between
    rational functions, so it holds wherever no denominator vanishes; a certificate whose
    denominators may vanish on the domain says in its ``conditions`` why that is enough.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> check_certificate(x**2 - 2*x*y + 2*y**2, {"terms": [(1, 1, x - y), (1, 1, y)]})
    True
    >>> check_certificate(x**2 - 2*x*y + 2*y**2, {"terms": [(1, 1, x), (2, 1, y)]})
    False
    """
    terms = certificate.get("terms")
    if not terms:
        return False
    offset = as_sympy(certificate.get("offset", 0), argument="certificate['offset']")
    if not (offset.is_Rational and offset >= 0):
        return False
    f = as_sympy(f, argument="f")
    allowed = {sympy.Integer(1)} | {sympy.expand(g) for g in constraints}
    parsed = []
    for c, g, lin in terms:
        c = as_sympy(c, argument="certificate['terms'] coefficient")
        g = as_sympy(g, argument="certificate['terms'] multiplier")
        lin = as_sympy(lin, argument="certificate['terms'] square")
        if sympy.expand(g) not in allowed:
            return False
        parsed.append((c, g, lin))
    # Exact arithmetic on rational functions (SymPy's sparse polynomials), every symbol and
    # every other atom (sqrt(mu), exp(x)) a generator of its own: fast, and an identity there
    # is an identity after substitution.  Relations between atoms (sqrt(mu)**2 == mu) are only
    # seen by the expansion below.
    try:
        field_, elems = sfield([f, offset, *[e for term in parsed for e in term]])
    except (sympy.PolynomialError, sympy.CoercionFailed, ValueError):
        field_ = None
    if field_ is not None and not (field_.domain.is_ZZ or field_.domain.is_QQ):
        field_ = None
    signs = None if field_ is None else _Signs(field_.symbols)
    total = None if field_ is None else elems[0] - elems[1]
    for k, (c, g, lin) in enumerate(parsed):
        if not (c.is_Rational and c >= 0):
            ok = signs is not None and signs(elems[2 + 3 * k]) in (_POS, _NONNEG, _ZERO)
            if not ok and not _manifest(c) and not _manifest(sympy.cancel(c)):
                return False
        if total is not None:
            cf, gf, lf = elems[2 + 3 * k: 5 + 3 * k]
            total = total - cf * gf * lf**2
    if total is not None:
        if not total:
            return True
        if all(isinstance(s, sympy.Symbol) for s in field_.symbols):
            return False  # independent generators: the field's verdict is final
    residual = f - offset - sum(c * g * lin**2 for c, g, lin in parsed)
    return sympy.expand(sympy.cancel(sympy.expand(residual))) == 0


# --------------------------------------------------------------------------- the deciders

def _decide(f, strict: bool, relation: str, *, assume, variables, seed, starts, use_sos,
            use_z3, trust_z3, z3_timeout_ms, report=None) -> InequalityVerdict:
    p = _setup(f, strict, assume, variables, report)
    log: list[str] = []
    try:
        _decide_routes(p, relation, log, seed, starts, use_sos, use_z3, trust_z3, z3_timeout_ms)
    except _Done as done:
        return done.verdict
    raise AssertionError("unreachable")  # _decide_routes always ends with _Done


def _decide_routes(p, relation, log, seed, starts, use_sos, use_z3, trust_z3, z3_timeout_ms):
    # 0. constants: decided exactly when rational, else by error-tracked evaluation.
    if not p.f.free_symbols:
        value, sign = _exact_value(p.f, {})
        if sign is None and value == 0:
            sign = 0
        if sign is not None:
            ok = sign > 0 or (sign == 0 and not p.strict)
            if ok:
                raise _Done(_verdict(p, relation, "proved", "exact evaluation of a constant",
                                     certificate={"kind": "constant", "value": str(value)}))
            raise _Done(_verdict(p, relation, "refuted", "exact evaluation of a constant",
                                 counterexample={"value": p.report}, subs={}))
    # 1. quadratic forms: exact, and they say where f = 0.
    _quadratic_route(p, relation)
    # 2. manifest sign (SymPy's structure only: no expansion, no inference beyond the rules).
    rule = _manifest(p.f, p.strict)
    if rule:
        raise _Done(_verdict(p, relation, "proved", "manifest sign",
                             certificate={"kind": "manifest", "identity": rule}))
    # Feasibility of the assumptions (z3, when available and polynomial).
    polys = _poly(p)
    if polys is not None:
        _check_feasible(p, polys, log)
    hint = None
    if polys is not None:
        # 3. sums of squares (with Putinar multipliers for the constraints).
        if use_sos:
            found = _sos_route(p, relation, polys, log)
            if found is None and p.constraints:
                # Putinar's multipliers often need one more degree (x(1-x) on [0, 1] is
                # x*(1-x)**2 + (1-x)*x**2).
                found = _sos_route(p, relation, polys, log, raise_degree=2)
            if found is not None:
                grams, offset, info = found
                terms = _sos_certificate(p, info, grams)
                off = Rational(offset.numerator, offset.denominator)
                if check_certificate(p.f, {"terms": terms, "offset": off},
                                     [g for g, _ in p.constraints]):
                    cert = {"kind": "sum of squares" + (" with Putinar multipliers"
                                                        if len(info) > 1 else ""),
                            "offset": _orig(off, p),
                            "terms": [(c, _orig(g, p), _orig(lin, p)) for c, g, lin in terms],
                            "identity": f"{relation}: f - offset == sum c * g * l**2, c >= 0, "
                                        "g = 1 or an assumption g >= 0",
                            "gram_sizes": [len(b) for _, b in info]}
                    raise _Done(_verdict(p, relation, "proved",
                                         "sum of squares (SDP, rounded and re-checked exactly)",
                                         certificate=cert))
                log.append("SOS: the rounded certificate failed the exact re-check")
        # 4. z3.
        if use_z3:
            hint = _z3_route(p, relation, polys, log, z3_timeout_ms, trust_z3)
    # 5. witness search.
    best, used = _search(p, relation, seed, starts, log, hint)
    log_text = "; ".join(log)
    if best is None or used == 0:
        raise _Done(_verdict(p, relation, "inconclusive", "no route closed it",
                             reason="the expression could not be evaluated numerically"
                             + (f" ({log_text})" if log_text else "")))
    value, x = best
    if x is None:
        raise _Done(_verdict(p, relation, "inconclusive", "no route closed it",
                             reason="no feasible point was found by the search "
                             "(are the assumptions satisfiable?)"
                             + (f"; {log_text}" if log_text else "")))
    scale = 1.0
    tol = 1e-9
    where = ", ".join(f"{n_}={t:.6g}" for n_, t in zip(p.names(), x))
    if value >= -tol * scale and not (p.strict and value <= tol):
        reason = (f"smallest value of f found: {value:.3e} at ({where}), over {used} seeded "
                  f"local minimisations (seed {seed}; starts with |x| from 0.03 to 30, both "
                  f"signs unless assumed); values above -{tol:g} count as nonnegative "
                  "(round-off of float evaluation)")
        if log_text:
            reason += f"; {log_text}"
        raise _Done(_verdict(p, relation, "numerically verified",
                             "witness search found no violation", points=used,
                             max_residual=value, reason=reason))
    raise _Done(_verdict(p, relation, "inconclusive", "no route closed it", points=used,
                         max_residual=value,
                         reason=f"the search found f = {value:.3e} at ({where}), but no rational "
                         "point near it violates the inequality exactly"
                         + (f"; {log_text}" if log_text else "")))


def _check_feasible(p, polys, log):
    if not p.constraints:
        return
    z3 = _optional("z3")
    if z3 is None:
        return
    f_poly, gs = polys
    if len(p.syms) > 6:
        return
    zs = {s: z3.Real(f"x{i}") for i, s in enumerate(p.syms)}

    def enc(poly):
        out = z3.RealVal(0)
        for m, c in poly.terms():
            term = z3.RealVal(f"{c.p}/{c.q}")
            for s, k in zip(p.syms, m):
                for _ in range(k):
                    term = term * zs[s]
            out = out + term
        return out

    solver = z3.Solver()
    solver.set("timeout", 2000)
    for gp, st in gs:
        solver.add(enc(gp) > 0 if st else enc(gp) >= 0)
    if solver.check() == z3.unsat:
        shown = ", ".join(f"{_orig(g, p)} {'>' if st else '>='} 0" for g, st in p.constraints)
        raise InvalidArgument("assume", shown, "is infeasible: no real point satisfies every "
                              "assumption (decided by z3), so every inequality would hold "
                              "vacuously", "check the assumptions")


# --------------------------------------------------------------------------- public API

def _options(seed, starts, z3_timeout_ms):
    for name, v, low in (("seed", seed, None), ("starts", starts, 1),
                         ("z3_timeout_ms", z3_timeout_ms, 1)):
        if not isinstance(v, int) or isinstance(v, bool) or (low is not None and v < low):
            raise InvalidArgument(name, v, "must be an integer" +
                                  (f" >= {low}" if low is not None else ""))


def prove_nonnegative(expr, *, assume=None, variables=None, strict: bool = False,
                      seed: int = 0, starts: int = 24, use_sos: bool = True,
                      use_z3: bool = True, trust_z3: bool = True,
                      z3_timeout_ms: int = 3000) -> InequalityVerdict:
    """Decide ``expr >= 0`` (``> 0`` with ``strict``) on the declared domain, with a certificate.

    Parameters
    ----------
    expr : sympy expression
        Never a string (parse text with :func:`parse_relation` or
        :func:`inertia_verify.parse_expression`).
    strict : bool
        Decide ``expr > 0``.
    assume : relational or iterable of relationals, optional
        Extra assumptions: ``x >= 0``, ``x <= 1``, ``x**2 + y**2 <= 1``, ``gamma >= 0`` (sympy
        relationals, ``And``, or ``(lhs, op, rhs)`` tuples).  Symbols' own assumptions
        (``positive=True``, ...) are respected too.  An infeasible set is an error.
    variables : sequence of Symbols, optional
        The variables of a quadratic form whose coefficients hold the other symbols
        (parameters); every symbol is still quantified over its domain.
    seed, starts : int
        Seed and number of starts of the witness search.
    use_sos, use_z3 : bool
        Whether to try the SOS and z3 routes (skipped anyway when not installed).
    trust_z3 : bool
        Count z3's "no violating point" as proved (default True: nlsat is a complete decision
        procedure in exact arithmetic; the method names z3, and the certificate says it is not
        re-checked by this toolkit).  False reports it as numerically verified instead.
    z3_timeout_ms : int
        Time budget of z3.

    Returns
    -------
    InequalityVerdict
        ``proved`` with a certificate, ``refuted`` with an exact counterexample, or
        ``numerically verified`` / ``inconclusive`` with the reason.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> print(prove_nonnegative(x**2 + 3*y**4))
    proved (manifest sign)
    >>> v = prove_nonnegative(x**2 - 2*x*y + 2*y**2)
    >>> v.status, v.method.startswith("quadratic form"), v.zero_set
    ('proved', True, (x, y))
    >>> v = prove_nonnegative(x**2 + 3*x*y + y**2)
    >>> v.status, v.counterexample
    ('refuted', {'x': 1, 'y': -1, 'value': -1})
    >>> prove_nonnegative(x*(1 - x), assume=[x >= 0, x <= 1], use_sos=False,
    ...                   trust_z3=True).status
    'proved'
    """
    _options(seed, starts, z3_timeout_ms)
    relation = f"{_show(expr)} {'>' if strict else '>='} 0"
    return _decide(expr, strict, relation, assume=assume, variables=variables, seed=seed,
                   starts=starts, use_sos=use_sos, use_z3=use_z3, trust_z3=trust_z3,
                   z3_timeout_ms=z3_timeout_ms)


def prove_nonpositive(expr, *, strict: bool = False, **options) -> InequalityVerdict:
    """Decide ``expr <= 0`` (``< 0`` with ``strict``); the same options as
    :func:`prove_nonnegative`.  The verdict's ``expression`` is ``expr`` itself and a
    counterexample's ``value`` is the value of ``expr`` there (positive when refuted).

    Parameters
    ----------
    expr : sympy expression
        Never a string.
    strict : bool
        Decide ``expr < 0``.
    **options
        The options of :func:`prove_nonnegative`: ``assume``, ``variables``, ``seed``,
        ``starts``, ``use_sos``, ``use_z3``, ``trust_z3``, ``z3_timeout_ms``.

    Returns
    -------
    InequalityVerdict

    Examples
    --------
    >>> import sympy
    >>> v1, v2 = sympy.symbols("v1 v2")
    >>> v = prove_nonpositive(-(v1**2 + 3*v1*v2 + v2**2))
    >>> v.status, {k: v.counterexample[k] for k in ("v1", "v2")}, v.counterexample["value"]
    ('refuted', {'v1': 1, 'v2': -1}, 1)
    """
    if isinstance(expr, str):
        raise InvalidArgument("expr", expr, "is a string; the prover never parses text",
                              "parse it with inertia_verify.parse_expression")
    seed, starts = options.pop("seed", 0), options.pop("starts", 24)
    z3t = options.pop("z3_timeout_ms", 3000)
    _options(seed, starts, z3t)
    relation = f"{_show(expr)} {'<' if strict else '<='} 0"
    expr = as_sympy(expr, argument="expr")
    return _decide(-expr, strict, relation, report=expr, assume=options.pop("assume", None),
                   variables=options.pop("variables", None), seed=seed, starts=starts,
                   use_sos=options.pop("use_sos", True), use_z3=options.pop("use_z3", True),
                   trust_z3=options.pop("trust_z3", True), z3_timeout_ms=z3t,
                   **_no_more(options))


def _no_more(options):
    if options:
        name = next(iter(options))
        raise InvalidArgument(name, options[name], "is not an option of the inequality prover",
                              "see help(prove_nonnegative)")
    return {}


def prove_inequality(lhs, op: str, rhs, **options) -> InequalityVerdict:
    """Decide ``lhs op rhs`` for ``op`` in ``>=, <=, >, <``; options as for
    :func:`prove_nonnegative`.

    Parameters
    ----------
    lhs, rhs : sympy expression
        The two sides (never strings: parse text with :func:`parse_relation`).
    op : {">=", "<=", ">", "<"}
        The comparison.
    **options
        The options of :func:`prove_nonnegative`: ``assume``, ``variables``, ``seed``,
        ``starts``, ``use_sos``, ``use_z3``, ``trust_z3``, ``z3_timeout_ms``.

    Returns
    -------
    InequalityVerdict
        Its ``expression`` is ``lhs - rhs``.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", positive=True)
    >>> print(prove_inequality(a**2 + b**2, ">=", 2*a*b))
    proved (quadratic form: exact LDLᵀ (completing squares over QQ))
    >>> prove_inequality(a + b, "<", 2).status
    'refuted'
    """
    if op not in _OPS:
        raise InvalidArgument("op", op, "is not an inequality", "use '>=', '<=', '>' or '<'")
    for name, side in (("lhs", lhs), ("rhs", rhs)):
        if isinstance(side, str):
            raise InvalidArgument(name, side, "is a string; the prover never parses text",
                                  "parse it with inertia_verify.parse_relation")
    lhs, rhs = as_sympy(lhs, argument="lhs"), as_sympy(rhs, argument="rhs")
    f = lhs - rhs if op in (">=", ">") else rhs - lhs
    seed, starts = options.pop("seed", 0), options.pop("starts", 24)
    z3t = options.pop("z3_timeout_ms", 3000)
    _options(seed, starts, z3t)
    return _decide(f, op in (">", "<"), f"{_show(lhs)} {op} {_show(rhs)}", report=lhs - rhs,
                   assume=options.pop("assume", None),
                   variables=options.pop("variables", None), seed=seed, starts=starts,
                   use_sos=options.pop("use_sos", True), use_z3=options.pop("use_z3", True),
                   trust_z3=options.pop("trust_z3", True), z3_timeout_ms=z3t,
                   **_no_more(options))
