"""SDE ensemble benchmark: Euler–Maruyama on a 1-D harmonic Langevin system.

θ'' + γθ' + θ = σ ξ(t), γ = σ = 1, θ(0) = 1, v(0) = 0, dt = 0.01, 1000 steps.

1. 10⁶ paths with the toolkit (simulate_ensemble) against a hand-written NumPy loop of the same
   scheme, measured in the same run, each in its own subprocess (peak RSS reported per process).
2. 10⁷ paths in chunks (memory bounded by the chunk, not by the number of paths).

Prints figures; asserts nothing (speed is not a test).  Usage:
    python benchmarks/bench_sde.py [--paths 1000000] [--big 10000000] [--steps 1000]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

GAMMA, SIGMA, DT = 1.0, 1.0, 0.01


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def worker_toolkit(paths: int, steps: int, chunk: int, scheme: str) -> dict:
    from inertia_verify import Dynamics
    from inertia_verify import simulate_ensemble

    dyn = Dynamics.from_text("x**2/2", "x", damping=str(GAMMA), noise=str(SIGMA))
    base = _peak_mb()
    start = time.perf_counter()
    run = simulate_ensemble(dyn, [1.0], [0.0], t_end=steps * DT, dt=DT, paths=paths,
                            scheme=scheme, seed=1, records=1, chunk_paths=chunk)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "mean_I": float(run.mean["inertia"][-1]),
            "stderr_I": float(run.stderr["inertia"][-1]), "peak_rss_mb": _peak_mb(),
            "rss_before_mb": base, "chunk_paths": run.chunk_paths, "status": run.status}


def worker_numpy(paths: int, steps: int) -> dict:
    import numpy as np

    base = _peak_mb()
    start = time.perf_counter()
    rng = np.random.default_rng(1)
    theta = np.ones(paths)
    v = np.zeros(paths)
    root = math.sqrt(DT)
    for _ in range(steps):
        xi = rng.standard_normal(paths)
        a = -GAMMA * v - theta
        theta += DT * v
        v += DT * a + SIGMA * root * xi
    inertia = 0.5 * v * v + 0.5 * theta * theta
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "mean_I": float(inertia.mean()),
            "stderr_I": float(inertia.std(ddof=1) / math.sqrt(paths)), "peak_rss_mb": _peak_mb(),
            "rss_before_mb": base}


def _spawn(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=10**6)
    parser.add_argument("--big", type=int, default=10**7)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=262144)
    parser.add_argument("--worker", nargs="*")
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "numpy":
            result = worker_numpy(int(rest[0]), int(rest[1]))
        else:
            result = worker_toolkit(int(rest[0]), int(rest[1]), int(rest[2]), rest[3])
        print(json.dumps(result))
        return

    exact_limit = SIGMA**2 / (2 * GAMMA)
    print(f"harmonic Langevin, gamma = sigma = 1, dt = {DT}, {args.steps} steps "
          f"(t_end = {args.steps * DT:g}; stationary E[I] = {exact_limit})")
    hand = _spawn("numpy", str(args.paths), str(args.steps))
    mine = _spawn("toolkit", str(args.paths), str(args.steps), str(args.chunk), "euler-maruyama")
    whole = _spawn("toolkit", str(args.paths), str(args.steps), str(args.paths), "euler-maruyama")
    for label, r in (("hand-written NumPy loop", hand),
                     (f"toolkit EM, chunks of {mine['chunk_paths']}", mine),
                     (f"toolkit EM, one chunk of {whole['chunk_paths']}", whole)):
        print(f"  {label:42s} {args.paths:>9d} paths: {r['seconds']:7.2f} s, peak RSS "
              f"{r['peak_rss_mb']:7.1f} MB, E[I](T) = {r['mean_I']:.5f} ± {r['stderr_I']:.5f}")
    print(f"  ratio toolkit / hand-written: {mine['seconds'] / hand['seconds']:.3f} (chunked), "
          f"{whole['seconds'] / hand['seconds']:.3f} (one chunk)")
    baoab = _spawn("toolkit", str(args.paths), str(args.steps), str(args.chunk), "baoab")
    print(f"  toolkit BAOAB, chunks of {baoab['chunk_paths']}: {baoab['seconds']:7.2f} s, peak RSS "
          f"{baoab['peak_rss_mb']:7.1f} MB, E[I](T) = {baoab['mean_I']:.5f} ± "
          f"{baoab['stderr_I']:.5f}")
    if args.big:
        big = _spawn("toolkit", str(args.big), str(args.steps), str(args.chunk), "euler-maruyama")
        print(f"  toolkit EM {args.big} paths in chunks of {big['chunk_paths']}: "
              f"{big['seconds']:7.1f} s, peak RSS {big['peak_rss_mb']:.1f} MB "
              f"(interpreter + imports before the run: {big['rss_before_mb']:.1f} MB), "
              f"E[I](T) = {big['mean_I']:.6f} ± {big['stderr_I']:.6f}, {big['status']}")


if __name__ == "__main__":
    main()
