"""What every command shares: the parser class, options, the JSON writer, warning lines."""

from __future__ import annotations

import argparse
import json
import math
import re
import warnings
from collections.abc import Iterable
from typing import Any, TextIO

from .._dynamics import Dynamics
from .._errors import InvalidArgument

__all__ = ["Parser", "add_json", "add_system", "system_from_args", "FLAGS", "jsonable",
           "write_json", "warning_lines"]


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
        # attribute, present from Python 3.2 to 3.14; tests/test_cli_failures.py guards it).
        self._negative_number_matcher = re.compile(r"^-[^-]")


def jsonable(value: Any) -> Any:
    """``value`` with every non-finite number as ``None`` (JSON has no NaN or Infinity), NumPy
    scalars and arrays as Python numbers and lists, and other objects (SymPy) as text.

    Examples
    --------
    >>> jsonable({"a": float("inf"), "b": (1, float("nan")), 3: "x"})
    {'a': None, 'b': [1, None], '3': 'x'}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    tolist = getattr(value, "tolist", None)  # NumPy scalars and arrays
    if callable(tolist) and type(value).__module__ == "numpy":
        return jsonable(tolist())
    return str(value)


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
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


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
