"""What the commands share: the parser class, options and their parsing, the JSON writer,
warning lines.  A command module imports its helpers from here, never from a sibling command."""

from __future__ import annotations

import argparse
import json
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._expressions import parse_names, parse_vector

__all__ = ["Parser", "add_json", "add_system", "system_from_args", "FLAGS", "jsonable",
           "write_json", "warning_lines", "clean_text", "simulate_contract",
           "add_t_end", "t_end_text", "NOISE_FLAGS", "add_noise", "noisy_system_from_args",
           "SIMULATE_FLAGS", "number", "values_from_text", "positive_int", "add_scale_options",
           "workers_from_args", "optional_dask"]


class Parser(argparse.ArgumentParser):
    """``argparse`` that takes negative numbers, vectors and matrices as option values.

    ``--theta0 -1,0.5`` would otherwise be read as an unknown option ``-1,0.5``: argparse only
    recognises plain negative numbers (``-1``, ``-.5``).  Here a word that starts with a single
    ``-`` and is not an option (only ``-h`` is) is a value: ``-1,0.5``, ``-[[1,0],[0,1]]``,
    ``-x**2``; ``--theta0=-1,0.5`` works as well.  Sub-parsers inherit the class.

    Examples
    --------
    >>> p = Parser(prog="demo")
    >>> _ = p.add_argument("--theta0")
    >>> p.parse_args(["--theta0", "-1,0.5"]).theta0
    '-1,0.5'
    >>> p.parse_args(["--theta0", "-x**2"]).theta0
    '-x**2'
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse consults this pattern to tell a negative number from an option (a private
        # attribute, present from Python 3.2 to 3.14; tests/cli/test_cli_failures.py guards it).
        self._negative_number_matcher = re.compile(r"^-[^-]")


#: Keys whose values are numbers even when a library hands them over as exact text ("1/100"):
#: parameters and points.  Everything else that is text (expressions, statements) stays text.
NUMERIC_KEYS = frozenset({
    "omega", "gamma", "theta0", "v0", "t", "lr", "momentum", "h", "step", "contraction",
    "matrix", "value", "sigma", "beta", "alpha", "tau",
})
#: Dicts whose every value is a number (a point of a counterexample or witness).
POINT_KEYS = frozenset({"counterexample", "witness", "point"})

_RATIONAL = re.compile(r"^[+-]?\d+(/\d+)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def _number_from_text(text: str) -> tuple[Any, str | None] | None:
    """``(number, exact)`` for a numeric literal (``"4"``, ``"-1/100"``, ``"0.5"``), else ``None``;
    ``exact`` is the text when the float is not the value itself.  Plain regexes and
    :class:`fractions.Fraction`: our own output is never handed to SymPy's parser."""
    from fractions import Fraction

    text = text.strip()
    if _RATIONAL.match(text):
        q = Fraction(text)
        if q.denominator == 1:
            return int(q), None
        return float(q), text
    if _DECIMAL.match(text):
        number = float(text)
        return (number, None) if math.isfinite(number) else None
    return None


def _sympy_number(value: Any) -> tuple[Any, str | None] | None:
    """``(number, exact)`` for a real SymPy number (``Rational(1, 2)`` → ``(0.5, "1/2")``,
    ``sqrt(2)`` → ``(1.414..., "sqrt(2)")``), else ``None``."""
    module = type(value).__module__ or ""
    if not module.startswith("sympy") or not getattr(value, "is_number", False):
        return None
    try:
        if getattr(value, "is_Integer", False):
            return int(value), None
        if getattr(value, "is_Float", False):
            return float(value), None
        if value.is_real is False:
            return None
        number = float(value.evalf(30))
    except (TypeError, ValueError, OverflowError):
        return None
    return (number if math.isfinite(number) else None), str(value)


def _interval_text(value: Any) -> str | None:
    """A SymPy set in the notation of a textbook: ``(0, 2)``, ``[0, oo)``, ``A ∪ B``."""
    import sympy

    if isinstance(value, sympy.Interval):
        return (("(" if value.left_open else "[") + f"{value.start}, {value.end}"
                + (")" if value.right_open else "]"))
    if isinstance(value, sympy.Union):
        parts = [_interval_text(a) for a in value.args]
        return None if None in parts else " ∪ ".join(parts)
    if isinstance(value, sympy.FiniteSet):
        return "{" + ", ".join(str(a) for a in value.args) + "}"
    if value is sympy.S.EmptySet:
        return "∅"
    if value is sympy.S.Reals:
        return "(-oo, oo)"
    return None


_MATRIX_TEXT = re.compile(r"^(?:Immutable(?:Dense)?)?Matrix\((\[.*\])\)$", re.S)
_INTERVAL_TEXT = re.compile(
    r"Interval(?:\.(open|Lopen|Ropen))?\(([^(),]+(?:\([^()]*\))?), ([^(),]+(?:\([^()]*\))?)\)")


def clean_text(text: str) -> str:
    """Text without SymPy's constructor spellings: ``Matrix([[0, 0], [0, 0]])`` → ``[[0, 0],
    [0, 0]]``, ``Interval.open(0, 2)`` → ``(0, 2)``, ``Union(A, B)`` → ``A ∪ B``.

    Examples
    --------
    >>> clean_text("Matrix([[0, 0], [0, 0]])")
    '[[0, 0], [0, 0]]'
    >>> clean_text("h in Interval.open(0, 2)")
    'h in (0, 2)'
    >>> clean_text("Interval.Ropen(0, sqrt(2))")
    '[0, sqrt(2))'
    """
    match = _MATRIX_TEXT.match(text)
    if match:
        return match.group(1)

    def interval(m: re.Match) -> str:
        kind, a, b = m.group(1), m.group(2), m.group(3)
        left = "(" if kind in ("open", "Lopen") else "["
        right = ")" if kind in ("open", "Ropen") else "]"
        return f"{left}{a}, {b}{right}"

    text = _INTERVAL_TEXT.sub(interval, text)
    if text.startswith("Union(") and text.endswith(")") and "Union(" not in text[6:]:
        parts, depth, current = [], 0, ""
        for ch in text[6:-1]:
            depth += ch in "([{"
            depth -= ch in ")]}"
            if ch == "," and depth == 0:
                parts.append(current.strip())
                current = ""
            else:
                current += ch
        parts.append(current.strip())
        text = " ∪ ".join(parts)
    return text


def _convert(value: Any, numeric: bool) -> tuple[Any, Any]:
    """``(json value, exact twin or None)``; ``numeric``: text that is a numeric literal is a
    number (the value sits under a key of :data:`NUMERIC_KEYS` or in a point)."""
    if isinstance(value, dict):
        return _convert_dict(value), None
    if isinstance(value, (list, tuple)):
        pairs = [_convert(v, numeric) for v in value]
        exact = [e if e is not None else v for v, e in pairs]
        has_exact = any(e is not None for _, e in pairs)
        return [v for v, _ in pairs], (exact if has_exact else None)
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, str):
        if numeric:
            found = _number_from_text(value)
            if found is not None:
                return found
        return clean_text(value), None
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return (value if math.isfinite(value) else None), None
    tolist = getattr(value, "tolist", None)  # NumPy scalars and arrays
    if callable(tolist) and type(value).__module__ == "numpy":
        return _convert(tolist(), numeric)
    if (type(value).__module__ or "").startswith("sympy"):
        found = _sympy_number(value)
        if found is not None:
            return found
        if getattr(value, "is_Matrix", False):
            return _convert(value.tolist(), True)
        shown = _interval_text(value)
        if shown is not None:
            return shown, None
    return clean_text(str(value)), None


def _convert_dict(payload: dict) -> dict:
    out: dict = {}
    point = False
    for key, value in payload.items():
        key = str(key)
        numeric = key in NUMERIC_KEYS or point
        if key == "exact" and isinstance(value, dict):  # already the exact twins, as text
            out[key] = {str(k): v if isinstance(v, str) else _convert(v, False)[0]
                        for k, v in value.items()}
            continue
        converted, exact = _convert(value, numeric)
        if isinstance(value, dict) and key in POINT_KEYS:
            converted = _convert_point(value)
        out[key] = converted
        if exact is not None and f"{key}_exact" not in payload:
            out[f"{key}_exact"] = exact
    return out


def _convert_point(point: dict) -> dict:
    """A counterexample or witness: every value that is a number is a JSON number, with its
    exact value beside it in ``<name>_exact`` when the float is not the value itself."""
    out: dict = {}
    for key, value in point.items():
        key = str(key)
        if key == "exact" and isinstance(value, dict):  # already the exact twins, as text
            out[key] = _convert_dict({"exact": value})["exact"]
            continue
        converted, exact = _convert(value, True)
        if isinstance(value, dict):
            converted = _convert_point(value) if key in POINT_KEYS else _convert_dict(value)
        out[key] = converted
        if exact is not None and f"{key}_exact" not in point:
            out[f"{key}_exact"] = exact
    return out


def jsonable(value: Any) -> Any:
    """``value`` as the JSON the command line promises (the output contract, README).

    * Non-finite numbers are ``null`` (JSON has no NaN or Infinity).
    * NumPy scalars and arrays are numbers and lists.
    * A SymPy number is a JSON number; when the float is not its value, the exact value goes
      beside it as text under ``<key>_exact`` (``{"lr": 0.01, "lr_exact": "1/100"}``).  The same
      holds for numeric literals handed over as text under a key of :data:`NUMERIC_KEYS` and for
      every value of a point (``counterexample``, ``witness``).
    * A numeric SymPy matrix is a list of rows of numbers; a SymPy set is written in interval
      notation (``(0, 2)``), never as a constructor (``Interval.open(0, 2)``).
    * Other objects (SymPy expressions) are their text.

    Examples
    --------
    >>> jsonable({"a": float("inf"), "b": (1, float("nan")), 3: "x"})
    {'a': None, 'b': [1, None], '3': 'x'}
    >>> import sympy
    >>> jsonable({"lr": sympy.Rational(1, 100), "momentum": "9/10", "d": sympy.Integer(2)})
    {'lr': 0.01, 'lr_exact': '1/100', 'momentum': 0.9, 'momentum_exact': '9/10', 'd': 2}
    >>> jsonable({"counterexample": {"g": "4", "v_x": "1/3"}})
    {'counterexample': {'g': 4, 'v_x': 0.3333333333333333, 'v_x_exact': '1/3'}}
    >>> jsonable({"range": sympy.Interval.open(0, 2), "m": sympy.zeros(2, 2)})
    {'range': '(0, 2)', 'm': [[0, 0], [0, 0]]}
    """
    converted, _ = _convert(value, False)
    return converted


def write_json(payload: Any, stream: TextIO) -> None:
    """Write one JSON object: sanitised by :func:`jsonable` and serialised *before* anything is
    written, so that a failure never leaves half an object on the stream."""
    text = json.dumps(jsonable(payload), indent=2, allow_nan=False)
    stream.write(text + "\n")
    stream.flush()


#: Warnings meant for the developers of a library, not for the user of a command.
_DEVELOPER_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                       ResourceWarning)


def warning_lines(caught: Iterable[warnings.WarningMessage]) -> list[str]:
    """The user-facing warnings among ``caught``, one line each, without repeats; developer
    warnings (deprecations and the like) are handed back to the normal warning machinery."""
    lines: list[str] = []
    for w in caught:
        if issubclass(w.category, _DEVELOPER_WARNINGS):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        line = " ".join(str(w.message).split())
        if line not in lines:
            lines.append(line)
    return lines


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of text (the output contract: README, "
                             "and the schema inertia_verify/cli/schemas/<command>.json)")


def add_t_end(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--t-end T``, the one spelling of a final time (as in ``simulate``); ``--t`` is kept as a
    hidden alias that warns, so that scripts written before still run."""
    parser.add_argument("--t-end", default=None, metavar="T", help=f"{help_text} (required)")
    parser.add_argument("--t", dest="t_deprecated", default=None, metavar="T",
                        help=argparse.SUPPRESS)


def t_end_text(args: argparse.Namespace) -> str:
    """The text of ``--t-end`` (or of the deprecated ``--t``, with a warning)."""
    from .._errors import warn

    if args.t_deprecated is not None:
        if args.t_end is not None:
            raise InvalidArgument("--t", args.t_deprecated, "repeats --t-end",
                                  "give only --t-end (--t is its old spelling)")
        warn("--t is deprecated and will be removed; write --t-end")
        return args.t_deprecated
    if args.t_end is None:
        raise InvalidArgument("--t-end", None, "is required", "e.g. --t-end 2")
    return args.t_end


def add_system(parser: argparse.ArgumentParser) -> None:
    """--loss, --vars, --damping, --mass, --params: what a system is."""
    parser.add_argument("--loss", required=True, metavar="EXPR",
                        help="the loss, e.g. 'x**4/4 - x**2/2 + a*y**2' (restricted grammar: "
                             "numbers, names, + - * / ** ( ) and functions such as sin, exp, log)")
    parser.add_argument("--vars", required=True, metavar="NAMES", help="coordinates, e.g. x,y")
    parser.add_argument("--damping", metavar="EXPR|MATRIX", default=None,
                        help="scalar damping (e.g. gamma, 0.5, 3/t) or a matrix [[1,0],[0,2]]")
    parser.add_argument("--mass", metavar="MATRIX", default=None,
                        help="constant symmetric positive-definite mass matrix (default identity)")
    parser.add_argument("--params", metavar="NAMES", default=None,
                        help="declare the parameters (other names are then errors); by default "
                             "every name that is not a coordinate is a parameter")


#: How the Python API's argument names read on the command line.
FLAGS = {"loss": "--loss", "coordinates": "--vars", "vars": "--vars", "damping": "--damping",
         "mass": "--mass", "parameters": "--params"}


def system_from_args(args: argparse.Namespace) -> Dynamics:
    try:
        return Dynamics.from_text(args.loss, args.vars, damping=args.damping, mass=args.mass,
                                  parameters=args.params)
    except InvalidArgument as exc:
        raise exc.renamed(FLAGS) from exc


def simulate_contract(payload: dict) -> dict:
    """The JSON of ``simulate`` in one shape for both branches: ``verdict`` (deterministic:
    agrees, disagrees, inconclusive, diverged; with --noise: estimated, diverged), ``diverged``
    (bool) and ``diverged_at`` (the time of the first non-finite value, or null).

    Examples
    --------
    >>> simulate_contract({"status": "ok", "diverged_at": None})
    {'diverged_at': None, 'verdict': 'estimated', 'diverged': False}
    >>> simulate_contract({"verdict": "diverged", "diverged": True,
    ...                    "divergence": {"step": 1, "time": 0.1}})["diverged_at"]
    0.1
    """
    out = dict(payload)
    if "verdict" not in out:  # the Monte Carlo branch reports 'status'
        status = out.pop("status", "ok")
        out["verdict"] = "diverged" if status == "diverged" else "estimated"
        out["diverged"] = status == "diverged"
        out.setdefault("diverged_at", None)
    else:
        divergence = out.get("divergence") or {}
        out["diverged"] = bool(out.get("diverged", out["verdict"] == "diverged"))
        out["diverged_at"] = divergence.get("time") if out["diverged"] else None
    return out


# -- options shared by several commands (noise, numbers, scale) --------------------------------
#: The noise options read like this on the command line.
NOISE_FLAGS = {**FLAGS, "noise": "--noise", "calculus": "--calculus"}


def add_noise(parser: argparse.ArgumentParser) -> None:
    """--noise and --calculus: the stochastic part of a system."""
    parser.add_argument("--noise", metavar="EXPR|MATRIX", default=None,
                        help="noise Σ in dv = (...) dt + Σ dW: a scalar sigma (Σ = σI), or a d×m "
                             "matrix [[s,0],[0,s]]; entries may use the coordinates, their "
                             "velocities v_<name>, t and parameters (multiplicative noise)")
    parser.add_argument("--calculus", choices=["ito", "stratonovich"], default="ito",
                        help="how the noise is read (default ito); with --noise, derive writes "
                             "dI in this calculus")


def noisy_system_from_args(args: argparse.Namespace) -> Dynamics:
    """The system of ``add_system`` and ``add_noise``'s options."""
    try:
        return Dynamics.from_text(args.loss, args.vars, damping=args.damping, mass=args.mass,
                                  parameters=args.params, noise=args.noise,
                                  calculus=args.calculus)
    except InvalidArgument as exc:
        raise exc.renamed(NOISE_FLAGS) from exc


#: The Python API's argument names as they read on this command line.
SIMULATE_FLAGS = {**NOISE_FLAGS, "theta0": "--theta0", "v0": "--v0", "t_end": "--t-end",
                  "dt": "--dt",
                  "scheme": "--scheme", "paths": "--paths", "spread": "--spread",
                  "seed": "--seed", "t0": "--t0", "values": "--values", "dynamics": "--loss",
                  "save_every": "--save-every", "chunk_paths": "--chunk",
                  "workers": "--workers", "client": "--dask", "dask": "--dask",
                  "backend": "--backend"}


def number(text: str, argument: str) -> float:
    """One finite number from user text, through the restricted parser."""
    return parse_vector(text, argument=argument, length=1)[0]


def values_from_text(text: str | None) -> dict[str, float] | None:
    """``"gamma=0.1, a=2"`` → ``{"gamma": 0.1, "a": 2.0}`` (names and numbers parsed safely)."""
    if text is None:
        return None
    values = {}
    for item in text.split(","):
        if "=" not in item:
            raise InvalidArgument("--values", text, f"{item.strip()!r} is not NAME=NUMBER",
                                  "write e.g. --values gamma=0.1,a=2")
        name, value = item.split("=", 1)
        (name,) = parse_names(name, argument="--values")
        values[name] = number(value, "--values")
    return values


def positive_int(text: str, argument: str) -> int:
    """A positive integer from user text (``--paths``, ``--chunk``, ...)."""
    value = number(text, argument)
    if value != int(value) or value < 1:
        raise InvalidArgument(argument, text, "must be a positive integer", "e.g. 1000")
    return int(value)


def add_scale_options(parser: argparse.ArgumentParser) -> None:
    """``--workers N`` and ``--dask ADDRESS`` (shared by simulate and sweep)."""
    parser.add_argument("--workers", default=None, metavar="N",
                        help="workers integrating chunks of paths at once, forked processes where "
                             "safe, else threads (default: every core; INERTIA_VERIFY_POOL="
                             "threads|processes|auto chooses); "
                             "the results are the same bits for any N")
    parser.add_argument("--dask", default=None, metavar="ADDRESS",
                        help="with --noise (and for sweep): run the chunks on a Dask cluster, "
                             "ADDRESS of a running scheduler (tcp://host:8786) or local:N for a "
                             "LocalCluster of N processes (needs the 'dask' extra); the results "
                             "are the same bits as on one machine")
    parser.add_argument("--backend", default="numpy", choices=["numpy", "jax"],
                        help="numpy (default) or jax: jit-compiled schemes vmapped over the "
                             "paths, on a GPU when there is one (needs the 'jax' extra; "
                             "euler, symplectic-euler, verlet, rk4, and with --noise "
                             "euler-maruyama and baoab with additive noise)")


def workers_from_args(args: argparse.Namespace) -> int | None:
    """``--workers`` as a positive integer (``None``: every core)."""
    if args.workers is None:
        return None
    try:
        return positive_int(args.workers, "--workers")
    except InvalidArgument as exc:
        raise InvalidArgument("--workers", args.workers, "must be a positive integer (workers)",
                              "e.g. --workers 1 for one core; leave it out for every core") \
            from exc


@contextmanager
def optional_dask(address: str | None) -> Iterator[object]:
    """A Dask client for ``--dask ADDRESS`` (closed afterwards), or ``None`` without it."""
    if address is None:
        yield None
        return
    from ..numeric._dask import dask_client

    with dask_client(address, argument="--dask") as client:
        yield client
