"""The 2025 building blocks: counts against the stated laws, through the API and the CLI."""

import json

import pytest

from inertia_verify import InvalidArgument
from inertia_verify.cli import main
from inertia_verify.laws import builtin_model, check_law, count_laws, known_laws, law_rank


@pytest.mark.parametrize("name, widths, expected", [
    ("attention", [3, 2, 2], 6),        # k(k+1)/2 + dv(dv+1)/2 = 3 + 3
    ("attention", [2, 2, 1], 4),        # 3 + 1
    ("multihead", [2, 2, 1, 1], 4),     # 2 heads × (1 + 1)
    ("conv", [2, 2, 3, 2], 2),          # one per channel
    ("resnet", [3, 2], 2),              # one per neuron, as without the skip
    ("crossentropy", [3, 4], 4),        # one column sum per input
])
def test_count_equals_the_stated_laws(name, widths, expected):
    model = builtin_model(name, widths)
    laws = known_laws(model)
    assert count_laws(model, seed=1).n_laws == law_rank(laws, model.parameters) == expected


@pytest.mark.parametrize("name, widths, wrong", [
    ("attention", [2, 1, 1], "Q_0_0**2 - K_0_0**2"),      # misses Q_1_0² − K_1_0²
    ("conv", [1, 1, 2, 1], "K_0_0**2 + b_0**2 - U_0_0_0**2"),  # misses position 1
    ("crossentropy", [2, 2], "W_0_0 + W_1_1"),           # mixes two columns
])
def test_stated_laws_proved_and_a_wrong_one_refuted(name, widths, wrong):
    model = builtin_model(name, widths)
    assert all(check_law(model, law).verdict.proved for law in known_laws(model))
    assert check_law(model, wrong).verdict.refuted


def test_blocks_through_the_cli(capsys):
    status = main(["laws", "count", "--model", "attention", "--widths", "3,2,2", "--json"])
    data = json.loads(capsys.readouterr()[0])
    assert status == 0 and data["n_laws"] == 6 and data["dimension"] == 24
    status = main(["laws", "count", "--model", "conv", "--widths", "2,2", "--json"])
    err = capsys.readouterr()[1]
    assert status == 2 and "takes 4 integers" in err


def test_bad_block_widths():
    with pytest.raises(InvalidArgument, match="positive, got 0"):
        builtin_model("attention", [2, 0, 1])
    with pytest.raises(InvalidArgument, match="takes 2 integers"):
        builtin_model("crossentropy", [2, 2, 2])
