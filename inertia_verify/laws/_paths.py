"""Models whose components are path products, and a rank certificate that needs no bracket.

A ReLU network on a region of fixed activations (Marcotte, Gribonval, Peyré 2023, § 4; Stock and
Gribonval 2022) depends on its parameters only through its *path products*: one component per
path from an input to an output, the product of the weights along it, and, with biases, one per
partial path from a hidden neuron's bias to an output, the bias times the weights after it.  Each
component is a monomial of distinct parameters, so the model is stored as an integer array of
factor indices (one row per path) and its SymPy components are only built when something asks
for them (:class:`PathProducts` is a lazy sequence).  With widths 9 at depth 4 that is 59 049
paths, which SymPy alone takes tens of seconds to multiply out.

**The certificate.**  For such a model the laws the papers state are *balances*: one per hidden
neuron, h = Σ_k a_k θ_k² with a_k = ±1 on the neuron's incoming weights (and bias) and outgoing
weights.  Along ∇φ_j, h changes by ⟨∇h, ∇φ_j⟩ = 2 Σ_k a_k θ_k ∂_kφ_j = 2 (Σ_{k ∈ path j} a_k) φ_j
(each factor of a monomial of distinct variables appears once), so h is conserved for every loss
iff every path meets the neuron's in- and out-weights equally often: an exact integer test
(:meth:`PathProducts.balanced`).  Then, at any exact point θ₀,

    rank_p S·∇φ(θ₀)  ≤  dim Lie(W)(θ₀)  ≤  r*  ≤  D − ρ*  ≤  D − rank_p ∇H(θ₀),

where r* and ρ* are the generic ranks of the Lie algebra and of the laws' gradients (the laws are
annihilated by the whole Lie algebra, so the inequality in the middle holds at a point where both
ranks are generic), rank_p is the rank modulo p = 2³¹ − 1 (never more than the rank over ℚ), and
S is a random sparse integer matrix (each component added into one of B rows with a random
coefficient): rank S·G ≤ rank G.  When the two ends meet, the count D − r* equals ρ* exactly,
with no genericity assumption on θ₀ and without computing a single bracket: the stated laws are
then *all* the laws.  When they do not meet, nothing is concluded and the general Lie closure of
:mod:`._lie` runs.  The work is O(N·q) for S·G and O(B·D²) for the ranks; nothing of size N × D
is formed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

from .._errors import InvalidArgument
from ._fields import PRIME, Point

__all__ = ["PathProducts", "rank_mod_p", "MAX_PATHS", "MAX_PATH_PARAMETERS"]

#: Largest number of components of a path model: the factor array is 8·N·q bytes (80 MB here).
MAX_PATHS = 2_000_000
#: Largest number of parameters of a path model: the rank mod p of a B × D matrix is O(B·D²)
#: (about 10 s at D = 1000 on one core).
MAX_PATH_PARAMETERS = 1000

_CHUNK = 2**15  # rows summed into a bucket before reducing mod p: 2^15 · 2^16 · 2^31 < 2^63


class PathProducts(Sequence):
    """The components φ_j = ∏_{k ∈ path j} θ_k of a path model, built in SymPy only on demand.

    Parameters
    ----------
    parameters : tuple of Symbol
    factors : int array, shape (N, L)
        Row j lists the parameter indices of path j, padded with −1.
    balances : int array, shape (K, D)
        Row i holds the signs a of a stated law Σ_k a_k θ_k² (one per hidden neuron).

    Examples
    --------
    >>> import numpy as np, sympy
    >>> a, b, c = sympy.symbols("a b c")
    >>> paths = PathProducts((a, b, c), np.array([[0, 1], [0, 2]]), np.array([[1, -1, -1]]))
    >>> len(paths), paths[1], list(paths)
    (2, a*c, [a*b, a*c])
    >>> paths.laws()
    [a**2 - b**2 - c**2]
    >>> paths.balanced().tolist()
    [True]
    """

    def __init__(self, parameters, factors, balances):
        self.parameters = tuple(parameters)
        self.factors = np.asarray(factors, dtype=np.int64)
        self.balances = np.asarray(balances, dtype=np.int64).reshape(-1, len(self.parameters))
        if self.factors.ndim != 2 or not len(self.factors):
            raise InvalidArgument("factors", self.factors.shape, "must be a non-empty N × L array")
        if self.factors.max() >= len(self.parameters) or self.factors.min() < -1:
            raise InvalidArgument("factors", "indices", "must index the parameters (−1 pads)")
        self._cache: dict[int, sympy.Expr] = {}

    def __len__(self) -> int:
        return len(self.factors)

    def _component(self, j: int) -> sympy.Expr:
        expr = self._cache.get(j)
        if expr is None:
            expr = self._cache[j] = sympy.Mul(*[self.parameters[k] for k in self.factors[j]
                                                if k >= 0])
        return expr

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self._component(j) for j in range(*index.indices(len(self))))
        j = int(index)
        if j < 0:
            j += len(self)
        if not 0 <= j < len(self):
            raise IndexError(index)
        return self._component(j)

    def __iter__(self):
        return (self._component(j) for j in range(len(self)))

    def __eq__(self, other):
        return tuple(self) == tuple(other)

    def __hash__(self):
        return hash((self.parameters, self.factors.tobytes()))

    def __repr__(self) -> str:
        shown = ", ".join(str(self[j]) for j in range(min(3, len(self))))
        return f"PathProducts({len(self)} paths: {shown}{', ...' if len(self) > 3 else ''})"

    # ------------------------------------------------------------------ laws
    def laws(self) -> list[sympy.Expr]:
        """The stated laws Σ_k a_k θ_k², one per row of ``balances``."""
        return [sympy.Add(*[int(a) * self.parameters[k] ** 2 for k, a in enumerate(row) if a])
                for row in self.balances]

    def balanced(self, balances=None) -> np.ndarray:
        """For each law Σ a_k θ_k²: whether every path has Σ_{k ∈ path} a_k = 0, i.e. whether
        the law is conserved for every loss (an exact integer test, see the module docstring)."""
        a = self.balances if balances is None else np.asarray(balances, dtype=np.int64)
        padded = np.concatenate([a, np.zeros((len(a), 1), dtype=np.int64)], axis=1)
        out = np.ones(len(a), dtype=bool)
        for start in range(0, len(self.factors), _CHUNK):
            rows = self.factors[start:start + _CHUNK]
            sums = padded[:, rows].sum(axis=2)  # (K, chunk)
            out &= ~sums.any(axis=1)
        return out

    # ------------------------------------------------------------------ values at a point
    def gradient_sketch_mod_p(self, point: Point, rows: int, rng) -> np.ndarray:
        """S·∇φ(θ₀) mod p, ``rows`` × D, S random sparse (one coefficient in [1, 2¹⁶) per path)."""
        d = len(self.parameters)
        theta = np.append(point.modular[:d], 1)  # index −1 (padding) reads 1
        out = np.zeros((rows, d), dtype=np.int64)
        n, width = self.factors.shape
        for start in range(0, n, _CHUNK):
            f = self.factors[start:start + _CHUNK]
            # Fewer paths than rows: one row each (hashing would merge rows and lose rank).
            bucket = (np.arange(start, start + len(f)) if n <= rows
                      else rng.integers(0, rows, size=len(f)))
            coef = rng.integers(1, 2**16, size=len(f)).astype(np.int64)
            for position in range(width):
                column = f[:, position]
                present = column >= 0
                value = coef.copy()
                for other in range(width):
                    if other != position:
                        value = value * theta[f[:, other]] % PRIME
                np.add.at(out, (bucket[present], column[present]), value[present])
            out %= PRIME
        return out

    def law_gradients_mod_p(self, point: Point) -> np.ndarray:
        """∇h_i(θ₀) = 2 a_i ⊙ θ₀ mod p, K × D."""
        d = len(self.parameters)
        return (2 * self.balances % PRIME) * point.modular[:d][None, :] % PRIME


def rank_mod_p(matrix: np.ndarray) -> int:
    """The rank of an integer matrix modulo p = 2³¹ − 1 (a lower bound of its rank over ℚ).

    Examples
    --------
    >>> rank_mod_p(np.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]]))
    2
    """
    a = np.array(matrix, dtype=np.int64) % PRIME
    if a.shape[0] > a.shape[1]:
        a = a.T.copy()  # the rank is the same; eliminate along the shorter side
    rows, cols = a.shape
    rank = 0
    for c in range(cols):
        if rank == rows:
            break
        nz = np.flatnonzero(a[rank:, c])
        if not len(nz):
            continue
        p = rank + int(nz[0])
        if p != rank:
            a[[rank, p]] = a[[p, rank]]
        a[rank] = a[rank] * pow(int(a[rank, c]), PRIME - 2, PRIME) % PRIME
        below = a[rank + 1:, c]
        hit = np.flatnonzero(below) + rank + 1
        if len(hit):
            a[hit, c:] = (a[hit, c:] - np.outer(a[hit, c], a[rank, c:]) % PRIME) % PRIME
        rank += 1
    return rank
