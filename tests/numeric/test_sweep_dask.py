"""Ensembles and sweeps on a Dask cluster (issue 15 §2): the same bits as one process, and the
same answer when a worker is killed mid-run (its chunks are recomputed)."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.numeric import simulate_ensemble, sweep
from inertia_verify.numeric._dask import dask_client
from inertia_verify.numeric._grid import BLOCK_PATHS

distributed = pytest.importorskip("distributed")

DYN = Dynamics.from_text("x**2/2 + y**4/4", "x,y", damping="gamma", noise="0.5")
KW = dict(t_end=1.0, paths=6 * BLOCK_PATHS, seed=5, records=4, chunk_paths=BLOCK_PATHS,
          values={"gamma": 1.0})


def _same(a, b):
    return all(np.array_equal(a.mean[k], b.mean[k], equal_nan=True)
               and np.array_equal(a.stderr[k], b.stderr[k], equal_nan=True) for k in a.mean)


@pytest.fixture(scope="module")
def cluster():
    # Two worker processes (with nannies, which restart a killed worker), one thread each.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local, \
            distributed.Client(local) as client:
        yield local, client


def test_same_bits_as_one_process_and_sweep(cluster):
    _, client = cluster
    local = simulate_ensemble(DYN, [1.0, 0.5], [0.0, 0.0], dt=0.025, workers=1, **KW)
    remote = simulate_ensemble(DYN, [1.0, 0.5], [0.0, 0.0], dt=0.025, client=client, **KW)
    assert remote.status == "ok" and _same(local, remote)
    grid = {"gamma": [0.5, 1.0], "seed": [1, 2]}
    here = sweep(DYN, [1.0, 0.5], [0.0, 0.0], t_end=0.5, dt=0.05, paths=3000, grid=grid,
                 workers=1)
    there = sweep(DYN, [1.0, 0.5], [0.0, 0.0], t_end=0.5, dt=0.05, paths=3000, grid=grid,
                  client=client)
    assert here.rows == there.rows


def test_killed_worker_is_recomputed(cluster):
    local_cluster, client = cluster
    # Long enough chunks (about a second each on one core) that the kill lands mid-run.
    steps = 600
    reference = simulate_ensemble(DYN, [1.0, 0.5], [0.0, 0.0], dt=1 / steps, workers=1, **KW)
    pids = client.run(os.getpid)
    outcome = {}

    def remote():
        outcome["run"] = simulate_ensemble(DYN, [1.0, 0.5], [0.0, 0.0], dt=1 / steps,
                                           client=client, **KW)

    thread = threading.Thread(target=remote)
    thread.start()
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        busy = {w: keys for w, keys in client.processing().items() if keys}
        if busy:
            victim = sorted(busy)[0]
        else:
            time.sleep(0.05)
    assert victim is not None, "no task started within 60 s"
    # SIGKILL: no goodbye to the scheduler, as a crash (the nanny starts a fresh worker).
    os.kill(pids[victim], signal.SIGKILL)
    time.sleep(0.5)
    assert thread.is_alive(), "the run finished before the worker was killed"
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert victim not in client.scheduler_info()["workers"]
    assert _same(reference, outcome["run"])


def test_unreachable_scheduler_and_bad_local():
    start = time.monotonic()
    with pytest.raises(InvalidArgument, match="no Dask scheduler answered"):
        with dask_client("tcp://127.0.0.1:9", timeout=1.0):
            pass
    assert time.monotonic() - start < 20
    for bad in ("local:0", "local:x", ""):
        with pytest.raises(InvalidArgument, match="dask"):
            with dask_client(bad):
                pass
    with pytest.raises(InvalidArgument, match="client"):
        simulate_ensemble(DYN, [1.0, 0.5], [0.0, 0.0], dt=0.25, client="tcp://x", **KW)
