"""Polynomial laws: found exactly, re-proved by the criterion, compared with the Lie count."""

import pytest
import sympy

from inertia_verify import TIME, InvalidArgument, parse_expression
from inertia_verify.laws import (Model, check_law, deep_linear, find_laws, matrix_factorisation,
                                 two_layer_relu)
from inertia_verify.laws._polynomial import _reconstruct


@pytest.mark.parametrize("model, degree", [
    (deep_linear([2, 2, 3]), 2), (two_layer_relu([2, 2, 2], bias=True), 2),
    (matrix_factorisation([2, 2, 2]), 1), (deep_linear([2, 2, 2, 2]), 2)])
def test_found_laws_satisfy_the_criterion_and_match_the_count(model, degree):
    found = find_laws(model, degree)
    assert found.laws
    for law in found.laws:
        assert check_law(model, law).verdict.proved
    assert found.complete, (found.n_independent, found.lie.n_laws)


def test_two_layer_laws_span_the_entries_of_UtU_minus_VtV():
    net = deep_linear([2, 2, 2])
    U = sympy.Matrix(2, 2, list(net.parameters[:4]))
    W = sympy.Matrix(2, 2, list(net.parameters[4:]))  # W = Vᵀ
    Q = U.T * U - W * W.T
    stated = [sympy.expand(Q[0, 0]), sympy.expand(Q[0, 1]), sympy.expand(Q[1, 1])]
    found = find_laws(net, 2, compare=False).laws
    # Same vector space: the coefficient matrices of found, stated and both have equal rank.
    monomials = sorted({m for e in found + tuple(stated)
                        for m in sympy.Poly(e, *net.parameters).monoms()})

    def rank(exprs):
        rows = [[sympy.Poly(e, *net.parameters).coeff_monomial(m) for m in monomials]
                for e in exprs]
        return sympy.Matrix(rows).rank()

    assert rank(found) == rank(stated) == rank(list(found) + stated) == 3


def test_custom_metric_law_derived_by_hand():
    # φ = a·b, M = diag(1, 2): X = M⁻¹∇φ = (b, a/2); h = a² − 2b² has X(h) = 2ab − 2ab = 0.
    model = Model.from_text("a, b", ["a*b"])
    a, b = model.parameters
    found = find_laws(model, 2, metric=sympy.diag(1, 2))
    assert found.laws == (a**2 - 2 * b**2,)
    assert found.complete


def test_momentum_law_is_time_dependent():
    net = deep_linear([2, 2, 2])
    found = find_laws(net, 2, "momentum", tau=1)
    (law,) = found.laws
    assert law.has(sympy.exp(TIME))
    assert check_law(net, law, "momentum", tau=1).verdict.proved
    without = check_law(net, sympy.expand(law * sympy.exp(-TIME)), "momentum", tau=1)
    assert without.verdict.refuted
    nesterov = find_laws(net, 2, "momentum", tau="3/t", compare=False).laws
    assert len(nesterov) == 1 and sympy.simplify(nesterov[0] / (law * sympy.exp(-TIME))) == TIME**3


def test_found_laws_print_as_parseable_text():
    net = deep_linear([1, 2, 1])
    found = find_laws(net, 2, "momentum", tau=sympy.Rational(1, 2), compare=False)
    flow_names = {**net.symbols(), "t": TIME}
    flow_names.update({f"v_{p.name}": sympy.Symbol(f"v_{p.name}", real=True)
                       for p in net.parameters})
    for text in found.to_dict()["laws"]:
        law = parse_expression(text, symbols=flow_names, allowed_names=list(flow_names))
        assert check_law(net, law, "momentum", tau=0.5).conserved


def test_rational_reconstruction():
    from fractions import Fraction
    p = 2**31 - 1
    for f in (Fraction(3, 7), Fraction(-5, 12), Fraction(1), Fraction(-200, 3)):
        residue = f.numerator * pow(f.denominator, p - 2, p) % p
        assert _reconstruct(residue) == f


def test_find_rejects_bad_input():
    net = deep_linear([2, 2])
    with pytest.raises(InvalidArgument, match="degree"):
        find_laws(net, 0)
    with pytest.raises(InvalidArgument, match="time_degree"):
        find_laws(net, 2, time_degree=2)
    with pytest.raises(InvalidArgument, match="unknown coefficients|dense limit"):
        find_laws(deep_linear([6, 6, 6]), 5)
    with pytest.raises(InvalidArgument, match="tau"):
        find_laws(net, 2, "momentum", tau=-1)
    with pytest.raises(InvalidArgument, match="tau"):
        find_laws(net, 2, "momentum", tau="sin(t)")
