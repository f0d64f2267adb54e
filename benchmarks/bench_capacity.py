"""Capacity (issue 15 §5): paths per second per core for every scheme, and what 10⁹ paths cost.

Prints the Markdown table of the README's "Capacity" section, so that the section can be
refreshed by pasting this script's output.  The problem: 10 coordinates, the loss
sum_i x_i**2/2 + x_i**4/4, scalar damping 0.1 (the noisy schemes add isotropic noise 0.5),
200 steps of dt = 0.01 per path, no energy bookkeeping, one worker (one core).  Each scheme runs
``--paths`` paths ``--repeat`` times; the figure is the best CPU time of this process (CPU time
counts only this process, so other load on a shared machine inflates it less than wall time;
the wall time of the same run is printed too).  The 10⁹-path column is that cost on one core,
then divided by N workers assuming N times the one-core throughput (the ideal; see
bench_parallel_interleaved.py for the ratio measured on this machine).

    python benchmarks/bench_capacity.py [--paths 20000] [--repeat 3] [--workers 1 2 16 64]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

D, STEPS, DT = 10, 200, 0.01


def _best(function, repeat):
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
    return best


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def main() -> None:
    from inertia_verify import Dynamics
    from inertia_verify.numeric import simulate, simulate_ensemble
    from inertia_verify.schemes import FIXED_STEP, SDE_SCHEMES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 16, 64])
    args = parser.parse_args()
    names = ",".join(f"x{i}" for i in range(D))
    loss = " + ".join(f"x{i}**2/2 + x{i}**4/4" for i in range(D))
    dyn = Dynamics.from_text(loss, names, damping="0.1")
    noisy = Dynamics.from_text(loss, names, damping="0.1", noise="0.5")
    theta0, v0 = np.linspace(0.5, 1.0, D), np.zeros(D)
    runs = {}
    for name in FIXED_STEP:
        runs[name] = lambda name=name: simulate(
            dyn, theta0, v0, STEPS * DT, DT, scheme=name, paths=args.paths, spread=0.1, seed=0,
            workers=1, energy_balance=False, check_stability=False, progress=False)
    for name in SDE_SCHEMES:
        runs[name] = lambda name=name: simulate_ensemble(
            noisy, theta0, v0, t_end=STEPS * DT, dt=DT, paths=args.paths, scheme=name,
            seed=0, records=1, workers=1)
    header = ["scheme", "paths/s per core", "wall s (CPU s)", "10⁹ paths, 1 core"] + \
        [f"on {n} workers" for n in args.workers if n > 1]
    print(f"{D} coordinates, quartic loss, scalar damping (noise 0.5 for the SDE schemes), "
          f"{STEPS} steps per path, {args.paths} paths per run, best of {args.repeat}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the start\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, run in runs.items():
        run()  # compile caches
        cpu, wall = _best(run, args.repeat)
        rate = args.paths / cpu
        billion = 1e9 / rate
        cells = [f"`{name}`", f"{rate:,.0f}", f"{wall:.2f} ({cpu:.2f})", _duration(billion)]
        cells += [_duration(billion / n) for n in args.workers if n > 1]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
