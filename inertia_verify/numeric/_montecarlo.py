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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._progress import Progress
from ._compile import _lambdify
from ._sde_scheme import SDEScheme
from ._sde_schemes import get_sde_scheme
from ._sde_system import CompiledSDE, compile_sde

__all__ = ["BLOCK_PATHS", "MIN_PATHS", "Z_SCORE", "Ensemble", "simulate_ensemble",
           "MonteCarloCheck", "expected_inertia_crosscheck", "stationary_crosscheck",
           "ito_drift_crosscheck", "WeakOrderFit", "weak_order_fit", "WEAK_ORDER_BAND",
           "RESOLVED_Z", "stochastic_simulate_payload"]

#: Paths per random-number block: the unit of seeding (fixed, so results do not depend on chunks).
BLOCK_PATHS = 8192
#: Default chunk: 32 blocks (262 144 paths, a few MB per coordinate).
DEFAULT_CHUNK_PATHS = 32 * BLOCK_PATHS
#: Differences are judged against this many combined standard errors (two-sided p ≈ 6e-5).
Z_SCORE = 4.0
#: Fewer paths per run than this and a Monte Carlo check is inconclusive: the sample standard
#: deviation is then uncertain by more than 1/sqrt(2N) ≈ 7 %, and the mean of a skewed quantity
#: such as I is not yet close to normal, so a z-score would not mean what Z_SCORE assumes.
MIN_PATHS = 100
_CHECK_EVERY = 64  # steps between finiteness checks
_ROUNDOFF = 1e-12  # relative floor of a standard error (accumulated float64 round-off)


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
    diverged_at : float or None
        The time at which a non-finite state was first seen.
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
                f"values={self.values}, t_end={self.t_end:g}, steps={self.steps}, "
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
def _positive_int(value: object, argument: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidArgument(argument, value, f"must be an integer ≥ {minimum}")
    return int(value)


def _start(value: object, d: int, argument: str) -> np.ndarray:
    if isinstance(value, str):
        raise InvalidArgument(argument, value, "is text", f"give {d} numbers")
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "is not a list of numbers", f"give {d} numbers") \
            from exc
    if arr.shape != (d,) or not np.all(np.isfinite(arr)):
        raise InvalidArgument(argument, value, f"must be {d} finite numbers",
                              "one per coordinate")
    return arr


def _record_steps(records: object, steps: int) -> np.ndarray:
    if isinstance(records, (int, np.integer)) and not isinstance(records, bool):
        count = _positive_int(records, "records")
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
                      t_end: float, steps: int, paths: int, scheme: str | SDEScheme =
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
        The final time; the step is ``t_end / steps``.
    steps, paths : int
    scheme : {"euler-maruyama", "baoab"} or SDEScheme
    seed : int
        Seeds :class:`numpy.random.SeedSequence`; see the module notes for the block design.
    values : mapping, optional
        Numbers for the parameters.
    records : int or sequence of int
        The number of record intervals (evenly spaced) or the step indices to record at.
    chunk_paths : int
        Paths integrated at once (rounded up to whole blocks), at most: threads on this
        machine take cache-sized chunks (see :func:`._parallel.split_for_workers`), Dask tasks
        this many paths.  Bounds memory only; the results do not depend on it.
    progress : bool or None
        Progress bar on stderr (``None``: when stderr is a terminal).
    workers : int, optional
        Threads integrating chunks at once on this machine (default: every available core;
        see :mod:`._parallel`).  Ignored with ``client``.
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
    >>> run = simulate_ensemble(dyn, [0.0], [0.0], t_end=1.0, steps=100, paths=4000, seed=1,
    ...                         records=2)
    >>> run.times
    array([0. , 0.5, 1. ])
    >>> print(f"{run.mean['inertia'][-1]:.3f} ± {run.stderr['inertia'][-1]:.3f}")
    0.0... ± 0.00...
    """
    from ._parallel import resolve_workers

    job = _ensemble_job(dynamics, theta0, v0, t_end=t_end, steps=steps, paths=paths,
                        scheme=scheme, seed=seed, values=values, records=records,
                        backend=backend)
    chunk_paths = _positive_int(chunk_paths, "chunk_paths")
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


def _ensemble_job(dynamics, theta0, v0, *, t_end, steps, paths, scheme, seed, values,
                  records, backend="numpy") -> _EnsembleJob:
    """Check the arguments of :func:`simulate_ensemble` and compile once (errors surface here,
    in the caller's process, before any chunk runs anywhere)."""
    import uuid

    if not isinstance(dynamics, Dynamics):
        raise InvalidArgument("dynamics", dynamics, f"must be a Dynamics, not "
                              f"{type(dynamics).__name__}", "build one with Dynamics.from_text")
    scheme = get_sde_scheme(scheme)
    steps = _positive_int(steps, "steps")
    paths = _positive_int(paths, "paths", 2)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidArgument("seed", seed, "must be a non-negative integer")
    try:
        t_end = float(t_end)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("t_end", t_end, "must be a positive number") from exc
    if not (math.isfinite(t_end) and t_end > 0):
        raise InvalidArgument("t_end", t_end, "must be a positive finite number")
    job_values = None if values is None else dict(values)
    job = _EnsembleJob(dynamics, job_values, scheme, (), (), t_end, t_end / steps, steps, paths,
                       int(seed), (), uuid.uuid4().hex)
    from ._jax_backend import check_backend, check_sde_jax

    backend = check_backend(backend)
    compiled = _compiled(job)
    d = compiled.sde.dimension
    if backend == "jax":
        check_sde_jax(compiled.sde, scheme.name)
    theta_start, v_start = _start(theta0, d, "theta0"), _start(v0, d, "v0")
    marks = _record_steps(records, steps)
    return _EnsembleJob(dynamics, job_values, scheme, tuple(theta_start.tolist()),
                        tuple(v_start.tolist()), t_end, t_end / steps, steps, paths, int(seed),
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
    """The lowest chunk index seen to diverge, shared by threads: later chunks may stop, their
    statistics are never merged."""

    def __init__(self) -> None:
        self.first = math.inf

    def lower(self, index: int) -> None:
        self.first = min(self.first, index)


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
            if cancel is not None and index > cancel.first:
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
    """The chunks of ``job`` on ``workers`` threads of this process (see :mod:`._parallel`)."""
    return _run_local_many([job], chunk_paths, workers, progress)[0]


def _run_local_many(jobs: Sequence[_EnsembleJob], chunk_paths: int, workers: int,
                    progress) -> list[Ensemble]:
    """The chunks of every job on one pool of ``workers`` threads (a sweep of small ensembles
    keeps every core busy); each job merged in its own block order."""
    from ._parallel import LockedProgress, map_in_order, split_for_workers

    items, sizes = [], []
    for j, job in enumerate(jobs):
        size = split_for_workers(job.paths, chunk_paths, workers, len(job.theta0)) \
            if len(jobs) == 1 else chunk_paths
        chunks = job.chunks(size)
        sizes.append(len(chunks[0]))
        cancel = _Cancel()
        items.extend((j, i, chunk, cancel) for i, chunk in enumerate(chunks))
    total = sum(job.steps for j, *_ in items for job in (jobs[j],))
    label = (f"{jobs[0].scheme.name} {jobs[0].paths} paths" if len(jobs) == 1
             else f"{len(jobs)} ensembles")
    with Progress(total, label, enabled=progress) as bar:
        shared = LockedProgress(bar) if workers > 1 and len(items) > 1 else bar
        results = map_in_order(
            lambda item: _run_chunk(jobs[item[0]], item[2], index=item[1], bar=shared,
                                    cancel=item[3]), items, workers)
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
                    repr(dynamics), dynamics.calculus, job.backend)


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


# -- cross-checks ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonteCarloCheck:
    """A symbolic prediction against Monte Carlo, judged by standard errors and the scheme's bias.

    Each row gives the time, the prediction, the Monte Carlo mean and standard error at step h and
    h/2, the Richardson estimate with the scheme's weak order p, ``(2^p·m_{h/2} − m_h)/(2^p − 1)``,
    which removes the leading :math:`O(h^p)` bias, its standard error, and ``z`` =
    |extrapolated − prediction| / its standard error.

    ``verdict`` is

    * ``"agrees"``: ``z ≤ z_max`` at every row;
    * ``"disagrees"``: ``z > z_max`` at some row;
    * ``"inconclusive"`` (with ``reason``): the evidence cannot be judged — no row to compare, a
      mean or standard error that is not finite, fewer than :data:`MIN_PATHS` paths per run, or
      two runs that are not one experiment (different systems, starts, record times, a step
      ratio other than 2, or the same seed: the standard error assumes independent runs);
    * ``"diverged"``: a run diverged.
    """

    name: str
    verdict: str
    rows: tuple[dict, ...]
    z_max: float
    runs: tuple[Ensemble, ...]
    notes: tuple[str, ...] = field(default=())
    reason: str = ""

    @property
    def agrees(self) -> bool:
        return self.verdict == "agrees"

    def to_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "reason": self.reason,
                "z_max": self.z_max, "seeds": [r.seed for r in self.runs],
                "rows": [dict(r) for r in self.rows], "notes": list(self.notes),
                "runs": [r.to_dict() for r in self.runs]}

    def evidence(self) -> list[str]:
        run = self.runs[0]
        lines = [f"{self.name}: {self.verdict} ({run.scheme}, weak order {run.weak_order:g}, "
                 f"{run.paths} paths per run, dt = {run.dt:g} and {run.dt / 2:g}, seeds "
                 f"{', '.join(str(r.seed) for r in self.runs)}; agreement = "
                 f"|Richardson − prediction| ≤ {self.z_max:g} standard errors)"]
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        for r in self.rows:
            lines.append(f"  t = {r['t']:.4g}: prediction {r['prediction']:.6g}, MC(h) "
                         f"{r['mc_h']:.6g} ± {r['se_h']:.2g}, MC(h/2) {r['mc_h2']:.6g} ± "
                         f"{r['se_h2']:.2g}, Richardson {r['richardson']:.6g} ± "
                         f"{r['se_richardson']:.2g} (z = {r['z']:.2f})")
        return lines + list(self.notes)

    def __str__(self) -> str:
        return "\n".join(self.evidence())

    def _repr_html_(self) -> str:
        import html

        body = "".join(f"<tr><td>{r['t']:.4g}</td><td>{r['prediction']:.6g}</td>"
                       f"<td>{r['richardson']:.6g} ± {r['se_richardson']:.2g}</td>"
                       f"<td>{r['z']:.2f}</td></tr>" for r in self.rows)
        reason = f" ({html.escape(self.reason)})" if self.reason else ""
        return (f"<p>{self.name}: <b>{self.verdict}</b>{reason}</p><table><tr><th>t</th>"
                f"<th>prediction</th><th>Monte Carlo (Richardson)</th><th>z</th></tr>{body}"
                "</table>")


def _pair(dynamics, theta0, v0, values, t_end, steps, paths, scheme, seed, records, chunk_paths,
          progress):
    """Runs at h and h/2, recording at the same times.  Their noise is independent (seeds
    ``seed`` and ``seed + 1``): the standard error of the Richardson combination adds the two
    runs' variances, which is right for independent runs only."""
    coarse = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, steps=steps, paths=paths,
                               scheme=scheme, seed=seed, values=values, records=records,
                               chunk_paths=chunk_paths, progress=progress)
    marks = np.round(coarse.times / coarse.dt).astype(int)
    fine = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, steps=2 * steps, paths=paths,
                             scheme=scheme, seed=seed + 1, values=values, records=2 * marks,
                             chunk_paths=chunk_paths, progress=progress)
    return coarse, fine


def _z_max(z_max) -> float:
    if isinstance(z_max, bool) or not isinstance(z_max, (int, float, np.integer, np.floating)) \
            or not math.isfinite(z_max) or z_max <= 0:
        raise InvalidArgument("z_max", z_max, "must be a positive finite number of standard "
                              "errors", f"e.g. {Z_SCORE:g}")
    return float(z_max)


def _not_one_experiment(coarse: Ensemble, fine: Ensemble) -> str | None:
    """Why two runs cannot be combined into one Richardson estimate (None when they can)."""
    if (coarse.system, coarse.scheme, coarse.calculus, coarse.values) != \
            (fine.system, fine.scheme, fine.calculus, fine.values):
        return "the runs at h and h/2 simulate different systems or schemes"
    if coarse.theta0 != fine.theta0 or coarse.v0 != fine.v0:
        return "the runs at h and h/2 start from different states"
    if coarse.paths != fine.paths:
        return "the runs at h and h/2 have different numbers of paths"
    if not math.isclose(coarse.dt, 2 * fine.dt, rel_tol=1e-12):
        return (f"the steps {coarse.dt:g} and {fine.dt:g} are not in the ratio 2 that the "
                "Richardson combination assumes")
    if coarse.times.shape != fine.times.shape or not np.allclose(coarse.times, fine.times,
                                                                 rtol=1e-12, atol=0):
        return "the runs at h and h/2 do not record at the same times"
    if coarse.seed == fine.seed:
        return ("the runs at h and h/2 use the same seed: their noise is not independent, "
                "which the standard error of the combination assumes")
    return None


def _judge(name, runs, statistic, predictions, indices, z_max, notes):
    z_max = _z_max(z_max)
    coarse, fine = runs
    if coarse.status != "ok" or fine.status != "ok":
        bad = coarse if coarse.status != "ok" else fine
        reason = f"the run with dt = {bad.dt:g} diverged at t = {bad.diverged_at}"
        return MonteCarloCheck(name, "diverged", (), z_max, tuple(runs), (reason, *notes),
                               reason)

    def inconclusive(reason, rows=()):
        return MonteCarloCheck(name, "inconclusive", tuple(rows), z_max, tuple(runs),
                               tuple(notes), reason)

    mismatch = _not_one_experiment(coarse, fine)
    if mismatch is not None:
        return inconclusive(mismatch)
    if coarse.paths < MIN_PATHS:
        return inconclusive(f"{coarse.paths} paths per run: fewer than {MIN_PATHS}, the standard "
                            "error is itself too uncertain for a z-test")
    p = coarse.weak_order
    factor = 2.0 ** p
    rows = []
    for i, prediction in zip(indices, predictions):
        mh, sh = coarse.mean[statistic][i], coarse.stderr[statistic][i]
        m2, s2 = fine.mean[statistic][i], fine.stderr[statistic][i]
        if not all(math.isfinite(x) for x in (prediction, mh, sh, m2, s2)):
            return inconclusive(f"at t = {coarse.times[i]:g} the prediction, a mean or a standard "
                                "error is not finite (too few paths, or an undefined statistic)",
                                rows)
        rich = (factor * m2 - mh) / (factor - 1)
        # Where every path agrees (t = 0) the standard error is pure round-off; floor it at
        # float64 resolution of the values compared so that z measures randomness, not ulps.
        # A zero sample variance thus demands agreement to round-off, never excuses a difference.
        floor = _ROUNDOFF * max(abs(prediction), abs(mh), abs(m2))
        se = math.hypot(math.hypot(factor * s2, sh) / (factor - 1), floor)
        diff = rich - prediction
        z = abs(diff) / se if se > 0 else (0.0 if diff == 0 else math.inf)
        rows.append({"t": float(coarse.times[i]), "prediction": float(prediction),
                     "mc_h": float(mh), "se_h": float(sh), "mc_h2": float(m2), "se_h2": float(s2),
                     "bias_estimate_h": float((mh - m2) * factor / (factor - 1)),
                     "richardson": float(rich), "se_richardson": float(se), "z": float(z)})
    if not rows:
        return inconclusive("no record time to compare at (ask for more records)")
    worst = max(rows, key=lambda r: r["z"])
    if worst["z"] <= z_max:
        return MonteCarloCheck(name, "agrees", tuple(rows), z_max, tuple(runs), tuple(notes),
                               f"every row within {z_max:g} standard errors (largest z = "
                               f"{worst['z']:.2f})")
    return MonteCarloCheck(name, "disagrees", tuple(rows), z_max, tuple(runs), tuple(notes),
                           f"z = {worst['z']:.2f} > {z_max:g} at t = {worst['t']:.4g}")


def expected_inertia_crosscheck(dynamics: Dynamics, theta0, v0, *, t_end: float, steps: int,
                                paths: int, values: Mapping | None = None,
                                scheme: str = "euler-maruyama", seed: int = 0, records: int = 4,
                                z_max: float = Z_SCORE, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                                progress: bool | None = False) -> MonteCarloCheck:
    """Monte Carlo mean of :math:`I(t)` against the exact :math:`E[I](t)` of a quadratic loss.

    Two independent runs at :math:`h` and :math:`h/2` (seeds ``seed`` and ``seed + 1``) give the
    Richardson estimate (the scheme's :math:`O(h^p)` bias removed) and its standard error; the
    check agrees when it is within ``z_max`` standard errors of the exact value at every record
    time (see :class:`MonteCarloCheck` for the other verdicts).

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> check = expected_inertia_crosscheck(dyn, [1.0], [0.0], t_end=1.0, steps=50,
    ...                                     paths=20000, seed=3, records=2)
    >>> check.verdict
    'agrees'
    """
    from ..symbolic._ito_moments import quadratic_moments

    moments = quadratic_moments(dynamics, theta0, v0)
    runs = _pair(dynamics, theta0, v0, values, t_end, steps, paths, scheme, seed, records,
                 chunk_paths, progress)
    times = runs[0].times
    exact = moments.expected_inertia(times, values)
    notes = ["prediction: exact E[I](t) from the moment ODE (matrix exponential)"]
    return _judge("E[I](t): Monte Carlo vs exact", runs, "inertia", exact,
                  range(len(times)), z_max, notes)


def stationary_crosscheck(dynamics: Dynamics, theta0, v0, *, t_end: float, steps: int,
                          paths: int, values: Mapping | None = None, scheme: str = "baoab",
                          seed: int = 0, z_max: float = Z_SCORE,
                          chunk_paths: int = DEFAULT_CHUNK_PATHS,
                          progress: bool | None = False) -> MonteCarloCheck:
    """Monte Carlo :math:`E[I](t_{end})` against the Gibbs stationary value.

    ``t_end`` must be long enough for the start to be forgotten (several :math:`1/\\gamma` and
    mixing times); that relaxation error is not estimated and is the caller's choice.
    """
    from ..symbolic._ito_gibbs import gibbs_stationary

    gibbs = gibbs_stationary(dynamics, values)
    target = float(sympy.sympify(gibbs.expected_inertia).xreplace(
        {p: values[p.name] for p in dynamics.parameters if values and p.name in values}))
    runs = _pair(dynamics, theta0, v0, values, t_end, steps, paths, scheme, seed, 1,
                 chunk_paths, progress)
    notes = [f"prediction: Gibbs E[I] = dT/2 + E[L] = {target:.10g} ({gibbs.method})",
             f"relaxation from the start over t_end = {t_end:g} is assumed complete"]
    return _judge("stationary E[I]: Monte Carlo vs Gibbs", runs, "inertia", [target], [-1],
                  z_max, notes)


def ito_drift_crosscheck(dynamics: Dynamics, theta0, v0, *, t_end: float, steps: int,
                         paths: int, values: Mapping | None = None,
                         scheme: str = "euler-maruyama", seed: int = 0, records: int = 10,
                         z_max: float = Z_SCORE, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                         progress: bool | None = False) -> MonteCarloCheck:
    """The Itô drift :math:`E[\\mathcal{A}I]` against the finite-difference slope of the sample
    mean of :math:`I` (quadratic losses).

    Per path, the central difference :math:`D = (I(t+\\Delta) - I(t-\\Delta))/(2\\Delta)` minus
    :math:`\\mathcal{A}I(t)`; its mean should equal the finite-difference truncation of the exact
    :math:`E[I]`, known here from the moment ODE, so the prediction is
    :math:`(E[I](t+\\Delta) - E[I](t-\\Delta))/(2\\Delta) - \\tfrac{d}{dt}E[I](t)`.
    """
    from ..symbolic._ito_moments import quadratic_moments

    if isinstance(records, (int, np.integer)) and not isinstance(records, bool) and records < 2:
        raise InvalidArgument("records", records, "must be at least 2: the central difference "
                              "needs a record on each side of an interior one", "e.g. records=10")
    moments = quadratic_moments(dynamics, theta0, v0)
    runs = _pair(dynamics, theta0, v0, values, t_end, steps, paths, scheme, seed, records,
                 chunk_paths, progress)
    times = runs[0].times
    indices = list(range(1, len(times) - 1))
    predictions = []
    for i in indices:
        lo, mid, hi = times[i - 1], times[i], times[i + 1]
        e_lo, e_hi = moments.expected_inertia([lo, hi], values)
        predictions.append((e_hi - e_lo) / (hi - lo) - _exact_rate(moments, mid, values))
    notes = ["prediction: the central-difference truncation of the exact E[I] (zero up to "
             "O(Δ²)); the Monte Carlo statistic is mean[(I(t+Δ) − I(t−Δ))/(2Δ) − A I(t)] "
             "with A I the Itô drift"]
    return _judge("Itô drift vs slope of the sample mean", runs, "slope_minus_ito_drift",
                  predictions, indices, z_max, notes)


def _exact_rate(moments, t: float, values) -> float:
    """:math:`\\tfrac{d}{dt}E[I]` from the moment ODE: apply K to y(t)."""
    F, f, G, Q, q, _, _, _ = moments._numeric(values)
    m = moments.mean([t], values)[0]
    S = moments.covariance([t], values)[0] + np.outer(m, m)
    dm = F @ m + f[:, 0]
    dS = F @ S + S @ F.T + np.outer(f[:, 0], m) + np.outer(m, f[:, 0]) + G @ G.T
    return float(0.5 * np.trace(Q @ dS) + q[:, 0] @ dm)


#: Half-width of the band of fitted weak orders that counts as the declared one (as for the
#: deterministic cross-check, :data:`inertia_verify._crosscheck.ORDER_BAND`): within half an order
#: a slope names one integer order, the nearest.
WEAK_ORDER_BAND = 0.5
#: An error of the weak-order fit is *resolved* when it lies at least this many standard errors
#: from 0: its sign is then established (two-sided p ≈ 0.05) and log|error| is close enough to
#: normal for the delta method (bias about −σ²/(2e²) ≤ 1/8, standard deviation σ/|e| ≤ 1/2, and
#: the weight e²/σ² keeps the point from dominating the fit).  Closer to 0, log|error| is noise.
RESOLVED_Z = 2.0


@dataclass(frozen=True)
class WeakOrderFit:
    """Weak errors over several steps, the fitted slope of log|error| against log h, and a verdict.

    ``verdict`` is

    * ``"agrees"``: every error is resolved (at least :data:`RESOLVED_Z` standard errors from 0),
      the fitted slope lies within :data:`WEAK_ORDER_BAND` of the declared weak order and is
      known to within that band (``Z_SCORE × slope_stderr ≤ band``), and the slope of the two
      finest steps is consistent with the band given its own standard error;
    * ``"disagrees"``: the errors are resolved and do not decrease (slope + Z·se < 1/2);
    * ``"inconclusive"`` (with ``reason``) otherwise: an unresolved error (log|error| is then
      noise), a zero or non-finite standard error, a slope outside the band (above it as much as
      below it) or too uncertain to name an order.
    """

    scheme: str
    declared: float
    steps: tuple[float, ...]
    errors: tuple[float, ...]
    stderrs: tuple[float, ...]
    slope: float | None
    slope_stderr: float | None
    finest_slope: float | None
    finest_slope_stderr: float | None
    paths: int
    paths_needed: int | None
    seed: int
    verdict: str = "inconclusive"
    reason: str = ""
    band: float = WEAK_ORDER_BAND

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def __str__(self) -> str:
        def shown(x, se):
            return "n/a" if x is None else f"{x:.2f} ± {se:.2f}"
        rows = [f"  h = {h:.4g}: error {e:+.3e} ± {s:.1e}"
                for h, e, s in zip(self.steps, self.errors, self.stderrs)]
        return "\n".join([f"{self.scheme}: {self.verdict} — {self.reason}",
                          f"  weak order fitted {shown(self.slope, self.slope_stderr)}, from the "
                          f"two finest steps {shown(self.finest_slope, self.finest_slope_stderr)} "
                          f"(declared {self.declared:g} ± {self.band:g}), {self.paths} paths per "
                          f"step size, seeds {self.seed}..{self.seed + len(self.steps) - 1} "
                          f"(needed to resolve the finest error at {Z_SCORE:g} standard errors: "
                          f"{self.paths_needed})", *rows])


def _weak_order_from_errors(scheme: str, declared: float, hs, errs, ses, *, paths: int,
                            seed: int, band: float = WEAK_ORDER_BAND) -> WeakOrderFit:
    """Fit and judge weak errors ``errs ± ses`` at steps ``hs`` (see :class:`WeakOrderFit`)."""
    order = np.argsort(hs)[::-1]  # coarsest first, as the step counts usually come
    hs = [float(hs[i]) for i in order]
    errs = [float(errs[i]) for i in order]
    ses = [float(ses[i]) for i in order]
    if len(hs) < 2 or len(set(hs)) != len(hs):
        raise InvalidArgument("steps", hs, "need at least two distinct step sizes to fit an order",
                              "e.g. steps=(10, 20, 40)")

    def fit(verdict, reason, slope=None, slope_se=None, finest=None, finest_se=None, needed=None):
        return WeakOrderFit(scheme, declared, tuple(hs), tuple(errs), tuple(ses), slope, slope_se,
                            finest, finest_se, paths, needed, seed, verdict, reason, band)

    if not all(math.isfinite(e) for e in errs) or not all(math.isfinite(s) and s > 0
                                                          for s in ses):
        return fit("inconclusive", "an error or a standard error is zero or not finite: there is "
                   "no Monte Carlo error to weight the fit by")
    needed = int(math.ceil(paths * (Z_SCORE * ses[-1] / max(abs(errs[-1]), 1e-300)) ** 2))
    unresolved = [h for h, e, s in zip(hs, errs, ses) if abs(e) < RESOLVED_Z * s]
    if any(e == 0 for e in errs):
        return fit("inconclusive", "an error is exactly 0: log|error| is undefined",
                   needed=needed)
    x = np.log(hs)
    y = np.log(np.abs(errs))
    sig = np.array(ses) / np.abs(errs)  # standard error of log|error| (delta method)
    w = 1.0 / sig**2
    X = np.vstack([x, np.ones_like(x)]).T
    cov = np.linalg.inv(X.T @ (w[:, None] * X))
    slope = float((cov @ X.T @ (w * y))[0])
    slope_se = float(math.sqrt(cov[0, 0]))
    # The two finest steps see the least of the higher-order terms: log(e_{k-1}/e_k)/log(h ratio).
    ratio = math.log(hs[-2] / hs[-1])
    finest = float((y[-2] - y[-1]) / ratio)
    finest_se = float(math.hypot(sig[-2], sig[-1]) / ratio)
    found = (slope, slope_se, finest, finest_se, needed)
    if unresolved:
        return fit("inconclusive", f"the error at h = {', '.join(f'{h:.4g}' for h in unresolved)} "
                   f"is within {RESOLVED_Z:g} standard errors of 0: log|error| is noise there (use "
                   f"more paths, about {needed} for the finest step, or coarser steps)", *found)
    if slope + Z_SCORE * slope_se < 0.5:
        return fit("disagrees", f"the weak error does not decrease with the step (slope "
                   f"{slope:.2f} ± {slope_se:.2f}): the mean does not converge to the prediction",
                   *found)
    if Z_SCORE * slope_se > band:
        return fit("inconclusive", f"the slope {slope:.2f} ± {slope_se:.2f} is too uncertain to "
                   f"name an order ({Z_SCORE:g} standard errors exceed the band {band:g}): use "
                   "more paths", *found)
    if abs(slope - declared) > band:
        side = "above" if slope > declared else "below"
        return fit("inconclusive", f"the fitted slope {slope:.2f} ± {slope_se:.2f} is {side} the "
                   f"declared weak order {declared:g} ± {band:g}" + (
                       ": pre-asymptotic, use smaller steps" if side == "below" else
                       ": the runs are not one experiment, or the leading bias term vanishes "
                       "for this problem"), *found)
    if abs(finest - declared) > band + Z_SCORE * finest_se:
        return fit("inconclusive", f"the slope of the two finest steps, {finest:.2f} ± "
                   f"{finest_se:.2f}, is inconsistent with the declared weak order "
                   f"{declared:g} ± {band:g}", *found)
    return fit("agrees", f"fitted slope {slope:.2f} ± {slope_se:.2f} within the declared weak "
               f"order {declared:g} ± {band:g}", *found)


def weak_order_fit(dynamics: Dynamics, theta0, v0, *, t_end: float, steps: Sequence[int],
                   paths: int, values: Mapping | None = None, scheme: str = "euler-maruyama",
                   seed: int = 0, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                   progress: bool | None = False) -> WeakOrderFit:
    """Fit the weak order from :math:`E[I](t_{end})` errors against the exact value (quadratic
    loss) over the given step counts (e.g. doubling), and judge it against the scheme's declared
    weak order (see :class:`WeakOrderFit`).

    Each step count runs with its own seed (``seed + k`` for the ``k``-th), so the errors are
    independent, as the weighted least squares assumes.  The slope's standard error propagates the
    Monte Carlo errors (delta method, weighted least squares on log|error|).
    """
    from ..symbolic._ito_moments import quadratic_moments

    try:
        counts = [int(n) for n in steps]
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("steps", steps, "must be step counts", "e.g. (10, 20, 40)") from exc
    if len(counts) < 2 or len(set(counts)) != len(counts):
        raise InvalidArgument("steps", steps, "need at least two distinct step counts to fit an "
                              "order", "e.g. steps=(10, 20, 40)")
    exact = float(quadratic_moments(dynamics, theta0, v0).expected_inertia([t_end], values)[0])
    hs, errs, ses = [], [], []
    scheme_obj = get_sde_scheme(scheme)
    for k, n in enumerate(counts):
        run = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, steps=n, paths=paths,
                                scheme=scheme_obj, seed=seed + k, values=values, records=1,
                                chunk_paths=chunk_paths, progress=progress)
        if run.status != "ok":
            raise InvalidArgument("steps", n, f"the run diverged at t = {run.diverged_at}",
                                  "use smaller steps")
        hs.append(run.dt)
        errs.append(run.mean["inertia"][-1] - exact)
        ses.append(run.stderr["inertia"][-1])
    return _weak_order_from_errors(scheme_obj.name, scheme_obj.weak_order, hs, errs, ses,
                                   paths=paths, seed=seed)


# -- the command line's stochastic branch ----------------------------------------------------------
def stochastic_simulate_payload(dynamics: Dynamics, theta0, v0, *, t_end: float, steps: int,
                                paths: int, scheme: str = "euler-maruyama", seed: int = 0,
                                values: Mapping | None = None, stationary: bool = False,
                                chunk_paths: int = DEFAULT_CHUNK_PATHS,
                                progress: bool | None = False, workers: int | None = None,
                                client=None, backend: str | None = None) -> dict:
    """What ``inertia-verify simulate --noise ... --paths N`` reports: ``inertia_final_mean``,
    ``inertia_final_stderr`` and ``prediction_final`` (exact :math:`E[I](t_{end})` for a
    quadratic loss, the Gibbs value with ``stationary=True``, else ``None``)."""
    run = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, steps=steps, paths=paths,
                            scheme=scheme, seed=seed, values=values, records=10,
                            chunk_paths=chunk_paths, progress=progress, workers=workers,
                            client=client, backend=backend)
    prediction, source = None, None
    if stationary:
        from ..symbolic._ito_gibbs import gibbs_stationary

        gibbs = gibbs_stationary(dynamics, values)
        prediction = float(sympy.sympify(gibbs.expected_inertia).xreplace(
            {p: values[p.name] for p in dynamics.parameters if values and p.name in values}))
        source = f"Gibbs stationary E[I] ({gibbs.method})"
    else:
        from ..symbolic._ito_moments import quadratic_moments

        try:
            moments = quadratic_moments(dynamics, theta0, v0)
            prediction = float(moments.expected_inertia([t_end], values)[0])
            source = "exact E[I](t_end) from the moment ODE"
        except InvalidArgument:
            prediction, source = None, "no exact E[I](t) for this system (not quadratic)"
    final = run.mean["inertia"][-1]
    se = run.stderr["inertia"][-1]
    return {
        **run.to_dict(),
        "inertia_final_mean": None if not np.isfinite(final) else float(final),
        "inertia_final_stderr": None if not np.isfinite(se) else float(se),
        "prediction_final": prediction,
        "prediction_source": source,
        "bias_order": f"O(dt^{run.weak_order:g}) (weak order of {run.scheme})",
    }
