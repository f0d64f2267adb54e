"""marcotte2024/time: conservation laws of momentum flows depend on time explicitly."""

import sympy

from inertia_verify import TIME
from inertia_verify.catalogue import Claim, Outcome, outcome_from_verdicts
from inertia_verify.laws import check_law, deep_linear, find_laws


def check():
    net = deep_linear([2, 2, 2])
    parts, extra, problems = [], [], []
    for tau, factor_name in ((1, "e^{t}"), (sympy.Rational(1, 2), "e^{t/2}"), ("3/t", "t³")):
        found = find_laws(net, 2, "momentum", tau=tau, compare=False)
        law = found.laws[0]
        parts.append((f"τ = {tau}: {law} is conserved for every loss",
                      check_law(net, law, "momentum", tau=tau).verdict))
        # Strip the time factor: the same polynomial without it is refuted.
        stripped = law.subs(TIME, 0) if tau != "3/t" else sympy.expand(law / TIME**3)
        bare = check_law(net, stripped, "momentum", tau=tau)
        extra.append(f"τ = {tau}: without its factor {factor_name}, {stripped} is NOT conserved "
                     f"({bare.verdict})")
        if bare.conserved:
            problems.append(f"τ = {tau}: {stripped} is conserved without its time factor")
        static = find_laws(net, 2, "momentum", tau=tau, time_degree=0, compare=False)
        extra.append(f"τ = {tau}: no polynomial law of degree <= 2 without time exists "
                     f"({len(static.laws)} found with time degree 0; {len(found.laws)} with "
                     f"e^(kτt) or t^k factors)")
        if static.laws:
            problems.append(f"τ = {tau}: time-free laws exist: {static.laws}")
    still = find_laws(net, 2, "momentum", tau=0, compare=False)
    extra.append(f"τ = 0 (no damping): the law is time-free, {still.laws[0]}: time enters "
                 "through the damping")
    outcome = outcome_from_verdicts(parts, extra=extra)
    if problems:
        return Outcome("refuted", list(outcome.evidence) + problems, outcome.data,
                       corrected="some momentum laws do not depend on time",
                       counterexample={"problems": problems})
    return outcome


CLAIM = Claim(
    id="marcotte2024/time",
    paper="Conservation laws of momentum flows depend on time explicitly.",
    statement="For the linear network (2, 2, 2) under θ̈ + τθ̇ = −∇ℓ(φ(θ)): with τ = 1, 1/2 and "
              "3/t the only polynomial law of degree <= 2 (in θ, θ̇) is e^{τt}·A, resp. t³·A, "
              "with A = (U1ᵀU̇1 + U2U̇2ᵀ)_01 − (U1ᵀU̇1 + U2U̇2ᵀ)_10, the angular momentum of "
              "the rotation symmetry (proved conserved for every loss); A alone is "
              "refuted and the search without time finds nothing.  With τ = 0 the law is A, "
              "time-free: the time dependence comes from the damping.",
    check=check,
    expect="proved",
)
