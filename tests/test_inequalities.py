"""The inequality prover (issue 12): a trap corpus whose truth is established independently,
certificates re-checked here with SymPy's own matrices, the sign in ``derive``, the CLI."""

from __future__ import annotations

import json
import random

import pytest
import sympy
from sympy import Rational

from inertia_verify import (Dynamics, InvalidArgument, derive, parse_relation,
                            prove_inequality, prove_nonnegative, prove_nonpositive)
from inertia_verify._inequalities import check_certificate
from inertia_verify.cli import main

pytest.importorskip("cvxpy")
pytest.importorskip("z3")

x, y, z, g = sympy.symbols("x y z gamma", real=True)
p = sympy.Symbol("p", positive=True)


def recheck(f, verdict, constraints=()):
    """Independent re-check of a certificate: f - offset == Σ c*g*l², c >= 0, g in {1} ∪
    constraints, by SymPy expansion (not the prover's Fraction arithmetic)."""
    cert = verdict.certificate
    assert cert is not None
    if cert["kind"] in ("manifest", "constant", "z3"):
        return  # a rule or a constant, not an identity
    total = 0
    allowed = {sympy.Integer(1)} | {sympy.expand(c) for c in constraints}
    for c, mult, lin in cert["terms"]:
        c = sympy.sympify(c)
        assert c.is_nonnegative or sympy.factor(c).is_nonnegative, c
        assert sympy.expand(sympy.sympify(mult)) in allowed, mult
        total += c * mult * lin**2
    offset = sympy.sympify(cert.get("offset", 0))
    assert offset.is_Rational and offset >= 0
    # over a common denominator (no gcds: cancel is slow on parametric certificates)
    assert sympy.expand(sympy.fraction(sympy.together(f - offset - total))[0]) == 0


# (f, assumptions as (g >= 0) expressions, strict, truth).  Truth is established independently:
# a true case by a textbook SOS or argument named beside it, a false case by the witness beside it
# (checked exactly in test_corpus_truth_of_false_cases).
TRUE = [
    (x**2 - 2*x*y + y**2, [], False, (x - y)**2),
    (x**2 + y**2 + z**2 - x*y - y*z - z*x, [], False, ((x-y)**2 + (y-z)**2 + (z-x)**2)/2),
    (x**4 - 4*x**3 + 6*x**2 - 4*x + 1, [], False, (x - 1)**4),
    (x**4 + x**2*y**2 + y**4 - x**3*y - x*y**3, [], False,
     ((x**2 - y**2)**2 + (x - y)**2*(x**2 + y**2))/2 + x**2*y**2),
    ((x**2 + y**2)**2 - 4*x*y*(x**2 - y**2), [], False, (x**2 - y**2 - 2*x*y)**2),
    (x**2 - 2*x + 2, [], True, (x - 1)**2 + 1),
    (x*(1 - x), [x, 1 - x], False, x*(1 - x)**2 + (1 - x)*x**2),
    (1 - x**2 - y**2, [1 - x**2 - y**2], False, 1 - x**2 - y**2),
    (x + y, [x, y], False, x + y),
    (x**4*y**2 + x**2*y**4 - 3*x**2*y**2 + 1, [], False, "Motzkin: AM-GM of x⁴y², x²y⁴, 1"),
    (sympy.exp(x) - 1 - x, [], False, "convexity of exp"),
    (x**6 + y**6 - x**2*y**4 - x**4*y**2 + 1, [], False, (x**2 - y**2)**2*(x**2 + y**2) + 1),
]
FALSE = [
    (x**2 + 3*x*y + y**2, [], False, {x: 1, y: -1}),
    (x**4 + y**4 - x*y, [], False, {x: Rational(1, 2), y: Rational(1, 2)}),
    (x**3, [], False, {x: -1}),
    (x*(1 - x), [x, 2 - x], False, {x: Rational(3, 2)}),
    (x**2, [], True, {x: 0}),
    (x**4*y**2 + x**2*y**4 - 3*x**2*y**2 + Rational(99, 100), [], False, {x: 1, y: 1}),
    (sympy.sin(x) - x, [x], False, {x: 1}),
    (sympy.cos(x) - 1 + x**2/2 - x**4/24, [], False, {x: 2}),
    (1 - x - y, [x, y, 2 - x - y], False, {x: 1, y: 1}),
    (x**2 - 2*x*y + y**2 - Rational(1, 10**6), [], False, {x: 0, y: 0}),
]


@pytest.mark.parametrize("f, cons, strict, why", TRUE)
def test_corpus_truth_of_true_cases(f, cons, strict, why):
    if isinstance(why, str):
        pytest.skip(f"true by a textbook argument: {why}")
    # ``why`` is f written as squares times assumptions (each visibly >= 0 on the domain)
    assert sympy.expand(f - why) == 0


def _assume(cons):
    return [c >= 0 for c in cons]


@pytest.mark.parametrize("f, cons, strict, witness", FALSE)
def test_corpus_truth_of_false_cases(f, cons, strict, witness):
    value = sympy.N(f.xreplace(witness), 30)
    assert all(c.xreplace(witness) >= 0 for c in cons)
    assert value <= 0 if strict else value < 0


@pytest.mark.parametrize("f, cons, strict, why", TRUE)
def test_true_cases_never_refuted(f, cons, strict, why):
    v = prove_nonnegative(f, assume=_assume(cons), strict=strict)
    assert v.status in ("proved", "numerically verified"), (why, str(v))
    if v.proved:
        recheck(f, v, cons)


@pytest.mark.parametrize("f, cons, strict, witness", FALSE)
def test_false_cases_never_proved_and_witness_is_exact(f, cons, strict, witness):
    v = prove_nonnegative(f, assume=_assume(cons), strict=strict)
    assert v.status in ("refuted", "inconclusive"), str(v)
    if v.refuted:
        point = {s: v.counterexample[s.name] for s in f.free_symbols}
        value = f.xreplace(point)
        assert value == v.counterexample["value"]
        assert all(c.xreplace(point) >= 0 for c in cons)
        assert (value <= 0) if strict else (sympy.N(value, 30) < 0)


def test_motzkin_is_never_refuted_nor_proved_by_sos():
    motzkin = x**4*y**2 + x**2*y**4 - 3*x**2*y**2 + 1
    for use_z3, trust in ((False, True), (True, False)):
        v = prove_nonnegative(motzkin, use_z3=use_z3, trust_z3=trust)
        assert v.status in ("numerically verified", "inconclusive")  # not SOS: no certificate
        assert "Motzkin" not in v.method  # no special case
    v = prove_nonnegative(motzkin)  # z3's exact decision counts by default, and says so
    assert v.proved and v.method.startswith("z3")


def test_quadratic_route_certificate_and_zero_set():
    v = prove_nonnegative(2*x**2 + 2*x*y + 2*y**2)
    assert v.proved and v.method.startswith("quadratic form")
    assert v.zero_set == (x, y)
    recheck(2*x**2 + 2*x*y + 2*y**2, v)
    singular = prove_nonnegative((x + y)**2)
    assert singular.proved and singular.zero_set == (x + y,)


def test_parametric_quadratic_form():
    f = p*x**2 - 2*p*x*y + 2*p*y**2
    v = prove_nonnegative(f, variables=[x, y])
    assert v.proved
    recheck(f, v)
    # A parameter of either sign: refuted, the witness includes the parameter.
    w = prove_nonnegative(g*(x**2 + y**2), variables=[x, y])
    assert w.refuted and w.counterexample["gamma"] < 0
    assert prove_nonnegative(g*(x**2 + y**2), variables=[x, y], assume=[g >= 0]).proved


def test_strict_sos_offset():
    f = x**2 - 2*x + 2
    v = prove_nonnegative(f, strict=True)
    assert v.proved and v.certificate["offset"] > 0
    recheck(f, v)


def test_inequality_and_nonpositive_report_callers_value():
    v = prove_inequality(x**4 + y**4, ">=", x*y)
    assert v.refuted
    pt = {x: v.counterexample["x"], y: v.counterexample["y"]}
    assert v.counterexample["value"] == (x**4 + y**4 - x*y).xreplace(pt) < 0
    n = prove_nonpositive(-(x**2 + 3*x*y + y**2))
    assert n.refuted and n.counterexample == {"x": 1, "y": -1, "value": 1}
    assert prove_inequality(x**2 + 1, ">", 2*x - 1).status in ("proved", "numerically verified")


def test_bad_input_is_a_clear_error():
    with pytest.raises(InvalidArgument, match="infeasible"):
        prove_nonnegative(x, assume=[x >= 1, x <= 0])
    with pytest.raises(InvalidArgument, match="string"):
        prove_nonnegative("x**2")
    with pytest.raises(InvalidArgument, match="op"):
        prove_inequality(x, "=>", 0)
    with pytest.raises(InvalidArgument, match="more than one"):
        parse_relation("0 <= x <= 1")
    with pytest.raises(InvalidArgument, match="no comparison"):
        parse_relation("x**2")


def test_parse_relation_never_evaluates_text():
    with pytest.raises(InvalidArgument):
        parse_relation("__import__('os') >= 0")


def test_derive_dissipative_issue_example():
    bad = derive(Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="[[1,3],[0,1]]"))
    d = bad.dissipative
    assert d.refuted and (d.counterexample["v_x"], d.counterexample["v_y"]) == (1, -1)
    vx, vy = bad.dynamics.velocities
    assert bad.rate.xreplace({vx: 1, vy: -1}) == 1
    js = bad.to_dict()["dissipative"]
    assert js["verdict"] == "refuted" and js["counterexample"]["exact"]["v_y"] == "-1"
    good = derive(Dynamics.from_text("x**4/4 + y**2", "x,y", damping="[[2,1],[1,2]]"))
    assert good.dissipative.proved and [str(s) for s in good.dissipative.zero_set] == ["v_x", "v_y"]
    recheck(-good.rate, good.dissipative)
    assert "certificate" in good.to_dict()["dissipative"]
    noisy = derive(Dynamics.from_text("x**2/2", "x", damping="2", noise="1"))
    assert noisy.dissipative.refuted  # the Itô drift -2 v² + 1/2 is positive at v = 0


def _cli(argv, capsys):
    status = main(argv)
    return status, capsys.readouterr()


def test_cli_inequality(capsys):
    status, out = _cli(["inequality", "--expr", "x**2 + y**2 >= 2*x*y", "--vars", "x,y"], capsys)
    assert status == 0 and "proved" in out.out and "(x - y)**2" in out.out
    status, out = _cli(["inequality", "--expr", "x**4 + y**4 >= x*y", "--vars", "x,y",
                        "--json", "--strict"], capsys)
    payload = json.loads(out.out)
    assert status == 1 and payload["verdict"] == "refuted"
    ce = payload["counterexample"]
    assert isinstance(ce["point"]["x"], float) and "/" in ce["exact"]["x"]
    point = {x: Rational(ce["exact"]["x"]), y: Rational(ce["exact"]["y"])}
    assert (x**4 + y**4 - x*y).xreplace(point) == Rational(ce["exact"]["value"]) < 0
    status, out = _cli(["inequality", "--expr", "x*(1-x) >= 0", "--vars", "x",
                        "--assume", "x >= 0, x <= 1", "--json"], capsys)
    payload = json.loads(out.out)
    assert status == 0 and payload["verdict"] == "proved"
    assert payload["certificate"]["terms"]
    status, out = _cli(["inequality", "--expr", "x >= 0", "--vars", "x",
                        "--assume", "x >= 1, x <= 0"], capsys)
    assert status == 2 and "--assume" in out.err and "infeasible" in out.err
    status, out = _cli(["inequality", "--expr", "x**2", "--vars", "x"], capsys)
    assert status == 2 and "--expr" in out.err



# ---- quadratic forms with symbolic entries (issue 12 §6): truth established by construction

gn = sympy.Symbol("g", nonnegative=True)
hp = sympy.Symbol("h", positive=True)
a = sympy.Symbol("a", real=True)
X = sympy.Matrix([x, y])


def _form(M, xs):
    v = sympy.Matrix(xs)
    return sympy.expand((v.T * M * v)[0, 0])


# (matrix, why): a PSD matrix written as a sum of squares by hand, or a non-PSD one with a point
# (parameters and x, y) where the form is negative.  Pivots that vanish at the boundary g = 0
# sit on both sides.
PSD_BY_HAND = [
    (sympy.Matrix([[gn, gn], [gn, gn + 1]]), gn*(x + y)**2 + y**2),
    (sympy.Matrix([[g**2, g*z], [g*z, z**2]]), (g*x + z*y)**2),  # a pivot g**2 over g
    (sympy.Matrix([[gn, 0], [0, 0]]), gn*x**2),
    (sympy.Matrix([[(g - 1)**2, g - 1], [g - 1, 2]]), ((g - 1)*x + y)**2 + y**2),
    (sympy.Matrix([[gn*hp, gn], [gn, gn/hp + 1]]), gn*hp*(x + y/hp)**2 + y**2),
]
NOT_PSD = [
    (sympy.Matrix([[gn, 1], [1, 1]]), {gn: 0, x: 1, y: -1}),  # zero pivot, nonzero column
    (sympy.Matrix([[gn, 1], [1, gn]]), {gn: 0, x: 1, y: -1}),
    (sympy.Matrix([[g**2, g], [g, 0]]), {g: 1, x: 1, y: -1}),
    (sympy.Matrix([[gn, gn], [gn, gn - 1]]), {gn: 0, x: 0, y: 1}),
    (sympy.Matrix([[g, 0], [0, 1]]), {g: -1, x: 1, y: 0}),
]


@pytest.mark.parametrize("M, why", PSD_BY_HAND)
def test_symbolic_psd_forms_are_proved(M, why):
    f = _form(M, [x, y])
    assert sympy.expand(f - why) == 0  # the truth, independently of the prover
    v = prove_nonnegative(f, variables=[x, y])
    assert v.proved and v.method.startswith("quadratic form"), str(v)
    recheck(f, v)
    assert check_certificate(f, v.certificate)


@pytest.mark.parametrize("M, point", NOT_PSD)
def test_symbolic_forms_with_a_negative_direction_are_refuted_exactly(M, point):
    f = _form(M, [x, y])
    assert f.xreplace(point) < 0  # the truth, independently of the prover
    v = prove_nonnegative(f, variables=[x, y])
    assert v.refuted, str(v)
    symbols = {s.name: s for s in f.free_symbols}
    at = {symbols[k]: val for k, val in v.counterexample.items() if k != "value"}
    assert all(val.is_Rational for val in at.values())
    assert all(s.is_real and (not s.is_nonnegative or at[s] >= 0) for s in at)
    assert f.xreplace(at) == v.counterexample["value"] < 0


def test_a_vanishing_pivot_is_not_mistaken_for_a_vanishing_row():
    # At g = 0 the pivot g vanishes; the form is PSD only if its column vanishes too.
    assert not prove_nonnegative(_form(sympy.Matrix([[gn, 1], [1, 1]]), [x, y]),
                                 variables=[x, y]).proved
    v = prove_nonnegative(_form(sympy.Matrix([[gn, gn], [gn, 2*gn]]), [x, y]), variables=[x, y])
    assert v.proved and v.zero_set is None  # at g = 0 the form vanishes everywhere
    assert any("vanish" in c for c in v.certificate["conditions"])


def test_continuity_is_stated_when_a_denominator_may_vanish():
    f = _form(sympy.Matrix([[g**2, g*z], [g*z, z**2]]), [x, y])
    v = prove_nonnegative(f, variables=[x, y])
    assert v.proved
    recheck(f, v)
    # a square over a denominator that vanishes at g = 0 (x + z*y/g) needs the continuity
    # argument, and the certificate says so exactly when one appears
    vanishing = any(sympy.denom(sympy.together(e)).has(g) for c, _, lin in
                    v.certificate["terms"] for e in (c, *sympy.Add.make_args(lin)))
    assert vanishing == any("continuous" in c for c in v.certificate["conditions"])
    assert vanishing  # the elimination takes the pivot g**2 first (x comes first)


def _congruent(seed: int, negative: bool):
    """f = (Bx)ᵀ D (Bx), B unit upper triangular with rational and symbolic entries, D diagonal
    with known signs: PSD for D >= 0; with one entry of D negative somewhere, not PSD there
    (Sylvester's law of inertia)."""
    rng = random.Random(seed)
    xs = sympy.symbols("x0:4", real=True)
    B = sympy.eye(4)
    for i in range(4):
        for j in range(i + 1, 4):
            B[i, j] = rng.choice([0, 0, Rational(rng.randint(-3, 3), rng.randint(1, 3)), a, gn, hp])
    D = [rng.choice([Rational(rng.randint(1, 4), rng.randint(1, 3)), gn, gn + 1, hp, a**2,
                     a**2 + gn, gn*hp, 0]) for _ in range(4)]
    if negative:
        D[rng.randrange(4)] = rng.choice([-1, gn - 1, -hp, -a**2 - 1])
    y_ = B * sympy.Matrix(xs)
    return sympy.expand(sum(D[k] * y_[k]**2 for k in range(4))), list(xs)


@pytest.mark.parametrize("seed", range(8))
def test_congruent_forms_are_decided(seed):
    f, xs = _congruent(seed, negative=False)
    v = prove_nonnegative(f, variables=xs)
    assert v.proved, str(v)
    recheck(f, v)
    f, xs = _congruent(seed, negative=True)
    v = prove_nonnegative(f, variables=xs)
    assert v.refuted, str(v)
    symbols = {s.name: s for s in f.free_symbols}
    at = {symbols[k]: val for k, val in v.counterexample.items() if k != "value" and k in symbols}
    assert all(not s.is_nonnegative or at.get(s, 0) >= 0 for s in symbols.values())
    assert all(not s.is_positive or at.get(s, 0) > 0 for s in symbols.values())
    assert f.xreplace({s: at.get(s, 0) for s in symbols.values()}) == v.counterexample["value"] < 0


def _tridiagonal(d, diagonal, off):
    t = sympy.zeros(d, d)
    for i in range(d):
        t[i, i] = diagonal[i]
        if i + 1 < d:
            t[i, i + 1] = t[i + 1, i] = off
    return t


def test_benchmark_case_at_size_8_is_proved_exactly():
    """The benchmark's dI/dt = -g vᵀTv (T tridiagonal [1/2, 2, 1/2], g >= 0), at 8 coordinates."""
    d = 8
    xs = sympy.symbols(f"x0:{d}", real=True)
    gamma = gn * _tridiagonal(d, [2] * d, Rational(1, 2))
    result = derive(Dynamics(sum(c**2 for c in xs) / 2, xs, damping=gamma, parameters=[gn]))
    v = result.dissipative
    assert v.proved and "parameters" in v.method, str(v)
    recheck(-result.rate, v)
    assert v.zero_set is None  # at g = 0 every state has dI/dt = 0
    # T is positive definite (its LDLᵀ over QQ has positive pivots), so with g > 0 the
    # zero set is v = 0 exactly.
    gp = sympy.Symbol("g", positive=True)
    strict = derive(Dynamics(sum(c**2 for c in xs) / 2, xs, damping=gamma.subs(gn, gp),
                             parameters=[gp])).dissipative
    assert strict.proved and set(strict.zero_set) == set(result.dynamics.velocities)


def test_symbolic_diagonal():
    """Γ = tridiagonal with diagonal 2 + p_i (p_i >= 0): diagonally dominant for off-diagonal
    1/2 (proved, zero set v = 0); for off-diagonal 3/2 and p = 0 its smallest eigenvalue
    2 + 3 cos(8π/9) < 0, so refuted with a witness."""
    d = 8
    vs = sympy.symbols(f"v0:{d}", real=True)
    ps = sympy.symbols(f"p0:{d}", nonnegative=True)
    diagonal = [2 + q for q in ps]
    for off, truth in ((Rational(1, 2), True), (Rational(3, 2), False)):
        f = _form(_tridiagonal(d, diagonal, off), vs)
        v = prove_nonnegative(f, variables=list(vs))
        if truth:
            assert v.proved and v.zero_set == tuple(vs), str(v)
            recheck(f, v)
        else:
            assert v.refuted, str(v)
            point = {s: v.counterexample[s.name] for s in f.free_symbols}
            assert all(point[q] >= 0 for q in ps)
            assert f.xreplace(point) == v.counterexample["value"] < 0


def test_check_certificate_signs_parametric_coefficients():
    f = (g - 1)**2 * x**2
    assert check_certificate(f, {"terms": [(sympy.expand((g - 1)**2), 1, x)]})
    assert not check_certificate(gn*x**2 - x**2, {"terms": [(gn - 1, 1, x)]})  # g - 1 < 0 at 0
    assert not check_certificate(gn*x**2, {"terms": [(gn, 1, x + y)]})  # not the identity
