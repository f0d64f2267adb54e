"""karagoz2025/rate-class: "I decays exponentially at rate γ", read over a class of losses."""

import math
from fractions import Fraction

import sympy

from inertia_verify import Dynamics, lyapunov, prove_zero, worst_case_rate
from inertia_verify.catalogue import Claim, Outcome


def _every_strongly_convex_loss(evidence, data) -> bool:
    """dV/dt + √μ V = √μ (L - L* - ∇L·(θ - θ*) + μ/2 |θ - θ*|²) - √μ/2 |θ̇|², an identity for
    an abstract loss L (any dimension; shown for d = 2); the bracket is <= 0 by the definition
    of μ-strong convexity (L* >= L + ∇L·(θ* - θ) + μ/2|θ* - θ|²), so dV/dt <= -√μ V."""
    s = sympy.Symbol("s", positive=True)  # s = √μ
    dyn = Dynamics.abstract(2, damping=2 * s, parameters=[s])
    star = sympy.symbols("a_0 a_1", real=True)  # θ*
    lstar = sympy.Symbol("L_star", real=True)
    z = [c - a for c, a in zip(dyn.coordinates, star)]
    v = dyn.velocities
    V = dyn.loss - lstar + sum((s * zi + vi) ** 2 for zi, vi in zip(z, v)) / 2
    bracket = (dyn.loss - lstar - sum(g * zi for g, zi in zip(dyn.gradient, z))
               + s**2 / 2 * sum(zi**2 for zi in z))
    identity = dyn.time_derivative(V) + s * V - (s * bracket - s / 2 * sum(vi**2 for vi in v))
    verdict = prove_zero(identity)
    evidence.append("for every L (abstract, d = 2), θ̈ + 2√μθ̇ + ∇L = 0 and V = L - L* + "
                    "½|√μ(θ - θ*) + θ̇|²: dV/dt + √μV = √μ(L - L* - ∇L·(θ - θ*) + μ/2|θ - θ*|²)"
                    f" - √μ/2|θ̇|²: {verdict}; the bracket is <= 0 by μ-strong convexity, so "
                    "dV/dt <= -√μ V (Wilson, Recht, Jordan 2021)")
    data["identity"] = str(verdict)
    return verdict.proved


def _quadratic_instance(evidence, data) -> bool:
    """On L = μ|θ|²/2 with μ = 1/4 the rate √μ = 1/2 is certified and is the best for this V."""
    dyn = Dynamics.from_text("x**2/8 + y**2/8", "x,y", damping="1")
    V = "x**2/8 + y**2/8 + (x/2 + v_x)**2/2 + (y/2 + v_y)**2/2"
    proved = lyapunov(dyn, V, rate="1/2")
    refuted = lyapunov(dyn, V, rate="11/20")
    evidence.append(f"μ = 1/4 (quadratic, d = 2): dV/dt <= -(1/2)V {proved.verdict} "
                    f"({proved.decay.method}); 1.1√μ = 11/20: {refuted.verdict}, witness "
                    f"{refuted.counterexample}")
    data["quadratic_witness"] = {k: str(val) for k, val in refuted.counterexample.items()}
    return proved.verdict == "proved" and refuted.verdict == "refuted"


def check():
    evidence, data = [], {}
    ok = _every_strongly_convex_loss(evidence, data) and _quadratic_instance(evidence, data)
    # Discrete: heavy ball read as the damped flow with γ = 2√μ, h = √α, β = 1 - γh.
    mu, ell = Fraction(1), Fraction(25)
    lr = 1 / ell
    h = Fraction(1, 5)  # √α
    gamma = 2 * Fraction(1)  # 2√μ
    momentum = 1 - gamma * h
    steps = 5
    # The exact quadratic decides; PEPit's worst case (the 'inequalities' extra) is reported
    # beside it when installed.
    r = worst_case_rate("heavy-ball", mu=mu, smoothness=ell, lr=lr, momentum=momentum,
                        iterations=steps, metric="inertia", require_solver=False)
    bound = sympy.exp(-gamma * h * steps)  # e^{-γ t_n}, t_n = n h
    pep = ("not computed (PEPit missing: install the 'inequalities' extra)"
           if r.worst_case is None else
           f"{r.worst_case:.6g} (PEPit, gap {r.solver_accuracy['absolute_gap']:.1e})")
    exceeds = bool(sympy.Rational(r.quadratic_lower_bound.numerator,
                                  r.quadratic_lower_bound.denominator) > bound)
    evidence.append(f"heavy ball, μ = 1, ℓ = 25, α = 1/25 (h = 1/5), β = 1 - γh = 3/5, n = 5: "
                    f"worst case of (I_n - L*)/(I_0 - L*) = {pep}; the quadratic "
                    f"{r.quadratic_worst_curvature}·x²/2 alone gives "
                    f"{r.quadratic_lower_bound} ≈ {float(r.quadratic_lower_bound):.6g} (exact), "
                    f"above e^(-γ t_n) = e^-2 ≈ {math.exp(-2):.4g} and e^(-√μ t_n) = e^-1")
    data["discrete"] = r.to_dict()
    if not (ok and exceeds):
        return Outcome("inconclusive", evidence + ["a step did not come out as expected"], data)
    return Outcome(
        "refuted", evidence, data,
        counterexample={"mu": 1, "smoothness": 25, "lr": "1/25", "momentum": "3/5", "steps": 5,
                        "curvature": str(r.quadratic_worst_curvature),
                        "ratio": str(r.quadratic_lower_bound)},
        corrected="over μ-strongly convex losses with γ = 2√μ, what is proved is dV/dt <= -√μ V "
                  "for V = L - L* + ½|√μ(θ - θ*) + θ̇|² (rate γ/2, for V, not I); the discrete "
                  "inertia of heavy ball can lag e^(-γt) (and even e^(-√μ t)) by a factor the "
                  "performance estimation computes")


CLAIM = Claim(
    id="karagoz2025/rate-class",
    paper="The inertia I decays exponentially at rate γ.",
    statement="Read over μ-strongly convex ℓ-smooth losses with γ = 2√μ: (I_n - L*)/(I_0 - L*) "
              "<= e^(-γ t_n) for heavy ball read as the damped flow (h = √α, β = 1 - γh, "
              "θ₋₁ = θ₀).  Refuted for μ = 1, ℓ = 25, n = 5 by an exact quadratic; what holds for "
              "every such loss is dV/dt <= -√μ V for V = L - L* + ½|√μ(θ - θ*) + θ̇|², proved "
              "from an exact identity and the definition of strong convexity, with √μ the best "
              "rate for this V on a quadratic (1.1√μ refuted by a witness state).",
    check=check,
    expect="refuted",
)
