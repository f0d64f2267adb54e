"""The command line: argument parsing and printing only; the mathematics lives elsewhere.

Each command is one module ``_cmd_<name>.py`` with ``ORDER`` (its place in ``--help``) and
``register(subparsers)``; modules are found automatically.  The registered handler receives the
parsed arguments and returns ``(payload, text, status)``: the JSON object printed with ``--json``,
the readable text printed otherwise, and the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .._errors import InertiaVerifyError

__all__ = ["main", "build_parser"]


def _command_modules() -> list:
    import importlib
    import pkgutil

    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__) if info.name.startswith("_cmd_")]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inertia-verify",
        description="Prove, refute and numerically cross-check conservation and dissipation "
                    "laws of learning dynamics.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 refuted/failed check, 2 error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        payload, text, status = args.handler(args)
    except InertiaVerifyError as exc:
        print(f"inertia-verify {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, indent=2, allow_nan=False, default=str)
        sys.stdout.write("\n")
    else:
        print(text)
    return status
