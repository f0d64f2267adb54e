"""``inertia-verify inequality``: prove or refute an inequality, with a certificate or witness."""

from __future__ import annotations

import argparse

import sympy

from .._errors import InvalidArgument
from .._expressions import parse_names
from .._inequalities import parse_relation, prove_inequality
from ._common import add_json

ORDER = 15


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "inequality", help="prove or refute an inequality (certificate or exact witness)",
        description="Decide an inequality for every real value of its variables (and of any "
                    "other name in it, read as a parameter), under optional assumptions. "
                    "'proved' comes with a certificate re-checked exactly (a weighted sum of "
                    "squares, times assumptions); 'refuted' with an exact rational point; "
                    "'numerically verified' states its evidence.  JSON 'verdict': proved, "
                    "numerically verified, refuted or inconclusive; --strict fails on refuted and "
                    "inconclusive.",
    )
    parser.add_argument("--expr", required=True, metavar="'A >= B'",
                        help="the inequality, with one of >=, <=, >, <, e.g. 'x**2 + 1 >= 2*x'")
    parser.add_argument("--vars", required=True, metavar="NAMES",
                        help="the variables, e.g. x,y (both signs and any size unless assumed)")
    parser.add_argument("--assume", default=None, metavar="'R1, R2, ...'",
                        help="assumptions separated by commas, e.g. 'x >= 0, y <= 1, "
                             "x**2 + y**2 <= 1' (parameters too: 'gamma >= 0')")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the witness search (default 0)")
    parser.add_argument("--no-trust-z3", dest="trust_z3", action="store_false",
                        help="report z3's exact 'no violating point' as numerically verified "
                             "instead of proved (z3's answer is not re-checked by the toolkit)")
    add_json(parser)
    parser.set_defaults(handler=run)


def split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses and brackets (``Max(x, y) >= 0, x <= 1``)."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def run(args: argparse.Namespace):
    names = parse_names(args.vars, argument="--vars")
    symbols = {n: sympy.Symbol(n, real=True) for n in names}
    lhs, op, rhs = parse_relation(args.expr, argument="--expr", symbols=symbols)
    assume = []
    if args.assume is not None:
        for part in split_top_level(args.assume):
            if not part.strip():
                raise InvalidArgument("--assume", args.assume, "contains an empty assumption",
                                      "separate assumptions by single commas")
            assume.append(parse_relation(part, argument="--assume", symbols=symbols))
    try:
        verdict = prove_inequality(lhs, op, rhs, assume=assume, seed=args.seed,
                                   trust_z3=args.trust_z3)
    except InvalidArgument as exc:
        if exc.argument == "assume":  # show the assumptions as the user wrote them
            raise InvalidArgument("--assume", args.assume, exc.problem, exc.fix) from exc
        raise exc.renamed({"assume": "--assume", "expr": "--expr", "lhs": "--expr",
                           "rhs": "--expr", "seed": "--seed"}) from exc
    used = set().union(lhs.free_symbols, rhs.free_symbols,
                       *[a.free_symbols | c.free_symbols for a, _, c in assume])
    parameters = sorted(s.name for s in used if s.name not in symbols)
    payload = {**verdict.to_dict(), "variables": list(names), "parameters": parameters,
               "assumptions": [f"{a} {o} {c}" for a, o, c in assume]}
    payload.pop("status", None)  # the same as 'verdict': one outcome key
    lines = [f"inequality: {verdict.relation}",
             f"domain:     {verdict.domain}",
             f"verdict:    {verdict.status} ({verdict.method})"]
    if parameters:
        lines.append(f"parameters: {', '.join(parameters)} (quantified like the variables)")
    cert = verdict.certificate
    if cert is not None and cert.get("terms"):
        offset = cert.get("offset", 0)
        squares = " + ".join(
            f"{c}" + ("" if g == 1 else f"*({g})") + f"*({lin})**2" for c, g, lin in cert["terms"])
        lines.append(f"certificate: f {'- ' + str(offset) + ' ' if offset else ''}= {squares}")
        lines.append("             (re-checked exactly; each multiplier is 1 or an assumption "
                     ">= 0)")
    elif cert is not None:
        lines.append(f"certificate: {cert.get('identity', cert.get('kind'))}")
    if verdict.counterexample is not None:
        ce = dict(verdict.counterexample)
        value = ce.pop("value")
        lines.append("witness:    " + ", ".join(f"{k} = {v}" for k, v in ce.items())
                     + f"  (lhs - rhs = {value}, exact)")
    if verdict.reason:
        lines.append(f"evidence:   {verdict.reason}" if verdict.holds else
                     f"reason:     {verdict.reason}")
    if verdict.zero_set is not None:
        lines.append("equality:   exactly where " + ", ".join(f"{z} = 0" for z in verdict.zero_set))
    return payload, "\n".join(lines), 0 if verdict.holds else 1
