"""karagoz2025/eq4-time: a time-varying damping γ(t) gives dI/dt = −γ(t)‖v‖²."""

import sympy

from inertia_verify import TIME, Dynamics, derive
from inertia_verify.catalogue import Claim, outcome_from_verdicts


def check():
    g = sympy.Function("gamma", real=True)(TIME)
    parts = []
    for d in (1, 2, 3):
        result = derive(Dynamics.abstract(d, damping=g))
        parts.append((f"abstract L, abstract γ(t), d={d}: dI/dt = {result.rate}",
                      result.matches_dissipation))
    nesterov = derive(Dynamics.abstract(2, damping=3 / TIME))
    parts.append((f"Nesterov damping 3/t, d=2: dI/dt = {nesterov.rate}", nesterov.matches_dissipation))
    return outcome_from_verdicts(parts)


CLAIM = Claim(
    id="karagoz2025/eq4-time",
    paper="(generalisation) time-varying damping γ(t), e.g. Nesterov's 3/t.",
    statement="For θ̈ + γ(t)θ̇ + ∇L = 0 with any damping schedule γ(t) and any loss, "
              "dI/dt = −γ(t)‖v‖² (abstract γ(t), d = 1…3; and γ = 3/t); I is non-increasing "
              "wherever γ(t) ≥ 0.",
    check=check,
    expect="proved",
)
