"""Every core (issue 15 §1): throughput on N threads against 1, measured in interleaved rounds.

On a shared machine the load drifts between two measurements taken one after the other, so a
"best of 1 worker, then best of N workers" ratio mixes two loads.  Here each round times one run
with 1 worker and one with N workers back to back (alternating which goes first), and the ratio
is taken per round; the median ratio over ``--rounds`` rounds is printed with its range, beside
the wall and CPU seconds.  CPU seconds / wall seconds of the N-worker run says how many cores
the run actually got (2.0 on an idle 2-core machine; less when other processes hold a core,
and then the ratio is bounded by it, whatever the code does).  No instruction counter is used
(none is available in a VM without a PMU), so every figure is a time.

Problems: compiled Verlet (30 000 paths x 10 coordinates x 200 steps, scalar damping) and
Euler–Maruyama (θ'' + θ' + θ = ξ, 10⁶ paths x 200 steps); results bit-identical across worker
counts is checked each round.

    python benchmarks/bench_parallel_interleaved.py [--workers 2] [--rounds 5] [--chunk-paths N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    from inertia_verify import Dynamics
    from inertia_verify.numeric import simulate, simulate_ensemble
    from inertia_verify.numeric._parallel import available_cores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", type=int, default=10**6, help="paths of the noisy ensemble")
    parser.add_argument("--chunk-paths", type=int, default=None,
                        help="chunk size passed to both drivers (default: theirs)")
    args = parser.parse_args()
    n = args.workers
    chunk = {} if args.chunk_paths is None else {"chunk_paths": args.chunk_paths}
    d = 10
    names = ",".join(f"x{i}" for i in range(d))
    dyn = Dynamics.from_text(" + ".join(f"x{i}**2/2 + x{i}**4/4" for i in range(d)), names,
                             damping="0.1")
    theta0, v0 = np.linspace(0.5, 1.0, d), np.zeros(d)
    noisy = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")

    def verlet(w):
        return simulate(dyn, theta0, v0, 2.0, 0.01, paths=30000, spread=0.1, seed=0, workers=w,
                        energy_balance=False, check_stability=False, **chunk)

    def em(w):
        return simulate_ensemble(noisy, [1.0], [0.0], t_end=2.0, dt=0.01, paths=args.paths,
                                 seed=1, records=1, workers=w, **chunk)

    def same_verlet(a, b):
        return np.array_equal(a.inertia, b.inertia) and np.array_equal(a.final_theta,
                                                                       b.final_theta)

    def same_em(a, b):
        return all(np.array_equal(a.mean[k], b.mean[k], equal_nan=True) for k in a.mean)

    print(f"cores available: {available_cores()}, workers compared: 1 and {n}, "
          f"{args.rounds} interleaved rounds")
    for label, run, same, work in (
            ("verlet 30000 paths x 10 coords x 200 steps", verlet, same_verlet, 30000 * 200),
            (f"euler-maruyama {args.paths} paths x 200 steps", em, same_em, args.paths * 200)):
        run(1)  # compile caches, page faults
        ratios, t1s, tns, cores, identical = [], [], [], [], True
        for r in range(args.rounds):
            order = (1, n) if r % 2 == 0 else (n, 1)
            got = {w: _timed(lambda: run(w)) for w in order}
            (w1, c1, r1), (wn, cn, rn) = got[1], got[n]
            ratios.append(w1 / wn)
            t1s.append(w1)
            tns.append(wn)
            cores.append(cn / wn)
            identical = identical and same(r1, rn)
        med = statistics.median
        print(f"{label}: 1 worker {med(t1s):.2f} s ({work / med(t1s):.3g} path-steps/s), "
              f"{n} workers {med(tns):.2f} s; ratio median {med(ratios):.2f}x "
              f"(range {min(ratios):.2f}-{max(ratios):.2f}); cores the {n}-worker run got "
              f"{med(cores):.2f}; bit-identical {identical}", flush=True)


if __name__ == "__main__":
    main()
