"""karagoz2025/eq4-anisotropic: matrix damping Γ gives dI/dt = −vᵀΓv."""

import sympy

from inertia_verify import Dynamics, derive
from inertia_verify.catalogue import Claim, Outcome, outcome_from_verdicts


def check():
    parts = []
    for d in (2, 3):
        gamma = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"g{i}{j}", real=True))
        result = derive(Dynamics.abstract(d, damping=gamma))
        parts.append((f"abstract L, general {d}x{d} Γ: dI/dt = -vᵀΓv", result.matches_dissipation))
    # Only the symmetric part dissipates: a skew Γ (a gyroscopic force) conserves I.
    w = sympy.Symbol("w", real=True)
    skew = derive(Dynamics.abstract(2, damping=sympy.Matrix([[0, w], [-w, 0]])))
    parts.append(("skew Γ = [[0,w],[-w,0]]: I conserved", skew.conservation))
    # Dissipation needs Γ + Γᵀ ⪰ 0: an indefinite symmetric part makes I grow along some v.
    indefinite = derive(Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="[[1,0],[0,-1]]"))
    outcome = outcome_from_verdicts(parts)
    rate_at = indefinite.rate.subs({sympy.Symbol("v_x", real=True): 0,
                                    sympy.Symbol("v_y", real=True): 1})
    evidence = outcome.evidence + (
        f"Γ = diag(1, -1): dI/dt = {indefinite.rate}, equal to {rate_at} > 0 at v = (0, 1): "
        "I decays for every trajectory iff the symmetric part of Γ is positive semi-definite",)
    return Outcome(outcome.verdict, evidence, outcome.data, outcome.corrected, outcome.counterexample)


CLAIM = Claim(
    id="karagoz2025/eq4-anisotropic",
    paper="(future work) anisotropic damping: a matrix Γ in place of γ.",
    statement="For θ̈ + Γθ̇ + ∇L = 0 with a constant d×d matrix Γ, dI/dt = −vᵀΓv = "
              "−vᵀ½(Γ+Γᵀ)v for every loss (general symbolic Γ, d = 2, 3); I is non-increasing "
              "for all motions iff Γ + Γᵀ ⪰ 0, and a skew Γ conserves I.",
    check=check,
    expect="proved",
)
