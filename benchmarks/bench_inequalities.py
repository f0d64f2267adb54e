"""Benchmark: the inequality routes of issue 12 §6 (figures that print, not timed tests).

Targets: the sign of dI/dt for a 50-coordinate quadratic form with symbolic entries < 1 s; an SOS
certificate for a degree-4 polynomial in 6 variables < 10 s including the exact check; each
worst-case rate computation with n <= 10 steps < 2 s.  Each figure is one cold run (SymPy's cache
cleared) on one process; the sign figures time the decision alone, print the derivation's time
beside it, and their ratio to expanding dI/dt once in the same run (a load-independent reading).

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


def _tridiagonal(d, diagonal=None, off=sympy.Rational(1, 2)):
    t = sympy.zeros(d, d)
    for i in range(d):
        t[i, i] = 2 if diagonal is None else diagonal[i]
        if i + 1 < d:
            t[i, i + 1] = t[i + 1, i] = off
    return t


def sign(label, gamma, parameters=(), target=1):
    """The sign of dI/dt = -vᵀΓv as ``derive`` reports it, for L = |x|²/2 and damping Γ.

    Timed cold (SymPy's cache cleared): the derivation, then the sign decision alone; the
    baseline is expanding dI/dt once, measured in the same run, so the ratio reads the same on
    a loaded machine.  The certificate is re-checked by ``check_certificate`` (not timed)."""
    d = gamma.shape[0]
    x = sympy.symbols(f"x0:{d}", real=True)
    dyn = Dynamics(sum(xi**2 for xi in x) / 2, x, damping=gamma, parameters=list(parameters))
    clear_cache()
    start = time.perf_counter()
    result = derive(dyn)
    rate = result.rate
    derivation = time.perf_counter() - start
    clear_cache()
    start = time.perf_counter()
    sympy.expand(rate)
    baseline = time.perf_counter() - start
    clear_cache()
    start = time.perf_counter()
    verdict = result.dissipative
    elapsed = time.perf_counter() - start
    ok = verdict.certificate is not None and check_certificate(-rate, verdict.certificate)
    print(f"{label:<58} {elapsed:7.3f} s  (target < {target} s)  {verdict.status} "
          f"({verdict.method}); re-checked: {ok}")
    print(f"{'':<58} {'':>9}  derivation {derivation:.3f} s; sign / expanding dI/dt once "
          f"({baseline:.3f} s) = {elapsed / baseline:.1f}")


def sign_symbolic(d=50):
    """Γ = g·T, g >= 0 a symbol and T the rational tridiagonal [1/2, 2, 1/2]: every pivot
    vanishes at g = 0."""
    g = sympy.Symbol("g", nonnegative=True)
    sign(f"sign of dI/dt, {d} coordinates, Γ = g·tridiagonal", g * _tridiagonal(d), [g])


def sign_symbolic_diagonal(d=50):
    """Γ tridiagonal with diagonal 2 + p_i (p_i >= 0, d parameters) and off-diagonal 1/2."""
    ps = sympy.symbols(f"p0:{d}", nonnegative=True)
    sign(f"sign of dI/dt, {d} coordinates, diagonal 2 + p_i", _tridiagonal(d, [2 + q for q in ps]),
         ps)


def sign_rational(d=50, dense=False):
    """The same with a rational Γ: tridiagonal, or dense random symmetric positive definite."""
    if dense:
        rng = random.Random(0)
        a = sympy.Matrix(d, d, lambda i, j: sympy.Rational(rng.randint(-3, 3), 4))
        sign(f"sign of dI/dt, {d} coordinates, dense rational Γ", a * a.T + sympy.eye(d))
    else:
        sign(f"sign of dI/dt, {d} coordinates, rational tridiagonal Γ", _tridiagonal(d))


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
                      worst_case_rate(method, mu=1, smoothness=25, iterations=10, metric=metric,
                                      **kw)))


if __name__ == "__main__":
    sign_symbolic()
    sign_symbolic_diagonal()
    sign_rational()
    sign_rational(20, dense=True)
    start = time.perf_counter()
    import cvxpy  # noqa: F401  (imported once per process; it pulls in JAX)
    print(f"{'(import cvxpy, once per process, not counted below)':<58} "
          f"{time.perf_counter() - start:7.3f} s")
    timed("SOS certificate, degree 4, 6 variables (with exact check)", 10, sos_6_vars)
    rates()
