"""The command line: argument parsing and printing only; the mathematics lives elsewhere.

Each command is one module ``_cmd_<name>.py`` with ``ORDER`` (its place in ``--help``) and
``register(subparsers)``; modules are found automatically.  The registered handler receives the
parsed arguments and returns ``(payload, text, status)``: the JSON object printed with ``--json``,
the readable text printed otherwise, and the exit status.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence

from .._errors import InertiaVerifyError, InertiaVerifyWarning
from ._common import Parser, warning_lines, write_json

__all__ = ["main", "build_parser"]

#: Exit status when the reader of our output went away (``... | head -1``): 128 + SIGPIPE, what
#: a shell reports for a program stopped by a closed pipe.
EXIT_CLOSED_PIPE = 141


def _command_modules() -> list:
    import importlib
    import pkgutil

    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__) if info.name.startswith("_cmd_")]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_parser() -> Parser:
    parser = Parser(
        prog="inertia-verify",
        description="Prove, refute and numerically cross-check conservation and dissipation "
                    "laws of learning dynamics.",
        epilog="Exit status: 0 success; 1 a check refuted, failed, inconclusive or diverged (or "
               "a claim of 'prove' could not be checked); 2 bad input (the message names the "
               "argument, the value and the fix); 130 interrupted; 141 the reader of the output "
               "closed the pipe.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 refuted/failed check, 2 error,
    130 interrupted, 141 output pipe closed)."""
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
            error, status = f"error: {exc}", 2
        except MemoryError:
            error, status = ("error: out of memory; use fewer paths or a coarser record "
                             "(--paths, --save-every)"), 2
        except KeyboardInterrupt:
            error, status = "interrupted", 130
    lines = warning_lines(caught)
    for line in lines:
        print(f"{name}: warning: {line}", file=sys.stderr)
    if error is not None:
        print(error if status == 130 else f"{name}: {error}", file=sys.stderr)
        return status
    if getattr(args, "json", False):
        if isinstance(payload, dict):
            payload = {**payload, "warnings": lines}
        write_json(payload, sys.stdout)
    else:
        print(text)
        sys.stdout.flush()
    return status
