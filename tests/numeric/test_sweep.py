"""sweep (issue 15 §2): one ensemble per grid point, the exact prediction beside it, the same
bits as each point's own run; CSV, JSON and xarray forms; the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.cli import main
from inertia_verify.numeric import simulate_ensemble, sweep
from inertia_verify.symbolic import quadratic_moments

DYN = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")


def test_each_point_is_its_own_run_and_its_prediction():
    grid = {"gamma": [0.5, 2.0], "dt": [0.05, 0.025], "seed": [3, 4]}
    table = sweep(DYN, [1.0], [0.0], t_end=0.5, paths=3000, grid=grid, scheme="baoab",
                  values={"sigma": 0.4}, workers=2, chunk_paths=8192)
    assert len(table.rows) == 8
    moments = quadratic_moments(DYN, [1.0], [0.0])
    for row in table.rows:
        values = {"gamma": row["gamma"], "sigma": 0.4}
        own = simulate_ensemble(DYN, [1.0], [0.0], t_end=0.5, dt=row["dt_used"], paths=3000,
                                scheme="baoab", seed=row["seed"], values=values, records=1,
                                workers=1)
        assert row["inertia_final_mean"] == own.mean["inertia"][-1]
        assert row["inertia_final_stderr"] == own.stderr["inertia"][-1]
        exact = float(moments.expected_inertia([0.5], values)[0])
        assert row["prediction_final"] == exact
        # BAOAB's bias at these steps is below the standard error (the z-test can fail: a wrong
        # prediction, e.g. the gamma of another row, would be many standard errors away).
        assert abs(row["z"]) < 4
    rows = {(r["gamma"], r["dt"], r["seed"]): r for r in table.rows}
    assert rows[(0.5, 0.05, 3)]["steps"] == 10 and rows[(0.5, 0.025, 3)]["steps"] == 20
    wrong = rows[(2.0, 0.05, 3)]
    assert abs(wrong["inertia_final_mean"] - rows[(0.5, 0.05, 3)]["prediction_final"]) \
        > 10 * wrong["inertia_final_stderr"]


def test_forms_of_the_table(tmp_path):
    table = sweep(Dynamics.from_text("x**4/4", "x", damping="gamma", noise="0.5"), [1.0], [0.0],
                  t_end=0.5, dt=0.05, paths=500, grid={"gamma": [0.5, 1.0]}, workers=1)
    assert all(r["prediction_final"] is None and r["z"] is None for r in table.rows)
    assert "none" in table.prediction_source
    text = table.to_csv().splitlines()
    assert text[0].startswith("gamma,steps,dt_used") and len(text) == 3
    assert text[1].endswith(",,")  # no prediction, no z
    payload = json.loads(json.dumps(table.to_dict()))
    assert payload["columns"][0] == "gamma" and len(payload["rows"]) == 2
    xarray = pytest.importorskip("xarray")
    ds = table.to_xarray()
    assert isinstance(ds, xarray.Dataset) and ds["inertia_final_mean"].shape == (2,)


def test_bad_grids():
    for grid, match in [({}, "non-empty"), ({"nope": [1]}, "neither a parameter"),
                        ({"gamma": []}, "non-empty list"), ({"gamma": "1,2"}, "list"),
                        ({"gamma": [float("nan")]}, "finite"), ({"seed": [-1]}, "integer")]:
        with pytest.raises(InvalidArgument, match=match):
            sweep(DYN, [1.0], [0.0], t_end=0.5, dt=0.05, paths=100, grid=grid,
                  values={"sigma": 0.1}, workers=1)
    with pytest.raises(InvalidArgument, match="dt"):
        sweep(DYN, [1.0], [0.0], t_end=0.5, paths=100, grid={"gamma": [1]},
              values={"sigma": 0.1})


def test_cli_sweep(capsys, tmp_path):
    out = tmp_path / "table.csv"
    args = ["sweep", "--loss", "x**2/2", "--vars", "x", "--damping", "gamma", "--noise", "sigma",
            "--theta0", "1", "--v0", "0", "--t-end", "0.5", "--paths", "2000", "--values",
            "sigma=0.3", "--grid", "gamma=0.5,1", "--grid", "dt=0.05,0.025", "--scheme", "baoab",
            "--workers", "2", "--csv", str(out), "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "estimated"
    assert [(r["gamma"], r["dt"]) for r in payload["rows"]] == [(0.5, 0.05), (0.5, 0.025),
                                                                (1.0, 0.05), (1.0, 0.025)]
    assert out.read_text().count("\n") == 5
    assert main(args[:-1]) == 0
    assert "prediction" in capsys.readouterr().out
    for bad, flag in [(["--grid", "gamma"], "--grid"), (["--workers", "0"], "--workers"),
                      (["--grid", "gamma=1", "--grid", "gamma=2"], "--grid"),
                      (["--grid", "zeta=1"], "--grid")]:
        base = [a for a in args if a not in ("--json",)]
        i = base.index("--grid")
        trimmed = base[:i] + base[i + 4:]  # drop both --grid options
        if "--workers" in bad:
            trimmed = trimmed[:trimmed.index("--workers")] + trimmed[trimmed.index("--workers") + 2:]
            bad = ["--grid", "gamma=1", *bad]
        assert main(trimmed + bad) == 2, bad
        assert flag in capsys.readouterr().err


def test_cli_sweep_diverged_exit_status(capsys):
    """A point that blows up is an answer (verdict diverged, exit 0); --strict makes it 1."""
    args = ["sweep", "--loss", "exp(x**2)", "--vars", "x", "--damping", "gamma", "--noise", "0.5",
            "--theta0", "3", "--v0", "0", "--t-end", "5", "--dt", "0.1", "--paths", "20",
            "--grid", "gamma=0.5,1", "--workers", "1", "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "diverged"
    assert {r["status"] for r in payload["rows"]} == {"diverged"}
    assert all(r["inertia_final_mean"] is None for r in payload["rows"])
    assert main(args + ["--strict"]) == 1
    capsys.readouterr()
