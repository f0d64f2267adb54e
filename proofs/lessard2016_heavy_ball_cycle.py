"""lessard2016/heavy-ball-cycle: Polyak's heavy ball, tuned for quadratics, need not converge on
strongly convex smooth losses (Lessard, Recht and Packard, 2016, §4.6)."""

from fractions import Fraction

from inertia_verify import worst_case_rate
from inertia_verify.catalogue import Claim, Outcome

MU, ELL = Fraction(1), Fraction(25)
# Polyak's tuning for κ = 25: α = 4/(√ℓ + √μ)² = 1/9, β = ((√κ - 1)/(√κ + 1))² = 4/9.
LR, MOMENTUM = Fraction(1, 9), Fraction(4, 9)


def loss(x: Fraction) -> Fraction:
    """The piecewise quadratic of Lessard, Recht and Packard (minimiser 0, L* = 0)."""
    if x < 1:
        return 25 * x * x / 2
    if x < 2:
        return x * x / 2 + 24 * x - 12
    return 25 * x * x / 2 - 24 * x + 36


def gradient(x: Fraction) -> Fraction:
    if x < 1:
        return 25 * x
    if x < 2:
        return x + 24
    return 25 * x - 24


#: Curvature on each piece: (left end, right end, L'').
PIECES = ((None, 1, 25), (1, 2, 1), (2, None, 25))


def _class_membership(evidence) -> bool:
    """C¹ with a piecewise-constant second derivative in [μ, ℓ]: μ-strongly convex, ℓ-smooth."""
    ok = all(MU <= c <= ELL for _, _, c in PIECES)
    for x in (Fraction(1), Fraction(2)):  # the loss and its gradient are continuous there
        eps_left = {1: (25 * x * x / 2, 25 * x), 2: (x * x / 2 + 24 * x - 12, x + 24)}[int(x)]
        ok &= eps_left == (loss(x), gradient(x))
    evidence.append("L is C¹ (value and gradient agree at x = 1 and 2, exactly) with L'' ∈ "
                    "{25, 1, 25} on the pieces: 1-strongly convex and 25-smooth")
    return ok


def check():
    evidence, data = [], {}
    in_class = _class_membership(evidence)
    # The 3-cycle: solving θ_{k+1} = θ_k - α∇L(θ_k) + β(θ_k - θ_{k-1}) with θ_{k+3} = θ_k on the
    # pieces (left, left, right) gives this exact rational orbit.
    cycle = [Fraction(792, 1225), Fraction(-2208, 1225), Fraction(2592, 1225)]
    prev, x = cycle[2], cycle[0]
    orbit = [x]
    for _ in range(30):
        x, prev = x - LR * gradient(x) + MOMENTUM * (x - prev), x
        orbit.append(x)
    periodic = all(orbit[k] == cycle[k % 3] for k in range(len(orbit)))
    smallest = min(loss(z) for z in orbit)
    evidence.append(f"iterating the heavy-ball map exactly in rationals from θ_-1 = {cycle[2]}, "
                    f"θ_0 = {cycle[0]}: θ_k = {cycle[0]}, {cycle[1]}, {cycle[2]}, repeated for "
                    f"30 steps ({'exactly periodic' if periodic else 'NOT periodic'}); "
                    f"L(θ_k) - L* >= {smallest} > 0 at every step, so θ_k does not tend to θ* = 0")
    data["cycle"] = [str(c) for c in cycle]
    data["loss_on_cycle"] = [str(loss(c)) for c in cycle]
    ratios = {}
    for n in (1, 3, 5):
        # The exact quadratic bound does not need PEPit; the class's worst case does (the
        # 'inequalities' extra): without it that line says so and the exact parts decide.
        r = worst_case_rate("heavy-ball", mu=MU, smoothness=ELL, lr=LR, momentum=MOMENTUM,
                            iterations=n, require_solver=False)
        ratios[n] = r
        pep = ("not computed (PEPit missing: install the 'inequalities' extra)"
               if r.worst_case is None else
               f"{r.worst_case:.6g} (PEPit, gap {r.solver_accuracy['absolute_gap']:.1e})")
        evidence.append(f"n = {n}: worst-case (L(θ_n) - L*)/(L(θ_0) - L*) = {pep}; a quadratic "
                        f"alone gives {r.quadratic_lower_bound} > 1 exactly")
    data["worst_case"] = {n: r.worst_case for n, r in ratios.items()}
    evidence.append("a ratio above 1 after n steps alone does not refute convergence (a momentum "
                    "method is not monotone even on quadratics); the exact cycle does")
    exceeds = all(r.quadratic_lower_bound > 1 and (r.worst_case is None or r.worst_case > 1)
                  for r in ratios.values())
    if not (in_class and periodic and smallest > 0 and exceeds):
        return Outcome("inconclusive", evidence + ["a step did not come out as expected"], data)
    return Outcome(
        "refuted", evidence, data,
        counterexample={"mu": 1, "smoothness": 25, "lr": "1/9", "momentum": "4/9",
                        "theta_minus_1": "2592/1225", "theta_0": "792/1225"},
        corrected="with Polyak's quadratic tuning the heavy ball converges on quadratics only; "
                  "over μ-strongly convex ℓ-smooth losses its worst-case ratio exceeds 1 and the "
                  "loss of Lessard, Recht and Packard holds it on a 3-cycle (use smaller "
                  "parameters, e.g. Ghadimi et al.'s α <= 1/ℓ, β = √((1 - αμ)(1 - αℓ)))")


CLAIM = Claim(
    id="lessard2016/heavy-ball-cycle",
    paper="Heavy ball with α = 4/(√ℓ + √μ)², β = ((√κ - 1)/(√κ + 1))² converges at rate "
          "(√κ - 1)/(√κ + 1) (Polyak's tuning, proved for quadratics).",
    statement="For μ = 1, ℓ = 25, α = 1/9, β = 4/9 the heavy ball converges on every 1-strongly "
              "convex 25-smooth loss: refuted, the worst-case ratio exceeds 1 and the "
              "piecewise-quadratic loss of Lessard, Recht and Packard (2016) makes the iterates "
              "cycle through 792/1225, -2208/1225, 2592/1225.",
    check=check,
    expect="refuted",
)
