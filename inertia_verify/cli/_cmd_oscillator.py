"""``inertia-verify oscillator``: the exact damped oscillator, its inertia and decay rate."""

from __future__ import annotations

import argparse

import sympy

from .._errors import InvalidArgument
from .._expressions import parse_expression
from ._common import add_json, add_t_end, t_end_text

ORDER = 40


def exact_number(text: str, argument: str) -> sympy.Expr:
    """A number from user text, kept exact (``2``, ``1/2``, ``sqrt(2)``) through the parser."""
    value = parse_expression(text, argument=argument, allowed_names=[])
    if value.free_symbols or not value.is_real:
        raise InvalidArgument(argument, text, "must be a real number", "e.g. 0.5 or sqrt(2)")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "oscillator", help="exact solution of θ'' + γθ' + ω²θ = 0, its inertia and decay rate",
        description="Solve the damped harmonic oscillator exactly (SymPy, all regimes) and give "
                    "I(t) = ½θ'² + ½ω²θ², its value at T_END, and its asymptotic decay rate.  "
                    "JSON: numbers as numbers, each exact value beside it in '<key>_exact'; "
                    "'verdict' is always 'computed'.",
    )
    parser.add_argument("--omega", required=True, metavar="W",
                        help="the frequency ω ≥ 0, exact: 2, 1/2, sqrt(2)")
    parser.add_argument("--gamma", required=True, metavar="G",
                        help="the damping γ ≥ 0, exact: 2, 1/2, sqrt(2)")
    parser.add_argument("--theta0", default="1", metavar="A", help="θ(0) (default 1)")
    parser.add_argument("--v0", default="0", metavar="B", help="θ'(0) (default 0)")
    add_t_end(parser, "time at which to evaluate θ, θ' and I")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    from ..symbolic import oscillator_solution

    omega = exact_number(args.omega, "--omega")
    gamma = exact_number(args.gamma, "--gamma")
    for flag, value in (("--omega", omega), ("--gamma", gamma)):
        if value.is_negative:
            raise InvalidArgument(flag, str(value), "must be non-negative")
    t_text = t_end_text(args)
    t = exact_number(t_text, "--t-end")
    if t.is_negative:
        raise InvalidArgument("--t-end", t_text, "must be non-negative")
    solution = oscillator_solution(omega, gamma, exact_number(args.theta0, "--theta0"),
                                   exact_number(args.v0, "--v0"))
    at = {solution.t: t}
    values = {name: float(sympy.N(expr.subs(at), 30)) for name, expr in
              (("theta", solution.theta), ("velocity", solution.velocity),
               ("inertia", solution.inertia))}
    payload = {
        "verdict": "computed",
        "omega": omega, "gamma": gamma, "theta0": solution.theta0,
        "v0": solution.v0, "t_end": t, "regime": solution.regime,
        "inertia": values["inertia"], "theta_at_t": values["theta"],
        "velocity_at_t": values["velocity"],
        "decay_rate": solution.decay_rate,
        "expression": str(solution.inertia), "theta": str(solution.theta),
    }
    text = (f"{solution}\nat t = {float(t):g}: theta = {values['theta']:.15g}, "
            f"v = {values['velocity']:.15g}, I = {values['inertia']:.15g}")
    return payload, text, 0
