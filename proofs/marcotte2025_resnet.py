"""marcotte2025/resnet: a residual block has exactly the laws of the block without the skip."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import (check_law, count_laws, known_laws, residual_block,
                                 two_layer_relu)

SIZES = [(1, 1), (2, 2), (3, 2), (4, 3)]  # (n, r): x ∈ ℝⁿ, r neurons


def check():
    evidence, data = [], {}
    ok = True
    for n, r in SIZES:
        block, plain = residual_block([n, r]), two_layer_relu([n, r, n], bias=True)
        same = tuple(block.components) == tuple(plain.components)
        counts = (count_laws(block, seed=1).n_laws, count_laws(plain, seed=1).n_laws)
        proved = all(check_law(block, law).verdict.proved for law in known_laws(block))
        ok &= same and counts[0] == counts[1] == r and proved
        data[str((n, r))] = {"same_phi": same, "counts": counts, "proved": proved}
        evidence.append(f"(n, r) = {(n, r)}: same φ as the block without skip: {same}; counts "
                        f"{counts[0]} and {counts[1]}; the {r} neuron laws proved conserved")
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see sizes",
                       counterexample={"sizes": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2025/resnet",
    paper="A residual block x ↦ x + f(x; θ) has exactly the conservation laws of the block f "
          "without the skip connection.",
    statement="For the two-layer ReLU block x + U σ(Vᵀx + b) on a region of fixed activations, "
              "the skip adds x, which does not depend on θ, so φ is the same path products as "
              "without it (checked) and so are the laws: ‖u_j‖² − ‖v_j‖² − b_j², proved, and "
              "the Lie count r for (n, r) in " + ", ".join(map(str, SIZES)) + ".  This holds "
              "for any block: the skip never enters φ.",
    check=check,
    expect="verified",
)
