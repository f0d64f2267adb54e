"""Conservation laws of the sign-gradient flow θ̇ = −sign(∇_θ ℓ(φ(θ))), for every loss.

At a point θ the loss gradient g = ∇ℓ(φ(θ)) can be any vector of ℝ^N (take ℓ linear), so the
directions the flow can take at θ are the sign vectors s(g) = sign(J(θ)ᵀg), J = ∂φ/∂θ.  Each
coordinate of J(θ)ᵀg is a linear form in g, so the realised sign vectors are the cells of a
central hyperplane arrangement in g-space.  A C¹ function h is conserved for every loss iff
⟨∇h(θ), s⟩ = 0 for every realised s at every θ.

*The Lie-algebra count.*  A sign vector realised at θ₀ by some g with no zero coordinate is
realised by the same g on a neighbourhood of θ₀ (strict inequalities are open).  So on a region
where the realised set is fixed the flows are constant vector fields, their brackets vanish, the
Lie algebra is the span S of the realised sign vectors, and the laws there are exactly the
functions of the linear forms ⟨c, θ⟩ with c ⊥ S: D − dim S of them.  Written with the signs σ of
θ on the region, ⟨c, θ⟩ = Σ_k c_k σ_k |θ_k|: laws in the absolute values of the parameters (for
φ = uv, |u| − |v| where gradient flow conserves u² − v²).

The count below is taken at an integer point with exact integer arithmetic.  The sign vectors
come from random integer g (every coordinate of Jᵀg that depends on g checked nonzero; one that
does not is 0 in every cell: that parameter never moves), so the span found is a certified
*lower* bound on dim S and D − rank an *upper* bound on the number of laws, except when N = 1,
where the two cells ±sign(J) are all there is and the count is exact.  When the
rank is D the count 0 is exact: no non-constant C¹ function is conserved near the point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from .._errors import InvalidArgument
from .._validation import as_positive_int
from ._models import Model

__all__ = ["SignLawCount", "count_sign_laws"]


@dataclass(frozen=True)
class SignLawCount:
    """The laws of the sign-gradient flow of a model near a point.

    Attributes
    ----------
    model : str
        The model's name.
    dimension : int
        D.
    point : tuple of int
        θ₀ (integers, nonzero).
    rank : int
        The dimension of the span of the sign vectors found at θ₀ (exact integer rank).
    n_laws : int
        D − rank: the number of independent laws near θ₀ if ``exact``, else an upper bound.
    exact : bool
        True when every realised sign vector is known (N = 1) or the rank is D.
    patterns : int
        How many distinct sign vectors were found.
    laws : list of sympy.Expr
        A basis of the laws Σ_k c_k σ_k |θ_k| (c ⊥ the sign vectors found; σ the signs of θ₀).
    directions : tuple of tuple of int
        ``rank`` independent sign vectors realised at θ₀: a function h with ⟨∇h(θ₀), s⟩ ≠ 0
        for one of them is refuted (the linear loss that realises s moves it).

    Examples
    --------
    >>> from inertia_verify.laws import count_sign_laws, deep_linear
    >>> c = count_sign_laws(deep_linear([1, 1, 1]), point=[2, -3])
    >>> c.dimension, c.rank, c.n_laws, c.directions
    (2, 1, 1, ((-1, 1),))
    """

    model: str
    dimension: int
    point: tuple[int, ...]
    rank: int
    n_laws: int
    exact: bool
    patterns: int
    laws: list
    directions: tuple = ()

    def __str__(self) -> str:
        bound = "" if self.exact else "at most "
        laws = "".join(f"\n  {h}" for h in self.laws)
        return (f"{self.model}, sign-gradient flow: {bound}{self.n_laws} laws near θ = "
                f"{list(self.point)} (D = {self.dimension}, span of the sign vectors "
                f"{self.rank}){laws}")

    def to_dict(self) -> dict:
        return {"model": self.model, "dimension": self.dimension, "point": list(self.point),
                "rank": self.rank, "n_laws": self.n_laws, "exact": self.exact,
                "patterns": self.patterns, "laws": [str(h) for h in self.laws],
                "directions": [list(x) for x in self.directions]}


def count_sign_laws(model: Model, *, seed: int = 0, samples: int = 2000,
                    point=None) -> SignLawCount:
    """Count the conservation laws of θ̇ = −sign(∇_θ ℓ(φ(θ))) near a random point.

    Parameters
    ----------
    model : Model
        A polynomial model.
    seed : int
        Seeds the point (integers in [−9, 9] without 0) and the loss gradients g.
    samples : int
        How many random g to draw (ignored when N = 1).
    point : sequence of nonzero int, optional
        θ₀ instead of a random point.

    Returns
    -------
    SignLawCount

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear
    >>> c = count_sign_laws(deep_linear([1, 1, 1]), point=[2, 3])
    >>> c.n_laws, c.exact, c.laws
    (1, True, [Abs(U1_0_0) - Abs(U2_0_0)])
    >>> count_sign_laws(deep_linear([2, 2, 2]), seed=1).n_laws
    0
    >>> from inertia_verify.laws import crossentropy_layer  # rational coefficients
    >>> count_sign_laws(crossentropy_layer([2, 1]), point=[8, -6]).laws
    [Abs(W_0_0) - Abs(W_1_0)]
    """
    if not isinstance(model, Model):
        raise InvalidArgument("model", model, "must be a Model", "build one with deep_linear")
    if not model.is_polynomial():
        raise InvalidArgument("model", model.name, "is not polynomial",
                              "the exact sign count needs integer Jacobians")
    as_positive_int(samples, "samples", example="2000")
    rng = np.random.default_rng(seed)
    d = model.dimension
    if point is None:
        theta = [int(x) * int(s) for x, s in zip(rng.integers(1, 10, d),
                                                   rng.choice([-1, 1], d))]
    else:
        theta = [int(x) for x in point]
        if len(theta) != d or 0 in theta:
            raise InvalidArgument("point", point, f"must be {d} nonzero integers",
                                  "one nonzero integer per parameter")
    values = dict(zip(model.parameters, theta))
    rows = []
    for row in model.jacobian().subs(values).tolist():
        # Scaling ∇φ_j by a positive constant reparametrises g_j: the sign vectors stay the same,
        # so clear the denominators of rational coefficients (the centred logits' 1/c).
        row = [sympy.Rational(e) for e in row]
        scale = sympy.ilcm(1, *[e.q for e in row])
        rows.append([int(e * scale) for e in row])
    jac = np.array(rows, dtype=object)  # N × D, exact integers
    n = jac.shape[0]
    # A parameter φ does not depend on at θ₀ has (Jᵀg)_k = 0 for every g: it stays put, and
    # its zero belongs to every cell.
    active = [k for k in range(d) if any(jac[j, k] != 0 for j in range(n))]
    if n == 1:
        signs = [tuple(int(np.sign(x)) for x in jac[0])]
    else:
        found = set()
        for _ in range(samples):
            g = np.array([int(x) for x in rng.integers(-10**6, 10**6, n)], dtype=object)
            s = jac.T.dot(g)
            if all(s[k] != 0 for k in active):  # else g lies on a boundary, not in a cell
                found.add(tuple(int(np.sign(x)) for x in s))
        signs = sorted(found)
    basis: list[tuple[int, ...]] = []
    for s in signs:  # greedy float screen, the final rank is exact
        if len(basis) < d and np.linalg.matrix_rank(np.array(basis + [s], float)) > len(basis):
            basis.append(s)
    matrix = sympy.Matrix(basis) if basis else sympy.zeros(1, d)
    rank = matrix.rank()
    null = matrix.nullspace()
    absolute = [sympy.Abs(p) for p in model.parameters]
    laws = []
    for c in null:
        c = c * sympy.ilcm(*[sympy.fraction(x)[1] for x in c])
        e = [c[k] * (1 if theta[k] > 0 else -1) for k in range(d)]  # coefficients of |θ_k|
        first = sympy.sign(next(x for x in e if x != 0))  # first coefficient positive
        laws.append(sympy.expand(sum(first * e[k] * absolute[k] for k in range(d))))
    # N = 1: the cells ±sign(J) are all; with a zero in J the point is on a boundary where
    # nearby points may differ, so only a point inside a region is called exact.
    exact = rank == d or (n == 1 and len(active) == d)
    return SignLawCount(model.name, d, tuple(theta), rank, d - rank, exact, len(signs), laws,
                        tuple(basis))
