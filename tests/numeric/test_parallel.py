"""Every core by default (issue 15 §1): the same bits whatever the number of workers and the
chunk size, for deterministic and noisy ensembles."""

from __future__ import annotations

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.cli import main
from inertia_verify.numeric import simulate, simulate_ensemble
from inertia_verify.numeric._montecarlo import BLOCK_PATHS
from inertia_verify.numeric._parallel import map_in_order, resolve_workers, workers_default


def _same(a, b):
    return a is None and b is None or np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("damping", ["0.3", "[[0.3, 0.1], [0.0, 0.2]]", "3/t"])
def test_simulate_identical_for_any_workers_and_chunks(damping):
    # 12 000 paths: 1 worker with one chunk, 2 and 3 workers (three and four chunks), and a
    # chunk size that leaves a short last chunk must give the same record, bit for bit.
    dyn = Dynamics.from_text("x**2/2 + y**4/4 + x*y/5", "x,y", damping=damping)
    runs = [simulate(dyn, [1.0, 0.5], [0.0, 0.1], 2.5, 0.01, t0=0.5, paths=12000, spread=0.2,
                     seed=4, workers=w, chunk_paths=c)
            for w, c in [(1, 10**6), (2, 10**6), (3, 10**6), (2, 5000), (1, 777)]]
    first = runs[0]
    assert not first.diverged
    for run in runs[1:]:
        for name in ("inertia", "balance", "final_theta", "final_v", "times"):
            assert _same(getattr(first, name), getattr(run, name)), name
        assert run.quadrature_correction == first.quadrature_correction


@pytest.mark.parametrize("scheme", ["euler-maruyama", "baoab"])
def test_ensemble_identical_for_any_workers_and_chunks(scheme):
    dyn = Dynamics.from_text("x**2/2 + y**4/4", "x,y", damping="1", noise="0.5")
    paths = 5 * BLOCK_PATHS + 123  # a short last block
    runs = [simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.1], t_end=0.5, dt=0.025, paths=paths,
                              scheme=scheme, seed=11, records=4, workers=w, chunk_paths=c)
            for w, c in [(1, 10**7), (2, 10**7), (3, BLOCK_PATHS), (2, 2 * BLOCK_PATHS)]]
    for run in runs[1:]:
        for name in runs[0].mean:
            assert _same(runs[0].mean[name], run.mean[name]), name
            assert _same(runs[0].stderr[name], run.stderr[name]), name
    # The merged statistics are those of the whole sample (Chan's update is exact up to
    # round-off): the mean of I at t = 0 is I(θ0, v0) itself for every path.
    assert runs[0].mean["inertia"][0] == pytest.approx(0.5 * 0.01 + 0.5 + 0.5**4 / 4, rel=1e-14)
    # A different seed gives a different sample (the test above can fail).
    other = simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.1], t_end=0.5, dt=0.025, paths=paths,
                              scheme=scheme, seed=12, records=4, workers=2)
    assert other.mean["inertia"][-1] != runs[0].mean["inertia"][-1]


def test_divergence_is_the_same_for_any_workers():
    # x**4 with a large step blows up; the first diverging step does not depend on the chunks.
    dyn = Dynamics.from_text("x**4", "x", damping="0.1", noise="3")
    runs = [simulate_ensemble(dyn, [3.0], [0.0], t_end=20.0, dt=0.2, paths=4 * BLOCK_PATHS,
                              seed=1, records=4, workers=w, chunk_paths=c)
            for w, c in [(1, 10**7), (2, BLOCK_PATHS), (3, BLOCK_PATHS)]]
    assert {r.status for r in runs} == {"diverged"}
    assert len({r.diverged_at for r in runs}) == 1
    for run in runs[1:]:
        assert _same(runs[0].mean["inertia"], run.mean["inertia"])
    det = Dynamics.from_text("exp(x**2)", "x")
    a = simulate(det, [3.0], [0.0], 5.0, 0.1, paths=9000, spread=0.1, seed=0, workers=1,
                 check_stability=False)
    b = simulate(det, [3.0], [0.0], 5.0, 0.1, paths=9000, spread=0.1, seed=0, workers=3,
                 chunk_paths=3000, check_stability=False)
    assert a.divergence.step == b.divergence.step
    assert _same(a.inertia, b.inertia)


def test_workers_validation_and_default():
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(InvalidArgument, match="workers"):
            resolve_workers(bad)
    with workers_default(1):
        assert resolve_workers(None) == 1
    assert map_in_order(lambda x: -x, range(5), 3) == [0, -1, -2, -3, -4]
    with pytest.raises(ZeroDivisionError):
        map_in_order(lambda x: 1 / x, [1, 0, 2], 2)


def test_cli_workers(capsys):
    args = ["simulate", "--loss", "x**2/2", "--vars", "x", "--damping", "1", "--noise", "0.5",
            "--theta0", "1", "--v0", "0", "--t-end", "0.5", "--dt", "0.05", "--paths", "20000",
            "--seed", "3", "--json"]
    import json

    assert main(args + ["--workers", "1"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(args + ["--workers", "2"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one["mean"] == two["mean"] and one["stderr"] == two["stderr"]
    assert main(args + ["--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
