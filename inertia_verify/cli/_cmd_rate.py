"""``inertia-verify rate``: the worst-case rate of a method over a class of losses (PEPit)."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from .._rates import METHODS, METRICS, worst_case_rate
from ._common import add_json

ORDER = 17


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rate", help="worst-case ratio after n steps over mu-strongly convex smooth losses",
        description="The largest (L(θ_n) - L*)/(L(θ_0) - L*) (--metric loss) or (I_n - L*)/"
                    "(I_0 - L*) (--metric inertia: I_k = L(θ_k) + |θ_k - θ_(k-1)|²/(2·lr), "
                    "θ_(-1) = θ_0) over every mu-strongly convex, smoothness-smooth loss in any "
                    "dimension: a semidefinite program (performance estimation) solved by "
                    "PEPit.  'worst_case' is the solver's dual bound, 'solver_accuracy' its "
                    "primal/dual gap; 'quadratic_lower_bound' an exact lower bound from 1-D "
                    "quadratics.  heavy-ball-ode (θ̈ + γθ̇ + ∇L = 0, --gamma γ, default 2√mu): "
                    "the best τ with dV/dt <= τV over the class, V = I - L* (--metric inertia) "
                    "or L - L* + ½|√mu(θ - θ*) + θ̇|² (--metric lyapunov).  JSON 'verdict': "
                    "computed.",
    )
    parser.add_argument("--method", required=True, metavar="|".join(METHODS),
                        help="the iteration: " + ", ".join(METHODS))
    parser.add_argument("--mu", default="1", metavar="M",
                        help="strong convexity mu >= 0 (0: smooth convex; default 1)")
    parser.add_argument("--smoothness", default="25", metavar="S",
                        help="smoothness (Lipschitz constant of the gradient) >= mu (default 25)")
    parser.add_argument("--lr", default=None, metavar="A",
                        help="step size (default 1/smoothness; heavy ball: Polyak's tuning)")
    parser.add_argument("--momentum", default=None, metavar="B",
                        help="momentum in [0, 1) (heavy-ball, nesterov; default: the "
                             "method's tuning from mu and smoothness)")
    parser.add_argument("--gamma", default=None, metavar="G",
                        help="gradient descent's step (PEPit's name; the same as --lr), or the "
                             "damping of heavy-ball-ode")
    parser.add_argument("--steps", default="5", metavar="N", help="iterations n (default 5)")
    parser.add_argument("--metric", default=None, metavar="|".join(METRICS),
                        help="loss (default) or inertia; heavy-ball-ode: inertia or lyapunov")
    add_json(parser)
    parser.set_defaults(handler=run)


_FLAGS = {"method": "--method", "mu": "--mu", "smoothness": "--smoothness", "lr": "--lr",
          "momentum": "--momentum", "iterations": "--steps", "metric": "--metric"}


def run(args: argparse.Namespace):
    lr = args.lr
    if args.gamma is not None:
        if args.method not in ("gradient-descent", "heavy-ball-ode"):
            raise InvalidArgument("--gamma", args.gamma, f"is a step of gradient descent or the "
                                  f"damping of heavy-ball-ode, not a parameter of {args.method}",
                                  "give --lr and --momentum instead")
        if lr is not None:
            raise InvalidArgument("--gamma", args.gamma, "repeats --lr", "give only one")
        lr = args.gamma
    try:
        steps = int(args.steps)
    except ValueError as exc:
        raise InvalidArgument("--steps", args.steps, "must be an integer", "e.g. 5") from exc
    metric = args.metric or ("lyapunov" if args.method == "heavy-ball-ode" else "loss")
    try:
        result = worst_case_rate(args.method, mu=args.mu, smoothness=args.smoothness, lr=lr,
                                 momentum=args.momentum, iterations=steps, metric=metric)
    except InvalidArgument as exc:
        renamed = exc.renamed(_FLAGS)
        if args.gamma is not None and exc.argument == "lr":
            renamed = exc.renamed({"lr": "--gamma"})
        raise renamed from exc
    acc = result.solver_accuracy
    if result.method == "heavy-ball-ode":
        lines = [f"method:      heavy-ball ODE, damping gamma = {result.lr}",
                 f"class:       {result.mu}-strongly convex, {result.smoothness}-smooth losses",
                 "metric:      best tau with dV/dt <= tau*V, V = "
                 + ("I - L*" if result.metric == "inertia"
                    else "L - L* + |sqrt(mu)(θ - θ*) + θ'|²/2"),
                 f"worst case:  {result.worst_case:.8g}  (SDP dual bound; primal "
                 f"{result.primal:.8g}, gap {acc['absolute_gap']:.1e}, solver {acc['solver']})",
                 "verdict:     computed"]
        lines += [f"note:        {n}" for n in result.notes]
        return result.to_dict(), "\n".join(lines), 0
    lines = [f"method:      {result.method} (lr = {result.lr}, momentum = {result.momentum})",
             f"class:       {result.mu}-strongly convex, {result.smoothness}-smooth losses",
             f"metric:      {result.metric} ratio after {result.iterations} steps",
             f"worst case:  {result.worst_case:.8g}  (SDP dual bound; primal "
             f"{result.primal:.8g}, gap {acc['absolute_gap']:.1e}, solver {acc['solver']})",
             f"quadratics:  >= {float(result.quadratic_lower_bound):.8g} (exact: "
             f"{result.quadratic_lower_bound})",
             "verdict:     computed"]
    lines += [f"note:        {n}" for n in result.notes]
    return result.to_dict(), "\n".join(lines), 0
