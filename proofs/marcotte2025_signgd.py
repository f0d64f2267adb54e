"""marcotte2025/signgd: the laws of the sign-gradient flow of a two-layer linear network.

θ̇ = −sign(∇_θ ℓ(φ(θ))), φ = U Vᵀ (deep_linear (n, r, m)).  On a region where the realised sign
vectors are fixed, the flow is a constant vector field for each loss gradient, so the laws are the
linear forms in |θ| orthogonal to their span (see inertia_verify.laws.count_sign_laws): counted exactly at
integer points.
"""

from fractions import Fraction

import sympy

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import count_sign_laws, deep_linear, known_laws

SIZES = [(1, 1, 1), (1, 2, 1), (1, 3, 1), (2, 1, 1), (1, 1, 2), (2, 2, 2), (3, 2, 4), (2, 3, 2)]
SEEDS = (0, 1)
SAMPLES = 600  # random loss gradients per point; rank D was reached with far fewer


def _sign_gd(u, v, g, eta, steps):
    """Discrete sign GD on φ = uv (scalars) with a constant loss gradient g, exactly."""
    sign = lambda x: (x > 0) - (x < 0)  # noqa: E731
    trace = [(u, v)]
    for _ in range(steps):
        u, v = u - eta * sign(g * v), v - eta * sign(g * u)
        trace.append((u, v))
    return trace


def _moved(model, count):
    """The gradient-flow laws that a realised sign direction moves at the point (exact)."""
    at = dict(zip(model.parameters, count.point))
    moved = 0
    laws = known_laws(model)
    for h in laws:
        grad = [sympy.diff(h, p).subs(at) for p in model.parameters]
        moved += any(sum(g * x for g, x in zip(grad, s)) != 0 for s in count.directions)
    return moved, len(laws)


def check():
    evidence, data = [], {}
    counts = {}
    gf_moved = True
    for w in SIZES:
        found = [count_sign_laws(deep_linear(list(w)), seed=s, samples=SAMPLES) for s in SEEDS]
        counts[w] = found
        data[str(w)] = [c.to_dict() for c in found]
        moved, total = _moved(deep_linear(list(w)), found[0])
        gf_moved &= moved == total
        evidence.append(f"(n, r, m) = {w}: sign-flow laws near the seeded points: "
                        f"{[c.n_laws for c in found]} (exact: {all(c.exact for c in found)}; "
                        f"{found[0].patterns} sign vectors at the first point; {moved} of the "
                        f"{total} gradient-flow laws UᵀU − VᵀV moved by a realised direction)"
                        + (f"; e.g. {', '.join(map(str, found[0].laws[:3]))}"
                           if found[0].laws else ""))
    # The gradient-flow law u² − v² of φ = uv is not conserved by the sign flow:
    # d/dt (u² − v²) = −2u·sign(g v) + 2v·sign(g u) = −2 sign(g)(u − v) for u, v > 0.
    u, v, g = sympy.symbols("u v g", positive=True)
    rate = sympy.simplify(2 * u * (-sympy.sign(g * v)) - 2 * v * (-sympy.sign(g * u)))
    gf_law_moves = rate.subs({u: 2, v: 1, g: 1}) != 0
    evidence.append(f"the gradient-flow law u² − v² of φ = uv moves under the sign flow: "
                    f"d/dt = {rate} (≠ 0 at u = 2, v = 1): balancedness is not what it keeps")
    # Discrete sign GD keeps |u| − |v| exactly while no step crosses an axis (exact rationals).
    trace = _sign_gd(Fraction(3), Fraction(5, 2), 1, Fraction(1, 10), 20)
    kept = {abs(a) - abs(b) for a, b in trace}
    evidence.append(f"discrete sign GD on φ = uv from (3, 5/2), η = 1/10, 20 steps: |u| − |v| "
                    f"takes the values {sorted(map(str, kept))} (exact)")
    scalar = [w for w in SIZES if w[0] == w[2] == 1]
    ok_scalar = all(c.exact and c.n_laws == 2 * w[1] - 1 for w in scalar for c in counts[w])
    ok_rest = all(c.exact and c.n_laws == 0 for w in SIZES if w not in scalar
                  for c in counts[w])
    data["gradient_law_moves"] = bool(gf_law_moves)
    data["sign_gd_values"] = sorted(map(str, kept))
    data["every_gradient_law_moved"] = bool(gf_moved)
    if not (ok_scalar and ok_rest and gf_law_moves and gf_moved and kept == {Fraction(1, 2)}):
        return Outcome("inconclusive", evidence + ["the counts do not follow the pattern "
                                                   "n·m = 1 ⇒ 2r − 1, n·m ≥ 2 ⇒ 0"], data)
    corrected = ("Near the points tested, the sign-gradient flow of φ = UVᵀ has no conservation "
                 "law when n·m ≥ 2, and 2r − 1 laws (linear in |θ|, e.g. |u_j| − |v_j|) when "
                 "n = m = 1, for every r, not only r = 1.  The gradient-flow laws (balancedness) "
                 "are not conserved.")
    evidence.append("n = m = 1 with r ≥ 2 also has laws (φ is scalar, so the flow has one "
                    "direction ± s(θ) at each point and D − 1 = 2r − 1 laws): the paper's "
                    "exception n = m = r = 1 is too narrow")
    return Outcome("refuted", evidence, data, corrected=corrected,
                   counterexample={"widths": [1, 2, 1],
                                   "laws": counts[(1, 2, 1)][0].to_dict()["laws"]})


CLAIM = Claim(
    id="marcotte2025/signgd",
    paper="The sign-gradient flow (\"Adam flow\" in its simplest form) of a two-layer linear "
          "network has no conservation law, except when n = m = r = 1.",
    statement="θ̇ = −sign(∇_θ ℓ(UVᵀ)), laws for every loss.  On a region where the realised "
              "sign vectors sign(J(θ)ᵀg) are fixed the flow is a constant field per loss "
              "gradient, brackets vanish, and the laws are the linear forms in |θ| orthogonal "
              "to their span: D − rank of that span, counted with exact integer ranks at "
              f"seeds {SEEDS} for (n, r, m) in " + ", ".join(map(str, SIZES)) + ".  A count 0 "
              "is exact near the point (every law's gradient vanishes on a neighbourhood); "
              "the n = m = 1 counts are exact (N = 1: the two cells ±sign(J) are all).  "
              "Every gradient-flow law (the entries of UᵀU − VᵀV) is moved by a realised sign "
              "direction at the first point of each size (exact).  Established near the "
              "tested points only, not on every region.",
    check=check,
    expect="refuted",
)
