"""Monte Carlo ensembles of noisy dynamics: seeded, chunked, with standard errors.

Seeding and chunking
--------------------
Paths are grouped in fixed *blocks* of :data:`BLOCK_PATHS` paths.  Block ``b`` draws all its
normal numbers from its own generator, ``numpy.random.Generator(PCG64(SeedSequence(seed,
spawn_key=(b,))))`` (the ``b``-th child of ``SeedSequence(seed)``), in a fixed order (step by step,
row by row).  *Chunks* only bound memory: a chunk is a whole number of blocks integrated together,
and every operation is element-wise, so a path's numbers do not depend on the chunk size.
Statistics are accumulated per block and merged in block order (Chan's pairwise update of mean and
sum of squared deviations), so that means and standard errors are bit-for-bit identical whatever
the chunking.  Memory is :math:`O(\\text{chunk} \\times d)`, independent of the number of paths.

Statistics recorded at each record time, each as a mean with its standard error
:math:`s/\\sqrt N`: ``inertia`` (:math:`I`), ``loss``, ``velocity_square`` (:math:`\\|v\\|^2`),
``ito_drift`` (the Itô drift :math:`\\mathcal{A}I` of :math:`dI`), ``rate_without_noise`` (the
deterministic :math:`dI/dt = -v^\\top M\\Gamma v`, what the ordinary chain rule predicts for the
mean), and at interior records ``slope`` (the per-path central difference of :math:`I` over the
neighbouring records), ``slope_minus_ito_drift`` and ``slope_minus_rate_without_noise`` (paired
per path, so their standard errors are those of the differences).

Judging these statistics against predictions is the cross-check layer's work
(:mod:`inertia_verify.crosschecks`: ``crosscheck_expected_inertia`` and its twins).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._progress import Progress
from .._validation import as_positive_int, as_state
from ._compile import _lambdify
from ._grid import BLOCK_PATHS, DEFAULT_CHUNK_PATHS, step_count
from ..schemes import SDEScheme, get_sde_scheme
from ._sde_system import CompiledSDE, compile_sde

__all__ = ["Ensemble", "simulate_ensemble"]

_CHECK_EVERY = 64  # steps between finiteness checks


# -- statistics ----------------------------------------------------------------------------------
class _Running:
    """Mean and sum of squared deviations merged block by block (Chan et al.)."""

    __slots__ = ("n", "mean", "m2")

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    @staticmethod
    def block(values: np.ndarray) -> tuple[int, float, float]:
        """``(n, mean, sum of squared deviations)`` of one block of paths."""
        nb = values.shape[0]
        if nb == 0:
            return 0, 0.0, 0.0
        with np.errstate(over="ignore", invalid="ignore"):  # a blown-up run is flagged apart
            mb = float(values.sum()) / nb
            m2b = float(np.square(values - mb).sum())
        return nb, mb, m2b

    def merge(self, nb: int, mb: float, m2b: float) -> None:
        """Chan's pairwise update with one block's ``(n, mean, m2)``."""
        if nb == 0:
            return
        n = self.n + nb
        delta = mb - self.mean
        self.mean += delta * nb / n
        self.m2 += m2b + delta * delta * self.n * nb / n
        self.n = n

    def add(self, values: np.ndarray) -> None:
        self.merge(*self.block(values))

    @property
    def stderr(self) -> float:
        if self.n < 2:
            return float("nan")
        return math.sqrt(self.m2 / (self.n - 1) / self.n)


@dataclass(frozen=True)
class Ensemble:
    """A Monte Carlo ensemble's statistics (see :func:`simulate_ensemble`).

    Attributes
    ----------
    times : ndarray
        Record times.
    mean, stderr : dict of str to ndarray
        Per statistic (``"inertia"``, ``"velocity_square"``, ...), one entry per record time
        (``nan`` where a statistic is not defined, e.g. ``slope`` at the ends).
    status : {"ok", "diverged"}
        Whether every state stayed finite.
    diverged_at : float or None
        The time at which a non-finite state was first seen.
    scheme : str
        The SDE scheme's name.
    strong_order, weak_order, stationary_order : float
        Its declared orders.
    dt : float
        The step, ``t_end / steps``.
    steps, paths, seed, chunk_paths : int
        As passed to :func:`simulate_ensemble`.
    theta0, v0 : tuple of float
        The common start.
    values : dict
        The parameters' values.
    system : str
        The system, as text.
    calculus : str
        The calculus the noise is read in.
    backend : str
        ``"numpy"`` or ``"jax"``.

    Examples
    --------
    >>> from inertia_verify import Dynamics, simulate_ensemble
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> run = simulate_ensemble(dyn, [0.0], [0.0], t_end=1.0, dt=0.1, paths=1000, records=1)
    >>> run.status, run.dt, run.times, sorted(run.mean)[:3]
    ('ok', 0.1, array([0., 1.]), ['inertia', 'ito_drift', 'loss'])
    """

    scheme: str
    strong_order: float
    weak_order: float
    stationary_order: float
    dt: float
    steps: int
    paths: int
    seed: int
    chunk_paths: int
    theta0: tuple[float, ...]
    v0: tuple[float, ...]
    values: dict
    times: np.ndarray
    mean: dict
    stderr: dict
    status: str
    diverged_at: float | None
    system: str
    calculus: str
    backend: str = "numpy"

    @property
    def t_end(self) -> float:
        return self.steps * self.dt

    def rerun(self) -> str:
        """How to reproduce this run from Python."""
        return (f"simulate_ensemble(dyn, theta0={list(self.theta0)}, v0={list(self.v0)}, "
                f"values={self.values}, t_end={self.t_end:g}, dt={self.dt!r}, "
                f"paths={self.paths}, scheme={self.scheme!r}, seed={self.seed}) with dyn = "
                f"{self.system}")

    def to_dict(self) -> dict:
        def clean(a):
            return [None if not np.isfinite(x) else float(x) for x in np.asarray(a)]
        return {
            "scheme": self.scheme, "strong_order": self.strong_order,
            "weak_order": self.weak_order, "dt": self.dt, "steps": self.steps,
            "paths": self.paths, "seed": self.seed, "chunk_paths": self.chunk_paths,
            "block_paths": BLOCK_PATHS, "calculus": self.calculus,
            "theta0": list(self.theta0), "v0": list(self.v0), "values": dict(self.values),
            "times": clean(self.times),
            "mean": {k: clean(v) for k, v in self.mean.items()},
            "stderr": {k: clean(v) for k, v in self.stderr.items()},
            "status": self.status, "diverged_at": self.diverged_at, "backend": self.backend,
        }

    def __str__(self) -> str:
        head = (f"{self.paths} paths, {self.scheme} (weak order {self.weak_order:g}), "
                f"dt = {self.dt:g}, {self.steps} steps, seed {self.seed}: {self.status}")
        rows = [f"  t = {t:8.4g}   E[I] = {m:.6g} ± {s:.2g}"
                for t, m, s in zip(self.times, self.mean["inertia"], self.stderr["inertia"])]
        return "\n".join([head, *rows])

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{t:.4g}</td><td>{m:.6g}</td><td>{s:.2g}</td></tr>"
                       for t, m, s in zip(self.times, self.mean["inertia"],
                                          self.stderr["inertia"]))
        return (f"<p>{self.paths} paths, {self.scheme}, dt = {self.dt:g}, seed {self.seed}: "
                f"<b>{self.status}</b></p><table><tr><th>t</th><th>E[I]</th><th>stderr</th></tr>"
                f"{rows}</table>")


# -- the driver ----------------------------------------------------------------------------------
def _record_steps(records: object, steps: int) -> np.ndarray:
    if isinstance(records, (int, np.integer)) and not isinstance(records, bool):
        count = as_positive_int(records, "records")
        return np.unique(np.round(np.linspace(0, steps, min(count, steps) + 1)).astype(int))
    try:
        arr = np.unique(np.asarray(records, dtype=int))
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("records", records, "must be a count or a list of step indices") \
            from exc
    if arr.size == 0 or arr[0] < 0 or arr[-1] > steps:
        raise InvalidArgument("records", records, f"step indices must lie in [0, {steps}]")
    return arr


def simulate_ensemble(dynamics: Dynamics, theta0: Sequence[float], v0: Sequence[float], *,
                      t_end: float, dt: float, paths: int, scheme: str | SDEScheme =
                      "euler-maruyama", seed: int = 0, values: Mapping | None = None,
                      records: int | Sequence[int] = 10,
                      chunk_paths: int = DEFAULT_CHUNK_PATHS,
                      progress: bool | None = False, workers: int | None = None,
                      client=None, backend: str | None = None) -> Ensemble:
    """Integrate ``paths`` independent paths from ``(theta0, v0)`` and return their statistics.

    Parameters
    ----------
    dynamics : Dynamics
        A concrete system, usually with noise (without noise every path is the same).
    theta0, v0 : sequence of float
        The common start.
    t_end : float
        The final time.
    dt : float
        The step: ``ceil(t_end / dt)`` steps of ``t_end / steps`` each (the one step rule of
        :func:`~inertia_verify.simulate`; the step used equals ``dt`` when it divides ``t_end``).
    paths : int
        How many independent paths.
    scheme : str or SDEScheme
        A name of :data:`~inertia_verify.schemes.SDE_SCHEMES` (``euler-maruyama``, ``baoab``)
        or an instance.
    seed : int
        Seeds :class:`numpy.random.SeedSequence`; see the module notes for the block design.
    values : mapping, optional
        Numbers for the parameters.
    records : int or sequence of int
        The number of record intervals (evenly spaced) or the step indices to record at.
    chunk_paths : int
        Paths integrated at once (rounded up to whole blocks), at most: workers on this
        machine take cache-sized chunks (see :func:`._parallel.split_for_workers`), Dask tasks
        this many paths.  Bounds memory only; the results do not depend on it.
    progress : bool or None
        Progress bar on stderr (``None``: when stderr is a terminal).
    workers : int, optional
        Workers integrating chunks at once on this machine: forked processes where that is
        safe, else threads (default: every available core; see :mod:`._parallel`).  Ignored
        with ``client``.
    client : dask.distributed.Client, optional
        Run the chunks as tasks on a Dask cluster instead (see :mod:`._dask`).
    backend : {"numpy", "jax"}, optional
        Default NumPy.  ``"jax"`` integrates with XLA (a GPU when there is one; see :mod:`._jax_backend`): the
        same statistics, from JAX's own random streams (so they agree with NumPy's within
        standard errors, not bit for bit).

    The statistics are the same bits for one ``seed`` whatever ``chunk_paths``, ``workers`` or
    ``client``: each block draws from its own stream and the blocks' statistics are merged in
    block order.

    Returns
    -------
    Ensemble
        With ``status == "diverged"`` (and partial statistics) when a state became non-finite.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> run = simulate_ensemble(dyn, [0.0], [0.0], t_end=1.0, dt=0.01, paths=4000, seed=1,
    ...                         records=2)
    >>> run.times
    array([0. , 0.5, 1. ])
    >>> print(f"{run.mean['inertia'][-1]:.3f} ± {run.stderr['inertia'][-1]:.3f}")
    0.0... ± 0.00...
    """
    from ._parallel import resolve_workers

    job = _ensemble_job(dynamics, theta0, v0, t_end=t_end, dt=dt, paths=paths,
                        scheme=scheme, seed=seed, values=values, records=records,
                        backend=backend)
    chunk_paths = as_positive_int(chunk_paths, "chunk_paths")
    if client is not None:
        from ._dask import run_jobs

        (results,) = run_jobs(client, [job], chunk_paths, progress=progress)
        return _finish(job, results, -(-chunk_paths // BLOCK_PATHS))
    workers = resolve_workers(workers)
    return _run_local(job, chunk_paths, workers, progress)


@dataclass(frozen=True)
class _EnsembleJob:
    """Everything a chunk of an ensemble needs, picklable (a Dask task ships it to a worker and
    compiles it there once, by ``token``)."""

    dynamics: Dynamics
    values: dict | None
    scheme: SDEScheme
    theta0: tuple
    v0: tuple
    t_end: float
    dt: float
    steps: int
    paths: int
    seed: int
    marks: tuple
    token: str
    backend: str = "numpy"

    @property
    def blocks(self) -> int:
        return -(-self.paths // BLOCK_PATHS)

    def chunks(self, chunk_paths: int) -> list[range]:
        """The blocks of each chunk (whole blocks, ``chunk_paths`` rounded up)."""
        per_chunk = -(-chunk_paths // BLOCK_PATHS)
        return [range(b, min(b + per_chunk, self.blocks))
                for b in range(0, self.blocks, per_chunk)]

    def run(self, chunk: range) -> _ChunkResult:
        """The statistics of the blocks of ``chunk`` (a Dask task: a pure function of the job
        and the chunk; see :func:`_run_chunk`)."""
        return _run_chunk(self, chunk)


def _ensemble_job(dynamics, theta0, v0, *, t_end, dt, paths, scheme, seed, values,
                  records, backend="numpy") -> _EnsembleJob:
    """Check the arguments of :func:`simulate_ensemble` and compile once (errors surface here,
    in the caller's process, before any chunk runs anywhere)."""
    import uuid

    if not isinstance(dynamics, Dynamics):
        raise InvalidArgument("dynamics", dynamics, f"must be a Dynamics, not "
                              f"{type(dynamics).__name__}", "build one with Dynamics.from_text")

    scheme = get_sde_scheme(scheme)
    paths = as_positive_int(paths, "paths", minimum=2)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidArgument("seed", seed, "must be a non-negative integer")
    try:
        t_end = float(t_end)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("t_end", t_end, "must be a positive number") from exc
    if not (math.isfinite(t_end) and t_end > 0):
        raise InvalidArgument("t_end", t_end, "must be a positive finite number")
    steps, dt = step_count(t_end, dt)
    job_values = None if values is None else dict(values)
    job = _EnsembleJob(dynamics, job_values, scheme, (), (), t_end, dt, steps, paths,
                       int(seed), (), uuid.uuid4().hex)
    from ._jax_backend import check_backend, check_sde_jax

    backend = check_backend(backend)
    compiled = _compiled(job)
    d = compiled.sde.dimension
    scheme.check(compiled.sde)
    if backend == "jax":
        check_sde_jax(compiled.sde, scheme)
    # One start point, shared by every path.
    theta_start, v_start = as_state(theta0, d, 1, "theta0")[0], as_state(v0, d, 1, "v0")[0]
    marks = _record_steps(records, steps)
    return _EnsembleJob(dynamics, job_values, scheme, tuple(theta_start.tolist()),
                        tuple(v_start.tolist()), t_end, dt, steps, paths, int(seed),
                        tuple(int(m) for m in marks), job.token, backend)


class _Compiled:
    """A job's compiled SDE and the lambdified Itô drift of I (what a chunk evaluates)."""

    def __init__(self, job: _EnsembleJob) -> None:
        from ..symbolic._ito import generator

        self.sde = compile_sde(job.dynamics, job.values)
        dyn = self.sde.dynamics
        self.ito_drift = _lambdify((dyn.time, *dyn.coordinates, *dyn.velocities),
                                   generator(dyn))


_COMPILED: dict[str, _Compiled] = {}
_COMPILED_KEEP = 16


def _compiled(job: _EnsembleJob) -> _Compiled:
    """The job's compiled system, compiled once per process (a Dask worker runs many chunks of
    one job)."""
    found = _COMPILED.get(job.token)
    if found is None:
        found = _Compiled(job)
        while len(_COMPILED) >= _COMPILED_KEEP:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[job.token] = found
    return found


@dataclass
class _ChunkResult:
    """One chunk's statistics: ``stats[name][record]`` lists ``(n, mean, m2)`` per block, in block
    order; ``status`` is ``"ok"``, ``"diverged"`` (at ``diverged_at``) or ``"skipped"`` (not
    run: an earlier chunk diverged, so the merge stops before this one)."""

    stats: dict
    status: str = "ok"
    diverged_at: float | None = None


class _Cancel:
    """Which chunks diverged: later chunks may stop, their statistics are never merged.  One
    flag per chunk in shared memory (threads and worker processes alike), each set only by its
    chunk."""

    def __init__(self, chunks: int) -> None:
        from ._parallel import shared_empty

        diverged = shared_empty(max(1, chunks), np.int8)
        diverged[:] = 0
        self._diverged = memoryview(diverged)  # Python ints: read every step, at little cost

    @property
    def first(self) -> float:
        """The lowest chunk index seen to diverge (``inf``: none)."""
        return next((i for i, flag in enumerate(self._diverged) if flag), math.inf)

    def lower(self, index: int) -> None:
        self._diverged[index] = 1

    def earlier(self, index: int) -> bool:
        """Whether a chunk before ``index`` diverged."""
        return any(self._diverged[:index])


def _run_chunk(job: _EnsembleJob, chunk: range, *, index: int = 0, bar=None,
               cancel: _Cancel | None = None) -> _ChunkResult:
    """Integrate the blocks of ``chunk`` and return their statistics (see :class:`_ChunkResult`).

    A pure function of ``(job, chunk)``: a Dask worker that dies mid-chunk leaves nothing behind,
    and the chunk recomputed elsewhere gives the same bits."""
    compiled = _compiled(job)
    sde, scheme = compiled.sde, job.scheme
    d, dt, steps, paths = sde.dimension, job.dt, job.steps, job.paths
    marks = np.asarray(job.marks, dtype=int)
    is_record = np.zeros(steps + 1, dtype=bool)
    is_record[marks] = True
    rows = scheme.draws(d, sde.noise_dimension)
    spans = [(b * BLOCK_PATHS - chunk[0] * BLOCK_PATHS,
              min((b + 1) * BLOCK_PATHS, paths) - chunk[0] * BLOCK_PATHS) for b in chunk]
    width = spans[-1][1]
    if job.backend == "jax":
        return _run_chunk_jax(job, compiled, chunk, spans, index, bar, cancel)
    generators = [np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(job.seed, spawn_key=(b,)))) for b in chunk]
    theta = np.repeat(np.asarray(job.theta0)[:, None], width, axis=1)
    v = np.repeat(np.asarray(job.v0)[:, None], width, axis=1)
    xi = np.empty((rows, width))
    step = scheme.stepper(sde, dt)
    observe = _Observer(sde, compiled.ito_drift, marks, dt, spans)
    result = _ChunkResult(observe.stats)
    # Overflow is not an error here: a non-finite state or energy is detected and reported as
    # "diverged" below.
    with np.errstate(over="ignore", invalid="ignore"):
        if is_record[0]:
            observe(0, theta, v)
        for n in range(steps):
            if cancel is not None and cancel.earlier(index):
                result.status = "skipped"
                break
            for gen, (a, e) in zip(generators, spans):
                for r in range(rows):
                    gen.standard_normal(out=xi[r, a:e])
            step(n * dt, theta, v, xi)
            k = n + 1
            if is_record[k] or k % _CHECK_EVERY == 0 or k == steps:
                if not (np.isfinite(theta).all() and np.isfinite(v).all()):
                    result.status, result.diverged_at = "diverged", k * dt
                    break
                if is_record[k]:
                    observe(k, theta, v)
                    if observe.overflow:
                        # A finite state whose energy overflows is a blown-up run too.
                        result.status, result.diverged_at = "diverged", k * dt
                        break
            if bar is not None:
                bar.advance()
    if result.status == "diverged" and cancel is not None:
        cancel.lower(index)
    return result


def _run_chunk_jax(job, compiled, chunk, spans, index, bar, cancel) -> _ChunkResult:
    """:func:`_run_chunk` with the states from the JAX backend, observed by the same observer."""
    from ._jax_backend import sde_chunk_states

    observe = _Observer(compiled.sde, compiled.ito_drift, np.asarray(job.marks), job.dt, spans)
    result = _ChunkResult(observe.stats)
    seen = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k, theta, v in sde_chunk_states(job, compiled, chunk, spans, cancel, index, bar):
            seen += 1
            if not (np.isfinite(theta).all() and np.isfinite(v).all()):
                result.status, result.diverged_at = "diverged", k * job.dt
                break
            observe(k, theta, v)
            if observe.overflow:
                result.status, result.diverged_at = "diverged", k * job.dt
                break
    if result.status == "ok" and seen < len(job.marks):
        result.status = "skipped"  # cancelled: an earlier chunk diverged
    if result.status == "diverged" and cancel is not None:
        cancel.lower(index)
    return result


def _run_local(job: _EnsembleJob, chunk_paths: int, workers: int, progress) -> Ensemble:
    """The chunks of ``job`` on ``workers`` workers of this machine (see :mod:`._parallel`)."""
    return _run_local_many([job], chunk_paths, workers, progress)[0]


def _run_local_many(jobs: Sequence[_EnsembleJob], chunk_paths: int, workers: int,
                    progress) -> list[Ensemble]:
    """The chunks of every job on one pool of ``workers`` workers, processes or threads (a
    sweep of small ensembles keeps every core busy); each job merged in its own block order."""
    from ._parallel import SharedProgress, choose_pool, map_in_order, plan_chunks

    threads_only = any(job.backend == "jax" for job in jobs)  # XLA's runtime is threaded
    items, sizes = [], []
    pool = None
    for j, job in enumerate(jobs):
        size = chunk_paths
        if len(jobs) == 1:
            size, pool = plan_chunks(job.paths, chunk_paths, workers, len(job.theta0),
                                     job.steps, threads_only=threads_only)
        chunks = job.chunks(size)
        sizes.append(len(chunks[0]))
        cancel = _Cancel(len(chunks))
        items.extend((j, i, chunk, cancel) for i, chunk in enumerate(chunks))
    if pool is None:
        pool = choose_pool(workers, len(items),
                           sum(job.paths * len(job.theta0) * job.steps for job in jobs),
                           threads_only=threads_only)
    total = sum(job.steps for j, *_ in items for job in (jobs[j],))
    label = (f"{jobs[0].scheme.name} {jobs[0].paths} paths" if len(jobs) == 1
             else f"{len(jobs)} ensembles")
    with Progress(total, label, enabled=progress) as bar:
        shared = SharedProgress(bar, len(items))
        results = map_in_order(
            lambda n: _run_chunk(jobs[items[n][0]], items[n][2], index=items[n][1],
                                 bar=shared.item(n), cancel=items[n][3]),
            range(len(items)), workers, pool=pool, progress=shared)
    per_job: list[list[_ChunkResult]] = [[] for _ in jobs]
    for (j, *_), result in zip(items, results):
        per_job[j].append(result)
    return [_finish(job, chunk_results, size)
            for job, chunk_results, size in zip(jobs, per_job, sizes)]


def _finish(job: _EnsembleJob, results: Sequence[_ChunkResult], per_chunk: int) -> Ensemble:
    """Merge the chunks' block statistics in block order, up to the first diverged chunk."""
    status, diverged_at = "ok", None
    merged = {name: [_Running() for _ in job.marks] for name in _Observer.NAMES}
    for result in results:
        if result.status == "skipped":  # pragma: no cover - only after a diverged chunk
            break
        for name, per_record in result.stats.items():
            for running, blocks in zip(merged[name], per_record):
                for block in blocks:
                    running.merge(*block)
        if result.status != "ok":
            status, diverged_at = result.status, result.diverged_at
            break
    mean = {n: np.array([s.mean if s.n else np.nan for s in st]) for n, st in merged.items()}
    err = {n: np.array([s.stderr if s.n else np.nan for s in st]) for n, st in merged.items()}
    scheme, dynamics = job.scheme, job.dynamics
    return Ensemble(scheme.name, scheme.strong_order, scheme.weak_order, scheme.stationary_order,
                    job.dt, job.steps, job.paths, job.seed, per_chunk * BLOCK_PATHS,
                    job.theta0, job.v0,
                    {str(k): float(v) for k, v in (job.values or {}).items()},
                    np.asarray(job.marks) * job.dt, mean, err, status, diverged_at,
                    repr(dynamics), str(dynamics.calculus), job.backend)


class _Observer:
    """Per-record statistics of one chunk, per block (merged later, in block order); keeps two
    records of I for the central-difference slope (memory O(chunk))."""

    NAMES = ("inertia", "loss", "velocity_square", "ito_drift", "rate_without_noise", "slope",
             "slope_minus_ito_drift", "slope_minus_rate_without_noise")

    def __init__(self, sde: CompiledSDE, ito_drift, marks: np.ndarray, dt: float,
                 spans) -> None:
        self.sde = sde
        self.marks = list(marks)
        self.index = {m: i for i, m in enumerate(self.marks)}
        self.dt = dt
        self._drift = ito_drift
        self.stats = {name: [[] for _ in self.marks] for name in self.NAMES}
        self.overflow = False
        self.spans = spans
        self.previous: list = []  # (record index, I, drift) of the last two records

    def _add(self, name: str, i: int, values: np.ndarray) -> None:
        self.stats[name][i].extend(_Running.block(values[a:e]) for a, e in self.spans)

    def __call__(self, k: int, theta: np.ndarray, v: np.ndarray) -> None:
        i = self.index[k]
        t = k * self.dt
        drift = self.sde.drift
        with np.errstate(over="ignore", invalid="ignore"):
            inertia = drift.inertia_rows(theta, v)
        if not np.isfinite(inertia).all():
            self.overflow = True
            return
        width = theta.shape[1]
        ito = np.broadcast_to(np.asarray(self._drift(t, *theta, *v), dtype=float), (width,))
        self._add("inertia", i, inertia)
        self._add("loss", i, drift.loss_rows(theta))
        self._add("velocity_square", i, np.einsum("ip,ip->p", v, v))
        self._add("ito_drift", i, ito)
        rate = drift.rate_rows(t, theta, v)
        self._add("rate_without_noise", i, rate)
        self.previous.append((i, inertia, ito, rate))
        if len(self.previous) == 3:
            (i0, I0, _, _), (i1, _, A1, R1), (i2, I2, _, _) = self.previous
            width_t = (self.marks[i2] - self.marks[i0]) * self.dt
            slope = (I2 - I0) / width_t
            self._add("slope", i1, slope)
            self._add("slope_minus_ito_drift", i1, slope - A1)
            self._add("slope_minus_rate_without_noise", i1, slope - R1)
            self.previous.pop(0)
