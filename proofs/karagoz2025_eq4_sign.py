"""karagoz2025/eq4-sign: dI/dt ≤ 0 for every state iff Γ + Γᵀ ⪰ 0, with certificates."""

import sympy

from inertia_verify import Dynamics, derive
from inertia_verify.catalogue import Claim, Outcome

_LOSS = "x**2/2 + y**2/2"  # the loss does not enter dI/dt = -vᵀΓv; any loss would do


def _case(label, damping, expect, evidence, data, *, zero_set=None, witness=None):
    """Derive dI/dt for one damping and compare the inequality verdict with what the statement
    says; returns False on a mismatch."""
    if isinstance(damping, str):
        dynamics = Dynamics.from_text(_LOSS, "x,y", damping=damping)
    else:
        dynamics = Dynamics.abstract(2, damping=damping)
    result = derive(dynamics)
    verdict = result.dissipative
    evidence.append(f"{label}: dI/dt = {result.rate}; dissipative: {verdict}"
                    + (f"; certificate {verdict.certificate.get('terms')}"
                       if verdict.certificate and verdict.certificate.get("terms") else ""))
    data[label] = verdict.to_dict()
    if verdict.status != expect:
        return False
    if zero_set is not None and [str(z) for z in (verdict.zero_set or ())] != zero_set:
        evidence.append(f"{label}: zero set {verdict.zero_set}, expected {zero_set}")
        return False
    if witness is not None:
        velocities = dict(zip((str(v) for v in dynamics.velocities), witness))
        at = {v: sympy.Integer(velocities[str(v)]) for v in dynamics.velocities}
        value = result.rate.xreplace(at)
        evidence.append(f"{label}: at v = {tuple(witness)}, dI/dt = {value} (exact) > 0")
        if not (value.is_Rational and value > 0):
            return False
    return True


def check():
    evidence, data = [], {}
    g = sympy.Symbol("gamma", nonnegative=True)
    n = sympy.Symbol("gamma", negative=True)
    a, w = sympy.Symbol("a", positive=True), sympy.Symbol("w", real=True)
    cases = [
        ("scalar γ ≥ 0", g, "proved", {}),
        ("scalar γ < 0", n, "refuted", {}),
        ("Γ = [[2,1],[1,2]] (Γ + Γᵀ ≻ 0)", "[[2,1],[1,2]]", "proved",
         {"zero_set": ["v_x", "v_y"]}),
        ("Γ = [[a,w],[-w,a]], a > 0 (symmetric part aI ≻ 0)",
         sympy.Matrix([[a, w], [-w, a]]), "proved", {"zero_set": ["v_theta_0", "v_theta_1"]}),
        ("Γ = [[1,1],[1,1]] (Γ + Γᵀ ⪰ 0, singular)", "[[1,1],[1,1]]", "proved",
         {"zero_set": ["v_x + v_y"]}),
        ("Γ = [[1,3],[0,1]] (Γ + Γᵀ indefinite)", "[[1,3],[0,1]]", "refuted",
         {"witness": (1, -1)}),
        ("Γ = diag(1,-1)", "[[1,0],[0,-1]]", "refuted", {}),
    ]
    ok = all([_case(label, damping, expect, evidence, data, **kw)
              for label, damping, expect, kw in cases])
    evidence.append("dI/dt = -vᵀΓv = -vᵀ½(Γ+Γᵀ)v (karagoz2025/eq4-anisotropic), so 'dI/dt ≤ 0 for "
                    "every v' is the definition of ½(Γ+Γᵀ) ⪰ 0; each case above is decided by "
                    "the exact LDLᵀ (certificate: dI/dt = -Σ c_k ℓ_k(v)², c_k ≥ 0) or refuted "
                    "by an exact witness state")
    if not ok:
        return Outcome("inconclusive", evidence + ["a case did not come out as the statement "
                                                   "says"], data)
    return Outcome("proved", evidence, data)


CLAIM = Claim(
    id="karagoz2025/eq4-sign",
    paper="eq. 4: dI/dt = −γ‖θ̇‖² is strictly negative unless θ̇ = 0 (and its generalisations "
          "to a damping matrix Γ).",
    statement="For θ̈ + Γθ̇ + ∇L = 0: dI/dt ≤ 0 for every state iff Γ + Γᵀ ⪰ 0 (scalar γ: iff "
              "γ ≥ 0); dI/dt = 0 exactly on {θ̇ = 0} when Γ + Γᵀ ≻ 0, on a larger subspace when "
              "it is singular.  With Γ = [[1, 3], [0, 1]], I grows along θ̇ = (1, −1): "
              "dI/dt = 1 there.",
    check=check,
    expect="proved",
)
