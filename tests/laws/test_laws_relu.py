"""Deep ReLU networks: path products, the neuron laws, and the bracket-free certificate."""

import json

import numpy as np
import pytest
import sympy

from inertia_verify import InvalidArgument
from inertia_verify.cli import main
from inertia_verify.laws import (MAX_PATH_PARAMETERS, PathProducts, builtin_model, check_law,
                                 count_laws, deep_relu, find_laws, known_laws, law_rank,
                                 two_layer_relu)

# Small random architectures (3–4 matrices, widths 1–3), with and without bias: few enough
# parameters (<= 30) for the general Lie closure to give an independent count.
_RNG = np.random.default_rng(13)
SMALL = [(tuple(int(w) for w in _RNG.integers(1, 4, size=int(_RNG.integers(4, 6)))), bool(b))
         for b in (0, 1) for _ in range(4)]


def _hidden(widths):
    return sum(widths[1:-1])


@pytest.mark.parametrize("widths, bias", SMALL)
def test_count_is_one_law_per_hidden_neuron_by_both_routes(widths, bias):
    net = deep_relu(widths, bias=bias)
    certified = count_laws(net, seed=1)
    closure = count_laws(net, seed=1, method="closure")  # brackets, no use of the stated laws
    rank = law_rank(known_laws(net), net.parameters, seed=1)
    assert certified.n_laws == closure.n_laws == rank == _hidden(widths)
    # With a width-1 bottleneck the gradients alone may span less than D − #laws: the
    # certificate then stays silent and brackets decide (e.g. widths (1, 1, 1, 3, 3)).
    if "lower_bound" in certified.evidence:
        assert certified.evidence["lower_bound"] == certified.evidence["upper_bound"]
        assert certified.brackets == 0


@pytest.mark.parametrize("widths, bias", [((1, 1, 1, 3, 3), False), ((1, 1, 3, 2), True)])
def test_bottlenecks_count_the_neurons_by_both_routes(widths, bias):
    net = deep_relu(widths, bias=bias)
    assert count_laws(net, seed=1).n_laws == _hidden(widths)
    closure = count_laws(net, seed=1, method="closure")
    assert closure.n_laws == _hidden(widths)
    # the closure stops at the ceiling set by the proved neuron laws
    assert closure.evidence["upper_bound"] == closure.lie_rank


@pytest.mark.parametrize("widths, bias", [((2, 3, 2, 2), True), ((4, 2, 5, 3, 2), False),
                                          ((2, 2, 2, 2, 2), True)])
def test_widths_two_and_more_are_certified_without_brackets(widths, bias):
    count = count_laws(deep_relu(widths, bias=bias), seed=4)
    assert count.brackets == 0 and count.n_laws == _hidden(widths)


@pytest.mark.parametrize("widths, bias", [((2, 3, 2, 2), False), ((2, 2, 3, 1), True),
                                          ((1, 2, 2, 2, 1), True)])
def test_stated_laws_are_proved_conserved_by_the_prover(widths, bias):
    net = deep_relu(widths, bias=bias)
    laws = known_laws(net)
    assert len(laws) == _hidden(widths)
    assert all(check_law(net, law).verdict.proved for law in laws)
    # and by the exact integer test the certificate relies on
    assert net.paths.balanced().all()


def test_a_non_law_is_refuted_and_the_certificate_ignores_it():
    net = deep_relu([2, 2, 2, 2], bias=True)
    # The outgoing-minus-incoming law of a neuron without its bias: not conserved.
    wrong = "U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2"
    check = check_law(net, wrong)
    assert not check.conserved and check.verdict.refuted and check.counterexample["field"]
    # The same law as balances fails the exact test, and a model stating it is not certified
    # by it: the certificate only uses laws that pass.
    signs = np.zeros(net.dimension, dtype=np.int64)
    for name, s in [("U1_0_0", 1), ("U1_1_0", 1), ("U2_0_0", -1), ("U2_0_1", -1)]:
        signs[net.names.index(name)] = s
    assert not net.paths.balanced(signs[None, :])[0]
    balances = np.vstack([net.paths.balances, signs])
    paths = PathProducts(net.parameters, net.paths.factors, balances)
    fooled = type(net)(net.name, net.parameters, paths, widths=net.widths)
    count = count_laws(fooled, seed=2)
    assert count.n_laws == _hidden(net.widths)
    assert count.evidence["stated_laws_proved"] == len(balances) - 1


def test_degree_two_search_finds_exactly_the_neuron_laws():
    net = deep_relu([2, 3, 2, 2], bias=True)
    found = find_laws(net, 2)
    assert found.complete and found.n_independent == 5 == found.lie.n_laws
    # The found laws span the stated ones: stacking them adds no functional rank.
    assert law_rank(list(found.laws) + known_laws(net), net.parameters) == 5


def test_two_layer_relu_paths_and_deep_relu_agree():
    two = two_layer_relu([3, 2, 4], bias=True)
    deep = deep_relu([3, 2, 4], bias=True)
    assert count_laws(two).n_laws == count_laws(deep).n_laws == 2
    assert len(two.components) == len(deep.components) == 3 * 2 * 5
    # Same sign convention as the paper for the two-layer model: ‖u_j‖² − ‖v_j‖² − b_j².
    U, V, b = sympy.symbols("U_0_0 V_0_0 b_0", real=True)
    assert known_laws(two)[0].coeff(U**2) == 1 and known_laws(two)[0].coeff(b**2) == -1


def test_wide_deep_network_is_counted_without_materialising_components():
    net = deep_relu([6, 6, 6, 6, 6], bias=True)
    assert len(net.components) == 6**5 + 6**2 + 6**3 + 6**4 and net.dimension == 162
    count = count_laws(net)
    assert count.n_laws == 18 and count.lie_rank == 144
    assert not net.paths._cache  # no SymPy expression was built


def test_bad_widths_name_the_limit():
    with pytest.raises(InvalidArgument, match="positive, got 0"):
        deep_relu([3, 0, 2, 2])
    with pytest.raises(InvalidArgument, match="positive, got -2"):
        builtin_model("relu", [3, -2, 2, 2])
    with pytest.raises(InvalidArgument, match="at least 3 widths"):
        deep_relu([3, 2])
    with pytest.raises(InvalidArgument, match="limit of 2000000"):
        deep_relu([20, 30, 30, 30, 20], bias=True)
    with pytest.raises(InvalidArgument, match=f"limit of {MAX_PATH_PARAMETERS}"):
        deep_relu([40, 30, 2], bias=False)
    with pytest.raises(InvalidArgument, match="general Lie closure is limited to 5,000,000"):
        count_laws(deep_relu([9, 9, 9, 9, 9]), method="closure")
    with pytest.raises(InvalidArgument, match="method"):
        count_laws(deep_relu([2, 2, 2, 2]), method="fast")


def _cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_count_find_check_json(capsys):
    status, out, _ = _cli(capsys, "laws", "count", "--model", "relu-bias", "--widths",
                          "3,4,2,3", "--json")
    data = json.loads(out)
    assert status == 0 and data["n_laws"] == 6 and data["dimension"] == 32
    assert data["model"]["n_components"] == 3 * 4 * 2 * 3 + 3 * 4 + 3 * 4 * 2
    assert data["evidence"]["lower_bound"] == data["evidence"]["upper_bound"] == 26
    status, out, _ = _cli(capsys, "laws", "find", "--model", "relu", "--widths", "2,2,2,2",
                          "--json")
    data = json.loads(out)
    assert status == 0 and data["n_independent"] == 4 and data["complete"]
    law = str(known_laws(deep_relu([2, 2, 2, 2]))[0])
    status, out, _ = _cli(capsys, "laws", "check", "--model", "relu", "--widths", "2,2,2,2",
                          "--law", law, "--json")
    assert status == 0 and json.loads(out)["conserved"] is True
    status, out, _ = _cli(capsys, "laws", "check", "--model", "relu", "--widths", "2,2,2,2",
                          "--law", "U1_0_0**2 - U2_0_0**2", "--json")
    # The exit status of a refuted check is the CLI's policy (1, or 0 unless --strict while
    # that policy is being changed): the verdict is read from the JSON.
    assert status in (0, 1) and json.loads(out)["conserved"] is False
