"""A review report of the catalogue: something to attach to a review of the papers.

Markdown (figures in a folder beside it, relative links) or one self-contained HTML file (figures
embedded as base64).  It says what was checked and with what: the papers cited (authors, title,
venue, arXiv id), the toolkit's version and git commit when available, the versions of Python,
SymPy, NumPy, SciPy and mpmath, and the date.  Per claim: the paper's words, the precise statement
the toolkit establishes, the verdict, the evidence, the command that reruns it, the corrected
statement of a refutation, and the figures that illustrate it.  Counterexamples are printed in
full in an appendix.
"""

from __future__ import annotations

import base64
import datetime
import html
import os
import platform
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from .._errors import InertiaVerifyError, InvalidArgument, MissingExtra
from ._registry import CatalogueReport

__all__ = ["report_markdown", "report_html", "write_report", "provenance", "PAPERS"]

#: The papers the catalogue checks, by the prefix of their claim ids (as the project's reference
#: sheet cites them; an arXiv id only where the sheet gives one).
PAPERS = {
    "karagoz2025": {"authors": "Karagöz", "year": 2025,
                    "title": "Computational Inertia as a Conserved Quantity in Frictionless and "
                             "Damped Learning Dynamics", "venue": "preprint", "arxiv": "2505.19171"},
    "marcotte2023": {"authors": "Marcotte, Gribonval, Peyré", "year": 2023,
                     "title": "Abide by the Law and Follow the Flow: Conservation Laws for Gradient "
                              "Flows", "venue": "NeurIPS 2023", "arxiv": None},
    "marcotte2024": {"authors": "Marcotte, Gribonval, Peyré", "year": 2024,
                     "title": "Keep the Momentum: Conservation Laws beyond Euclidean Gradient Flows",
                     "venue": "ICML 2024", "arxiv": None},
    "marcotte2025": {"authors": "Marcotte, Peyré, Gribonval", "year": 2025,
                     "title": "Transformative or Conservative? Conservation Laws for ResNets and "
                              "Transformers", "venue": "ICML 2025", "arxiv": "2506.06194"},
}

#: The prover's pointer to a Python attribute, replaced by a pointer into the appendix.
_ATTRIBUTE_POINTER = re.compile(r"\((\d+) coordinates in \.counterexample\)")


def _git_commit() -> str | None:
    """The commit of the checkout the package runs from (``+dirty`` with local changes), or
    ``None`` when it is not a git checkout or git is missing."""
    folder = Path(__file__).resolve().parents[2]
    if not (folder / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=folder, capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "") if commit else None


def provenance() -> dict[str, str | None]:
    """What produced a report: toolkit version and commit, library versions, date, platform.

    Examples
    --------
    >>> info = provenance()
    >>> sorted(info)  # doctest: +NORMALIZE_WHITESPACE
    ['commit', 'date', 'inertia-verify', 'mpmath', 'numpy', 'platform', 'python', 'scipy',
     'sympy']
    """
    import mpmath
    import numpy
    import scipy
    import sympy

    from .. import __version__

    return {"inertia-verify": __version__, "commit": _git_commit(),
            "python": platform.python_version(), "sympy": sympy.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "mpmath": mpmath.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "platform": platform.platform(terse=True)}


def _papers_cited(claim_ids: Iterable[str]) -> list[tuple[str, dict]]:
    prefixes = {claim_id.split("/")[0] for claim_id in claim_ids}
    return [(key, paper) for key, paper in PAPERS.items() if key in prefixes]


def _citation(paper: dict) -> str:
    arxiv = f", arXiv {paper['arxiv']}" if paper["arxiv"] else ""
    return f"{paper['authors']} ({paper['year']}). {paper['title']}. {paper['venue']}{arxiv}."


def rerun_command(claim) -> str:
    """The command that reruns one claim (a Claim or an id); a claim loaded from a user folder
    gets the ``--path`` of that folder."""
    claim_id = getattr(claim, "id", claim)
    module = sys.modules.get(getattr(getattr(claim, "check", None), "__module__", "") or "")
    where = getattr(module, "__file__", None)
    if where and module.__name__.startswith("inertia_verify_user_claims."):
        return f"inertia-verify prove {claim_id} --path {shlex.quote(str(Path(where).parent))}"
    return f"inertia-verify prove {claim_id}"


def _counterexamples(results) -> list:
    """The results with a counterexample, in report order (the appendix)."""
    return [r for r in results if r.outcome is not None and r.outcome.counterexample]

_MARKDOWN_SPECIAL = "\\`*_[]<>|#"


def _escape(text: str) -> str:
    r"""Plain text for Markdown: characters that would start emphasis, links, tables or HTML
    are escaped (``θ_{k+1}`` must not turn italic).

    Examples
    --------
    >>> _escape("θ_{k+1} = θ_k * 2 | <b>")
    'θ\\_{k+1} = θ\\_k \\* 2 \\| \\<b\\>'
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def _anchor(claim_id: str) -> str:
    return claim_id.replace("/", "-").lower()


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), Path(base).resolve())).as_posix()


def report_markdown(report: CatalogueReport, *, figures: Mapping[str, Path] | None = None,
                    base: str | Path = ".", figures_note: str | None = None,
                    title: str = "Claims catalogue report") -> str:
    """The Markdown text of a report.

    Parameters
    ----------
    report : CatalogueReport
        From :func:`~inertia_verify.run_claims`.
    figures : mapping of figure name to PNG path, optional
        Figures to embed (see :mod:`inertia_verify.figures`); each goes under the claims it
        illustrates, and those that illustrate no claim of the report go in a final section.
    base : path
        The folder the report will be written to; figure links are relative to it.
    figures_note : str, optional
        Said instead of the figures when they could not be made (e.g. matplotlib missing).
    title : str
        The first heading.

    Returns
    -------
    str
        The Markdown text: a summary table, then one section per claim with its evidence.

    Examples
    --------
    >>> from inertia_verify import run_claims
    >>> text = report_markdown(run_claims(["karagoz2025/thm1"]))
    >>> print(text.splitlines()[0])
    # Claims catalogue report
    >>> "## karagoz2025/thm1: proved" in text
    True
    """
    from ..figures import FIGURES

    figures = dict(figures or {})
    unknown = sorted(set(figures) - set(FIGURES))
    if unknown:
        raise InvalidArgument("figures", unknown, "are not figure names",
                              f"choose among {', '.join(FIGURES)}")
    results = list(report.results)
    counts = report.counts()
    info = provenance()
    appendix = {r.claim.id: i + 1 for i, r in enumerate(_counterexamples(results))}

    lines = [f"# {title}", "",
             f"Generated by inertia-verify {info['inertia-verify']} on {info['date']}: "
             f"{len(results)} claim{'' if len(results) == 1 else 's'}, "
             + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".", ""]
    papers = _papers_cited(r.claim.id for r in results)
    if papers:
        lines += ["## Papers", ""]
        lines += [f"- **{key}**: {_escape(_citation(paper))}" for key, paper in papers]
        lines.append("")
    lines += ["## Provenance", "",
              "| | |", "|---|---|"]
    lines += [f"| {name} | {_escape(value or 'not available (not a git checkout)')} |"
              for name, value in info.items()]
    lines += ["", "Rerun everything with `inertia-verify prove --report review.md` (or one claim "
              "with the command under it).", ""]
    lines += [
             "Verdicts: **proved** — every part shown exactly; **verified** — some part rests on "
             "stated numerical evidence; **inconclusive** — some part could be neither shown nor "
             "refuted (the evidence says why); **refuted** — the claim as the paper states it is false, "
             "with a counterexample and the corrected statement.", ""]
    if figures_note:
        lines += [f"> {figures_note}", ""]
    lines += ["| claim | verdict | what is established |", "|---|---|---|"]
    for r in results:
        statement = r.claim.statement if len(r.claim.statement) <= 140 \
            else r.claim.statement[:139] + "…"
        lines.append(f"| [{_escape(r.claim.id)}](#{_anchor(r.claim.id)}) | **{r.verdict}** | "
                     f"{_escape(statement)} |")
    lines.append("")

    placement = _place_figures([r.claim.id for r in results], figures)
    for r in results:
        outcome = r.outcome
        lines += [f'<a id="{_anchor(r.claim.id)}"></a>', "",
                  f"## {r.claim.id}: {r.verdict}", "",
                  f"**The paper says.** {_escape(r.claim.paper)}", "",
                  f"**The toolkit establishes.** {_escape(r.claim.statement)}", "",
                  f"**Verdict: {r.verdict}** (checked in {r.seconds:.2f} s).", "",
                  f"**Rerun.** `{rerun_command(r.claim)}`", ""]
        if outcome is None:
            lines += [f"**Could not be checked.** {_escape(r.error or '')}", ""]
            continue
        number = appendix.get(r.claim.id)
        if outcome.verdict == "refuted":
            point = ", ".join(f"{k} = {v}" for k, v in (outcome.counterexample or {}).items())
            if len(point) > 300:
                point = point[:300] + "…"
            lines += [f"**Counterexample.** {_escape(point)}"
                      + (f" (in full: [Appendix A.{number}](#appendix-{number}))" if number else ""),
                      "", f"**Corrected statement.** {_escape(outcome.corrected)}", ""]
        elif number:
            lines += [f"**Counterexample data** in [Appendix A.{number}](#appendix-{number}).", ""]
        lines += ["**Evidence.**", ""]
        lines += [f"- {_escape(_pointer(line, number))}" for line in outcome.evidence]
        lines.append("")
        for name in placement.get(r.claim.id, []):
            lines += _figure_lines(FIGURES[name], figures[name], base)
    rest = placement.get(None, [])
    if rest:
        lines += ["## Other figures", ""]
        for name in rest:
            lines += _figure_lines(FIGURES[name], figures[name], base)
    with_points = _counterexamples(results)
    if with_points:
        lines += ["## Appendix A: counterexamples in full", ""]
        for i, r in enumerate(with_points, 1):
            lines += [f'<a id="appendix-{i}"></a>', "",
                      f"### A.{i} {r.claim.id} ({r.verdict})", "", "```text"]
            lines += _point_lines(r.outcome.counterexample)
            lines += ["```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _pointer(line: str, number: int | None) -> str:
    """An evidence line without pointers to Python attributes."""
    where = f"Appendix A.{number}" if number else "the appendix"
    return _ATTRIBUTE_POINTER.sub(lambda m: f"({m.group(1)} coordinates in full in {where})", line)


def _point_lines(point: Mapping, indent: str = "") -> list[str]:
    """Every entry of a counterexample, in full (nested mappings indented)."""
    lines = []
    for key, value in point.items():
        if isinstance(value, Mapping):
            lines.append(f"{indent}{key}:")
            lines += _point_lines(value, indent + "  ")
        else:
            lines.append(f"{indent}{key} = {value}")
    return lines


def _place_figures(claim_ids: list[str], figures: Mapping[str, Path]) -> dict:
    """Each figure once: under the first of its claims (in the figure's own order, the most
    relevant first) that is in the report, or an id's generalisation (``id-...``) when the id
    itself is absent; ``None`` collects the rest."""
    from ..figures import FIGURES

    placement: dict = {}
    for name, spec in FIGURES.items():
        if name not in figures:
            continue
        target = next((c for c in spec.claims if c in claim_ids), None)
        if target is None:
            target = next((i for c in spec.claims for i in claim_ids if i.startswith(c + "-")), None)
        placement.setdefault(target, []).append(name)
    return placement


def _figure_lines(spec, path: Path, base: str | Path) -> list[str]:
    link = _relative(Path(path), Path(base))
    return [f"![{_escape(spec.title)}]({link})", "",
            f"*Figure {spec.name}.* {_escape(spec.caption)}", ""]


def write_report(report: CatalogueReport, path: str | Path, *, figures_dir: str | Path | None = None,
                 figures: bool | Iterable[str] = True) -> tuple[Path, list[Path], str | None]:
    """Write the report: Markdown with its figures in a folder beside it, or one self-contained
    HTML file with its figures embedded.

    Parameters
    ----------
    report : CatalogueReport
    path : path
        The ``.md`` or ``.html`` file to write (its folder is created).
    figures_dir : path, optional
        Markdown only: where the PNG files go; by default ``<report folder>/<report name>-figures``.
    figures : bool or iterable of figure names
        ``True``: the figures that illustrate the claims in the report;
        ``False``: none; or an explicit list of names.

    Returns
    -------
    (Path, list of Path, str or None)
        The report, the figure files written beside it (none for HTML), and the note put in the
        report when figures could not be made (matplotlib missing), else ``None``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from inertia_verify import run_claims
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path, pngs, note = write_report(run_claims(["karagoz2025/thm1"]),
    ...                                     pathlib.Path(folder) / "review.md")
    ...     path.name, pngs, note
    ('review.md', [], None)
    """
    import tempfile

    from ..figures import FIGURES, figures_for_claim, make_figures

    path = Path(path)
    if path.exists() and path.is_dir():
        raise InvalidArgument("report", str(path), "is a folder",
                              "give a file name such as review.md or review.html")
    kind = path.suffix.lower()
    if kind not in (".md", ".markdown", ".html", ".htm"):
        raise InvalidArgument("report", str(path), "does not end in .md or .html",
                              "give a file name such as review.md (figures in a folder beside it) "
                              "or review.html (one self-contained file)")
    is_html = kind in (".html", ".htm")
    if is_html and figures_dir is not None:
        raise InvalidArgument("figures_dir", str(figures_dir),
                              "does not apply to an HTML report (its figures are embedded)",
                              "leave it out, or write a .md report")
    path.parent.mkdir(parents=True, exist_ok=True)
    if figures is True:
        wanted = {spec.name for r in report.results for spec in figures_for_claim(r.claim.id)}
        names = [n for n in FIGURES if n in wanted]
    elif figures is False:
        names = []
    else:
        names = list(figures)
    with tempfile.TemporaryDirectory() as scratch:
        # An HTML report embeds its figures: they are drawn in a scratch folder and removed.
        folder = (Path(scratch) if is_html else Path(figures_dir) if figures_dir is not None
                  else path.parent / f"{path.stem}-figures")
        written, note = [], None
        if names:
            try:
                written = make_figures(folder, names)
            except MissingExtra as exc:  # matplotlib missing: the verdicts still stand
                note = f"The figures were not generated: {exc}"
            except InvalidArgument:
                raise
            except InertiaVerifyError as exc:
                note = f"The figures were not generated: {exc}"
        shown = {p.stem: p for p in written}
        if is_html:
            text = report_html(report, figures=shown, figures_note=note)
            written = []
        else:
            text = report_markdown(report, figures=shown, base=path.parent, figures_note=note)
        path.write_text(text, encoding="utf-8")
    return path, written, note


_HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; background: #f4f4f4; }
pre { padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
img { max-width: 100%; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
blockquote { border-left: 4px solid #e0a000; margin: 1rem 0; padding: 0.2rem 1rem; }
"""


def _inline_html(text: str, images: Mapping[str, str]) -> str:
    """The inline Markdown this module writes (escapes, **bold**, *italic*, `code`, links,
    images) as HTML; an image whose target is in ``images`` is embedded as a data URI."""
    out, i = [], 0
    token = re.compile(r"\\(.)|`([^`]*)`|!\[((?:\\.|[^\]])*)\]\(([^)]+)\)|\[((?:\\.|[^\]])*)\]"
                       r"\(([^)]+)\)|\*\*((?:\\.|[^*])+)\*\*|\*((?:\\.|[^*])+)\*")
    for m in token.finditer(text):
        out.append(html.escape(text[i:m.start()]))
        i = m.end()
        escaped, code, alt, src, label, href, bold, italic = m.groups()
        if escaped is not None:
            out.append(html.escape(escaped))
        elif code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
        elif src is not None:
            source = images.get(src, src)
            out.append(f'<img src="{html.escape(source)}" alt="{_inline_html(alt, {})}">')
        elif href is not None:
            out.append(f'<a href="{html.escape(href)}">{_inline_html(label, images)}</a>')
        elif bold is not None:
            out.append(f"<strong>{_inline_html(bold, images)}</strong>")
        else:
            out.append(f"<em>{_inline_html(italic, images)}</em>")
    out.append(html.escape(text[i:]))
    return "".join(out)


def _cells(row: str) -> list[str]:
    cells, current, k = [], "", 0
    body = row.strip().strip("|")
    while k < len(body):
        if body[k] == "\\" and k + 1 < len(body):
            current += body[k:k + 2]
            k += 2
            continue
        if body[k] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += body[k]
        k += 1
    cells.append(current.strip())
    return cells


def markdown_to_html(text: str, images: Mapping[str, str] | None = None,
                     title: str = "Claims catalogue report") -> str:
    """One self-contained HTML page from the Markdown :func:`report_markdown` writes (headings,
    paragraphs, lists, tables, code blocks, quotes, anchors, images).

    Examples
    --------
    >>> page = markdown_to_html("# T\\n\\n**a** \\\\* b\\n\\n- x\\n")
    >>> "<h1>T</h1>" in page and "<strong>a</strong> * b" in page and "<li>x</li>" in page
    True
    """
    images = dict(images or {})
    body: list[str] = []
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if not line.strip():
            k += 1
        elif line.startswith("```"):
            block = []
            k += 1
            while k < len(lines) and not lines[k].startswith("```"):
                block.append(lines[k])
                k += 1
            body.append(f"<pre>{html.escape(chr(10).join(block))}</pre>")
            k += 1
        elif re.match(r"^#{1,6} ", line):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_inline_html(line[level + 1:], images)}</h{level}>")
            k += 1
        elif re.match(r'^<a id="[^"]+"></a>$', line):
            body.append(line)  # an anchor this module wrote
            k += 1
        elif line.startswith("|"):
            rows = []
            while k < len(lines) and lines[k].startswith("|"):
                rows.append(lines[k])
                k += 1
            header, rest = _cells(rows[0]), [r for r in rows[2:]]
            cells = "".join(f"<th>{_inline_html(c, images)}</th>" for c in header)
            body.append(f"<table><thead><tr>{cells}</tr></thead><tbody>")
            for r in rest:
                body.append("<tr>" + "".join(f"<td>{_inline_html(c, images)}</td>"
                                             for c in _cells(r)) + "</tr>")
            body.append("</tbody></table>")
        elif line.startswith("- "):
            body.append("<ul>")
            while k < len(lines) and lines[k].startswith("- "):
                body.append(f"<li>{_inline_html(lines[k][2:], images)}</li>")
                k += 1
            body.append("</ul>")
        elif line.startswith("> "):
            body.append(f"<blockquote>{_inline_html(line[2:], images)}</blockquote>")
            k += 1
        else:
            paragraph = []
            while k < len(lines) and lines[k].strip() and not re.match(r"^(#|```|\||- |> |<a id)",
                                                                        lines[k]):
                paragraph.append(lines[k])
                k += 1
            body.append(f"<p>{_inline_html(' '.join(paragraph), images)}</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_HTML_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def report_html(report: CatalogueReport, *, figures: Mapping[str, Path] | None = None,
                figures_note: str | None = None,
                title: str = "Claims catalogue report") -> str:
    """The report as one self-contained HTML page: the same content as :func:`report_markdown`,
    with every figure embedded as a base64 PNG (no file beside it).

    Examples
    --------
    >>> from inertia_verify import run_claims
    >>> page = report_html(run_claims(["karagoz2025/thm1"]))
    >>> page.startswith("<!DOCTYPE html>") and "karagoz2025/thm1: proved" in page
    True
    """
    figures = dict(figures or {})
    base = Path(".")
    text = report_markdown(report, figures=figures, base=base, figures_note=figures_note,
                           title=title)
    images = {}
    for path in figures.values():
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        images[_relative(Path(path), base)] = f"data:image/png;base64,{data}"
    return markdown_to_html(text, images, title=title)
