"""The Lie-algebra count against laws derived by hand, and the machinery behind it."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from inertia_verify import InvalidArgument
from inertia_verify.laws import (Model, count_laws, deep_linear, known_laws, law_rank,
                                 matrix_factorisation, two_layer_relu)
from inertia_verify.laws._brackets import Bracket, BracketValues
from inertia_verify.laws._fields import (PRIME, Point, bracket, evaluate, field_from_exprs,
                                         poly_to_expr)
from inertia_verify.laws._rank import SpanAtPoint, _rational_rank


# Two-layer linear φ = UVᵀ (U n×r, V m×r): UᵀU − VᵀV gives r(r+1)/2 independent laws when
# r <= min(n, m) (then (U; V) has full column rank at a generic point).
@pytest.mark.parametrize("n, r, m", [(2, 1, 2), (2, 2, 2), (3, 2, 4), (4, 3, 3), (5, 2, 3)])
def test_two_layer_linear_has_r_r_plus_1_over_2_laws(n, r, m):
    count = count_laws(deep_linear([n, r, m]))
    assert count.dimension == r * (n + m)
    assert count.n_laws == r * (r + 1) // 2
    assert count.lie_rank == count.dimension - count.n_laws


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("n, r, m", [(1, 1, 1), (2, 3, 2), (3, 2, 4)])
def test_relu_has_one_law_per_neuron(n, r, m, bias):
    assert count_laws(two_layer_relu([n, r, m], bias=bias)).n_laws == r


@pytest.mark.parametrize("n, r, m", [(2, 2, 2), (3, 2, 2), (2, 3, 2)])
def test_nmf_mirror_has_r_laws_and_euclidean_has_r_r_plus_1_over_2(n, r, m):
    # ⟨∇h, θ ⊙ ∇φ_ab⟩ = Σ_k U_ak V_bk − V_bk U_ak = 0 for h = Σ_a U_ak − Σ_b V_bk: r laws.
    nmf = matrix_factorisation([n, r, m])
    assert count_laws(nmf).n_laws == r
    assert count_laws(nmf, metric="euclidean").n_laws == r * (r + 1) // 2


def test_scalar_model_has_d_minus_one_laws():
    # One field ∇φ: its Lie algebra is 1-dimensional wherever ∇φ ≠ 0.
    model = Model.from_text("a, b, c, d", ["a*b*c + d**2"])
    assert count_laws(model).n_laws == 3


def _count_equals_stated_rank(widths):
    net = deep_linear(widths)
    assert count_laws(net).n_laws == law_rank(known_laws(net), net.parameters)


@settings(max_examples=12)
@given(st.lists(st.integers(2, 3), min_size=3, max_size=4))
def test_deep_linear_count_equals_rank_of_stated_laws(widths):
    # Widths >= 2: the stated laws are complete on every architecture tried (see the claim).
    _count_equals_stated_rank(widths)


@pytest.mark.slow
@settings(max_examples=40)
@given(st.lists(st.integers(2, 5), min_size=3, max_size=5))
def test_deep_linear_count_equals_rank_of_stated_laws_wide(widths):
    _count_equals_stated_rank(widths)


def test_momentum_counts():
    # The angular momentum of the O(r) symmetry, r(r-1)/2 = 1 for r = 2; ReLU: none.
    for tau in (0, 1, "3/t"):
        assert count_laws(deep_linear([2, 2, 3]), "momentum", tau=tau).n_laws == 1
        relu = count_laws(two_layer_relu([2, 2, 2]), "momentum", tau=tau)
        assert relu.n_laws == 0 and relu.dimension == 2 * 8 + 1


def test_count_is_reproducible_and_reports_evidence():
    a = count_laws(deep_linear([3, 2, 3]), seed=4)
    b = count_laws(deep_linear([3, 2, 3]), seed=4)
    assert (a.lie_rank, a.brackets) == (b.lie_rank, b.brackets)
    assert a.evidence["gap"] is None or a.evidence["gap"] > 1e3
    d = a.to_dict()
    assert {"dimension", "lie_rank", "n_laws"} <= set(d)
    assert "laws" in str(a) and r"\dim" in a._repr_latex_()


# --------------------------------------------------------------------------- bracket values

def _sympy_bracket(X, Y, symbols):
    JX = sympy.Matrix(X).jacobian(symbols)
    JY = sympy.Matrix(Y).jacobian(symbols)
    return list(JY * sympy.Matrix(X) - JX * sympy.Matrix(Y))


def test_leibniz_bracket_values_match_sympy_brackets():
    # Independent route: expand nested brackets with SymPy Jacobians, evaluate exactly.
    x, y, z = symbols = sympy.symbols("x y z")
    gens = [[x * y, z**2, 1], [y, x * z, y**2 * x], [z, 0, x * y * z]]
    fields = [field_from_exprs(g, list(symbols)) for g in gens]
    point = Point(3, np.random.default_rng(0))
    exact = dict(zip(symbols, point.exact()))
    values = {mode: BracketValues(fields, 3, point, mode) for mode in ("float", "mod", "exact")}
    g = [Bracket(index=i) for i in range(3)]
    trees = [Bracket(left=g[0], right=g[1]),
             Bracket(left=g[2], right=Bracket(left=g[0], right=g[1])),
             Bracket(left=g[1], right=Bracket(left=g[2], right=Bracket(left=g[0], right=g[1])))]
    exprs = [_sympy_bracket(gens[0], gens[1], symbols)]
    exprs.append(_sympy_bracket(gens[2], exprs[0], symbols))
    exprs.append(_sympy_bracket(gens[1], exprs[1], symbols))
    for tree, expr in zip(trees, exprs):
        truth = [sympy.Rational(e.xreplace(exact)) for e in expr]
        got = values["exact"].value(tree)[:-1]
        assert [sympy.Rational(v.numerator, v.denominator) for v in got] == truth
        residues = [int(t.p * pow(int(t.q), PRIME - 2, PRIME) % PRIME) for t in truth]
        assert list(values["mod"].value(tree)[:-1]) == residues
        # float64: error in units of the round-off of the exact value's size
        f = values["float"].value(tree)[:-1]
        assert np.allclose(f, [float(t) for t in truth], rtol=1e-12, atol=1e-12)


def test_symbolic_bracket_agrees_with_sympy():
    x, y = symbols = sympy.symbols("x y")
    X, Y = [x**2, x * y], [y, 3 * x**2 * y]
    fx, fy = (field_from_exprs(f, list(symbols)) for f in (X, Y))
    got = bracket(fx, fy)
    expected = _sympy_bracket(X, Y, symbols)
    for i in range(2):
        assert sympy.expand(poly_to_expr(got.get(i, {}), symbols) - expected[i]) == 0
    values, scale, residues = evaluate(got, 2, Point(2, np.random.default_rng(1)))
    assert np.all(scale >= np.abs(values))


# --------------------------------------------------------------------------- rank decisions

def test_rank_exact_fallback_when_float_and_modular_disagree():
    span = SpanAtPoint(2)
    one = np.array([1.0, 0.0])
    span.add(one, one, np.array([1, 0]), exact=lambda: [1, 0])
    # Float says independent, residues say dependent: the exact values decide (dependent).
    kept = span.add(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([1, 0]),
                    exact=lambda: [2, 0])
    assert not kept and span.exact_fallbacks == 1
    # Independence mod p is a proof: kept even when float64 sees nothing.
    kept = span.add(np.array([0.0, 1e-20]), np.array([1.0, 1.0]), np.array([0, 5]))
    assert kept and span.float_overruled == 1 and span.rank == 2


def test_rational_rank():
    from fractions import Fraction as F
    assert _rational_rank([[F(1), F(2)], [F(2), F(4)]]) == 1
    assert _rational_rank([[F(1), F(2)], [F(2), F(5)]]) == 2


def test_count_rejects_bad_input():
    with pytest.raises(InvalidArgument, match="seed"):
        count_laws(deep_linear([2, 2]), seed="x")
    with pytest.raises(InvalidArgument, match="polynomial"):
        count_laws(Model.from_text("a, b", ["exp(a)*b"]))
    with pytest.raises(InvalidArgument, match="flow"):
        count_laws(deep_linear([2, 2]), "newton")
