"""``inertia-verify discrete``: a scheme as a one-step map, the change of I, the modified energy."""

from __future__ import annotations

import argparse

import sympy

from .._errors import InvalidArgument
from .._expressions import parse_expression
from ..schemes import FIXED_STEP, MomentumScheme
from ..symbolic._discrete import analyse_discrete
from ..symbolic._optimizers import CONVENTIONS
from ._common import FLAGS, add_json, add_system, system_from_args

ORDER = 60

#: The schemes come from the one registry: every fixed-step scheme of ``simulate``.
SCHEMES = tuple(FIXED_STEP)
#: The schemes that take --lr and --momentum, by their type rather than by name.
_OPTIMIZERS = tuple(name for name, scheme in FIXED_STEP.items()
                    if isinstance(scheme, MomentumScheme))


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "discrete", help="a discrete scheme or optimizer: its map, the change of I, its modified energy",
        description="Write a scheme as a one-step map on (θ, v), derive the one-step change of the "
                    "discrete inertia I = ½‖v‖² + L and its leading order in the step, and the "
                    "modified energy the scheme conserves (exact for quadratic losses, else the "
                    "shadow series). For heavy-ball/nesterov give --lr and --momentum (the ODE "
                    "step h = √lr and damping γ are reported) or --damping and --step.  JSON: "
                    "lr, momentum, h, gamma and step are numbers (exact values in '<key>_exact'; "
                    "a symbolic step stays text); 'verdict' is always 'computed'.",
    )
    parser.add_argument("--scheme", required=True, metavar="NAME",
                        help="one of: " + ", ".join(SCHEMES))
    add_system(parser)
    parser.add_argument("--step", default=None, metavar="H",
                        help="the step: a symbol such as h (default) or a positive number")
    parser.add_argument("--lr", default=None, metavar="A", help="learning rate α (heavy-ball, nesterov)")
    parser.add_argument("--momentum", default=None, metavar="B",
                        help="momentum β in [0, 1) (heavy-ball, nesterov)")
    parser.add_argument("--convention", default="first-order", choices=CONVENTIONS,
                        help="β = 1 - γh (first-order, default) or β = exp(-γh) (conformal)")
    parser.add_argument("--order", type=int, default=2,
                        help="order N (1 to 4, default 2) of the shadow-energy series when there "
                             "is no exact invariant")
    add_json(parser)
    parser.set_defaults(handler=run)


def _number(text: str, flag: str) -> sympy.Expr:
    value = parse_expression(text, argument=flag)
    if not value.is_number or not value.is_real:
        raise InvalidArgument(flag, text, "must be a number", "e.g. 0.01 or 1/100")
    return sympy.nsimplify(value, rational=True) if isinstance(value, sympy.Float) else value


def _step(text: str | None):
    if text is None:
        return None
    value = parse_expression(text, argument="--step")
    if isinstance(value, sympy.Symbol):
        return value
    if not value.is_number or not value.is_positive:
        raise InvalidArgument("--step", text, "must be a positive number or a single name",
                              "e.g. --step h or --step 0.1")
    return sympy.nsimplify(value, rational=True) if isinstance(value, sympy.Float) else value


def run(args: argparse.Namespace):
    if args.scheme not in SCHEMES:
        raise InvalidArgument("--scheme", args.scheme, "is not a known scheme",
                              f"use one of {', '.join(SCHEMES)}")
    if args.damping is not None and (args.lr is not None or args.momentum is not None):
        raise InvalidArgument("--lr" if args.lr is not None else "--momentum",
                              args.lr if args.lr is not None else args.momentum,
                              "cannot be combined with --damping",
                              "give either --damping G (and --step) or --lr A --momentum B")
    if (args.lr is None) != (args.momentum is None):
        missing = "--momentum" if args.lr is not None else "--lr"
        raise InvalidArgument(missing, None, "is missing", "--lr and --momentum go together")
    if args.lr is not None and args.scheme not in _OPTIMIZERS:
        raise InvalidArgument("--lr", args.lr, f"only applies to {' and '.join(_OPTIMIZERS)}",
                              f"give --damping and --step for {args.scheme}")
    if args.scheme in _OPTIMIZERS and args.lr is None and args.damping is None:
        raise InvalidArgument("--lr", None, f"{args.scheme} needs its hyper-parameters",
                              "give --lr A --momentum B, or --damping G (with --step)")
    if args.order < 1 or args.order > 4:
        raise InvalidArgument("--order", args.order, "must be from 1 to 4")
    lr = momentum = None
    if args.lr is not None:
        lr = _number(args.lr, "--lr")
        momentum = _number(args.momentum, "--momentum")
        if not lr > 0:
            raise InvalidArgument("--lr", args.lr, "must be positive")
        if not 0 <= momentum < 1:
            raise InvalidArgument("--momentum", args.momentum, "must lie in [0, 1)",
                                  "momentum 1 is undamped: use --scheme symplectic-euler")
    step = _step(args.step)
    dynamics = system_from_args(args)
    flags = {**FLAGS, "dt": "--step", "lr": "--lr", "momentum": "--momentum",
             "scheme": "--scheme", "convention": "--convention", "order": "--order"}
    try:
        result = analyse_discrete(dynamics, args.scheme, dt=step, lr=lr, momentum=momentum,
                                  convention=args.convention, order=args.order)
    except InvalidArgument as exc:
        raise exc.renamed(flags) from exc
    payload = {"verdict": "computed", **result.to_dict()}
    # '<key>_exact' is the exact value of a number in every command's JSON; this flag says
    # whether the modified energy is an exact invariant (not a truncated series).
    payload["modified_energy_is_invariant"] = payload.pop("modified_energy_exact")
    return payload, str(result), 0
