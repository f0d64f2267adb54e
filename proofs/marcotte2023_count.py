"""marcotte2023/count: the number of independent laws is D − dim Lie(W_φ)(θ) at a generic θ."""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import deep_linear, find_laws, matrix_factorisation, two_layer_relu

CASES = [("deep linear (3, 2, 4)", lambda: deep_linear([3, 2, 4]), {}),
         ("deep linear (2, 3, 2)", lambda: deep_linear([2, 3, 2]), {}),
         ("deep linear (2, 2, 2, 2)", lambda: deep_linear([2, 2, 2, 2]), {}),
         ("ReLU (2, 3, 2) with bias", lambda: two_layer_relu([2, 3, 2], bias=True), {}),
         ("NMF (2, 2, 3), mirror", lambda: matrix_factorisation([2, 2, 3]), {}),
         ("NMF (2, 2, 2), euclidean", lambda: matrix_factorisation([2, 2, 2]),
          {"metric": "euclidean"})]


def check():
    evidence, data, agree = [], {}, True
    for label, build, options in CASES:
        model = build()
        found = find_laws(model, 2, seed=5, **options)
        count = found.lie
        agree &= found.n_independent == count.n_laws
        evidence.append(f"{label}: D = {count.dimension}, dim Lie(W)(θ) = {count.lie_rank} → "
                        f"{count.n_laws} laws; exact polynomial search (degree <= 2) finds "
                        f"{len(found.laws)} laws, {found.n_independent} functionally independent")
        data[label] = {"D": count.dimension, "lie_rank": count.lie_rank,
                       "n_laws": count.n_laws, "polynomial_independent": found.n_independent}
    evidence.append("the polynomial laws are exact (null space lifted to ℚ and verified in "
                    "integer arithmetic) and independent at a random point, so they are a lower "
                    "bound that the Lie count must reach; equality on every case is consistent "
                    "with the theorem and shows the count is attained")
    evidence.append("the count itself is the Frobenius theorem (not re-proved here); the rank "
                    "is computed at random exact points (independence certified mod 2^31-1)")
    if not agree:
        return Outcome("refuted", evidence, data, corrected="the count differs from the laws "
                       "found", counterexample=data)
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2023/count",
    paper="Near a generic θ, the number of functionally independent conservation laws is "
          "D − dim Lie(W_φ)(θ) (Frobenius).",
    statement="On linear, ReLU (with bias) and NMF models (Euclidean and mirror), "
              "D − dim Lie(W)(θ) at a random point equals the number of functionally "
              "independent polynomial laws of degree <= 2 found exactly, so the count is "
              "attained by explicit laws (verified; the theorem itself is not re-proved).",
    check=check,
    expect="verified",
)
