"""Pages generated when the documentation is built (see conf.py): one per command, the claims
catalogue with its verdicts, the tutorials copied from examples/."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

#: Set to "list" to list the claims without running them (a quick build).
CATALOGUE_MODE = "INERTIA_VERIFY_DOCS_CATALOGUE"


def _write(path: Path, text: str) -> None:
    """Write only when the text changed, so that Sphinx rebuilds only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, name: str = "inertia-verify"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield f"{name} {sub_name}", sub
                yield from ((n, p) for n, p in _commands(sub, f"{name} {sub_name}"))


def command_pages(out: Path) -> None:
    from inertia_verify.cli import SCHEMA_COMMANDS, build_parser, schema

    parser = build_parser()
    top = [(n, p) for n, p in _commands(parser) if n.count(" ") == 1]
    index = ["# Commands", "",
             "Every command prints readable text, or one JSON object with `--json`; the exit "
             "status follows one rule for all of them (below).  Each page shows the command's "
             "`--help` and, where there is one, the JSON Schema of its output.", "",
             "```{toctree}", ":maxdepth: 1", ""]
    index += [n.split()[1] for n, _ in top] + ["```", ""]
    from inertia_verify.cli import EXIT_STATUS

    index += ["## Exit status", "", EXIT_STATUS, ""]
    _write(out / "index.md", "\n".join(index))
    for name, sub in top:
        command = name.split()[1]
        lines = [f"# `{command}`", "", _escape((sub.description or sub.format_usage()).strip()), "",
                 "```text", sub.format_help().rstrip(), "```", ""]
        for child_name, child in _commands(sub, name):
            lines += [f"## `{child_name}`", "", "```text", child.format_help().rstrip(), "```",
                      ""]
        if command in SCHEMA_COMMANDS:
            lines += ["## JSON output", "",
                      f"`inertia-verify {command} --json` prints one object that validates "
                      f"against this schema (shipped as `inertia_verify/cli/schemas/"
                      f"{command}.json`; `inertia_verify.cli.schema(\"{command}\")` loads it):",
                      "", "```json", json.dumps(schema(command), indent=2, ensure_ascii=False),
                      "```", ""]
        _write(out / f"{command}.md", "\n".join(lines))


def _escape(text: str) -> str:
    """Plain text in Markdown: ``E[I](t)`` is not a link, ``θ_k * 2`` not emphasis."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#$" else ch for ch in str(text))


def _cell(text: str) -> str:
    return _escape(" ".join(str(text).split()))


def catalogue_page(out: Path) -> None:
    from inertia_verify import discover_claims, run_claims

    quick = os.environ.get(CATALOGUE_MODE) == "list"
    lines = ["# The claims catalogue", ""]
    if quick:
        claims = discover_claims()
        claims = list(claims.values()) if isinstance(claims, dict) else list(claims)
        lines += [f"{len(claims)} claims; this build lists them without running them "
                  f"({CATALOGUE_MODE}=list).  `inertia-verify prove` gives the verdicts.", "",
                  "| claim | statement |", "|---|---|"]
        lines += [f"| `{c.id}` | {_cell(c.statement)} |" for c in claims]
    else:
        report = run_claims()
        counts = ", ".join(f"{n} {k}" for k, n in report.counts().items())
        lines += [f"The verdicts of this build ({len(report.results)} claims: {counts}), as "
                  "`inertia-verify prove` gives them; [what a verdict means](../verdicts.md).",
                  "", "| claim | verdict | statement |", "|---|---|---|"]
        lines += [f"| `{r.claim.id}` | **{r.verdict}** | {_cell(r.claim.statement)} |"
                  for r in report.results]
        lines += ["", "## Evidence", ""]
        for r in report.results:
            lines += [f"### `{r.claim.id}`: {r.verdict}", "",
                      f"**The paper says.** {_cell(r.claim.paper)}", "",
                      f"**Rerun.** `inertia-verify prove {r.claim.id}`", ""]
            if r.outcome is not None and r.outcome.corrected:
                lines += [f"**Corrected statement.** {_cell(r.outcome.corrected)}", ""]
            lines += [f"- {_cell(e)}" for e in r.evidence[:8]]
            if len(r.evidence) > 8:
                lines.append(f"- … {len(r.evidence) - 8} more lines: `inertia-verify prove "
                             f"{r.claim.id} --verbose`")
            lines.append("")
    _write(out / "catalogue.md", "\n".join(lines) + "\n")


def tutorial_pages(out: Path, examples: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for notebook in sorted(examples.glob("*.ipynb")):
        target = out / notebook.name
        if not target.exists() or target.read_bytes() != notebook.read_bytes():
            shutil.copyfile(notebook, target)


def generate(docs: Path) -> None:
    out = docs / "generated"
    command_pages(out / "commands")
    catalogue_page(out)
    tutorial_pages(out / "tutorials", docs.parent / "examples")
