"""Safe parsing of user text into SymPy objects.

This module is the only door from text a user typed to SymPy.  The text is never handed to
``eval``, ``exec``, ``sympify`` or ``parse_expr`` (each of which can run arbitrary Python).
Instead it is parsed with :func:`ast.parse` into a syntax tree, the tree's size is checked, and
the tree is walked node by node: only numbers, names, ``+ - * / **``, parentheses and calls of
whitelisted functions are accepted, and the SymPy object is built directly from them.

Sizes are bounded before SymPy does any work, so hostile input fails fast: the text length, the
number and nesting depth of syntax nodes, the digits of integer literals, and the digits that a
numeric power such as ``10**10**10`` would produce (estimated from logarithms, never computed).

SymPy also evaluates while it builds: ``cos(exp(7.89e27))`` starts an argument reduction with
10**27 digits, and its assumption queries grow exponentially with nesting (``tanh`` nested eight
times takes seconds).  So every input is answered quickly by design, with no timer:

* every number in the expression, including each constant part such as ``exp(10**10)``, is
  estimated at 64-bit precision *before* SymPy sees it (:func:`_numeric_value`); numbers beyond
  ``10**4000``, ``exp``/``sinh``/``cosh`` of more than ``4000*log(10)``, and ``sin``/``cos``/``tan``
  ... of arguments beyond ``10**100`` (whose value depends on more than 100 digits) are refused;
* a function, power, sum or product is simplified by SymPy only when its operands hold at most
  ``_EVALUATE_DEPTH`` nested functions, and only within a fixed evaluation budget per input;
  beyond that it is built unevaluated (``evaluate=False``): the same mathematics, not simplified
  (polynomial arithmetic is always simplified: it costs nothing of the budget);
* ``Max``/``Min`` take at most ``_MAX_MINMAX`` arguments (SymPy compares them pairwise);
* anything SymPy still raises while building (``ValueError`` for ``Heaviside(log(-1))``, ...) is
  caught at the one place where SymPy objects are built and re-raised as :class:`InvalidArgument`.
"""

from __future__ import annotations

import ast
import keyword
import math
import unicodedata
from fractions import Fraction
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import sympy
from mpmath.ctx_mp import MPContext
from sympy.core.function import AppliedUndef

from ._errors import InertiaVerifyError, InvalidArgument

__all__ = ["FUNCTIONS", "as_sympy", "parse_expression", "parse_matrix", "parse_names",
           "parse_scalar_or_matrix", "parse_vector"]

_MAX_TEXT_LENGTH = 10_000
_MAX_DEPTH = 100
_MAX_NODES = 20_000
_MAX_LITERAL_DIGITS = 100
# Digits of any number built, such as 2**1000.  Python refuses str() of integers longer than
# 4300 digits (sys.get_int_max_str_digits), so a larger number could not even be printed.
_MAX_DIGITS = 4000
_MAX_SYMBOLIC_EXPONENT = 1000  # x**n with |n| above this would explode under expand()
# Every number, exact or not, stays below 10**_MAX_DIGITS in magnitude, so exp(a) needs
# |Re a| <= _MAX_LOG (= 4000*log(10) ~ 9210).
_MAX_LOG = _MAX_DIGITS * math.log(10)
_MAX_LOG2 = _MAX_DIGITS * math.log2(10)  # the same bound in bits, compared with mpmath's mag()
# sin(a) for |a| ~ 10**k needs k digits of pi and of a before its first digit is right; SymPy
# would pay them at every level of nesting.  10**100 is far beyond any argument a loss needs.
_MAX_PERIODIC_DIGITS = 100
_MAX_MINMAX = 16  # SymPy compares Max/Min arguments pairwise (16 names: 0.2 s, 100 names: 7 s)
# SymPy's assumption queries (run while simplifying) grow about threefold per nested function
# (tanh nested 8 times: 1.8 s).  Functions whose arguments nest at most this deep are simplified;
# deeper ones are built unevaluated.  3 keeps sin(pi/6) = 1/2, tanh(sinh(cosh(x))), ...
_EVALUATE_DEPTH = 3
# Total simplification work allowed per input, in units of one simplified function of a plain
# argument (about a millisecond); an operation whose operands nest d >= 1 functions deep costs
# 3**d units, Max/Min with n arguments n**2 times more; polynomial arithmetic is free.  Beyond
# the budget, operations are built unevaluated.
_EVALUATION_BUDGET = 200

#: Whitelisted functions: name -> (SymPy callable, fewest arguments, most arguments or None).
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int | None]] = {
    **{name: (getattr(sympy, name), 1, 1) for name in (
        "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
        "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "sqrt", "sign", "erf")},
    "abs": (sympy.Abs, 1, 1), "Abs": (sympy.Abs, 1, 1),
    "log": (sympy.log, 1, 2), "atan2": (sympy.atan2, 2, 2), "Heaviside": (sympy.Heaviside, 1, 2),
    "min": (sympy.Min, 1, None), "Min": (sympy.Min, 1, None),
    "max": (sympy.Max, 1, None), "Max": (sympy.Max, 1, None),
}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
#: What ``functions=`` accepts: names of undefined functions, or names mapped to function classes.
Functions = Mapping[str, sympy.FunctionClass] | Iterable[str] | None
_UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
_FIX = "write numbers, names, + - * / ** and calls such as sin(x)"

_OPERATORS = {ast.FloorDiv: "'//'", ast.Mod: "'%'", ast.MatMult: "'@'", ast.BitOr: "'|'",
              ast.BitAnd: "'&'", ast.LShift: "'<<'", ast.RShift: "'>>'",
              ast.Invert: "'~'", ast.Not: "'not'"}
_FORBIDDEN = {ast.Subscript: "subscript", ast.Lambda: "lambda", ast.IfExp: "conditional expression",
              ast.Compare: "comparison", ast.BoolOp: "boolean operator",
              ast.ListComp: "comprehension", ast.SetComp: "comprehension",
              ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
              ast.JoinedStr: "f-string", ast.FormattedValue: "f-string",
              ast.NamedExpr: "assignment expression", ast.Dict: "dict", ast.Set: "set",
              ast.Starred: "argument unpacking", ast.Slice: "slice", ast.Await: "await",
              ast.Yield: "yield", ast.YieldFrom: "yield"}
# Syntax nodes that are mere markers (operators, load contexts): not counted towards the limits.
_MARKERS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


def _family(node: ast.AST) -> str | None:
    """``"sum"`` for ``+``/``-``, ``"product"`` for ``*``/``/``, else None."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return "sum"
        if isinstance(node.op, (ast.Mult, ast.Div)):
            return "product"
    return None


def _log10_abs(number: sympy.Rational | sympy.Float) -> float:
    """``log10(|number|)`` of a nonzero finite number, without building a Python float of it."""
    if isinstance(number, sympy.Rational):
        return math.log10(abs(number.p)) - math.log10(number.q)
    _, mantissa, exponent, _ = number._mpf_  # |x| = mantissa * 2**exponent
    return (exponent + math.log2(mantissa)) * math.log10(2)


# ----------------------------------------------------------------------------- number sizes
#
# Each constant part of an expression gets a 64-bit estimate of its value (an mpmath number from
# a private context, so the global mpmath precision is never touched), computed from the
# estimates of its parts.  The estimate serves only to refuse numbers too large for SymPy to
# evaluate cheaply; it is never returned.  Each operation is checked *before* it is computed, so
# the estimate itself stays cheap (exp(10**3000) is refused, not computed).

_NUMERIC = MPContext()
_NUMERIC.prec = 64
_SYMBOLIC = "symbolic"  # the estimate of anything that depends on a name


class _OutOfRange(Exception):
    """A number beyond the bounds; the builder re-raises it as InvalidArgument with the text."""


def _is_large(value, bits: float) -> bool:
    """``|value| > 2**bits``, decided from the binary exponent (cheap for any size)."""
    return bool(value) and _NUMERIC.mag(value) > bits + 1


def _bounded(value):
    if _is_large(value, _MAX_LOG2):
        raise _OutOfRange(f"a number larger than 1e{_MAX_DIGITS}")
    return value


def _exponential_argument(z, name: str) -> None:
    """exp, sinh, cosh: Re z decides the size of the value, Im z is a periodic argument."""
    if abs(z.real) > _MAX_LOG:
        raise _OutOfRange(f"{name} of a number larger than {_MAX_LOG:.0f} in magnitude "
                          f"(beyond 1e{_MAX_DIGITS} or below 1e-{_MAX_DIGITS})")
    if _is_large(z.imag, _MAX_PERIODIC_DIGITS * math.log2(10)):
        raise _OutOfRange(f"{name} of an imaginary part larger than 1e{_MAX_PERIODIC_DIGITS}")


def _periodic_argument(z, name: str) -> None:
    """sin, cos, ...: Re z is reduced modulo pi (costly when huge), Im z sizes the value."""
    if _is_large(z.real, _MAX_PERIODIC_DIGITS * math.log2(10)):
        raise _OutOfRange(f"{name} of a number larger than 1e{_MAX_PERIODIC_DIGITS} (its value "
                          f"depends on more than {_MAX_PERIODIC_DIGITS} digits of the argument)")
    if abs(z.imag) > _MAX_LOG:
        raise _OutOfRange(f"{name} of an imaginary part larger than {_MAX_LOG:.0f}")


def _periodic(name):
    function = getattr(_NUMERIC, name)

    def apply(z):
        _periodic_argument(z, name)
        return function(z)
    return apply


def _exponential(name):
    function = getattr(_NUMERIC, name)

    def apply(z):
        _exponential_argument(z, name)
        return function(z)
    return apply


def _tanh(z):
    if abs(z.real) > 50:  # tanh(a + ib) -> sign(a) as |a| grows (within 1e-43 here)
        return _NUMERIC.mpf(1 if z.real > 0 else -1)
    _periodic_argument(_NUMERIC.mpc(z.imag, 0), "tanh")  # tanh(ib) = i*tan(b)
    return _NUMERIC.tanh(z)


def _erf(z, name="erf"):
    if not z.imag and abs(z.real) > 10:  # within 1e-45 of +-1
        return _NUMERIC.mpf(1 if z.real > 0 else -1)
    if abs(z) > 96:  # |erf(iy)| ~ exp(y**2): 96**2 > _MAX_LOG
        raise _OutOfRange(f"{name} of a complex number larger than 96")
    return _NUMERIC.erf(z)


def _real(*values) -> bool:
    return all(not _NUMERIC.im(v) for v in values)


def _power(base, exponent):
    if not base:
        return _NUMERIC.mpf(0) if exponent.real > 0 else None  # 0**-1 is zoo, refused elsewhere
    logarithm = exponent * _NUMERIC.log(base)
    if abs(logarithm.real) > _MAX_LOG:
        raise _OutOfRange(f"a power beyond 1e{_MAX_DIGITS} (or below 1e-{_MAX_DIGITS})")
    _periodic_argument(_NUMERIC.mpc(logarithm.imag, 0), "a power with a complex exponent")
    return _NUMERIC.power(base, exponent)


def _heaviside(z, at_zero=None):
    if not _real(z) or (at_zero is not None and not _real(at_zero)):
        return None
    return _NUMERIC.mpf(1 if z > 0 else 0) if z else (at_zero if at_zero is not None
                                                      else _NUMERIC.mpf(0.5))


def _extremum(pick):
    return lambda *values: pick(values) if _real(*values) else None


def _logarithm(z, base=None):
    return _NUMERIC.log(z) if base is None else _NUMERIC.log(z) / _NUMERIC.log(base)


def _product(*values):
    result = _NUMERIC.mpf(1)
    for value in values:
        result = _bounded(result * value)
    return result


#: How each SymPy operation is estimated, keyed by the SymPy class (function classes included).
_ESTIMATES: dict[object, Callable] = {
    sympy.Add: lambda *values: _bounded(_NUMERIC.fsum(values)),
    sympy.Mul: _product,
    sympy.Pow: _power,
    **{getattr(sympy, name): _periodic(name) for name in ("sin", "cos", "tan", "cot", "sec",
                                                          "csc")},
    **{getattr(sympy, name): _exponential(name) for name in ("exp", "sinh", "cosh")},
    **{getattr(sympy, name): getattr(_NUMERIC, name) for name in ("asin", "acos", "atan",
                                                                  "asinh", "acosh", "atanh")},
    sympy.tanh: _tanh, sympy.erf: _erf,
    sympy.erfi: lambda z: _NUMERIC.mpc(0, -1) * _erf(_NUMERIC.mpc(0, 1) * z, "erfi"),
    sympy.log: _logarithm,
    sympy.Abs: abs,
    sympy.sign: lambda z: z / abs(z) if z else _NUMERIC.mpf(0),
    sympy.Heaviside: _heaviside,
    sympy.atan2: lambda y, x: _NUMERIC.atan2(y, x) if _real(y, x) else None,
    sympy.Max: _extremum(max), sympy.Min: _extremum(min),
}


def _estimate(function, values):
    """The estimate of ``function(*values)``: a number, ``_SYMBOLIC``, or None (not known).

    Raises _OutOfRange where the value, or the work to compute it, would be too large.
    """
    if _SYMBOLIC in values:
        return _SYMBOLIC
    compute = _ESTIMATES.get(function)
    if compute is None or None in values:
        return None
    try:
        value = compute(*values)
    except _OutOfRange:
        raise
    except Exception:  # poles, log(0), no convergence: SymPy answers those; size is not known
        return None
    if value is None or _NUMERIC.isinf(value) or _NUMERIC.isnan(value):
        return None  # a pole such as log(0): SymPy's own answer (zoo) is refused where it is made
    return _bounded(value)


def _tree(text: object, argument: str) -> tuple[ast.expr, str]:
    """Syntax-check ``text`` and bound its size; return the tree and the stripped text."""
    if not isinstance(text, str):
        raise InvalidArgument(argument, text, f"must be a string, not {type(text).__name__}")
    if len(text) > _MAX_TEXT_LENGTH:
        raise InvalidArgument(argument, text, f"is too long ({len(text)} characters, the limit "
                              f"is {_MAX_TEXT_LENGTH})")
    source = text.strip()
    if not source:
        raise InvalidArgument(argument, text, "is empty", "write an expression such as x**2 + y")
    try:
        body = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise InvalidArgument(argument, text, f"is not a valid expression ({exc.msg})",
                              _FIX) from exc
    except (RecursionError, MemoryError, ValueError) as exc:  # deep nesting, NUL bytes
        raise InvalidArgument(argument, text, "is too deeply nested or malformed to parse",
                              _FIX) from exc
    # Bound size and depth iteratively before the (recursive) build.  A chain such as
    # a + b - c + d is left-nested in the tree but built in one step, so the left operand of
    # the same kind of operator stays at its parent's depth.
    count, stack = 0, [(body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > _MAX_NODES:
            raise InvalidArgument(argument, text, f"is too large (more than {_MAX_NODES} parts)")
        if depth > _MAX_DEPTH:
            raise InvalidArgument(argument, text, f"is nested too deeply (more than {_MAX_DEPTH} "
                                  "levels)", "simplify the expression")
        family = _family(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _MARKERS):
                flat = family is not None and child is node.left and _family(child) == family
                stack.append((child, depth if flat else depth + 1))
    return body, source


class _Part(NamedTuple):
    """A built piece of an expression.

    ``weight`` bounds the decimal digits of the exact numbers in it (refusing huge products or
    powers before SymPy computes them); ``depth`` is how many functions (or powers) nest in it.
    """

    expr: sympy.Expr
    weight: int
    depth: int


_MINUS_ONE = _Part(sympy.Integer(-1), 0, 0)


def _heaviside_of_names(arg: sympy.Expr, at_zero: sympy.Expr = sympy.Rational(1, 2),
                        evaluate: bool = True) -> sympy.Expr:
    """Heaviside of an argument holding names: SymPy's sign decisions, without its ``im(arg)``.

    ``sympy.Heaviside`` computes ``im(arg)`` to refuse complex arguments, which expands powers
    (``Heaviside((x + 1)**999)`` runs for minutes).  The sign queries are kept; a visibly
    complex argument (holding ``I``) is refused as SymPy would.
    """
    if arg.has(sympy.I):
        raise ValueError(f"Heaviside is defined only for real values, not {arg}")
    if arg.is_extended_negative:
        return sympy.Integer(0)
    if arg.is_extended_positive:
        return sympy.Integer(1)
    if arg.is_zero:
        return at_zero
    return sympy.Heaviside(arg, at_zero, evaluate=False)


def _big_power(expr: sympy.Expr) -> bool:
    """True when ``expr`` holds an integer power above 6 of a sum (expensive to query)."""
    return any(isinstance(p.base, sympy.Add) and p.exp.is_Integer and abs(p.exp) > 6
               for p in expr.atoms(sympy.Pow))


def _depth(expr: sympy.Expr, written: int) -> int:
    """The nesting depth of a built piece: as written, unless SymPy reduced it to a number or a
    name (tanh(tanh(0)) is 0, and nests nothing)."""
    return written if expr.args else 0


class _Builder:
    """Builds SymPy objects from a checked syntax tree, accepting only whitelisted nodes.

    Every SymPy object is made by :meth:`_make`, the one place that decides whether SymPy may
    simplify, estimates the numbers involved first, and turns SymPy's exceptions into
    :class:`InvalidArgument`.
    """

    def __init__(self, source, text, argument, symbols, allowed_names, functions):
        self.source, self.text, self.argument = source, text, argument
        self.symbols = dict(symbols or {})
        if isinstance(allowed_names, str):
            allowed_names = [allowed_names]
        self.allowed = None if allowed_names is None else frozenset(allowed_names)
        if isinstance(functions, str):
            functions = [functions]
        if functions is None:
            functions = {}
        elif not isinstance(functions, Mapping):
            functions = {name: None for name in functions}
        self.functions = {}
        for name, function in functions.items():
            if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
                raise InvalidArgument("functions", name, "is not a valid function name")
            self.functions[name] = function if function is not None else sympy.Function(name)
        self.budget = _EVALUATION_BUDGET
        self.estimates: dict[sympy.Basic, object] = {}

    def reject(self, problem: str, fix: str | None = _FIX, cause: BaseException | None = None):
        raise InvalidArgument(self.argument, self.text, problem, fix) from cause

    def segment(self, node: ast.AST) -> str:
        shown = ast.get_source_segment(self.source, node) or type(node).__name__
        return shown if len(shown) <= 40 else shown[:37] + "..."

    def entry(self, node: ast.expr) -> sympy.Expr:
        """Build one complete expression and refuse undefined results such as ``1/0``."""
        return self.entry_part(node).expr

    def entry_part(self, node: ast.expr) -> _Part:
        part = self._build(node)
        if part.expr.has(*_UNDEFINED):
            self.reject(f"{self.segment(node)!r} is undefined or infinite",
                        "avoid divisions by zero and poles such as log(0)")
        return part

    # ------------------------------------------------------------------ the one door to SymPy

    def estimate(self, expr: sympy.Basic):
        """The 64-bit estimate of ``expr`` (see :func:`_estimate`), memoised per subexpression.

        Walking the built object, not the syntax tree, also checks the constants SymPy creates
        itself, such as ``exp(18000)`` from ``exp(9000)*exp(9000)``.
        """
        known = self.estimates.get(expr)
        if known is not None or expr in self.estimates:
            return known
        if expr.is_Number:
            if expr.is_Float:
                value = _NUMERIC.mpf(expr._mpf_)
            elif expr.is_Rational:
                value = _NUMERIC.mpf(expr.p) / expr.q
            else:  # nan, zoo, oo: refused where they are built
                value = None
        elif expr is sympy.pi:
            value = _NUMERIC.pi
        elif expr is sympy.E:
            value = _NUMERIC.e
        elif expr is sympy.I:
            value = _NUMERIC.mpc(0, 1)
        elif not expr.args:
            value = _SYMBOLIC if expr.free_symbols else None
        else:
            values = [self.estimate(arg) for arg in expr.args]
            function = expr.func
            if isinstance(expr, AppliedUndef) or function not in _ESTIMATES:
                function = None  # the caller's functions, or a class SymPy made, e.g. re()
            value = _estimate(function, values)
        self.estimates[expr] = value
        return value

    def _make(self, node: ast.expr, function: Callable[..., sympy.Expr],
              parts: list[_Part], kind: object = None, simplify: bool = True) -> sympy.Expr:
        """``function(*exprs)``: estimated, simplified within the budget, and checked.

        ``kind`` is the SymPy class whose estimate applies (``function`` itself by default);
        ``simplify=False`` forces an unevaluated build.
        """
        exprs = [part.expr for part in parts]
        values = [self.estimate(expr) for expr in exprs]
        kind = function if kind is None else kind
        try:
            # Refuse huge numbers *before* SymPy evaluates them (cos(exp(7.89e27)) would hang).
            _estimate(kind if kind in _ESTIMATES else None, values)
        except _OutOfRange as exc:
            self.reject(f"{self.segment(node)!r} involves {exc}",
                        "use smaller numbers (or reduce periodic arguments modulo 2*pi)")
        # Sums, products and powers of plain polynomials are free; anything holding functions
        # costs 3**depth (Mul.flatten, too, asks exp(...) whether it is zero, and so on down).
        depth = max((part.depth for part in parts), default=0)
        arithmetic = kind in (sympy.Add, sympy.Mul, sympy.Pow)
        cost = 0 if arithmetic and not depth else 3**depth
        if kind in (sympy.Max, sympy.Min):
            cost *= len(parts) ** 2
        # A constant whose size is not known (such as L(1)) is never evaluated numerically.
        evaluate = (simplify and depth <= _EVALUATE_DEPTH and cost <= self.budget
                    and (kind in (sympy.Add, sympy.Mul) or None not in values))
        if evaluate and (depth or not arithmetic) and any(_big_power(e) for e in exprs):
            # SymPy's assumption queries on a function of a high power of a sum expand it
            # (Heaviside(tanh((x + y)**40)): 16 s): such pieces are built unevaluated.
            evaluate = False
        self.budget -= cost if evaluate else 0
        if evaluate and function is sympy.Heaviside and _SYMBOLIC in values:
            function = _heaviside_of_names
        try:
            expr = function(*exprs) if evaluate else function(*exprs, evaluate=False)
        except InertiaVerifyError:
            raise
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError,
                NotImplementedError, AttributeError, IndexError, KeyError) as exc:
            # e.g. Heaviside(log(-1)) (complex argument), Max(x, acos(pi)) (not comparable).
            reason = str(exc).split("\n")[0][:120] or type(exc).__name__
            self.reject(f"{self.segment(node)!r} cannot be evaluated ({reason})",
                        "use real arguments within the functions' domains", exc)
        if expr in _UNDEFINED:
            self.reject(f"{self.segment(node)!r} is undefined or infinite",
                        "avoid divisions by zero and poles such as log(0)")
        try:
            self.estimate(expr)
        except _OutOfRange as exc:
            self.reject(f"{self.segment(node)!r} involves {exc}", "use smaller numbers")
        return expr

    # ------------------------------------------------------------------ syntax nodes

    def _build(self, node: ast.expr) -> _Part:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return _Part(self._name(node), 0, 0)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            part = self._build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return part
            return part._replace(expr=self._make(node, sympy.Mul, [_MINUS_ONE, part]))
        if isinstance(node, ast.BinOp):
            if _family(node):
                return self._chain(node)
            if isinstance(node.op, ast.Pow):
                return self._power(node)
            if isinstance(node.op, ast.BitXor):
                self.reject(f"'^' is not allowed ({self.segment(node)!r})", "use ** for powers")
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            self.reject(f"attribute access ('.{node.attr}') is not allowed")
        if isinstance(node, (ast.List, ast.Tuple)):
            self.reject(f"a list or tuple ({self.segment(node)!r}) is not allowed here",
                        "give a single expression (matrices only where a matrix is expected)")
        op = getattr(node, "op", None)
        what = _OPERATORS.get(type(op)) or _FORBIDDEN.get(type(node)) or type(node).__name__
        self.reject(f"{what} ({self.segment(node)!r}) is not allowed")

    def _constant(self, node: ast.Constant) -> _Part:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self.reject(f"{value!r} is not allowed", "write a number")
        if isinstance(value, int):
            if value.bit_length() > 400 or len(str(value)) > _MAX_LITERAL_DIGITS:
                self.reject(f"integer literal with more than {_MAX_LITERAL_DIGITS} digits",
                            "use a power such as 10**200 or a float such as 1e200")
            return _Part(sympy.Integer(value), len(str(value)), 0)
        if isinstance(value, float):
            literal = (ast.get_source_segment(self.source, node) or repr(value)).replace("_", "")
            digits = sum(c.isdigit() for c in literal.lower().partition("e")[0])
            if not math.isfinite(value) or digits > _MAX_LITERAL_DIGITS:
                self.reject(f"float literal {literal!r} is too large or too long",
                            f"use at most {_MAX_LITERAL_DIGITS} digits and a finite value")
            # A float's digits never grow (its precision is fixed), hence weight 0.  Its literal
            # text keeps 0.1 exactly 0.1 at the precision it was written with.
            try:
                return _Part(sympy.Float(literal), 0, 0)
            except ValueError:
                return _Part(sympy.Float(value), 0, 0)
        kind = "complex number" if isinstance(value, complex) else "string"
        self.reject(f"{kind} literal ({self.segment(node)!r}) is not allowed")

    def _name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name.startswith("_"):
            self.reject(f"name {name!r} is not allowed (names starting with '_' are reserved)",
                        "rename it")
        if name in self.symbols:
            return self.symbols[name]
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in self.functions or name in FUNCTIONS:
            self.reject(f"{name!r} is a function", f"call it, e.g. {name}(x)")
        if self.allowed is not None and name not in self.allowed:
            known = sorted(self.allowed | set(self.symbols))
            self.reject(f"unknown name {name!r} (allowed names: {', '.join(known) or 'none'})",
                        f"use one of them, or declare {name!r} as a parameter")
        return sympy.Symbol(name)

    def _check(self, node: ast.expr, weight: int) -> None:
        if weight > _MAX_DIGITS:
            self.reject(f"numbers too large: {self.segment(node)!r} would involve more than "
                        f"{_MAX_DIGITS} digits", "use smaller numbers or floats")

    def _chain(self, node: ast.BinOp) -> _Part:
        """Build ``a + b - c ...`` or ``a * b / c ...`` with one SymPy call (not one per step)."""
        family, top, operands = _family(node), node, []
        while _family(node) == family:
            operands.append((node.op, node.right))
            node = node.left
        operands.append((None, node))
        terms, weight = [], 0
        for op, operand in reversed(operands):
            part = self._build(operand)
            weight += part.weight
            if isinstance(op, ast.Sub):
                part = part._replace(expr=self._make(
                    operand, sympy.Mul, [_MINUS_ONE, part]))
            elif isinstance(op, ast.Div):
                part = part._replace(expr=self._make(
                    operand, sympy.Pow, [part, _MINUS_ONE]))
            terms.append(part)
        self._check(top, weight)
        expr = self._make(top, sympy.Add if family == "sum" else sympy.Mul, terms)
        return _Part(expr, weight, _depth(expr, max(part.depth for part in terms)))

    def _power(self, node: ast.BinOp) -> _Part:
        base_part, exponent_part = self._build(node.left), self._build(node.right)
        base, base_weight = base_part.expr, base_part.weight
        exponent, weight = exponent_part.expr, exponent_part.weight
        number = (sympy.Rational, sympy.Float)  # finite numbers only (zoo, oo, nan are not)
        if isinstance(exponent, number) and not exponent.is_zero:
            if isinstance(base, number):
                # The result has about |exponent| * size digits, where size is log10 of the
                # base's numerator and denominator (or |log10| of a float).  Comparing logarithms
                # refuses 10**10**10 without doing any big arithmetic.
                if base.is_zero or base in (1, -1):
                    size = 0.0
                elif isinstance(base, sympy.Rational):
                    size = math.log10(abs(base.p)) + math.log10(base.q)
                else:
                    size = abs(_log10_abs(base))
                log_digits = _log10_abs(exponent) + math.log10(size) if size else -math.inf
                if log_digits > math.log10(_MAX_DIGITS):
                    self.reject(f"power too large: {self.segment(node)!r} would have more than "
                                f"{_MAX_DIGITS} digits", "use smaller numbers or floats")
                exact = isinstance(base, sympy.Rational) and isinstance(exponent, sympy.Rational)
                weight += base_weight + (math.ceil(10**log_digits) if exact else 0)
            else:
                if abs(exponent) > _MAX_SYMBOLIC_EXPONENT:
                    self.reject(f"exponent too large in {self.segment(node)!r} (the limit is "
                                f"{_MAX_SYMBOLIC_EXPONENT})", "use a smaller exponent")
                # (2*x)**n holds 2**n and (2**a)**n holds 2**(a*n); only sums stay as they are.
                weight += base_weight * (1 if base.is_Add else int(abs(exponent)) + 1)
        else:
            weight = self._log_exponent(node, exponent, weight + base_weight)
        self._check(node, weight)
        expr = self._make(node, sympy.Pow, [base_part, exponent_part])
        # Powers of polynomials (x**2, sqrt(x + 1)) are cheap to query; powers of functions nest.
        depth = max(base_part.depth, exponent_part.depth)
        return _Part(expr, weight, _depth(expr, depth + 1 if depth else 0))

    def _call(self, node: ast.Call) -> _Part:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                self.reject(f"attribute access ('.{node.func.attr}') is not allowed")
            self.reject(f"calling {self.segment(node.func)!r} is not allowed",
                        "only named functions such as sin(x) can be called")
        name = node.func.id
        if name.startswith("_"):
            self.reject(f"name {name!r} is not allowed (names starting with '_' are reserved)")
        if name in self.functions:  # the caller's undefined functions, such as a loss L(x, y)
            function, fewest, most = self.functions[name], 1, None
        elif name in FUNCTIONS:
            function, fewest, most = FUNCTIONS[name]
        else:
            allowed = ", ".join(sorted(set(FUNCTIONS) | set(self.functions)))
            self.reject(f"unknown function {name!r} is not allowed", f"use one of: {allowed}")
        if node.keywords:
            shown = ", ".join(f"{k.arg}=" if k.arg else "**" for k in node.keywords)
            self.reject(f"keyword arguments ({shown}) are not allowed in {name}()")
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            wanted = (f"{fewest}" if fewest == most else f"{fewest} or {most}" if most
                      else f"at least {fewest}")
            noun = "argument" if (most or fewest) == 1 else "arguments"
            self.reject(f"{name}() takes {wanted} {noun}, got {count}", None)
        parts = [self._build(arg) for arg in node.args]
        weight = sum(part.weight for part in parts)
        if function is sympy.exp:
            weight = self._log_exponent(node, parts[0].expr, weight)
        self._check(node, weight)
        if function in (sympy.Max, sympy.Min):
            # Nested Max(Max(...), ...) is flattened into one comparison of all arguments.
            total = sum(len(part.expr.args) if part.expr.func is function else 1
                        for part in parts)
            if total > _MAX_MINMAX:
                self.reject(f"{name}() of {total} arguments is too many (the limit is "
                            f"{_MAX_MINMAX}; SymPy compares them pairwise)",
                            f"use at most {_MAX_MINMAX} arguments (nested {name}() calls "
                            "count together)")
        expr = self._make(node, function, parts)
        return _Part(expr, weight, _depth(expr, max(part.depth for part in parts) + 1))

    def _log_exponent(self, node: ast.expr, exponent: sympy.Expr, weight: int) -> int:
        """Bound ``exp(c*log(b))`` and ``a**(c*log(b))``: SymPy evaluates the former to ``b**c``."""
        if not exponent.has(sympy.log):
            return weight
        largest = max(abs(term.as_coeff_Mul()[0]) for term in sympy.Add.make_args(exponent))
        if not largest.is_finite or largest > _MAX_SYMBOLIC_EXPONENT:
            self.reject(f"exponent too large in {self.segment(node)!r} (a coefficient of a log "
                        f"above {_MAX_SYMBOLIC_EXPONENT})", "use a smaller exponent")
        return weight * (int(largest) + 1)


def parse_expression(text: str, *, argument: str = "expression",
                     symbols: Mapping[str, sympy.Symbol] | None = None,
                     allowed_names: Iterable[str] | None = None,
                     functions: Functions = None,
                     ) -> sympy.Expr:
    """Parse a scalar expression safely (never via ``eval`` or ``sympify``).

    Parameters
    ----------
    text : str
        The expression, e.g. ``"x**4/4 - a*x**2"``.
    argument : str
        The argument's name as the user knows it (``"--loss"``), used in error messages.
    symbols : mapping of str to Symbol, optional
        Names to resolve to the caller's own symbols; other names become ``Symbol(name)``.
        ``pi`` and ``E`` are the constants unless shadowed here.
    allowed_names : iterable of str, optional
        If given, any other free name (outside ``symbols`` and the constants) is an error.
    functions : mapping of str to function class, or iterable of str, optional
        Extra undefined functions that may be called, e.g. ``["L"]`` for an abstract loss.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InvalidArgument
        For anything outside numbers, names, ``+ - * / **`` and whitelisted function calls, for
        oversized input, for undefined results such as ``1/0``, for numbers too large to
        evaluate (beyond ``1e4000``, ``exp`` of more than about 9210, ``sin`` and the other
        periodic functions of more than ``1e100``), for ``Max``/``Min`` of more than 16
        arguments, and for anything SymPy cannot evaluate (``Heaviside(log(-1))``).

    Notes
    -----
    Every input is answered quickly by design, not by a timer: see the module docstring.
    Functions nested more than three deep, and any beyond a fixed amount of simplification
    work per input, are built unevaluated: the same mathematics, not simplified.

    Examples
    --------
    >>> parse_expression("x**2/2 + 3*sin(y)")
    x**2/2 + 3*sin(y)
    >>> x = sympy.Symbol("x", positive=True)
    >>> parse_expression("sqrt(x**2) + 0.1", symbols={"x": x})
    x + 0.1
    >>> parse_expression("L(x, y) + pi", functions=["L"])
    L(x, y) + pi
    >>> parse_expression("x.__class__", argument="loss")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'loss' = 'x.__class__': attribute access ...
    >>> parse_expression("10**10**10")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'expression' = '10**10**10': power too large:
    '10**10**10' would have more than 4000 digits; use smaller numbers or floats
    >>> parse_expression("cos(exp(7.89e27))")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'expression' = 'cos(exp(7.89e27))':
    'exp(7.89e27)' involves exp of a number larger than 9210 in magnitude ...
    """
    node, source = _tree(text, argument)
    return _Builder(source, text, argument, symbols, allowed_names, functions).entry(node)


def parse_matrix(text: str, *, argument: str = "matrix",
                 symbols: Mapping[str, sympy.Symbol] | None = None,
                 allowed_names: Iterable[str] | None = None,
                 functions: Functions = None,
                 ) -> sympy.Matrix:
    """Parse a matrix written as a list of rows, e.g. ``"[[1, 0], [0, a]]"``.

    Entries are parsed exactly like :func:`parse_expression`, with the same keyword arguments.

    Parameters
    ----------
    text : str
        The matrix as a list of rows, e.g. ``"[[1, 0], [0, a]]"``.
    argument, symbols, allowed_names, functions
        As for :func:`parse_expression`.

    Returns
    -------
    sympy.Matrix
        One row per inner list.

    Examples
    --------
    >>> parse_matrix("[[1, 0], [0, a/2]]")
    Matrix([
    [1,   0],
    [0, a/2]])
    >>> parse_matrix("[1, 2]")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'matrix' = '[1, 2]': is not a list of rows;
    write a matrix as a list of rows, e.g. [[1,0],[0,2]]
    """
    node, source = _tree(text, argument)
    builder = _Builder(source, text, argument, symbols, allowed_names, functions)
    return _matrix(node, builder)


def _matrix(node: ast.expr, builder: _Builder) -> sympy.Matrix:
    example = "write a matrix as a list of rows, e.g. [[1,0],[0,2]]"
    rows = node.elts if isinstance(node, (ast.List, ast.Tuple)) else None
    if not rows or not all(isinstance(row, (ast.List, ast.Tuple)) for row in rows):
        builder.reject("is empty" if rows == [] else "is not a list of rows", example)
    lengths = [len(row.elts) for row in rows]
    if len(set(lengths)) > 1 or not lengths[0]:
        builder.reject(f"rows must be non-empty and of equal length (lengths: "
                       f"{', '.join(map(str, lengths))})", example)
    return sympy.Matrix([[builder.entry(entry) for entry in row.elts] for row in rows])


def parse_scalar_or_matrix(text: str, *, argument: str,
                           symbols: Mapping[str, sympy.Symbol] | None = None,
                           allowed_names: Iterable[str] | None = None,
                           functions: Functions = None,
                           ) -> sympy.Expr | sympy.Matrix:
    """Parse a matrix if the text is a bracketed list of rows, else a scalar expression.

    Parameters
    ----------
    text : str
        A scalar expression (``"gamma/2"``) or a list of rows (``"[[1, 0], [0, 2]]"``).
    argument, symbols, allowed_names, functions
        As for :func:`parse_expression`.

    Returns
    -------
    sympy.Expr or sympy.Matrix
        A matrix when the text is a list of rows, else a scalar.

    Examples
    --------
    >>> parse_scalar_or_matrix("gamma/2", argument="damping")
    gamma/2
    >>> parse_scalar_or_matrix("[[1, 0], [0, 2]]", argument="damping")
    Matrix([
    [1, 0],
    [0, 2]])
    """
    node, source = _tree(text, argument)
    builder = _Builder(source, text, argument, symbols, allowed_names, functions)
    if isinstance(node, (ast.List, ast.Tuple)):
        return _matrix(node, builder)
    return builder.entry(node)


def parse_names(text: str, *, argument: str = "vars") -> tuple[str, ...]:
    """Parse comma-separated names such as ``"x, y"`` into ``("x", "y")``.

    Each name must be an identifier not starting with ``_``, not a keyword, a whitelisted
    function or the constants ``pi``/``E``; names must be distinct.

    Parameters
    ----------
    text : str
        Names separated by commas.
    argument : str
        The argument's name as the user knows it, used in error messages.

    Returns
    -------
    tuple of str
        The names in the order given (NFKC-normalised, as Python normalises identifiers).

    Examples
    --------
    >>> parse_names("x, y")
    ('x', 'y')
    >>> parse_names("x,sin", argument="coordinates")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'coordinates' = 'x,sin':
    'sin' is a function name; write names separated by commas, e.g. x,y
    """
    if not isinstance(text, str):
        raise InvalidArgument(argument, text, f"must be a string, not {type(text).__name__}")
    if len(text) > _MAX_TEXT_LENGTH:
        raise InvalidArgument(argument, text, f"is too long ({len(text)} characters)")
    fix = "write names separated by commas, e.g. x,y"
    if not text.strip():
        raise InvalidArgument(argument, text, "is empty", fix)
    names: list[str] = []
    for part in text.split(","):
        # Python's parser normalises identifiers (NFKC); do the same so the names match.
        name = unicodedata.normalize("NFKC", part.strip())
        if not name:
            problem = "contains an empty name (a doubled or trailing comma?)"
        elif not name.isidentifier() or keyword.iskeyword(name):
            problem = f"{name!r} is not a valid name"
        elif name.startswith("_"):
            problem = f"{name!r} starts with '_', which is reserved"
        elif name in FUNCTIONS:
            problem = f"{name!r} is a function name"
        elif name in _CONSTANTS:
            problem = f"{name!r} is a constant"
        elif name in names:
            problem = f"{name!r} appears twice"
        else:
            names.append(name)
            continue
        raise InvalidArgument(argument, text, problem, fix)
    return tuple(names)


def parse_vector(text: str, *, argument: str, length: int | None = None) -> tuple[float, ...]:
    """Parse numbers such as ``"1, 0"`` or ``"[pi/2, 1e-3]"`` into a tuple of finite floats.

    Examples
    --------
    >>> parse_vector("[pi/2, 1e-3]", argument="x0")
    (1.5707963267948966, 0.001)
    >>> parse_vector("1, 0", argument="x0", length=3)
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'x0' = '1, 0': has 2 numbers, expected 3
    """
    node, source = _tree(text, argument)
    builder = _Builder(source, text, argument, None, None, None)
    elements = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    if not elements:
        builder.reject("is empty", "write numbers separated by commas, e.g. 1,0")
    if length is not None and len(elements) != length:
        builder.reject(f"has {len(elements)} number{'s' * (len(elements) != 1)}, "
                       f"expected {length}", None)
    values = []
    for index, element in enumerate(elements, 1):
        part = builder.entry_part(element)
        expr = part.expr
        shown = f"entry {index} ({builder.segment(element)!r})"
        if part.depth > _EVALUATE_DEPTH:
            # evalf's cost grows exponentially with nesting, like SymPy's simplification.
            builder.reject(f"{shown} nests more than {_EVALUATE_DEPTH} functions",
                           "give a number such as 0.5 or pi/2")
        if expr.free_symbols:
            names = ", ".join(sorted(s.name for s in expr.free_symbols))
            builder.reject(f"{shown} is not a number (it contains {names})",
                           "give numbers such as 0.5 or pi/2")
        try:
            real, imag = expr.evalf(30).as_real_imag()
            value, imag = float(real), float(imag)
        except (TypeError, ValueError, OverflowError):
            builder.reject(f"{shown} cannot be evaluated to a number")
        if imag or not math.isfinite(value):
            builder.reject(f"{shown} is not a finite real number", None)
        values.append(value)
    return tuple(values)


def as_sympy(value: object, *, argument: str = "expression") -> sympy.Basic:
    """A SymPy object or a number (Python's, or a NumPy scalar) as a SymPy object; text is
    refused, also inside a container.

    ``sympy.sympify`` would evaluate a string as Python, so code that receives objects from a
    caller converts them here: text must go through :func:`parse_expression` instead.

    Examples
    --------
    >>> as_sympy(2)
    2
    >>> as_sympy("x**2")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'expression' = 'x**2': is text, which is never evaluated here; parse it with parse_expression() first
    """
    if isinstance(value, sympy.Basic):
        return value
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()   # a NumPy scalar or 0-d array: its Python number
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        if isinstance(value, str):
            raise InvalidArgument(argument, value, "is text, which is never evaluated here",
                                  "parse it with parse_expression() first")
        raise InvalidArgument(argument, value, f"must be a SymPy expression or a number, not "
                              f"{type(value).__name__}")
    return sympy.Rational(value.numerator, value.denominator) if isinstance(value, Fraction) \
        else sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
