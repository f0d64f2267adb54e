"""Zero-equivalence prover with certificates.

Every check in the toolkit reduces to "is this expression identically zero?".  :func:`prove_zero`
answers with a :class:`Verdict` that says *how* it knows:

* ``proved``: an exact SymPy route reduced the expression to 0;
* ``refuted``: a point of the declared domain where the expression is not zero, confirmed on the
  *original* expression (exactly, or at two working precisions that agree);
* ``numerically verified``: no exact route closed it, but the expression vanished at every point
  sampled over its declared domain (evidence, never proof; the domain and the points are stated);
* ``inconclusive``: neither, with the reason (points that could not be evaluated or settled, a
  refutation that would rest on an unproved equality, ...).

**Domains.**  Coordinates of learning dynamics are real numbers of either sign and any size, so a
symbol without assumptions is sampled on the whole real line: both signs, magnitudes spread
log-uniformly over ``10**-3 .. 10**3``.  Assumptions narrow it: ``positive``/``nonnegative``/
``negative``/``nonpositive`` symbols keep their sign, ``integer`` symbols are integers with
magnitudes up to ``10**6``.  Expressions with non-analytic pieces (``Abs``, ``sign``,
``Heaviside``, ``Max``/``Min``, ``Piecewise``, ``floor``/``ceiling``/``frac``, ``Mod``) or branch
functions (fractional powers, ``log``, ``asin``/``acos``/``atan2``, ...; poles split the domain
too) defeat the identity theorem, so for them every sign pattern of the free symbols is sampled
(all of them up to six symbols) and, for each breakpoint (the argument of ``Abs``, a difference
of ``Max`` arguments, the branch point of ``sqrt``, the integers crossed by ``floor``, ...), the
prover looks for its zeros along each coordinate and samples both sides of each zero it finds.

**Tolerance.**  A point is settled at two working precisions, ``digits`` and ``2*digits`` (more
when needed, up to ``8*digits``): it counts as a zero when the value is below
``10**(10 - p)`` times the largest top-level term at both precisions, and as nonzero when two
precisions give the same nonzero value to eight digits.  There is no absolute floor:
``exp(-200)*x`` is nonzero.  When an exact route has already cancelled the large terms, the
reduced form is evaluated too, so a nonzero residual hidden under big terms that cancel (an
``exp(-200)`` next to terms of size 1) is found and then confirmed on the original at a
precision chosen from the size of its terms.

**Abstract functions** are handled through their jets: at a point, the values of a C^k function
and of its partial derivatives up to order k are arbitrary and independent, so an expression built
from ``L(x, y)``, ``Derivative(L(x, y), x)``, ... vanishes for every function iff it vanishes as a
function of those values.  Each jet is keyed by (function, orders of the partial derivatives,
arguments); two jets whose arguments are equal as expressions (decided by this prover:
``L(sin(x)**2 + cos(x)**2)`` and ``L(1)``) are one jet.  A refuting point must be one at which an
actual function exists: jets of one function whose arguments take the same value there must get
the same value.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction
from dataclasses import dataclass, field

import mpmath
import sympy
from sympy import Derivative, Dummy, Expr, Float, Rational, Subs, latex
from sympy.core.basic import _args_sortkey
from sympy.core.function import AppliedUndef
from sympy.core.traversal import iterargs
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction
from sympy.matrices import MatrixBase

from inertia_verify._display import expression_text
from inertia_verify._errors import InvalidArgument

__all__ = ["Verdict", "prove_zero", "prove_equal", "STATUSES"]

#: Verdict statuses, weakest first.
STATUSES = ("refuted", "inconclusive", "numerically verified", "proved")
_SHOWN = 6  # coordinates of a counterexample shown by str()/LaTeX; the dict keeps them all


@dataclass(frozen=True)
class Verdict:
    """The outcome of a zero test, with enough detail to re-check it.

    ``counterexample`` maps names (``"x"``, ``"Derivative(L(x, y), x)"``) to values plus the key
    ``"value"`` for the nonzero value (and ``"entry"`` for a matrix); ``subs`` holds the same point
    as ``{sympy node: exact number}``, ready for ``verdict.expression.xreplace(verdict.subs)``
    when every derivative in the expression is a jet (``Derivative(L(x, y), x)``); a derivative
    of a composition (``Derivative(L(x**2), x)``) is spelled out in jets first, so apply ``subs``
    to ``expression.doit()`` there.
    ``domain`` says where points were sampled; ``reason`` says why a verdict is inconclusive.

    Attributes
    ----------
    status : {"proved", "numerically verified", "refuted", "inconclusive"}
        The verdict (also as the properties ``proved``, ``holds``, ``refuted``,
        ``inconclusive``).
    method : str
        The route that decided it (``"simplify"``, ``"polynomial normal form"``, ...).
    expression : sympy.Basic
        The expression tested for zero.
    residual : sympy.Basic or None
        What the exact route left over, when it did not reach 0.
    points, digits : int
        How many points were evaluated, at how many significant digits.
    max_residual : float or None
        The largest absolute value found at the sample points.
    counterexample : dict or None
        A point where the expression is nonzero, and its ``"value"`` there.
    subs : dict or None
        The same point as ``{sympy node: exact number}``.
    domain : str
        Where the points were sampled.
    reason : str or None
        Why the verdict is inconclusive (or numerically verified).

    Examples
    --------
    >>> import sympy
    >>> from inertia_verify import prove_zero
    >>> x = sympy.Symbol("x")
    >>> v = prove_zero(sympy.sin(x)**2 + sympy.cos(x)**2 - 1)
    >>> v.status, v.proved, v.holds
    ('proved', True, True)
    >>> prove_zero(x**2 - x).refuted
    True
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
    domain: str = ""
    reason: str | None = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown verdict status {self.status!r}")

    @property
    def proved(self) -> bool:
        """True when an exact route reduced the expression to 0."""
        return self.status == "proved"

    @property
    def holds(self) -> bool:
        """True when proved or numerically verified (never for inconclusive)."""
        return self.status in ("proved", "numerically verified")

    @property
    def refuted(self) -> bool:
        """True when a confirmed counterexample was found."""
        return self.status == "refuted"

    @property
    def inconclusive(self) -> bool:
        """True when the prover could neither verify nor refute."""
        return self.status == "inconclusive"

    def _where(self) -> tuple[str, list[tuple[str, object]], object]:
        ce = dict(self.counterexample or {})
        value = ce.pop("value", None)
        entry = ce.pop("entry", None)
        return (f"entry {entry} " if entry is not None else ""), list(ce.items()), value

    def __str__(self) -> str:
        if self.proved:
            return f"proved ({self.method})"
        if self.status == "numerically verified":
            worst = "0" if not self.max_residual else f"{self.max_residual:.0e}"
            how = (f"{self.points} points at {self.digits} digits" if self.points > 1
                   else f"evaluated at {self.digits} digits")
            return f"numerically verified: {how}, largest residual {worst}"
        if self.inconclusive:
            return f"inconclusive: {self.reason}"
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
        if self.status == "numerically verified":
            return rf"$\text{{{_text(str(self))}}}: \; {tex} \approx 0$"
        if self.inconclusive:
            return rf"$\text{{{_text(str(self))}}}: \; {tex} \overset{{?}}{{=}} 0$"
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
                "expression": expression_text(self.expression),
                "residual": None if self.residual is None else expression_text(self.residual),
                "points": self.points, "digits": self.digits,
                "max_residual": None if self.max_residual is None else float(self.max_residual),
                "domain": self.domain, "reason": self.reason,
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
                              "parse it first with inertia_verify.parse_expression")
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


@dataclass(frozen=True)
class _Options:
    digits: int
    points: int
    seed: int
    box: tuple[float, float] | None
    max_ops: int
    depth: int = 0  # nesting of prover calls deciding jet arguments


def _check_options(digits, points, seed, domain, max_exact_ops) -> _Options:
    for name, v, low in (("digits", digits, 15), ("points", points, 1),
                         ("max_exact_ops", max_exact_ops, 0)):
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise InvalidArgument(name, v, f"must be an integer >= {low}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InvalidArgument("seed", seed, "must be an integer")
    box = None
    if domain is not None:
        try:
            a, b = (float(d) for d in domain)
        except (TypeError, ValueError):
            raise InvalidArgument("domain", domain, "must be None or a pair of numbers (low, high)",
                                  "leave it None to sample each symbol's declared domain") from None
        if not (math.isfinite(a) and math.isfinite(b) and a < b):
            raise InvalidArgument("domain", domain, "must be finite with low < high")
        box = (a, b)
    return _Options(digits, points, seed, box, max_exact_ops)


# --------------------------------------------------------------------------- jets

_BOUND: list[Dummy] = []  # canonical bound variables for Subs of non-jets


def _jet_key(n):
    """(function, derivative orders per argument slot, arguments) of a jet node, else None.

    ``L(a, b)``, ``Derivative(L(x, y), x)`` when ``x`` is one argument slot and appears in no
    other, and ``Subs`` of either at a point are jets; ``Derivative(L(x, x + y), x)`` is not (it is
    a combination of jets that ``doit`` spells out)."""
    if isinstance(n, AppliedUndef):
        return (n.func, (0,) * len(n.args), tuple(n.args))
    if isinstance(n, Derivative) and isinstance(n.expr, AppliedUndef):
        args = n.expr.args
        counts = [0] * len(args)
        for var, k in n.variable_count:
            slots = [i for i, a in enumerate(args) if a == var]
            if len(slots) != 1 or any(a.has(var) for i, a in enumerate(args) if i != slots[0]):
                return None
            counts[slots[0]] += int(k)
        return (n.expr.func, tuple(counts), tuple(args))
    if isinstance(n, Subs):
        inner = _jet_key(n.expr)
        if inner is None:
            return None
        func, counts, args = inner
        point = dict(zip(n.variables, n.point))
        return (func, counts, tuple(a.xreplace(point) for a in args))
    return None


def _prepare(expr):
    """Spell out derivatives and Subs that are not jets (derivatives of products, of ``L(X(t))``
    with respect to ``t``, ...) until only jets of undefined functions remain."""
    e = expr
    for _ in range(8):
        changed = False
        if e.has(Derivative):
            new = e.replace(lambda n: isinstance(n, Derivative) and _jet_key(n) is None,
                            lambda n: n.doit(deep=False))
            changed, e = changed or new != e, new
        if e.has(Subs):
            new = e.replace(lambda n: isinstance(n, Subs) and _jet_key(n) is None,
                            lambda n: n.doit())
            changed, e = changed or new != e, new
        if not changed:
            break
    return e


def _jet_nodes(e):
    return [n for n in sympy.preorder_traversal(e)
            if isinstance(n, (AppliedUndef, Derivative, Subs)) and _jet_key(n) is not None]


@dataclass
class _Jets:
    """Jet dummies of one expression: which nodes they stand for and how they were merged."""
    dummies: dict = field(default_factory=dict)     # node -> Dummy
    keys: dict = field(default_factory=dict)        # Dummy -> (func, counts, args with dummies)
    spellings: dict = field(default_factory=dict)   # Dummy -> set of nodes
    canonical: dict = field(default_factory=dict)   # Dummy -> one node (for names)
    numeric_merges: list = field(default_factory=list)  # (node, node) merged on numerics only
    undecided: list = field(default_factory=list)       # (node, node) neither merged nor apart


def _args_equal(a_args, b_args, opts: _Options) -> str:
    """'proved', 'numeric', 'different' or 'undecided' for two argument tuples."""
    if len(a_args) != len(b_args):
        return "different"
    worst = "proved"
    for a, b in zip(a_args, b_args):
        if a == b:
            continue
        if opts.depth >= 3:
            return "undecided"
        v = _prove_scalar(a - b, _Options(opts.digits, 4, opts.seed, opts.box, opts.max_ops,
                                          opts.depth + 1))
        if v.refuted:
            return "different"
        if v.status == "numerically verified":
            worst = "numeric"
        elif not v.proved:
            return "undecided"
    return worst


def _replace_jets(expr, opts: _Options):
    """Return (expression with jets replaced by real Dummies, _Jets)."""
    jets = _Jets()
    if not expr.has(AppliedUndef):
        return expr, jets
    e = _prepare(expr)
    nodes = list(dict.fromkeys(_jet_nodes(e) + _jet_nodes(expr)))
    by_key: dict = {}
    for n in nodes:
        func, counts, args = _jet_key(n)
        key = (func, counts, tuple(sympy.expand(a) for a in args))
        by_key.setdefault(key, []).append(n)
    # Union of keys whose arguments are equal as expressions (decided by the prover).
    keys = list(by_key)
    parent = list(range(len(keys)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    groups: dict = {}
    for i, (func, counts, _) in enumerate(keys):
        groups.setdefault((func, counts), []).append(i)
    for members in groups.values():
        for i, j in itertools.combinations(members, 2):
            if root(i) == root(j):
                continue
            how = _args_equal(keys[i][2], keys[j][2], opts)
            if how in ("proved", "numeric"):
                parent[root(j)] = root(i)
                if how == "numeric":
                    jets.numeric_merges.append((by_key[keys[i]][0], by_key[keys[j]][0]))
            elif how == "undecided":
                jets.undecided.append((by_key[keys[i]][0], by_key[keys[j]][0]))
    classes: dict = {}
    for i, key in enumerate(keys):
        d = classes.setdefault(root(i), Dummy("jet", real=True))
        for n in by_key[key]:
            jets.dummies[n] = d
            jets.spellings.setdefault(d, set()).add(n)
        jets.canonical.setdefault(d, by_key[keys[root(i)]][0])
    replaced = e.xreplace(jets.dummies)  # the largest node first: Derivative before L(x, y)
    for d, node in jets.canonical.items():
        func, counts, args = _jet_key(node)
        jets.keys[d] = (func, counts, tuple(a.xreplace(jets.dummies) for a in args))
    return replaced, jets


# --------------------------------------------------------------------------- exact routes

def _monomial_powers(term: sympy.Expr) -> dict | None:
    """``{symbol: exponent}`` when ``term`` is a number times a product of symbols raised to
    positive integer powers, else None."""
    powers: dict = {}
    for factor in sympy.Mul.make_args(term):
        if factor.is_Number:
            continue
        if factor.is_Symbol:
            base, exp = factor, 1
        elif factor.is_Pow and factor.base.is_Symbol and factor.exp.is_Integer:
            base, exp = factor.base, factor.exp.p  # Python ints: no SymPy comparison
            if exp < 1:
                return None
        else:
            return None
        powers[base] = powers.get(base, 0) + exp
    return powers


def _monomial(coefficient: sympy.Rational, powers: dict) -> sympy.Expr:
    """``Mul(coefficient, *[s**e for s, e in powers.items()])`` for distinct commutative symbols
    and positive integer exponents, built the way ``Mul.flatten`` ends (the powers in canonical
    order, the coefficient first unless 1) without its general pass over the factors."""
    if coefficient == 0:
        return sympy.S.Zero
    if not all(s.is_commutative for s in powers):
        return sympy.Mul(coefficient, *[s**e for s, e in powers.items()])
    factors = sorted((s if e == 1 else sympy.Pow(s, e) for s, e in powers.items() if e),
                     key=_args_sortkey)
    if coefficient != 1:
        factors.insert(0, coefficient)
    return sympy.Mul._from_args(factors, True) if factors else sympy.S.One


def _product(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``a*b``; two monomials are multiplied on their exponents (see :func:`_monomial`)."""
    pa, pb = _monomial_powers(a), _monomial_powers(b)
    if pa is None or pb is None:
        return a * b
    powers = dict(pa)
    for s, e in pb.items():
        powers[s] = powers.get(s, 0) + e
    return _monomial(a.as_coeff_Mul()[0] * b.as_coeff_Mul()[0], powers)


def _polynomial_sum(terms) -> sympy.Expr:
    """``Add(*terms)``; when every term is a sum of monomials in commutative symbols, built the
    way ``Add.flatten`` ends (like terms collected on the same keys, the rest in canonical order,
    the constant first) without its general pass, which rebuilds each term with ``Mul``."""
    collected: dict = {}
    for t in terms:
        for term in sympy.Add.make_args(t):
            if _monomial_powers(term) is None or not term.is_commutative:
                return sympy.Add(*terms)
            c, rest = term.as_coeff_Mul()
            collected[rest] = collected.get(rest, sympy.S.Zero) + c
    constant = collected.pop(sympy.S.One, sympy.S.Zero)
    total = []
    for rest, c in collected.items():
        if c == 0:
            continue
        total.append(rest if c == 1 else sympy.Mul._from_args(
            (c, *rest.args) if rest.is_Mul else (c, rest), True))
    total.sort(key=_args_sortkey)
    if constant != 0:
        total.insert(0, constant)
    if len(total) < 2:
        return total[0] if total else sympy.S.Zero
    return sympy.Add._from_args(total, True)


def expanded_polynomial(expr: sympy.Expr) -> bool:
    """True when ``expr`` is a sum of monomials (a rational times positive integer powers of
    symbols): ``expand`` would return it unchanged, so a caller may skip that walk.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> expanded_polynomial(x**2/2 - 3*x*y), expanded_polynomial(x*(y + 1))
    (True, False)
    """
    return all(_monomial_powers(t) is not None for t in sympy.Add.make_args(expr))


def _product_of_polynomials(e: sympy.Expr) -> bool:
    """A product of sums of monomials: a nonzero polynomial (each factor is a canonical sum of
    distinct monomials with nonzero coefficients), which ``expand`` could only multiply out."""
    return all(expanded_polynomial(f) for f in sympy.Mul.make_args(e))


_TRIG_OPS = 400


def _exact_routes(e, max_ops):
    """Yield (method, thunk) cheapest first; costly routes only for small expressions."""
    # Multiplying out a product of nonzero polynomials cannot reach 0: keep it as it is (the
    # exact refutation below evaluates it at a rational point just as well).
    yield "expand", lambda: e if _product_of_polynomials(e) else sympy.expand(e, deep=True)
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
    return all(a.is_Rational or a in syms for a in r.atoms()) and _rational_function(r, syms)


def _rational_function(r, syms) -> bool:
    """``r.is_rational_function(*syms)``, with the same answer in linear time.

    SymPy's ``Pow`` asks ``base.has(*syms)``, which builds a set of every symbol for every
    power: quadratic for a sum of ``d`` squares in ``d`` symbols.  This walks Add, Mul and Pow
    the way SymPy does, tests containment against the one set, and hands every other node to
    SymPy's own ``_eval_is_rational_function``.
    """
    if not syms:
        return bool(r.is_rational_function())
    syms = set(syms)

    def contains(node) -> bool:  # node.has(*syms) for symbols: a structural search
        return any(i in syms for i in iterargs(node))

    def walk(node) -> bool:
        if node.is_Add or node.is_Mul:
            return all(walk(a) for a in node.args)
        if node.is_Pow:
            if contains(node.exp):
                return False
            if contains(node.base):
                return bool(walk(node.base) and node.exp.is_Integer)
            return True
        return bool(node._eval_is_rational_function(syms))

    return walk(r)


# --------------------------------------------------------------------------- domains

@dataclass(frozen=True)
class _Range:
    """Where one symbol is sampled: its kind, its sign (+1, -1 or 0 for both) and whether 0 is
    allowed."""
    integer: bool
    sign: int
    zero: bool

    @staticmethod
    def of(sym) -> _Range:
        integer = bool(sym.is_integer)
        if sym.is_positive:
            return _Range(integer, 1, False)
        if sym.is_negative:
            return _Range(integer, -1, False)
        if sym.is_nonnegative:
            return _Range(integer, 1, True)
        if sym.is_nonpositive:
            return _Range(integer, -1, True)
        return _Range(integer, 0, True)

    def describe(self) -> str:
        sign = {1: "positive", -1: "negative", 0: ""}[self.sign]
        if self.sign and self.zero:
            sign = "non" + {1: "negative", -1: "positive"}[self.sign]
        kind = "integers" if self.integer else "reals"
        if self.integer:
            size = "|n| up to 1e6"
        else:
            size = "|x| from 1e-3 to 1e3"
        both = "" if self.sign else "both signs, "
        return f"{sign + ' ' if sign else ''}{kind} ({both}{size})"

    def contains(self, value: Rational) -> bool:
        if self.integer and not value.is_integer:
            return False
        if value == 0:
            return self.zero
        return self.sign == 0 or (value > 0) == (self.sign > 0)


def _magnitude(rng: random.Random, integer: bool):
    if integer:
        if rng.random() < 0.4:
            return Rational(rng.randint(0, 12))
        return Rational(int(10 ** rng.uniform(1, 6)))
    return Rational(format(10 ** rng.uniform(-3, 3), ".15g"))


def _draw(rng: random.Random, r: _Range, box, sign: int | None = None) -> Rational:
    """A random exact value in the range (a 15-digit decimal or an integer)."""
    s = r.sign or sign or rng.choice((-1, 1))
    if box is not None and not r.integer:
        a, b = box
        lo, hi = (a, b) if s > 0 else (-b, -a)
        lo, hi = (max(lo, 0.0), hi) if s > 0 else (lo, min(hi, 0.0))
        if lo >= hi:
            lo, hi = a, b
        return Rational(format(lo + (hi - lo) * rng.random(), ".15g"))
    m = _magnitude(rng, r.integer)
    if m == 0 and not r.zero:
        m = Rational(1)
    return s * m


def _draw_exact(rng: random.Random, r: _Range, box) -> Rational:
    """A small rational p/q in the range (cheap exact arithmetic)."""
    s = r.sign or rng.choice((-1, 1))
    if r.integer:
        m = Rational(rng.randint(0 if r.zero else 1, 40))
    elif box is not None:
        v = _draw(rng, r, box)
        return Rational(round(v * 11), 11) if r.contains(Rational(round(v * 11), 11)) else v
    else:
        scale = rng.choice((1, 1, 1, 10, 100, Rational(1, 10)))
        m = Rational(rng.randint(1, 30), rng.randint(1, 11)) * scale
    return s * m


# --------------------------------------------------------------------------- breakpoints

_FLOORLIKE = (sympy.floor, sympy.ceiling, sympy.frac)
_UNIT_BRANCH = (sympy.asin, sympy.acos, sympy.atanh, sympy.acoth, sympy.asec, sympy.acsc)


_MEROMORPHIC = (sympy.exp, sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc,
                sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)


def _breakpoints(e) -> tuple[list, list, list]:
    """Where the expression may change form along the real line.

    Returns (sign breakpoints g: it changes form where g changes sign; integer breakpoints a:
    where a crosses an integer; poles: denominators)."""
    signs, integers, poles = [], [], []
    for n in sympy.preorder_traversal(e):
        if isinstance(n, (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.log, sympy.arg,
                          sympy.re, sympy.im)):
            signs.append(n.args[0])
        elif isinstance(n, (sympy.Max, sympy.Min)):
            args = list(n.args)[:12]
            signs.extend(a - b for a, b in itertools.combinations(args, 2))
        elif isinstance(n, sympy.Piecewise):
            for _, cond in n.args:
                if isinstance(cond, sympy.Basic):
                    signs.extend(rel.lhs - rel.rhs
                                 for rel in cond.atoms(sympy.core.relational.Relational))
        elif isinstance(n, _FLOORLIKE):
            integers.append(n.args[0])
        elif isinstance(n, sympy.Mod):
            integers.append(n.args[0] / n.args[1])
        elif isinstance(n, sympy.Pow):
            if not n.exp.is_Integer:
                signs.append(n.base)  # branch point of a fractional power
            elif n.exp.is_negative:
                poles.append(n.base)
        elif isinstance(n, _UNIT_BRANCH + (sympy.acosh,)):
            signs.extend((n.args[0] - 1, n.args[0] + 1))
        elif isinstance(n, sympy.atan2):
            signs.extend(n.args)
        elif isinstance(n, sympy.Function) and not isinstance(
                n, _MEROMORPHIC + (AppliedUndef, sympy.atan, sympy.acot, sympy.asinh)):
            signs.extend(a for a in n.args if not a.is_number)  # unknown: its arguments' signs

    def keep(gs):
        return [g for g in dict.fromkeys(gs) if not g.is_number]
    return keep(signs), keep(integers), keep(poles)


def _non_analytic(e) -> bool:
    """True when a zero on one box need not carry to the whole domain: a non-analytic piece, a
    branch, or a pole next to a function that is not meromorphic (``atan(1/x)``)."""
    signs, integers, poles = _breakpoints(e)
    if signs or integers:
        return True
    return bool(poles) and any(isinstance(f, sympy.Function) and not isinstance(
        f, _MEROMORPHIC + (AppliedUndef,)) for f in e.atoms(sympy.Function))


_GRID = sorted({s * mpmath.mpf(10) ** (k / 8) for k in range(-32, 8 * 7 + 1) for s in (1, -1)}
               | {mpmath.mpf(0)})


def _line_scan(fn, base, i, r: _Range, wanted: int = 6) -> tuple[list, list]:
    """Zeros of ``fn`` along coordinate ``i`` through ``base``.

    The coordinate runs over a grid of both signs, eight points a decade from 1e-4 to 1e7.  A
    zero is bracketed where fn changes sign between grid points; a local minimum of |fn| on the
    grid is refined by golden-section search, which finds narrow features between grid points
    (a bump of width 1e-3, the peak of ``sin(x) - 1 + 1e-8``) and zeros that fn only touches.
    Returns (zeros, touches): a touch is an extremum where fn reaches 0 without changing sign.
    """
    grid = [g for g in _GRID if (r.sign == 0 or g * r.sign > 0 or (g == 0 and r.zero))]

    def f(value):
        point = list(base)
        point[i] = value
        try:
            v = mpmath.mpmathify(fn(*point))
        except (ArithmeticError, ValueError, TypeError, NameError, AttributeError):
            return None
        if isinstance(v, mpmath.mpc):
            v = v.real if abs(v.imag) <= 1e-20 * (1 + abs(v.real)) else None
        return None if v is None or mpmath.isnan(v) or mpmath.isinf(v) else v

    def bisect(lo, hi, flo):
        for _ in range(64):
            mid = (lo + hi) / 2
            fm = f(mid)
            if fm is None:
                break
            if fm == 0:
                return mid
            if (fm > 0) == (flo > 0):
                lo, flo = mid, fm
            else:
                hi = mid
        return (lo + hi) / 2

    def smallest(lo, hi):
        """Golden-section search for the minimum of |f| on [lo, hi]."""
        ratio = (mpmath.sqrt(5) - 1) / 2
        a, b = lo, hi
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        fc, fd = f(c), f(d)
        for _ in range(100):
            if fc is None or fd is None:
                return None, None
            if abs(fc) < abs(fd):
                b, d, fd = d, c, fc
                c = b - ratio * (b - a)
                fc = f(c)
            else:
                a, c, fc = c, d, fd
                d = a + ratio * (b - a)
                fd = f(d)
        m = (a + b) / 2
        return m, f(m)

    roots, touches = [], []
    with mpmath.workdps(30):
        values = [f(g) for g in grid]
        for j, (a, fa) in enumerate(zip(grid, values)):
            if fa == 0:
                roots.append(a)
            if j + 1 < len(grid):
                b, fb = grid[j + 1], values[j + 1]
                if fa is not None and fb is not None and fa != 0 and fb != 0 and \
                        (fa > 0) != (fb > 0):
                    roots.append(bisect(a, b, fa))
            # A local minimum of |f| on the grid may hide a narrow dip or a touching zero.
            if not 0 < j < len(grid) - 1 or None in values[j - 1:j + 2] or fa == 0:
                continue
            if not (abs(fa) <= abs(values[j - 1]) and abs(fa) <= abs(values[j + 1])):
                continue
            m, fm = smallest(grid[j - 1], grid[j + 1])
            if m is None or fm is None:
                continue
            if (fm > 0) != (fa > 0) and fm != 0:  # a dip below zero between grid points
                roots.append(bisect(grid[j - 1], m, values[j - 1]))
                roots.append(bisect(m, grid[j + 1], fm))
            elif abs(fm) <= mpmath.mpf(10) ** -10 * abs(fa):
                # |f| nearly vanishes at m: a crossing the search landed on, or a touch.
                crossed = False
                for k in (12, 9, 6):
                    step = mpmath.mpf(10) ** -k * max(1, abs(m))
                    for other in (m - step, m + step):
                        fo = f(other)
                        if fo is not None and fo != 0 and fm != 0 and (fo > 0) != (fm > 0):
                            roots.append(bisect(m, other, fm) if fm != 0 else m)
                            crossed = True
                    if crossed:
                        break
                if not crossed:
                    touches.append(m)
    if len(roots) > wanted:  # the outermost and the innermost ones
        by_size = sorted(roots, key=abs)
        roots = by_size[:wanted // 2] + by_size[-(wanted - wanted // 2):]
    return roots, touches[:wanted]


def _exact_root(g_exact, s, point, root, r: _Range):
    """An exact value of coordinate ``s`` near ``root`` at which ``g_exact`` is exactly 0 (an
    integer, a small fraction, or the root to 15 digits), else None."""
    candidates = [Rational(int(mpmath.nint(root)))]
    frac = Fraction(mpmath.nstr(root, 25, min_fixed=-40, max_fixed=40)).limit_denominator(1000)
    candidates.append(Rational(frac.numerator, frac.denominator))
    candidates.append(Rational(mpmath.nstr(root, 15, min_fixed=-40, max_fixed=40)))
    for c in dict.fromkeys(candidates):
        if not r.contains(c):
            continue
        try:
            value = g_exact.xreplace({**point, s: c})
        except (TypeError, ValueError, ArithmeticError):
            continue
        if value == 0:
            return c
    return None


def _around(root, r: _Range) -> list[Rational]:
    """Exact values on both sides of a breakpoint, close and farther."""
    if r.integer:
        c = int(mpmath.floor(root))
        out = [Rational(c + k) for k in (-1, 0, 1, 2)]
    else:
        scale = max(1, abs(root))
        out = [Rational(mpmath.nstr(root + s * d * scale, 20, min_fixed=-30, max_fixed=30))
               for d in (mpmath.mpf("1e-9"), mpmath.mpf("1e-3"), mpmath.mpf("0.3")) for s in (1, -1)]
    return [v for v in out if r.contains(v)]


# --------------------------------------------------------------------------- numeric evaluation

def _mp(v):
    """A sympy Rational/Float as an mpmath number at the working precision."""
    if isinstance(v, Rational):
        return mpmath.mpf(v.p) / v.q
    return mpmath.mpf(v._mpf_ if isinstance(v, Float) else v)


class _Evaluator:
    """Evaluates the top-level terms separately so cancellation can be judged relatively."""

    def __init__(self, e, syms):
        self.syms, self.terms = syms, list(e.args) if e.is_Add else [e]
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

    def __call__(self, values, dps):
        """(value, scale) at the point, or None where the expression is undefined there."""
        with mpmath.workdps(dps):
            args = [_mp(v) for v in values]
            try:
                try:
                    raw = self.fn(*args) if self.fn else self._evalf(values, dps)
                except (NameError, AttributeError):  # a function mpmath does not know
                    self.fn = None
                    raw = self._evalf(values, dps)
                terms = [mpmath.mpmathify(t) for t in raw]
            except (ArithmeticError, ValueError, TypeError, RecursionError):
                return None
            if any(mpmath.isnan(t) or mpmath.isinf(t) for t in terms):
                return None
            value = mpmath.fsum(terms)
            scale = max([abs(t) for t in terms] + [mpmath.mpf(0)])
            if isinstance(value, mpmath.mpc) and value.imag == 0:
                value = value.real
            return value, scale


_ZERO, _NONZERO, _UNDEFINED, _UNSETTLED = "zero", "nonzero", "undefined", "unsettled"


def _settle(evaluate, values, digits):
    """Judge one point at two or more working precisions.

    Returns (kind, value, relative residual or None, precision).  'zero': below
    ``10**(10 - p)`` times the largest term at two successive precisions; 'nonzero': the same
    nonzero value (to 8 digits) at two successive precisions; 'unsettled': neither by ``8*digits``.
    """
    prev = None
    p = digits
    while p <= 8 * digits:
        got = evaluate(values, p)
        if got is None:
            return _UNDEFINED, None, None, p
        v, scale = got
        with mpmath.workdps(p):
            small = v == 0 or abs(v) <= mpmath.mpf(10) ** (10 - p) * scale
            if prev is not None:
                pv, psmall = prev
                if small and psmall:
                    rel = 0 if v == 0 else float(abs(v) / scale)
                    return _ZERO, v, rel, p
                if not small and not psmall and abs(v - pv) <= mpmath.mpf("1e-8") * abs(v):
                    return _NONZERO, v, None, p
        prev = (v, small)
        p *= 2
    return _UNSETTLED, None, None, p // 2


def _certify(e, syms, values, value, digits) -> bool:
    """Confirm on ``e`` that it equals ``value`` (nonzero) at the point, with SymPy's adaptive
    ``evalf(strict=True)``: it raises rather than return digits it could not resolve, so total
    cancellation (``cosh(a)**2 - sinh(a)**2`` for huge ``a``, equal to 50 and 100 digits alike)
    cannot pass for a value."""
    try:
        got = e.evalf(15, subs=dict(zip(syms, values)), strict=True, maxn=8 * digits)
        re, im = (Float(part, 30) for part in got.as_real_imag())
    except (sympy.core.evalf.PrecisionExhausted, ArithmeticError, ValueError, TypeError,
            NotImplementedError, AttributeError, RecursionError):
        return False
    if not (re.is_finite and im.is_finite):
        return False
    with mpmath.workdps(30):
        z = mpmath.mpc(re._mpf_, im._mpf_)
        return z != 0 and abs(z - value) <= mpmath.mpf("1e-6") * abs(value)


# --------------------------------------------------------------------------- prover

def prove_zero(expr, *, digits: int = 50, points: int = 8, seed: int = 0,
               domain: tuple[float, float] | None = None, max_exact_ops: int = 2000) -> Verdict:
    """Decide whether ``expr`` is identically zero on its declared domain, with a certificate.

    Abstract functions and their derivatives are first replaced by independent symbols (jet
    variables, see the module docstring).  Then, cheapest first: ``== 0`` (and ``is_zero`` for
    constants, exact for algebraic numbers), ``expand`` (always; it is linear-ish for
    polynomials, so models with hundreds of coordinates stay fast), and, only while
    ``count_ops(expr) <= max_exact_ops``, ``cancel``/``together`` for rational functions,
    ``trigsimp``/``expand_trig``/``rewrite(exp)`` for trig and hyperbolic functions and
    ``powsimp``/``expand_log`` for powers, ``exp`` and ``log``.  Only an exact 0 is "proved";
    ``simplify`` is never called.

    If a route yields a nonzero rational function with rational coefficients, a rational point
    of the domain where it is nonzero refutes exactly, once the original expression is confirmed
    to take that value there.  Otherwise the expression is evaluated with mpmath at points of
    each symbol's declared domain (see the module docstring: real symbols on both signs and
    magnitudes from 1e-3 to 1e3, integer symbols up to 1e6 in size; every sign pattern and both
    sides of each breakpoint when the expression has non-analytic pieces), each point settled
    at two working precisions.

    Parameters
    ----------
    expr : sympy expression, Matrix or number
        Never a string (parse text with :func:`inertia_verify.parse_expression`).  A matrix is
        proved entrywise; its status is the weakest over the entries.
    digits : int
        Working precision (>= 15); points are settled at ``digits`` and ``2*digits`` (up to
        ``8*digits``), and a zero is judged to ``10**(10 - digits)`` relative to the terms.
    points : int
        Number of random points of the numeric fallback (>= 1); non-analytic expressions get
        more (one per sign pattern and some on both sides of each breakpoint).
    seed : int
        Seed of the random points, so verdicts are reproducible.
    domain : (float, float) or None
        None (default): each symbol's declared domain.  A pair restricts the magnitudes of real
        symbols to that box (negated for negative symbols); the verdict says so.
    max_exact_ops : int
        Above this ``count_ops`` only ``expand`` is tried before numerics.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from sympy import symbols, sin, cos, sqrt, atan, pi, Abs, Function, Derivative
    >>> x, y = symbols("x y")
    >>> print(prove_zero((x + y)**2 - x**2 - 2*x*y - y**2))
    proved (expand)
    >>> print(prove_zero(sin(x)**2 + cos(x)**2 - 1))
    proved (trigsimp)
    >>> v = prove_zero(x**2 - x)
    >>> v.status, v.counterexample["value"] == v.counterexample["x"]**2 - v.counterexample["x"]
    ('refuted', True)

    Real coordinates take both signs: ``atan(x) + atan(1/x) = pi/2`` only for positive ``x``.

    >>> prove_zero(atan(x) + atan(1/x) - pi/2).status
    'refuted'
    >>> p = symbols("p", positive=True)
    >>> print(prove_zero(atan(p) + atan(1/p) - pi/2))
    numerically verified: ... points at 50 digits, largest residual ...
    >>> prove_zero(sqrt(x**2) - Abs(x)).holds, prove_zero(sqrt(x**2) - x).status
    (True, 'refuted')

    Abstract functions: the chain rule along a path, with the partials as independent jets.

    >>> t = symbols("t")
    >>> X, Y, L = Function("X")(t), Function("Y")(t), Function("L")
    >>> lhs = (L(X, Y)**2).diff(t)
    >>> rhs = 2*L(X, Y)*(Derivative(L(X, Y), X)*X.diff(t) + Derivative(L(X, Y), Y)*Y.diff(t))
    >>> print(prove_zero(lhs - rhs))
    proved (expand)
    >>> v = prove_zero(lhs - rhs + X.diff(t)**2 / 10**20)
    >>> v.status
    'refuted'
    >>> print(prove_zero(L(sin(x)**2 + cos(x)**2) - L(1)))  # one jet: the arguments are equal
    proved (trivial)
    """
    opts = _check_options(digits, points, seed, domain, max_exact_ops)
    expr = _as_expr(expr, "expr")
    if isinstance(expr, MatrixBase):
        entries = [((i, j), _prove_scalar(expr[i, j], opts))
                   for i in range(expr.rows) for j in range(expr.cols)]
        return _combine(expr, entries)
    return _prove_scalar(expr, opts)


def prove_equal(lhs, rhs, **kw) -> Verdict:
    """``prove_zero(lhs - rhs, **kw)``; the verdict's expression is ``lhs - rhs``.

    Parameters
    ----------
    lhs, rhs : sympy expression, Matrix or number
        The two sides (matrices of the same shape, or two scalars).
    **kw
        Options of :func:`prove_zero` (``digits``, ``points``, ``seed``, ``domain``,
        ``max_exact_ops``).

    Returns
    -------
    Verdict

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
    weakest = min(entries, key=lambda item: STATUSES.index(item[1].status))
    status = weakest[1].status
    kw = dict(points=max(v.points for _, v in entries), digits=max(v.digits for _, v in entries),
              residual=sympy.ImmutableMatrix(matrix.rows, matrix.cols,
                                             [v.residual for _, v in entries]))
    domains = "; ".join(dict.fromkeys(v.domain for _, v in entries if v.domain))
    (i, j), v = weakest
    if status == "refuted":
        return Verdict(status, f"entry ({i}, {j}): {v.method}", matrix,
                       counterexample={"entry": (i, j), **v.counterexample}, subs=v.subs,
                       domain=v.domain, **kw)
    if status == "inconclusive":
        return Verdict(status, f"entry ({i}, {j}): {v.method}", matrix, domain=domains,
                       reason=f"entry ({i}, {j}): {v.reason}", **kw)
    methods = list(dict.fromkeys(v.method for _, v in entries))
    numeric = [v.max_residual for _, v in entries if v.max_residual is not None]
    return Verdict(status, "entrywise: " + "; ".join(methods), matrix, domain=domains,
                   max_residual=max(numeric) if numeric else None, **kw)


def _describe_domain(syms, ranges, jets: _Jets, box) -> str:
    if not syms:
        return "a constant"
    groups: dict = {}
    for s in syms:
        what = "jet values: reals (both signs, |x| from 1e-3 to 1e3)" if s in jets.keys else \
            ranges[s].describe()
        if box is not None and not ranges[s].integer:
            what = f"reals with |x| in [{box[0]:g}, {box[1]:g}] (box given by the caller)"
        groups.setdefault(what, []).append(s)
    parts = []
    for what, members in groups.items():
        names = [str(jets.canonical.get(s, s)) for s in members]
        shown = ", ".join(names[:4]) + (f", ... ({len(names)})" if len(names) > 4 else "")
        parts.append(f"{shown}: {what}" if not what.startswith("jet") else what)
    return "; ".join(dict.fromkeys(parts))


class _Point:
    __slots__ = ("values", "kind")

    def __init__(self, values, kind):
        self.values, self.kind = values, kind


def _plan_points(e, syms, ranges, opts: _Options, rng, needed: int):
    """Random points, plus every sign pattern and both sides of each breakpoint (and the
    breakpoint itself where an exact coordinate reaches it) for non-analytic expressions.

    Returns (points, notes on coverage, gaps: what could not be sampled, which makes a
    verdict inconclusive)."""
    plan = [[_draw(rng, ranges[s], opts.box) for s in syms] for _ in range(needed)]
    notes: list[str] = []
    gaps: list[str] = []
    if not syms or not _non_analytic(e):
        return plan, notes, gaps
    free = [i for i, s in enumerate(syms) if ranges[s].sign == 0]
    if len(free) <= 6:
        patterns = list(itertools.product((1, -1), repeat=len(free)))
    else:
        patterns = [tuple(rng.choice((1, -1)) for _ in free) for _ in range(64)]
        notes.append(f"64 random sign patterns of {len(free)} symbols")
    for pattern in patterns:
        signs = dict(zip(free, pattern))
        plan.append([_draw(rng, ranges[s], opts.box, signs.get(i)) for i, s in enumerate(syms)])
    signs_g, integers, poles = _breakpoints(e)
    targets = [(g, False) for g in signs_g + poles] + [(a, True) for a in integers]
    # Where the value at the breakpoint itself differs from both sides, touching it at a point
    # no rational coordinate reaches leaves that value unsampled.
    jumps = set()
    for n in sympy.preorder_traversal(e):
        if isinstance(n, (sympy.sign, sympy.Heaviside)):
            jumps.add(n.args[0])
        elif isinstance(n, sympy.Piecewise):
            jumps.update(rel.lhs - rel.rhs for _, cond in n.args if isinstance(cond, sympy.Basic)
                         for rel in cond.atoms(sympy.core.relational.Relational))
    budget = 160
    for g, floorlike in targets[:24]:
        # A floor-like breakpoint is where the argument crosses an integer: sin(pi*a) = 0.
        g_exact = sympy.sin(sympy.pi * g) if floorlike else g
        try:
            fn = sympy.lambdify(syms, g_exact, modules="mpmath")
        except Exception:
            gaps.append(f"breakpoint {g} not sampled (cannot be evaluated)")
            continue
        for i, s in enumerate(syms):
            if s not in g.free_symbols or budget <= 0:
                continue
            row = plan[rng.randrange(len(plan))]
            with mpmath.workdps(30):
                roots, touches = _line_scan(fn, [_mp(v) for v in row], i, ranges[s])
            at = dict(zip(syms, row))
            for root in roots + touches:
                exact = _exact_root(g_exact, s, at, root, ranges[s])
                values = ([exact] if exact is not None else []) + _around(root, ranges[s])
                if exact is None and any(root is t for t in touches) and (floorlike or g in jumps):
                    gaps.append(f"{g} reaches its breakpoint without crossing it near "
                                 f"{s} = {mpmath.nstr(root, 12)}, at a point no rational "
                                 "coordinate hits")
                for value in values:
                    point = list(row)
                    point[i] = value
                    plan.append(point)
                    budget -= 1
    return plan, notes, gaps


def _prove_scalar(expr, opts: _Options) -> Verdict:
    e, jets = _replace_jets(expr, opts)
    digits = opts.digits
    back = (lambda r: r.xreplace({d: jets.canonical[d] for d in jets.canonical})) \
        if jets.canonical else (lambda r: r)
    numeric_merge_note = ""
    if jets.numeric_merges:
        a, b = jets.numeric_merges[0]
        numeric_merge_note = (f"; jets {a} and {b} taken as one: their arguments agree "
                              "numerically but are not proved equal")

    def exact_verdict(method):
        if jets.numeric_merges:
            return Verdict("numerically verified", method + numeric_merge_note, expr,
                           residual=sympy.S.Zero, digits=digits, domain="")
        return Verdict("proved", method, expr, residual=sympy.S.Zero)

    if e == 0:
        return exact_verdict("trivial")
    # The assumptions system is exact (minimal polynomials for algebraic numbers) but walks the
    # whole tree, which is slow for big symbolic sums; expand decides those anyway.
    if e.is_number and e.is_zero is True:
        return exact_verdict("is_zero")

    syms = sorted(e.free_symbols, key=lambda s: sympy.default_sort_key(jets.canonical.get(s, s)))
    ranges = {s: (_Range(False, 0, True) if s in jets.keys else _Range.of(s)) for s in syms}
    domain_text = _describe_domain(syms, ranges, jets, opts.box)
    rng = random.Random(opts.seed)
    names: list = []
    evaluator = None

    def evaluate(values, dps):
        # lambdify prints the whole expression (quadratic in the number of symbols for a big
        # sum, through SymPy's monomial ordering), so the evaluator is built on first use, after
        # syms has its final order; an exact refutation or proof never needs it.
        nonlocal evaluator
        if evaluator is None:
            evaluator = _Evaluator(e, syms)
        return evaluator(values, dps)

    def realizable(values) -> bool:
        """Jets of one function whose arguments coincide at the point have equal values."""
        if not jets.keys:
            return True
        at = dict(zip(syms, values))
        # Symbols that occur only inside jet arguments are free: give them generic values.
        hidden = set().union(*(a.free_symbols for _, _, args in jets.keys.values() for a in args))
        at.update({h: Rational(7919 * (i + 1) + 3, 9973) for i, h in
                   enumerate(sorted(hidden - set(at), key=sympy.default_sort_key))})
        seen: dict = {}
        for d, (func, counts, args) in jets.keys.items():
            try:
                with mpmath.workdps(30):
                    where = tuple(complex(sympy.N(a.xreplace(at), 25)) for a in args)
            except (TypeError, ValueError, ArithmeticError):
                return False  # cannot tell: do not issue a refutation on it
            key = (func, counts, tuple((round(z.real, 12), round(z.imag, 12)) for z in where))
            if key in seen and seen[key] != at.get(d, 0):
                return False
            seen[key] = at.get(d, 0)
        return True

    def refute(method, values, value, points_used):
        ce = dict(zip(names, values))
        ce["value"] = value
        # Jets that cancelled (Derivative(L, x, y) - Derivative(L, y, x)) get a don't-care 1, so
        # that xreplace(subs) leaves no symbol behind.
        point = {**{d: 1 for d in jets.spellings}, **dict(zip(syms, values))}
        subs = {n: Rational(v) for s, v in point.items() for n in jets.spellings.get(s, {s})}
        return Verdict("refuted", method, expr, residual=back(residual), digits=digits,
                       counterexample=ce, subs=subs, points=points_used, domain=domain_text)

    def inconclusive(reason, method="no exact route closed it"):
        return Verdict("inconclusive", method, expr, residual=back(residual), digits=digits,
                       domain=domain_text, reason=reason)

    blocked = ""  # why a refutation may not be issued
    if jets.undecided:
        a, b = jets.undecided[0]
        blocked = f"could not decide whether the arguments of {a} and {b} are equal"
    elif jets.numeric_merges:
        blocked = "it would rest on jets merged on numeric evidence" + numeric_merge_note

    def judge(values, reduced):
        """'zero' (with relative residual), a refuting Verdict, 'undefined' or 'unsettled'."""
        kind, value, rel, _ = _settle(evaluate, values, digits)
        if kind == _ZERO and reduced is not None:
            rkind, rvalue, _, _ = _settle(reduced, values, digits)
            if rkind == _NONZERO:
                kind, value = _NONZERO, rvalue
        if kind == _NONZERO:
            if blocked or not realizable(values) or not _certify(e, syms, values, value, digits):
                return _UNSETTLED, None
            shown = _show(value, digits)
            how = (f"mpmath at a sampled point, {digits} digits, confirmed on the original "
                   "expression by adaptive-precision evalf")
            return "refute", (how, values, shown)
        return kind, rel

    def sample(plan, reduced):
        passed, undefined, unsettled, worst = 0, 0, 0, 0.0
        for values in plan:
            kind, info = judge(values, reduced)
            if kind == "refute":
                how, values, shown = info
                return refute(how, values, shown, passed + 1)
            if kind == _ZERO:
                passed, worst = passed + 1, max(worst, info)
            elif kind == _UNDEFINED:
                undefined += 1
            else:
                unsettled += 1
        return passed, undefined, unsettled, worst

    residual = e
    routes = _exact_routes(e, opts.max_ops)
    _, cheapest = next(routes)  # expand: affordable at any size
    residual = cheapest()
    if residual == 0:
        return exact_verdict("expand")
    candidates = [residual]
    # Symbols the reduced form still depends on come first, so a shortened display shows them.
    # (free_symbols walks the whole tree: compute it once, not once per symbol.)
    still_there = residual.free_symbols
    syms.sort(key=lambda s: s not in still_there)
    names = [str(jets.canonical.get(s, s)) for s in syms]
    if _is_rational_over_q(residual, set(syms)):
        if any(p.exp.is_negative for p in residual.atoms(sympy.Pow)):
            # A rational function: cancel decides it exactly (zero iff the numerator is).
            for method in ("cancel", "together"):
                r = sympy.cancel(residual) if method == "cancel" else \
                    sympy.expand(sympy.fraction(sympy.together(residual))[0])
                if r == 0:
                    return exact_verdict(method)
                candidates.append(r)
    else:
        # Not a polynomial identity.  Before costly rewrites (trigsimp can take minutes on a
        # mid-sized expression), look for a witness: a refutation needs only one point, and a
        # point is only a witness once two precisions agree on its value.
        probe = sample([[_draw(rng, ranges[s], opts.box) for s in syms]], None)
        if isinstance(probe, Verdict):
            return probe
        for method, route in routes:
            try:
                r = route()
            except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError,
                    RecursionError):
                continue  # a route that cannot handle this expression simply proves nothing
            if r == 0:
                return exact_verdict(method)
            candidates.append(r)
        residual = min(candidates, key=sympy.count_ops)

    # Exact refutation: the reduced form is an identity-preserving rewrite, so a nonzero exact
    # value there is a candidate; it is reported only once the original takes that value.
    exact = next((r for r in candidates if (r.is_Number and r.is_finite)
                  or _is_rational_over_q(r, set(syms))), None)
    for _ in range(40 if exact is not None and not blocked else 0):
        values = [_draw_exact(rng, ranges[s], opts.box) for s in syms]
        value = exact.xreplace(dict(zip(syms, values)))
        if not value.is_Rational or value == 0:
            continue
        if not _certify(e, syms, values, _mp_at(value, digits), digits):
            continue  # a removable singularity of the original, or a rewrite off its branch
        if not realizable(values):
            continue
        how = "exact evaluation at a rational point" if syms else "exact value"
        return refute(how, values, value, 1)

    # Numeric route: the original, and the reduced form where exact routes cancelled terms.
    reduced = None
    if residual is not e and residual.free_symbols <= set(syms) and not residual.is_Number:
        reduced = _Evaluator(residual, syms)
    elif residual.is_Number and residual != 0 and residual.is_finite:
        reduced = _Evaluator(residual, syms)
    plan, notes, gaps = _plan_points(e, syms, ranges, opts, rng, opts.points)
    outcome = sample(plan, reduced)
    if isinstance(outcome, Verdict):
        return outcome
    passed, undefined, unsettled, worst = outcome
    needed = opts.points if syms else 1
    skipped = []
    if undefined:
        skipped.append(f"{undefined} where it is undefined (pole or NaN)")
    if unsettled:
        skipped.append(f"{unsettled} that two precisions could not settle"
                       + (f" ({blocked})" if blocked else ""))
    if passed < needed or passed < len(plan) // 2:
        return inconclusive(f"only {passed} of {len(plan)} points over {domain_text} could be "
                            f"settled as zero; " + ", ".join(skipped) if skipped else
                            f"only {passed} of {len(plan)} points settled")
    if gaps:
        return inconclusive(f"zero at all {passed} points settled over {domain_text}, but "
                            + "; ".join(gaps), method="mpmath: sampled points and breakpoints")
    where = (f"{passed} points over {domain_text}" if syms else "evaluation")
    note = f" ({'; '.join(skipped)} skipped)" if skipped else ""
    if notes:
        note += "; " + "; ".join(notes)
    return Verdict("numerically verified",
                   f"mpmath: {where}, at {digits} and {2 * digits} digits, tolerance "
                   f"1e-{digits - 10} relative to the largest term{note}{numeric_merge_note}",
                   expr, residual=back(residual), points=passed, digits=digits,
                   max_residual=float(worst), domain=domain_text)


def _show(value, digits: int) -> str:
    """A value as 15 digits; a part of a complex value below the working precision is dropped
    (it is round-off, and ``1e-101 - 6.28j`` would hide the value behind noise)."""
    with mpmath.workdps(digits):
        if isinstance(value, mpmath.mpc):
            floor = mpmath.mpf(10) ** (10 - digits) * abs(value)
            re = value.real if abs(value.real) > floor else 0
            im = value.imag if abs(value.imag) > floor else 0
            value = mpmath.mpf(re) if im == 0 else mpmath.mpc(re, im)
        return mpmath.nstr(value, 15)


def _mp_at(value: Rational, digits: int):
    with mpmath.workdps(digits):
        return _mp(value)
