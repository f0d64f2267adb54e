"""Every core (issue 15 §1): throughput on N workers against 1, measured in interleaved rounds.

On a shared machine the load drifts between two measurements taken one after the other, so a
"best of 1 worker, then best of N workers" ratio mixes two loads.  Here each round times one run
with 1 worker, one with N workers on the default pool (worker processes where the rule of
``inertia_verify.numeric._parallel`` allows, which it prints) and one with N threads, back to
back (rotating which goes first), and the ratios are taken per round; the median ratio over
``--rounds`` rounds is printed with its range, beside the wall seconds.  CPU seconds / wall
seconds of an N-worker run says how many cores it actually got (2.0 on an idle 2-core machine;
less when other processes hold a core, and then the ratio is bounded by it, whatever the code
does); CPU seconds count this process and its finished worker processes, and their sum over
the N workers against the one worker's says how much work the pool adds.  The CPU time other
processes used during each run is read from ``/proc/stat``, and the ratios of the rounds where
it stayed below :data:`QUIET_CORES` cores are summarised apart (the figure an idle machine
gives).  The ceiling is measured in the same rounds: N independent copies of the 1-worker run at
once, in N processes, give N × (1-worker seconds) / (their seconds) times the throughput of one
(below N where the cores slow each other down: a lower clock with every core busy, a shared
cache or memory bus), and no split of one run can beat it.  The load average before and after
is printed: a ratio measured on a loaded machine says little.  No instruction
counter is used (none is available in a VM without a PMU), so every figure is a time.

Problems: compiled Verlet (30 000 paths x 10 coordinates x 200 steps, scalar damping; the system
compiled once before the rounds) and Euler–Maruyama (θ'' + θ' + θ = ξ, 10⁶ paths x 200 steps;
``simulate_ensemble`` compiles its system on every call, in the caller, about 1 % of a run);
that the results are bit-identical across worker counts and pools is checked each round.

    python benchmarks/bench_parallel_interleaved.py [--workers 2] [--rounds 5] [--chunk-paths N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np


#: A round counts as undisturbed when other processes used less than this many cores in each of
#: its runs (measured from /proc/stat: all CPU time of the machine less this process tree's).
QUIET_CORES = 0.1


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _busy() -> float | None:
    """CPU seconds all processes of the machine have used (Linux ``/proc/stat``; else None)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _timed(function):
    """Wall seconds, CPU seconds of this process tree, cores other processes used meanwhile."""
    wall, cpu, busy = time.perf_counter(), _cpu(), _busy()
    result = function()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    after = _busy()
    foreign = None if busy is None or after is None else max(0.0, (after - busy - cpu) / wall)
    return wall, cpu, result, foreign


def main() -> None:
    from inertia_verify import Dynamics
    from inertia_verify.numeric import compile_dynamics, simulate, simulate_ensemble
    from inertia_verify.numeric._parallel import (available_cores, choose_pool, map_in_order,
                                                  pool_default)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", type=int, default=10**6, help="paths of the noisy ensemble")
    parser.add_argument("--verbose", action="store_true", help="print every round")
    parser.add_argument("--chunk-paths", type=int, default=None,
                        help="chunk size passed to both drivers (default: theirs)")
    args = parser.parse_args()
    n = args.workers
    chunk = {} if args.chunk_paths is None else {"chunk_paths": args.chunk_paths}
    d = 10
    names = ",".join(f"x{i}" for i in range(d))
    # Compiled once, as a sweep or repeated runs would: the figure is the integration's
    # throughput, not lambdify's (a fixed cost of about 0.07 s that runs in the caller).
    dyn = compile_dynamics(Dynamics.from_text(" + ".join(f"x{i}**2/2 + x{i}**4/4"
                                                         for i in range(d)), names, damping="0.1"))
    theta0, v0 = np.linspace(0.5, 1.0, d), np.zeros(d)
    noisy = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")

    def verlet(w, pool=None):
        with pool_default(pool):
            return simulate(dyn, theta0, v0, 2.0, 0.01, paths=30000, spread=0.1, seed=0,
                            workers=w, energy_balance=False, check_stability=False, **chunk)

    def em(w, pool=None):
        with pool_default(pool):
            return simulate_ensemble(noisy, [1.0], [0.0], t_end=2.0, dt=0.01, paths=args.paths,
                                     seed=1, records=1, workers=w, **chunk)

    def same_verlet(a, b):
        return np.array_equal(a.inertia, b.inertia) and np.array_equal(a.final_theta,
                                                                       b.final_theta)

    def same_em(a, b):
        return all(np.array_equal(a.mean[k], b.mean[k], equal_nan=True) for k in a.mean)

    print(f"cores available: {available_cores()}, workers compared: 1 and {n} (default pool: "
          f"{choose_pool(n, n)}; and {n} threads), {args.rounds} interleaved rounds; load "
          f"average {os.getloadavg()[0]:.2f}", flush=True)
    runs = (("1", lambda run: run(1)), ("N", lambda run: run(n)),
            ("threads", lambda run: run(n, "threads")),
            ("copies", lambda run: map_in_order(lambda _: run(1) and None, range(n), n,
                                                pool="processes")))
    for label, run, same, work in (
            ("verlet 30000 paths x 10 coords x 200 steps", verlet, same_verlet, 30000 * 200),
            (f"euler-maruyama {args.paths} paths x 200 steps", em, same_em, args.paths * 200)):
        run(1)  # compile caches, page faults
        walls = {name: [] for name, _ in runs}
        cpus = {name: [] for name, _ in runs}
        cores = {name: [] for name, _ in runs}
        ratios = {"N": [], "threads": [], "copies": []}
        quiet = {"N": [], "threads": [], "copies": []}  # rounds no other process disturbed
        identical = True
        for r in range(args.rounds):
            order = runs[r % 4:] + runs[:r % 4]
            got = {name: _timed(lambda: call(run)) for name, call in order}
            for name, (wall, cpu, _, _) in got.items():
                walls[name].append(wall)
                cpus[name].append(cpu)
                cores[name].append(cpu / wall)
            calm = all(g[3] is not None and g[3] < QUIET_CORES for g in got.values())
            for name in ratios:
                ratios[name].append((n if name == "copies" else 1) * got["1"][0] / got[name][0])
                if calm:
                    quiet[name].append(ratios[name][-1])
                if name != "copies":
                    identical = identical and same(got["1"][2], got[name][2])
            if args.verbose:
                print(f"  round {r + 1}: " + ", ".join(
                    f"{name} {g[0]:.2f} s (cores got {g[1] / g[0]:.2f}, others used "
                    f"{'?' if g[3] is None else f'{g[3]:.2f}'})" for name, g in got.items()),
                    flush=True)
        med = statistics.median
        one = med(walls["1"])
        print(f"{label}: 1 worker {one:.2f} s ({work / one:.3g} path-steps/s); "
              f"{n} workers (default pool) {med(walls['N']):.2f} s, ratio median "
              f"{med(ratios['N']):.2f}x (range {min(ratios['N']):.2f}-{max(ratios['N']):.2f}), "
              f"cores got {med(cores['N']):.2f}; {n} threads {med(walls['threads']):.2f} s, "
              f"ratio median {med(ratios['threads']):.2f}x (range {min(ratios['threads']):.2f}-"
              f"{max(ratios['threads']):.2f}), cores got {med(cores['threads']):.2f}; "
              f"bit-identical {identical}; CPU s 1 worker {med(cpus['1']):.2f}, {n} workers "
              f"{med(cpus['N']):.2f}, {n} threads {med(cpus['threads']):.2f}; ceiling ({n} "
              f"independent 1-worker runs at once) {med(ratios['copies']):.2f}x", flush=True)
        print("  rounds where other processes used less than "
              f"{QUIET_CORES} core in every run: {len(quiet['N'])} of {args.rounds}" + (
                  f"; ratio median {n} workers {med(quiet['N']):.2f}x (range "
                  f"{min(quiet['N']):.2f}-{max(quiet['N']):.2f}), {n} threads "
                  f"{med(quiet['threads']):.2f}x, ceiling {med(quiet['copies']):.2f}x"
                  if quiet["N"] else ""), flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
