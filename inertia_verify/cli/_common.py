"""Options shared by several commands."""

from __future__ import annotations

import argparse

from .._dynamics import Dynamics
from .._errors import InvalidArgument


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
