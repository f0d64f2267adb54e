"""``inertia-verify prove``: run the claims catalogue."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
import unicodedata

from .._errors import InvalidArgument
from ..catalogue import run_claims

ORDER = 20

#: The overall verdict of a run, worst first: the first of these that some claim has.
SEVERITY = ("error", "refuted", "inconclusive", "verified", "proved")
#: The overall verdicts --strict turns into exit status 1 ('error' is exit status 3 anyway).
NEGATIVE = ("refuted", "inconclusive")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "prove", help="run the claims catalogue (all claims, or the ids given)",
        description="Check the claims of the papers: each gets a verdict (proved, verified, "
                    "inconclusive or refuted) and the evidence for it.  A claim that cannot be "
                    "checked (its check() raises, or returns a refutation without a counterexample "
                    "and a corrected statement, or its module does not load) gets its own row "
                    "with verdict 'error' and the reason; the others still run, and the exit "
                    "status is 3.  JSON: one object, 'verdict' the worst verdict of the claims "
                    "(error, refuted, inconclusive, verified, proved, in that order; 'proved' "
                    "for no claims), 'counts' and 'claims'; --strict fails on refuted and "
                    "inconclusive.",
    )
    parser.add_argument("ids", nargs="*", metavar="CLAIM_ID",
                        help="claim ids, e.g. karagoz2025/thm1; 'karagoz2025/*' selects a prefix")
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="also load claims from the *.py modules in DIR (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--verbose", action="store_true",
                        help="every claim in full: statement, corrected statement, evidence "
                             "(the table shortens statements to the terminal's width)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: verdict, counts and the claims")
    parser.add_argument("--report", metavar="FILE.md|FILE.html", default=None,
                        help="also write a review report: Markdown with its figures in a folder "
                             "beside it, or one self-contained HTML file (figures embedded)")
    parser.add_argument("--figures-dir", metavar="DIR", default=None,
                        help="where a Markdown report's PNG figures go (default: FILE-figures/ "
                             "next to the report)")
    parser.set_defaults(handler=run)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: combining marks take none (θ̈ is one column), wide
    East Asian characters two.

    Examples
    --------
    >>> display_width("θ̈ + γθ̇"), len("θ̈ + γθ̇")
    (6, 8)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (an ellipsis marks the cut), padded to ``width``; a
    combining mark stays with its letter.

    Examples
    --------
    >>> fit("θ̈ + γθ̇ = 0", 6) + "|"
    'θ̈ + γ…|'
    >>> fit("ok", 4) + "|"
    'ok  |'
    """
    text = " ".join(text.split())
    if display_width(text) > width:
        out, used = "", 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out, used = out + ch, used + w
        # Marks that belong to the last kept letter.
        rest = text[len(out):]
        while rest and display_width(rest[0]) == 0:
            out, rest = out + rest[0], rest[1:]
        text = out + "…"
    return text + " " * (width - display_width(text))


def plural(n: int, word: str) -> str:
    """``1 claim``, ``2 claims``.

    Examples
    --------
    >>> plural(1, "claim"), plural(0, "claim")
    ('1 claim', '0 claims')
    """
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def overall_verdict(counts: dict[str, int]) -> str:
    """The worst verdict that some claim has (:data:`SEVERITY`); ``proved`` for no claims."""
    return next((v for v in SEVERITY if counts.get(v)), "proved")


def table(report, width: int | None = None) -> str:
    """The claims as a table fitted to ``width`` columns (the terminal's by default)."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    results = list(report.results)
    id_width = min(max([display_width("claim")] + [display_width(r.claim.id) for r in results]), 40)
    verdict_width = max([display_width("verdict")] + [display_width(r.verdict) for r in results])
    statement_width = max(width - id_width - verdict_width - 4, 20)
    lines = [f"{fit('claim', id_width)}  {fit('verdict', verdict_width)}  statement",
             f"{'-' * id_width}  {'-' * verdict_width}  {'-' * min(statement_width, 60)}"]
    for r in results:
        lines.append(f"{fit(r.claim.id, id_width)}  {fit(r.verdict, verdict_width)}  "
                     f"{fit(r.claim.statement, statement_width).rstrip()}")
    return "\n".join(lines)


def verbose(report, width: int | None = None) -> str:
    """Every claim in full, wrapped (never cut)."""
    width = max(width or shutil.get_terminal_size((100, 24)).columns, 40)
    blocks = []
    for r in report.results:
        lines = [f"{r.claim.id}: {r.verdict}"]

        def field(name: str, text: str) -> None:
            wrapped = textwrap.wrap(" ".join(str(text).split()), width,
                                    initial_indent=f"  {name:<10} ", subsequent_indent=" " * 13)
            lines.extend(wrapped or [f"  {name}"])

        field("paper:", r.claim.paper)
        field("statement:", r.claim.statement)
        if r.outcome is None:
            field("error:", r.error or "")
        else:
            if r.outcome.corrected:
                field("corrected:", r.outcome.corrected)
            for line in r.outcome.evidence:
                field("evidence:", line)
            if r.outcome.counterexample:
                point = ", ".join(f"{k} = {v}" for k, v in r.outcome.counterexample.items())
                field("counter-", f"example: {point}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def summary(report) -> str:
    counts = report.counts()
    parts = [f"{n} {k}" if k != "error" else f"{n} could not be checked"
             for k, n in counts.items()]
    text = ", ".join(parts) + f" ({plural(len(report.results), 'claim')})"
    failed = [f"\nerror: {r.claim.id}: {r.error}" for r in report.errors]
    return text + "".join(failed)


def _claim_json(result) -> dict:
    """A claim's row, its counterexample and data handed over as the check returned them (SymPy
    numbers included), so that the JSON writer gives each number its exact value beside it."""
    row = result.to_dict()
    if result.outcome is not None:
        row["counterexample"] = result.outcome.counterexample
        row["data"] = dict(result.outcome.data or {})
    return row


def run(args: argparse.Namespace):
    def progress(index: int, total: int, claim) -> None:
        print(f"[{index + 1}/{total}] {claim.id} ...", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json or not sys.stderr.isatty()
    if args.figures_dir is not None and args.report is None:
        raise InvalidArgument("--figures-dir", args.figures_dir, "only makes sense with --report",
                              "add --report FILE.md")
    report = run_claims(args.ids, paths=args.path, progress=None if quiet else progress)
    text = (verbose(report) if args.verbose else table(report)) + "\n\n" + summary(report)
    if args.report is not None:
        from ..catalogue._report import write_report

        try:
            path, figures, note = write_report(report, args.report, figures_dir=args.figures_dir)
        except InvalidArgument as exc:
            raise exc.renamed({"report": "--report", "figures_dir": "--figures-dir"}) from exc
        text += (f"\n\nreport written to {path}"
                 + (f" with {plural(len(figures), 'figure')}" if figures else ""))
        if note:
            print(f"inertia-verify prove: warning: {note}", file=sys.stderr)
        elif args.json:
            print(f"report written to {path}", file=sys.stderr)
    counts = report.counts()
    verdict = overall_verdict(counts)
    payload = {"verdict": verdict, "counts": counts,
               "claims": [_claim_json(r) for r in report.results]}
    status = 3 if report.errors else (1 if verdict in NEGATIVE else 0)
    return payload, text, status
