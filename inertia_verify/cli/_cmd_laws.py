"""``inertia-verify laws count|find|check``: conservation laws of a model for every loss."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from ..laws import (MODELS, Model, builtin_model, check_law, count_laws, count_sign_laws,
                    find_laws, load_model)
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
        p = actions.add_parser(action, help=text, description=f"{text}.  {VERDICTS[action]}")
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--model", choices=MODELS, help="a built-in model")
        group.add_argument("--model-file", metavar="PATH",
                           help='a JSON (or .toml) file: {"parameters": "a,b", '
                                '"components": ["a*b"]}, or a block by its matrices: '
                                '{"matrices": {"Q": [3, 2], "K": [3, 2]}, "products": '
                                '["Q K^T"]} (also "neurons": [["U", "V"]] for a ReLU layer, '
                                '"centred": ["W"] for softmax), or {"model": "conv", '
                                '"widths": [2, 2, 3, 2]}')
        p.add_argument("--widths", metavar="N,N,...",
                       help="matrix sizes in product order: linear and relu n0,n1,...,nq "
                            "(outputs first, inputs last; relu: 3 widths give the two-layer "
                            "U (n×r), V (m×r), more the deep U1..Uq, at most 1000 parameters "
                            "and 2,000,000 paths); nmf n,r,m")
        flows = ["gradient", "momentum"] + (["sign"] if action == "count" else [])
        p.add_argument("--flow", choices=flows, default="gradient",
                       help="gradient: θ' = -M⁻¹∇ℓ(φ(θ)) with the metric M of --metric "
                            "(default); momentum: the heavy ball θ'' + τθ' = -∇ℓ(φ(θ)) with "
                            "the damping τ of --tau, laws h(t, θ, v) on the phase space (t, θ, "
                            "v = θ') of dimension 2D + 1"
                            + ("; sign: θ' = -sign(∇ℓ(φ(θ))), laws near a random integer "
                               "point (linear in |θ|; n_laws exact when evidence.exact, else an "
                               "upper bound)" if action == "count" else ""))
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


#: What each action's JSON 'verdict' can be, as its --help states it.
VERDICTS = {
    "count": "JSON 'verdict': computed (the count is an answer, never a failure; --strict "
             "does not fail).",
    "find": "JSON 'verdict': complete (the independent polynomial laws found are as many as "
            "the Lie-algebra count: they are all the laws, locally) or incomplete (fewer: some "
            "laws are not polynomial of this degree); neither is negative, --strict does not "
            "fail.",
    "check": "JSON 'verdict': proved, numerically verified (both: 'conserved' is true), "
             "refuted (a counterexample: the field along which h changes, the point and the "
             "derivative there) or inconclusive; --strict fails on refuted and inconclusive.",
}
#: The verdicts of 'laws check' that --strict turns into exit status 1.
NEGATIVE = ("refuted", "inconclusive")


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
        return load_model(args.model_file)
    return builtin_model(args.model, _widths(args.widths))


def run(args: argparse.Namespace):
    try:
        model = _model(args)
        options = dict(metric=args.metric, tau=args.tau)
        if args.flow == "sign":
            return _sign_count(model, args)
        if args.action == "count":
            result = count_laws(model, args.flow, seed=args.seed, **options)
            return {"verdict": "computed", "action": "count", **result.to_dict()}, str(result), 0
        if args.action == "find":
            result = find_laws(model, args.degree, args.flow, time_degree=args.time_degree,
                               seed=args.seed, **options)
            # The command always compares with the Lie count, so 'complete' is a bool here.
            verdict = "complete" if result.complete else "incomplete"
            return {"verdict": verdict, "action": "find", **result.to_dict()}, str(result), 0
        result = check_law(model, args.law, args.flow, seed=args.seed, **options)
        return _check_payload(result), str(result), int(result.verdict.status in NEGATIVE)
    except InvalidArgument as exc:
        raise exc.renamed(_FLAGS) from exc


def _sign_count(model: Model, args: argparse.Namespace):
    """``laws count --flow sign``: the count's keys, with the span of the sign vectors as the
    Lie rank (the fields are constant on a region, so no bracket adds to their span)."""
    for flag, value in (("--metric", args.metric), ("--tau", args.tau)):
        if value is not None:
            raise InvalidArgument(flag, value, "does not apply to --flow sign",
                                  f"drop {flag}")
    result = count_sign_laws(model, seed=args.seed)
    method = ("exact integer rank of the sign vectors sign(J(θ)ᵀg) realised at the point "
              + ("(all of them: N = 1)" if len(model.components) == 1
                 else "by random integer g (a lower bound on their span)"))
    payload = {"verdict": "computed", "action": "count", "model": model.to_dict(),
               "flow": "sign", "metric": "euclidean", "tau": None,
               "dimension": result.dimension, "lie_rank": result.rank,
               "n_laws": result.n_laws, "brackets": 0, "depth": 0,
               "laws": [str(h) for h in result.laws],
               "evidence": {"method": method, "seed": args.seed, "exact": result.exact,
                            "patterns": result.patterns, "point": list(result.point)}}
    return payload, str(result), 0


def _check_payload(result) -> dict:
    """The JSON of ``laws check``: the prover's status is the one outcome key, ``verdict``
    (it replaces the library's ``status``); the counterexample keeps its SymPy numbers so that
    the JSON writer gives numbers with their exact values beside them (``to_dict`` has them
    as text)."""
    payload = result.to_dict()
    del payload["status"]
    ce = result.counterexample
    if ce is not None:
        payload["counterexample"] = {"field": ce["field"], "value": ce["value"],
                                     "point": dict(ce["point"])}
    return {"verdict": result.verdict.status, "action": "check", **payload}
