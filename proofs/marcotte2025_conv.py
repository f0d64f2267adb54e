"""marcotte2025/conv: a convolutional ReLU layer with c₁ output channels has exactly c₁ laws."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import check_law, conv_relu, count_laws, known_laws

SIZES = [(1, 1, 2, 1), (2, 2, 3, 2), (1, 3, 2, 2), (3, 2, 4, 3), (2, 4, 5, 9)]  # (n, c, p, s)


def check():
    evidence, data = [], {}
    ok = True
    for n, c, p, s in SIZES:
        net = conv_relu([n, c, p, s])
        laws = known_laws(net)
        proved = (all(check_law(net, law).verdict.proved for law in laws)
                  if net.dimension <= 30 else None)
        count = count_laws(net, seed=3)
        ok &= count.n_laws == c and proved is not False and net.paths.balanced().all()
        data[str((n, c, p, s))] = {"count": count.n_laws, "channels": c, "D": net.dimension,
                                   "prover": proved}
        evidence.append(f"(n, c, p, s) = {(n, c, p, s)}, D = {net.dimension}: Lie count "
                        f"{count.n_laws} for {c} channels; the channel laws "
                        + ("proved by the prover" if proved else "proved by the exact "
                           "path-balance test"))
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see sizes",
                       counterexample={"sizes": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2025/conv",
    paper="A convolutional ReLU layer (c₁ output channels) has exactly c₁ conservation laws: per "
          "output channel, the squared norm of its incoming kernel (and bias) minus the squared "
          "norm of its outgoing weights.",
    statement="A conv layer with bias (c channels, kernel size s, p positions) followed by a "
              "linear layer to n outputs, on a region of fixed activations (φ = the path "
              "products U[a,(c,p)]·K[c,t] and U[a,(c,p)]·b_c, weights shared across positions): "
              "‖K_c‖² + b_c² − Σ_p ‖U[:, (c,p)]‖² is conserved (proved) and the Lie count is "
              "exactly c (certified) for (n, c, p, s) in " + ", ".join(map(str, SIZES))
              + "; verified at these sizes.",
    check=check,
    expect="verified",
)
