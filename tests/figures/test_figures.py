"""The paper's figures: the data behind each one, the PNG files, and life without matplotlib."""

import sys

import numpy as np
import pytest

from inertia_verify import InvalidArgument
from inertia_verify.cli import main
from inertia_verify.figures import FIGURES, figure_names, figures_for_claim, make_figures
from inertia_verify.figures import _decay_rate, _discrete, _envelope, _sec5, _stochastic
from inertia_verify.figures._simulation import ATOL, RTOL

#: DOP853 controls the local error; over the few hundred steps of a figure's run the global error
#: stays within this many tolerance units (the appA/appC proofs measure 1–10).
BUDGET = 100


def underdamped_inertia(times, omega, gamma, theta0=1.0, v0=0.0):
    """I(t) of θ̈ + γθ̇ + ω²θ = 0 for γ < 2ω, written out independently of the toolkit."""
    wd = np.sqrt(omega**2 - gamma**2 / 4)
    b = (v0 + gamma * theta0 / 2) / wd
    c, s = np.cos(wd * times), np.sin(wd * times)
    theta = np.exp(-gamma * times / 2) * (theta0 * c + b * s)
    v = np.exp(-gamma * times / 2) * (-gamma / 2 * (theta0 * c + b * s) + wd * (-theta0 * s + b * c))
    return 0.5 * v**2 + 0.5 * omega**2 * theta**2


def units(error, reference):
    return float(np.max(np.abs(error) / (ATOL + RTOL * np.abs(reference))))


def test_registry_covers_the_papers_figures():
    claims = {c for spec in FIGURES.values() for c in spec.claims}
    for claim in ("karagoz2025/sec5", "karagoz2025/appA", "karagoz2025/appB", "karagoz2025/appC",
                  "karagoz2025/appD", "karagoz2025/appE", "karagoz2025/eq7"):
        assert claim in claims
    assert [s.name for s in figures_for_claim("karagoz2025/appE")] == ["appE-damped-envelope"]
    assert figures_for_claim("karagoz2025/thm1") == []


def test_sec5_frictionless_inertia_is_constant_within_the_tolerance():
    d = _sec5.data()
    assert units(d["free"] - 0.5, 0.5) <= BUDGET
    assert d["damped"][-1] < 0.01 * d["damped"][0]


def test_decay_rate_matches_the_exact_solution_below_critical_damping():
    d = _decay_rate.data(_decay_rate.GAMMAS[::4])  # every fourth γ of the figure, both regimes
    below = d["gammas"] < 2 * _decay_rate.OMEGA
    horizon = np.array([0.0, _decay_rate.HORIZON])
    for gamma, measured in zip(d["gammas"][below], d["measured"][below]):
        exact = underdamped_inertia(horizon, _decay_rate.OMEGA, gamma)
        averaged = -np.log(exact[1] / exact[0]) / _decay_rate.HORIZON
        # A state error |Δz| ≤ BUDGET·(ATOL + RTOL|z|) changes I ∝ |z|² by a relative 2|Δz|/|z|,
        # and the averaged rate by that over T.
        size = np.sqrt(2 * exact[1])
        bound = 2 * BUDGET * (ATOL / size + RTOL) / _decay_rate.HORIZON
        assert abs(measured - averaged) <= bound, (gamma, measured, averaged, bound)
    above = d["gammas"] > 2.5
    # Well above critical damping the paper's "rate = γ" overestimates: the slow mode dominates.
    assert np.all(d["measured"][above] < 0.7 * d["gammas"][above])
    assert _decay_rate.asymptotic_rate(3.0) == pytest.approx(3.0 - np.sqrt(5.0), rel=1e-12)
    # The figure's explanation of the dip near γ = 2ω: at critical damping θ = (1 + t)e^{−t},
    # I = ½e^{−2t}(t² + (1 + t)²), so the T-average is 2 − ln(T² + (1 + T)²)/T, well below 2.
    T = _decay_rate.HORIZON
    assert d["critical_averaged"] == pytest.approx(2 - np.log(T**2 + (1 + T)**2) / T, rel=1e-12)
    assert d["critical_averaged"] < 0.85 * _decay_rate.asymptotic_rate(2.0)


def test_envelope_figure_simulation_against_the_closed_form():
    d = _envelope.data()
    assert units(d["simulated"] - d["exact"], d["exact"]) <= BUDGET
    independent = underdamped_inertia(d["times"], _envelope.OMEGA, _envelope.GAMMA)
    assert np.max(np.abs(d["exact"] - independent)) < 1e-12  # the toolkit's closed form
    ratio = d["exact"] / d["envelope"]
    # (16) is not an envelope: the ratio oscillates about 1 by about ±γ/(2ω_d), above and below.
    assert 0.85 < ratio.min() < 0.95 and 1.05 < ratio.max() < 1.15
    assert np.array_equal(ratio, d["ratio"])
    # (16) is I(t)'s average over a period π/ω_d: the ratio's mean over whole periods is exactly 1.
    # The trapezoid's whole periods end up to one saved step (40/1199) short of the last period's
    # end, so the mean is off by at most step/period × max|ratio − 1| ≈ 0.033/3.17 × 0.1 ≈ 1e-3.
    assert abs(d["period_mean"] - 1) < 2e-3
    assert abs(_envelope.period_mean(d["times"], d["ratio"] ** 2) - 1) > 2e-3  # and can fail


def test_discrete_inertia_deviation_is_first_order_in_eta():
    d = _discrete.data()
    slopes = np.diff(np.log(d["max_error"])) / np.diff(np.log(_discrete.STEPS))
    # Symplectic Euler keeps a modified energy I + O(η): deviations C₁η + C₂η² + …, so the local
    # slopes are 1 + O(η): they must approach 1 as η halves (order one, not two or zero).
    gaps = np.abs(slopes - 1)
    assert np.all(np.diff(gaps) < 0), slopes
    assert gaps[-1] < 0.05, slopes


@pytest.mark.slow  # 4000 paths × 3000 steps: 5–20 s on two busy cores
def test_stochastic_monte_carlo_within_its_standard_errors():
    d = _stochastic.data()
    # 150 saved times, strongly correlated; the seed is fixed.  |z| ≤ 4 everywhere would fail
    # for a bias of a few standard errors (the explicit scheme's energy pumping gave ~ +1.5 SE).
    assert np.max(np.abs(d["z"])) < 4
    assert abs(np.mean(d["z"])) < 2
    stationary, _ = _stochastic.exact_moments(np.array([400.0]))
    assert stationary[0] == pytest.approx(_stochastic.SIGMA**2 / (2 * _stochastic.GAMMA), rel=1e-9)
    assert d["eq7"][-1] < 0 < d["expected"][-1]  # eq. 7 without the Itô term goes negative


@pytest.mark.slow  # every figure: about 10–15 s on two busy cores
def test_make_figures_writes_readable_pngs(tmp_path):
    pytest.importorskip("matplotlib")
    paths = make_figures(tmp_path / "out", dpi=60)
    assert [p.stem for p in paths] == figure_names()
    for path in paths:
        header = path.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        assert (width, height) in {(384, 240), (576, 240)}, (path.name, width, height)


def test_bad_arguments(tmp_path):
    with pytest.raises(InvalidArgument, match="is not a figure"):
        make_figures(tmp_path, ["fig99"])
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidArgument, match="is a file"):
        make_figures(tmp_path / "file", ["appB-decay-rate"])
    with pytest.raises(InvalidArgument, match="dpi"):
        make_figures(tmp_path, ["appB-decay-rate"], dpi=0)


def test_cli_lists_every_figure_and_rejects_unknown_names(tmp_path, capsys):
    from inertia_verify.cli import build_parser

    # argparse wraps long help lines, also at hyphens: compare with the whitespace removed.
    help_text = "".join(build_parser()._subparsers._group_actions[0].choices["figures"]
                        .format_help().split())
    for name in figure_names():
        assert name in help_text
    assert main(["figures", "--out", str(tmp_path), "--only", "fig9"]) == 2
    assert "argument '--only' = 'fig9': is not a figure" in capsys.readouterr().err


def test_cli_figures_json(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["figures", "--out", str(tmp_path), "--only", "appD-discrete-inertia",
                 "--json", "--dpi", "50"]) == 0
    import json

    payload = json.loads(capsys.readouterr().out)
    assert payload["figures"][0]["name"] == "appD-discrete-inertia"
    assert (tmp_path / "appD-discrete-inertia.png").is_file()


def test_without_matplotlib_the_command_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" fail
    status = main(["figures", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert status == 2
    assert 'pip install "inertia-verify[plot]"' in err
    assert not (tmp_path / "x").exists()  # failed before doing any work
