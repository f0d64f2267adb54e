"""marcotte2023/polynomial: polynomial laws up to a degree by linear algebra on coefficients."""

from inertia_verify.catalogue import Claim, outcome_from_verdicts
from inertia_verify.laws import (check_law, deep_linear, find_laws, law_rank,
                                 matrix_factorisation, two_layer_relu)

CASES = [("deep linear (2, 2, 3)", deep_linear([2, 2, 3]), 2, {}),
         ("ReLU (2, 2, 2)", two_layer_relu([2, 2, 2]), 3, {}),
         ("NMF (2, 2, 2), mirror", matrix_factorisation([2, 2, 2]), 2, {}),
         ("deep linear (1, 2, 1), momentum τ = 1", deep_linear([1, 2, 1]), 2,
          {"flow": "momentum", "tau": 1})]


def check():
    parts, extra = [], []
    for label, model, degree, options in CASES:
        found = find_laws(model, degree, compare=False, seed=4, **options)
        extra.append(f"{label}: degree <= {degree}, {found.unknowns} unknown coefficients, "
                     f"{found.equations} equations; {len(found.laws)} laws "
                     f"({found.evidence['method']})")
        for law in found.laws:
            parts.append((f"{label}: {law}", check_law(model, law, **options).verdict))
        if "flow" not in options:
            rank = law_rank(found.laws, model.parameters, seed=4)
            note = (": the rest are polynomials in lower-degree laws (e.g. their squares), "
                    "since the search returns a basis of the vector space of polynomial laws"
                    if rank < len(found.laws) else "")
            extra.append(f"  functional rank {rank} of the {len(found.laws)}{note}")
    return outcome_from_verdicts(parts, extra=extra)


CLAIM = Claim(
    id="marcotte2023/polynomial",
    paper="Polynomial conservation laws up to a given degree are found by linear algebra: write a "
          "generic polynomial with unknown coefficients and impose ⟨∇P, ∇φ_j⟩ = 0 coefficient "
          "by coefficient.",
    statement="find_laws builds that linear system exactly (integer coefficients), solves it "
              "modulo 2^31-1, lifts the basis to ℚ and verifies it exactly; every law it returns "
              "on a linear (degree 2), ReLU (degree 3), NMF-mirror and a momentum (time-"
              "dependent, τ = 1) case is independently proved conserved by the criterion and "
              "prove_zero.",
    check=check,
    expect="proved",
)
