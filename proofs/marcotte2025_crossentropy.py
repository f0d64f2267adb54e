"""marcotte2025/crossentropy: a softmax/cross-entropy output layer conserves the column sums of
its weight matrix."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import (Model, check_law, count_laws, crossentropy_layer, known_laws,
                                 law_rank)

SIZES = [(2, 1), (3, 2), (3, 4), (5, 3)]  # (classes c, inputs d)


def check():
    evidence, data = [], {}
    ok = True
    for c, d in SIZES:
        net = crossentropy_layer([c, d])
        laws = known_laws(net)
        proved = all(check_law(net, law).verdict.proved for law in laws)
        count, rank = count_laws(net, seed=3).n_laws, law_rank(laws, net.parameters)
        ok &= proved and count == rank == d
        data[str((c, d))] = {"proved": proved, "count": count, "stated_rank": rank}
        evidence.append(f"(c, d) = {(c, d)}: the {d} column sums {'proved' if proved else 'NOT'}"
                        f" conserved; Lie count {count}")
    # Why the softmax matters: with raw logits (every loss of Wx) a column sum is not conserved.
    raw = Model.from_text("W_0_0, W_1_0", ["W_0_0", "W_1_0"])
    refuted = check_law(raw, "W_0_0 + W_1_0").verdict.refuted
    evidence.append("with raw logits φ = W (any loss, not only functions of the centred logits) "
                    f"the column sum is {'refuted' if refuted else 'NOT refuted'}: the law "
                    "comes from the shift invariance of softmax")
    if not (ok and refuted):
        return Outcome("refuted", evidence, data, corrected="see sizes",
                       counterexample={"sizes": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2025/crossentropy",
    paper="A softmax/cross-entropy output layer conserves the column sums of its weight matrix "
          "(the loss is invariant to adding a constant to every logit).",
    statement="Reading the layer as φ(W) = (I − 𝟙𝟙ᵀ/c)W (cross-entropy sees only the centred "
              "logits): the d column sums Σ_i W_ij are proved conserved for every loss of the "
              "centred logits, and the Lie count is exactly d for (c, d) in "
              + ", ".join(map(str, SIZES)) + ".  With raw logits the sums are not conserved.",
    check=check,
    expect="verified",
)
