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
                    "coefficient of each dW_j.",
    )
    add_system(parser)
    add_noise(parser)
    parser.add_argument("--kinetic", choices=["mass", "identity"], default="mass",
                        help="kinetic energy in I: ½ vᵀMv (default) or the paper's ½‖v‖²")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    dynamics = noisy_system_from_args(args)
    if dynamics.noise is None:
        result = derive(dynamics, kinetic=args.kinetic)
        return result.to_dict(), str(result), 0
    from ..symbolic._energy import inertia
    from ..symbolic._ito import ito_differential

    # The deterministic part (dissipation, proofs) comes from the noiseless system; the rate
    # reported is the drift of dI in the requested calculus.
    noiseless = Dynamics(dynamics.loss, dynamics.coordinates, damping=_damping(dynamics),
                         mass=None if dynamics.mass == dynamics.mass.eye(dynamics.dimension)
                         else dynamics.mass, parameters=dynamics.parameters)
    base = derive(noiseless, kinetic=args.kinetic)
    differential = ito_differential(dynamics, inertia(dynamics, kinetic=args.kinetic),
                                    calculus=args.calculus)
    from .._prover import prove_equal, prove_zero

    matches = prove_equal(differential.drift, base.dissipation)
    still = prove_zero(differential.drift + sum(n**2 for n in differential.noise_terms))
    payload = base.to_dict()
    payload.update({
        "rate_equals_dissipation": matches.to_dict(),
        "conserved": still.holds,
        "conservation": still.to_dict(),
        "noise": str(dynamics.noise.tolist()),
        "noise_kind": dynamics.noise_kind,
        "calculus": args.calculus,
        "noise_calculus": dynamics.calculus,
        "rate": str(differential.drift),
        "noise_terms": [str(n) for n in differential.noise_terms],
        "ito_drift": str(differential.ito_drift),
        "ito_correction": str(differential.ito_correction),
        "expected_rate": str(differential.expected_rate),
        "rate_without_noise": str(base.rate),
        "rate_without_noise_equals_dissipation": base.matches_dissipation.to_dict(),
    })
    text = "\n".join([str(differential),
                      f"drift == -vᵀMΓv: {matches}",
                      f"without noise: dI/dt = {base.rate}  ({base.matches_dissipation})",
                      f"Itô correction to the ordinary chain rule: {differential.ito_correction}"])
    return payload, text, 0


def _damping(dynamics: Dynamics):
    if dynamics.damping_kind in ("zero", "scalar", "time"):
        return dynamics.damping[0, 0]
    return dynamics.damping
