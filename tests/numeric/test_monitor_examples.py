"""The two training experiments in examples/, at the small size (``--small``), with their plots.

Their full-size runs are the scripts themselves; here each is run once and the statements the
examples make are checked against what the run produced.
"""

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))


@pytest.fixture(autouse=True)
def one_thread():
    # Tiny matrices: torch's thread pool costs more than it saves on a loaded machine.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_digits_heavy_ball(tmp_path, capsys):
    import digits_heavy_ball

    out = tmp_path / "digits.png"
    results = digits_heavy_ball.main(["--small", "--out", str(out)])
    assert out.stat().st_size > 10_000
    full, mini = results["full"].summary(), results["mini"].summary()
    # Full batch at lr 0.05: I_k decays on every step and the damping explains most of it;
    # mini-batch noise makes it go up on many steps.
    assert full["increases"] == 0
    assert abs(full["remainder"]) < 0.2 * abs(full["damping_explained"])
    assert mini["increases"] > 10
    # Law drift: order 1 in the step for gradient descent (fitted over h = 0.2, 0.1, 0.05, where
    # the O(h) correction to the slope is below 0.1: the band is ±0.25); heavy ball at fixed
    # (γ, T) tends to the ODE's own drift (order near 0, well below 1).
    orders = list(results["order"].values())
    assert abs(orders[0] - 1) < 0.25
    assert orders[1] < 0.5
    assert "fitted order" in capsys.readouterr().out


def test_lr_towards_instability(tmp_path, capsys):
    import lr_towards_instability

    out = tmp_path / "lr.png"
    results = lr_towards_instability.main(["--small", "--out", str(out)])
    assert out.stat().st_size > 10_000
    rows = results["rows"]
    assert [r["lr"] for r in rows] == sorted(r["lr"] for r in rows)
    # The smallest learning rate is in the stable regime (no indicator fires), the largest is
    # not (its loss goes up on some step).
    assert rows[0]["loss_increases"] == rows[0]["inertia_increases"] == 0
    assert rows[-1]["loss_increases"] > 0
    text = capsys.readouterr().out
    assert "smallest lr at which each indicator fires" in text
