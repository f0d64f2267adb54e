"""Checking a candidate law: proofs, refutations with usable counterexamples, bad input."""

import json

import pytest
import sympy

from inertia_verify import TIME, InvalidArgument
from inertia_verify.laws import (Model, builtin_model, check_law, deep_linear, load_model,
                                 make_flow, matrix_factorisation, two_layer_relu)
from inertia_verify.laws._criterion import criterion


def test_stated_law_proved_and_non_law_refuted_with_a_point_that_moves_it():
    net = deep_linear([2, 3, 2])
    ok = check_law(net, "U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2")
    assert ok.conserved and ok.verdict.proved
    bad = check_law(net, "U1_0_0**2 + U1_1_0**2 - U2_0_0**2")
    assert not bad.conserved and bad.counterexample
    # The counterexample is a real point: the criterion entry it names is nonzero there.
    conditions, labels = criterion(make_flow(net), bad.law)
    j = labels.index(bad.counterexample["field"])
    subs = {p: bad.verdict.subs.get(p, 1) for p in net.parameters}
    value = conditions[j].xreplace(subs)
    assert value != 0 and value == sympy.Rational(str(bad.counterexample["value"]))
    json.dumps(bad.to_dict())
    assert "NOT conserved" in str(bad) and "not conserved" in bad._repr_latex_()


def test_mirror_law_and_its_euclidean_refutation():
    nmf = matrix_factorisation([2, 1, 2])
    law = "U_0_0 + U_1_0 - V_0_0 - V_1_0"
    assert check_law(nmf, law).verdict.proved  # mirror is the NMF default
    assert check_law(nmf, law, metric="euclidean").verdict.refuted


def test_mirror_momentum_uses_dual_velocities():
    nmf = matrix_factorisation([1, 1, 1])
    flow = make_flow(nmf, "momentum", tau=1)
    assert [v.name for v in flow.velocities] == ["w_U_0_0", "w_V_0_0"]
    # No law persists: even the gradient-flow law fails for momentum.
    assert check_law(nmf, "U_0_0 - V_0_0", "momentum", tau=1).verdict.refuted


def test_time_dependent_law_along_nesterov_damping():
    net = deep_linear([1, 2, 1])
    v = make_flow(net, "momentum", tau="3/t").velocities
    (a0, a1, b0, b1), (va0, va1, vb0, vb1) = net.parameters, v
    angular = a0 * va1 - a1 * va0 + b0 * vb1 - b1 * vb0  # rotation of (u, v) together
    assert check_law(net, TIME**3 * angular, "momentum", tau="3/t").verdict.proved
    assert check_law(net, angular, "momentum", tau="3/t").verdict.refuted


@pytest.mark.parametrize("law, match", [("U1_0_0 + x", "unknown name"),
                                        ("U1_0_0.real", "attribute"),
                                        ("v_U1_0_0", "unknown name")])
def test_law_text_is_restricted_to_the_flow_names(law, match):
    with pytest.raises(InvalidArgument, match=match):
        check_law(deep_linear([2, 2, 2]), law)


def test_bad_models_and_flows():
    with pytest.raises(InvalidArgument, match="positive"):
        deep_linear([2, 0, 2])
    with pytest.raises(InvalidArgument, match="takes 3 widths"):
        two_layer_relu([2, 2])
    with pytest.raises(InvalidArgument, match="unknown model"):
        builtin_model("cnn", [2, 2])
    with pytest.raises(InvalidArgument, match="integers"):
        deep_linear([2, 1.5])
    with pytest.raises(InvalidArgument, match="metric"):
        make_flow(deep_linear([2, 2]), metric="hyperbolic")
    with pytest.raises(InvalidArgument, match="must be 2×2"):
        make_flow(Model.from_text("a, b", ["a*b"]), metric=sympy.eye(3))
    with pytest.raises(InvalidArgument, match="singular"):
        make_flow(Model.from_text("a, b", ["a*b"]), metric=sympy.zeros(2, 2))
    with pytest.raises(InvalidArgument, match="only momentum"):
        make_flow(deep_linear([2, 2]), tau=1)
    with pytest.raises(InvalidArgument, match="law"):
        check_law(deep_linear([2, 2]), 3.5)


def test_model_files(tmp_path):
    good = tmp_path / "m.json"
    good.write_text(json.dumps({"parameters": "a,b,c", "components": ["a*b", "b*c"]}))
    model = load_model(good)
    assert model.dimension == 3 and check_law(model, "a**2 - b**2 + c**2").conserved
    for text, match in (("{", "not valid JSON"), ('{"parameters": "a"}', "keys"),
                        ('{"parameters": "a", "components": "a"}', "list of strings"),
                        ('{"parameters": "a", "components": ["a + __x"]}', "reserved")):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(InvalidArgument, match=match):
            load_model(bad)
    with pytest.raises(InvalidArgument, match="cannot be read"):
        load_model(tmp_path / "missing.json")
    toml = tmp_path / "m.toml"
    toml.write_text('parameters = "a,b"\ncomponents = ["a*b"]\n')
    assert load_model(toml).components == Model.from_text("a,b", ["a*b"]).components
    toml.write_text("parameters = ")
    with pytest.raises(InvalidArgument, match="not valid TOML"):
        load_model(toml)


def test_a_tiny_nonzero_term_is_not_conserved():
    from inertia_verify.laws import deep_linear

    check = check_law(deep_linear([1, 1, 1]), "U1_0_0**2 - U2_0_0**2 + exp(-200)*U1_0_0")
    assert not check.conserved and check.verdict.refuted
    assert check_law(deep_linear([1, 1, 1]), "U1_0_0**2 - U2_0_0**2").conserved
