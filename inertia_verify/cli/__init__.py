"""The command line: argument parsing and printing only; the mathematics lives elsewhere.

Each command is one module ``_cmd_<name>.py`` with ``ORDER`` (its place in ``--help``) and
``register(subparsers)``; modules are found automatically.  The registered handler receives the
parsed arguments and returns ``(payload, text, status)``: the JSON object printed with ``--json``,
the readable text printed otherwise, and ``status``: 1 when the verdict is one that ``--strict``
turns into a failure (refuted, disagrees, diverged, inconclusive, ...), 3 when something could not
be computed (a claim of ``prove`` whose check raised), else 0.

The exit status follows one rule for every command (:data:`EXIT_STATUS`, README "Exit status").
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence

from .._errors import InertiaVerifyError, InertiaVerifyWarning
from ._common import Parser, warning_lines, write_json

__all__ = ["main", "build_parser", "EXIT_STATUS", "schema", "SCHEMA_COMMANDS"]

#: The command ran and printed its answer, whatever the verdict.
EXIT_OK = 0
#: Only with ``--strict``: a verdict is negative (refuted, disagrees, diverged, inconclusive).
EXIT_STRICT = 1
#: Bad input: one line on stderr naming the option, the value and the fix (argparse's own too).
EXIT_INPUT = 2
#: Internal error: something that should have worked did not (an unexpected exception, a claim
#: of ``prove`` whose check raised); one line on stderr, no traceback unless asked for.
EXIT_INTERNAL = 3
#: Interrupted (Ctrl-C), as a shell reports SIGINT.
EXIT_INTERRUPTED = 130
#: Exit status when the reader of our output went away (``... | head -1``): 128 + SIGPIPE, what
#: a shell reports for a program stopped by a closed pipe.
EXIT_CLOSED_PIPE = 141

#: The exit statuses, as ``--help`` and the README state them.
EXIT_STATUS = (
    "Exit status (every command): 0 the command ran, whatever the verdict; 1 only with "
    "--strict, when the verdict is negative (refuted, disagrees, diverged, inconclusive; see "
    "each command's help); 2 bad input (the message names the option, the value and the fix); "
    "3 internal error (including a claim of 'prove' that could not be checked); 130 "
    "interrupted; 141 the reader of the output closed the pipe."
)

#: Set to 1 to see the traceback of an internal error.
DEBUG_VARIABLE = "INERTIA_VERIFY_DEBUG"


def _command_modules() -> list:
    import importlib
    import pkgutil

    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__) if info.name.startswith("_cmd_")]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_parser() -> Parser:
    """The argument parser of the command line, one subcommand per command module.

    Returns
    -------
    argparse.ArgumentParser
        Parsing errors say what was wrong and exit with status 2.

    Examples
    --------
    >>> args = build_parser().parse_args(["derive", "--loss", "x**2/2", "--vars", "x"])
    >>> args.command, args.loss
    ('derive', 'x**2/2')
    """
    parser = Parser(
        prog="inertia-verify",
        description="Prove, refute and numerically cross-check conservation and dissipation "
                    "laws of learning dynamics.",
        epilog=EXIT_STATUS,
    )
    parser.add_argument("--version", action="version", version=_version_text(),
                        help="print the version of inertia-verify and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _command_modules():
        module.register(sub)
    for command in _leaf_parsers(parser):
        _add_strict(command)
    return parser


#: The commands whose ``--json`` output has a JSON Schema in ``cli/schemas/`` (all of them;
#: ``laws``: one schema for count, find and check, told apart by the key ``action``).
SCHEMA_COMMANDS = ("derive", "prove", "simulate", "sweep", "oscillator", "quadratic",
                   "discrete", "inequality", "laws", "figures", "lyapunov", "rate")


def schema(command: str) -> dict:
    """The JSON Schema (draft 2020-12) of ``inertia-verify COMMAND --json``, shipped with the
    package.

    Parameters
    ----------
    command : str
        One of :data:`SCHEMA_COMMANDS`.

    Returns
    -------
    dict
        The schema, as loaded from its JSON file.

    Examples
    --------
    >>> schema("oscillator")["properties"]["verdict"]
    {'enum': ['computed']}
    """
    import json
    from importlib import resources

    from .._errors import InvalidArgument

    if command not in SCHEMA_COMMANDS:
        raise InvalidArgument("command", command, "has no JSON Schema",
                              f"choose among {', '.join(SCHEMA_COMMANDS)}")
    text = resources.files(__name__).joinpath("schemas", f"{command}.json").read_text("utf-8")
    return json.loads(text)


def _version_text() -> str:
    from .. import __version__

    return f"inertia-verify {__version__}"


def _leaf_parsers(parser) -> list:
    """The parsers that run a command (``derive``, ``laws check``, ...), each once."""
    import argparse

    found, seen = [], set()

    def walk(p) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs and p.get_default("handler") is not None and id(p) not in seen:
            seen.add(id(p))
            found.append(p)
        for action in subs:
            for child in action.choices.values():
                walk(child)

    walk(parser)
    return found


def _add_strict(parser) -> None:
    """``--strict`` on every command, with the one meaning of :data:`EXIT_STRICT`; and the exit
    rule at the end of every command's help."""
    if any("--strict" in a.option_strings for a in parser._actions):
        return
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when the verdict is negative (refuted, disagrees, "
                             "diverged, inconclusive); without it the status is 0 whenever the "
                             "command ran")
    parser.epilog = EXIT_STATUS if not parser.epilog else parser.epilog + "  " + EXIT_STATUS


def command_line_error(exc: InertiaVerifyError) -> str:
    """The message of ``exc`` in command-line language: a fix written for the Python API
    (``pass values={'y': 1.0} (on the command line: --values y=1.0)``) keeps its command-line
    half, and a Python value (a dict) is shown as it is typed (``--values y=1.0``)."""
    import re

    from .._errors import InvalidArgument

    if not isinstance(exc, InvalidArgument):
        return str(exc)
    fix = exc.fix
    if fix:
        match = re.search(r"\(on the command line: ([^)]*)\)", fix)
        if match:
            fix = "add " + match.group(1) if match.group(1).startswith("--") else match.group(1)
        elif "pass values=" in fix:
            fix = "give every parameter a value: --values NAME=NUMBER,..."
    value = exc.value
    if isinstance(value, dict):
        value = ",".join(f"{k}={v}" for k, v in value.items()) or "(none)"
    argument = exc.argument
    if argument == "values":
        argument = "--values"
    return str(InvalidArgument(argument, value, exc.problem, fix))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (:data:`EXIT_STATUS`: 0 ran, 1 negative verdict under ``--strict``,
        2 bad input, 3 internal error, 130 interrupted, 141 output pipe closed).

    Examples
    --------
    >>> main(["derive", "--loss", "x**2/2", "--vars", "x"])  # doctest: +ELLIPSIS
    dynamics: ...
    inertia:   I = v_x**2/2 + x**2/2
    rate:      dI/dt = 0
    ...
    0
    """
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``prove --json | head -1``): nothing more can be said to it.
        # Point stdout at devnull so that the interpreter's final flush does not fail again
        # (the recipe of the Python documentation, "Note on SIGPIPE").
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass  # a stdout without a file descriptor (captured in tests): nothing to flush
        return EXIT_CLOSED_PIPE


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = f"inertia-verify {args.command}"
    with warnings.catch_warnings(record=True) as caught:
        # The project's own warnings every time (each names this input); others as filtered.
        warnings.simplefilter("always", InertiaVerifyWarning)
        try:
            payload, text, status = args.handler(args)
            error = None
        except InertiaVerifyError as exc:
            error, status = f"error: {command_line_error(exc)}", EXIT_INPUT
        except MemoryError:
            error, status = ("error: out of memory; use fewer paths or a coarser record "
                             "(--paths, --save-every)"), EXIT_INPUT
        except KeyboardInterrupt:
            error, status = "interrupted", EXIT_INTERRUPTED
        except (BrokenPipeError, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place an unexpected failure is caught
            if os.environ.get(DEBUG_VARIABLE):
                raise
            error = (f"internal error: {type(exc).__name__}: {exc} (a bug in inertia-verify; "
                     f"rerun with {DEBUG_VARIABLE}=1 for the traceback, and please report it)")
            status = EXIT_INTERNAL
    if error is None and status == EXIT_STRICT and not getattr(args, "strict", False):
        status = EXIT_OK
    lines = warning_lines(caught)
    for line in lines:
        print(f"{name}: warning: {line}", file=sys.stderr)
    if error is not None:
        print(error if status == EXIT_INTERRUPTED else f"{name}: {error}", file=sys.stderr)
        return status
    if getattr(args, "json", False):
        if isinstance(payload, dict):
            payload = {**payload, "warnings": lines}
        write_json(payload, sys.stdout)
    else:
        print(text)
        sys.stdout.flush()
    return status
