"""The simulation driver: one scheme, an ensemble of paths, a bounded record, honest failure.

:func:`simulate` integrates :math:`\\ddot\\theta + \\Gamma(t)\\dot\\theta + M^{-1}\\nabla L = 0` for
every path at once with a fixed-step scheme (or one path with a reference solver), records the
inertia every ``save_every`` steps, accumulates the energy balance
:math:`I(t) - I(0) - \\int_0^t \\dot I\\,ds` along the simulated path, and reports divergence
(NaN/Inf, or a step size beyond the scheme's linear stability limit) instead of numbers.

The step rule (one rule for every command and function that takes ``dt`` and ``t_end``, see
:func:`step_count`): the number of steps is :math:`\\lceil (t_{end} - t_0)/dt \\rceil`, a ratio
within :math:`10^{-9}` (relative) of a whole number counting as that number, and the step
actually used, :math:`(t_{end} - t_0)/\\text{steps} \\le dt`, is reported (``Simulation.dt``,
beside ``Simulation.dt_requested``).

Large ensembles are integrated in chunks of paths (:data:`DEFAULT_CHUNK_PATHS`, as the Monte
Carlo driver does): every operation acts path by path, so chunks bound the working memory without
changing the numbers.  What is kept per path (the record, the initial and final states) is
estimated before anything is allocated, and a run that cannot fit in the available memory is
refused (:func:`memory_estimate`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._validation import as_paths, as_positive_int, as_positive_real, as_real, as_state
from .._progress import Progress, default_progress
from ._compile import CompiledDynamics, compile_dynamics
from ._grid import DEFAULT_CHUNK_PATHS, MAX_STEPS, step_count
from ._jax_backend import check_backend, run_fixed_step_jax
from ._parallel import SharedProgress, map_in_order, plan_chunks, resolve_workers, shared_empty
from ..schemes import ReferenceSolver, get_scheme
from ._stability import Divergence, StabilityEstimate, estimate_stability

__all__ = ["simulate", "Simulation", "RECORD_BUDGET", "memory_estimate", "available_memory",
           "check_memory"]

#: Bytes the default record (inertia and balance per path and snapshot) may use: memory does not
#: grow with the number of steps unless ``save_every`` asks for it.
RECORD_BUDGET = 16 * 2**20
_MAX_DEFAULT_SNAPSHOTS = 1001
#: Share of the available memory a run may plan to use (the rest: the interpreter, the caller's
#: own arrays, and the slack of an estimate).
_MEMORY_SHARE = 0.8
#: Work arrays per coordinate and per path, beyond the state (the schemes' stages: RK4 keeps
#: four of each of theta and v) and per path (rate, its derivative, the work and its correction,
#: the inertia).
_WORK_PER_COORDINATE = 12
_WORK_PER_PATH = 8


def memory_estimate(paths: int, dimension: int, steps: int, *, save_every: int | None = None,
                    keep_states: bool = False, spread: bool = False, runs: int = 1,
                    chunk_paths: int = DEFAULT_CHUNK_PATHS) -> int:
    """Bytes a deterministic ensemble run needs (an estimate, to refuse what cannot fit).

    Per run, what is kept for every path: the record (inertia and energy balance at each saved
    time, and the states with ``keep_states``), the final state, and the initial state when it
    differs from path to path (``spread``).  Once: the working arrays of one chunk.  ``runs``
    counts runs held at the same time (the cross-check keeps the runs at dt, 2dt and 4dt, and
    compares the record of each with the closed form: two more records).

    Examples
    --------
    >>> memory_estimate(1000, 2, 100) < 4 * 2**20     # 101 snapshots of 1000 paths
    True
    >>> memory_estimate(10**8, 1, 50, runs=3) > 10 * 2**30   # the 10⁸-path cross-check
    True
    """
    if save_every is None:
        save_every = _default_save_every(paths, dimension, steps, keep_states)
    snapshots = _snapshot_count(steps, save_every)
    per_snapshot = 8 * paths * (2 + (2 * dimension if keep_states else 0))
    record = snapshots * per_snapshot
    states = 8 * paths * dimension * (2 + (2 if spread else 0))
    chunk = min(paths, chunk_paths)
    work = 8 * chunk * (_WORK_PER_COORDINATE * dimension + _WORK_PER_PATH)
    comparison = 2 * record if runs > 1 else 0
    return runs * (record + states) + comparison + work


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (``MemAvailable`` on Linux, else the free
    or total physical memory from ``os.sysconf``), or ``None`` when the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
        try:
            return os.sysconf(pages) * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            continue
    return None


def check_memory(paths: int, dimension: int, steps: int, *, save_every: int | None = None,
                 keep_states: bool = False, spread: bool = False, runs: int = 1,
                 argument: str = "paths") -> int:
    """Refuse a run whose :func:`memory_estimate` exceeds the available memory; returns the
    estimate.

    Raises
    ------
    InvalidArgument
        Naming ``argument`` (the number of paths), with the estimate, the memory available, and
        the largest number of paths that fits.
    """
    needed = memory_estimate(paths, dimension, steps, save_every=save_every,
                             keep_states=keep_states, spread=spread, runs=runs)
    available = available_memory()
    if available is None or needed <= _MEMORY_SHARE * available:
        return needed
    # Memory grows about linearly with the paths: scale down to what fits.
    fits = max(1, int(paths * _MEMORY_SHARE * available / needed))
    fits = int(float(f"{fits:.2g}")) if fits >= 100 else fits  # an estimate: two figures
    what = "the states at every saved step (keep_states), " if keep_states else ""
    raise InvalidArgument(
        argument, paths,
        f"needs about {_gib(needed)} of memory ({'%d runs, ' % runs if runs > 1 else ''}"
        f"{what}{steps} steps, {dimension} coordinate(s)), more than the "
        f"{_gib(_MEMORY_SHARE * available)} a run may use ({_MEMORY_SHARE:.0%} of the "
        f"{_gib(available)} available)",
        f"use at most about {fits} paths here, or split the ensemble into several runs")


def _gib(size: float) -> str:
    return f"{size / 2**30:.3g} GiB" if size >= 2**28 else f"{size / 2**20:.3g} MiB"


def _default_save_every(paths: int, dimension: int, steps: int, keep_states: bool) -> int:
    """At most 1001 snapshots and :data:`RECORD_BUDGET` bytes (but always the first and last)."""
    per_snapshot = 8 * paths * (2 + (2 * dimension if keep_states else 0))
    snapshots = max(2, min(_MAX_DEFAULT_SNAPSHOTS, RECORD_BUDGET // per_snapshot))
    return max(1, math.ceil(steps / (snapshots - 1)))


def _snapshot_count(steps: int, save_every: int) -> int:
    """``len(_saved_steps(steps, save_every))`` without building the list."""
    return steps // save_every + 1 + (0 if steps % save_every == 0 else 1)


@dataclass(frozen=True)
class Simulation:
    """The record of one :func:`simulate` run.

    Attributes
    ----------
    scheme : str
        The scheme's name.
    order : int or None
        The scheme's declared global order.
    dt : float
        The step actually used (``(t_end - t0) / steps``, see :func:`step_count`).
    dt_requested : float or None
        The step asked for (differs from ``dt`` when it does not divide ``t_end - t0``).
    steps, paths, save_every : int
        Steps taken, trajectories, and steps between saved states.
    t0, t_end : float
        The time interval.
    times : ndarray, shape (n,)
        Saved times (the initial time, every ``save_every``-th step and the last step).
    inertia : ndarray, shape (n, paths)
        :math:`I` at the saved times.
    balance : ndarray, shape (n, paths) or None
        :math:`I(t) - I(t_0) - \\int_{t_0}^t \\dot I\\,ds` along the simulated path, the rate
        integrated with the end-corrected trapezoid rule (error :math:`O(h^4)`).
    quadrature_correction : float
        The largest accumulated end correction: an upper estimate of the error plain trapezoid
        quadrature would have made, far above that of the corrected rule.
    theta, v : ndarray, shape (n, paths, d), or None
        Saved states (only with ``keep_states=True``).
    final_theta, final_v : ndarray, shape (paths, d)
        The state at the last step.
    initial_theta, initial_v : ndarray, shape (paths, d)
        The initial states (after the random spread, if any).
    divergence : Divergence or None
        Where and why the run stopped being a solution, if it did.
    stability : StabilityEstimate or None
        The linear stability check of the step size.
    compiled : CompiledDynamics
        The system simulated.
    seed : int or None
        The seed of the random initial states (``None`` without a spread).
    spread : (float, float) or None
        The spread of the random initial states in θ and in v.

    Examples
    --------
    >>> from inertia_verify import Dynamics, simulate
    >>> run = simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], t_end=1.0, dt=0.1)
    >>> run.scheme, run.order, run.steps, run.inertia.shape, run.divergence
    ('verlet', 2, 10, (11, 1), None)
    """

    scheme: str
    order: int | None
    dt: float
    steps: int
    paths: int
    save_every: int
    t0: float
    t_end: float
    times: np.ndarray
    inertia: np.ndarray
    balance: np.ndarray | None
    quadrature_correction: float
    theta: np.ndarray | None
    v: np.ndarray | None
    final_theta: np.ndarray
    final_v: np.ndarray
    initial_theta: np.ndarray
    initial_v: np.ndarray
    divergence: Divergence | None
    stability: StabilityEstimate | None
    compiled: CompiledDynamics = field(repr=False)
    seed: int | None = None
    spread: tuple[float, float] | None = None
    dt_requested: float | None = None

    @property
    def dt_adjusted(self) -> bool:
        """Whether the step used differs from the one asked for (see :func:`step_count`)."""
        return self.dt_requested is not None and self.dt_requested != self.dt

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    @property
    def inertia_final_mean(self) -> float:
        return float(np.mean(self.inertia[-1]))

    @property
    def inertia_final_stderr(self) -> float:
        """Standard error of the ensemble mean of :math:`I(t_{end})` (0 for one path)."""
        if self.paths == 1:
            return 0.0
        return float(np.std(self.inertia[-1], ddof=1) / math.sqrt(self.paths))

    @property
    def energy_balance_max_error(self) -> float | None:
        if self.balance is None:
            return None
        return float(np.max(np.abs(self.balance)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (not the whole record)."""
        finite = not self.diverged
        return {
            "scheme": self.scheme, "order": self.order, "paths": self.paths, "steps": self.steps,
            "dt": self.dt, "dt_requested": self.dt_requested, "t0": self.t0,
            "t_end": self.t_end, "save_every": self.save_every,
            "saved": int(self.times.size),
            "inertia_initial_mean": float(np.mean(self.inertia[0])),
            "inertia_final_mean": self.inertia_final_mean if finite else None,
            "inertia_final_stderr": self.inertia_final_stderr if finite else None,
            "energy_balance_max_error": self.energy_balance_max_error if finite else None,
            "quadrature_correction": self.quadrature_correction if finite else None,
            "diverged": self.diverged,
            "divergence": None if self.divergence is None else self.divergence.to_dict(),
            "stability": None if self.stability is None else self.stability.to_dict(),
            "seed": self.seed, "spread": None if self.spread is None else list(self.spread),
        }

    def __str__(self) -> str:
        lines = [f"simulation: {self.scheme} (order {self.order}), {self.paths} path(s), "
                 f"{self.steps} steps of dt = {self.dt:g} from t = {self.t0:g} to {self.t_end:g}"
                 + (f" (dt {self.dt_requested:g} asked for does not divide the interval: "
                    f"{self.steps} steps of dt = {self.dt:.12g} used)" if self.dt_adjusted else "")]
        if self.diverged:
            lines.append(f"  {self.divergence}")
        else:
            lines.append(f"  I(t0) = {np.mean(self.inertia[0]):.12g} (mean), "
                         f"I(t_end) = {self.inertia_final_mean:.12g} "
                         f"± {self.inertia_final_stderr:.2g} (standard error)")
            if self.balance is not None:
                lines.append(f"  energy balance |I(t) - I(0) - ∫ dI/dt| ≤ "
                             f"{self.energy_balance_max_error:.3g}")
        if self.stability is not None:
            lines.append(f"  stability: {self.stability.note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def _spread(spread) -> tuple[float, float] | None:
    if spread is None:
        return None
    if isinstance(spread, (int, float, np.floating)) and not isinstance(spread, bool):
        pair = (float(spread), float(spread))
    elif isinstance(spread, (tuple, list)) and len(spread) == 2:
        pair = (as_real(spread[0], "spread"), as_real(spread[1], "spread"))
    else:
        raise InvalidArgument("spread", spread, "must be a number or a pair (theta, v)",
                              "e.g. spread=0.1 or spread=(0.1, 0.0)")
    if not all(math.isfinite(s) and s >= 0 for s in pair):
        raise InvalidArgument("spread", spread, "must be finite and non-negative")
    return pair


def simulate(dynamics: Dynamics | CompiledDynamics, theta0, v0, t_end: float, dt: float, *,
             scheme: str = "verlet", paths: int | None = None, values=None,
             save_every: int | None = None,
             spread=None, seed: int | None = None, t0: float = 0.0, keep_states: bool = False,
             energy_balance: bool = True, check_stability: bool = True,
             chunk_paths: int = DEFAULT_CHUNK_PATHS, progress: bool | None = None,
             workers: int | None = None, backend: str | None = None) -> Simulation:
    """Integrate an ensemble of paths with a fixed-step scheme (or one path with a reference).

    Parameters
    ----------
    dynamics : Dynamics or CompiledDynamics
        A concrete system (or one already compiled with :func:`compile_dynamics`).
    theta0, v0 : array_like, shape (d,) or (paths, d)
        Initial position and velocity; a ``(d,)`` vector is the same for every path.
    t_end : float
        Final time (``> t0``).
    dt : float
        Step size; the number of steps is ``ceil((t_end - t0) / dt)`` and the step actually used
        is ``(t_end - t0) / steps`` (reported as ``Simulation.dt``; see :func:`step_count`).
    scheme : str, Scheme or ReferenceSolver
        A name of :data:`~inertia_verify.schemes.SCHEMES` (the fixed-step schemes, ``verlet`` by
        default, and the single-path references ``dop853`` and ``mpmath``), or an instance such
        as ``HeavyBall(lr=0.01, momentum=0.9)``.
    paths : int, optional
        Ensemble size; by default the leading dimension of a ``(paths, d)`` ``theta0`` or ``v0``
        (1 when both are ``(d,)`` vectors).
    values : mapping, optional
        Parameter values (see :func:`compile_dynamics`).
    save_every : int, optional
        Record every ``save_every``-th step (and always the first and the last).  By default the
        record holds at most 1001 snapshots and :data:`RECORD_BUDGET` bytes.
    spread : float or (float, float), optional
        Random initial conditions: each path starts at ``theta0 + s_theta * N(0, 1)``,
        ``v0 + s_v * N(0, 1)`` (independent standard normals, ``numpy.random.default_rng(seed)``).
    seed : int, optional
    t0 : float
        Initial time (use ``t0 > 0`` for damping such as ``3/t``).
    keep_states : bool
        Also record ``theta`` and ``v`` at the saved times (memory ``n * paths * d``).
    energy_balance : bool
        Accumulate :math:`\\int \\dot I\\,dt` along the path (one evaluation of the rate per step).
    check_stability : bool
        Estimate the linear stability of the step at ``theta0`` (:mod:`._stability`).
    chunk_paths : int
        Paths integrated together, at most (workers take cache-sized chunks, see
        :func:`._parallel.split_for_workers`); bounds the working memory, the results do not
        depend on it.
    progress : bool or None
        A progress bar on stderr for runs longer than a second; ``None`` (default) follows
        :func:`~inertia_verify._progress.default_progress` (off, unless the command line asks).
    workers : int, optional
        Workers integrating chunks at once: forked processes where that is safe, else threads
        (default: every available core; the rule, and how to force one kind, are in
        :mod:`._parallel`).  The ensemble is cut into at least ``workers`` chunks when it has
        enough paths; the record is the same bits for any ``workers`` and ``chunk_paths``.
    backend : {"numpy", "jax"}, optional
        Default NumPy.  ``"jax"`` runs the schemes with a JAX form
        (:class:`~inertia_verify.schemes.JaxForm`: ``euler``, ``symplectic-euler``, ``verlet``
        and ``rk4``) jit-compiled and vmapped over the paths, on a GPU when there is one (see
        :mod:`._jax_backend`); the record agrees with NumPy's to round-off, and divergence is
        detected at the saved steps.

    Returns
    -------
    Simulation

    Raises
    ------
    InvalidArgument
        For bad arguments, and (naming ``paths``) for an ensemble whose record cannot fit in the
        available memory (:func:`check_memory`).

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="0.1")
    >>> run = simulate(dyn, [1.0], [0.0], t_end=10.0, dt=0.01, scheme="conformal-verlet")
    >>> run.steps, run.diverged
    (1000, False)
    >>> abs(run.energy_balance_max_error) < 1e-4
    True
    >>> simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 10.0, 2.5).divergence.reason
    'unstable step'
    """
    system = dynamics if isinstance(dynamics, CompiledDynamics) else compile_dynamics(dynamics, values)
    method = get_scheme(scheme)
    d = system.dimension
    paths = as_paths(paths, theta0, v0)
    as_positive_int(chunk_paths, "chunk_paths", example=f"chunk_paths={DEFAULT_CHUNK_PATHS}")
    workers = resolve_workers(workers)
    backend = check_backend(backend)
    steps, h = step_count(t_end, dt, t0)
    t0, t_end, dt = float(t0), float(t_end), float(dt)
    reference = isinstance(method, ReferenceSolver)
    if reference and backend == "jax":
        raise InvalidArgument("backend", backend, f"the reference solver {method.name!r} runs "
                              "on NumPy/SciPy/mpmath only", "use backend='numpy'")
    if reference and paths > 1:
        raise InvalidArgument("paths", paths, f"the reference solver {method.name!r} integrates "
                              "one trajectory", "use paths=1, or a fixed-step scheme such as verlet")
    if save_every is not None:
        as_positive_int(save_every, "save_every")
    pair = _spread(spread)
    if save_every is None:
        save_every = _default_save_every(paths, d, steps, keep_states)
    save_every = int(save_every)
    # Before anything of the ensemble's size is allocated (the spread draws included).
    check_memory(paths, d, steps, save_every=save_every, keep_states=keep_states,
                 spread=pair is not None or np.ndim(theta0) == 2 or np.ndim(v0) == 2)
    theta = as_state(theta0, d, paths, "theta0")
    v = as_state(v0, d, paths, "v0")
    nominal_theta = theta[0].copy()
    if pair is not None:
        rng = np.random.default_rng(seed)
        theta = theta + pair[0] * rng.standard_normal((paths, d))
        v = v + pair[1] * rng.standard_normal((paths, d))
    stability = estimate_stability(method, system, nominal_theta, h, steps, t0) \
        if check_stability and not reference else None

    if reference:
        record = _run_reference(method, system, theta, v, t0, h, steps, save_every,
                                keep_states, energy_balance)
    else:
        # XLA parallelises inside one chunk; NumPy needs a chunk per worker.
        if backend == "jax":
            chunk_paths, pool = min(int(chunk_paths), paths), "inline"
        else:
            chunk_paths, pool = plan_chunks(paths, int(chunk_paths), workers, d, steps)
        chunks = -(-paths // chunk_paths)
        enabled = default_progress() if progress is None else progress
        with Progress(steps * chunks, f"{method.name} dt={h:g} {paths} path(s)",
                      enabled=enabled, delay=1.0) as bar:
            if backend == "jax":
                record = run_fixed_step_jax(method, system, theta, v, t0, h, steps,
                                            _saved_steps(steps, save_every), keep_states,
                                            energy_balance, chunk_paths, bar)
            else:
                record = _run_fixed_step(method, system, theta, v, t0, h, steps, save_every,
                                         keep_states, energy_balance, chunk_paths, bar,
                                         workers, pool)
    divergence = record.pop("divergence")
    if divergence is None and stability is not None and stability.beyond_limit:
        divergence = Divergence("unstable step", 0, t0,
                                f"step {h:g} is beyond the {method.name} stability limit: "
                                + stability.note)
    return Simulation(scheme=method.name, order=method.order, dt=h, steps=steps, paths=paths,
                      save_every=save_every, t0=t0, t_end=t_end, divergence=divergence,
                      stability=stability, compiled=system, seed=seed, spread=pair,
                      initial_theta=theta, initial_v=v, dt_requested=dt, **record)


class _Recorder:
    """Saved times, inertia, balance (and states) at the chosen steps."""

    def __init__(self, n: int, paths: int, d: int, keep_states: bool, balance: bool,
                 shared: bool = False) -> None:
        # shared: in memory the worker processes write into (see _parallel.shared_empty)
        self.times = shared_empty(n, shared=shared)
        self.inertia = shared_empty((n, paths), shared=shared)
        self.balance = shared_empty((n, paths), shared=shared) if balance else None
        self.theta = shared_empty((n, paths, d), shared=shared) if keep_states else None
        self.v = shared_empty((n, paths, d), shared=shared) if keep_states else None

    def save(self, k, t, inertia, balance, theta_rows, v_rows, columns=slice(None)) -> None:
        """Snapshot ``k`` of the paths in ``columns`` (one chunk)."""
        self.times[k] = t
        self.inertia[k, columns] = inertia
        if self.balance is not None:
            self.balance[k, columns] = balance
        if self.theta is not None:
            self.theta[k, columns] = theta_rows.T
            self.v[k, columns] = v_rows.T

    def result(self, count: int) -> dict:
        """The first ``count`` snapshots (those every chunk reached)."""
        k = count
        cut = (lambda a: None if a is None else a[:k])
        return {"times": self.times[:k], "inertia": self.inertia[:k],
                "balance": cut(self.balance), "theta": cut(self.theta), "v": cut(self.v)}


def _saved_steps(steps: int, save_every: int) -> list[int]:
    marks = list(range(0, steps + 1, save_every))
    if marks[-1] != steps:
        marks.append(steps)
    return marks


class _StopAt:
    """The last step every chunk still needs: once a chunk diverges at step ``s``, the others
    only need to run up to ``s - 1`` to find an earlier divergence (the run is over either way).
    One slot per chunk in shared memory (threads and worker processes alike), each written only
    by its chunk; the value is their minimum."""

    def __init__(self, steps: int, chunks: int) -> None:
        slots = shared_empty(max(1, chunks), np.int64)
        slots[:] = steps
        self._slots = memoryview(slots)  # Python ints: read every step, at little cost

    @property
    def value(self) -> int:
        return min(self._slots)

    def lower(self, index: int, step: int) -> None:
        self._slots[index] = min(self._slots[index], step)


def _run_fixed_step(method, system, theta, v, t0, h, steps, save_every, keep_states, balance,
                    chunk_paths, bar, workers=1, pool="inline"):
    paths, d = theta.shape
    marks = _saved_steps(steps, save_every)
    single = paths <= chunk_paths
    # Worker processes write the record and the final states into shared memory.
    shared = pool == "processes" and not single
    recorder = _Recorder(len(marks), paths, d, keep_states, balance, shared)
    # Chunks of equal size (at most chunk_paths): each takes the same time, so the progress bar's
    # steps are even and the workers finish together.
    chunk_paths = -(-paths // -(-paths // chunk_paths))
    columns_list = [slice(start, min(start + chunk_paths, paths))
                    for start in range(0, paths, chunk_paths)]
    stop = _StopAt(steps, len(columns_list))
    progress = SharedProgress(bar, len(columns_list))
    final_theta = final_v = None
    if not single:
        final_theta = shared_empty((paths, d), shared=shared)
        final_v = shared_empty((paths, d), shared=shared)

    def one(index):
        columns = columns_list[index]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            theta_rows, v_rows, *rest = _run_chunk(
                method, system, theta[columns], v[columns], t0, h, stop, index, marks, recorder,
                columns, balance, progress.item(index))
        if single:
            # views of the (d, paths) working arrays: no copy of the ensemble at the end
            return theta_rows.T, v_rows.T, *rest
        final_theta[columns], final_v[columns] = theta_rows.T, v_rows.T
        return None, None, *rest

    # Each chunk writes its own columns of the record and of the final states; the statistics
    # below are taken in chunk order, so the result does not depend on which worker finished
    # first.
    results = map_in_order(one, range(len(columns_list)), workers, pool=pool, progress=progress)
    divergence = None
    correction = 0.0
    count = len(marks)
    for columns, chunk in zip(columns_list, results):
        chunk_theta, chunk_v, saved, chunk_correction, chunk_divergence = chunk
        count = min(count, saved)
        correction = max(correction, chunk_correction)
        if chunk_divergence is not None and not single:
            chunk_divergence = Divergence(
                chunk_divergence.reason, chunk_divergence.step, chunk_divergence.time,
                f"{chunk_divergence.detail} (paths {columns.start}–{columns.stop - 1})")
        if chunk_divergence is not None and (divergence is None
                                             or chunk_divergence.step < divergence.step):
            divergence = chunk_divergence
        if single:
            final_theta, final_v = chunk_theta, chunk_v
    record = recorder.result(count)
    if not balance:
        record["balance"] = None
    record["quadrature_correction"] = correction
    record["final_theta"] = final_theta
    record["final_v"] = final_v
    record["divergence"] = divergence
    return record


def _run_chunk(method, system, theta, v, t0, h, stop, index, marks, recorder, columns, balance,
               bar):
    """Integrate chunk ``index`` of the paths up to step ``stop.value`` (lowered by the other
    chunks when they diverge), saving its snapshots into ``recorder``.

    Returns the final ``(d, n)`` states, the number of snapshots saved, the largest quadrature
    correction and the divergence (or ``None``)."""
    paths = theta.shape[0]
    # (d, paths) layout: each coordinate is one contiguous array for the generated code.
    theta_rows = np.array(theta.T, order="C")
    v_rows = np.array(v.T, order="C")
    track = balance and not system.rate_is_zero
    inertia0 = system.inertia_rows(theta_rows, v_rows)
    work = np.zeros(paths)
    correction = np.zeros(paths)
    if track:
        rate = system.rate_rows(t0, theta_rows, v_rows)
        rate_dot = system.rate_dot_rows(t0, theta_rows, v_rows)
    recorder.save(0, t0, inertia0, np.zeros(paths), theta_rows, v_rows, columns)
    step = method.stepper(system, h)
    next_mark = 1
    divergence = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, stop.value + 1):
            if k > stop.value:
                break
            t = t0 + (k - 1) * h
            step(t, theta_rows, v_rows)
            t_new = t0 + k * h
            # NaN and Inf propagate into a sum; a sum that overflows means the state is huge.
            if not math.isfinite(float(theta_rows.sum()) + float(v_rows.sum())):
                bad = ~(np.isfinite(theta_rows).all(axis=0) & np.isfinite(v_rows).all(axis=0))
                kind = "NaN/Inf" if bad.any() else "overflow of the state sum"
                divergence = Divergence("non-finite", k, t_new,
                                        f"{kind} in {int(bad.sum())} of {paths} path(s)")
                stop.lower(index, k - 1)
                break
            if track:
                rate_new = system.rate_rows(t_new, theta_rows, v_rows)
                rate_dot_new = system.rate_dot_rows(t_new, theta_rows, v_rows)
                end = (h * h / 12) * (rate_dot - rate_dot_new)
                work += 0.5 * h * (rate + rate_new) + end
                correction += end
                rate, rate_dot = rate_new, rate_dot_new
            if k == marks[next_mark]:
                inertia = system.inertia_rows(theta_rows, v_rows)
                recorder.save(next_mark, t_new, inertia, inertia - inertia0 - work, theta_rows,
                              v_rows, columns)
                next_mark += 1
                if not np.all(np.isfinite(inertia)):
                    divergence = Divergence("non-finite", k, t_new, "the inertia overflowed")
                    stop.lower(index, k - 1)
                    break
            bar.advance()
    return theta_rows, v_rows, next_mark, float(np.max(np.abs(correction))), divergence


def _run_reference(method, system, theta, v, t0, h, steps, save_every, keep_states, balance):
    from .._errors import SimulationDiverged

    d = system.dimension
    grid = t0 + h * np.arange(steps + 1)
    grid[-1] = t0 + h * steps
    try:
        thetas, vs = method.solve(system, theta[0], v[0], t0, grid)
    except SimulationDiverged as exc:
        nan = np.full((1, 1), np.nan)
        return {"times": np.array([t0]), "inertia": system.inertia_rows(theta.T, v.T)[None, :],
                "balance": None, "theta": None, "v": None, "quadrature_correction": math.nan,
                "final_theta": nan.reshape(1, 1).repeat(d, 1), "final_v": nan.repeat(d, 1),
                "divergence": Divergence("non-finite", 0, t0, str(exc))}
    theta_rows, v_rows = thetas.T, vs.T  # (d, n): each grid time is one "path" of the record
    inertia = system.inertia_rows(theta_rows, v_rows)
    rate = system.rate_rows(grid, theta_rows, v_rows) if not system.rate_is_zero \
        else np.zeros_like(grid)
    rate_dot = system.rate_dot_rows(grid, theta_rows, v_rows) if not system.rate_is_zero \
        else np.zeros_like(grid)
    pieces = 0.5 * h * (rate[:-1] + rate[1:]) + (h * h / 12) * (rate_dot[:-1] - rate_dot[1:])
    work = np.concatenate([[0.0], np.cumsum(pieces)])
    correction = np.cumsum((h * h / 12) * (rate_dot[:-1] - rate_dot[1:]))
    marks = np.array(_saved_steps(steps, save_every))
    return {
        "times": grid[marks], "inertia": inertia[marks, None],
        "balance": (inertia - inertia[0] - work)[marks, None] if balance else None,
        "theta": thetas[marks, None, :] if keep_states else None,
        "v": vs[marks, None, :] if keep_states else None,
        "quadrature_correction": float(np.max(np.abs(correction))) if correction.size else 0.0,
        "final_theta": thetas[-1:].copy(), "final_v": vs[-1:].copy(), "divergence": None,
    }
