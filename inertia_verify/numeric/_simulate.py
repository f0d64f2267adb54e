"""The simulation driver: one scheme, an ensemble of paths, a bounded record, honest failure.

:func:`simulate` integrates :math:`\\ddot\\theta + \\Gamma(t)\\dot\\theta + M^{-1}\\nabla L = 0` for
every path at once with a fixed-step scheme (or one path with a reference solver), records the
inertia every ``save_every`` steps, accumulates the energy balance
:math:`I(t) - I(0) - \\int_0^t \\dot I\\,ds` along the simulated path, and reports divergence
(NaN/Inf, or a step size beyond the scheme's linear stability limit) instead of numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from ._compile import CompiledDynamics, compile_dynamics
from ._schemes import get_scheme
from ._stability import StabilityEstimate, estimate_stability

__all__ = ["simulate", "Simulation", "Divergence", "RECORD_BUDGET"]

#: Bytes the default record (inertia and balance per path and snapshot) may use: memory does not
#: grow with the number of steps unless ``save_every`` asks for it.
RECORD_BUDGET = 16 * 2**20
_MAX_DEFAULT_SNAPSHOTS = 1001


@dataclass(frozen=True)
class Divergence:
    """Where and why a simulation stopped being a solution.

    Attributes
    ----------
    reason : {"non-finite", "unstable step"}
        NaN/Inf/overflow in the state, or a step size beyond the linear stability limit
        (detected before the first step, ``step = 0``).
    step : int
        The step after which the state was first non-finite (``0`` for an unstable step size).
    time : float
    detail : str
    """

    reason: str
    step: int
    time: float
    detail: str

    def to_dict(self) -> dict:
        return {"reason": self.reason, "step": self.step, "time": self.time, "detail": self.detail}

    def __str__(self) -> str:
        return f"diverged ({self.reason}) at step {self.step}, t = {self.time:g}: {self.detail}"


@dataclass(frozen=True)
class Simulation:
    """The record of one :func:`simulate` run.

    Attributes
    ----------
    scheme : str
    order : int or None
        The scheme's declared global order.
    dt : float
        The step actually used (``(t_end - t0) / steps``).
    steps, paths, save_every : int
    t0, t_end : float
    times : ndarray, shape (n,)
        Saved times (the initial time, every ``save_every``-th step and the last step).
    inertia : ndarray, shape (n, paths)
    balance : ndarray, shape (n, paths) or None
        :math:`I(t) - I(t_0) - \\int_{t_0}^t \\dot I\\,ds` along the simulated path, the rate
        integrated with the end-corrected trapezoid rule (error :math:`O(h^4)`).
    quadrature_correction : float
        The largest accumulated end correction: an upper estimate of the error plain trapezoid
        quadrature would have made, far above that of the corrected rule.
    theta, v : ndarray, shape (n, paths, d), or None
        Saved states (only with ``keep_states=True``).
    final_theta, final_v : ndarray, shape (paths, d)
    initial_theta, initial_v : ndarray, shape (paths, d)
    divergence : Divergence or None
    stability : StabilityEstimate or None
    compiled : CompiledDynamics
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
            "dt": self.dt, "t0": self.t0, "t_end": self.t_end, "save_every": self.save_every,
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
                 f"{self.steps} steps of dt = {self.dt:g} from t = {self.t0:g} to {self.t_end:g}"]
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


def _number(value, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidArgument(argument, value, "must be a real number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidArgument(argument, value, "must be finite")
    return number


def _initial(value, argument: str, d: int, paths: int) -> np.ndarray:
    try:
        # no copy of a caller's float array: the working state is a separate (d, paths) copy
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "is not a list of numbers",
                              f"give {d} number(s), one per coordinate") from exc
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim == 1:
        if array.shape[0] != d:
            raise InvalidArgument(argument, value, f"has {array.shape[0]} entries but the system "
                                  f"has {d} coordinate(s)", f"give {d} number(s)")
        array = np.broadcast_to(array, (paths, d))
    if array.shape != (paths, d):
        raise InvalidArgument(argument, getattr(value, "shape", value),
                              f"must have shape ({d},) or (paths, d) = ({paths}, {d})")
    if not np.all(np.isfinite(array)):
        raise InvalidArgument(argument, value, "contains NaN or Inf", "give finite numbers")
    return array


def _spread(spread) -> tuple[float, float] | None:
    if spread is None:
        return None
    if isinstance(spread, (int, float, np.floating)) and not isinstance(spread, bool):
        pair = (float(spread), float(spread))
    elif isinstance(spread, (tuple, list)) and len(spread) == 2:
        pair = (_number(spread[0], "spread"), _number(spread[1], "spread"))
    else:
        raise InvalidArgument("spread", spread, "must be a number or a pair (theta, v)",
                              "e.g. spread=0.1 or spread=(0.1, 0.0)")
    if not all(math.isfinite(s) and s >= 0 for s in pair):
        raise InvalidArgument("spread", spread, "must be finite and non-negative")
    return pair


def simulate(dynamics: Dynamics | CompiledDynamics, theta0, v0, t_end: float, dt: float, *,
             scheme: str = "verlet", paths: int = 1, values=None, save_every: int | None = None,
             spread=None, seed: int | None = None, t0: float = 0.0, keep_states: bool = False,
             energy_balance: bool = True, check_stability: bool = True) -> Simulation:
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
        is ``(t_end - t0) / steps`` (reported as ``Simulation.dt``).
    scheme : str
        ``euler``, ``rk4``, ``symplectic-euler``, ``verlet`` (default), ``conformal-verlet``, or
        the single-path references ``dop853`` and ``mpmath``.
    paths : int
        Ensemble size.
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

    Returns
    -------
    Simulation

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
    if isinstance(paths, bool) or not isinstance(paths, (int, np.integer)) or paths < 1:
        raise InvalidArgument("paths", paths, "must be a positive integer", "e.g. paths=1000")
    paths = int(paths)
    t0 = _number(t0, "t0")
    t_end = _number(t_end, "t_end")
    dt = _number(dt, "dt")
    if dt <= 0:
        raise InvalidArgument("dt", dt, "must be positive", "e.g. dt=0.01")
    if t_end <= t0:
        raise InvalidArgument("t_end", t_end, f"must be after t0 = {t0:g}", "give a later final time")
    steps = max(1, math.ceil((t_end - t0) / dt - 1e-9))
    h = (t_end - t0) / steps
    reference = getattr(method, "reference", False)
    if reference and paths > 1:
        raise InvalidArgument("paths", paths, f"the reference solver {method.name!r} integrates "
                              "one trajectory", "use paths=1, or a fixed-step scheme such as verlet")
    if save_every is not None and (isinstance(save_every, bool) or not isinstance(
            save_every, (int, np.integer)) or save_every < 1):
        raise InvalidArgument("save_every", save_every, "must be a positive integer")
    pair = _spread(spread)
    theta = _initial(theta0, "theta0", d, paths)
    v = _initial(v0, "v0", d, paths)
    nominal_theta = theta[0].copy()
    if pair is not None:
        rng = np.random.default_rng(seed)
        theta = theta + pair[0] * rng.standard_normal((paths, d))
        v = v + pair[1] * rng.standard_normal((paths, d))
    if save_every is None:
        per_snapshot = 8 * paths * (2 + (2 * d if keep_states else 0))
        snapshots = max(2, min(_MAX_DEFAULT_SNAPSHOTS, RECORD_BUDGET // per_snapshot))
        save_every = max(1, math.ceil(steps / (snapshots - 1)))
    save_every = int(save_every)
    stability = estimate_stability(method, system, nominal_theta, h, steps, t0) \
        if check_stability and not reference else None

    if reference:
        record = _run_reference(method, system, theta, v, t0, h, steps, save_every,
                                keep_states, energy_balance)
    else:
        record = _run_fixed_step(method, system, theta, v, t0, h, steps, save_every,
                                 keep_states, energy_balance)
    divergence = record.pop("divergence")
    if divergence is None and stability is not None and stability.beyond_limit:
        divergence = Divergence("unstable step", 0, t0,
                                f"step {h:g} is beyond the {method.name} stability limit: "
                                + stability.note)
    return Simulation(scheme=method.name, order=method.order, dt=h, steps=steps, paths=paths,
                      save_every=save_every, t0=t0, t_end=t_end, divergence=divergence,
                      stability=stability, compiled=system, seed=seed, spread=pair,
                      initial_theta=theta, initial_v=v, **record)


class _Recorder:
    """Saved times, inertia, balance (and states) at the chosen steps."""

    def __init__(self, n: int, paths: int, d: int, keep_states: bool, balance: bool) -> None:
        self.times = np.empty(n)
        self.inertia = np.empty((n, paths))
        self.balance = np.empty((n, paths)) if balance else None
        self.theta = np.empty((n, paths, d)) if keep_states else None
        self.v = np.empty((n, paths, d)) if keep_states else None
        self.count = 0

    def save(self, t, inertia, balance, theta_rows, v_rows) -> None:
        k = self.count
        self.times[k] = t
        self.inertia[k] = inertia
        if self.balance is not None:
            self.balance[k] = balance
        if self.theta is not None:
            self.theta[k] = theta_rows.T
            self.v[k] = v_rows.T
        self.count += 1

    def result(self) -> dict:
        k = self.count
        cut = (lambda a: None if a is None else a[:k])
        return {"times": self.times[:k], "inertia": self.inertia[:k],
                "balance": cut(self.balance), "theta": cut(self.theta), "v": cut(self.v)}


def _saved_steps(steps: int, save_every: int) -> list[int]:
    marks = list(range(0, steps + 1, save_every))
    if marks[-1] != steps:
        marks.append(steps)
    return marks


def _run_fixed_step(method, system, theta, v, t0, h, steps, save_every, keep_states, balance):
    paths, d = theta.shape
    # (d, paths) layout: each coordinate is one contiguous array for the generated code.
    theta_rows = np.array(theta.T, order="C")
    v_rows = np.array(v.T, order="C")
    marks = _saved_steps(steps, save_every)
    recorder = _Recorder(len(marks), paths, d, keep_states, balance)
    track = balance and not system.rate_is_zero
    inertia0 = system.inertia_rows(theta_rows, v_rows)
    work = np.zeros(paths)
    correction = np.zeros(paths)
    if track:
        rate = system.rate_rows(t0, theta_rows, v_rows)
        rate_dot = system.rate_dot_rows(t0, theta_rows, v_rows)
    recorder.save(t0, inertia0, np.zeros(paths), theta_rows, v_rows)
    step = method.stepper(system, h)
    next_mark = 1
    divergence = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            t = t0 + (k - 1) * h
            step(t, theta_rows, v_rows)
            t_new = t0 + k * h
            # NaN and Inf propagate into a sum; a sum that overflows means the state is huge.
            if not math.isfinite(float(theta_rows.sum()) + float(v_rows.sum())):
                bad = ~(np.isfinite(theta_rows).all(axis=0) & np.isfinite(v_rows).all(axis=0))
                kind = "NaN/Inf" if bad.any() else "overflow of the state sum"
                divergence = Divergence("non-finite", k, t_new,
                                        f"{kind} in {int(bad.sum())} of {paths} path(s)")
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
                recorder.save(t_new, inertia, inertia - inertia0 - work, theta_rows, v_rows)
                if not np.all(np.isfinite(inertia)):
                    divergence = Divergence("non-finite", k, t_new, "the inertia overflowed")
                    break
                next_mark += 1
    record = recorder.result()
    if not balance:
        record["balance"] = None
    record["quadrature_correction"] = float(np.max(np.abs(correction)))
    # views of the (d, paths) working arrays: no copy of the ensemble at the end
    record["final_theta"] = theta_rows.T
    record["final_v"] = v_rows.T
    record["divergence"] = divergence
    return record


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
