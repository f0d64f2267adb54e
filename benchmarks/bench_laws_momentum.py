"""Momentum counts as a table: two-layer linear networks φ = U Vᵀ (U n×r, V m×r), gradient flow
against the heavy ball with τ = 0, τ = 1 and τ = 3/t (Marcotte, Gribonval, Peyré 2024, § 6; the
authors' code never runs τ = 3/t).

Each row is computed by the Lie-algebra count; the closed forms printed below the table are
*inferred* from these counts and checked on the sizes computed, not proved:

* gradient flow: r(r+1)/2 when r <= min(n, m); nr + mr − 1 when n = m = 1 (φ is a scalar);
* momentum (every τ tried): r(r−1)/2 (the angular momenta of the O(r) symmetry), except when
  n = m = 1 (φ = uᵀv), where it is 4r − 6 for r >= 2 (the Lie algebra of the drift and the one
  loss field has rank 7 in the 4r + 1-dimensional phase space) — more than gradient flow's
  2r − 1 as soon as r >= 3.

Run: python benchmarks/bench_laws_momentum.py [--largest 3]
"""

from __future__ import annotations

import argparse
import itertools
import time

from inertia_verify.laws import count_laws, deep_linear

TAUS = (0, 1, "3/t")


def inferred(n: int, r: int, m: int) -> tuple[int | None, int]:
    """(gradient, momentum) by the inferred closed forms (None: no form inferred)."""
    if n == m == 1:
        return 2 * r - 1, 4 * r - 6 if r >= 2 else 0
    gradient = r * (r + 1) // 2 if r <= min(n, m) else None
    return gradient, r * (r - 1) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--largest", type=int, default=3, help="largest n, r, m (default 3)")
    args = parser.parse_args()
    sizes = list(itertools.product(range(1, args.largest + 1), repeat=3))
    sizes += [(1, r, 1) for r in range(args.largest + 1, args.largest + 3)]
    print(f"{'(n, r, m)':<11} {'D':>3} {'gradient':>8} " + " ".join(f"{'τ=' + str(t):>7}"
                                                                    for t in TAUS)
          + f" {'inferred':>9} {'seconds':>8}")
    disagree, start_all = 0, time.perf_counter()
    for n, r, m in sizes:
        start = time.perf_counter()
        net = deep_linear([n, r, m])
        gradient = count_laws(net).n_laws
        momentum = [count_laws(net, "momentum", tau=t).n_laws for t in TAUS]
        form_g, form_m = inferred(n, r, m)
        ok = (form_g is None or form_g == gradient) and all(c == form_m for c in momentum)
        disagree += not ok
        print(f"{str((n, r, m)):<11} {net.dimension:>3} {gradient:>8} "
              + " ".join(f"{c:>7}" for c in momentum)
              + f" {str(form_g) + '/' + str(form_m):>9} {time.perf_counter() - start:>8.2f}"
              + ("" if ok else "  <-- the inferred form fails"))
    print(f"\n{len(sizes)} sizes in {time.perf_counter() - start_all:.1f} s; the inferred closed "
          f"forms {'hold on every size computed' if not disagree else f'fail on {disagree}'} "
          "(verified for these sizes, not proved)")


if __name__ == "__main__":
    main()
