"""The linear-time shortcuts of derive (issue 15 §4) give exactly what SymPy's routines give.

No timings here (benchmarks/bench_symbolic.py measures the growth); these tests pin that each
shortcut returns the same object or the same answer as the routine it replaces, so the speed-up
cannot change an expression or a verdict.
"""

import random

import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, derive, prove_nonpositive
from inertia_verify._display import expression_text, matrix_text
from inertia_verify._dynamics import partial_derivatives
from inertia_verify._prover import (_monomial, _polynomial_sum, _product, _rational_function,
                                   expanded_polynomial)
from inertia_verify.symbolic._energy import _common_factor, _more_ops_than

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


# ---- the shortcuts of issue 15 §4, each against the SymPy routine it replaces

def _random_polynomials(count, symbols, seed=0):
    rng = random.Random(seed)
    for _ in range(count):
        terms = []
        for _ in range(rng.randint(1, 6)):
            term = sympy.Rational(rng.choice([1, -1, 2, -3, 7]), rng.choice([1, 1, 2, 3, 12]))
            for _ in range(rng.randint(0, 4)):
                term *= rng.choice(symbols) ** rng.randint(1, 4)
            terms.append(term)
        yield sympy.Add(*terms)


POLY_SYMBOLS = [*sympy.symbols("x0:5", real=True), sympy.Symbol("a"),
                sympy.Symbol("gamma", positive=True)]


def test_power_rule_gradient_is_sympys_derivative():
    q = POLY_SYMBOLS[:5]
    for loss in _random_polynomials(200, POLY_SYMBOLS):
        got = partial_derivatives(loss, q)
        assert [sympy.srepr(g) for g in got] == [sympy.srepr(sympy.diff(loss, c)) for c in q]


@pytest.mark.parametrize("damping", ["gamma", "3/t", "0", "[[1, 2], [0, 1]]"])
def test_acceleration_entries_are_the_matrix_formula(damping):
    dyn = Dynamics.from_text("x**4/4 - x*y/3 + a*y**2", "x,y", damping=damping)
    v = sympy.Matrix(dyn.velocities)
    want = -dyn.damping * v - dyn.gradient
    assert [sympy.srepr(e) for e in dyn.acceleration] == [sympy.srepr(e) for e in want]


def test_expanded_polynomials_are_what_expand_returns():
    for e in _random_polynomials(300, POLY_SYMBOLS, seed=1):
        assert expanded_polynomial(e)
        assert sympy.expand(e) == e
    assert not expanded_polynomial(x * (y + 1)) and not expanded_polynomial(x / y)
    assert not expanded_polynomial(sympy.sin(x)) and not expanded_polynomial(x**sympy.Rational(1, 2))


def test_operation_bound_agrees_with_count_ops():
    rng = random.Random(2)
    for e in _random_polynomials(300, POLY_SYMBOLS, seed=2):
        e = e + sympy.Add(*[rng.choice(POLY_SYMBOLS) ** rng.choice([-1, -2, sympy.Rational(1, 2)])
                            for _ in range(rng.randint(0, 2))])
        n = sympy.count_ops(e)
        assert [_more_ops_than(e, k) for k in range(n + 3)] == [n > k for k in range(n + 3)]


def test_common_factor_is_an_exact_rewriting():
    g = POLY_SYMBOLS[-1]
    for e in _random_polynomials(200, POLY_SYMBOLS, seed=3):
        for scaled in (e, sympy.expand(-g * x * e)):
            assert sympy.expand(_common_factor(scaled) - scaled) == 0
    v = sympy.symbols("v0:4")
    assert _common_factor(sympy.Add(*[-g * s**2 for s in v])) == -g * sympy.Add(*[s**2 for s in v])


def test_expression_text_is_the_printers_text():
    many = sympy.symbols("s0:120")
    for e in _random_polynomials(200, POLY_SYMBOLS + [sympy.Symbol("v_b")], seed=4):
        big = e + sympy.Add(*many)
        assert expression_text(big) == sympy.sstr(big, order="none")
        assert expression_text(e) == str(e)  # small: SymPy's default order
    odd = sympy.sin(many[0]) + sympy.Add(*many) / 3
    assert expression_text(odd) == sympy.sstr(odd, order="none")
    for m in (sympy.eye(3), sympy.zeros(2, 3), sympy.Matrix([[2, sympy.Rational(1, 2)], [0, n]])):
        assert matrix_text(m) == str(m.tolist())


@pytest.mark.parametrize("damping, status, zero_set", [
    ("gamma", "proved", True), ("3/2", "proved", True), ("g", "refuted", None),
    ("3/t", "refuted", None), ("c**2", "proved", False), ("-1", "refuted", None)])
def test_scaled_norm_sign_agrees_with_the_general_prover(damping, status, zero_set):
    """dI/dt = -c‖v‖² decided on c: the same status as the quadratic-form prover on the rate,
    the zero set {v = 0} exactly when c > 0, and a witness where the rate is positive."""
    dyn = Dynamics.from_text("x**4/4 - x*y/3 + y**2", "x,y", damping=damping,
                             parameters=["gamma", "g", "c"] if damping[0] in "gc" else None)
    if damping == "gamma":
        dyn = Dynamics(dyn.loss, dyn.coordinates, damping=sympy.Symbol("gamma", positive=True))
    result = derive(dyn)
    fast = result.dissipative
    general = prove_nonpositive(result.rate, variables=list(dyn.velocities), use_sos=False,
                                starts=8, z3_timeout_ms=1000)
    assert fast.status == general.status == status
    if zero_set is None:
        assert result.rate.xreplace(fast.subs) == fast.counterexample["value"] > 0
        assert set(fast.counterexample) == {str(s) for s in fast.subs} | {"value"}
    else:
        assert fast.zero_set == (tuple(dyn.velocities) if zero_set else None)
        assert sympy.expand(-result.rate - sum(k * g * s**2 for k, g, s in
                                               fast.certificate["terms"])) == 0
        assert all(k == dyn.damping[0, 0] for k, _, _ in fast.certificate["terms"])


def test_monomial_builders_are_sympys_constructors():
    """_monomial, _product and _polynomial_sum build exactly what Mul and Add build (same
    arguments in the same order), by the same collection of like terms."""
    rng = random.Random(5)

    def monomial():
        term = sympy.Rational(rng.choice([1, -1, 2, -3, 7, 0]), rng.choice([1, 1, 2, 3]))
        for _ in range(rng.randint(0, 3)):
            term *= rng.choice(POLY_SYMBOLS) ** rng.randint(1, 3)
        return term

    for _ in range(1500):
        terms = [monomial() for _ in range(rng.randint(0, 7))]
        if rng.random() < 0.3:
            terms.append(sympy.Add(*[monomial() for _ in range(3)]))
        if rng.random() < 0.2:
            terms += [-t for t in terms]
        assert sympy.srepr(_polynomial_sum(terms)) == sympy.srepr(sympy.Add(*terms))
        a, b = monomial(), monomial()
        assert sympy.srepr(_product(a, b)) == sympy.srepr(a * b)
    assert _polynomial_sum([x, sympy.sin(y)]) == x + sympy.sin(y)  # falls back to Add
    assert _product(x + 1, y) == (x + 1) * y
    assert sympy.srepr(_monomial(sympy.Rational(-1, 2), {x: 2, y: 1, z: 0})) == \
        sympy.srepr(-x**2 * y / 2)
