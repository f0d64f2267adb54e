"""Finding claims (the built-in ``proofs/`` folder and the user's own folders) and running them."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .._display import latex_text, text_table
from .._errors import InvalidArgument
from ._claim import ERROR, VERDICTS, Claim, ClaimResult, _where

__all__ = ["discover_claims", "run_claims", "CatalogueReport", "claims_in_module"]


def claims_in_module(module: ModuleType) -> list[Claim]:
    """The claims a module declares: ``CLAIM`` (one) or ``CLAIMS`` (a list)."""
    found = []
    if isinstance(getattr(module, "CLAIM", None), Claim):
        found.append(module.CLAIM)
    found += [c for c in getattr(module, "CLAIMS", ()) if isinstance(c, Claim)]
    return found


def _builtin_modules() -> list[ModuleType]:
    from .. import proofs

    return [importlib.import_module(f"{proofs.__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(proofs.__path__), key=lambda i: i.name)
            if not info.name.startswith("_")]


def _user_modules(folder: Path, failures: list[tuple[Path, InvalidArgument]] | None = None
                  ) -> list[ModuleType]:
    if not folder.is_dir():
        raise InvalidArgument("--path", str(folder), "is not a folder",
                              "give a folder that holds claim modules (*.py defining CLAIM)")
    modules = []
    for file in sorted(folder.glob("*.py")):
        if file.name.startswith("_"):
            continue
        name = f"inertia_verify_user_claims.{file.stem}_{abs(hash(str(file.resolve())))}"
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            # The user's own claim file, run like a test module: this is their code, not text.
            spec.loader.exec_module(module)
        except Exception as exc:  # report which file failed and why, not a bare traceback
            error = InvalidArgument("--path", str(file),
                                    f"could not be loaded: {exc!r}{_where(exc)}",
                                    "fix the claim module (see README: writing your own claim)")
            if failures is None:
                raise error from exc
            failures.append((file, error))
            continue
        modules.append(module)
    return modules


def discover_claims(paths: Iterable[str | Path] = (), *, builtin: bool = True,
                    failures: list[tuple[Path, InvalidArgument]] | None = None) -> list[Claim]:
    """All claims: the built-in catalogue and those in the given folders, in a stable order.

    A module of a folder that cannot be loaded raises :class:`InvalidArgument`, or, when a
    ``failures`` list is given, is appended to it as ``(file, error)`` and skipped.

    Parameters
    ----------
    paths : iterable of str or Path
        Folders of the user's own claim modules (each module defines ``CLAIM`` or ``CLAIMS``).
    builtin : bool
        Include the built-in catalogue of ``proofs/``.
    failures : list, optional
        Collects ``(file, error)`` for the modules that cannot be loaded, instead of raising.

    Returns
    -------
    list of Claim
        Sorted by id (numbers within ids in numeric order).

    Examples
    --------
    >>> ids = [c.id for c in discover_claims()]
    >>> "karagoz2025/thm1" in ids
    True
    """
    modules = _builtin_modules() if builtin else []
    for path in paths:
        modules += _user_modules(Path(path), failures)
    claims: dict[str, Claim] = {}
    for module in modules:
        for claim in claims_in_module(module):
            if claim.id in claims:
                raise InvalidArgument("claim id", claim.id, f"is declared twice (again in {module.__name__})",
                                      "give every claim its own id")
            claims[claim.id] = claim
    return sorted(claims.values(), key=lambda c: _sort_key(c.id))


def _sort_key(claim_id: str) -> tuple:
    # Natural order: eq2 before eq10, and the paper's ids before their generalisations.
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", claim_id))


def _select(claims: Sequence[Claim], ids: Sequence[str]) -> list[Claim]:
    if not ids:
        return list(claims)
    chosen = []
    for wanted in ids:
        if wanted.endswith("*"):
            matches = [c for c in claims if c.id.startswith(wanted[:-1])]
        else:
            # An id also selects its generalisations: "karagoz2025/eq4" runs "…/eq4-anisotropic".
            matches = [c for c in claims if c.id == wanted or c.id.startswith(wanted + "-")]
        if not matches:
            known = ", ".join(c.id for c in claims)
            raise InvalidArgument("CLAIM_ID", wanted, "is not in the catalogue", f"known ids: {known}")
        chosen += [c for c in matches if c not in chosen]
    return chosen


@dataclass(frozen=True)
class CatalogueReport:
    """The results of running (part of) the catalogue; renders as a table.

    Attributes
    ----------
    results : tuple of ClaimResult
        One per claim run, and one per module that could not be loaded.

    Examples
    --------
    >>> from inertia_verify.catalogue import Claim, Outcome
    >>> claim = Claim(id="mine/trivial", paper="0 = 0", statement="0 = 0",
    ...               check=lambda: Outcome("proved", ["0 - 0 is 0"]))
    >>> report = CatalogueReport((claim.run(),))
    >>> report.counts()
    {'proved': 1, 'verified': 0, 'inconclusive': 0, 'refuted': 0}
    >>> report.errors
    ()
    """

    results: tuple[ClaimResult, ...]

    def counts(self) -> dict[str, int]:
        """Claims per verdict (``error``, for claims that could not be checked, only if any)."""
        out = {verdict: 0 for verdict in VERDICTS}
        for r in self.results:
            out[r.verdict] = out.get(r.verdict, 0) + 1
        return out

    @property
    def errors(self) -> tuple[ClaimResult, ...]:
        """The claims that could not be checked (verdict ``error``)."""
        return tuple(r for r in self.results if r.verdict == ERROR)

    def to_list(self) -> list[dict]:
        return [r.to_dict() for r in self.results]

    def __str__(self) -> str:
        rows = [[r.claim.id, r.claim.statement, r.verdict,
                 (r.outcome is not None and r.outcome.corrected
                  and f"corrected: {r.outcome.corrected}")
                 or (r.evidence[0] if r.evidence else "")]
                for r in self.results]
        table = text_table(["id", "statement", "verdict", "evidence"], rows, widths=[30, 60, 8, 70])
        counts = self.counts()
        summary = ", ".join(f"{n} {k}" if k != ERROR else f"{n} could not be checked"
                            for k, n in counts.items()) + f" ({len(self.results)} claims)"
        # The table shortens long cells: the reasons of the failed rows in full.
        failed = [f"{r.claim.id}: {r.error}" for r in self.errors]
        return table + "\n\n" + summary + "".join(f"\nerror: {line}" for line in failed)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td><code>{html.escape(r.claim.id)}</code></td><td>{html.escape(r.claim.statement)}</td>"
            f"<td><b>{r.verdict}</b></td><td>{html.escape('; '.join(r.evidence[:2]))}</td></tr>"
            for r in self.results)
        return ("<table><thead><tr><th>id</th><th>statement</th><th>verdict</th><th>evidence</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>")

    def _repr_latex_(self) -> str:
        rows = r"\\ ".join(rf"\texttt{{{latex_text(r.claim.id)}}} & \text{{{r.verdict}}}"
                           for r in self.results)
        return r"$\begin{array}{ll}" + rows + r"\end{array}$"


def run_claims(ids: Sequence[str] = (), *, paths: Iterable[str | Path] = (),
               progress: Callable[[int, int, Claim], None] | None = None) -> CatalogueReport:
    """Run the selected claims (all when ``ids`` is empty) and collect their results.

    ``ids`` are exact ids, ``prefix*`` patterns, or an id whose generalisations (``id-...``)
    should run too.  A claim that cannot be checked (its check raises or returns no valid
    :class:`Outcome`, or its module in ``paths`` cannot be loaded) gets its own row with verdict
    ``error`` and the reason; the other claims still run.

    Parameters
    ----------
    ids : sequence of str
        The claims to run; empty for all.
    paths : iterable of str or Path
        Folders of the user's own claim modules, searched besides the built-in catalogue.
    progress : callable, optional
        Called as ``progress(index, total, claim)`` before each claim runs.

    Returns
    -------
    CatalogueReport

    Examples
    --------
    >>> report = run_claims(["karagoz2025/eq4"])
    >>> [(r.claim.id, r.verdict) for r in report.results][:2]
    [('karagoz2025/eq4', 'proved'), ('karagoz2025/eq4-anisotropic', 'proved')]
    """
    failures: list[tuple[Path, InvalidArgument]] = []
    found = discover_claims(paths, failures=failures)
    try:
        claims = _select(found, list(ids))
    except InvalidArgument as exc:
        if not failures:
            raise
        broken = "; ".join(f"{file} could not be loaded" for file, _ in failures)
        raise InvalidArgument(exc.argument, exc.value, f"{exc.problem} ({broken})",
                              exc.fix) from exc
    results = [_unloadable(file, error) for file, error in failures]
    for index, claim in enumerate(claims):
        if progress is not None:
            progress(index, len(claims), claim)
        results.append(claim.run_or_report())
    return CatalogueReport(tuple(results))


def _unloadable(file: Path, error: InvalidArgument) -> ClaimResult:
    """The row of a claim module that could not be loaded (its claims are unknown)."""
    def never_run():  # pragma: no cover - the row is built without running anything
        raise error

    claim = Claim(id=file.as_posix() if "/" in file.as_posix() else f"./{file.name}",
                  paper="(the claims of this module)", statement="(module could not be loaded)",
                  check=never_run)
    return ClaimResult(claim, None, 0.0, error=str(error))
