"""Benchmark: derive and prove dI/dt for a coupled quartic chain and an abstract loss, by dimension.

Targets: each under 2 s at d = 200 (issue 2); growth about linear in d, and a 5000-coordinate
polynomial loss with scalar damping in under 10 s (issue 15 §4).  For each system and dimension
it prints the time of one cold ``derive`` (SymPy's cache cleared; building the Dynamics from the
loss included, building the loss itself not: that is the caller's input), then of the sign check
``Derivation.dissipative`` and of the JSON payload (``to_dict`` + ``json.dumps``), as wall time and
as CPU time of this process (less sensitive to other processes on a shared machine).  Between
successive dimensions it prints the growth per doubling, ``(t2/t1) ** (log 2 / log(d2/d1))``
(2 for linear growth, 4 for quadratic), and at the end the exponent of the least-squares fit
``t ~ d**k`` over all dimensions (1 for linear growth).

    python benchmarks/bench_symbolic.py                  # d = 100, 300, 1000, 3000, 10000
    python benchmarks/bench_symbolic.py --dims 200 1000 5000
    python benchmarks/bench_symbolic.py --dim 200 --memory   # one dimension, with peak memory

Timings are only meaningful on a quiet machine: other processes inflate wall times unevenly.
"""

import argparse
import json
import math
import time
import tracemalloc

import sympy
from sympy.core.cache import clear_cache

from inertia_verify import Dynamics, derive

GAMMA = sympy.Symbol("gamma", positive=True)


def coupled_quartic(d: int):
    """The loss sum_i x_i**4/4 - x_i**2/2 + x_i x_{i+1}/3 and its coordinates."""
    x = sympy.symbols(f"x0:{d}", real=True)
    c = sympy.Rational(1, 3)
    loss = sympy.Add(*[xi**4 / 4 - xi**2 / 2 for xi in x],
                     *[c * x[i] * x[i + 1] for i in range(d - 1)])
    return lambda: Dynamics(loss, x, damping=GAMMA)


def abstract(d: int):
    return lambda: Dynamics.abstract(d, damping=GAMMA)


SYSTEMS = {"coupled quartic": coupled_quartic, "abstract L": abstract}


class Clock:
    """Wall and CPU seconds of one block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def timed(system, d: int) -> tuple[dict, object]:
    """One cold derivation, its sign check and its JSON payload, each timed."""
    build = system(d)
    clear_cache()
    times = {}
    with Clock() as c:
        result = derive(build())
    times["derive"] = c
    assert result.matches_dissipation.proved, result.matches_dissipation
    with Clock() as c:
        sign = result.dissipative
    times["dissipative"] = c
    assert sign.proved and sign.zero_set == result.dynamics.velocities, sign
    with Clock() as c:
        json.dumps(result.to_dict())
    times["json"] = c
    return times, result


def peak_memory(system, d: int) -> float:
    """Peak Python memory (MiB) of a second cold run: tracemalloc slows Python down, so it must
    not be on while timing."""
    build = system(d)
    clear_cache()
    tracemalloc.start()
    derive(build())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def per_doubling(d1: int, t1: float, d2: int, t2: float) -> float:
    """The factor by which the time grows when d doubles, between two measurements."""
    return (t2 / t1) ** (math.log(2) / math.log(d2 / d1))


def fitted_exponent(dims: list[int], times: list[float]) -> float:
    """The least-squares slope k of log t = k log d + c."""
    xs, ys = [math.log(d) for d in dims], [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[100, 300, 1000, 3000, 10000],
                        help="dimensions to time, increasing (default: 100 300 1000 3000 10000)")
    parser.add_argument("--dim", type=int, help="a single dimension (same as --dims DIM)")
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak Python memory (a second run per dimension)")
    args = parser.parse_args()
    dims = [args.dim] if args.dim else sorted(args.dims)
    print(f"cold derive + prove, d = {', '.join(map(str, dims))} (targets: < 2 s at d = 200, "
          "< 10 s at d = 5000, about 2x per doubling); wall / CPU seconds")
    for label, system in SYSTEMS.items():
        previous, totals = None, []
        for d in dims:
            times, result = timed(system, d)
            wall, cpu = times["derive"].wall, times["derive"].cpu
            line = f"{label + f', d={d}':<24} derive {wall:7.2f} / {cpu:7.2f} s"
            line += "".join(f"   {k} {c.wall:5.2f} / {c.cpu:5.2f}" for k, c in times.items()
                            if k != "derive")
            if previous is not None:
                d0, t0 = previous
                line += f"   x{per_doubling(d0, t0, d, cpu):4.2f} per doubling (CPU)"
            if args.memory:
                line += f"   peak {peak_memory(system, d):7.1f} MiB"
            print(line, flush=True)
            previous = (d, cpu)
            totals.append({k: (c.wall, c.cpu) for k, c in times.items()})
        if len(dims) > 1:
            for k in ("derive", "dissipative", "json"):
                wall = fitted_exponent(dims, [max(t[k][0], 1e-4) for t in totals])
                cpu = fitted_exponent(dims, [max(t[k][1], 1e-4) for t in totals])
                print(f"{label}: {k} time ~ d**k, fitted k = {wall:.2f} (wall), {cpu:.2f} (CPU)")
        verdict = result.matches_dissipation
        print(f"{label}: rate == -γ‖v‖²: {verdict.status} ({verdict.method}); dI/dt <= 0: "
              f"{result.dissipative.status} ({result.dissipative.method})", flush=True)


if __name__ == "__main__":
    main()
