"""``inertia-verify derive``: the inertia of a system and its rate, with proofs."""

from __future__ import annotations

import argparse

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from ..symbolic import derive
from ._common import FLAGS, add_json, add_system

ORDER = 10

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
    try:
        return Dynamics.from_text(args.loss, args.vars, damping=args.damping, mass=args.mass,
                                  parameters=args.params, noise=args.noise,
                                  calculus=args.calculus)
    except InvalidArgument as exc:
        raise exc.renamed(NOISE_FLAGS) from exc


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
