"""Every core (issue 15 §1): ensemble throughput on N workers against 1, same seed, same bits.

1. Deterministic: compiled Verlet, 30 000 paths × 10 coordinates × 200 steps (bench_verlet's
   problem), ``simulate(..., workers=N)``.
2. Noisy: Euler–Maruyama, θ'' + θ' + θ = ξ, 10⁶ paths × 200 steps, ``simulate_ensemble``.

For each: seconds with 1 worker and with N (default: every core) on the default pool (worker
processes where ``inertia_verify.numeric._parallel`` allows, else threads; printed), the ratio,
and whether the results are bit-identical.  Best of ``--repeat`` runs (the machine may be
shared: run it when it is quiet).  Prints figures; asserts nothing.  Usage:
    python benchmarks/bench_parallel.py [--workers N] [--repeat 3] [--paths 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _best(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    from inertia_verify import Dynamics
    from inertia_verify.numeric import simulate, simulate_ensemble
    from inertia_verify.numeric._parallel import available_cores, choose_pool

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", type=int, default=10**6, help="paths of the noisy ensemble")
    args = parser.parse_args()
    n = args.workers
    print(f"cores available: {available_cores()}, workers compared: 1 and {n} "
          f"(pool: {choose_pool(n, n)})")

    d = 10
    names = ",".join(f"x{i}" for i in range(d))
    loss = " + ".join(f"x{i}**2/2 + x{i}**4/4" for i in range(d))
    dyn = Dynamics.from_text(loss, names, damping="0.1")
    theta0, v0 = np.linspace(0.5, 1.0, d), np.zeros(d)

    def det(w):
        return simulate(dyn, theta0, v0, 2.0, 0.01, paths=30000, spread=0.1, seed=0, workers=w,
                        energy_balance=False, check_stability=False)
    det(1)  # compile caches, page faults
    t1, r1 = _best(lambda: det(1), args.repeat)
    tn, rn = _best(lambda: det(n), args.repeat)
    same = np.array_equal(r1.inertia, rn.inertia) and np.array_equal(r1.final_theta,
                                                                     rn.final_theta)
    work = 30000 * 200
    print(f"verlet 30000 paths x {d} coords x 200 steps: 1 worker {t1:.2f} s "
          f"({work / t1:.3g} path-steps/s), {n} workers {tn:.2f} s ({work / tn:.3g} path-steps/s)"
          f": ratio {t1 / tn:.2f}x, bit-identical {same}")

    noisy = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")

    def sde(w):
        return simulate_ensemble(noisy, [1.0], [0.0], t_end=2.0, dt=0.01, paths=args.paths,
                                 seed=1, records=1, workers=w)
    t1, r1 = _best(lambda: sde(1), args.repeat)
    tn, rn = _best(lambda: sde(n), args.repeat)
    same = all(np.array_equal(r1.mean[k], rn.mean[k], equal_nan=True) for k in r1.mean)
    work = args.paths * 200
    print(f"euler-maruyama {args.paths} paths x 200 steps: 1 worker {t1:.2f} s "
          f"({work / t1:.3g} path-steps/s), {n} workers {tn:.2f} s ({work / tn:.3g} "
          f"path-steps/s): ratio {t1 / tn:.2f}x, bit-identical {same}")


if __name__ == "__main__":
    main()
