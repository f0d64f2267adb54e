"""Polynomial vector fields with integer coefficients, their Lie brackets and their values.

The fields whose Lie algebra counts conservation laws (∇φ_j, θ ⊙ ∇φ_j, the phase-space fields of
momentum flows) are polynomial and sparse: a coordinate of ∇φ_j involves a handful of parameters.
SymPy expressions (or even dense ``PolyElement`` monomials, tuples of length D) would spend most
of their time on zeros, so a polynomial here is a dict ``{monomial: int}`` where a monomial is the
sorted tuple of its variable indices with repetition (x0²·x3 is ``(0, 0, 3)``), and a field is a
dict ``{coordinate index: polynomial}`` without zero entries.  Coefficients are Python integers,
so brackets are exact; a field with rational coefficients is scaled by the common denominator,
which changes neither its direction nor the Lie algebra's span at a point.

Values at a point are computed in two arithmetics from the same exact point (a dyadic rational,
exactly representable in float64): float64, with the sum of |terms| as a round-off scale, and
integers modulo the prime p = 2³¹ − 1 (exact, and small enough for int64 products).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np
import sympy

from .._expressions import as_sympy
from .._errors import InvalidArgument

__all__ = ["Poly", "Field", "PRIME", "poly_from_expr", "field_from_exprs", "bracket",
           "apply", "derivative", "poly_to_expr", "Point", "evaluate"]

Poly = dict  # {tuple of variable indices (sorted, repeated): int}
Field = dict  # {coordinate index: Poly}

#: The prime for exact values: products of two residues fit in int64.
PRIME = 2**31 - 1


def poly_from_expr(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> tuple[Poly, int]:
    """``(integer polynomial, denominator)`` with ``expr = poly / denominator``.

    Raises InvalidArgument when ``expr`` is not a polynomial with rational coefficients.
    """
    try:
        p = sympy.Poly(expr, *symbols, domain="QQ")
    except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed) as exc:
        raise InvalidArgument("model", expr, "is not a polynomial with rational coefficients in "
                              "the parameters", "the Lie-algebra count and the polynomial search "
                              "need polynomial models; check_law works for any model") from exc
    terms = [(tuple(i for i, e in enumerate(m) for _ in range(e)), Fraction(int(c.numerator),
                                                                            int(c.denominator)))
             for m, c in p.terms()]
    den = lcm(*(c.denominator for _, c in terms)) if terms else 1
    return {m: int(c * den) for m, c in terms if c}, den


def field_from_exprs(exprs, symbols: list[sympy.Symbol]) -> Field:
    """A field from its coordinates as SymPy expressions, scaled to integer coefficients."""
    polys = {i: poly_from_expr(as_sympy(e, argument="components"), symbols) for i, e in enumerate(exprs)}
    polys = {i: (p, d) for i, (p, d) in polys.items() if p}
    den = lcm(*(d for _, d in polys.values())) if polys else 1
    return {i: {m: c * (den // d) for m, c in p.items()} for i, (p, d) in polys.items()}


def _merge(a: tuple, b: tuple) -> tuple:
    return tuple(sorted(a + b)) if a and b else (a or b)


def _add_into(out: Poly, p: Poly, scale: int = 1) -> None:
    for m, c in p.items():
        v = out.get(m, 0) + scale * c
        if v:
            out[m] = v
        else:
            out.pop(m, None)


def derivative(p: Poly, k: int) -> Poly:
    """∂p/∂x_k."""
    out: Poly = {}
    for m, c in p.items():
        e = m.count(k)
        if e:
            i = m.index(k)
            key = m[:i] + m[i + 1:]
            out[key] = out.get(key, 0) + e * c
    return {m: c for m, c in out.items() if c}


def apply(X: Field, p: Poly) -> Poly:
    """The derivative of ``p`` along ``X``: Σ_k X_k ∂_k p."""
    out: Poly = {}
    for m, c in p.items():
        previous = None
        for i, k in enumerate(m):
            if k == previous:
                continue
            previous = k
            Xk = X.get(k)
            if Xk is None:
                continue
            coef = c * m.count(k)
            rest = m[:i] + m[i + 1:]
            for m2, c2 in Xk.items():
                key = _merge(rest, m2)
                out[key] = out.get(key, 0) + coef * c2
    return {m: c for m, c in out.items() if c}


def bracket(X: Field, Y: Field) -> Field:
    """[X, Y] = (∂Y) X − (∂X) Y, i.e. [X, Y]_i = X(Y_i) − Y(X_i).

    Examples
    --------
    >>> X = {0: {(): 1}}              # ∂_x
    >>> Y = {1: {(0,): 1}}            # x ∂_y
    >>> bracket(X, Y)                 # [∂_x, x ∂_y] = ∂_y
    {1: {(): 1}}
    """
    out: Field = {}
    for i in set(X) | set(Y):
        component: Poly = {}
        if i in Y:
            _add_into(component, apply(X, Y[i]))
        if i in X:
            _add_into(component, apply(Y, X[i]), -1)
        if component:
            out[i] = component
    return out


def poly_to_expr(p: Poly, symbols) -> sympy.Expr:
    """The SymPy expression of a polynomial."""
    return sympy.Add(*[c * sympy.Mul(*[symbols[k] for k in m]) for m, c in p.items()])


class Point:
    """A random point with exact dyadic coordinates a_i / 2^20, |a_i / 2^20| in [1/2, 2].

    Dyadic so that float64 holds it exactly and its residues mod :data:`PRIME` are defined; the
    grid has about 3·10^6 values per coordinate, so a fixed nonzero polynomial of degree d
    vanishes at the point with probability at most d / 1.5·10^6 (Schwartz–Zippel).
    """

    SCALE_BITS = 20

    def __init__(self, dimension: int, rng: np.random.Generator, positive: bool = False):
        low, high = 2 ** (self.SCALE_BITS - 1), 2 ** (self.SCALE_BITS + 1)
        a = rng.integers(low, high + 1, size=dimension)
        if not positive:
            a = a * rng.choice([-1, 1], size=dimension)
        self.numerators = [int(x) for x in a]
        self.float = np.append(a / 2.0 ** self.SCALE_BITS, 1.0)  # last slot: the empty factor
        inverse = pow(2 ** self.SCALE_BITS, PRIME - 2, PRIME)
        self.modular = np.array([(x * inverse) % PRIME for x in self.numerators] + [1],
                                dtype=np.int64)

    def exact(self) -> list[Fraction]:
        return [Fraction(a, 2 ** self.SCALE_BITS) for a in self.numerators]


def evaluate(X: Field, dimension: int, point: Point):
    """``(float values, float round-off scale, values mod PRIME)`` of a field at a point.

    The scale of a coordinate is Σ |coefficient × monomial| over its terms: float64 evaluation
    errs by at most about (terms × degree) · 2⁻⁵³ times it.
    """
    rows, cols, degree = [], [], 0
    coefs = []
    for i, p in X.items():
        for m, c in p.items():
            rows.append(i)
            cols.append(m)
            coefs.append(c)
            degree = max(degree, len(m))
    values = np.zeros(dimension)
    scale = np.zeros(dimension)
    modular = np.zeros(dimension, dtype=np.int64)
    if not rows:
        return values, scale, modular
    pad = len(point.float) - 1
    index = np.full((len(rows), max(degree, 1)), pad, dtype=np.intp)
    for t, m in enumerate(cols):
        index[t, :len(m)] = m
    rows_a = np.asarray(rows)
    monomials = np.prod(point.float[index], axis=1)
    c_float = np.array([float(c) for c in coefs])
    np.add.at(values, rows_a, c_float * monomials)
    np.add.at(scale, rows_a, np.abs(c_float * monomials))
    residues = np.array([c % PRIME for c in coefs], dtype=np.int64)
    for k in range(index.shape[1]):
        residues = residues * point.modular[index[:, k]] % PRIME
    np.add.at(modular, rows_a, residues)  # at most a few thousand terms: no int64 overflow
    return values, scale, modular % PRIME


def evaluate_exact(X: Field, dimension: int, point: Point) -> list[Fraction]:
    """The exact rational values of a field at the point (the rare fallback)."""
    theta = point.exact()
    out = [Fraction(0)] * dimension
    for i, p in X.items():
        total = Fraction(0)
        for m, c in p.items():
            term = Fraction(c)
            for k in m:
                term *= theta[k]
            total += term
        out[i] = total
    return out
