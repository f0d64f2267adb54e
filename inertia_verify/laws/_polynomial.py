"""Polynomial conservation laws up to a given degree, by linear algebra on the coefficients.

A law is sought as P = Σ_m c_m m over the monomials m up to the degree (Marcotte et al. 2023,
§ 3): every generating field X must annihilate it, X(P) = Σ_m c_m X(m) = 0, and X(m) is a
polynomial with integer coefficients, so the conditions are a sparse integer linear system in the
c_m, one equation per (field, monomial of X(m)).  For momentum flows the unknown is a polynomial
in (T, θ, v) where T = e^{τt} (τ constant > 0) or T = t (τ = c/t or 0), see :mod:`._flows`:
time enters through powers of e^{τt} or of t.  For τ = c > 0 a term e^{kτt}·p(θ, v) with p of
degree a in v has X_0(e^{kτt}p) = e^{kτt}[(k − a)τ p + v·∇_θ p], so the natural exponents are
k ≤ the v-degree; for τ = c/t the same computation gives powers t^{ck}; hence the default time
degree (``degree`` for e^{τt} and t, ⌈c⌉·degree for c/t).

The null space is computed modulo p = 2³¹ − 1 in reduced row-echelon form; each basis vector is
lifted to ℚ by rational reconstruction and then *verified exactly*: X(P) = 0 is re-computed in
integer arithmetic for every field.  A verified basis is exact: the null space over ℚ is never
larger than modulo p (rank mod p ≤ rank over ℚ), and the verified vectors are independent (their
pivots), so they span it.  If a lift fails, the exact null space is computed with SymPy over ℚ.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations_with_replacement
from math import ceil, comb, gcd, isqrt, lcm

import numpy as np
import sympy

from .._errors import InvalidArgument
from ._fields import PRIME, Point, apply, derivative, evaluate, evaluate_exact, poly_to_expr
from ._flows import Flow, make_flow
from ._lie import LawCount, count_laws
from ._models import Model
from ._rank import SpanAtPoint

__all__ = ["PolynomialLaws", "find_laws"]

_MAX_UNKNOWNS = 6000
_MAX_ENTRIES = 40_000_000  # 320 MB of int64


@dataclass(frozen=True)
class PolynomialLaws:
    """The polynomial conservation laws up to a degree.

    Attributes
    ----------
    model : Model
        The model searched.
    flow : Flow
        The flow whose laws are searched.
    degree : int
        The largest total degree in the parameters (and velocities).
    time_degree : int or None
        The largest degree in the time variable T (momentum flows), else None.
    laws : tuple of sympy.Expr
        A basis (over ℝ) of the polynomial laws of degree 1..``degree``, in reduced echelon form.
    independent : tuple of sympy.Expr
        A maximal functionally independent subset (gradients independent at a random point).
    n_independent : int
        Its size: the number of independent laws found this way.
    lie : LawCount or None
        The Lie-algebra count, for comparison (``n_independent <= lie.n_laws`` always; equality
        means the polynomial laws of this degree are all the laws, locally).
    unknowns, equations : int
        The size of the linear system solved for the coefficients.
    seconds : float
        How long the search took.
    evidence : dict
        How the system was built and solved.

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear, find_laws
    >>> found = find_laws(deep_linear([1, 1, 1]))
    >>> found.laws, found.n_independent, found.complete
    ((U1_0_0**2 - U2_0_0**2,), 1, True)
    """

    model: Model
    flow: Flow
    degree: int
    time_degree: int | None
    laws: tuple[sympy.Expr, ...]
    independent: tuple[sympy.Expr, ...]
    unknowns: int
    equations: int
    seconds: float
    lie: LawCount | None = None
    evidence: dict = field(default_factory=dict)

    @property
    def n_independent(self) -> int:
        return len(self.independent)

    @property
    def complete(self) -> bool | None:
        """Whether the laws found account for every law (None without a Lie count)."""
        return None if self.lie is None else self.n_independent == self.lie.n_laws

    def __str__(self) -> str:
        lines = [f"{self.model.name}, {self.flow.describe()}: {len(self.laws)} polynomial "
                 f"law{'s' * (len(self.laws) != 1)} of degree <= {self.degree}, "
                 f"{self.n_independent} functionally independent"]
        if self.lie is not None:
            verdict = ("all found" if self.complete
                       else "some laws are not polynomial of this degree")
            lines[0] += f"; Lie count {self.lie.n_laws} ({verdict})"
        lines += [f"  {law}" for law in self.laws[:40]]
        if len(self.laws) > 40:
            lines.append(f"  ... ({len(self.laws)} in all)")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        body = r",\\ ".join(sympy.latex(law) for law in self.laws[:20])
        return rf"$\begin{{gathered}}{body}\end{{gathered}}$"

    def to_dict(self) -> dict:
        out = {"model": self.model.to_dict(), **self.flow.to_dict(), "degree": self.degree,
               "time_degree": self.time_degree, "laws": [str(law) for law in self.laws],
               "independent": [str(law) for law in self.independent],
               "n_found": len(self.laws), "n_independent": self.n_independent,
               "unknowns": self.unknowns, "equations": self.equations,
               "seconds": round(self.seconds, 4), "evidence": self.evidence}
        if self.lie is not None:
            out.update({"dimension": self.lie.dimension, "lie_rank": self.lie.lie_rank,
                        "n_laws": self.lie.n_laws, "complete": self.complete})
        return out


def _monomials(spec: Flow, degree: int, time_degree: int) -> list[tuple]:
    if spec.kind == "gradient":
        variables = range(spec.dimension)
        return [m for d in range(1, degree + 1)
                for m in combinations_with_replacement(variables, d)]
    phase = range(1, spec.dimension)  # θ and v; T is index 0
    out = []
    for d in range(1, degree + 1):
        for m in combinations_with_replacement(phase, d):
            out += [(0,) * a + m for a in range(time_degree + 1)]
    return out


def _rref_mod(a: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Reduced row-echelon form modulo PRIME (int64; products of residues fit)."""
    a = a % PRIME
    rows, cols = a.shape
    pivots, r = [], 0
    for c in range(cols):
        if r == rows:
            break
        nz = np.flatnonzero(a[r:, c])
        if not len(nz):
            continue
        p = r + int(nz[0])
        if p != r:
            a[[r, p]] = a[[p, r]]
        a[r] = a[r] * pow(int(a[r, c]), PRIME - 2, PRIME) % PRIME
        column = a[:, c].copy()
        column[r] = 0
        hit = np.flatnonzero(column)
        if len(hit):
            a[hit] = (a[hit] - np.outer(column[hit], a[r]) % PRIME) % PRIME
        pivots.append(c)
        r += 1
    return a[:r], pivots


def _reconstruct(x: int) -> Fraction | None:
    """The fraction n/d with |n|, d <= sqrt(p/2) congruent to x mod p, if any."""
    bound = isqrt(PRIME // 2)
    r0, r1, s0, s1 = PRIME, x % PRIME, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound:
        return None
    return Fraction(r1, s1) if s1 > 0 else Fraction(-r1, -s1)


def _integer_vector(values: list[Fraction]) -> list[int]:
    den = lcm(*(v.denominator for v in values))
    ints = [int(v * den) for v in values]
    g = 0
    for v in ints:
        g = gcd(g, v)
    if not g:
        return ints
    sign = -1 if next(v for v in ints if v) < 0 else 1  # first coefficient positive: tidy output
    return [sign * v // g for v in ints]


def _annihilated(generators, poly) -> bool:
    return all(not apply(X, poly) for X in generators)


def find_laws(model: Model, degree: int = 2, flow: str = "gradient", *, metric: object = None,
              tau: object = None, time_degree: int | None = None, compare: bool = True,
              seed: int = 0) -> PolynomialLaws:
    """All polynomial conservation laws of degree 1..``degree`` (a basis), exactly.

    Parameters
    ----------
    model : Model
        Polynomial.
    degree : int
        Largest total degree in θ (and v for momentum flows).
    flow, metric, tau
        As in :func:`count_laws`.
    time_degree : int, optional
        Momentum flows: largest power of T = e^{τt} (or t).  Default: see the module docstring.
    compare : bool
        Also run :func:`count_laws` and report whether the laws found are all the laws.
    seed : int
        Seed of the random point used for functional independence (and the Lie count).

    Returns
    -------
    PolynomialLaws

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear, matrix_factorisation
    >>> found = find_laws(deep_linear([2, 1, 2]))
    >>> found.laws
    (U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2,)
    >>> found.complete
    True
    >>> find_laws(matrix_factorisation([2, 1, 1]), 1).laws     # mirror flow of NMF
    (U_0_0 + U_1_0 - V_0_0,)

    Momentum (τ = 1): the angular momentum of the rotation symmetry, times e^{t}.

    >>> m = find_laws(deep_linear([2, 2, 2]), 2, "momentum", tau=1)
    >>> m.laws
    ((U1_0_0*v_U1_0_1 - U1_0_1*v_U1_0_0 + ... - U2_1_1*v_U2_0_1)*exp(t),)
    >>> m.lie.n_laws
    1
    """
    if not isinstance(degree, int) or isinstance(degree, bool) or not 1 <= degree <= 6:
        raise InvalidArgument("degree", degree, "must be an integer from 1 to 6")
    spec = make_flow(model, flow, metric=metric, tau=tau)
    if spec.kind == "momentum":
        c, over_t = spec.tau
        default = int(ceil(c)) * degree if over_t else degree
        time_degree = default if time_degree is None else time_degree
        if not isinstance(time_degree, int) or isinstance(time_degree, bool) or time_degree < 0:
            raise InvalidArgument("time_degree", time_degree, "must be an integer >= 0")
    elif time_degree is not None:
        raise InvalidArgument("time_degree", time_degree, "only momentum flows depend on time",
                              "drop time_degree")
    start = time.perf_counter()
    generators, _ = spec.generators()
    variables = spec.dimension - (spec.kind == "momentum")  # T is counted by time_degree
    unknowns = (comb(variables + degree, degree) - 1) * ((time_degree or 0) + 1)
    if unknowns > _MAX_UNKNOWNS:
        raise InvalidArgument("degree", degree, f"{unknowns} unknown coefficients (the "
                              f"limit is {_MAX_UNKNOWNS})", "lower the degree or the widths")
    monomials = _monomials(spec, degree, time_degree or 0)
    rows: dict = {}
    entries = []
    for col, m in enumerate(monomials):
        for j, X in enumerate(generators):
            for mono, coef in apply(X, {m: 1}).items():
                row = rows.setdefault((j, mono), len(rows))
                entries.append((row, col, coef))
    n_rows, n_cols = max(len(rows), 1), len(monomials)
    if n_rows * n_cols > _MAX_ENTRIES:
        raise InvalidArgument("degree", degree, f"the linear system is {n_rows} × {n_cols}, "
                              f"beyond the dense limit of {_MAX_ENTRIES} entries",
                              "lower the degree or the widths")
    matrix = np.zeros((n_rows, n_cols), dtype=np.int64)
    for row, col, coef in entries:
        matrix[row, col] = (matrix[row, col] + coef) % PRIME
    reduced, pivots = _rref_mod(matrix)
    free = [c for c in range(n_cols) if c not in set(pivots)]
    basis, lifted = [], True
    for f in free:
        vector = {f: Fraction(1)}
        for r, pc in enumerate(pivots):
            if reduced[r, f]:
                value = _reconstruct(int(-reduced[r, f] % PRIME))
                if value is None:
                    lifted = False
                    break
                vector[pc] = value
        if not lifted:
            break
        keys = sorted(vector)
        ints = _integer_vector([vector[k] for k in keys])
        poly = {monomials[k]: v for k, v in zip(keys, ints) if v}
        if not _annihilated(generators, poly):
            lifted = False
            break
        basis.append(poly)
    method = "null space mod 2^31-1, rational reconstruction, exact verification X(P) = 0"
    if not lifted:
        basis = _exact_null_space(entries, n_rows, monomials)
        method = "exact null space over QQ (SymPy DomainMatrix)"
    symbols = spec.coordinates
    exprs = [_to_expr(spec, p, symbols) for p in basis]
    independent_polys = _independent(spec, basis, seed)
    independent = tuple(exprs[i] for i in independent_polys)
    lie = count_laws(model, flow, metric=metric, tau=tau, seed=seed) if compare else None
    return PolynomialLaws(model, spec, degree, time_degree, tuple(exprs), independent,
                          n_cols, len(rows), time.perf_counter() - start, lie,
                          {"method": method, "seed": seed})


def _to_expr(spec: Flow, poly, symbols) -> sympy.Expr:
    expr = poly_to_expr(poly, symbols)
    if spec.kind == "momentum":
        T = spec.time_variable
        expr = sympy.collect(sympy.expand(expr), T)  # group by powers of T before substituting
        expr = expr.xreplace({T: spec.time_value()})
    return sympy.factor_terms(expr)


def _independent(spec: Flow, basis, seed: int) -> list[int]:
    """Indices of a maximal subset with gradients independent at a random point."""
    if not basis:
        return []
    rng = np.random.default_rng(seed + 7919)
    point = Point(spec.dimension, rng, positive=spec.model.positive)
    span = SpanAtPoint(spec.dimension)
    chosen = []
    for i, p in enumerate(basis):
        gradient = {k: g for k in range(spec.dimension) if (g := derivative(p, k))}
        values = evaluate(gradient, spec.dimension, point)
        if span.add(*values, exact=lambda g=gradient: evaluate_exact(g, spec.dimension, point)):
            chosen.append(i)
    return chosen


def _exact_null_space(entries, n_rows, monomials):
    from sympy.polys.matrices import DomainMatrix

    data: dict = {}
    for row, col, coef in entries:
        data.setdefault(row, {})
        data[row][col] = data[row].get(col, 0) + coef
    data = {r: {c: sympy.QQ(v) for c, v in cols.items() if v} for r, cols in data.items()}
    matrix = DomainMatrix({r: c for r, c in data.items() if c}, (n_rows, len(monomials)),
                          sympy.QQ)
    null = matrix.nullspace().to_Matrix()
    out = []
    for i in range(null.rows):
        values = [Fraction(int(v.p), int(v.q)) for v in null.row(i)]
        ints = _integer_vector(values)
        out.append({monomials[k]: v for k, v in enumerate(ints) if v})
    return out
