"""Model files that describe the 2025 building blocks by their matrices, so a user can check a
layer of their own: each file gives the built-in block's φ (or its laws), and bad files say why."""

import json

import pytest

from inertia_verify import InvalidArgument
from inertia_verify.cli import main
from inertia_verify.laws import (attention_head, check_law, count_laws, crossentropy_layer,
                                 known_laws, load_model)


def _write(tmp_path, spec, suffix=".json"):
    path = tmp_path / f"block{suffix}"
    path.write_text(json.dumps(spec) if suffix == ".json" else spec)
    return path


def test_attention_by_products_is_the_builtin_head(tmp_path):
    spec = {"matrices": {"Q": [3, 2], "K": [3, 2], "V": [3, 2], "O": [3, 2]},
            "products": ["Q K^T", "V O^T"]}
    mine, builtin = load_model(_write(tmp_path, spec)), attention_head([3, 2, 2])
    assert mine.parameters == builtin.parameters and mine.components == builtin.components
    assert count_laws(mine, seed=1).n_laws == 6
    assert all(check_law(mine, str(h)).verdict.proved for h in known_laws(builtin))


def test_relu_layer_with_bias_by_neurons(tmp_path):
    # U: 2 outputs × 3 neurons; V: 2 inputs + a bias row × 3 neurons.
    spec = {"matrices": {"U": [2, 3], "V": [3, 3]}, "neurons": [["U", "V"]]}
    model = load_model(_write(tmp_path, spec))
    assert len(model.components) == 3 * 2 * 3 and count_laws(model, seed=1).n_laws == 3
    law = "U_0_1**2 + U_1_1**2 - V_0_1**2 - V_1_1**2 - V_2_1**2"
    assert check_law(model, law).verdict.proved
    assert check_law(model, "U_0_1**2 - V_0_1**2").verdict.refuted


def test_crossentropy_by_centred_in_toml(tmp_path):
    path = _write(tmp_path, 'matrices = { W = [3, 2] }\ncentred = ["W"]\n', ".toml")
    model = load_model(path)
    assert model.components == crossentropy_layer([3, 2]).components
    assert check_law(model, "W_0_1 + W_1_1 + W_2_1").verdict.proved


def test_own_convolution_with_weight_sharing(tmp_path):
    # One channel, kernel of size 1 shared by 2 positions, a bias b0, one output.
    spec = {"parameters": "b0", "matrices": {"U": [1, 2], "K": [1, 1]},
            "components": ["U_0_0*K_0_0", "U_0_1*K_0_0", "U_0_0*b0", "U_0_1*b0"]}
    model = load_model(_write(tmp_path, spec))
    assert count_laws(model, seed=1).n_laws == 1
    assert check_law(model, "K_0_0**2 + b0**2 - U_0_0**2 - U_0_1**2").verdict.proved


def test_builtin_by_name_and_through_the_cli(tmp_path, capsys):
    path = _write(tmp_path, {"model": "attention", "widths": [2, 1, 1]})
    assert load_model(path).components == attention_head([2, 1, 1]).components
    status = main(["laws", "check", "--model-file", str(path), "--law",
                   "Q_0_0**2 + Q_1_0**2 - K_0_0**2 - K_1_0**2", "--json"])
    data = json.loads(capsys.readouterr()[0])
    assert status == 0 and data["verdict"] == "proved"


@pytest.mark.parametrize("spec, message", [
    ({"matrices": {"Q": [2, 2]}, "products": ["Q K^T"]}, "not a declared matrix"),
    ({"matrices": {"Q": [2, 3], "K": [2, 2]}, "products": ["Q K"]}, "sizes do not match"),
    ({"matrices": {"Q_1": [2, 2]}, "products": ["Q_1"]}, "letters and digits"),
    ({"matrices": {"Q": [2, 0]}, "products": ["Q"]}, "rows, columns"),
    ({"matrices": {"U": [2, 2], "V": [2, 3]}, "neurons": [["U", "V"]]}, "one column per neuron"),
    ({"matrices": {"Q": [2, 2]}, "product": ["Q"]}, "unknown keys"),
    ({"matrices": {"Q": [2, 2]}}, "defines no component"),
    ({"parameters": "a", "components": ["a"], "products": ["Q"]}, "need 'matrices'"),
    ({"model": "attention", "widths": [2, 1, 1], "products": []}, "only 'model' and 'widths'"),
    ({"parameters": "Q_0_0", "matrices": {"Q": [1, 1]}, "products": ["Q"]}, "also listed"),
])
def test_bad_model_files(tmp_path, spec, message):
    with pytest.raises(InvalidArgument, match=message):
        load_model(_write(tmp_path, spec))
