"""Benchmark: derive and prove dI/dt for a coupled quartic chain and an abstract loss, by dimension.

Targets: each under 2 s at d = 200 (issue 2); growth about linear in d, and a 5000-coordinate
polynomial loss in under 10 s (issue 15 §4).  For each system it prints the wall time of one
cold ``derive`` (building the Dynamics included, SymPy's cache cleared) at every dimension, and
between successive dimensions the time ratio per doubling, ``(t2/t1) ** (log 2 / log(d2/d1))``:
2 for linear growth, 4 for quadratic.

    python benchmarks/bench_symbolic.py                  # d = 200, 1000, 5000
    python benchmarks/bench_symbolic.py --dims 100 1000 10000
    python benchmarks/bench_symbolic.py --dim 200 --memory   # one dimension, with peak memory

Timings are only meaningful on a quiet machine: other processes inflate them unevenly.
"""

import argparse
import math
import time
import tracemalloc

import sympy
from sympy.core.cache import clear_cache

from inertia_verify import Dynamics, derive

GAMMA = sympy.Symbol("gamma", positive=True)


def coupled_quartic(d: int) -> Dynamics:
    x = sympy.symbols(f"x0:{d}", real=True)
    c = sympy.Rational(1, 3)
    loss = sympy.Add(*[xi**4 / 4 - xi**2 / 2 for xi in x],
                     *[c * x[i] * x[i + 1] for i in range(d - 1)])
    return Dynamics(loss, x, damping=GAMMA)


def abstract(d: int) -> Dynamics:
    return Dynamics.abstract(d, damping=GAMMA)


SYSTEMS = {"coupled quartic": coupled_quartic, "abstract L": abstract}


def timed(build, d: int) -> tuple[float, object]:
    """One cold derivation (SymPy's cache cleared, the Dynamics built inside the timing)."""
    clear_cache()
    start = time.perf_counter()
    result = derive(build(d))
    elapsed = time.perf_counter() - start
    assert result.matches_dissipation.proved, result.matches_dissipation
    return elapsed, result


def peak_memory(build, d: int) -> float:
    """Peak Python memory (MiB) of a second cold run: tracemalloc slows Python down, so it must
    not be on while timing."""
    clear_cache()
    tracemalloc.start()
    derive(build(d))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def per_doubling(d1: int, t1: float, d2: int, t2: float) -> float:
    """The factor by which the time grows when d doubles, between two measurements."""
    return (t2 / t1) ** (math.log(2) / math.log(d2 / d1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[200, 1000, 5000],
                        help="dimensions to time, increasing (default: 200 1000 5000)")
    parser.add_argument("--dim", type=int, help="a single dimension (same as --dims DIM)")
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak Python memory (a second run per dimension)")
    args = parser.parse_args()
    dims = [args.dim] if args.dim else sorted(args.dims)
    print(f"cold derive + prove, d = {', '.join(map(str, dims))} "
          "(targets: < 2 s at d = 200, < 10 s at d = 5000, about 2x per doubling)")
    for label, build in SYSTEMS.items():
        previous = None
        for d in dims:
            elapsed, result = timed(build, d)
            line = f"{label + f', d={d}':<28} {elapsed:8.3f} s"
            if previous is not None:
                d0, t0 = previous
                line += f"   x{per_doubling(d0, t0, d, elapsed):4.2f} per doubling since d={d0}"
            if args.memory:
                line += f"   peak {peak_memory(build, d):7.1f} MiB"
            verdict = result.matches_dissipation
            print(line + f"   rate == -γ‖v‖²: {verdict.status} ({verdict.method})", flush=True)
            previous = (d, elapsed)


if __name__ == "__main__":
    main()
