"""``inertia-verify prove``: run the claims catalogue."""

from __future__ import annotations

import argparse
import sys

from ..catalogue import run_claims


ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "prove", help="run the claims catalogue (all claims, or the ids given)",
        description="Check the claims of the papers: each gets a verdict (proved, verified or "
                    "refuted) and the evidence for it.",
    )
    parser.add_argument("ids", nargs="*", metavar="CLAIM_ID",
                        help="claim ids, e.g. karagoz2025/thm1; 'karagoz2025/*' selects a prefix")
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="also load claims from the *.py modules in DIR (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of {id, verdict, evidence, ...}")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    def progress(index: int, total: int, claim) -> None:
        print(f"[{index + 1}/{total}] {claim.id} ...", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json or not sys.stderr.isatty()
    report = run_claims(args.ids, paths=args.path, progress=None if quiet else progress)
    return report.to_list(), str(report), 0
