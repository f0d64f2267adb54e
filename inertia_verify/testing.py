"""One-line assertions for a user's own test suite.

Each function proves something about a system (or runs a claim of the catalogue) and raises an
``AssertionError`` when it fails, with the counterexample in the message, so that a failing test
says *where* the identity breaks, not just that it does::

    from inertia_verify import Dynamics
    from inertia_verify.testing import assert_conserved, assert_rate

    def test_my_loss_conserves_inertia():
        assert_conserved(Dynamics.from_text("x**4 - x**2 + y**2", "x,y"))

    def test_my_damping_dissipates():
        dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
        assert_rate(dyn, "-gamma*v_x**2")

A statement that the prover could only check numerically ("numerically verified") passes by
default; ``strict=True`` demands an exact proof.  Bad input (a string that does not parse, a
quantity in unknown names) raises :class:`~inertia_verify.InvalidArgument`, not an
``AssertionError``: a broken test is not a failed claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sympy

from ._dynamics import Dynamics
from ._errors import InvalidArgument
from ._validation import as_dynamics
from ._prover import Verdict, prove_equal, prove_zero
from .catalogue import Claim, ClaimResult, VERDICTS, discover_claims
from .symbolic import inertia as _inertia
from .symbolic import inertia_rate

__all__ = ["assert_conserved", "assert_rate", "assert_claim"]


def _names(dynamics: Dynamics) -> dict[str, sympy.Symbol]:
    """The names a quantity may use: coordinates, velocities, parameters and t."""
    names = {s.name: s for s in (*dynamics.coordinates, *dynamics.velocities, *dynamics.parameters)}
    names[dynamics.time.name] = dynamics.time
    return names


def _expression(value: object, dynamics: Dynamics, argument: str) -> sympy.Expr:
    """A sympy expression from the caller: text goes through the restricted parser, in the
    system's own symbols (so ``"v_x"`` is the velocity of ``x``), and unknown names are errors."""
    if isinstance(value, str):
        from ._expressions import parse_expression

        names = _names(dynamics)
        functions = sorted({f.func.__name__ for f in dynamics.loss.atoms(sympy.core.function.AppliedUndef)})
        return parse_expression(value, argument=argument, symbols=names, allowed_names=list(names),
                                functions=functions or None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sympy.sympify(value)  # a Python number, not text
    if isinstance(value, sympy.Expr) and not isinstance(value, sympy.MatrixBase):
        return value
    raise InvalidArgument(argument, value, "must be a scalar sympy expression, a number or text",
                          "e.g. '-gamma*v_x**2' or sympy.Symbol('x')**2")


def _quantity(dynamics: Dynamics, quantity: object, kinetic: str) -> tuple[sympy.Expr, str]:
    if quantity is None:
        return _inertia(dynamics, kinetic=kinetic), "the inertia I"
    expr = _expression(quantity, dynamics, "quantity")
    return expr, f"the quantity {expr}"


def _failure(what: str, verdict: Verdict, details: Iterable[str] = ()) -> AssertionError:
    lines = [what, f"  verdict: {verdict}"]
    if verdict.counterexample:
        point = ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items() if k != "value")
        lines.append(f"  counterexample: at {point or 'every point'} the difference equals "
                     f"{verdict.counterexample.get('value')}")
    lines += [f"  {line}" for line in details]
    return AssertionError("\n".join(lines))


def _accept(verdict: Verdict, strict: bool, what: str, details: Iterable[str]) -> Verdict:
    if verdict.refuted:
        raise _failure(what, verdict, details)
    if strict and not verdict.proved:
        raise _failure(what + " (strict=True needs an exact proof; only numerical evidence was "
                       "found)", verdict, details)
    return verdict


def assert_conserved(dynamics: Dynamics, quantity: sympy.Expr | str | None = None, *,
                     kinetic: str = "mass", strict: bool = False, **prover_options) -> Verdict:
    r"""Assert that ``quantity`` (default: the inertia) is constant along every trajectory.

    Parameters
    ----------
    dynamics : Dynamics
    quantity : sympy.Expr, str or None
        A function of ``t``, the coordinates, their velocities (``v_<name>``) and the parameters.
        Text is parsed by the restricted parser in the system's own names.  ``None`` means the
        inertia :math:`I = \tfrac12 v^\top M v + L`.
    kinetic : {"mass", "identity"}
        Which kinetic energy the default inertia uses.
    strict : bool
        Fail unless the proof is exact (not only numerically verified).
    **prover_options
        Passed to :func:`~inertia_verify.prove_zero` (``digits``, ``points``, ``seed``).

    Returns
    -------
    Verdict
        The certificate that the rate is zero.

    Raises
    ------
    AssertionError
        The rate is not identically zero; the message holds the rate and a point where it is not.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> print(assert_conserved(Dynamics.from_text("x**4/4 - x**2/2 + y**2", "x,y")))
    proved (trivial)
    >>> assert_conserved(Dynamics.from_text("x**2/2", "x", damping="gamma"))
    Traceback (most recent call last):
    ...
    AssertionError: the inertia I is not conserved: dI/dt = -gamma*v_x**2
      verdict: refuted: at ... the expression equals ...
      counterexample: at ... the difference equals ...
    """
    dynamics = as_dynamics(dynamics)
    expr, name = _quantity(dynamics, quantity, kinetic)
    rate = inertia_rate(dynamics, kinetic=kinetic) if quantity is None \
        else inertia_rate(dynamics, expr)
    verdict = prove_zero(rate, **prover_options)
    what = (f"the inertia I is not conserved: dI/dt = {rate}" if quantity is None
            else f"{name} is not conserved: its rate along the flow is {rate}")
    return _accept(verdict, strict, what, [f"dynamics: {dynamics!r}"])


def assert_rate(dynamics: Dynamics, expected: sympy.Expr | str, quantity: sympy.Expr | str | None = None,
                *, kinetic: str = "mass", strict: bool = False, **prover_options) -> Verdict:
    r"""Assert that the rate of ``quantity`` (default: the inertia) along the flow is ``expected``.

    Parameters
    ----------
    dynamics : Dynamics
    expected : sympy.Expr or str
        The claimed rate, e.g. ``"-gamma*v_x**2"``.
    quantity : sympy.Expr, str or None
        As in :func:`assert_conserved`.
    kinetic, strict, **prover_options
        As in :func:`assert_conserved`.

    Returns
    -------
    Verdict
        The certificate that ``rate - expected`` is zero.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    >>> print(assert_rate(dyn, "-gamma*v_x**2"))
    proved (trivial)
    >>> assert_rate(dyn, "-2*gamma*v_x**2")
    Traceback (most recent call last):
    ...
    AssertionError: dI/dt is not -2*gamma*v_x**2: it is -gamma*v_x**2
    ...
    """
    dynamics = as_dynamics(dynamics)
    expr, name = _quantity(dynamics, quantity, kinetic)
    claimed = _expression(expected, dynamics, "expected")
    rate = inertia_rate(dynamics, kinetic=kinetic) if quantity is None \
        else inertia_rate(dynamics, expr)
    verdict = prove_equal(rate, claimed, **prover_options)
    label = "dI/dt" if quantity is None else f"d/dt of {expr}"
    return _accept(verdict, strict, f"{label} is not {claimed}: it is {rate}",
                   [f"dynamics: {dynamics!r}"])


def _find_claim(claim: Claim | str, paths: Iterable[str | Path]) -> Claim:
    if isinstance(claim, Claim):
        return claim
    if not isinstance(claim, str):
        raise InvalidArgument("claim", claim, "must be a claim id or a Claim",
                              "e.g. assert_claim('karagoz2025/thm1')")
    known = {c.id: c for c in discover_claims(paths)}
    if claim not in known:
        raise InvalidArgument("claim", claim, "is not in the catalogue",
                              f"known ids: {', '.join(known)}")
    return known[claim]


def assert_claim(claim: Claim | str, verdict: str | Iterable[str] | None = None, *,
                 paths: Iterable[str | Path] = ()) -> ClaimResult:
    """Run a claim of the catalogue (or your own :class:`~inertia_verify.Claim`) and assert its
    verdict.

    Parameters
    ----------
    claim : str or Claim
        A catalogue id such as ``"karagoz2025/thm1"``, an id from a module in ``paths``, or a
        ``Claim`` object.
    verdict : str or iterable of str, optional
        The verdict(s) to accept among ``"proved"``, ``"verified"``, ``"refuted"``.  By default the
        claim's own ``expect`` when it declares one, else ``proved`` or ``verified``.
    paths : iterable of folders
        Extra folders of claim modules (as ``inertia-verify prove --path DIR``).

    Returns
    -------
    ClaimResult

    Raises
    ------
    AssertionError
        With the claim, its evidence, and the counterexample and corrected statement when the
        claim was refuted.

    Examples
    --------
    >>> result = assert_claim("karagoz2025/thm1")
    >>> result.verdict
    'proved'
    """
    chosen = _find_claim(claim, paths)
    if verdict is None:
        wanted = (chosen.expect,) if chosen.expect else ("proved", "verified")
    else:
        wanted = (verdict,) if isinstance(verdict, str) else tuple(verdict)
    bad = [w for w in wanted if w not in VERDICTS]
    if bad or not wanted:
        raise InvalidArgument("verdict", verdict, f"must be one or more of {VERDICTS}")
    result = chosen.run()
    if result.verdict not in wanted:
        outcome = result.outcome
        lines = [f"claim {chosen.id}: verdict {result.verdict!r}, expected "
                 f"{' or '.join(repr(w) for w in wanted)}",
                 f"  paper:     {chosen.paper}", f"  statement: {chosen.statement}"]
        lines += [f"  evidence:  {line}" for line in outcome.evidence]
        if outcome.counterexample:
            point = ", ".join(f"{k} = {v}" for k, v in outcome.counterexample.items())
            lines.append(f"  counterexample: {point}")
        if outcome.corrected:
            lines.append(f"  corrected: {outcome.corrected}")
        raise AssertionError("\n".join(lines))
    return result
