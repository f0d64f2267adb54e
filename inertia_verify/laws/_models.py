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

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy

from .._errors import InvalidArgument
from .._expressions import parse_expression, parse_names
from ._paths import MAX_PATH_PARAMETERS, MAX_PATHS, PathProducts

__all__ = ["Model", "deep_linear", "two_layer_relu", "deep_relu", "matrix_factorisation",
           "builtin_model", "MODELS"]

#: Built-in model names accepted by :func:`builtin_model` (and ``laws --model``).
MODELS = ("linear", "relu", "relu-bias", "nmf", "resnet", "conv", "attention", "multihead",
          "crossentropy")

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

    @classmethod
    def from_file(cls, path: str | Path) -> Model:
        """A custom model from a JSON or ``.toml`` file.

        Keys (JSON shown; TOML takes the same keys):

        * ``"parameters"``: names, ``"a,b"`` or ``["a", "b"]``; ``"components"``: the
          components of φ as text, e.g. ``["a*b"]``; ``"positive"``, ``"name"``: optional.
        * ``"matrices"``: ``{"Q": [3, 2], ...}`` declares matrices whose entries ``Q_0_1`` are
          parameters (after those of ``"parameters"``, if any), so that a block of your own can
          be written by its matrices:

          - ``"products"``: ``["Q K^T", "V O^T"]``: every entry of each product is a component
            (an attention head; ``"U1 U2 U3"`` a deep linear network);
          - ``"neurons"``: ``[["U", "V"]]``: for each column j the entries of u_j v_jᵀ (a ReLU
            layer on a region of fixed activations, U outputs × r, V inputs × r; give V one
            more row for the biases, and a residual block is the same φ);
          - ``"centred"``: ``["W"]``: the entries of (I − 𝟙𝟙ᵀ/c)W, what softmax/cross-entropy
            sees of a c-row layer W;
          - ``"components"`` may use the entries too (a convolution's weight sharing:
            ``"U_0_1*K_0_0"``, ...).
        * ``"model"`` and ``"widths"``: a built-in model (``{"model": "attention",
          "widths": [3, 2, 2]}``), and nothing else.

        Examples
        --------
        >>> import json, tempfile, os
        >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        ...     json.dump({"parameters": ["u", "v"], "components": ["u*v"]}, f)
        >>> Model.from_file(f.name).components
        (u*v,)
        >>> with open(f.name, "w") as g:
        ...     json.dump({"matrices": {"Q": [1, 1], "K": [1, 1]}, "products": ["Q K^T"]}, g)
        >>> Model.from_file(f.name).components
        (K_0_0*Q_0_0,)
        >>> os.unlink(f.name)
        """
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as exc:
            raise InvalidArgument("model file", str(path), f"cannot be read ({exc.strerror})",
                                  "give the path of a JSON or TOML file") from exc
        if path.suffix.lower() == ".toml":
            spec = _toml(text, path)
        else:
            try:
                spec = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidArgument("model file", str(path), f"is not valid JSON ({exc.msg}, "
                                      f"line {exc.lineno})", 'write {"parameters": "a,b", '
                                      '"components": ["a*b"]}') from exc
        if isinstance(spec, dict) and "model" in spec:
            return _builtin_from_file(spec, path)
        shaped = {"matrices", "products", "neurons", "centred"}
        if not isinstance(spec, dict) or not (
                {"parameters", "components"} <= set(spec) or "matrices" in spec):
            raise InvalidArgument("model file", str(path), "must hold an object with keys "
                                  "'parameters' and 'components' (or 'matrices')",
                                  'write {"parameters": "a,b", "components": ["a*b"]}')
        unknown = set(spec) - {"parameters", "components", "positive", "name"} - shaped
        if unknown:
            raise InvalidArgument("model file", sorted(unknown), "unknown keys",
                                  "use parameters, components, matrices, products, neurons, "
                                  "centred, positive, name (or model and widths)")
        parameters = spec.get("parameters", "")
        if isinstance(parameters, list) and all(isinstance(p, str) for p in parameters):
            parameters = ",".join(parameters)
        components = spec.get("components", [])
        if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
            raise InvalidArgument("components", components, "must be a list of strings",
                                  'e.g. ["a*b", "a*c"]')
        positive = spec.get("positive", False)
        if not isinstance(positive, bool):
            raise InvalidArgument("positive", positive, "must be true or false")
        name = str(spec.get("name", path.stem))
        if "matrices" not in spec:
            if set(spec) & shaped:
                raise InvalidArgument("model file", sorted(set(spec) & shaped),
                                      "need 'matrices' to declare the matrices they use",
                                      'add e.g. "matrices": {"Q": [3, 2], "K": [3, 2]}')
            return cls.from_text(parameters, components, name=name, positive=positive)
        return _shaped_model(spec, parameters, components, name, positive)


def _toml(text: str, path: Path) -> dict:
    try:
        import tomllib
    except ImportError as exc:  # Python 3.10
        raise InvalidArgument("model file", str(path), "TOML needs Python 3.11 or later",
                              "write the model as JSON") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidArgument("model file", str(path), f"is not valid TOML ({exc})",
                              'write parameters = "a,b" and components = ["a*b"]') from exc


def _builtin_from_file(spec: dict, path: Path) -> Model:
    extra = set(spec) - {"model", "widths"}
    if extra:
        raise InvalidArgument("model file", sorted(extra), "a built-in model takes only "
                              "'model' and 'widths'", "drop the other keys")
    widths = spec.get("widths")
    if not isinstance(widths, list):
        raise InvalidArgument("widths", widths, "must be a list of integers", "e.g. [3, 2, 2]")
    return builtin_model(spec["model"], widths)


def _shaped_model(spec: dict, parameters: str, components: list, name: str,
                  positive: bool) -> Model:
    """A model file with declared matrices (see :meth:`Model.from_file`)."""
    kw = {"positive": True} if positive else {"real": True}
    names = parse_names(parameters, argument="parameters") if parameters.strip() else []
    symbols = {n: sympy.Symbol(n, **kw) for n in names}
    matrices = spec["matrices"]
    if not isinstance(matrices, dict) or not matrices:
        raise InvalidArgument("matrices", matrices, "must map names to [rows, columns]",
                              'e.g. {"Q": [3, 2], "K": [3, 2]}')
    mats = {}
    for label, shape in matrices.items():
        if not (label.isidentifier() and label.isascii() and "_" not in label):
            raise InvalidArgument("matrices", label, "a matrix name must be letters and digits "
                                  "(its entries are named NAME_row_col)", "e.g. Q, K1, Wout")
        if not (isinstance(shape, list) and len(shape) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 50
                        for x in shape)):
            raise InvalidArgument(f"matrices.{label}", shape, "must be [rows, columns], "
                                  "each from 1 to 50", "e.g. [3, 2]")
        mats[label] = _matrix(label, shape[0], shape[1], positive)
        for entry in mats[label]:
            if entry.name in symbols:
                raise InvalidArgument("matrices", label, f"its entry {entry.name} is also "
                                      "listed in parameters", "rename one of them")
            symbols[entry.name] = entry

    def matrix(token: str, where: str) -> sympy.Matrix:
        label, transpose = (token[:-2], True) if token.endswith("^T") else (token, False)
        if label not in mats:
            raise InvalidArgument(where, token, "is not a declared matrix",
                                  f"declare it in matrices (have {', '.join(mats)})")
        return mats[label].T if transpose else mats[label]

    phi: list[sympy.Expr] = []
    products = spec.get("products", [])
    if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
        raise InvalidArgument("products", products, "must be a list of strings",
                              'e.g. ["Q K^T", "V O^T"]')
    for i, text in enumerate(products):
        tokens = text.split()
        if not tokens:
            raise InvalidArgument(f"products[{i}]", text, "is empty", 'e.g. "Q K^T"')
        result = matrix(tokens[0], f"products[{i}]")
        for token in tokens[1:]:
            right = matrix(token, f"products[{i}]")
            if result.cols != right.rows:
                raise InvalidArgument(f"products[{i}]", text, f"sizes do not match at {token} "
                                      f"({result.rows}×{result.cols} times "
                                      f"{right.rows}×{right.cols})", "check the shapes")
            result = result * right
        phi += [sympy.expand(e) for e in result]
    neurons = spec.get("neurons", [])
    if not isinstance(neurons, list):
        raise InvalidArgument("neurons", neurons, "must be a list of [output, input] pairs",
                              '[["U", "V"]]')
    for i, pair in enumerate(neurons):
        if not (isinstance(pair, list) and len(pair) == 2
                and all(isinstance(x, str) for x in pair)):
            raise InvalidArgument(f"neurons[{i}]", pair, "must be a pair of matrix names",
                                  '["U", "V"]')
        out, inp = matrix(pair[0], f"neurons[{i}]"), matrix(pair[1], f"neurons[{i}]")
        if out.cols != inp.cols:
            raise InvalidArgument(f"neurons[{i}]", pair, f"{pair[0]} has {out.cols} columns "
                                  f"and {pair[1]} {inp.cols}", "one column per neuron in both")
        phi += [out[a, j] * inp[b, j] for j in range(out.cols)
                for a in range(out.rows) for b in range(inp.rows)]
    centred = spec.get("centred", [])
    if not isinstance(centred, list) or not all(isinstance(x, str) for x in centred):
        raise InvalidArgument("centred", centred, "must be a list of matrix names", '["W"]')
    for label in centred:
        m = matrix(label, "centred")
        phi += [sympy.expand(e) for e in (sympy.eye(m.rows) - sympy.ones(m.rows) / m.rows) * m]
    allowed = list(symbols)
    phi += [parse_expression(text, argument=f"components[{i}]", symbols=symbols,
                             allowed_names=allowed) for i, text in enumerate(components)]
    if not phi:
        raise InvalidArgument("model file", name, "defines no component of φ",
                              "add products, neurons, centred or components")
    return Model(name, tuple(symbols.values()), tuple(phi), positive=positive,
                 default_metric="mirror" if positive else "euclidean")


# --------------------------------------------------------------------------- built-in models

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


def builtin_model(name: str, widths: Sequence[int]) -> Model:
    """A built-in model by name: ``linear``, ``relu``, ``relu-bias``, ``nmf``, or one of the
    2025 building blocks ``resnet``, ``conv``, ``attention``, ``multihead``, ``crossentropy``
    (see :mod:`._blocks` for their widths).

    ``relu`` and ``relu-bias`` with 3 widths give :func:`two_layer_relu` (names ``U``, ``V``,
    ``b``), with 4 or more :func:`deep_relu` (names ``U1``, ``U2``, …, ``b1``, …).

    Parameters
    ----------
    name : str
        The model's name, as the command line's ``--model`` takes it.
    widths : sequence of int
        Its widths (how many, and what they mean, depends on the model).

    Returns
    -------
    Model

    Examples
    --------
    >>> builtin_model("relu", [2, 1, 2]).dimension
    4
    >>> builtin_model("relu-bias", [3, 4, 2, 3]).name
    'deep ReLU with bias (3, 4, 2, 3)'
    >>> builtin_model("conv", [2, 2])
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'widths' = [2, 2]: the conv model takes 4
    integers; n,c,p,s: outputs, channels, positions, kernel size; e.g. 2,2,3,2
    >>> builtin_model("mlp", [2, 2])
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'model' = 'mlp': unknown model; choose one
    of linear, relu, relu-bias, nmf, resnet, conv, attention, multihead, crossentropy, or give a
    model file
    """
    if name == "linear":
        return deep_linear(widths)
    if name in ("relu", "relu-bias"):
        bias = name == "relu-bias"
        if not isinstance(widths, str) and hasattr(widths, "__len__") and len(widths) == 3:
            return two_layer_relu(widths, bias=bias)
        return deep_relu(widths, bias=bias)
    if name == "nmf":
        return matrix_factorisation(widths)
    from . import _blocks  # the blocks are built from the models above

    makers = {"resnet": _blocks.residual_block, "conv": _blocks.conv_relu,
              "attention": _blocks.attention_head, "multihead": _blocks.multihead_attention,
              "crossentropy": _blocks.crossentropy_layer}
    if name in makers:
        return makers[name](widths)
    raise InvalidArgument("model", name, "unknown model",
                          f"choose one of {', '.join(MODELS)}, or give a model file")
