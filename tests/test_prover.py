"""Tests of the zero-equivalence prover: every status, every exact route, jets, certificates."""

from __future__ import annotations

import json

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import (Derivative, Function, Matrix, Rational, atan, cos, cosh, exp, log, pi, sin,
                   sinh, sqrt, symbols)

from inertia_verify import InvalidArgument, Verdict, prove_equal, prove_zero

x, y, z, w, t, gamma = symbols("x y z w t gamma")
vx, vy = symbols("vx vy")


def substituted(v: Verdict):
    """Substitute the certificate back into the expression the verdict is about."""
    expr = v.expression
    if isinstance(expr, sympy.MatrixBase):
        expr = expr[v.counterexample["entry"]]
    return expr.xreplace(v.subs)


def evaluated(v: Verdict, digits: int = 120):
    """The expression at the certificate, evaluated without letting sympy round exact parts to
    the 15 digits of a Float coefficient (``-1 + 1.0e-30`` would auto-evaluate to ``-1.0``)."""
    expr = v.expression
    if isinstance(expr, sympy.MatrixBase):
        expr = expr[v.counterexample["entry"]]
    names = {node: sympy.Dummy() for node in v.subs}
    return expr.xreplace(names).evalf(digits, subs={names[n]: val for n, val in v.subs.items()})


def assert_genuine_refutation(v: Verdict):
    assert v.refuted and not v.holds and not v.proved
    value = substituted(v)
    claimed = v.counterexample["value"]  # exact Rational, or an mpmath string from numerics
    if not isinstance(claimed, sympy.Rational):
        value = complex(evaluated(v))
        claimed = complex(str(claimed).replace(" ", ""))  # mpmath's "(a + bj)" for complex
        assert value != 0
        assert abs(value - claimed) <= abs(claimed) * 1e-10
    else:  # an exact certificate reproduces exactly
        assert claimed != 0 and sympy.expand(value) == claimed


# --------------------------------------------------------------------------- true identities


@pytest.mark.parametrize("expr, method", [
    ((x + y)**3 - (x**3 + 3*x**2*y + 3*x*y**2 + y**3), "expand"),
    (1/(x - 1) + 1/(x + 1) - 2*x/(x**2 - 1), "cancel"),
    (sin(x)**2 + cos(x)**2 - 1, "trigsimp"),
    (cosh(x)**2 - sinh(x)**2 - 1, "trigsimp"),
    (exp(x + y) - exp(x)*exp(y), "expand"),
    (x**y * x**2 - x**(y + 2), "powsimp"),
    (sin(1)**2 + cos(1)**2 - 1, "trigsimp"),
    (sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)), "is_zero"),
    (sympy.S.Zero, "trivial"),
])
def test_true_identities_are_proved(expr, method):
    v = prove_zero(expr)
    assert v.proved and v.holds and not v.refuted
    assert v.method == method
    assert v.residual == 0
    assert str(v) == f"proved ({method})"


def test_log_identity_is_proved_only_for_positive_symbols():
    p, q = symbols("p q", positive=True)
    assert prove_zero(log(p*q) - log(p) - log(q)).proved
    # For real x, y of either sign it is false (x = y = -1: log 1 = 0, not 2*pi*I).
    v = prove_zero(log(x*y) - log(x) - log(y))
    assert_genuine_refutation(v)
    assert v.subs[x] < 0 or v.subs[y] < 0


def test_python_numbers_are_accepted():
    assert prove_zero(0).proved
    assert prove_zero(0.0).proved
    assert prove_zero(3).refuted


def test_chain_rule_with_abstract_functions():
    X, Y, L = Function("X")(t), Function("Y")(t), Function("L")
    lhs = (L(X, Y)**2).diff(t)
    rhs = 2*L(X, Y)*(Derivative(L(X, Y), X)*X.diff(t) + Derivative(L(X, Y), Y)*Y.diff(t))
    assert prove_equal(lhs, rhs).proved
    assert prove_equal(L(X, Y).diff(t, 2), L(X, Y).diff(t).diff(t)).proved


def test_damped_energy_balance_with_abstract_potential():
    L = Function("L")(x, y)
    energy = (vx**2 + vy**2)/2 + L
    flow = {x: vx, y: vy, vx: -gamma*vx - L.diff(x), vy: -gamma*vy - L.diff(y)}
    rate = sum(energy.diff(s) * f for s, f in flow.items())
    v = prove_equal(rate, -gamma*(vx**2 + vy**2))
    assert v.proved


def test_mixed_partials_are_canonicalised():
    L = Function("L")(x, y)
    assert Derivative(L, x, y) != Derivative(L, y, x)  # sympy keeps the spelling ...
    assert prove_zero(Derivative(L, x, y) - Derivative(L, y, x)).proved  # ... we do not
    assert prove_zero(L.diff(x, y, x) - Derivative(L, (x, 2), y)).proved
    f = Function("f")
    assert prove_zero(f((x + 1)**2) - f(x**2 + 2*x + 1)).proved


def test_derivative_of_a_product_is_expanded_into_jets():
    L = Function("L")(x)
    e = y*Derivative(x**2*L, x) - 2*x*y*L - x**2*y*L.diff(x)
    assert prove_zero(e).proved
    v = prove_zero(e + y*Derivative(L, x)/10**20)
    assert v.refuted and "Derivative(L(x), x)" in v.counterexample


def test_subs_from_the_chain_rule_is_a_jet():
    X, F = Function("X")(t), Function("F")
    lhs = (F(X**2)**2).diff(t)  # contains Subs(Derivative(F(_xi), _xi), _xi, X(t)**2)
    rhs = 4*X*X.diff(t)*F(X**2)*F(X**2).diff(t).atoms(sympy.Subs).pop()
    assert lhs.has(sympy.Subs)
    assert prove_equal(lhs, rhs).proved
    assert_genuine_refutation(prove_equal(lhs, rhs + sin(X.diff(t))*1e-30))


def test_matrix_input():
    L = Function("L")(x, y)
    m = Matrix([[(x + y)**2 - x**2 - 2*x*y - y**2, sin(x)**2 + cos(x)**2 - 1],
                [L.diff(x, y) - L.diff(y, x), 0]])
    v = prove_zero(m)
    assert v.proved
    assert v.residual == sympy.zeros(2, 2)
    # The weakest entry decides.
    p = symbols("p", positive=True)
    assert prove_zero(Matrix([0, atan(p) + atan(1/p) - pi/2])).status == "numerically verified"
    assert prove_zero(Matrix([0, atan(x) + atan(1/x) - pi/2])).refuted


def test_large_polynomial_is_proved_by_expand():
    # Fast by construction: expand is the only route tried above max_exact_ops.
    xs = symbols("q0:240")
    lhs = sum((xs[i] - xs[i + 1])**2 for i in range(len(xs) - 1))
    rhs = sum(xs[i]**2 - 2*xs[i]*xs[i + 1] + xs[i + 1]**2 for i in range(len(xs) - 1))
    v = prove_equal(lhs, rhs)
    assert v.proved and v.method == "expand"
    bad = prove_equal(lhs + xs[7]**3/10**30, rhs)
    assert bad.method == "exact evaluation at a rational point"
    assert_genuine_refutation(bad)
    assert "q7=" in str(bad)  # the coordinate that matters is shown first


# --------------------------------------------------------------------------- numerics only


P, Q = symbols("P Q", positive=True)


@pytest.mark.parametrize("expr", [
    atan(P) + atan(1/P) - pi/2,
    sqrt(x**2) - sympy.Abs(x),
    atan(x) - sympy.asin(x/sqrt(1 + x**2)),
])
def test_numeric_only_identities_are_never_proved(expr):
    v = prove_zero(expr)
    assert v.status == "numerically verified" and v.holds and not v.proved
    assert v.points >= 8 and v.digits == 50
    assert v.max_residual is not None and v.max_residual < 1e-40
    assert str(v).startswith(f"numerically verified: {v.points} points at 50 digits")
    assert "tolerance 1e-40 relative" in v.method
    assert "1e-3 to 1e3" in v.domain  # the verdict names the domain it sampled


@pytest.mark.parametrize("expr", [
    atan(x) + atan(1/x) - pi/2,  # -pi for x < 0
    sqrt(x**2) - x,
    sqrt(x*y) - sqrt(x)*sqrt(y),  # x = y = -1
])
def test_identities_of_the_positive_axis_are_refuted_on_the_real_line(expr):
    assert_genuine_refutation(prove_zero(expr))


def test_complex_values_at_real_points_refute():
    # Holds for x > 2 (both logs real) but differs by 2*pi*I for x < 1: a real point where the
    # expression is defined and not zero.
    v = prove_zero(log(x - 1) + log(x - 2) - log((x - 1)*(x - 2)))
    assert_genuine_refutation(v)
    assert v.subs[x] < 1 and "j" in v.counterexample["value"]
    assert prove_zero(log(P + 1) + log(P + 2) - log((P + 1)*(P + 2))).proved


def test_poles_are_skipped_and_counted():
    v = prove_zero((x**2 - 1)/(x - 1) - (x + 1))
    assert v.proved
    assert_genuine_refutation(prove_zero(sqrt(x - 5) + 1))


def test_precision_options_are_used():
    v = prove_zero(atan(P) + atan(1/P) - pi/2, digits=30, points=3, seed=7, domain=(2, 3))
    assert v.status == "numerically verified"
    assert v.points >= 3 and v.digits == 30
    assert "[2, 3] (box given by the caller)" in v.domain
    assert "at 30 and 60 digits, tolerance 1e-20" in v.method
    # A box of magnitudes keeps both signs of an unsigned symbol.
    assert prove_zero(atan(x) + atan(1/x) - pi/2, domain=(2, 3)).refuted


def test_verdicts_are_reproducible():
    e = sin(x)**2 + cos(x)**2 - 1 + 1e-30*x*y
    assert prove_zero(e, seed=3).counterexample == prove_zero(e, seed=3).counterexample


# --------------------------------------------------------------------------- false identities


@pytest.mark.parametrize("expr", [
    sin(x)**2 + cos(x)**2 - 1 + 1e-30*x,
    atan(x) + atan(1/x) - pi/2 + x**7/10**20,
    exp(x + y) - exp(x)*exp(y) + sympy.Float("1e-35")*y,
    pi - Rational(355, 113),
])
def test_tiny_perturbations_are_refuted_numerically(expr):
    v = prove_zero(expr)
    assert v.method.startswith("mpmath")
    assert_genuine_refutation(v)


def test_polynomial_perturbation_is_refuted_exactly():
    v = prove_equal((x + y)**2 + x**7/10**20, x**2 + 2*x*y + y**2)
    assert v.method == "exact evaluation at a rational point"
    assert v.counterexample["value"] == v.counterexample["x"]**7/10**20
    assert_genuine_refutation(v)
    assert str(v).startswith("refuted: at x=")


def test_jet_perturbation_is_refuted_and_names_the_jet():
    L = Function("L")(x, y)
    perturbed = Derivative(L, y, x) - Derivative(L, x, y) + Derivative(L, x)**2/10**25
    v = prove_zero(perturbed)
    assert "Derivative(L(x, y), x)" in v.counterexample
    assert_genuine_refutation(v)  # subs carries the spellings used in the input


def test_numeric_jet_refutation():
    L = Function("L")(x, y)
    v = prove_zero(sin(L)**2 + cos(L)**2 - 1 + 1e-30*L.diff(x))
    assert set(v.counterexample) == {"L(x, y)", "Derivative(L(x, y), x)", "value"}
    assert_genuine_refutation(v)


def test_matrix_refutation_names_the_entry():
    v = prove_zero(Matrix([[0, x**2 - x], [0, 0]]))
    assert v.refuted and v.counterexample["entry"] == (0, 1)
    assert str(v).startswith("refuted: entry (0, 1) at x=")
    assert_genuine_refutation(v)


monomials = st.lists(st.tuples(st.integers(-5, 5), st.integers(0, 3), st.integers(0, 3),
                               st.integers(0, 2)), min_size=1, max_size=4)


def polynomial(terms):
    return sum(c * x**a * y**b * z**d for c, a, b, d in terms)


@settings(max_examples=30, deadline=None, database=None)
@given(monomials, monomials, st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 2)),
       st.integers(5, 60), st.booleans())
def test_random_polynomial_identities(p, q, exps, scale, as_float):
    lhs, rhs = polynomial(p) * polynomial(q), sympy.expand(polynomial(p) * polynomial(q))
    assert prove_equal(lhs, rhs).proved
    a, b, d = exps
    # Exact perturbations are refuted at any size; Float ones go to numerics, which resolve
    # 1e-(digits-10) relative, so keep them well above that (monomials at points >= 1/4 shrink).
    eps = sympy.Float(f"1e-{min(scale, 20)}") if as_float else Rational(1, 10**scale)
    # A Float perturbation gets a fresh factor w: merged into an existing coefficient it could
    # round away (1 + 1e-16 == 1.0 in 53 bits) and the "perturbed" identity would be true.
    v = prove_equal(lhs + eps * x**a * y**b * z**d * (w if as_float else 1), rhs)
    assert_genuine_refutation(v)


# --------------------------------------------------------------------------- interface


@pytest.mark.parametrize("kwargs", [{"digits": 5}, {"points": 0}, {"digits": 50.0},
                                    {"domain": (1, 1)}, {"max_exact_ops": -1}])
def test_invalid_options(kwargs):
    with pytest.raises(InvalidArgument):
        prove_zero(x - x, **kwargs)


@pytest.mark.parametrize("bad", ["x - x", sympy.Eq(x, x), [x, x], True, None])
def test_invalid_expressions(bad):
    with pytest.raises(InvalidArgument) as info:
        prove_zero(bad)
    if isinstance(bad, str):
        assert "parse_expression" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_prove_equal_rejects_strings_and_shape_mismatch():
    with pytest.raises(InvalidArgument):
        prove_equal("x", x)
    with pytest.raises(InvalidArgument):
        prove_equal(Matrix([x, y]), Matrix([[x, y]]))


@pytest.mark.parametrize("expr", [
    sin(x)**2 + cos(x)**2 - 1, sqrt(x**2) - x, x**2 - x, 1e-30*x + sin(x)**2 + cos(x)**2 - 1,
    Matrix([0, x - 1]), pi - 3,
])
def test_display_and_serialisation(expr):
    v = prove_zero(expr)
    d = v.to_dict()
    assert json.loads(json.dumps(d))["status"] == v.status
    assert d["expression"] == str(expr)
    tex = v._repr_latex_()
    assert isinstance(tex, str) and tex.startswith("$") and tex.endswith("$")
    assert str(v).split(":")[0].split(" (")[0] in ("proved", "numerically verified", "refuted")
