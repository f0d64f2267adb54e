"""Benchmark: the whole experiment of Marcotte, Gribonval, Peyré 2023 (their notebook's Parts C, D).

Part C: 50 random deep linear networks, 2–4 matrices, widths 2–5.  Part D: 50 random ReLU
networks on a region of fixed activations, 2–4 matrices, widths 2–9, a bias on every hidden
neuron with probability ½.  Each count D − dim Lie(W)(θ) is compared with the closed form of the
known laws: for linear networks the functional rank of the entries of U_iᵀU_i − U_(i+1)U_(i+1)ᵀ
(their notebook computes the same rank numerically), for ReLU networks the number of hidden
neurons.  Then the degree-2 polynomial search (``find_laws``) runs on the 10 networks of each part
with the fewest parameters (it grows as D² unknowns × N components, and the larger ReLU
networks exceed its dense limit).

The authors report about 34 min (Part C) and 1 h 53 min (Part D) on 64 threads of SageMath.

Run: python benchmarks/bench_laws_authors.py [--seed 0] [--no-find]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from inertia_verify.laws import (count_laws, deep_linear, deep_relu, find_laws, known_laws,
                                 law_rank)


def part_c(rng):
    out = []
    for _ in range(50):
        q = int(rng.integers(2, 5))
        out.append(deep_linear([int(w) for w in rng.integers(2, 6, size=q + 1)]))
    return out


def part_d(rng):
    out = []
    for _ in range(50):
        q = int(rng.integers(2, 5))
        widths = [int(w) for w in rng.integers(2, 10, size=q + 1)]
        out.append(deep_relu(widths, bias=bool(rng.random() < 0.5)))
    return out


def closed_form(model) -> int:
    if model.name.startswith("deep linear"):
        return law_rank(known_laws(model), model.parameters)
    return sum(model.widths[1:-1])  # one law per hidden neuron


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-find", action="store_true", help="skip the polynomial search")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    parts = {"C (deep linear)": part_c(rng), "D (deep ReLU)": part_d(rng)}
    grand, mismatches = 0.0, 0
    for part, models in parts.items():
        print(f"\nPart {part}")
        print(f"{'model':<44} {'D':>4} {'N':>6} {'laws':>5} {'closed':>6} {'route':>11} "
              f"{'seconds':>8}")
        total = 0.0
        for model in models:
            start = time.perf_counter()
            count = count_laws(model, seed=args.seed)
            seconds = time.perf_counter() - start
            total += seconds
            expected = closed_form(model)
            mismatches += expected != count.n_laws
            route = "certificate" if "lower_bound" in count.evidence else "brackets"
            flag = "" if expected == count.n_laws else "  <-- differs"
            print(f"{model.name:<44} {model.dimension:>4} {len(model.components):>6} "
                  f"{count.n_laws:>5} {expected:>6} {route:>11} {seconds:>8.3f}{flag}")
        grand += total
        print(f"Part {part}: 50 counts in {total:.2f} s")
    print(f"\nAll 100 counts: {grand:.2f} s; {mismatches} differ from the closed form")
    if args.no_find:
        return
    for part, models in parts.items():
        smallest = sorted(models, key=lambda m: m.dimension)[:10]
        print(f"\nDegree-2 polynomial search, part {part}, the 10 networks with the fewest "
              "parameters")
        total = 0.0
        for model in smallest:
            start = time.perf_counter()
            found = find_laws(model, 2, seed=args.seed)
            seconds = time.perf_counter() - start
            total += seconds
            verdict = "complete" if found.complete else "NOT all laws"
            print(f"{model.name:<44} {model.dimension:>4} found {found.n_independent:>3} of "
                  f"{found.lie.n_laws:>3} ({verdict}; {found.unknowns} unknowns) "
                  f"{seconds:>8.3f} s")
        print(f"search total: {total:.2f} s")


if __name__ == "__main__":
    main()
