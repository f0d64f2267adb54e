"""``inertia-verify derive``: the inertia of a system and its rate, with proofs."""

from __future__ import annotations

import argparse

from ..symbolic import derive
from ._common import add_json, add_system, system_from_args


ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "derive", help="derive I and dI/dt for a loss and prove what the rate is",
        description="Derive the computational inertia I = ½ vᵀMv + L and its rate dI/dt along "
                    "θ'' + Γθ' + M⁻¹∇L = 0, and prove whether dI/dt = -vᵀMΓv and whether I is "
                    "conserved.",
    )
    add_system(parser)
    parser.add_argument("--kinetic", choices=["mass", "identity"], default="mass",
                        help="kinetic energy in I: ½ vᵀMv (default) or the paper's ½‖v‖²")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    result = derive(system_from_args(args), kinetic=args.kinetic)
    return result.to_dict(), str(result), 0
