"""Benchmark: the inequality routes of issue 12 §6 (figures that print, not timed tests).

Targets: the sign of dI/dt for a 50-coordinate quadratic form with symbolic entries < 1 s; an SOS
certificate for a degree-4 polynomial in 6 variables < 10 s including the exact check; each
worst-case rate computation with n <= 10 steps < 2 s.  Each figure is one cold run (SymPy's cache
cleared) on one process.

    python benchmarks/bench_inequalities.py
"""

import random
import time

import sympy
from sympy.core.cache import clear_cache

from inertia_verify import Dynamics, derive, prove_nonnegative, worst_case_rate
from inertia_verify._inequalities import check_certificate


def timed(label, target, work):
    clear_cache()
    start = time.perf_counter()
    outcome = work()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:7.3f} s  (target < {target} s)  {outcome}")


def _tridiagonal(d):
    t = sympy.zeros(d, d)
    for i in range(d):
        t[i, i] = 2
        if i + 1 < d:
            t[i, i + 1] = t[i + 1, i] = sympy.Rational(1, 2)
    return t


def sign_symbolic(d=50):
    """dI/dt = -vᵀΓv for Γ = g·T, g >= 0 a symbol and T the rational tridiagonal [1/2, 2, 1/2]
    (the derivation and the verdict, as ``derive`` reports them)."""
    x = sympy.symbols(f"x0:{d}", real=True)
    g = sympy.Symbol("g", nonnegative=True)
    dyn = Dynamics(sum(xi**2 for xi in x) / 2, x, damping=g * _tridiagonal(d), parameters=[g])
    verdict = derive(dyn).dissipative
    return f"{verdict.status} ({verdict.method})"


def sign_rational(d=50, dense=False):
    """The same with a rational Γ: tridiagonal, or dense random symmetric positive definite."""
    x = sympy.symbols(f"x0:{d}", real=True)
    if dense:
        rng = random.Random(0)
        a = sympy.Matrix(d, d, lambda i, j: sympy.Rational(rng.randint(-3, 3), 4))
        gamma = a * a.T + sympy.eye(d)
    else:
        gamma = _tridiagonal(d)
    verdict = derive(Dynamics(sum(xi**2 for xi in x) / 2, x, damping=gamma)).dissipative
    return f"{verdict.status} ({verdict.method})"


def sos_6_vars():
    """A random sum of squares of 4 quadratics in 6 variables, plus a product that keeps it off
    the quadratic route: degree 4, 28 monomials in the Gram basis."""
    rng = random.Random(1)
    x = sympy.symbols("x0:6", real=True)
    basis = [1, *x, *[x[i] * x[j] for i in range(6) for j in range(i, 6)]]
    quads = [sum(sympy.Rational(rng.randint(-3, 3)) * m for m in basis) for _ in range(4)]
    f = sympy.expand(sum(q**2 for q in quads) + sum(xi**4 for xi in x) + 1)
    verdict = prove_nonnegative(f, use_z3=False)
    ok = verdict.certificate is not None and check_certificate(f, verdict.certificate)
    return f"{verdict.status} ({verdict.method}); re-checked: {ok}"


def rates():
    for method, kw in (("gradient-descent", {}), ("heavy-ball", {"lr": "1/9", "momentum": "4/9"}),
                       ("nesterov", {})):
        for metric in ("loss", "inertia"):
            timed(f"rate: {method}, n = 10, metric {metric}", 2,
                  lambda: (lambda r: f"worst case {r.worst_case:.6g}, gap "
                           f"{r.solver_accuracy['absolute_gap']:.1e} "
                           f"({r.solver_accuracy['solver']})")(
                      worst_case_rate(method, mu=1, smoothness=25, steps=10, metric=metric,
                                      **kw)))


if __name__ == "__main__":
    timed("sign of dI/dt, 50 coordinates, Γ = g·tridiagonal", 1, sign_symbolic)
    timed("sign of dI/dt, 50 coordinates, rational tridiagonal Γ", 1, sign_rational)
    timed("sign of dI/dt, 20 coordinates, dense rational Γ", 1,
          lambda: sign_rational(20, dense=True))
    timed("SOS certificate, degree 4, 6 variables (with exact check)", 10, sos_6_vars)
    rates()
