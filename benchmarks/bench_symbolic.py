"""Benchmark: derive and prove dI/dt for a 200-coordinate concrete loss and a 200-d abstract loss.

Target (issue 2): each under 2 s on one core. Prints wall time and peak Python memory.

    python benchmarks/bench_symbolic.py [--dim 200]
"""

import argparse
import time
import tracemalloc

import sympy
from sympy.core.cache import clear_cache

from inertia_verify import Dynamics, derive


def coupled_quartic(d: int) -> Dynamics:
    x = sympy.symbols(f"x0:{d}", real=True)
    c = sympy.Rational(1, 3)
    loss = sympy.Add(*[xi**4 / 4 - xi**2 / 2 for xi in x], *[c * x[i] * x[i + 1] for i in range(d - 1)])
    return Dynamics(loss, x, damping=sympy.Symbol("gamma", positive=True))


def measure(label: str, build) -> None:
    """Time one cold derivation (SymPy's cache cleared), then measure its peak memory in a second
    cold run: tracemalloc slows Python down, so it must not be on while timing."""
    clear_cache()
    start = time.perf_counter()
    result = derive(build())
    elapsed = time.perf_counter() - start
    assert result.matches_dissipation.proved, result.matches_dissipation
    clear_cache()
    tracemalloc.start()
    derive(build())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<32} {elapsed:7.3f} s   peak {peak / 2**20:7.1f} MiB   "
          f"rate == -γ‖v‖²: {result.matches_dissipation.status} ({result.matches_dissipation.method})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=200)
    args = parser.parse_args()
    print(f"derive + prove, d = {args.dim} (target < 2 s each)")
    measure(f"coupled quartic, d={args.dim}", lambda: coupled_quartic(args.dim))
    measure(f"abstract L, d={args.dim}", lambda: Dynamics.abstract(
        args.dim, damping=sympy.Symbol("gamma", positive=True)))


if __name__ == "__main__":
    main()
