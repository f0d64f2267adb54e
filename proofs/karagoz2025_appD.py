"""karagoz2025/appD: the discrete update (9)–(10) and how well it conserves the inertia.

Symbolic (proved): the update is the kick-then-drift symplectic Euler map; the one-step change
of I_k is O(η²) with an explicit leading term; for a quadratic loss the modified inertia
I − (η/2) v·∇L is conserved exactly, and positive definite iff η²ω² < 4 for every curvature ω²;
for any loss the shadow energy to second order leaves a per-step error O(η⁴).
Numeric (verified): on a non-quadratic loss, long runs over a sweep of η show a bounded energy
error whose size scales as η^p with p fitted ≈ 1, and a shadow-energy error scaling ≈ η³.
"""

import sympy

from inertia_verify import Dynamics, prove_equal
from inertia_verify.catalogue import Claim, Outcome, outcome_from_verdicts
from inertia_verify import energy_drift
from inertia_verify.symbolic import discrete_map, quadratic_invariant, shadow_energy

#: Step sizes and horizon of the numeric sweep: 2,000 to 16,000 steps, many oscillation periods.
_STEPS = (0.08, 0.04, 0.02, 0.01)
_T = 160.0
#: The leading error term is O(η) relative to the next one, so at η ≤ 0.08 the fitted exponents
#: may sit up to 0.1 from their asymptotic values (1 for I, N + 1 = 3 for the shadow energy).
_EXPONENT_TOLERANCE = 0.1


def _paper_update(d: int):
    """Eqs. (9)-(10) written out independently of the toolkit's scheme table."""
    dyn = Dynamics.abstract(d)
    eta = sympy.Symbol("h", positive=True)
    theta, v = sympy.Matrix(dyn.coordinates), sympy.Matrix(dyn.velocities)
    grad = sympy.Matrix([sympy.Derivative(dyn.loss, c) for c in dyn.coordinates])
    v_next = v - eta * grad
    return dyn, list(theta + eta * v_next) + list(v_next)


def _nonzero_at(verdict) -> str:
    point = dict(verdict.counterexample or {})
    value = point.pop("value", None)
    return f"it equals {value} at " + ", ".join(f"{k} = {v}" for k, v in point.items())


def _symbolic_parts():
    parts = []
    nonzero = []  # nonzero-ness is shown by a point where it is not zero: evidence, not a part
    for d in (1, 2):
        dyn, paper = _paper_update(d)
        step = discrete_map(dyn, "symplectic-euler")
        parts.append((f"d={d}: eqs. (9)-(10) are the kick-then-drift symplectic Euler map",
                      prove_equal(sympy.Matrix(step.image), sympy.Matrix(paper))))
        lo = step.inertia_change_order(max_order=3)
        v = sympy.Matrix(dyn.velocities)
        grad = sympy.Matrix(dyn.gradient)
        hess = sympy.hessian(dyn.loss, dyn.coordinates)
        expected = ((v.T * hess * v)[0, 0] - (grad.T * grad)[0, 0]) / 2
        parts += [(f"d={d}: the η^{n} coefficient of I_(k+1) - I_k vanishes", verdict)
                  for n, verdict in enumerate(lo.lower)]
        parts.append((f"d={d}: I_(k+1) - I_k = η²·½(vᵀ∇²L v - ‖∇L‖²) + O(η³) (order {lo.order})",
                      prove_equal(lo.coefficient, expected) if lo.order == 2 else
                      prove_equal(sympy.Integer(lo.order or 0), 2)))
        nonzero.append(f"d={d}: the η² coefficient is not identically zero "
                       f"({_nonzero_at(lo.nonzero)})")
    # Quadratic losses: the exact invariant, solved for.
    for text, coords in (("omega**2*x**2/2", "x"), ("a*x**2/2 + b*y**2/2", "x,y")):
        dyn = Dynamics.from_text(text, coords, parameters=["omega"] if "omega" in text else ["a", "b"])
        step = discrete_map(dyn, "symplectic-euler")
        inv = quadratic_invariant(step)
        v, grad = sympy.Matrix(dyn.velocities), sympy.Matrix(dyn.gradient)
        modified = step.inertia - step.dt / 2 * (v.T * grad)[0, 0]
        parts.append((f"L = {text}: ΦᵀQΦ = Q has the solution Q (exists: {inv.exists})", inv.verdict))
        parts.append((f"L = {text}: the invariant is I - (η/2) v·∇L", prove_equal(inv.energy, modified)))
        parts.append((f"L = {text}: Q → the Hessian form of I as η → 0", inv.limit))
        # Positive definite iff η²λ < 4 for each curvature λ: Q splits into one 2x2 block per
        # mode, [[λ/2, -ηλ/4], [-ηλ/4, 1/2]], with positive diagonal, so Q ≻ 0 iff every
        # block's determinant λ(4 - η²λ)/16 is positive; det Q is their product.
        h = step.dt
        named = {p.name: p for p in dyn.parameters}
        curvatures = [named["omega"] ** 2] if "omega" in named else [named["a"], named["b"]]
        product = sympy.Mul(*[c * (4 - h**2 * c) / 16 for c in curvatures])
        parts.append((f"L = {text}: det Q = Π λ(4 - η²λ)/16 over λ in {curvatures}, so Q ≻ 0 "
                      "iff η²λ < 4 for each", prove_equal(inv.matrix.det(), product)))
    # General loss: the shadow energy to second order and its per-step error.
    se = shadow_energy(discrete_map(Dynamics.abstract(1), "symplectic-euler"), order=2)
    x, vx = Dynamics.abstract(1).coordinates[0], Dynamics.abstract(1).velocities[0]
    L = Dynamics.abstract(1).loss
    h = sympy.Symbol("h", positive=True)
    hairer = (vx**2 / 2 + L - h / 2 * vx * L.diff(x)
              + h**2 / 12 * (vx**2 * L.diff(x, 2) + L.diff(x) ** 2))
    parts.append(("shadow energy H~ = I - (η/2)v·∇L + (η²/12)(vᵀ∇²Lv + ‖∇L‖²) (solved; equals "
                  "Hairer-Lubich-Wanner's modified Hamiltonian of symplectic Euler)",
                  prove_equal(se.energy, hairer)))
    parts += [(f"shadow energy: the η^{n} coefficient of H~(Φ(z)) - H~(z) vanishes", verdict)
              for n, verdict in enumerate(se.remainder.lower)]
    nonzero.append(f"shadow energy: its per-step error starts at η^{se.remainder.order}, with a "
                   f"coefficient that is not identically zero ({_nonzero_at(se.remainder.nonzero)})")
    return parts, nonzero, se


def check():
    parts, nonzero, se = _symbolic_parts()
    outcome = outcome_from_verdicts(parts, extra=nonzero)
    if se.remainder.order != 4:
        return Outcome("refuted", outcome.evidence, outcome.data,
                       corrected="the shadow energy's per-step error is not O(η⁴)",
                       counterexample={"remainder_order": se.remainder.order})
    dyn = Dynamics.from_text("1 - cos(x)", "x")  # the pendulum: not quadratic
    drift = energy_drift(dyn, "symplectic-euler", _STEPS, t_end=_T,
                         theta0=[[1.0], [2.0]], v0=[[0.0], [0.5]], shadow_order=2)
    euler = energy_drift(dyn, "euler", _STEPS, t_end=_T, theta0=[[1.0], [2.0]], v0=[[0.0], [0.5]])
    evidence = list(outcome.evidence)
    evidence.append(f"numeric, pendulum L = 1 - cos x, 2 paths, t = {_T:g}, η = {list(_STEPS)}:")
    evidence += ["  " + line for line in str(drift).splitlines()]
    evidence += ["  explicit Euler for contrast: " + euler.verdict + ", growth of the error "
                 + ", ".join(f"{r.inertia_growth:.3g}" for r in euler.rows)]
    ok_i = drift.exponent is not None and abs(drift.exponent - 1) <= _EXPONENT_TOLERANCE
    ok_m = (drift.modified_exponent is not None
            and abs(drift.modified_exponent - 3) <= _EXPONENT_TOLERANCE)
    bounded = drift.verdict == "bounded"
    growing = euler.verdict in ("growing", "diverged")
    evidence.append(f"tolerance on fitted exponents: ±{_EXPONENT_TOLERANCE} (next term O(η) "
                    "relative to the leading one); I error exponent within it: "
                    f"{ok_i}; shadow-energy exponent within it: {ok_m}; symplectic Euler bounded "
                    f"(last-quarter / first-quarter error ≤ 2): {bounded}; explicit Euler grows: {growing}")
    data = dict(outcome.data)
    data["drift"] = drift.to_dict()
    data["euler_drift"] = euler.to_dict()
    if outcome.verdict == "refuted":
        return outcome
    verdict = "verified" if (ok_i and ok_m and bounded and growing) else "refuted"
    if verdict == "refuted":
        return Outcome("refuted", evidence, data,
                       corrected="see the evidence: the measured scaling differs from the prediction",
                       counterexample={"exponent": drift.exponent,
                                       "modified_exponent": drift.modified_exponent,
                                       "verdict": drift.verdict})
    return Outcome(verdict, evidence, data)


CLAIM = Claim(
    id="karagoz2025/appD",
    paper="Frictionless discrete update (9)-(10): v_(k+1) = v_k - η∇L(θ_k), θ_(k+1) = θ_k + η v_(k+1); "
          "discrete inertia (11) I_k = ½‖v_k‖² + L(θ_k); as η → 0 the discrete updates "
          "approximate energy conservation increasingly well.",
    statement="(9)-(10) is the kick-then-drift symplectic Euler map. I_k is NOT conserved: "
              "I_(k+1) - I_k = (η²/2)(vᵀ∇²L(θ)v - ‖∇L(θ)‖²) + O(η³) for every C³ loss "
              "(proved, abstract L, d = 1, 2). For a quadratic loss ½θᵀAθ the modified inertia "
              "Ĩ = I - (η/2)v·∇L is conserved exactly (solved from ΦᵀQΦ = Q, proved) and is positive "
              "definite iff η²λ < 4 for every eigenvalue λ of A (the stability range). For any loss "
              "the shadow energy H~ = I - (η/2)v·∇L + (η²/12)(vᵀ∇²Lv + ‖∇L‖²) changes by O(η⁴) "
              "per step (proved), so by backward error analysis the error of I stays bounded, "
              "O(η), over exponentially long times; verified numerically on the pendulum: "
              "bounded error with fitted exponent ≈ 1 for I and ≈ 3 for H~, while explicit Euler's "
              "error grows. The paper's 'increasingly well' is thus O(η) uniformly in time, not "
              "conservation at any fixed η.",
    check=check,
    expect="verified",
)
