"""How many conservation laws: D − dim Lie(W)(θ) at a generic point (Marcotte et al. 2023).

The span of the generated Lie algebra at a point is computed without ever forming the algebra:

1. Values are taken at one random exact point θ₀ (see :class:`~._fields.Point`).  Generators
   X_j are added to a basis B when their values are independent at θ₀
   (:class:`~._rank.SpanAtPoint` decides, exactly or with a stated float64 gap).
2. For each kept field Y and each kept generator X, the value of the bracket [X, Y] at θ₀ is
   computed exactly (mod p) and in float64 by the Leibniz recursion of :mod:`._brackets` (the
   bracket is never expanded), and [X, Y] is kept when that value is independent of B's.
3. When no bracket adds anything, dim Lie(W)(θ₀) = |B|.

Why this is sound (at a generic point).  Near a point where the ranks involved are maximal
(an open dense set, since the fields are polynomial), the r = |B| kept fields are pointwise
independent and every candidate met in step 2 lies pointwise in their span, so it is a
combination Σ c_i Y_i with smooth c_i (Cramer).  Let 𝓜 be the C^∞-module spanned by the Y_i.
Each kept generator X satisfies [X, Y_i] ∈ 𝓜 (checked), hence
[X, Σ c_i Y_i] = Σ (X c_i) Y_i + c_i [X, Y_i] ∈ 𝓜: ad_X preserves 𝓜.  Generators dropped in
step 1 are themselves in 𝓜 (X' = Σ a_k X_k), and [X', Z] = Σ a_k [X_k, Z] − (Z a_k) X_k ∈ 𝓜.
Every iterated bracket [X_{j1}, [X_{j2}, … X_{jk}]] (these span Lie(W), by the Jacobi identity)
therefore lies in 𝓜, so Lie(W)(θ) ⊆ span B(θ) near θ₀, and ⊇ holds because B ⊂ Lie(W).  So
the check is not "the dimension stopped growing at some depth" (necessary only) but closure of
the module under the generators, which is sufficient.

The argument needs θ₀ generic for the finitely many polynomial rank conditions used; a random
point is generic with probability 1 in exact arithmetic (Schwartz–Zippel bound on the dyadic
grid, see :class:`~._fields.Point`).  As an independent check, every decision is re-made at a
second random point θ₁: the basis must stay independent there and every dropped field must stay
in its span.  If not, the count is redone from new points (recorded as ``attempts``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .._errors import InvalidArgument
from ._brackets import Bracket, BracketValues
from ._fields import Point, apply, derivative, evaluate, poly_from_expr
from ._flows import Flow, make_flow
from ._models import Model
from ._paths import rank_mod_p
from ._rank import SpanAtPoint

__all__ = ["LawCount", "count_laws"]

_MAX_ATTEMPTS = 3
_MAX_CLOSURE_PARAMETERS = 400  # the general closure's cached bracket values grow as D³
_MAX_CLOSURE_WORK = 5_000_000  # generators × dimension: about a minute of rank updates


@dataclass(frozen=True)
class LawCount:
    """The number of independent conservation laws of a flow, with the evidence.

    Attributes
    ----------
    model : Model
        The model counted.
    flow : Flow
        The flow whose laws are counted.
    dimension : int
        D for gradient flows, 2D + 1 for momentum flows.
    lie_rank : int
        dim Lie(W)(θ) at a generic point.
    n_laws : int
        dimension − lie_rank: the number of functionally independent laws near a generic point.
    brackets : int
        Brackets computed.
    depth : int
        Largest bracket depth among the kept fields (generators have depth 0).
    seconds : float
        How long the count took.
    evidence : dict
        The rank decisions (candidates, float64 residual gap, exact fallbacks), seeds, attempts.

    Examples
    --------
    >>> from inertia_verify.laws import count_laws, deep_linear
    >>> count = count_laws(deep_linear([2, 1, 2]))
    >>> count.dimension, count.lie_rank, count.n_laws
    (4, 3, 1)
    """

    model: Model
    flow: Flow
    dimension: int
    lie_rank: int
    n_laws: int
    brackets: int
    depth: int
    seconds: float
    evidence: dict = field(default_factory=dict)

    def __str__(self) -> str:
        e = self.evidence
        gap = e.get("gap")
        gap_text = "no field was dropped" if gap is None else f"float64 gap {gap:.1e}"
        if "lower_bound" in e:
            return (f"{self.model.name}, {self.flow.describe()}: {self.n_laws} independent "
                    f"conservation law{'s' * (self.n_laws != 1)} (space of dimension "
                    f"{self.dimension}; certified without brackets: rank of the gradients of "
                    f"the {e['components']} path products >= {e['lower_bound']} = D − rank "
                    f"of the {e['stated_laws_proved']} stated laws (proved conserved), so these "
                    f"are all the laws; {self.seconds:.2f} s)")
        return (f"{self.model.name}, {self.flow.describe()}: {self.n_laws} independent "
                f"conservation law{'s' * (self.n_laws != 1)} (space of dimension "
                f"{self.dimension}, Lie algebra of rank {self.lie_rank} at a random point; "
                f"{self.brackets} brackets up to depth {self.depth}; {gap_text}, "
                f"{e.get('exact_fallbacks', 0)} exact fallbacks; confirmed at a second point; "
                f"{self.seconds:.2f} s)")

    def _repr_latex_(self) -> str:
        return (rf"$\#\text{{laws}} = {self.dimension} - \dim \mathrm{{Lie}}(W)(\theta) = "
                rf"{self.dimension} - {self.lie_rank} = {self.n_laws}$")

    def to_dict(self) -> dict:
        return {"model": self.model.to_dict(), **self.flow.to_dict(),
                "dimension": self.dimension, "lie_rank": self.lie_rank, "n_laws": self.n_laws,
                "brackets": self.brackets, "depth": self.depth,
                "seconds": round(self.seconds, 4), "evidence": self.evidence}


class _Evaluator:
    """Values of bracket trees at one point: float64, |·| scale and mod p; exact on demand."""

    def __init__(self, generators, dimension, point):
        self.args = (generators, dimension, point)
        self.modes = {m: BracketValues(generators, dimension, point, m)
                      for m in ("float", "abs", "mod")}
        self._exact = None

    def __call__(self, node):
        return tuple(self.modes[m].value(node)[:-1] for m in ("float", "abs", "mod"))

    def exact(self, node):
        if self._exact is None:
            self._exact = BracketValues(*self.args, "exact")
        return list(self._exact.value(node)[:-1])


def _closure(generators, dimension, points, ceiling=None):
    """Grow the basis at points[0]; return (kept nodes, dropped nodes, span, brackets).

    ``ceiling`` is a proved upper bound of the rank (D minus the rank of proved laws): growth
    stops when it is reached, since nothing can be added any more."""
    ceiling = dimension if ceiling is None else ceiling
    span = SpanAtPoint(dimension)
    first = _Evaluator(generators, dimension, points[0])

    def offer(node):
        return span.add(*first(node), exact=lambda: first.exact(node))

    basis, dropped, active = [], [], []  # active: kept generators, the ones bracketed with
    for j in range(len(generators)):
        node = Bracket(index=j)
        kept = offer(node)
        (basis if kept else dropped).append(node)
        if kept:
            active.append(len(basis) - 1)
    brackets, head = 0, 0
    while head < len(basis) and span.rank < ceiling:
        y_index = head
        head += 1
        Y = basis[y_index]
        for x_index in active:
            # [X_a, X_b] = -[X_b, X_a]: between two generators, one order suffices.
            if Y.depth == 0 and x_index >= y_index:
                continue
            Z = Bracket(left=basis[x_index], right=Y)
            brackets += 1
            kept = offer(Z)
            (basis if kept else dropped).append(Z)
            if span.rank == ceiling:
                break
    return basis, dropped, span, brackets


def _ceiling(model: Model, spec: Flow, generators, point: Point) -> int | None:
    """D − rank mod p of the gradients at the point of the laws on record for the model, when
    every generator annihilates each of them exactly (a proved upper bound of the generic rank
    of Lie(W), see :mod:`._paths`); None when there are none."""
    if spec.kind != "gradient" or not isinstance(spec.metric, str):
        return None
    from ._known import known_laws  # the laws on record use the models' names

    try:
        laws = known_laws(model, spec.metric)
    except InvalidArgument:
        return None
    d = spec.dimension
    rows = []
    for law in laws:
        p, _ = poly_from_expr(law, list(model.parameters))
        if any(apply(X, p) for X in generators):
            continue  # not proved conserved: not used
        gradient = {k: g for k in range(d) if (g := derivative(p, k))}
        rows.append(evaluate(gradient, d, point)[2])
    return d - rank_mod_p(np.array(rows)) if rows else None


def _confirm(generators, basis, dropped, dimension, point) -> bool:
    """Re-make every decision at another point: kept stay independent, dropped stay inside."""
    span = SpanAtPoint(dimension)
    values = _Evaluator(generators, dimension, point)
    for node in basis:
        if not span.add(*values(node), exact=lambda node=node: values.exact(node)):
            return False
    if span.rank == dimension:
        return True
    return not any(span.add(*values(node), exact=lambda node=node: values.exact(node))
                   for node in dropped)


def count_laws(model: Model, flow: str = "gradient", *, metric: object = None, tau: object = None,
               seed: int = 0, method: str = "auto") -> LawCount:
    """Count the independent conservation laws of a model's flow, D − dim Lie(W)(θ).

    Parameters
    ----------
    model : Model
        Polynomial (the built-in models are).
    flow : {"gradient", "momentum"}
    metric : {"euclidean", "mirror"} or sympy Matrix, optional
        Default: the model's usual metric (mirror for NMF).
    tau : number >= 0 or "c/t", optional
        The damping of a momentum flow (default 0).
    seed : int
        Seed of the random points.
    method : {"auto", "closure"}
        ``"auto"``: for path models (ReLU networks, gradient flow, euclidean metric) first try
        the bracket-free certificate of :mod:`._paths`, which settles the count when the rank
        of the gradients meets the bound set by the stated laws; otherwise, and with
        ``"closure"``, grow the Lie algebra by brackets (at most 400 parameters).

    Returns
    -------
    LawCount

    Examples
    --------
    Two-layer linear network φ = U Vᵀ, U 3×2, V 4×2: the r(r+1)/2 = 3 entries of UᵀU − VᵀV.

    >>> from inertia_verify.laws import deep_linear, two_layer_relu
    >>> c = count_laws(deep_linear([3, 2, 4]))
    >>> c.dimension, c.lie_rank, c.n_laws
    (14, 11, 3)
    >>> count_laws(two_layer_relu([2, 3, 2])).n_laws   # one per neuron
    3
    >>> from inertia_verify.laws import deep_relu
    >>> deep = count_laws(deep_relu([3, 4, 2, 3], bias=True))   # one per hidden neuron
    >>> deep.n_laws, deep.brackets, deep.evidence["stated_laws_proved"]
    (6, 0, 6)
    >>> count_laws(deep_linear([2, 2, 2]), "momentum", tau=1).n_laws
    1
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InvalidArgument("seed", seed, "must be an integer")
    if method not in ("auto", "closure"):
        raise InvalidArgument("method", method, "unknown method", "choose auto or closure")
    spec = make_flow(model, flow, metric=metric, tau=tau)
    start = time.perf_counter()
    dimension = spec.dimension
    positive = model.positive or spec.metric == "mirror"
    rng = np.random.default_rng(seed)
    if method == "auto" and model.paths is not None and spec.kind == "gradient" and spec.metric == "euclidean":
        certified = _path_certificate(model, spec, rng, seed, start)
        if certified is not None:
            return certified
    if model.dimension > _MAX_CLOSURE_PARAMETERS:
        raise InvalidArgument("model", model.name, f"D = {model.dimension} parameters: the "
                              "general Lie closure is limited to "
                              f"{_MAX_CLOSURE_PARAMETERS} (its bracket values need memory "
                              "growing as D³)", "use smaller widths")
    n_generators = len(model.components) + (spec.kind == "momentum")
    if n_generators * dimension > _MAX_CLOSURE_WORK:
        raise InvalidArgument("model", model.name, f"{n_generators} generating fields in "
                              f"dimension {dimension}: the general Lie closure is limited to "
                              f"{_MAX_CLOSURE_WORK:,} (fields × dimension; each field is "
                              "reduced against the basis one at a time)",
                              "use smaller widths")
    generators, labels = spec.generators()
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        points = [_point(spec, dimension, rng, positive) for _ in range(2)]
        ceiling = _ceiling(model, spec, generators, points[0])
        basis, dropped, span, brackets = _closure(generators, dimension, points, ceiling)
        if span.rank == ceiling or _confirm(generators, basis, dropped, dimension, points[1]):
            break
    else:
        raise InvalidArgument("seed", seed, f"the rank at {_MAX_ATTEMPTS} pairs of random points "
                              "disagreed", "try another seed; report this model")
    evidence = span.evidence()
    gap = span.gap
    evidence.update({"gap": None if not np.isfinite(gap) else float(gap), "seed": seed,
                     "attempts": attempt, "points": 2,
                     "method": "closure of the module spanned by kept fields under the kept "
                               "generators; independence exact mod 2^31-1, dependence when "
                               "float64 residual <= 1e-9 of the round-off scale and mod p agree "
                               "(else exact rational rank); re-checked at a second point"})
    if ceiling is not None:
        evidence["upper_bound"] = ceiling
        if span.rank == ceiling:
            evidence["method"] = ("closure stopped when the rank of the kept fields (independent "
                                  "mod 2^31-1, a lower bound) reached D minus the rank mod "
                                  "2^31-1 of the gradients of the stated laws, each proved "
                                  "annihilated by every generator in exact integer arithmetic "
                                  "(an upper bound): exact, no second point needed")
    rank = span.rank
    depth = max((node.depth for node in basis), default=0)
    evidence["kept_brackets"] = [node.word(labels) for node in basis if node.depth > 0][:50]
    return LawCount(model, spec, dimension, rank, dimension - rank, brackets, depth,
                    time.perf_counter() - start, evidence)


def _path_certificate(model: Model, spec: Flow, rng, seed: int, start: float):
    """The bracket-free count of a path model (see :mod:`._paths`), or None when its two
    bounds do not meet at any of a few points (the general closure then decides)."""
    paths = model.paths
    d = model.dimension
    conserved = paths.balanced()
    balances = paths.balances[conserved]
    rows = min(len(paths), 2 * d)
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        point = Point(d, rng)
        lower = rank_mod_p(paths.gradient_sketch_mod_p(point, rows, rng))
        law_rank = rank_mod_p(paths.law_gradients_mod_p(point)[conserved]) if len(balances) else 0
        if lower == d - law_rank:
            break
    else:
        return None
    evidence = {
        "method": "certificate without brackets: rank mod 2^31-1 of a random sparse "
                  "combination of the gradients of the path products at an exact point (a "
                  "lower bound of dim Lie(W)) equals D minus the rank mod 2^31-1 of the "
                  "gradients of the stated laws, each proved conserved by an exact integer "
                  "test (an upper bound); so the count is exact and the stated laws are all",
        "lower_bound": lower, "upper_bound": d - law_rank,
        "stated_laws": int(len(paths.balances)), "stated_laws_proved": int(conserved.sum()),
        "stated_laws_rank": law_rank, "sketch_rows": rows, "components": len(paths),
        "seed": seed, "attempts": attempt, "points": 1, "gap": None, "exact_fallbacks": 0,
        "kept_brackets": []}
    return LawCount(model, spec, d, lower, d - lower, 0, 0, time.perf_counter() - start,
                    evidence)


def _point(spec: Flow, dimension: int, rng, positive: bool) -> Point:
    # The fields are polynomial, so their generic ranks are the same on every open set; positive
    # points (the NMF domain) are used for the mirror geometry only to stay inside its domain.
    return Point(dimension, rng, positive=positive and spec.kind == "gradient")
