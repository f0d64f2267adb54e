"""marcotte2023/relu-deep: a deep ReLU network conserves, per hidden neuron, the squared norm of
its incoming weights (and bias) minus that of its outgoing weights, and nothing else."""

import numpy as np

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import check_law, count_laws, deep_relu, known_laws

PROVED_ON = [((2, 3, 2, 2), False), ((2, 2, 3, 2), True), ((1, 2, 2, 2, 1), True)]
RANDOM = dict(count=12, depth=(2, 4), widths=(2, 9), seed=2023)  # the notebook's Part D


def _architectures():
    rng = np.random.default_rng(RANDOM["seed"])
    out = []
    for _ in range(RANDOM["count"]):
        q = int(rng.integers(RANDOM["depth"][0], RANDOM["depth"][1] + 1))
        widths = tuple(int(w) for w in rng.integers(RANDOM["widths"][0],
                                                     RANDOM["widths"][1] + 1, size=q + 1))
        out.append((widths, bool(rng.random() < 0.5)))
    return out


def check():
    evidence, data = [], {"networks": []}
    for widths, bias in PROVED_ON:
        net = deep_relu(widths, bias=bias)
        laws = known_laws(net)
        if not all(check_law(net, law).verdict.proved for law in laws):
            return Outcome("refuted", evidence, data, corrected="a stated law is not conserved",
                           counterexample={"widths": widths, "bias": bias})
        evidence.append(f"{widths}{' with bias' if bias else ''}: the {len(laws)} neuron laws "
                        "proved conserved for every loss by the prover")
    ok = True
    for widths, bias in PROVED_ON + _architectures():
        net = deep_relu(widths, bias=bias)
        count = count_laws(net, seed=5)
        hidden = sum(widths[1:-1])
        route = "certificate" if "lower_bound" in count.evidence else "brackets"
        ok &= count.n_laws == hidden
        data["networks"].append({"widths": list(widths), "bias": bias, "D": net.dimension,
                                 "paths": len(net.components), "count": count.n_laws,
                                 "hidden": hidden, "route": route})
    evidence.append(f"Lie count = number of hidden neurons on all {len(data['networks'])} "
                    f"networks ({RANDOM['count']} random ones drawn as in the authors' Part D: "
                    "2–4 matrices, widths 2–9, bias with probability ½), up to D = "
                    f"{max(n['D'] for n in data['networks'])}"
                    if ok else "the Lie count differs from the number of hidden neurons")
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see networks",
                       counterexample={"networks": [n for n in data["networks"]
                                                    if n["count"] != n["hidden"]]})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2023/relu-deep",
    paper="Deep ReLU networks (on a region of fixed activations): per hidden neuron, the squared "
          "norm of its incoming weights minus that of its outgoing weights is conserved; the "
          "paper's code checks numerically that there are no others on random architectures.",
    statement="The neuron laws (incoming weights and bias, minus outgoing weights) are proved "
              "conserved for every loss on " + ", ".join(str(w) for w, _ in PROVED_ON) + "; the "
              "Lie count equals the number of hidden neurons on those and on 12 random networks "
              "of the authors' Part D distribution.  For widths >= 2 the count is certified "
              "without brackets (the gradient rank meets D minus the rank of the proved laws, "
              "an exact bound at any point); verified on sampled architectures, not proved for "
              "all.",
    check=check,
    expect="verified",
)
