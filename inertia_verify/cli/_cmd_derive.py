"""``inertia-verify derive``: the inertia of a system and its rate, with proofs."""

from __future__ import annotations

import argparse

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from ..symbolic import derive
from ._common import NOISE_FLAGS, add_json, add_noise, add_system, noisy_system_from_args

ORDER = 10

def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "derive", help="derive I and dI/dt for a loss and prove what the rate is",
        description="Derive the computational inertia I = ½ vᵀMv + L and its rate dI/dt along "
                    "θ'' + Γθ' + M⁻¹∇L = 0, and prove whether dI/dt = -vᵀMΓv and whether I is "
                    "conserved.  With --noise, dI by Itô's formula (or the Stratonovich chain "
                    "rule): 'rate' is the drift (dt-coefficient) of dI and 'noise_terms' the "
                    "coefficient of each dW_j.  JSON 'verdict': the verdict on dI/dt = -vᵀMΓv "
                    "(proved, numerically verified, refuted, inconclusive); --strict fails on "
                    "refuted and inconclusive.",
    )
    add_system(parser)
    add_noise(parser)
    parser.add_argument("--kinetic", choices=["mass", "identity"], default="mass",
                        help="kinetic energy in I: ½ vᵀMv (default) or the paper's ½‖v‖²")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    # The library derives everything (with noise: the drift of dI in the requested calculus, the
    # noise terms and the Itô correction); this command only formats it.
    result = derive(noisy_system_from_args(args), kinetic=args.kinetic)
    verdict = result.matches_dissipation.status
    payload = {"verdict": verdict, **result.to_dict()}
    return payload, str(result), 1 if verdict in NEGATIVE else 0


#: The verdicts --strict turns into exit status 1.
NEGATIVE = ("refuted", "inconclusive")
