"""``inertia-verify laws count|find|check``: conservation laws of a model for every loss."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from ..laws import MODELS, Model, builtin_model, check_law, count_laws, find_laws
from ._common import add_json

ORDER = 70

_FLAGS = {"widths": "--widths", "model": "--model", "tau": "--tau", "metric": "--metric",
          "flow": "--flow", "law": "--law", "degree": "--degree", "time_degree": "--time-degree",
          "model file": "--model-file"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "laws", help="count, find or check the conservation laws of a model (every loss)",
        description="Conservation laws of gradient and momentum flows of a model φ, valid for "
                    "every loss ℓ(φ(θ)) (Marcotte, Gribonval, Peyré 2023, 2024).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    helps = {"count": "the number of independent laws, D − dim Lie(W)(θ)",
             "find": "the polynomial laws up to a degree, compared with the count",
             "check": "whether a given expression is conserved for every loss"}
    for action, text in helps.items():
        p = actions.add_parser(action, help=text, description=text)
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--model", choices=MODELS, help="a built-in model")
        group.add_argument("--model-file", metavar="PATH",
                           help='a JSON (or .toml) file: {"parameters": "a,b", '
                                '"components": ["a*b"]}')
        p.add_argument("--widths", metavar="N,N,...",
                       help="matrix sizes in product order: linear and relu n0,n1,...,nq "
                            "(outputs first, inputs last; relu: 3 widths give the two-layer "
                            "U (n×r), V (m×r), more the deep U1..Uq, at most 1000 parameters "
                            "and 2,000,000 paths); nmf n,r,m")
        p.add_argument("--flow", choices=["gradient", "momentum"], default="gradient")
        p.add_argument("--tau", metavar="T", default=None,
                       help="momentum damping: a constant >= 0 (default 0) or c/t such as 3/t")
        p.add_argument("--metric", choices=["euclidean", "mirror"], default=None,
                       help="default: euclidean (mirror for nmf)")
        p.add_argument("--seed", type=int, default=0, help="seed of the random points")
        if action == "find":
            p.add_argument("--degree", type=int, default=2, help="largest degree (default 2)")
            p.add_argument("--time-degree", type=int, default=None,
                           help="momentum: largest power of e^{τt} or t")
        if action == "check":
            p.add_argument("--law", required=True, metavar="EXPR",
                           help="h(θ), or h(t, θ, v) for momentum (velocities v_<name>, "
                                "w_<name> for the mirror metric)")
        add_json(p)
        p.set_defaults(handler=run)


def _widths(text: str | None) -> list[int]:
    if text is None:
        raise InvalidArgument("--widths", text, "is required with --model", "e.g. --widths 3,2,4")
    parts = [p.strip() for p in text.split(",")]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise InvalidArgument("--widths", text, "must be integers separated by commas",
                              "e.g. --widths 3,2,4") from None


def _model(args: argparse.Namespace) -> Model:
    if args.model_file:
        if args.widths is not None:
            raise InvalidArgument("--widths", args.widths, "does not apply to --model-file",
                                  "drop --widths")
        return Model.from_file(args.model_file)
    return builtin_model(args.model, _widths(args.widths))


def run(args: argparse.Namespace):
    try:
        model = _model(args)
        options = dict(metric=args.metric, tau=args.tau)
        if args.action == "count":
            result = count_laws(model, args.flow, seed=args.seed, **options)
            return result.to_dict(), str(result), 0
        if args.action == "find":
            result = find_laws(model, args.degree, args.flow, time_degree=args.time_degree,
                               seed=args.seed, **options)
            return result.to_dict(), str(result), 0
        result = check_law(model, args.law, args.flow, seed=args.seed, **options)
        return result.to_dict(), str(result), 0 if result.conserved else 1
    except InvalidArgument as exc:
        raise exc.renamed(_FLAGS) from exc
