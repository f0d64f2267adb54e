"""marcotte2023/relu2: a two-layer ReLU network conserves ‖u_j‖² − ‖v_j‖² per neuron, only."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import check_law, count_laws, known_laws, law_rank, two_layer_relu

SIZES = [(1, 1, 1), (2, 2, 2), (3, 2, 4), (2, 3, 2), (4, 3, 3), (2, 4, 5)]


def check():
    evidence, data, ok = [], {}, True
    for bias in (False, True):
        for n, r, m in SIZES:
            net = two_layer_relu([n, r, m], bias=bias)
            laws = known_laws(net)
            conserved = all(check_law(net, law).verdict.proved for law in laws)
            count = count_laws(net, seed=2)
            rank = law_rank(laws, net.parameters, seed=2)
            ok &= conserved and count.n_laws == rank == r
            key = f"{(n, r, m)}{' with bias' if bias else ''}"
            evidence.append(f"{key}: D = {net.dimension}, the {r} laws "
                            f"{'proved' if conserved else 'NOT'} conserved, Lie count "
                            f"{count.n_laws}, their functional rank {rank}")
            data[key] = {"lie_count": count.n_laws, "rank": rank, "neurons": r}
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see sizes",
                       counterexample={"sizes": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2023/relu2",
    paper="Two-layer ReLU network (on a region of fixed activations, φ = (u_j v_jᵀ)_j): "
          "‖u_j‖² − ‖v_j‖² per neuron, and no others.",
    statement="For (outputs, neurons, inputs) in " + ", ".join(map(str, SIZES)) + ", with and "
              "without bias (then ‖u_j‖² − ‖v_j‖² − b_j²): the r laws are proved conserved for "
              "every loss and the Lie count equals r, their functional rank (verified: numeric "
              "rank evidence at random points).",
    check=check,
    expect="verified",
)
