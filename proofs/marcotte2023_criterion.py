"""marcotte2023/criterion: h is conserved for every loss iff ⟨∇h, ∇φ_j⟩ = 0 for every j."""

import sympy

from inertia_verify import prove_equal
from inertia_verify.catalogue import Claim, outcome_from_verdicts
from inertia_verify.laws import check_law, deep_linear, matrix_factorisation


def check():
    parts = []
    # (⇐ and the identity behind ⇒) For abstract φ_1, φ_2, h on ℝ² and an abstract loss L, along
    # θ̇ = −M⁻¹∇(L∘φ): dh/dt = −Σ_j ∂_jL(φ) ⟨∇h, M⁻¹∇φ_j⟩, with M⁻¹ = I and M⁻¹ = diag(θ).
    x, y = sympy.symbols("x y", positive=True)
    phi = [sympy.Function("phi1")(x, y), sympy.Function("phi2")(x, y)]
    h = sympy.Function("h")(x, y)
    loss = sympy.Function("L")(*phi)
    for name, minv in (("euclidean", (1, 1)), ("mirror θ̇ = −θ⊙∇ℓ", (x, y))):
        velocity = [-minv[0] * loss.diff(x), -minv[1] * loss.diff(y)]
        hdot = h.diff(x) * velocity[0] + h.diff(y) * velocity[1]
        rhs = -sum(sympy.Derivative(loss, p) * (minv[0] * h.diff(x) * p.diff(x)
                                                + minv[1] * h.diff(y) * p.diff(y)) for p in phi)
        parts.append((f"{name}: dh/dt = −Σ_j ∂_jℓ ⟨∇h, M⁻¹∇φ_j⟩ (abstract h, φ, ℓ)",
                      prove_equal(hdot, rhs)))
    # (⇒) The loss ℓ(z) = z_j makes ∂ℓ = e_j, so dh/dt = −⟨∇h, ∇φ_j⟩: where that is nonzero, h
    # moves.  A non-law is refuted with such a point, and the flow of ℓ = z_j moves h there.
    net = deep_linear([2, 2, 2])
    law = "U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2"
    good = check_law(net, law)
    parts.append((f"deep linear (2,2,2): {law} satisfies the criterion", good.verdict))
    bad = check_law(net, "U1_0_0**2 - U2_0_0**2")
    j = int(bad.counterexample["field"].split("_")[1])
    theta = net.parameters
    hb = bad.law
    flow_j = [-sympy.diff(net.components[j], p) for p in theta]  # θ̇ for ℓ = z_j
    hdot = sum(sympy.diff(hb, p) * f for p, f in zip(theta, flow_j))
    point = {s: v for s, v in bad.verdict.subs.items() if s in set(theta)}
    point = {p: point.get(p, sympy.Integer(1)) for p in theta}
    moved = hdot.xreplace(point)
    value = sympy.Rational(str(bad.counterexample["value"]))
    nmf = matrix_factorisation([2, 2, 2])
    mirror = check_law(nmf, "U_0_0 + U_1_0 - V_0_0 - V_1_0")
    parts.append(("NMF (2,2,2), mirror metric: U_0_0 + U_1_0 − V_0_0 − V_1_0 satisfies "
                  "⟨∇h, θ⊙∇φ_j⟩ = 0", mirror.verdict))
    parts.append((f"necessity: under ℓ(z) = z_{j}, dh/dt of {hb} at the counterexample equals "
                  f"−⟨∇h, ∇φ_{j}⟩ = {-value}", prove_equal(moved, -value)))
    extra = [f"the candidate {hb} is refuted by check_law: {bad}",
             f"there, with ℓ(z) = z_{j}, dh/dt = {moved} ≠ 0: h is not conserved for that loss"]
    if not (bad.verdict.refuted and moved != 0):
        extra.append("UNEXPECTED: the non-law was not refuted or does not move")
        return outcome_from_verdicts(parts + [("non-law refuted", bad.verdict)], extra=extra,
                                     corrected="see evidence")
    return outcome_from_verdicts(parts, extra=extra)


CLAIM = Claim(
    id="marcotte2023/criterion",
    paper="h is conserved for every loss iff ⟨∇h(θ), ∇φ_j(θ)⟩ = 0 for every component j.",
    statement="Along θ̇ = −M⁻¹∇ℓ(φ(θ)) (M = I, and the mirror M⁻¹ = diag(θ)), "
              "dh/dt = −Σ_j ∂_jℓ(φ) ⟨∇h, M⁻¹∇φ_j⟩ for abstract h, φ, ℓ (proved with jets), so the "
              "criterion is sufficient; it is necessary because ℓ(z) = z_j gives "
              "dh/dt = −⟨∇h, M⁻¹∇φ_j⟩ (shown on a refuted candidate, whose counterexample point "
              "makes h move under that loss).",
    check=check,
    expect="proved",
)
