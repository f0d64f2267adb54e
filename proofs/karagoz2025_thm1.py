"""karagoz2025/thm1: without damping the inertia is conserved."""

import sympy

from inertia_verify import Dynamics, derive, prove_zero
from inertia_verify.catalogue import Claim, outcome_from_verdicts

from ._losses import CONCRETE_LOSSES


def _any_dimension():
    """dI/dt for symbolic d is a sum over i of v_i·a_i + ∂_iL·v_i: show the i-th term is zero.

    v_i and g_i = ∂L/∂θ_i are independent real numbers at any instant (the loss is arbitrary),
    so proving the generic term zero proves the sum zero for every d.
    """
    v_i, g_i = sympy.symbols("v_i g_i", real=True)
    acceleration = -g_i  # eq1 with γ = 0
    return prove_zero(v_i * acceleration + g_i * v_i)


def check():
    parts = []
    for d in range(1, 7):
        result = derive(Dynamics.abstract(d))
        parts.append((f"abstract L in d={d}: dI/dt = {result.rate}", result.conservation))
    parts.append(("any d: the i-th term v_i·a_i + g_i·v_i of dI/dt (g_i = ∂L/∂θ_i) is ≡ 0",
                  _any_dimension()))
    for text, coords in CONCRETE_LOSSES:
        result = derive(Dynamics.from_text(text, coords))
        parts.append((f"L = {text}: dI/dt = {result.rate}", result.conservation))
    return outcome_from_verdicts(parts)


CLAIM = Claim(
    id="karagoz2025/thm1",
    paper="If γ = 0 and L is C¹, then dI/dt = 0 for all t.",
    statement="For θ̈ + ∇L(θ) = 0 with L ∈ C¹ (C² for the flow to be unique), "
              "dI/dt = v·(θ̈ + ∇L) = 0 identically: proved for an abstract L in d = 1…6, for "
              "symbolic d (term by term), and for 12 concrete losses.",
    check=check,
    expect="proved",
)
