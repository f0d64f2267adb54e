"""The command line: argument parsing and printing only; the mathematics lives elsewhere.

Each command is one module with ``register(subparsers)``; the registered handler receives the
parsed arguments and returns ``(payload, text)``: the JSON object printed with ``--json`` and the
readable text printed otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .._errors import InertiaVerifyError
from . import _derive, _prove

__all__ = ["main", "build_parser"]

#: Command modules, in the order ``--help`` lists them.
COMMANDS = [_derive, _prove]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inertia-verify",
        description="Prove, refute and numerically cross-check conservation and dissipation "
                    "laws of learning dynamics.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
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
