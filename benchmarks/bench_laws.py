"""Benchmark: counting conservation laws of random networks (Marcotte et al. 2023, § 5).

20 random deep linear networks (2–4 matrices, widths 2–5) and 20 random two-layer ReLU networks
(widths 2–5, half with a bias), gradient flow.  Each count D − dim Lie(W)(θ) is compared with
the functional rank of the laws the paper states, at a random point.  The authors' SageMath code
took tens of CPU-hours for a few dozen small networks.

Run: python benchmarks/bench_laws.py [--seed 0] [--momentum]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from inertia_verify.laws import count_laws, deep_linear, two_layer_relu
from inertia_verify.laws._known import known_laws, law_rank


def networks(seed: int):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(20):
        q = int(rng.integers(2, 5))
        out.append(("linear", deep_linear([int(w) for w in rng.integers(2, 6, size=q + 1)])))
    for i in range(20):
        widths = [int(w) for w in rng.integers(2, 6, size=3)]
        out.append(("relu", two_layer_relu(widths, bias=bool(i % 2))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--momentum", action="store_true",
                        help="also count momentum laws (τ = 1) on the ReLU networks")
    args = parser.parse_args()
    total, mismatches = 0.0, 0
    print(f"{'model':<40} {'D':>4} {'laws':>5} {'stated':>6} {'brackets':>8} {'depth':>5} "
          f"{'seconds':>8}")
    for _, model in networks(args.seed):
        start = time.perf_counter()
        count = count_laws(model, seed=args.seed)
        seconds = time.perf_counter() - start
        total += seconds
        stated = law_rank(known_laws(model), model.parameters, seed=args.seed)
        mismatches += stated != count.n_laws
        flag = "" if stated == count.n_laws else "  <-- differs"
        print(f"{model.name:<40} {model.dimension:>4} {count.n_laws:>5} {stated:>6} "
              f"{count.brackets:>8} {count.depth:>5} {seconds:>8.3f}{flag}")
    print(f"\n40 networks counted in {total:.2f} s (count only; the stated-law rank is extra); "
          f"{mismatches} count(s) differ from the rank of the stated laws")
    if args.momentum:
        start = time.perf_counter()
        counts = [count_laws(m, "momentum", tau=1).n_laws for kind, m in networks(args.seed)
                  if kind == "relu"]
        print(f"momentum (τ = 1) on the 20 ReLU networks: laws {counts}, "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
