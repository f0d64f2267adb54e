"""karagoz2025/eq4-preconditioned: with a mass matrix, which energy decays at rate γ?"""

import sympy

from inertia_verify import Dynamics, derive
from inertia_verify.catalogue import Claim, Outcome


def check():
    gamma = sympy.Symbol("gamma", positive=True)
    mass = sympy.Matrix([[2, 1], [1, 3]])
    dyn = Dynamics.abstract(2, damping=gamma, mass=mass)
    paper_energy = derive(dyn, kinetic="identity")
    natural = derive(dyn, kinetic="mass")
    evidence = [
        f"M = {mass.tolist()}, abstract L: with I = ½‖v‖² + L, dI/dt = {paper_energy.rate}",
        f"dI/dt == -γ‖v‖²: {paper_energy.matches_dissipation}",
        f"with I_M = ½vᵀMv + L, dI_M/dt = {natural.rate}: {natural.matches_dissipation}",
    ]
    data = {"paper_energy": paper_energy.to_dict(), "mass_energy": natural.to_dict()}
    if paper_energy.matches_dissipation.refuted and natural.matches_dissipation.holds:
        return Outcome(
            "refuted", evidence, data,
            corrected="for θ̈ + γθ̇ + M⁻¹∇L = 0 the energy that decays is I_M = ½vᵀMv + L, "
                      "with dI_M/dt = −γ vᵀMv; the paper's I gains vᵀ(I − M⁻¹)∇L",
            counterexample=paper_energy.matches_dissipation.counterexample,
        )
    return Outcome("verified", evidence + ["unexpected: the paper's energy matched"], data)


CLAIM = Claim(
    id="karagoz2025/eq4-preconditioned",
    paper="(future work) curvature-aware / preconditioned dynamics; eq4 read with the same I.",
    statement="With a constant SPD preconditioner, θ̈ + γθ̇ + M⁻¹∇L = 0, the paper's "
              "I = ½‖v‖² + L does not obey eq4; I_M = ½vᵀMv + L does.",
    check=check,
    expect="refuted",
)
