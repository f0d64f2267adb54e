"""marcotte2025/attention: one attention head conserves QᵀQ − KᵀK and VᵀV − OᵀO, and nothing
else; for several heads the paper leaves completeness open (the count is reported)."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import (attention_head, check_law, count_laws, known_laws, law_rank,
                                 multihead_attention)

SIZES = [(1, 1, 1), (2, 2, 1), (3, 2, 2), (2, 1, 3), (1, 2, 2)]  # (d, k, dv)
HEADS = [(2, 2, 1, 1), (2, 3, 2, 1), (3, 2, 1, 1)]  # (H, d, k, dv)


def check():
    evidence, data = [], {"single": {}, "multi": {}}
    for sizes in SIZES[:3]:
        net = attention_head(sizes)
        if not all(check_law(net, law).verdict.proved for law in known_laws(net)):
            return Outcome("refuted", evidence, data, corrected="a stated law is not conserved",
                           counterexample={"sizes": sizes})
    evidence.append(f"the entries of QᵀQ − KᵀK and VᵀV − OᵀO proved conserved for every loss "
                    f"for (d, k, dv) in {SIZES[:3]}")
    ok = True
    for sizes in SIZES:
        net = attention_head(sizes)
        count, rank = count_laws(net, seed=7).n_laws, law_rank(known_laws(net), net.parameters)
        ok &= count == rank
        data["single"][str(sizes)] = {"count": count, "stated_rank": rank, "D": net.dimension}
    evidence.append("one head: Lie count = functional rank of the stated laws for (d, k, dv) in "
                    f"{SIZES}" if ok else "one head: the Lie count exceeds the stated laws")
    for sizes in HEADS:
        net = multihead_attention(sizes)
        count, rank = count_laws(net, seed=7).n_laws, law_rank(known_laws(net), net.parameters)
        data["multi"][str(sizes)] = {"count": count, "stated_rank": rank, "D": net.dimension}
        evidence.append(f"{sizes[0]} heads (d, k, dv) = {sizes[1:]} with φ = (Q_h K_hᵀ, "
                        f"V_h O_hᵀ)_h: Lie count {count}, per-head laws of rank {rank}")
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see single",
                       counterexample={"sizes": data["single"]})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2025/attention",
    paper="A single attention head, parametrised by Q, K, V, O through QKᵀ and VOᵀ: the entries "
          "of QᵀQ − KᵀK and VᵀV − OᵀO are conserved, and there are no others. For several heads "
          "the paper leaves completeness open.",
    statement="With φ = (QKᵀ, VOᵀ): the stated entries are proved conserved for every loss on "
              "three sizes, and the Lie count equals their functional rank for (d, k, dv) in "
              + ", ".join(map(str, SIZES)) + " (verified at these sizes, not proved for all). "
              "With H heads read as φ = (Q_h K_hᵀ, V_h O_hᵀ)_h (separate softmaxes, O_h the "
              "block of the output projection for head h) the count on the sizes tried equals "
              "the rank of the per-head laws; that reading makes the heads independent, which "
              "may not be the parametrisation for which the paper leaves the question open.",
    check=check,
    expect="verified",
)
