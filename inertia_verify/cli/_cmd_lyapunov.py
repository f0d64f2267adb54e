"""``inertia-verify lyapunov``: certify a Lyapunov function and its exponential rate."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from .._lyapunov import lyapunov
from ._common import add_json, system_from_args

ORDER = 16


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "lyapunov", help="certify V > 0 and dV/dt <= -c V (or find the best certifiable c)",
        description="Decide that V is a Lyapunov function of θ̈ + γθ̇ + ∇L = 0: V >= 0 with "
                    "V = 0 only at the equilibrium, and dV/dt <= -c*V for every state, each "
                    "with a certificate re-checked exactly or refuted by an exact witness state. "
                    "--best-rate bisects on the certificate for the largest c.  JSON 'verdict': "
                    "proved, numerically verified, refuted or inconclusive; --strict fails on "
                    "refuted and inconclusive.",
    )
    parser.add_argument("--loss", required=True, metavar="EXPR",
                        help="the loss, e.g. 'x**2/8' (restricted grammar)")
    parser.add_argument("--vars", required=True, metavar="NAMES", help="coordinates, e.g. x,y")
    parser.add_argument("--damping", metavar="EXPR|MATRIX", default=None,
                        help="constant damping: a number, a parameter or a matrix")
    parser.add_argument("--function", required=True, metavar="V",
                        help="the candidate V in the coordinates and velocities v_<name>, e.g. "
                             "'x**2/8 + (x/2 + v_x)**2/2'")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--rate", metavar="C", default=None,
                       help="decide dV/dt <= -C*V for this rational C (e.g. 1/2)")
    which.add_argument("--best-rate", action="store_true",
                       help="bisect for the largest certifiable C (a certified rate and a "
                            "refuted one bracket it)")
    parser.add_argument("--equilibrium", metavar="x=A,y=B", default=None,
                        help="θ* when ∇L = 0 has no closed-form unique solution, e.g. x=1,y=0")
    add_json(parser)
    parser.set_defaults(handler=run, mass=None, params=None)


def _equilibrium(text: str | None):
    if text is None:
        return None
    point = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InvalidArgument("--equilibrium", text, f"has {part!r}, not NAME=VALUE",
                                  "write e.g. x=1,y=-1/2")
        point[name.strip()] = value.strip()
    return point


_FLAGS = {"function": "--function", "rate": "--rate", "equilibrium": "--equilibrium",
          "damping": "--damping", "loss": "--loss", "dynamics": "--damping"}


def run(args: argparse.Namespace):
    dynamics = system_from_args(args)
    try:
        result = lyapunov(dynamics, args.function, rate=args.rate, best_rate=args.best_rate,
                          equilibrium=_equilibrium(args.equilibrium))
    except InvalidArgument as exc:
        raise exc.renamed(_FLAGS) from exc
    payload = result.to_dict()
    payload["variables"] = [c.name for c in dynamics.coordinates]
    lines = [f"V:           {result.function}",
             f"dV/dt:       {result.derivative}",
             "equilibrium: " + ", ".join(f"{k} = {v}" for k, v in result.equilibrium.items()),
             f"positivity:  {result.positivity.status} ({result.positivity.method})"]
    if result.decay is not None:
        lines.append(f"decay:       {result.decay.relation}: {result.decay.status} "
                     f"({result.decay.method})")
    if args.best_rate and result.rate is not None:
        lines.append(f"best rate:   {result.rate} certified"
                     + (f", {result.refuted_rate} refuted" if result.refuted_rate is not None
                        else ""))
    witness = result.counterexample or (result.refutation.counterexample
                                        if result.refutation is not None else None)
    if witness is not None:
        ce = dict(witness)
        value = ce.pop("value")
        lines.append("witness:     " + ", ".join(f"{k} = {v}" for k, v in ce.items())
                     + f"  (value {value} < 0, exact)")
    lines.append(f"verdict:     {result.verdict}")
    lines += [f"note:        {n}" for n in result.notes]
    return payload, "\n".join(lines), 0 if result.verdict in ("proved", "numerically verified") \
        else 1
