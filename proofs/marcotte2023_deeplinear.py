"""marcotte2023/deeplinear: U_iᵀU_i − U_{i+1}U_{i+1}ᵀ are conserved for deep linear networks;
are they all the laws?  Checked on random architectures."""

import numpy as np

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import check_law, count_laws, deep_linear, known_laws, law_rank

# Conservation is proved on these; completeness is compared on them and on the random ones.
PROVED_ON = [(2, 2, 2, 2), (3, 2, 1, 2)]
RANDOM = dict(count=8, depth=(3, 4), widths=(1, 4), seed=2023)
SCALAR_OUTPUT = (1, 2, 2, 4, 1)  # n0 = nq = 1: φ is a scalar


def _architectures():
    rng = np.random.default_rng(RANDOM["seed"])
    out = []
    for _ in range(RANDOM["count"]):
        q = int(rng.integers(RANDOM["depth"][0], RANDOM["depth"][1] + 1))
        out.append(tuple(int(w) for w in rng.integers(RANDOM["widths"][0],
                                                       RANDOM["widths"][1] + 1, size=q + 1)))
    return out


def check():
    evidence, data = [], {"complete": [], "incomplete": []}
    for widths in PROVED_ON:
        net = deep_linear(widths)
        laws = known_laws(net)
        verdicts = [check_law(net, law).verdict for law in laws]
        if not all(v.proved for v in verdicts):
            return Outcome("refuted", evidence, data, corrected="a stated law is not conserved",
                           counterexample={"widths": widths})
        evidence.append(f"{widths}: all {len(laws)} entries of U_iᵀU_i − U_(i+1)U_(i+1)ᵀ proved "
                        "conserved for every loss")
    for widths in PROVED_ON + _architectures() + [SCALAR_OUTPUT]:
        net = deep_linear(widths)
        count = count_laws(net, seed=3)
        rank = law_rank(known_laws(net), net.parameters, seed=3)
        key = "complete" if count.n_laws == rank else "incomplete"
        data[key].append({"widths": list(widths), "D": net.dimension, "lie_count": count.n_laws,
                          "known_rank": rank})
    incomplete = data["incomplete"]
    evidence.append(f"completeness (Lie count = functional rank of the stated laws) on "
                    f"{len(data['complete'])} of {len(data['complete']) + len(incomplete)} "
                    f"architectures (3–4 matrices, widths 1–4, random ones from seed "
                    f"{RANDOM['seed']})")
    for item in incomplete:
        evidence.append(f"  more laws than stated for widths {tuple(item['widths'])}: Lie count "
                        f"{item['lie_count']} > {item['known_rank']} (D = {item['D']})")
    scalar = [item for item in incomplete if item["widths"][0] == item["widths"][-1] == 1]
    wide = [item for item in incomplete if min(item["widths"]) >= 2]
    evidence.append(f"{len(scalar)} of the {len(incomplete)} incomplete cases have a scalar "
                    f"output (n0 = nq = 1); {len(wide)} have all widths >= 2")
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2023/deeplinear",
    paper="Deep linear network φ = U₁U₂⋯U_q: the entries of U_iᵀU_i − U_{i+1}U_{i+1}ᵀ are "
          "conserved (the paper's code checks completeness numerically on random "
          "architectures).",
    statement="The entries are proved conserved for every loss on " + ", ".join(map(str, PROVED_ON))
              + ".  Completeness (no other independent law) holds, by the Lie count, on the "
              "architectures tried (2 fixed and 8 random of depth 3–4, widths 1–4), but fails "
              "for a scalar output, e.g. widths (1, 2, 2, 4, 1): its one field ∇φ leaves "
              "D − 1 = 17 laws, only 15 of them spanned by the stated ones.  Verified on sampled "
              "architectures, not proved.",
    check=check,
    expect="verified",
)
