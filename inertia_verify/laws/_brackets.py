"""Values of iterated Lie brackets at a point, without expanding the brackets symbolically.

Expanded symbolically, a bracket of two cubic fields of a depth-4 linear network already has tens
of thousands of terms; what the count needs is only its *value* at one point.  By the Leibniz
rule, for F = [X, Y] = (DY) X − (DX) Y and directions w_1, …, w_m,

    D^m F(θ)[w] = Σ_{S ⊆ {1..m}} D^{|S|+1}Y(θ)[w_S, D^{m−|S|}X(θ)[w_{S^c}]]
                − D^{|S|+1}X(θ)[w_S, D^{m−|S|}Y(θ)[w_{S^c}]],

so the value of any iterated bracket reduces to derivatives of the *generators* (sparse
polynomials with integer coefficients) contracted with vectors, each computed directly from the
monomials.  The recursion is run in four arithmetics at the same exact point: float64, float64 of
absolute values (a bound on Σ|terms|, the round-off scale: subtraction becomes addition), integers
modulo p = 2³¹ − 1, and exact fractions (only for the rare exact fallback).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations

import numpy as np

from ._fields import PRIME, Field, Point

__all__ = ["Bracket", "BracketValues"]

MODES = ("float", "abs", "mod", "exact")


class Bracket:
    """A node of a bracket tree: a generator (``index``) or [left, right]."""

    __slots__ = ("index", "left", "right", "depth", "key")

    def __init__(self, index=None, left=None, right=None):
        self.index, self.left, self.right = index, left, right
        self.depth = 0 if index is not None else 1 + max(left.depth, right.depth)
        self.key = id(self)

    def word(self, labels) -> str:
        if self.index is not None:
            return labels[self.index]
        return f"[{self.left.word(labels)}, {self.right.word(labels)}]"


class _Arithmetic:
    """Vectors of length D + 1 (the last slot is the empty factor: θ-value 1, direction 0)."""

    def __init__(self, mode: str, point: Point, dimension: int):
        self.mode = mode
        self.n = dimension + 1
        if mode == "float":
            self.theta = point.float.copy()
        elif mode == "abs":
            self.theta = np.abs(point.float)
        elif mode == "mod":
            self.theta = point.modular.copy()
        else:
            self.theta = np.array(point.exact() + [Fraction(1)], dtype=object)

    def zeros(self):
        if self.mode == "mod":
            return np.zeros(self.n, dtype=np.int64)
        if self.mode == "exact":
            return np.array([Fraction(0)] * self.n, dtype=object)
        return np.zeros(self.n)

    def coefficients(self, coefs):
        if self.mode == "mod":
            return np.array([c % PRIME for c in coefs], dtype=np.int64)
        if self.mode == "exact":
            return np.array([Fraction(c) for c in coefs], dtype=object)
        values = np.array([float(c) for c in coefs])
        return np.abs(values) if self.mode == "abs" else values

    def mul(self, a, b):
        return a * b % PRIME if self.mode == "mod" else a * b

    def combine(self, a, b, sign):
        if self.mode == "abs":
            return a + b
        if self.mode == "mod":
            return (a + sign * b) % PRIME
        return a + b if sign > 0 else a - b

    def scatter(self, rows, terms):
        out = self.zeros()
        np.add.at(out, rows, terms)
        if self.mode == "mod":
            out %= PRIME  # a sum of < 2^31 residues < 2^31 each fits in int64
        out[-1] = 0
        return out


class _Generator:
    """A polynomial field as arrays: rows (coordinate), coefficient, factor indices (padded)."""

    def __init__(self, field: Field, pad: int):
        rows, monomials, coefs = [], [], []
        for i, p in field.items():
            for m, c in p.items():
                rows.append(i)
                monomials.append(m)
                coefs.append(c)
        self.degree = max((len(m) for m in monomials), default=0)
        self.rows = np.asarray(rows, dtype=np.intp)
        self.index = np.full((len(rows), max(self.degree, 1)), pad, dtype=np.intp)
        for d in range(1, self.degree + 1):  # fill by degree: one vectorised assignment each
            which = [t for t, m in enumerate(monomials) if len(m) == d]
            if which:
                self.index[which, :d] = np.array([monomials[t] for t in which], dtype=np.intp)
        self.coefs = coefs
        self._by_mode: dict = {}

    def derivative(self, ar: _Arithmetic, directions: tuple) -> np.ndarray:
        """D^m X(θ)[w_1, …, w_m]: sum over ordered choices of m distinct factors of each
        monomial, the chosen factors replaced by the directions."""
        m = len(directions)
        if m > self.degree or not len(self.rows):
            return ar.zeros()
        coefs = self._by_mode.get(ar.mode)
        if coefs is None:
            coefs = self._by_mode[ar.mode] = ar.coefficients(self.coefs)
        theta_factors = [ar.theta[self.index[:, q]] for q in range(self.index.shape[1])]
        total = None
        for chosen in permutations(range(self.index.shape[1]), m):
            term = coefs
            for q in range(self.index.shape[1]):
                if q in chosen:
                    factor = directions[chosen.index(q)][self.index[:, q]]
                else:
                    factor = theta_factors[q]
                term = ar.mul(term, factor)
            total = term if total is None else ar.combine(total, term, 1)
        return ar.scatter(self.rows, total)


class BracketValues:
    """Values of bracket trees at one point in one arithmetic, with the Leibniz recursion."""

    def __init__(self, generators: list[Field], dimension: int, point: Point, mode: str):
        self.ar = _Arithmetic(mode, point, dimension)
        self.generators = [_Generator(g, dimension) for g in generators]
        self._values: dict = {}

    def value(self, node: Bracket) -> np.ndarray:
        v = self._values.get(node.key)
        if v is None:
            v = self._values[node.key] = self.derivative(node, ())
        return v

    def derivative(self, node: Bracket, directions: tuple) -> np.ndarray:
        if not directions and node.key in self._values:
            return self._values[node.key]
        if node.index is not None:
            return self.generators[node.index].derivative(self.ar, directions)
        X, Y = node.left, node.right
        m = len(directions)
        total = self.ar.zeros()
        for size in range(m + 1):
            for S in combinations(range(m), size):
                inside = tuple(directions[i] for i in S)
                outside = tuple(directions[i] for i in range(m) if i not in S)
                dx, dy = self.derivative(X, outside), self.derivative(Y, outside)
                total = self.ar.combine(total, self.derivative(Y, inside + (dx,)), 1)
                total = self.ar.combine(total, self.derivative(X, inside + (dy,)), -1)
        return total

    def forget(self, node: Bracket) -> None:
        self._values.pop(node.key, None)
