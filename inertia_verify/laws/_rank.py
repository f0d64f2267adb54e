"""The dimension of a span of vectors at a point, decided in two arithmetics.

Vectors arrive one by one (values of vector fields at one exact point); each is kept when it is
independent of those kept so far.  Two decisions are made per vector:

* **exact, modulo p** (p = 2³¹ − 1): the vector's residues are reduced against an echelon basis
  over the integers mod p.  A nonzero remainder *proves* independence over ℚ (the rank of a
  matrix of integers mod p never exceeds its rank over ℚ).  A zero remainder means dependence
  unless p divides every relevant (r+1)-minor, which a second, independent test must rule out:
* **float64**: the vector is projected off an orthonormal basis of the kept values (Gram–Schmidt
  twice); the residual, relative to the round-off scale Σ|terms| of the vector, is the float
  verdict: at most ``DEPENDENT = 1e-9`` reads as dependent (float64 round-off of these sums is
  about 1e-13 of that scale; the factor 10⁴ covers the growth of Gram–Schmidt error with the
  rank).

A vector is dropped only when both say dependent.  When the remainder mod p is zero but the float
residual exceeds ``DEPENDENT`` (the two disagree, or cancellation makes float64 unsure), the
exact rank over ℚ of the kept vectors plus this one is computed with rational arithmetic and
decides.  When float64 says dependent but mod p proves independence, independence holds (that
is a float64 cancellation, counted in ``float_overruled``).  The smallest float residual among
kept vectors and the largest among dropped ones are recorded: their ratio is the gap behind the
decisions.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ._fields import PRIME

__all__ = ["SpanAtPoint", "DEPENDENT"]

#: Relative float64 residual (to the round-off scale Σ|terms|) at or below which float64 reads
#: "dependent".
DEPENDENT = 1e-9


class SpanAtPoint:
    """The span of vectors at one point, grown one vector at a time.

    Examples
    --------
    >>> import numpy as np
    >>> span = SpanAtPoint(3)
    >>> e = lambda *v: (np.array(v, float), np.abs(np.array(v, float)), np.array(v, np.int64))
    >>> span.add(*e(1, 2, 0)), span.add(*e(2, 4, 0)), span.add(*e(0, 1, 1))
    (True, False, True)
    >>> span.rank
    2
    """

    def __init__(self, dimension: int):
        self.dimension = dimension
        self.rank = 0
        self._q = np.zeros((0, dimension))  # orthonormal rows
        self._echelon: list[tuple[int, np.ndarray]] = []  # (pivot, row with pivot entry 1) mod p
        self._exact_rows: list[list[Fraction]] = []  # filled lazily, for the rational fallback
        self._pending_exact: list = []  # callables giving exact values of kept vectors
        self.candidates = 0
        self.exact_fallbacks = 0
        self.float_overruled = 0
        self.smallest_kept = np.inf  # relative float residual of the least independent kept one
        self.largest_dropped = 0.0  # relative float residual of the most independent dropped one

    def _float_residual(self, values: np.ndarray, scale: np.ndarray) -> float:
        r = values.astype(float).copy()
        for _ in range(2):
            if len(self._q):
                r -= self._q.T @ (self._q @ r)
        size = float(np.linalg.norm(scale))
        return (float(np.linalg.norm(r)) / size if size > 0 else 0.0), r

    def _reduce_modular(self, residues: np.ndarray) -> np.ndarray:
        v = residues.astype(np.int64) % PRIME
        for pivot, row in self._echelon:
            if v[pivot]:
                v = (v - v[pivot] * row) % PRIME
        return v

    def add(self, values: np.ndarray, scale: np.ndarray, residues: np.ndarray,
            exact=None) -> bool:
        """Keep the vector if it is independent of the kept ones; return whether it was kept.

        ``exact`` is a callable returning the exact rational values, used only when float64 and
        the modular test disagree.
        """
        self.candidates += 1
        if self.rank == self.dimension:
            return False
        relative, r = self._float_residual(values, scale)
        remainder = self._reduce_modular(residues)
        independent = bool(remainder.any())
        if independent and relative <= DEPENDENT:
            self.float_overruled += 1
        if not independent and relative > DEPENDENT:
            self.exact_fallbacks += 1
            independent = self._exact_independent(exact)
        if independent:
            self._keep(r if relative > DEPENDENT else None, remainder, exact)
            self.smallest_kept = min(self.smallest_kept, relative)
        else:
            self.largest_dropped = max(self.largest_dropped, relative)
        return independent

    def _keep(self, r, remainder, exact):
        # A float residual at round-off level is noise, not a direction: leave it out (later
        # vectors then disagree with the modular test and go to the exact fallback).
        norm = 0.0 if r is None else np.linalg.norm(r)
        if norm > 0:
            self._q = np.vstack([self._q, r / norm])
        if remainder.any():
            pivot = int(np.flatnonzero(remainder)[0])
            inverse = pow(int(remainder[pivot]), PRIME - 2, PRIME)
            self._echelon.append((pivot, remainder * inverse % PRIME))
        self._pending_exact.append(exact)
        self.rank += 1

    def _exact_independent(self, exact) -> bool:
        if exact is None or any(e is None for e in self._pending_exact):
            raise RuntimeError("an exact rank decision needs exact values of every vector")
        rows = [list(e()) for e in self._pending_exact] + [list(exact())]
        return _rational_rank(rows) == len(rows)

    @property
    def gap(self) -> float:
        """smallest kept / largest dropped relative float residual (inf when nothing dropped)."""
        if self.largest_dropped == 0:
            return np.inf
        return float(self.smallest_kept / self.largest_dropped)

    def evidence(self) -> dict:
        return {"candidates": self.candidates, "rank": self.rank,
                "smallest_kept_residual": None if not np.isfinite(self.smallest_kept)
                else float(self.smallest_kept),
                "largest_dropped_residual": float(self.largest_dropped),
                "exact_fallbacks": self.exact_fallbacks, "float_overruled": self.float_overruled}


def _rational_rank(rows: list[list[Fraction]]) -> int:
    """Rank over ℚ by Gaussian elimination in exact fractions."""
    rows = [list(r) for r in rows]
    rank, columns = 0, len(rows[0]) if rows else 0
    for c in range(columns):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(rank + 1, len(rows)):
            if rows[i][c] != 0:
                f = rows[i][c] / rows[rank][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank
