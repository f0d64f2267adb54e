"""Every core by default (issue 15 §1): the same bits whatever the number of workers, the
chunk size and the pool (worker processes or threads), for deterministic and noisy ensembles;
what a worker raises or how it dies reaches the caller."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import types
from contextlib import contextmanager

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify._errors import MissingExtra, WorkerLost
from inertia_verify._progress import Progress
from inertia_verify.cli import main
from inertia_verify.numeric import _parallel, simulate, simulate_ensemble
from inertia_verify.numeric._grid import BLOCK_PATHS
from inertia_verify.numeric._parallel import (SharedProgress, choose_pool, map_in_order,
                                              pool_default, resolve_pool, resolve_workers,
                                              workers_default)

LINUX = sys.platform.startswith("linux")
# Tests that force worker processes fork even when an earlier test imported JAX, which warns
# (the workers run NumPy only).
pytestmark = pytest.mark.filterwarnings("ignore:os.fork\\(\\) was called:RuntimeWarning")
needs_fork = pytest.mark.skipif(not LINUX, reason="worker processes need the fork start method")


def _same(a, b):
    return a is None and b is None or np.array_equal(a, b, equal_nan=True)


@pytest.fixture(params=["threads", pytest.param("processes", marks=needs_fork)])
def pool(request, monkeypatch):
    """Every call in the test runs on this pool; ``calls`` counts the maps that used it (so a
    test whose work silently ran elsewhere fails)."""
    calls = []
    original = getattr(_parallel, f"_map_{request.param}")

    def counted(*args):
        calls.append(request.param)
        return original(*args)

    monkeypatch.setattr(_parallel, f"_map_{request.param}", counted)
    with pool_default(request.param):
        yield types.SimpleNamespace(name=request.param, calls=calls)


@contextmanager
def _deadline(seconds):
    """Fail instead of hanging: SIGALRM raises in the main thread after ``seconds``."""
    def expire(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("damping", ["0.3", "[[0.3, 0.1], [0.0, 0.2]]", "3/t"])
def test_simulate_identical_for_any_workers_and_chunks(damping, pool):
    # 12 000 paths: 1 worker with one chunk, 2 and 3 workers (three and four chunks), and a
    # chunk size that leaves a short last chunk must give the same record, bit for bit.
    dyn = Dynamics.from_text("x**2/2 + y**4/4 + x*y/5", "x,y", damping=damping)
    runs = [simulate(dyn, [1.0, 0.5], [0.0, 0.1], 2.5, 0.01, t0=0.5, paths=12000, spread=0.2,
                     seed=4, workers=w, chunk_paths=c, keep_states=damping == "0.3")
            for w, c in [(1, 10**6), (2, 10**6), (3, 10**6), (2, 5000), (1, 777)]]
    assert pool.calls == [pool.name] * 3
    first = runs[0]
    assert not first.diverged
    for run in runs[1:]:
        for name in ("inertia", "balance", "final_theta", "final_v", "times", "theta", "v"):
            assert _same(getattr(first, name), getattr(run, name)), name
        assert run.quadrature_correction == first.quadrature_correction


@pytest.mark.parametrize("scheme", ["euler-maruyama", "baoab"])
def test_ensemble_identical_for_any_workers_and_chunks(scheme, pool):
    dyn = Dynamics.from_text("x**2/2 + y**4/4", "x,y", damping="1", noise="0.5")
    paths = 5 * BLOCK_PATHS + 123  # a short last block
    runs = [simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.1], t_end=0.5, dt=0.025, paths=paths,
                              scheme=scheme, seed=11, records=4, workers=w, chunk_paths=c)
            for w, c in [(1, 10**7), (2, 10**7), (3, BLOCK_PATHS), (2, 2 * BLOCK_PATHS)]]
    assert pool.calls == [pool.name] * 3
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


def test_divergence_is_the_same_for_any_workers(pool):
    # x**4 with a large step blows up; the first diverging step does not depend on the chunks.
    dyn = Dynamics.from_text("x**4", "x", damping="0.1", noise="3")
    runs = [simulate_ensemble(dyn, [3.0], [0.0], t_end=20.0, dt=0.2, paths=4 * BLOCK_PATHS,
                              seed=1, records=4, workers=w, chunk_paths=c)
            for w, c in [(1, 10**7), (2, BLOCK_PATHS), (3, BLOCK_PATHS)]]
    assert {r.status for r in runs} == {"diverged"}
    assert len({r.diverged_at for r in runs}) == 1
    for run in runs[1:]:
        for name in runs[0].mean:
            assert _same(runs[0].mean[name], run.mean[name]), name
            assert _same(runs[0].stderr[name], run.stderr[name]), name
    # the statistics merged before the divergence are valid numbers
    assert np.isfinite(runs[0].mean["inertia"][0])
    det = Dynamics.from_text("exp(x**2)", "x")
    a = simulate(det, [3.0], [0.0], 5.0, 0.1, paths=9000, spread=0.1, seed=0, workers=1,
                 check_stability=False)
    b = simulate(det, [3.0], [0.0], 5.0, 0.1, paths=9000, spread=0.1, seed=0, workers=3,
                 chunk_paths=3000, check_stability=False)
    assert pool.calls == [pool.name] * 3
    assert a.divergence.step == b.divergence.step
    assert _same(a.inertia, b.inertia)
    assert np.isfinite(a.inertia).all() and a.inertia.shape == b.inertia.shape


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


@needs_fork
def test_progress_reaches_its_total_with_processes(capsys):
    with Progress(12, "demo", enabled=False) as bar:
        progress = SharedProgress(bar, items=4)

        def item(n):
            for _ in range(3):
                progress.item(n).advance()
            return os.getpid()

        pids = map_in_order(item, range(4), 2, pool="processes", progress=progress)
        assert bar.done == 12
    assert os.getpid() not in pids  # the items ran in worker processes
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    with pool_default("processes"):
        run = simulate_ensemble(dyn, [1.0], [0.0], t_end=0.2, dt=0.02, paths=3 * BLOCK_PATHS,
                                seed=2, records=2, workers=2, chunk_paths=BLOCK_PATHS,
                                progress=True)
    total = run.steps * 3  # every chunk's every step
    assert f"{total}/{total}" in capsys.readouterr().err


def _raise_for_one(x):
    if x == 1:
        raise InvalidArgument("theta0", [1.5, float("nan")], "must be finite", "give numbers")
    if x == 2:
        raise MissingExtra("dask", "dask")
    return x


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")
        self.lock = threading.Lock()  # cannot be pickled, however exceptions are reduced


@needs_fork
def test_an_exception_in_a_worker_process_keeps_its_type_and_message():
    with _deadline(60):
        with pytest.raises(InvalidArgument) as caught:
            map_in_order(_raise_for_one, [0, 1, 3], 2, pool="processes")
        expected = InvalidArgument("theta0", [1.5, float("nan")], "must be finite", "give numbers")
        assert str(caught.value) == str(expected)
        assert (caught.value.argument, caught.value.problem, caught.value.fix) == \
            ("theta0", "must be finite", "give numbers")
        assert "_raise_for_one" in str(caught.value.__cause__)  # the worker's traceback
        with pytest.raises(MissingExtra, match=r'pip install "inertia-verify\[dask\]"'):
            map_in_order(_raise_for_one, [0, 2], 2, pool="processes")
        with pytest.raises(ZeroDivisionError, match="division by zero"):
            map_in_order(lambda x: 1 / x, [1, 0, 2], 2, pool="processes")
        # An exception that does not survive pickling: its type and message, in a RuntimeError.
        with pytest.raises(RuntimeError, match="_Unpicklable: 1 and 2"):
            map_in_order(lambda x: (_ for _ in ()).throw(_Unpicklable(1, 2)), [1, 2], 2,
                         pool="processes")


@needs_fork
def test_an_exception_in_a_chunk_reaches_the_driver(monkeypatch):
    from inertia_verify.numeric import _simulate

    original = _simulate._run_chunk

    def failing(*args):
        if args[7] == 1:  # the second chunk
            raise InvalidArgument("dynamics", "x", "failed in chunk 1")
        return original(*args)

    monkeypatch.setattr(_simulate, "_run_chunk", failing)
    dyn = Dynamics.from_text("x**2/2", "x", damping="0.3")
    with _deadline(60), pool_default("processes"), \
            pytest.raises(InvalidArgument, match="failed in chunk 1"):
        simulate(dyn, [1.0], [0.0], 1.0, 0.01, paths=9000, spread=0.1, seed=0, workers=2,
                 chunk_paths=3000)


@needs_fork
def test_a_killed_worker_process_gives_a_clear_error():
    def die(x):
        if x == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return x

    with _deadline(60), pytest.raises(WorkerLost, match=r"chunk 3 of 4 .*killed by signal 9"):
        map_in_order(die, range(4), 2, pool="processes")
    # the pool is gone, the next call works
    assert map_in_order(lambda x: x + 1, range(3), 2, pool="processes") == [1, 2, 3]


def test_the_pool_rule(monkeypatch):
    monkeypatch.delenv("INERTIA_VERIFY_POOL", raising=False)
    big = 10 * _parallel.MIN_FORK_WORK
    assert choose_pool(1, 8, big) == "inline"
    assert choose_pool(4, 1, big) == "inline"
    assert choose_pool(2, 8, _parallel.MIN_FORK_WORK - 1) == "threads"
    assert choose_pool(2, 8, big, threads_only=True) == "threads"
    assert choose_pool(2, 8, big, pool="threads") == "threads"
    if LINUX:
        assert choose_pool(2, 8, big, pool="processes") == "processes"
        if _parallel._fork_hazard() is None:  # no foreign runtime imported by earlier tests
            assert choose_pool(2, 8, big) == "processes"
    # A runtime with threads of its own, or another Python thread: no fork.
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "jax", types.ModuleType("jax"))
        assert choose_pool(2, 8, big) == "threads"
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert choose_pool(2, 8, big) == "threads"
    finally:
        release.set()
        other.join()
    # One place overrides it: the environment, or pool_default around a block.
    monkeypatch.setenv("INERTIA_VERIFY_POOL", "threads")
    assert resolve_pool(None) == "threads"
    assert choose_pool(2, 8, big) == "threads"
    with pool_default("auto"):
        assert resolve_pool(None) == "auto"
    monkeypatch.setenv("INERTIA_VERIFY_POOL", "forks")
    with pytest.raises(InvalidArgument, match="INERTIA_VERIFY_POOL"):
        resolve_pool(None)
    with pytest.raises(InvalidArgument, match="pool"):
        pool_default("gpu").__enter__()


def _pool_in_a_daemon(conn):
    conn.send([choose_pool(2, 8, 10 * _parallel.MIN_FORK_WORK, pool=pool)
               for pool in ("auto", "processes")] + [map_in_order(abs, [-1, -2], 2)])


@needs_fork
def test_a_daemonic_process_gets_threads():
    # A multiprocessing.Pool worker is daemonic and may not start processes: it gets threads.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_pool_in_a_daemon, args=(child,), daemon=True)
    process.start()
    with _deadline(60):
        assert parent.recv() == ["threads", "threads", [1, 2]]
        process.join()


def test_exceptions_survive_pickling():
    import pickle

    for exc in (InvalidArgument("dt", -1.0, "must be positive", "e.g. 0.01"),
                MissingExtra("jax", "jax"), WorkerLost("chunk 1 of 2")):
        copy = pickle.loads(pickle.dumps(exc))
        assert type(copy) is type(exc) and str(copy) == str(exc)


def test_the_core_imports_without_foreign_runtimes():
    # Importing the package (and its pool) starts no foreign runtime, so "auto" may fork.
    code = ("import sys, threading, inertia_verify, inertia_verify.numeric, "
            "inertia_verify.numeric._parallel as p; "
            "print(sorted(m for m in p.FORK_UNSAFE_MODULES + ('dask',) if m in sys.modules), "
            "threading.active_count())")
    import inertia_verify

    root = os.path.dirname(os.path.dirname(os.path.abspath(inertia_verify.__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": root}).stdout
    assert out.split() == ["[]", "1"]
