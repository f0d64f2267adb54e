"""Every core by default: chunks of an ensemble on a pool of threads, results in chunk order.

The ensemble drivers (:func:`~inertia_verify.numeric.simulate` and
:func:`~inertia_verify.numeric.simulate_ensemble`) already cut large ensembles into chunks of paths
whose numbers do not depend on the chunking (every operation acts path by path, and every random
number comes from a stream of a fixed block of paths).  Here those chunks run on ``workers``
threads: NumPy releases the GIL inside its ufunc loops and inside the random generators, and a
chunk's arrays are thousands of paths long, so the Python overhead held under the GIL is a small
share of each operation.  Results are gathered in chunk order, whatever order the threads finish
in, so the merged statistics are the same bits for any number of workers.

Threads rather than processes: no pickling of the compiled system, no copy of the ensemble, no
fork of an interpreter that may hold other threads (JAX, PyTorch).  Beyond one machine, the same
chunk functions run as Dask tasks (:mod:`._dask`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, TypeVar

import numpy as np

from .._errors import InvalidArgument

__all__ = ["available_cores", "resolve_workers", "workers_default", "map_in_order",
           "LockedProgress", "MIN_PATHS_PER_WORKER", "CACHE_PATHS_BYTES", "MIN_PATHS_PER_THREAD"]

T = TypeVar("T")
R = TypeVar("R")

#: A chunk shorter than this is not split further between workers: below it each NumPy call is a
#: few microseconds and the time held under the GIL (interpreter overhead) dominates.
MIN_PATHS_PER_WORKER = 4096

#: Bytes of one ``(dimension, paths)`` float64 state array in a chunk run by threads: a few such
#: arrays (state, force, work arrays, the compiled function's temporaries) stay in a core's
#: cache (see :func:`split_for_workers`).
CACHE_PATHS_BYTES = 128 * 1024

#: The shortest chunk several threads take: each NumPy call acts on a row of a chunk's paths, and
#: it must be long enough that the interpreter time held under the GIL between calls stays small
#: beside it (measured on 2 idle cores, 30 000 paths of compiled Verlet with 10 coordinates, 2
#: threads: 0.74 s with chunks of 4096 paths, 0.51 s with 7500, against 0.64 s on one core).
MIN_PATHS_PER_THREAD = 8192


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


@contextmanager
def workers_default(workers: int | None) -> Iterator[None]:
    """Within the block, ``workers=None`` means ``workers`` (``None``: every available core).

    Examples
    --------
    >>> with workers_default(1):
    ...     resolve_workers(None)
    1
    """
    if workers is not None:
        workers = resolve_workers(workers)
    token = _DEFAULT_WORKERS.set(workers)
    try:
        yield
    finally:
        _DEFAULT_WORKERS.reset(token)


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
        raise InvalidArgument(argument, workers, "must be a positive integer (threads to use)",
                              f"e.g. {argument}=1 for one core, or leave it out for all "
                              f"{available_cores()} cores")
    return int(workers)


def map_in_order(function: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[function(item) for item in items]`` on up to ``workers`` threads, in item order.

    The first exception raised by any item is raised here (the items not yet started are
    cancelled).  One worker, or one item, runs in the calling thread.

    Examples
    --------
    >>> map_in_order(lambda x: x * x, [1, 2, 3], workers=2)
    [1, 4, 9]
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)),
                            thread_name_prefix="inertia-verify") as pool:
        futures = [pool.submit(function, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                for other in pending:
                    other.cancel()
                raise future.exception()
        return [future.result() for future in futures]


class LockedProgress:
    """A progress bar shared by threads (``advance`` under a lock)."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self._lock = threading.Lock()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._bar.advance(n)


def split_for_workers(paths: int, chunk_paths: int, workers: int, dimension: int = 1) -> int:
    """The chunk size to use on this machine: at most ``chunk_paths`` and at most
    :data:`CACHE_PATHS_BYTES` per state array (``dimension`` coordinates of float64); with several
    workers not below :data:`MIN_PATHS_PER_THREAD` (nor :data:`MIN_PATHS_PER_WORKER` when that
    does not give every worker a chunk), the chunks of equal size and their number a multiple of
    ``workers`` (no worker idles on a short last chunk).

    The cap keeps a chunk's arrays in cache while the step loop sweeps them several times a
    step: a core then no longer waits on memory, and two cores do not share its bandwidth
    (measured on one core, compiled Verlet with 10 coordinates: 1.5 s for chunks of 30 000
    paths, 0.87 s for 4096; Euler–Maruyama, one coordinate: 4.0 s for 262 144, 2.5 s for
    8192).  The results do not depend on the chunk size.

    Examples
    --------
    >>> split_for_workers(30000, 262144, 1, dimension=10)
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
    if paths >= workers * MIN_PATHS_PER_THREAD:
        cap = max(cap, MIN_PATHS_PER_THREAD)
    size = max(1, min(chunk_paths, paths, cap))
    chunks = -(-paths // size)
    chunks = -(-chunks // workers) * workers
    return max(1, min(size, max(-(-paths // chunks), MIN_PATHS_PER_WORKER)))
