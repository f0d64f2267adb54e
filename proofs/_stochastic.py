"""Shared by the stochastic claims (a private helper, not a claim)."""

from inertia_verify import InertiaVerifyError
from inertia_verify.catalogue import Outcome, outcome_from_verdicts


def with_monte_carlo(claim_id, parts, extra, mc):
    """Combine the symbolic parts with a Monte Carlo cross-check.

    A Monte Carlo run that disagrees with a proved derivation means a bug in one of them; that
    must stop the catalogue, not quietly lower the verdict.
    """
    extra = [*extra, *mc.evidence()]
    outcome = outcome_from_verdicts(parts, extra=extra)
    if not mc.agrees:
        raise InertiaVerifyError(
            f"{claim_id}: the Monte Carlo cross-check disagrees with the derivation "
            f"({mc.verdict}); rerun with the evidence above and investigate")
    return Outcome(outcome.verdict, outcome.evidence, {**outcome.data, "monte_carlo": mc.to_dict()},
                   outcome.corrected, outcome.counterexample)
