"""Beyond one machine: the chunks of Monte Carlo ensembles as Dask tasks.

A task is one chunk of one ensemble (:data:`~inertia_verify.numeric._grid.DEFAULT_CHUNK_PATHS`
paths by default, 10⁵–10⁶ is the sensible range: long enough that scheduling costs nothing, short
enough that a lost worker costs little).  A task is a pure function of the job (the system, the
start, the step, the seed) and of its blocks: it compiles the system once per worker process,
draws every block's numbers from that block's own stream, and returns the blocks' statistics
``(n, mean, m2)``.  The client merges them in block order with Chan's pairwise update, exactly as
a single process does, so for one seed the answer is the same bits on any cluster.  When a worker
dies, the scheduler recomputes the tasks whose results it held or was computing; being pure, they
give the same numbers again.

``dask.distributed`` is an optional dependency (the ``dask`` extra); nothing else imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .._errors import InvalidArgument, require_extra
from .._progress import Progress

__all__ = ["dask_client", "run_jobs", "CONNECT_TIMEOUT"]

#: Seconds to wait for a scheduler to answer before the address is refused.
CONNECT_TIMEOUT = 10.0


def _distributed(argument: str, value: object):
    return require_extra("distributed", "dask", argument=argument, value=value)


@contextmanager
def dask_client(address: str, *, argument: str = "dask",
                timeout: float = CONNECT_TIMEOUT) -> Iterator[object]:
    """A ``dask.distributed.Client`` for ``address``, closed (with its cluster) on exit.

    Parameters
    ----------
    address : str
        ``"local:N"`` starts a ``LocalCluster`` of ``N`` worker processes (one thread each) on
        this machine; anything else is the address of a running scheduler
        (``"tcp://host:8786"``).
    argument : str
        The caller's name for the address, for error messages (``"--dask"``).
    timeout : float
        Seconds to wait for the scheduler.

    Raises
    ------
    InvalidArgument
        When dask.distributed is not installed, ``N`` is not a positive integer, or no scheduler
        answers at ``address`` within ``timeout`` seconds.
    """
    distributed = _distributed(argument, address)
    if not isinstance(address, str) or not address.strip():
        raise InvalidArgument(argument, address, "must be a scheduler address or local:N",
                              "e.g. tcp://127.0.0.1:8786 or local:2")
    address = address.strip()
    cluster = None
    if address.startswith("local:"):
        count = address[len("local:"):]
        if not count.isdigit() or int(count) < 1:
            raise InvalidArgument(argument, address, "local:N needs a positive number of "
                                  "worker processes", "e.g. local:2")
        cluster = distributed.LocalCluster(n_workers=int(count), threads_per_worker=1,
                                           processes=True, dashboard_address=None)
        client = distributed.Client(cluster)
    else:
        try:
            client = distributed.Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidArgument(argument, address, f"no Dask scheduler answered within "
                                  f"{timeout:g} s ({type(exc).__name__}: {exc})",
                                  "start one (dask scheduler; dask worker ADDRESS) and give its "
                                  "address, or use local:N for N processes on this machine") \
                from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_jobs(client, jobs: Sequence, chunk_paths: int, *, progress: bool | None = False,
             ) -> list[list]:
    """Run every chunk of every ensemble job on ``client``; returns each job's chunk results in
    chunk order (to be merged by the caller in that order).

    All tasks are submitted at once, so a sweep of many small ensembles keeps every worker busy.
    """
    distributed = _distributed("client", client)
    if not isinstance(client, distributed.Client):
        raise InvalidArgument("client", client, "must be a dask.distributed.Client",
                              "e.g. Client('tcp://host:8786') or Client(LocalCluster(2))")
    submitted = []
    total = 0
    for job in jobs:
        futures = [client.submit(job.run, chunk, key=f"inertia-verify-{job.token}-{i}",
                                 pure=False) for i, chunk in enumerate(job.chunks(chunk_paths))]
        submitted.append(futures)
        total += len(futures) * job.steps
    steps_of = {f.key: job.steps for job, futures in zip(jobs, submitted) for f in futures}
    with Progress(total, f"{len(jobs)} ensemble(s) on Dask", enabled=progress) as bar:
        for future in distributed.as_completed([f for fs in submitted for f in fs]):
            bar.advance(steps_of[future.key])
    return [client.gather(futures) for futures in submitted]
