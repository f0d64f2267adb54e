"""``inertia-verify quadratic``: the exact inertia for L = ½θᵀAθ with constant (matrix) damping."""

from __future__ import annotations

import argparse

import numpy as np

from .._errors import InvalidArgument
from .._expressions import parse_matrix, parse_scalar_or_matrix, parse_vector
from ._common import add_json, add_t_end, number, t_end_text

ORDER = 50


def _numeric(value, argument: str, text: str):
    if getattr(value, "free_symbols", None):
        names = ", ".join(sorted(s.name for s in value.free_symbols))
        raise InvalidArgument(argument, text, f"must be numeric (it contains {names})",
                              "write the numbers in, e.g. [[1,0],[0,2]]")
    try:
        if hasattr(value, "tolist"):
            return np.array(value.evalf().tolist(), dtype=float)
        return float(value)
    except TypeError as exc:
        raise InvalidArgument(argument, text, "must be real") from exc


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "quadratic", help="exact I(t) for L = ½θᵀAθ with constant matrix damping",
        description="For θ'' + Γθ' + M⁻¹Aθ = 0 the state solves z' = Bz; I(t) follows from "
                    "expm(Bt) exactly, and its asymptotic decay rate is -2 max Re λ(B).  JSON "
                    "'verdict' is always 'computed'.",
    )
    parser.add_argument("--hessian", required=True, metavar="MATRIX", help="A, e.g. [[1,0],[0,4]]")
    parser.add_argument("--damping", default="0", metavar="SCALAR|MATRIX",
                        help="γ or Γ (default 0)")
    parser.add_argument("--mass", default=None, metavar="MATRIX", help="M (default identity)")
    parser.add_argument("--theta0", required=True, metavar="NUMBERS",
                        help="initial θ, one number per coordinate, e.g. 1,0")
    parser.add_argument("--v0", required=True, metavar="NUMBERS",
                        help="initial velocity, one number per coordinate, e.g. 0,1")
    add_t_end(parser, "time at which to evaluate I")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    from ..numeric import quadratic_solution

    hessian = _numeric(parse_matrix(args.hessian, argument="--hessian", allowed_names=[]),
                       "--hessian", args.hessian)
    d = hessian.shape[0]
    damping = _numeric(parse_scalar_or_matrix(args.damping, argument="--damping",
                                              allowed_names=[]), "--damping", args.damping)
    mass = None if args.mass is None else _numeric(
        parse_matrix(args.mass, argument="--mass", allowed_names=[]), "--mass", args.mass)
    theta0 = parse_vector(args.theta0, argument="--theta0", length=d)
    v0 = parse_vector(args.v0, argument="--v0", length=d)
    t_text = t_end_text(args)
    t = number(t_text, "--t-end")
    if t < 0:
        raise InvalidArgument("--t-end", t_text, "must be non-negative")
    names = {"hessian": "--hessian", "damping": "--damping", "mass": "--mass",
             "theta0": "--theta0", "v0": "--v0"}
    try:
        solution = quadratic_solution(hessian, damping, theta0, v0, mass=mass)
    except InvalidArgument as exc:
        raise exc.renamed(names) from exc
    payload = {"verdict": "computed", **solution.to_dict(), "t_end": t, "theta0": list(theta0),
               "v0": list(v0),
               "inertia": float(solution.inertia_at([t])[0])}
    text = f"{solution}\nat t = {t:g}: I = {payload['inertia']:.15g}"
    return payload, text, 0
