"""``inertia-verify prove``: run the claims catalogue."""

from __future__ import annotations

import argparse
import sys

from .._errors import InvalidArgument
from ..catalogue import run_claims


ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "prove", help="run the claims catalogue (all claims, or the ids given)",
        description="Check the claims of the papers: each gets a verdict (proved, verified or "
                    "refuted) and the evidence for it.  A claim that cannot be checked (its "
                    "check() raises, or returns a refutation without a counterexample and a "
                    "corrected statement, or its module does not load) gets its own row with "
                    "verdict 'error' and the reason; the others still run.  Exit status 0 when "
                    "every claim got a verdict (a refutation is a finding), 1 when some claim "
                    "could not be checked, 2 for bad input.",
    )
    parser.add_argument("ids", nargs="*", metavar="CLAIM_ID",
                        help="claim ids, e.g. karagoz2025/thm1; 'karagoz2025/*' selects a prefix")
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="also load claims from the *.py modules in DIR (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of {id, verdict, evidence, ...}")
    parser.add_argument("--report", metavar="FILE.md", default=None,
                        help="also write a Markdown report of the claims, with the paper's "
                             "figures embedded (figures need matplotlib)")
    parser.add_argument("--figures-dir", metavar="DIR", default=None,
                        help="where the report's PNG figures go (default: FILE-figures/ next to "
                             "the report)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace):
    def progress(index: int, total: int, claim) -> None:
        print(f"[{index + 1}/{total}] {claim.id} ...", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json or not sys.stderr.isatty()
    if args.figures_dir is not None and args.report is None:
        raise InvalidArgument("--figures-dir", args.figures_dir, "only makes sense with --report",
                              "add --report FILE.md")
    report = run_claims(args.ids, paths=args.path, progress=None if quiet else progress)
    text = str(report)
    if args.report is not None:
        from ..catalogue._report import write_report

        try:
            path, figures, note = write_report(report, args.report, figures_dir=args.figures_dir)
        except InvalidArgument as exc:
            raise exc.renamed({"report": "--report"}) from exc
        text += f"\n\nreport written to {path}" + (f" with {len(figures)} figure(s)" if figures else "")
        if note:
            print(f"inertia-verify prove: warning: {note}", file=sys.stderr)
        elif args.json:
            print(f"report written to {path}", file=sys.stderr)
    return report.to_list(), text, 1 if report.errors else 0
