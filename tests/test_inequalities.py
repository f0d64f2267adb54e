"""The inequality prover (issue 12): a trap corpus whose truth is established independently,
certificates re-checked here with SymPy's own matrices, the sign in ``derive``, the CLI."""

from __future__ import annotations

import json

import pytest
import sympy
from sympy import Rational

from inertia_verify import (Dynamics, InvalidArgument, derive, parse_relation,
                            prove_inequality, prove_nonnegative, prove_nonpositive)
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
        assert c.is_nonnegative, c
        assert sympy.expand(sympy.sympify(mult)) in allowed, mult
        total += c * mult * lin**2
    offset = sympy.sympify(cert.get("offset", 0))
    assert offset.is_Rational and offset >= 0
    assert sympy.expand(sympy.cancel(f - offset - total)) == 0


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
