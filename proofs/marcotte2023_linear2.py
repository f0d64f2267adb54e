"""marcotte2023/linear2: φ(U, V) = U Vᵀ conserves the entries of UᵀU − VᵀV, and nothing else."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import check_law, count_laws, deep_linear, known_laws, law_rank

# (n, r, m): U is n×r, V is m×r (the toolkit's widths (n, r, m) build U1 = U, U2 = Vᵀ, whose
# law U1ᵀU1 − U2U2ᵀ is UᵀU − VᵀV).  The last one is over-parameterised: r > n + m.
SIZES = [(2, 1, 2), (2, 2, 2), (3, 2, 4), (4, 2, 3), (2, 3, 2), (3, 3, 3), (4, 3, 5), (2, 5, 2)]


def check():
    evidence, data, ok, all_proved = [], {}, True, True
    for n, r, m in SIZES:
        net = deep_linear([n, r, m])
        laws = known_laws(net)
        verdicts = [check_law(net, law).verdict for law in laws]
        conserved = all(v.holds for v in verdicts)
        all_proved &= all(v.proved for v in verdicts)
        count = count_laws(net, seed=1)
        rank = law_rank(laws, net.parameters, seed=1)
        ok &= conserved and count.n_laws == rank
        evidence.append(f"(n, r, m) = {(n, r, m)}, D = {net.dimension}: the {len(laws)} entries "
                        f"of UᵀU − VᵀV {'proved conserved' if conserved else 'NOT all conserved'}"
                        f"; Lie count {count.n_laws} laws; functional rank of the entries "
                        f"{rank}; r(r+1)/2 = {r * (r + 1) // 2}")
        data[str((n, r, m))] = {"entries": len(laws), "lie_count": count.n_laws, "rank": rank}
    evidence.append("Lie counts: rank decisions certified exactly mod 2^31-1 for independence, "
                    "float64 gap >= 1e9 for dependence, re-checked at a second random point")
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see the sizes where the count and "
                       "the rank differ", counterexample={"sizes": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2023/linear2",
    paper="Two-layer linear network φ(U, V) = U Vᵀ, U ∈ ℝ^{n×r}, V ∈ ℝ^{m×r}: the entries of "
          "UᵀU − VᵀV are conserved, and there are no others independent of them.",
    statement="For every (n, r, m) in " + ", ".join(map(str, SIZES)) + ": each entry of "
              "UᵀU − VᵀV is proved conserved for every loss (criterion + prove_zero), and the "
              "number of independent laws (Lie count at a random point) equals the functional "
              "rank of those entries: r(r+1)/2 when r <= n + m, fewer (e.g. 14 for (2, 5, 2)) "
              "when r > n + m, where the entries themselves are dependent.  Completeness is "
              "verified (numeric rank evidence), not proved.",
    check=check,
    expect="verified",
)
