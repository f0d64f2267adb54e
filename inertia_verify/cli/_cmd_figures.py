"""``inertia-verify figures``: regenerate the paper's figures as PNG files."""

from __future__ import annotations

import argparse
import sys

from ._common import add_json

ORDER = 80


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "figures", help="write the paper's figures as PNG (needs matplotlib)",
        description="Regenerate every figure the paper describes (section V, appendices A–E) and "
                    "the stochastic case, from the toolkit's own simulations and closed forms. "
                    'matplotlib is an optional extra: pip install "inertia-verify[plot]".  JSON '
                    "'verdict' is always 'written'.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the PNG files")
    # Names are checked by make_figures (exit 2 naming --only), so that building the parser for
    # any other command never imports the figure modules.
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                        help="just these figures: sec5-inertia, appA-phase-portraits, "
                             "appB-decay-rate, appC-trajectories-2d, appD-discrete-inertia, "
                             "appE-damped-envelope, eq7-stochastic-inertia")
    parser.add_argument("--dpi", type=int, default=120,
                        help="resolution in dots per inch (default 120)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    from .._errors import InvalidArgument
    from ..figures import FIGURES, make_figures

    def progress(index: int, total: int, spec) -> None:
        print(f"[{index + 1}/{total}] {spec.name} ...", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json
    try:
        paths = make_figures(args.out, args.only, dpi=args.dpi,
                             progress=None if quiet else progress)
    except InvalidArgument as exc:
        raise exc.renamed({"out_dir": "--out", "which": "--only", "dpi": "--dpi"}) from exc
    payload = {"verdict": "written", "out": str(args.out),
               "figures": [{"name": p.stem, "path": str(p), "title": FIGURES[p.stem].title,
                            "claims": list(FIGURES[p.stem].claims)} for p in paths]}
    text = "\n".join(f"wrote {p}" for p in paths)
    return payload, text, 0
