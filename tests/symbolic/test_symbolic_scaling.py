"""The linear-time shortcuts of derive (issue 15 §4) give exactly what SymPy's routines give.

No timings here (benchmarks/bench_symbolic.py measures the growth); these tests pin that each
shortcut returns the same object or the same answer as the routine it replaces, so the speed-up
cannot change an expression or a verdict.
"""

import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, derive
from inertia_verify._dynamics import partial_derivatives
from inertia_verify._prover import _rational_function

x, y, z = sympy.symbols("x y z")
n = sympy.Symbol("n", integer=True)
EXPRESSIONS = [
    x / y, x**2, x / sympy.sin(y), x**n + 1, sympy.sqrt(y**2 + 2 * y + 1) / y,
    sympy.Max(x, 0) + 1, (x + y)**-3 * z, 2**x, x**sympy.Rational(1, 2), sympy.Integer(3),
    sympy.Derivative(x**2, x), sympy.Integral(x, (x, 0, 1)) * y, (x * y + 1)**5 / (z - 2),
    sympy.Abs(x), sympy.Piecewise((x, x > 0), (0, True)), (x**2 + y)**(z - z + 2), z**(x * 0 + y),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
@pytest.mark.parametrize("syms", [{x}, {y}, {x, y}, {x, y, z}, {x, y, z, n}], ids=str)
def test_rational_function_walk_agrees_with_sympy(expr, syms):
    assert _rational_function(expr, syms) == bool(expr.is_rational_function(*syms))


@pytest.mark.parametrize("d", [1, 2, 5])
def test_abstract_gradient_is_sympys_derivative(d):
    dyn = Dynamics.abstract(d)
    got = partial_derivatives(dyn.loss, dyn.coordinates)
    want = [sympy.Derivative(dyn.loss, c) for c in dyn.coordinates]
    assert got == want
    assert [sympy.srepr(g) for g in got] == [sympy.srepr(w) for w in want]
    assert [sympy.diff(dyn.loss + dyn.coordinates[0]**2, c) for c in dyn.coordinates] == \
        partial_derivatives(dyn.loss + dyn.coordinates[0]**2, dyn.coordinates)


def test_duplicate_coordinates_named_in_order():
    with pytest.raises(InvalidArgument, match="repeats x, y"):
        Dynamics(x**2, "y,x,z,x,y")


@pytest.mark.parametrize("d", [3, 40])
def test_derive_verdicts_for_the_benchmark_systems(d):
    """The conservation verdict of a damped chain is an exact refutation (no sampled point,
    so the lazily built evaluator is never needed); the rate is proved equal to -γ‖v‖²."""
    gamma = sympy.Symbol("gamma", positive=True)
    q = sympy.symbols(f"x0:{d}", real=True)
    loss = sympy.Add(*[qi**4 / 4 - qi**2 / 2 for qi in q],
                     *[sympy.Rational(1, 3) * q[i] * q[i + 1] for i in range(d - 1)])
    for dyn in (Dynamics(loss, q, damping=gamma), Dynamics.abstract(d, damping=gamma)):
        result = derive(dyn)
        assert result.matches_dissipation.status == "proved"
        assert result.conservation.status == "refuted"
        assert result.conservation.method == "exact evaluation at a rational point"
        assert result.rate == -gamma * sympy.Add(*[v**2 for v in dyn.velocities])
