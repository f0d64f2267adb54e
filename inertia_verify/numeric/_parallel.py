"""Every core by default: chunks of an ensemble on worker processes (or threads), results in
chunk order.

The ensemble drivers (:func:`~inertia_verify.numeric.simulate` and
:func:`~inertia_verify.numeric.simulate_ensemble`) already cut large ensembles into chunks of paths
whose numbers do not depend on the chunking (every operation acts path by path, and every random
number comes from a stream of a fixed block of paths).  Here those chunks run on ``workers``
workers and their results are gathered in chunk order, whatever order the workers finish in, so
the merged statistics are the same bits for any number of workers, any chunk size and either
kind of pool.

Processes or threads (:func:`choose_pool`).  A step of a scheme is many short NumPy calls, and
the interpreter holds the GIL between them: threads share one interpreter, so two threads reach
about 1.1–1.3× (compiled Verlet, 30 000 paths × 10 coordinates) to 1.6× (Euler–Maruyama, 10⁶
paths) of one core.  Worker processes forked from the caller (Linux) each have their own
interpreter: two reach 1.4–1.7× and 1.9× on the same problems, where two independent one-core
runs at once reach 1.6–1.8× (the cores slow each other down; measured on an idle 2-core VM,
``benchmarks/bench_parallel_interleaved.py``).  They inherit the chunk function and its items from the caller at the fork (nothing is
pickled on the way in: compiled, lambdified systems cannot be), are told which item to run next
(an index), and send back each item's result pickled; what several workers write or read while
they run lives in memory shared with the caller (:func:`shared_empty`: the record of
:func:`simulate`, the progress counters of :class:`SharedProgress`, the flags that stop the
chunks after an earlier one diverged).  The rule, with ``pool="auto"`` (the default):

* one worker, or one item: the calling thread, no pool;
* processes when all of these hold: the system is Linux (``fork`` start method), the work is
  large enough to pay for the fork (:data:`MIN_FORK_WORK` coordinate-steps; a fork costs a few
  milliseconds), the caller is the only Python thread (``threading.active_count() == 1``: a fork
  copies only the forking thread, and a lock another thread held stays locked in the child), no
  runtime that starts threads of its own is imported (:data:`FORK_UNSAFE_MODULES`: JAX, PyTorch,
  TensorFlow), and the caller is neither a worker process of its own nor a daemonic process
  (a ``multiprocessing.Pool`` worker: it may not have children);
* threads otherwise (and always for the JAX backend, whose XLA runtime is threaded).

``pool="threads"`` or ``"processes"`` (the ``pool`` argument of :func:`map_in_order`,
:func:`pool_default` around a block, or the environment variable ``INERTIA_VERIFY_POOL``) forces
one kind; ``"processes"`` still needs the ``fork`` start method (and a process that may have
children: a daemonic one gets threads).  A worker process that dies
(killed, out of memory) raises :class:`~inertia_verify._errors.WorkerLost` naming the chunk, and
an exception raised in a worker reaches the caller with its type and message.  Beyond one
machine, the same chunk functions run as Dask tasks (:mod:`._dask`).
"""

from __future__ import annotations

import mmap
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, TypeVar

import numpy as np

from .._errors import InvalidArgument, WorkerLost

__all__ = ["available_cores", "resolve_workers", "workers_default", "map_in_order",
           "POOLS", "pool_default", "resolve_pool", "choose_pool", "shared_empty",
           "SharedProgress", "plan_chunks", "split_for_workers", "MIN_FORK_WORK",
           "FORK_UNSAFE_MODULES", "MIN_PATHS_PER_WORKER", "CACHE_PATHS_BYTES",
           "MIN_PATHS_PER_THREAD"]

T = TypeVar("T")
R = TypeVar("R")

#: A chunk shorter than this is not split further between workers: below it each NumPy call is a
#: few microseconds and the interpreter overhead dominates.
MIN_PATHS_PER_WORKER = 4096

#: Bytes of one ``(dimension, paths)`` float64 state array in a chunk: a few such arrays (state,
#: force, work arrays, the compiled function's temporaries) stay in a core's cache (see
#: :func:`split_for_workers`).
CACHE_PATHS_BYTES = 128 * 1024

#: The shortest chunk several *threads* take: each NumPy call acts on a row of a chunk's paths,
#: and it must be long enough that the interpreter time held under the GIL between calls stays
#: small beside it (measured on 2 idle cores, 30 000 paths of compiled Verlet with 10
#: coordinates, 2 threads: 0.74 s with chunks of 4096 paths, 0.51 s with 7500, against 0.64 s on
#: one core).  Processes do not share a GIL and take cache-sized chunks.
MIN_PATHS_PER_THREAD = 8192

#: Less work than this (paths × coordinates × steps) runs on threads with ``pool="auto"``:
#: starting two worker processes, feeding them and collecting them costs 15–30 ms (5 ms a fork
#: of an interpreter holding SymPy and NumPy, measured on a shared 2-core VM), which two
#: processes win back over two threads only on runs of 0.1 s or more on one core (about this
#: much work for compiled Verlet or Euler–Maruyama).
MIN_FORK_WORK = 10**7

#: Modules whose runtimes start threads of their own (not seen by ``threading``): once one is
#: imported, ``pool="auto"`` does not fork (JAX warns that fork deadlocks it; an OpenMP pool,
#: as PyTorch's, does not survive a fork either).
FORK_UNSAFE_MODULES = ("jax", "torch", "tensorflow")

#: The kinds of pool: ``"auto"`` chooses per call (see the module notes).
POOLS = ("auto", "threads", "processes")

# Seconds between two looks at the workers' progress counters.
_POLL_SECONDS = 0.05


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says, else
    ``os.cpu_count()``).

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# What ``workers=None`` means: every core, unless a front end (``--workers N`` on the command
# line) says otherwise for the duration of one command, through library code it does not own.
_DEFAULT_WORKERS: ContextVar[int | None] = ContextVar("inertia_verify_workers", default=None)
# What pool=None means: the environment's INERTIA_VERIFY_POOL, unless pool_default says otherwise.
_DEFAULT_POOL: ContextVar[str | None] = ContextVar("inertia_verify_pool", default=None)
_POOL_VARIABLE = "INERTIA_VERIFY_POOL"


@contextmanager
def _default(variable: ContextVar, value: object) -> Iterator[None]:
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


@contextmanager
def workers_default(workers: int | None) -> Iterator[None]:
    """Within the block, ``workers=None`` means ``workers`` (``None``: every available core).

    Examples
    --------
    >>> with workers_default(1):
    ...     resolve_workers(None)
    1
    """
    with _default(_DEFAULT_WORKERS, None if workers is None else resolve_workers(workers)):
        yield


def resolve_workers(workers: object, argument: str = "workers") -> int:
    """``None`` → the default (every available core, or what :func:`workers_default` set);
    otherwise a positive integer, checked.

    Raises
    ------
    InvalidArgument
        For 0, a negative number or anything that is not an integer.

    Examples
    --------
    >>> resolve_workers(2)
    2
    >>> resolve_workers(None) == available_cores()
    True
    """
    if workers is None:
        default = _DEFAULT_WORKERS.get()
        return available_cores() if default is None else default
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise InvalidArgument(argument, workers, "must be a positive integer (worker processes "
                              "or threads to use)",
                              f"e.g. {argument}=1 for one core, or leave it out for all "
                              f"{available_cores()} cores")
    return int(workers)


@contextmanager
def pool_default(pool: str | None) -> Iterator[None]:
    """Within the block, the drivers' chunks run on ``pool`` (one of :data:`POOLS`; ``None``:
    the environment variable ``INERTIA_VERIFY_POOL``, else ``"auto"``).

    Examples
    --------
    >>> with pool_default("threads"):
    ...     resolve_pool(None)
    'threads'
    """
    with _default(_DEFAULT_POOL, None if pool is None else resolve_pool(pool)):
        yield


def resolve_pool(pool: str | None, argument: str = "pool") -> str:
    """``None`` → what :func:`pool_default` set, else ``INERTIA_VERIFY_POOL``, else ``"auto"``;
    otherwise one of :data:`POOLS`, checked.

    Raises
    ------
    InvalidArgument
        For a name that is not one of :data:`POOLS` (also when it comes from the environment).

    Examples
    --------
    >>> resolve_pool("processes")
    'processes'
    """
    if pool is None:
        pool = _DEFAULT_POOL.get()
    if pool is None:
        pool, argument = os.environ.get(_POOL_VARIABLE) or "auto", _POOL_VARIABLE
    if pool not in POOLS:
        raise InvalidArgument(argument, pool, f"must be one of {', '.join(POOLS)}",
                              "auto forks worker processes where that is safe")
    return pool


# True in a worker process: its own chunks run in its thread, without a pool of its own.
_IN_WORKER = False


def _fork_hazard() -> str | None:
    """Why this process should not fork workers now (``None``: it may)."""
    if _IN_WORKER:
        return "this is a worker process"
    if not sys.platform.startswith("linux"):
        return f"fork is not the safe start method on {sys.platform}"
    loaded = [name for name in FORK_UNSAFE_MODULES if name in sys.modules]
    if loaded:
        return f"{loaded[0]} is imported (its threads do not survive a fork)"
    if threading.active_count() > 1:
        return "other Python threads are running"
    return _no_children()


def _no_children() -> str | None:
    """Why this process may not start child processes at all (``None``: it may)."""
    processes = sys.modules.get("multiprocessing")
    if processes is not None and processes.current_process().daemon:
        return "this is a daemonic process (multiprocessing forbids it children)"
    return None


def choose_pool(workers: int, items: int, work: float = float("inf"), *,
                threads_only: bool = False, pool: str | None = None) -> str:
    """Where ``items`` chunks of ``work`` coordinate-steps in all run on ``workers`` workers:
    ``"inline"`` (the calling thread), ``"threads"`` or ``"processes"`` (the rule is in the
    module notes).

    Parameters
    ----------
    workers, items : int
    work : float
        Paths × coordinates × steps of all the items together.
    threads_only : bool
        The items cannot run in a forked process (the JAX backend).
    pool : str, optional
        One of :data:`POOLS` (default: :func:`resolve_pool`).

    Raises
    ------
    InvalidArgument
        For ``pool="processes"`` where there is no ``fork`` start method.

    Examples
    --------
    >>> choose_pool(1, 8)
    'inline'
    >>> choose_pool(2, 8, work=1000)     # too little work to pay for a fork
    'threads'
    >>> choose_pool(2, 8, pool="threads")
    'threads'
    """
    pool = resolve_pool(pool)
    if workers <= 1 or items <= 1 or _IN_WORKER:
        return "inline"
    if pool == "processes":
        if threads_only or _no_children() is not None:
            return "threads"
        if not sys.platform.startswith("linux"):
            raise InvalidArgument("pool", pool, f"needs the fork start method, which is not "
                                  f"safe on {sys.platform}", "use pool='threads' or 'auto'")
        return "processes"
    if pool == "threads" or threads_only or work < MIN_FORK_WORK or _fork_hazard() is not None:
        return "threads"
    return "processes"


def shared_empty(shape, dtype=float, shared: bool = True) -> np.ndarray:
    """An uninitialised array in memory shared with the worker processes forked after it (an
    anonymous ``MAP_SHARED`` mapping), or an ordinary array when ``shared`` is false.

    Examples
    --------
    >>> a = shared_empty((2, 3))
    >>> a[:] = 1.0
    >>> float(a.sum())
    6.0
    """
    dtype = np.dtype(dtype)
    if not shared:
        return np.empty(shape, dtype)
    count = int(np.prod(shape, dtype=np.int64))
    memory = mmap.mmap(-1, max(1, count * dtype.itemsize))
    return np.frombuffer(memory, dtype=dtype, count=count).reshape(shape)


class SharedProgress:
    """A progress bar that the workers (threads or processes) advance, one counter per item in
    shared memory: a worker only adds to its own item's counter, and the caller's thread, which
    waits for the workers, forwards the sum to ``bar`` (:meth:`forward`).

    Examples
    --------
    >>> from inertia_verify._progress import Progress
    >>> with Progress(6) as bar:
    ...     progress = SharedProgress(bar, items=2)
    ...     _ = map_in_order(lambda i: progress.item(i).advance(3), [0, 1], 2, progress=progress)
    ...     bar.done
    6
    """

    def __init__(self, bar: Any, items: int) -> None:
        self._bar = bar
        done = shared_empty((max(1, items),), np.int64)
        done[:] = 0
        self._done = memoryview(done)  # Python ints: advanced every step, at little cost
        self._shown = 0
        self.inline = True  # set by map_in_order: in the calling thread, forward at once

    def item(self, index: int) -> _ItemProgress:
        """What the worker running item ``index`` advances."""
        return _ItemProgress(self, index)

    def forward(self) -> None:
        """Advance the bar by what the workers did since the last call (caller's thread)."""
        done = sum(self._done)
        if done > self._shown:
            self._bar.advance(done - self._shown)
            self._shown = done


class _ItemProgress:
    __slots__ = ("_owner", "_index")

    def __init__(self, owner: SharedProgress, index: int) -> None:
        self._owner, self._index = owner, index

    def advance(self, n: int = 1) -> None:
        self._owner._done[self._index] += n
        if self._owner.inline:
            self._owner.forward()


def map_in_order(function: Callable[[T], R], items: Sequence[T], workers: int, *,
                 pool: str | None = None, progress: SharedProgress | None = None) -> list[R]:
    """``[function(item) for item in items]`` on up to ``workers`` workers, in item order.

    Parameters
    ----------
    function : callable
        Any callable (a lambda, a closure over compiled systems): worker processes inherit it.
    items : sequence
    workers : int
    pool : str, optional
        ``"inline"``, ``"threads"``, ``"processes"`` or ``"auto"`` (default: :func:`choose_pool`
        with unknown work).  Arrays the items write into must come from :func:`shared_empty`
        when it is ``"processes"``.
    progress : SharedProgress, optional
        Forwarded to its bar while the workers run.

    Returns
    -------
    list
        The results, in item order (with processes: pickled back, so they must be picklable).

    Raises
    ------
    Exception
        The first exception an item raised (the items not yet started do not run); from a
        worker process with the same type and message, its traceback as ``__cause__``.
    WorkerLost
        A worker process ended without answering (killed, out of memory).

    Examples
    --------
    >>> map_in_order(lambda x: x * x, [1, 2, 3], workers=2)
    [1, 4, 9]
    >>> map_in_order(lambda x: x * x, [1, 2, 3], workers=2, pool="threads")
    [1, 4, 9]
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        pool = "inline"
    elif pool in (None, "auto", "threads", "processes"):
        pool = choose_pool(workers, len(items), pool=pool)
    if progress is not None:
        progress.inline = pool == "inline"
    try:
        if pool == "inline":
            return [function(item) for item in items]
        if pool == "threads":
            return _map_threads(function, items, workers, progress)
        return _map_processes(function, items, workers, progress)
    finally:
        if progress is not None:
            progress.forward()


def _map_threads(function, items, workers, progress) -> list:
    with ThreadPoolExecutor(max_workers=min(workers, len(items)),
                            thread_name_prefix="inertia-verify") as executor:
        futures = [executor.submit(function, item) for item in items]
        pending = futures
        while pending:
            done, pending = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_EXCEPTION)
            if progress is not None:
                progress.forward()
            for future in done:
                if future.exception() is not None:
                    for other in pending:
                        other.cancel()
                    raise future.exception()
        return [future.result() for future in futures]


# What the forked workers run, by token: set before the fork, so the children inherit it.
_TASKS: dict[int, tuple[Callable, list]] = {}
_TASK_LOCK = threading.Lock()


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process (its ``__cause__``)."""

    def __str__(self) -> str:
        return self.args[0]


def _worker(conn, token: int) -> None:
    """A forked worker: run the items whose indices arrive on ``conn``, send each result back."""
    global _IN_WORKER
    _IN_WORKER = True
    function, items = _TASKS[token]
    try:
        while True:
            index = conn.recv()
            if index is None:
                break
            try:
                answer = (index, True, function(items[index]))
            except BaseException as exc:  # noqa: BLE001 - sent to the caller, raised there
                answer = (index, False, (_picklable(exc), traceback.format_exc()))
            try:
                conn.send(answer)
            except (EOFError, OSError):
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                conn.send((index, False, (RuntimeError(
                    f"the result of item {index} could not be sent from its worker process: "
                    f"{type(exc).__name__}: {exc}"), traceback.format_exc())))
    except (EOFError, OSError):
        pass  # the caller is gone
    finally:
        # At once: no exit handlers, and no second flush of what the caller had buffered in
        # sys.stdout when it forked.
        os._exit(0)


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling as the same type and message, else a RuntimeError that
    names both."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc) and str(copy) == str(exc):
            return exc
    except Exception:  # noqa: BLE001 - any failure to pickle: replaced below
        pass
    return RuntimeError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")


def _map_processes(function, items, workers, progress) -> list:
    import multiprocessing
    from multiprocessing.connection import wait as wait_ready

    context = multiprocessing.get_context("fork")
    with _TASK_LOCK:
        token = max(_TASKS, default=0) + 1
        _TASKS[token] = (function, items)
    processes, conns, running = [], [], {}
    results: list = [None] * len(items)
    for stream in (sys.stdout, sys.stderr):  # a child must not inherit half-written output
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    try:
        following = iter(range(len(items)))
        for _ in range(min(workers, len(items))):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_worker, args=(child_end, token), daemon=True,
                                      name="inertia-verify-worker")
            process.start()
            child_end.close()
            processes.append(process)
            conns.append(parent_end)
            # its first item at once: it works while the next worker is forked
            running[parent_end] = next(following)
            parent_end.send(running[parent_end])
        owner = dict(zip(conns, processes))
        remaining = len(items)
        while remaining:
            ready = wait_ready(list(running) + [p.sentinel for c, p in owner.items()
                                                 if c in running], timeout=_POLL_SECONDS)
            if progress is not None:
                progress.forward()
            for conn in [c for c in running if c in ready or c.poll()]:
                try:
                    index, ok, value = conn.recv()
                except EOFError:
                    raise _lost(owner[conn], running[conn], len(items)) from None
                if not ok:
                    exc, text = value
                    raise exc from _RemoteTraceback(f'\n"""\n{text}"""')
                results[index] = value
                remaining -= 1
                following_index = next(following, None)
                conn.send(following_index)
                if following_index is None:
                    del running[conn]
                else:
                    running[conn] = following_index
            for conn in list(running):
                process = owner[conn]
                if not process.is_alive() and not conn.poll():
                    raise _lost(process, running[conn], len(items))
        return results
    finally:
        with _TASK_LOCK:
            del _TASKS[token]
        for process in processes:
            if process.is_alive():
                process.join(timeout=1.0 if not running else 0.0)
            if process.is_alive():
                process.terminate()
            process.join()
        for conn in conns:
            conn.close()


def _lost(process, index: int, count: int) -> WorkerLost:
    process.join(timeout=5.0)  # its pipe closed first: let it finish dying, for its exit code
    code = process.exitcode
    how = (f"killed by signal {-code}" if code is not None and code < 0
           else f"exit code {code}")
    return WorkerLost(f"the worker process running chunk {index + 1} of {count} ended without "
                      f"an answer ({how}; out of memory?); use fewer paths per chunk or fewer "
                      f"workers, or pool='threads'")


def split_for_workers(paths: int, chunk_paths: int, workers: int, dimension: int = 1,
                      pool: str = "threads") -> int:
    """The chunk size to use on this machine: at most ``chunk_paths`` and at most
    :data:`CACHE_PATHS_BYTES` per state array (``dimension`` coordinates of float64); with
    several threads not below :data:`MIN_PATHS_PER_THREAD` (nor :data:`MIN_PATHS_PER_WORKER`
    when that does not give every worker a chunk), the chunks of equal size and their number a
    multiple of ``workers`` (no worker idles on a short last chunk).

    The cap keeps a chunk's arrays in cache while the step loop sweeps them several times a
    step: a core then no longer waits on memory, and two cores do not share its bandwidth
    (measured on one core, compiled Verlet with 10 coordinates: 1.5 s for chunks of 30 000
    paths, 0.87 s for 4096; Euler–Maruyama, one coordinate: 4.0 s for 262 144, 2.5 s for
    8192).  Worker processes (``pool="processes"``) take cache-sized chunks; threads take
    longer ones, whose NumPy calls outweigh the interpreter time they hold the GIL for.  The
    results do not depend on the chunk size.

    Examples
    --------
    >>> split_for_workers(30000, 262144, 1, dimension=10)
    4096
    >>> split_for_workers(30000, 262144, 2, dimension=10, pool="processes")   # 8 chunks
    4096
    >>> split_for_workers(30000, 262144, 2, dimension=10)   # threads: 4 chunks of 7500
    7500
    >>> split_for_workers(10**6, 262144, 2)      # one coordinate: 62 chunks of 16130
    16130
    >>> split_for_workers(1000, 262144, 2)       # too small to split
    1000
    """
    cap = max(MIN_PATHS_PER_WORKER, CACHE_PATHS_BYTES // (8 * max(1, dimension)))
    if workers <= 1:
        return max(1, min(chunk_paths, paths, cap))
    if pool == "threads" and paths >= workers * MIN_PATHS_PER_THREAD:
        cap = max(cap, MIN_PATHS_PER_THREAD)
    size = max(1, min(chunk_paths, paths, cap))
    chunks = -(-paths // size)
    chunks = -(-chunks // workers) * workers
    return max(1, min(size, max(-(-paths // chunks), MIN_PATHS_PER_WORKER)))


def plan_chunks(paths: int, chunk_paths: int, workers: int, dimension: int, steps: int, *,
                threads_only: bool = False) -> tuple[int, str]:
    """The chunk size (:func:`split_for_workers`) and the pool (:func:`choose_pool`) for an
    ensemble of ``paths`` paths of ``dimension`` coordinates over ``steps`` steps.

    Examples
    --------
    >>> plan_chunks(30000, 262144, 1, 10, 200)
    (4096, 'inline')
    >>> plan_chunks(30000, 262144, 2, 10, 200, threads_only=True)
    (7500, 'threads')
    """
    pool = choose_pool(workers, paths, paths * dimension * steps, threads_only=threads_only)
    size = split_for_workers(paths, chunk_paths, workers, dimension,
                             "processes" if pool == "processes" else "threads")
    return size, pool if -(-paths // size) > 1 else "inline"
