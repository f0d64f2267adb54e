"""The laws the papers state for the built-in models, and the functional rank of a set of laws.

These are the statements to test the engine against, written from the papers (Marcotte,
Gribonval, Peyré 2023, § 4; 2024, § 6), not from the engine's output:

* deep linear φ = U1⋯Uq: the entries of U_iᵀU_i − U_{i+1}U_{i+1}ᵀ (i = 1..q−1, upper triangle);
* two-layer ReLU: ‖u_j‖² − ‖v_j‖² (− b_j² with a bias) for each neuron j;
* deep ReLU: for each hidden neuron, ‖incoming weights‖² (+ its bias²) − ‖outgoing weights‖²;
* NMF, mirror flow: Σ_a U_ak − Σ_b V_bk for each k (⟨∇h, θ ⊙ ∇φ_ab⟩ = Σ_k U_ak V_bk − V_bk U_ak).
"""

from __future__ import annotations

import numpy as np
import sympy

from .._expressions import as_sympy
from .._errors import InvalidArgument
from ._blocks import block_laws
from ._fields import Point, derivative, evaluate, evaluate_exact, poly_from_expr
from ._models import Model
from ._rank import SpanAtPoint

__all__ = ["known_laws", "law_rank"]


def _split(model: Model) -> list[sympy.Matrix]:
    """The matrices of a built-in model's parameters, from their names ``U1_a_b``."""
    groups: dict[str, dict] = {}
    for p in model.parameters:
        name, a, b = p.name.rsplit("_", 2) if p.name.count("_") >= 2 else (p.name, 0, 0)
        groups.setdefault(name, {})[(int(a), int(b))] = p
    out = []
    for entries in groups.values():
        rows = 1 + max(a for a, _ in entries)
        cols = 1 + max(b for _, b in entries)
        out.append(sympy.Matrix(rows, cols, lambda a, b: entries[(a, b)]))
    return out


def known_laws(model: Model, metric: str | None = None) -> list[sympy.Expr]:
    """The gradient-flow laws the papers give for a built-in model.

    Parameters
    ----------
    model : Model
        A built-in model (:func:`deep_linear`, :func:`two_layer_relu`, :func:`deep_relu`,
        :func:`matrix_factorisation` or a 2025 building block).
    metric : {"euclidean", "mirror"}, optional
        The flow's metric (default: the model's own); it matters for NMF only.

    Returns
    -------
    list of sympy.Expr
        The laws as stated in the papers (not necessarily independent: see :func:`law_rank`).

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear, two_layer_relu
    >>> known_laws(deep_linear([1, 1, 1]))
    [U1_0_0**2 - U2_0_0**2]
    >>> known_laws(two_layer_relu([1, 1, 1], bias=True))
    [U_0_0**2 - V_0_0**2 - b_0**2]
    """
    metric = metric or model.default_metric
    name = model.name
    stated = block_laws(model)
    if stated is not None:
        return stated
    if name.startswith("deep ReLU"):
        return model.paths.laws()
    if name.startswith("deep linear"):
        mats = _split(model)
        laws = []
        for A, B in zip(mats, mats[1:]):
            Q = A.T * A - B * B.T
            laws += [sympy.expand(Q[i, j]) for i in range(Q.rows) for j in range(i, Q.cols)]
        return laws
    if name.startswith("two-layer ReLU"):
        n, r, m = model.widths
        sym = model.symbols()
        laws = []
        for j in range(r):
            law = sum(sym[f"U_{a}_{j}"] ** 2 for a in range(n))
            law -= sum(sym[f"V_{b}_{j}"] ** 2 for b in range(m))
            if "b_0" in sym:
                law -= sym[f"b_{j}"] ** 2
            laws.append(law)
        return laws
    if name.startswith("NMF"):
        n, r, m = model.widths
        sym = model.symbols()
        if metric == "mirror":
            return [sum(sym[f"U_{a}_{k}"] for a in range(n)) - sum(sym[f"V_{b}_{k}"]
                                                                   for b in range(m))
                    for k in range(r)]
        U = sympy.Matrix(n, r, lambda a, k: sym[f"U_{a}_{k}"])
        V = sympy.Matrix(m, r, lambda b, k: sym[f"V_{b}_{k}"])
        Q = U.T * U - V.T * V
        return [sympy.expand(Q[i, j]) for i in range(r) for j in range(i, r)]
    raise InvalidArgument("model", name, "has no laws on record", "use a built-in model")


def law_rank(laws, coordinates, *, seed: int = 0, positive: bool = False) -> int:
    """The number of functionally independent laws: the rank of their gradients at a random
    point (polynomial laws; decided like the Lie count, see :func:`count_laws`).

    Parameters
    ----------
    laws : sequence of sympy.Expr
        Polynomial laws in the coordinates.
    coordinates : sequence of Symbol
        The variables the gradients are taken in.
    seed : int
        Seed of the random point.
    positive : bool
        Draw the point in the positive orthant (for models on it, such as NMF).

    Returns
    -------
    int
        The rank of the gradients at the point (exact, modulo a large prime, then confirmed).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> law_rank([x**2 - y**2, (x**2 - y**2)**2, x + y], [x, y])
    2
    """
    coordinates = list(coordinates)
    d = len(coordinates)
    point = Point(d, np.random.default_rng(seed + 104729), positive=positive)
    span = SpanAtPoint(d)
    for law in laws:
        p, _ = poly_from_expr(as_sympy(law, argument="laws"), coordinates)
        gradient = {k: g for k in range(d) if (g := derivative(p, k))}
        span.add(*evaluate(gradient, d, point),
                 exact=lambda g=gradient: evaluate_exact(g, d, point))
    return span.rank
