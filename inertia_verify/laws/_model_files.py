"""Model files: a model of one's own (or a built-in one, by name) from a JSON or TOML file.

The reader behind ``laws --model-file``: parameters and components as text (through the
restricted parser, never evaluated), or matrices declared by shape whose products, neurons or
centred rows are the components.
"""

from __future__ import annotations

import json
from pathlib import Path

import sympy

from .._errors import InvalidArgument
from .._expressions import parse_expression, parse_names
from ._builtin import builtin_model
from ._models import Model, _matrix

__all__ = ["load_model"]


def load_model(path: str | Path) -> Model:
    """A model from a JSON or ``.toml`` file: a custom one, or a built-in one by name.

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

    Parameters
    ----------
    path : str or pathlib.Path
        The file; ``.toml`` is read as TOML, anything else as JSON.

    Returns
    -------
    Model

    Examples
    --------
    >>> import json, tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    ...     json.dump({"parameters": ["u", "v"], "components": ["u*v"]}, f)
    >>> load_model(f.name).components
    (u*v,)
    >>> with open(f.name, "w") as g:
    ...     json.dump({"matrices": {"Q": [1, 1], "K": [1, 1]}, "products": ["Q K^T"]}, g)
    >>> load_model(f.name).components
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
        return Model.from_text(parameters, components, name=name, positive=positive)
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
    """A model file with declared matrices (see :func:`load_model`)."""
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
