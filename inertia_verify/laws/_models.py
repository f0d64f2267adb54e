"""Models: the map φ: ℝ^D → ℝ^N through which the parameters θ enter the loss ℓ(φ(θ)).

A conservation law "for every loss" (Marcotte, Gribonval, Peyré 2023) depends only on φ, so a
:class:`Model` is all the law engine needs: the parameters, in order, and the components of φ as
SymPy expressions.  Built-in models name their parameters after the matrices they fill
(``U1_0_1`` is entry (0, 1) of ``U1``) so that laws print readably.

Widths are always listed in the order of the matrix product: ``(n0, n1, ..., nq)`` means
``U1 ∈ ℝ^{n0×n1}, ..., Uq ∈ ℝ^{n(q-1)×nq}``; for the two-layer models ``(n, r, m)`` means
``φ = U Vᵀ`` with ``U ∈ ℝ^{n×r}`` (output weights, columns ``u_j``) and ``V ∈ ℝ^{m×r}`` (input
weights, columns ``v_j``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from .._errors import InvalidArgument
from .._expressions import parse_expression, parse_names
from ._paths import MAX_PATH_PARAMETERS, MAX_PATHS, PathProducts

__all__ = ["Model", "deep_linear", "two_layer_relu", "deep_relu", "matrix_factorisation"]

# Beyond this the general Lie closure (its cached bracket values) and the polynomial search need
# gigabytes; path models (ReLU networks) are counted by a certificate and go to
# MAX_PATH_PARAMETERS (see ._paths).
_MAX_PARAMETERS = 400


@dataclass(frozen=True)
class Model:
    """A model φ: ℝ^D → ℝ^N.

    Parameters
    ----------
    name : str
        A short description, e.g. ``"deep linear (3, 2, 4)"``.
    parameters : tuple of Symbol
        θ, in order.
    components : tuple of sympy.Expr
        φ_1(θ), ..., φ_N(θ).
    positive : bool
        Whether the parameters live in the positive orthant (NMF); then the mirror metric is the
        natural one and random points are drawn positive.
    default_metric : {"euclidean", "mirror"}
        The metric of the model's usual gradient flow.
    widths : tuple of int, optional
        The widths a built-in model was made from (None for a model given by hand).

    Examples
    --------
    >>> m = deep_linear([2, 1, 2])
    >>> m.parameters
    (U1_0_0, U1_1_0, U2_0_0, U2_0_1)
    >>> m.components
    (U1_0_0*U2_0_0, U1_0_0*U2_0_1, U1_1_0*U2_0_0, U1_1_0*U2_0_1)
    >>> print(m)
    deep linear (2, 1, 2): D = 4 parameters, N = 4 components
    """

    name: str
    parameters: tuple[sympy.Symbol, ...]
    components: tuple[sympy.Expr, ...]
    positive: bool = False
    default_metric: str = "euclidean"
    widths: tuple[int, ...] | None = field(default=None, compare=False)

    def __post_init__(self):
        if not self.parameters:
            raise InvalidArgument("parameters", self.parameters, "is empty",
                                  "a model needs at least one parameter")
        limit = MAX_PATH_PARAMETERS if self.paths is not None else _MAX_PARAMETERS
        if len(self.parameters) > limit:
            raise InvalidArgument("parameters", len(self.parameters),
                                  f"too many parameters (more than {limit})",
                                  "use smaller widths")
        if not self.components:
            raise InvalidArgument("components", self.components, "is empty",
                                  "give at least one component of φ")
        names = [p.name for p in self.parameters]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise InvalidArgument("parameters", names, f"repeats {', '.join(twice)}")
        if self.paths is not None:
            return  # built from parameter indices, checked by PathProducts
        known = set(self.parameters)
        for c in self.components:
            stray = c.free_symbols - known
            if stray:
                raise InvalidArgument("components", c, "uses names that are not parameters: "
                                      + ", ".join(sorted(s.name for s in stray)),
                                      "list every name in parameters")

    @property
    def paths(self) -> PathProducts | None:
        """The path-product structure of a ReLU network (None for other models)."""
        return self.components if isinstance(self.components, PathProducts) else None

    @property
    def dimension(self) -> int:
        """D, the number of parameters."""
        return len(self.parameters)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def symbols(self) -> dict[str, sympy.Symbol]:
        """``{name: Symbol}`` for parsing user text about this model."""
        return {p.name: p for p in self.parameters}

    def jacobian(self) -> sympy.Matrix:
        """∂φ/∂θ, N × D: row j is ∇φ_j."""
        return sympy.Matrix([[sympy.diff(c, p) for p in self.parameters] for c in self.components])

    def is_polynomial(self) -> bool:
        return all(c.is_polynomial(*self.parameters) for c in self.components)

    def __str__(self) -> str:
        return (f"{self.name}: D = {self.dimension} parameters, "
                f"N = {len(self.components)} components")

    def _repr_latex_(self) -> str:
        shown = ", ".join(sympy.latex(c) for c in self.components[:6])
        more = r", \ldots" if len(self.components) > 6 else ""
        space = rf"\mathbb{{R}}^{{{self.dimension}}}"
        return rf"$\varphi(\theta) = ({shown}{more}),\quad \theta \in {space}$"

    def to_dict(self) -> dict:
        # A path model may have tens of thousands of components: list the first 100 only.
        shown = self.components if self.paths is None else self.components[:100]
        return {"name": self.name, "parameters": list(self.names),
                "components": [str(c) for c in shown], "n_components": len(self.components),
                "positive": self.positive,
                "default_metric": self.default_metric,
                "widths": None if self.widths is None else list(self.widths)}

    @classmethod
    def from_text(cls, parameters: str, components: Iterable[str], *, name: str = "custom",
                  positive: bool = False, argument: str = "components") -> Model:
        """A custom model from parameter names and the components of φ as text.

        Text goes through the restricted parser; names other than the parameters are errors.

        Examples
        --------
        >>> m = Model.from_text("a, b", ["a*b"])
        >>> m.components
        (a*b,)
        >>> Model.from_text("a, b", ["a*c"])
        Traceback (most recent call last):
        ...
        inertia_verify._errors.InvalidArgument: argument 'components[0]' = 'a*c': ...
        """
        names = parse_names(parameters, argument="parameters")
        symbols = {n: sympy.Symbol(n, positive=True) if positive else sympy.Symbol(n, real=True)
                   for n in names}
        if isinstance(components, str):
            raise InvalidArgument(argument, components, "must be a list of expressions",
                                  "give one expression per component of φ")
        parsed = tuple(parse_expression(text, argument=f"{argument}[{i}]", symbols=symbols,
                                        allowed_names=names)
                       for i, text in enumerate(components))
        return cls(name, tuple(symbols.values()), parsed, positive=positive,
                   default_metric="mirror" if positive else "euclidean")


def _widths(widths: object, count: int | None, model: str) -> tuple[int, ...]:
    """Validate a list of widths; ``count`` is the required length (None: at least 2 for
    ``linear``, at least 3 for the ReLU models)."""
    example = {"linear": "e.g. 3,2,4 for U1 (3×2) times U2 (2×4)",
               "relu": "(outputs, hidden, ..., inputs), e.g. 3,2,4 or 2,5,5,3",
               "relu-bias": "(outputs, hidden, ..., inputs), e.g. 3,2,4 or 2,5,5,3",
               "nmf": "(n, r, m) for U (n×r) times Vᵀ (r×m), e.g. 3,2,4"}[model]
    if isinstance(widths, str):
        raise InvalidArgument("widths", widths, "must be a list of integers", example)
    try:
        values = tuple(widths)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidArgument("widths", widths, "must be a list of integers", example) from None
    if not all(isinstance(w, int) and not isinstance(w, bool) for w in values):
        raise InvalidArgument("widths", widths, "must be integers", example)
    if count is not None and len(values) != count:
        raise InvalidArgument("widths", widths, f"the {model} model takes {count} widths, "
                              f"got {len(values)}", example)
    least = 3 if model.startswith("relu") else 2
    if count is None and len(values) < least:
        what = ("a ReLU network needs at least 3 widths (two matrices around one hidden layer)"
                if least == 3 else "a deep linear network needs at least 2 widths (one matrix)")
        raise InvalidArgument("widths", widths, what, example)
    bad = [w for w in values if w < 1]
    if bad:
        raise InvalidArgument("widths", widths, f"widths must be positive, got {bad[0]}", example)
    if any(w > 50 for w in values):
        raise InvalidArgument("widths", widths, "widths above 50 are out of reach of exact "
                              "symbolic brackets", "use widths up to about 10")
    return values


def _matrix(name: str, rows: int, cols: int, positive: bool) -> sympy.Matrix:
    kw = {"positive": True} if positive else {"real": True}
    return sympy.Matrix(rows, cols, lambda a, b: sympy.Symbol(f"{name}_{a}_{b}", **kw))


def deep_linear(widths: Sequence[int]) -> Model:
    """The deep linear network φ = U1 U2 ⋯ Uq, ``Ui ∈ ℝ^{n(i-1)×ni}`` for widths (n0, …, nq).

    Parameters
    ----------
    widths : sequence of int
        ``(n0, …, nq)``, at least 3 (q >= 2 matrices).

    Returns
    -------
    Model
        Parameters ``Ui_a_b`` (entry (a, b) of Ui); φ = the entries of the product.

    Examples
    --------
    >>> m = deep_linear([3, 2, 4])
    >>> m.dimension, len(m.components)
    (14, 12)
    >>> m.components[0]
    U1_0_0*U2_0_0 + U1_0_1*U2_1_0
    """
    w = _widths(widths, None, "linear")
    mats = [_matrix(f"U{i + 1}", w[i], w[i + 1], False) for i in range(len(w) - 1)]
    product = mats[0]
    for m in mats[1:]:
        product = product * m
    parameters = tuple(s for m in mats for s in m)  # row-major within each matrix
    return Model(f"deep linear {w}", parameters, tuple(sympy.expand(e) for e in product),
                 widths=w)


def two_layer_relu(widths: Sequence[int], *, bias: bool = False) -> Model:
    """A two-layer ReLU network on a region of fixed activations: φ = (u_j v_jᵀ)_{j=1..r}.

    On such a region the network x ↦ Σ_j u_j σ(v_jᵀx + b_j) depends on θ only through the
    rank-one matrices u_j (v_j; b_j)ᵀ, one per neuron (the activation pattern is fixed, so σ
    acts as 0 or 1 and is absorbed in the data).  Widths are (outputs n, neurons r, inputs m);
    ``U_a_j`` is output weight a of neuron j, ``V_b_j`` its input weight b, ``b_j`` its bias.
    The components are path products (:class:`~._paths.PathProducts`); :func:`deep_relu` is
    the same network with the names of the deep one (``U1``, ``U2 = Vᵀ``, ``b1``).

    Parameters
    ----------
    widths : sequence of int
        ``(n, r, m)``: outputs, neurons, inputs.
    bias : bool
        Whether the neurons have a bias ``b_j``.

    Returns
    -------
    Model
        φ: the path products.

    Examples
    --------
    >>> m = two_layer_relu([1, 2, 1], bias=True)
    >>> m.parameters
    (U_0_0, U_0_1, V_0_0, V_0_1, b_0, b_1)
    >>> tuple(m.components)
    (U_0_0*V_0_0, U_0_0*b_0, U_0_1*V_0_1, U_0_1*b_1)
    """
    n, r, m = _widths(widths, 3, "relu-bias" if bias else "relu")
    U, V = _matrix("U", n, r, False), _matrix("V", m, r, False)
    b = [sympy.Symbol(f"b_{j}", real=True) for j in range(r)]
    parameters = tuple(U) + tuple(V) + (tuple(b) if bias else ())
    u = lambda a, j: a * r + j  # noqa: E731  (row-major indices, as in parameters)
    v = lambda c, j: n * r + c * r + j  # noqa: E731
    factors, balances = [], []
    for j in range(r):
        inputs = [v(c, j) for c in range(m)] + ([n * r + m * r + j] if bias else [])
        factors += [(u(a, j), x) for a in range(n) for x in inputs]
        signs = np.zeros(len(parameters), dtype=np.int64)
        signs[[u(a, j) for a in range(n)]] = 1
        signs[inputs] = -1  # ‖u_j‖² − ‖v_j‖² (− b_j²), the sign of the paper
        balances.append(signs)
    kind = "two-layer ReLU with bias" if bias else "two-layer ReLU"
    return Model(f"{kind} {(n, r, m)}", parameters,
                 PathProducts(parameters, factors, balances), widths=(n, r, m))


def deep_relu(widths: Sequence[int], *, bias: bool = False) -> Model:
    """A ReLU network of q >= 2 matrices on a region of fixed activations: its path products.

    Widths (n0, …, nq) are in product order, as for :func:`deep_linear`: ``Ui ∈ ℝ^{n(i-1)×ni}``,
    n0 outputs, nq inputs, hidden layers of widths n1, …, n(q-1).  On a region where every
    neuron's activation is fixed, x ↦ U1 σ(U2 σ(⋯ σ(Uq x + b_(q-1)) ⋯) + b1) depends on θ only
    through the product of the weights along each path from an input to an output and, with
    biases, of each hidden bias ``b{l}_{k}`` (neuron k of hidden layer l, width n_l) times the
    weights on a path from that neuron to an output.  The stated laws (one per hidden neuron):
    the squared norm of its incoming weights (row k of U(l+1)) and bias, minus that of its
    outgoing weights (column k of Ul).

    Raises InvalidArgument beyond ``MAX_PATHS`` components or ``MAX_PATH_PARAMETERS``
    parameters.

    Parameters
    ----------
    widths : sequence of int
        ``(n0, …, nq)``, at least 3, in product order.
    bias : bool
        Whether the hidden neurons have biases ``b{l}_{k}``.

    Returns
    -------
    Model
        φ: the path products; ``model.paths`` holds them and their stated laws.

    Examples
    --------
    >>> m = deep_relu([1, 2, 1, 1], bias=True)
    >>> m.parameters
    (U1_0_0, U1_0_1, U2_0_0, U2_1_0, U3_0_0, b1_0, b1_1, b2_0)
    >>> tuple(m.components)
    (U1_0_0*U2_0_0*U3_0_0, U1_0_1*U2_1_0*U3_0_0, U1_0_0*b1_0, U1_0_1*b1_1, U1_0_0*U2_0_0*b2_0, U1_0_1*U2_1_0*b2_0)
    >>> m.paths.laws()[0]
    -U1_0_0**2 + U2_0_0**2 + b1_0**2
    """
    w = _widths(widths, None, "relu-bias" if bias else "relu")
    q = len(w) - 1
    sizes = [w[i] * w[i + 1] for i in range(q)]
    offsets = np.cumsum([0] + sizes)
    hidden = w[1:-1]
    n_weights = int(offsets[-1])
    bias_offsets = n_weights + np.cumsum([0] + list(hidden))
    d = n_weights + (sum(hidden) if bias else 0)
    n_paths = int(np.prod(w, dtype=object))
    if bias:
        n_paths += sum(int(np.prod(w[:l + 1], dtype=object)) for l in range(1, q))
    what = "relu-bias" if bias else "relu"
    if n_paths > MAX_PATHS:
        raise InvalidArgument("widths", list(w), f"the {what} network has {n_paths} path "
                              f"products, more than the limit of {MAX_PATHS}",
                              "use smaller widths or fewer layers")
    if d > MAX_PATH_PARAMETERS:
        raise InvalidArgument("widths", list(w), f"the {what} network has {d} parameters, more "
                              f"than the limit of {MAX_PATH_PARAMETERS}",
                              "use smaller widths or fewer layers")
    parameters = [sympy.Symbol(f"U{i + 1}_{a}_{b}", real=True)
                  for i in range(q) for a in range(w[i]) for b in range(w[i + 1])]
    if bias:
        parameters += [sympy.Symbol(f"b{l}_{k}", real=True)
                       for l in range(1, q) for k in range(w[l])]

    def weights(i, rows, cols):  # index of U(i+1)[rows, cols]
        return offsets[i] + rows * w[i + 1] + cols

    blocks = []
    grid = np.indices(w).reshape(len(w), -1)  # every (i0, ..., iq)
    blocks.append(np.stack([weights(i, grid[i], grid[i + 1]) for i in range(q)], axis=1))
    if bias:
        for l in range(1, q):  # a bias at hidden layer l feeds paths through U1..Ul
            g = np.indices(w[:l + 1]).reshape(l + 1, -1)
            cols = [weights(i, g[i], g[i + 1]) for i in range(l)]
            cols.append(bias_offsets[l - 1] + g[l])
            cols += [np.full(g.shape[1], -1)] * (q - l - 1)
            blocks.append(np.stack(cols, axis=1))
    factors = np.concatenate(blocks).astype(np.int64)
    balances = np.zeros((sum(hidden), d), dtype=np.int64)
    row = 0
    for l in range(1, q):
        for k in range(w[l]):
            balances[row, weights(l, k, np.arange(w[l + 1]))] = 1  # incoming: row k of U(l+1)
            if bias:
                balances[row, bias_offsets[l - 1] + k] = 1
            balances[row, weights(l - 1, np.arange(w[l - 1]), k)] = -1  # outgoing: column k of Ul
            row += 1
    kind = "deep ReLU with bias" if bias else "deep ReLU"
    parameters = tuple(parameters)
    return Model(f"{kind} {w}", parameters, PathProducts(parameters, factors, balances),
                 widths=w)


def matrix_factorisation(widths: Sequence[int]) -> Model:
    """Non-negative matrix factorisation φ = U Vᵀ, U ∈ ℝ₊^{n×r}, V ∈ ℝ₊^{m×r}; widths (n, r, m).

    Its usual gradient flow is the mirror one, θ̇ = −θ ⊙ ∇ℓ (``default_metric="mirror"``).

    Parameters
    ----------
    widths : sequence of int
        ``(n, r, m)``.

    Returns
    -------
    Model
        Positive parameters ``U_a_k``, ``V_b_k``; φ = the entries of U Vᵀ.

    Examples
    --------
    >>> m = matrix_factorisation([1, 2, 1])
    >>> m.components
    (U_0_0*V_0_0 + U_0_1*V_0_1,)
    >>> m.positive, m.default_metric
    (True, 'mirror')
    """
    n, r, m = _widths(widths, 3, "nmf")
    U, V = _matrix("U", n, r, True), _matrix("V", m, r, True)
    product = U * V.T
    return Model(f"NMF {(n, r, m)}", tuple(U) + tuple(V), tuple(sympy.expand(e) for e in product),
                 positive=True, default_metric="mirror", widths=(n, r, m))
