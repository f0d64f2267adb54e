"""A claim of a paper, the statement the toolkit establishes, and the outcome of checking it."""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import InertiaVerifyError, InvalidArgument
from .._prover import Verdict

__all__ = ["Claim", "Outcome", "ClaimResult", "VERDICTS", "ERROR", "outcome_from_verdicts"]

#: The verdicts a claim can get, strongest first.
VERDICTS = ("proved", "verified", "inconclusive", "refuted")
#: What a claim's row says when it could not be checked (its check raised, returned something
#: that is not a valid Outcome, or its module could not be loaded): no verdict, and why.
ERROR = "error"


@dataclass(frozen=True)
class Outcome:
    """What checking a claim found.

    Attributes
    ----------
    verdict : {"proved", "verified", "inconclusive", "refuted"}
        ``proved``: every part was shown exactly; ``verified``: some part rests on numerical
        evidence (stated in ``evidence``); ``inconclusive``: some part could be neither shown nor
        refuted (the evidence says why); ``refuted``: the claim as the paper states it is false,
        see ``counterexample`` and ``corrected``.
    evidence : list of str
        Lines a reader can follow and rerun: derivations, methods, tolerances, seeds.
    data : dict
        Machine-readable details (JSON-serialisable).
    corrected : str or None
        The statement that does hold, for a refuted claim.
    counterexample : dict or None
        Where the claim as stated fails, for a refuted claim.

    Examples
    --------
    >>> Outcome("proved", ["x**2 >= 0: a square"]).evidence
    ('x**2 >= 0: a square',)
    >>> Outcome("refuted", ["x = 1 fails"])
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'verdict' = 'refuted': a refutation needs a
    counterexample and a corrected statement (missing: counterexample and corrected); return
    Outcome('refuted', evidence, counterexample={...}, corrected='the statement that does hold')
    """

    verdict: str
    evidence: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict)
    corrected: str | None = None
    counterexample: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise InvalidArgument("verdict", self.verdict, f"must be one of {VERDICTS}")
        if self.verdict == "refuted" and not (self.corrected and self.counterexample):
            missing = " and ".join(name for name, value in (("counterexample", self.counterexample),
                                                             ("corrected", self.corrected))
                                   if not value)
            raise InvalidArgument("verdict", self.verdict,
                                  "a refutation needs a counterexample and a corrected statement "
                                  f"(missing: {missing})",
                                  "return Outcome('refuted', evidence, counterexample={...}, "
                                  "corrected='the statement that does hold')")
        object.__setattr__(self, "evidence", tuple(self.evidence))


def outcome_from_verdicts(parts: Iterable[tuple[str, Verdict]], *, extra: Iterable[str] = (),
                          corrected: str | None = None) -> Outcome:
    """Combine prover verdicts of the parts of a claim into one outcome.

    All parts proved gives ``proved``; any refuted part gives ``refuted`` (its counterexample is
    kept); otherwise any inconclusive part gives ``inconclusive``; otherwise ``verified``.

    Parameters
    ----------
    parts : iterable of (str, Verdict)
        Each part's label and the prover's verdict on it.
    extra : iterable of str
        More lines of evidence, after the parts'.
    corrected : str, optional
        The statement that does hold; needed when a part is refuted.

    Returns
    -------
    Outcome
        Its ``data`` holds each part's verdict as a dict, under its label.

    Examples
    --------
    >>> import sympy
    >>> from inertia_verify import prove_zero
    >>> x = sympy.Symbol("x")
    >>> outcome = outcome_from_verdicts([("square", prove_zero((x + 1)**2 - x**2 - 2*x - 1))])
    >>> outcome.verdict, outcome.evidence
    ('proved', ('square: proved (expand)',))
    >>> outcome_from_verdicts([("wrong", prove_zero(x**2 - x))], corrected="x² = x at 0, 1").verdict
    'refuted'
    """
    parts = list(parts)
    evidence = [f"{label}: {verdict}" for label, verdict in parts] + list(extra)
    data = {label: verdict.to_dict() for label, verdict in parts}
    refuted = [(label, v) for label, v in parts if v.refuted]
    if refuted:
        label, verdict = refuted[0]
        return Outcome("refuted", evidence, data, corrected=corrected,
                       counterexample={"part": label, **(verdict.counterexample or {})})
    if any(v.inconclusive for _, v in parts):
        return Outcome("inconclusive", evidence, data)
    status = "proved" if all(v.proved for _, v in parts) else "verified"
    return Outcome(status, evidence, data)


@dataclass(frozen=True)
class Claim:
    """One entry of the claims catalogue.

    Parameters
    ----------
    id : str
        The id from the claims sheet, e.g. ``"karagoz2025/thm1"``.
    paper : str
        The claim as the paper states it.
    statement : str
        The precise statement the toolkit establishes, with its conditions.
    check : callable returning Outcome
        Does the work; must be deterministic (fixed seeds).
    expect : str, optional
        The verdict the catalogue's own test suite expects (a regression guard, not an input to
        the check).

    Examples
    --------
    >>> import sympy
    >>> from inertia_verify import prove_zero
    >>> def check():
    ...     x = sympy.Symbol("x")
    ...     return outcome_from_verdicts([("identity", prove_zero(sympy.expand((x + 1)**2)
    ...                                                            - x**2 - 2*x - 1))])
    >>> claim = Claim(id="mine/square", paper="(x+1)^2 = x^2 + 2x + 1",
    ...               statement="the same, for every real x", check=check)
    >>> claim.run().verdict
    'proved'
    """

    id: str
    paper: str
    statement: str
    check: Callable[[], Outcome]
    expect: str | None = None

    def __post_init__(self) -> None:
        if not self.id or "/" not in self.id:
            raise InvalidArgument("id", self.id, "must look like 'source/name'",
                                  "e.g. 'karagoz2025/thm1' or 'mine/energy-bound'")
        if self.expect is not None and self.expect not in VERDICTS:
            raise InvalidArgument("expect", self.expect, f"must be one of {VERDICTS}")

    def run(self) -> ClaimResult:
        """Check the claim and time it.

        Raises
        ------
        InertiaVerifyError
            When the check raises or does not return an :class:`Outcome` (naming the claim, the
            exception and where it was raised); :meth:`run_or_report` makes that a result row.
        """
        start = time.perf_counter()
        try:
            outcome = self.check()
        except Exception as exc:  # a bug in a claim module: say which claim, keep the cause
            raise InertiaVerifyError(
                f"claim {self.id!r}: its check() raised {type(exc).__name__}: {exc}"
                f"{_where(exc)}"
            ) from exc
        if not isinstance(outcome, Outcome):
            raise InvalidArgument("check", self.id, f"returned {type(outcome).__name__}",
                                  "a claim's check() must return an Outcome")
        return ClaimResult(self, outcome, time.perf_counter() - start)

    def run_or_report(self) -> ClaimResult:
        """:meth:`run`, with a failure of the check reported as a result with verdict
        :data:`ERROR` (and the reason in ``error``) instead of raised: one broken claim does not
        stop the others.

        Examples
        --------
        >>> bad = Claim(id="mine/bad", paper="", statement="", check=lambda: 1 / 0)
        >>> result = bad.run_or_report()
        >>> result.verdict, "ZeroDivisionError" in result.error
        ('error', True)
        """
        start = time.perf_counter()
        try:
            return self.run()
        except InertiaVerifyError as exc:
            return ClaimResult(self, None, time.perf_counter() - start, error=str(exc))


@dataclass(frozen=True)
class ClaimResult:
    """A claim together with its outcome.

    Attributes
    ----------
    claim : Claim
        The claim checked.
    outcome : Outcome or None
        ``None`` when the claim could not be checked (then ``error`` says why).
    seconds : float
        How long the check took.
    error : str or None
        Why the claim could not be checked (verdict :data:`ERROR`).

    Examples
    --------
    >>> claim = Claim(id="mine/trivial", paper="0 = 0", statement="0 = 0",
    ...               check=lambda: Outcome("proved", ["0 - 0 is 0"]))
    >>> result = claim.run()
    >>> result.verdict, result.evidence, result.error
    ('proved', ('0 - 0 is 0',), None)
    """

    claim: Claim
    outcome: Outcome | None
    seconds: float
    error: str | None = None

    @property
    def verdict(self) -> str:
        return ERROR if self.outcome is None else self.outcome.verdict

    @property
    def evidence(self) -> tuple[str, ...]:
        """The outcome's evidence, or the reason the claim could not be checked."""
        return (self.error or "",) if self.outcome is None else self.outcome.evidence

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome
        return {
            "id": self.claim.id,
            "paper": self.claim.paper,
            "statement": self.claim.statement,
            "verdict": self.verdict,
            "evidence": list(self.evidence),
            "corrected": None if outcome is None else outcome.corrected,
            "counterexample": None if outcome is None else _jsonable(outcome.counterexample),
            "data": {} if outcome is None else _jsonable(outcome.data),
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }

    def __str__(self) -> str:
        lines = [f"{self.claim.id}: {self.verdict}", f"  paper:     {self.claim.paper}",
                 f"  statement: {self.claim.statement}"]
        if self.outcome is None:
            lines.append(f"  error:     {self.error}")
            return "\n".join(lines)
        lines += [f"  evidence:  {line}" for line in self.outcome.evidence]
        if self.outcome.corrected:
            lines.append(f"  corrected: {self.outcome.corrected}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Preferred by Jupyter over LaTeX: the statements are Unicode-rich (θ, ½, ‖·‖), which
        # \text{} in MathJax/KaTeX renders poorly and LaTeX export cannot typeset.
        import html

        rows = [("paper", self.claim.paper), ("statement", self.claim.statement),
                *((("error" if self.outcome is None else "evidence"), line)
                  for line in self.evidence)]
        if self.outcome is not None and self.outcome.corrected:
            rows.append(("corrected", self.outcome.corrected))
        body = "".join(f"<tr><th style='text-align:left'>{k}</th><td style='text-align:left'>"
                       f"{html.escape(v)}</td></tr>" for k, v in rows)
        return (f"<p><code>{html.escape(self.claim.id)}</code>: <b>{self.verdict}</b></p>"
                f"<table>{body}</table>")

    def _repr_latex_(self) -> str:
        from .._display import latex_text

        return (r"$\textbf{" + latex_text(self.claim.id) + r"}:\ \text{" + self.verdict + r"}"
                r"\quad \text{" + latex_text(self.claim.statement) + r"}$")


def _where(exc: BaseException) -> str:
    """`` (file.py, line N)``: where in the claim's own code the exception was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # The innermost frame outside this package: the claim author's line, even when the
    # exception came from a toolkit function it called (Outcome(...) refusing a bare refutation).
    outside = [f for f in frames if not f.filename.startswith("<")
               and not os.path.abspath(f.filename).startswith(package)]
    if not outside:
        return ""
    frame = outside[-1]
    return f" (at {os.path.basename(frame.filename)}, line {frame.lineno})"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
