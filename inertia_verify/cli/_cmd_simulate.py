"""``inertia-verify simulate``: integrate an ensemble and cross-check it against the symbolic
predictions (energy balance; closed form for quadratic losses)."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from .._expressions import parse_expression, parse_names, parse_vector
from ._common import FLAGS, add_json, add_system, system_from_args

ORDER = 30

#: The Python API's argument names as they read on this command line.
SIMULATE_FLAGS = {**FLAGS, "theta0": "--theta0", "v0": "--v0", "t_end": "--t-end", "dt": "--dt",
                  "scheme": "--scheme", "paths": "--paths", "spread": "--spread",
                  "seed": "--seed", "t0": "--t0", "values": "--values", "dynamics": "--loss",
                  "save_every": "--save-every"}


def number(text: str, argument: str) -> float:
    """One finite number from user text, through the restricted parser."""
    return parse_vector(text, argument=argument, length=1)[0]


def values_from_text(text: str | None) -> dict[str, float] | None:
    """``"gamma=0.1, a=2"`` → ``{"gamma": 0.1, "a": 2.0}`` (names and numbers parsed safely)."""
    if text is None:
        return None
    values = {}
    for item in text.split(","):
        if "=" not in item:
            raise InvalidArgument("--values", text, f"{item.strip()!r} is not NAME=NUMBER",
                                  "write e.g. --values gamma=0.1,a=2")
        name, value = item.split("=", 1)
        (name,) = parse_names(name, argument="--values")
        values[name] = number(value, "--values")
    return values


def _positive_int(text: str, argument: str) -> int:
    value = number(text, argument)
    if value != int(value) or value < 1:
        raise InvalidArgument(argument, text, "must be a positive integer", "e.g. 1000")
    return int(value)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate", help="simulate an ensemble and cross-check I(t) against the predictions",
        description="Integrate θ'' + Γθ' + M⁻¹∇L = 0 for PATHS paths with a fixed-step scheme "
                    "(or one path with the dop853/mpmath references), at dt, 2dt and 4dt, and "
                    "check the energy balance I(t) - I(0) = ∫ dI/dt (and, for quadratic losses "
                    "with constant damping, the closed form) with tolerances from the scheme's "
                    "order. Exit status 0 when the checks agree, 1 otherwise (disagrees, "
                    "inconclusive, diverged), 2 for bad input.",
    )
    add_system(parser)
    parser.add_argument("--values", metavar="NAME=NUMBER,...", default=None,
                        help="values of the parameters, e.g. gamma=0.1,a=2")
    parser.add_argument("--theta0", required=True, metavar="NUMBERS", help="initial θ, e.g. 1,0")
    parser.add_argument("--v0", required=True, metavar="NUMBERS", help="initial velocity, e.g. 0,0")
    parser.add_argument("--t-end", required=True, metavar="T", help="final time")
    parser.add_argument("--t0", default="0", metavar="T0",
                        help="initial time (default 0; use t0 > 0 for damping such as 3/t)")
    parser.add_argument("--dt", required=True, metavar="H", help="step size")
    parser.add_argument("--scheme", default="verlet", metavar="NAME",
                        help="euler, rk4, symplectic-euler, verlet (default), conformal-verlet, "
                             "dop853, mpmath (the last two: one path only)")
    parser.add_argument("--paths", default="1", metavar="N", help="ensemble size (default 1)")
    parser.add_argument("--spread", default=None, metavar="S|S_THETA,S_V",
                        help="random initial conditions: every path starts at theta0 + S_THETA·N(0,1), "
                             "v0 + S_V·N(0,1) (one number sets both); default: all paths equal")
    parser.add_argument("--seed", default=None, metavar="S", help="seed of the random spread")
    parser.add_argument("--save-every", default=None, metavar="K",
                        help="record every K-th step (default: a bounded number of snapshots)")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    from .._crosscheck import crosscheck

    try:
        dynamics = system_from_args(args)
        d = dynamics.dimension
        theta0 = parse_vector(args.theta0, argument="--theta0", length=d)
        v0 = parse_vector(args.v0, argument="--v0", length=d)
        t_end, dt, t0 = number(args.t_end, "--t-end"), number(args.dt, "--dt"), number(args.t0, "--t0")
        if dt <= 0:
            raise InvalidArgument("--dt", args.dt, "must be positive", "e.g. --dt 0.01")
        if t_end <= t0:
            raise InvalidArgument("--t-end", args.t_end, f"must be greater than --t0 = {t0:g}",
                                  "give a later final time")
        paths = _positive_int(args.paths, "--paths")
        seed = None if args.seed is None else int(number(args.seed, "--seed"))
        spread = None
        if args.spread is not None:
            spread = parse_vector(args.spread, argument="--spread")
            if len(spread) not in (1, 2):
                raise InvalidArgument("--spread", args.spread, "must be one or two numbers",
                                      "e.g. --spread 0.1 or --spread 0.1,0")
            spread = spread[0] if len(spread) == 1 else tuple(spread)
        save_every = None if args.save_every is None else _positive_int(args.save_every,
                                                                        "--save-every")
        report = crosscheck(dynamics, theta0, v0, t_end, dt, scheme=args.scheme, paths=paths,
                            values=values_from_text(args.values), spread=spread, seed=seed,
                            t0=t0, save_every=save_every)
    except InvalidArgument as exc:
        raise exc.renamed(SIMULATE_FLAGS) from exc
    payload = report.to_dict()
    return payload, str(report), 0 if report.verdict == "agrees" else 1
