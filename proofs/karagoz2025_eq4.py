"""karagoz2025/eq4: with scalar damping the inertia decays at rate γ‖θ̇‖²."""

import sympy

from inertia_verify import Dynamics, derive, prove_equal, prove_zero
from inertia_verify.catalogue import Claim, outcome_from_verdicts


def check():
    gamma = sympy.Symbol("gamma", positive=True)
    parts = []
    for d in range(1, 6):
        dyn = Dynamics.abstract(d, damping=gamma)
        result = derive(dyn)
        parts.append((f"abstract L in d={d}: dI/dt = {result.rate}", result.matches_dissipation))
    # Any d: the summand of Σ_i v_i(-γ v_i - ∂_iL) + ∂_iL v_i is -γ v_i².
    v_i, g_i = sympy.symbols("v_i g_i", real=True)  # g_i = ∂L/∂θ_i, arbitrary
    summand = v_i * (-gamma * v_i - g_i) + g_i * v_i
    parts.append(("any d: the i-th term of dI/dt equals -γ v_i²", prove_equal(summand, -gamma * v_i**2)))
    # Sign: for γ > 0 the rate is negative exactly when v ≠ 0.
    vx, vy = sympy.symbols("v_x v_y", real=True)
    rate = -gamma * (vx**2 + vy**2)
    at_rest = prove_zero(rate.subs({vx: 0, vy: 0}))
    parts.append(("dI/dt = 0 at v = 0", at_rest))
    negative = sympy.ask(sympy.Q.negative(rate), sympy.Q.positive(gamma) & sympy.Q.nonzero(vx)
                         & sympy.Q.real(vy))
    extra = [f"sign: with γ > 0 and v ≠ 0, sympy.ask(Q.negative(-γ(v_x²+v_y²))) = {negative}",
             "strictness over time: if v ≡ 0 on an interval then θ̈ = 0, so ∇L(θ) = 0 there; "
             "hence I is strictly decreasing on every interval that is not spent at rest at a "
             "critical point of L"]
    outcome = outcome_from_verdicts(parts, extra=extra)
    if negative is not True:
        # The assumption system could not confirm the sign: do not claim more than was shown.
        return type(outcome)("verified" if outcome.verdict == "proved" else outcome.verdict,
                             outcome.evidence, outcome.data, outcome.corrected, outcome.counterexample)
    return outcome


CLAIM = Claim(
    id="karagoz2025/eq4",
    paper="If γ > 0, then dI/dt = −γ‖θ̇‖², strictly negative unless θ̇ = 0.",
    statement="For θ̈ + γθ̇ + ∇L = 0 with constant γ > 0 and any C¹ loss, dI/dt = −γ‖v‖² "
              "identically (abstract L in d = 1…5 and symbolic d); it is < 0 exactly when v ≠ 0, "
              "and I is strictly decreasing except while at rest at a critical point.",
    check=check,
    expect="proved",
)
