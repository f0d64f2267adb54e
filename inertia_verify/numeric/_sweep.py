"""A Monte Carlo ensemble at every point of a parameter grid, with the prediction beside it.

:func:`sweep` runs :func:`~inertia_verify.numeric.simulate_ensemble` for every point of the
Cartesian product of a grid over the system's parameters (damping ``gamma``, noise ``sigma``, any
name of the loss), the step ``dt`` and the ``seed``, and returns a :class:`SweepTable`: one row per
point with the Monte Carlo :math:`E[I](t_{end})`, its standard error, the exact prediction where
the toolkit has one (quadratic loss, constant damping, additive noise: the moment ODE), and the
distance between them in standard errors.  The chunks of every point run on one pool (every core
of this machine, or a Dask cluster with ``client=``), so a grid of small ensembles keeps every
worker busy; each point is the same bits as its own single-process run.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._dynamics import Dynamics
from .._errors import InvalidArgument, require_extra
from .._validation import as_dynamics, as_positive_int
from ._grid import DEFAULT_CHUNK_PATHS
from ._montecarlo import _ensemble_job, _finish

__all__ = ["sweep", "SweepTable", "SWEEP_COLUMNS"]

#: Columns after the grid's own: what each point reports.
SWEEP_COLUMNS = ("steps", "dt_used", "paths", "status", "inertia_final_mean",
                 "inertia_final_stderr", "prediction_final", "z")


@dataclass(frozen=True)
class SweepTable:
    """One row per grid point (see :func:`sweep`).

    Attributes
    ----------
    grid : dict of str to tuple
        The values swept, in the order of the table's leading columns.
    rows : tuple of dict
        Each with the grid's keys and :data:`SWEEP_COLUMNS`: ``z`` is
        ``(mean - prediction) / stderr`` (``None`` without a prediction); the mean carries the
        scheme's bias :math:`O(dt^p)` (``p`` its weak order), which ``z`` does not remove.
    scheme : str
        The SDE scheme's name.
    weak_order : float
        Its declared weak order.
    t_end : float
        The final time.
    prediction_source : str
        Where the predicted :math:`E[I](t_{end})` came from.

    Examples
    --------
    >>> from inertia_verify import Dynamics, sweep
    >>> table = sweep(Dynamics.from_text("x**2/2", "x", damping="1", noise="sigma"), [0.0], [0.0],
    ...               t_end=1.0, paths=200, grid={"sigma": [0.5, 1.0]}, dt=0.1)
    >>> table.scheme, table.grid, [row["sigma"] for row in table.rows]
    ('euler-maruyama', {'sigma': (0.5, 1.0)}, [0.5, 1.0])
    """

    grid: dict
    rows: tuple
    scheme: str
    weak_order: float
    t_end: float
    prediction_source: str

    @property
    def columns(self) -> list[str]:
        return [*self.grid, *SWEEP_COLUMNS]

    def to_dict(self) -> dict:
        return {"columns": self.columns, "rows": [dict(r) for r in self.rows],
                "grid": {k: list(v) for k, v in self.grid.items()}, "scheme": self.scheme,
                "weak_order": self.weak_order, "t_end": self.t_end,
                "prediction_source": self.prediction_source}

    def to_csv(self) -> str:
        """The table as CSV text (empty cells where there is no value).

        Examples
        --------
        >>> from inertia_verify import Dynamics
        >>> dyn = Dynamics.from_text("x**2/2", "x", damping="g", noise="0.5")
        >>> table = sweep(dyn, [1.0], [0.0], t_end=0.5, dt=0.05, paths=200, grid={"g": [1, 2]},
        ...               workers=1)
        >>> print(table.to_csv().splitlines()[0])
        g,steps,dt_used,paths,status,inertia_final_mean,inertia_final_stderr,prediction_final,z
        """
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in self.columns})
        return out.getvalue()

    def to_xarray(self):
        """An ``xarray.Dataset`` with one dimension per grid key and the reported columns as
        variables (``status`` as text).

        Raises
        ------
        MissingExtra
            When xarray is not installed (the ``xarray`` extra).
        """
        xarray = require_extra("xarray", "xarray", argument="to_xarray", value="xarray")
        shape = tuple(len(v) for v in self.grid.values())
        data = {}
        for column in SWEEP_COLUMNS:
            values = [row[column] for row in self.rows]
            if column == "status":
                array = np.array(values, dtype=object)
            else:
                array = np.array([np.nan if x is None else x for x in values], dtype=float)
            data[column] = (tuple(self.grid), array.reshape(shape))
        return xarray.Dataset(data, coords={k: list(v) for k, v in self.grid.items()},
                              attrs={"scheme": self.scheme, "t_end": self.t_end,
                                     "prediction_source": self.prediction_source})

    def __str__(self) -> str:
        def shown(x):
            if x is None:
                return "—"
            return f"{x:.6g}" if isinstance(x, float) else str(x)
        head = [*self.grid, "E[I](t_end)", "± stderr", "prediction", "z", "status"]
        body = [[shown(r[k]) for k in self.grid]
                + [shown(r["inertia_final_mean"]), shown(r["inertia_final_stderr"]),
                   shown(r["prediction_final"]), shown(r["z"]), r["status"]]
                for r in self.rows]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
        lines = [f"sweep: {len(self.rows)} point(s), {self.scheme} (weak order "
                 f"{self.weak_order:g}), t_end = {self.t_end:g}; prediction: "
                 f"{self.prediction_source}; z = (mean - prediction)/stderr includes the "
                 f"scheme's O(dt^{self.weak_order:g}) bias",
                 "  ".join(h.rjust(w) for h, w in zip(head, widths))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths)) for b in body]
        return "\n".join(lines)


def _grid(grid: object, dynamics: Dynamics) -> dict[str, tuple]:
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidArgument("grid", grid, "must be a non-empty mapping from names to lists of "
                              "values", "e.g. grid={'gamma': [0.5, 1.0], 'dt': [0.01, 0.02]}")
    names = {p.name for p in dynamics.parameters}
    clean = {}
    for key, values in grid.items():
        key = str(key)
        if key not in names | {"dt", "seed"}:
            raise InvalidArgument("grid", key, "is neither a parameter of the system nor dt or "
                                  "seed", f"sweep over {', '.join(sorted(names | {'dt', 'seed'}))}")
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)) \
                or len(values) == 0:
            raise InvalidArgument("grid", {key: values}, "must be a non-empty list of values",
                                  f"e.g. {key}=[0.5, 1.0]")
        if key == "seed":
            clean[key] = tuple(as_positive_int(s, "grid", minimum=0) for s in values)
        else:
            numbers = []
            for x in values:
                if isinstance(x, bool) or not isinstance(x, (int, float, np.integer,
                                                              np.floating)) \
                        or not math.isfinite(float(x)):
                    raise InvalidArgument("grid", {key: list(values)}, "must be finite numbers")
                numbers.append(float(x))
            clean[key] = tuple(numbers)
    return clean


def sweep(dynamics: Dynamics, theta0, v0, *, t_end: float, paths: int,
          grid: Mapping[str, Sequence], dt: float | None = None,
          scheme: str = "euler-maruyama", seed: int = 0, values: Mapping | None = None,
          chunk_paths: int = DEFAULT_CHUNK_PATHS, workers: int | None = None, client=None,
          progress: bool | None = False, backend: str | None = None) -> SweepTable:
    """An ensemble of ``paths`` paths at every point of ``grid``; the table of their
    :math:`E[I](t_{end})` with the exact prediction where there is one.

    Parameters
    ----------
    dynamics : Dynamics
        Usually noisy, with parameters named in ``grid``.
    theta0, v0 : sequence of float
    t_end : float
    paths : int
        Paths per point.
    grid : mapping of str to sequence
        Values per name: any parameter of the system, ``"dt"`` (the step, by the one step rule
        of :func:`~inertia_verify.simulate`) and ``"seed"``.  Points are the Cartesian
        product, the first key varying slowest.
    dt : float, optional
        The step where ``grid`` has no ``"dt"``.
    scheme, seed, values, chunk_paths, workers, client, progress, backend
        As for :func:`~inertia_verify.numeric.simulate_ensemble` (``values``: the parameters not
        swept; ``seed`` where ``grid`` has no ``"seed"``).

    Returns
    -------
    SweepTable

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")
    >>> table = sweep(dyn, [1.0], [0.0], t_end=1.0, dt=0.01, paths=20000, scheme="baoab",
    ...               grid={"gamma": [0.5, 2.0], "sigma": [0.3]}, seed=2)
    >>> [round(r["gamma"], 1) for r in table.rows]
    [0.5, 2.0]
    >>> # BAOAB's O(dt²) bias is far below the standard error here: the exact E[I](1) lies
    >>> # within 4 standard errors (Euler–Maruyama's O(dt) bias would show at gamma = 0.5).
    >>> all(abs(r["z"]) < 4 for r in table.rows)
    True
    """
    from ._montecarlo import _run_local_many
    from ._parallel import resolve_workers

    as_dynamics(dynamics)
    grid = _grid(grid, dynamics)
    if "dt" not in grid and dt is None:
        raise InvalidArgument("dt", dt, "is needed when the grid does not sweep dt",
                              "give dt=0.01, or put 'dt' in the grid")
    chunk_paths = as_positive_int(chunk_paths, "chunk_paths")
    fixed = dict(values or {})
    points = [dict(zip(grid, combo)) for combo in itertools.product(*grid.values())]
    jobs = []
    for point in points:
        point_values = {**fixed, **{k: v for k, v in point.items() if k not in ("dt", "seed")}}
        jobs.append(_ensemble_job(dynamics, theta0, v0, t_end=t_end, dt=point.get("dt", dt),
                                  paths=paths, scheme=scheme, seed=point.get("seed", seed),
                                  values=point_values, records=1, backend=backend))
    if client is not None:
        from ._dask import run_jobs

        per_chunk = -(-chunk_paths // 8192)
        runs = [_finish(job, results, per_chunk) for job, results in
                zip(jobs, run_jobs(client, jobs, chunk_paths, progress=progress))]
    else:
        runs = _run_local_many(jobs, chunk_paths, resolve_workers(workers), progress)
    predictions, source = _predictions(dynamics, theta0, v0, t_end, jobs)
    rows = []
    for point, run, prediction in zip(points, runs, predictions):
        mean, se = float(run.mean["inertia"][-1]), float(run.stderr["inertia"][-1])
        ok = run.status == "ok" and math.isfinite(mean) and math.isfinite(se)
        z = None
        if ok and prediction is not None and se > 0:
            z = (mean - prediction) / se
        rows.append({**point, "steps": run.steps, "dt_used": run.dt, "paths": run.paths,
                     "status": run.status, "inertia_final_mean": mean if ok else None,
                     "inertia_final_stderr": se if ok else None,
                     "prediction_final": prediction, "z": z})
    first = runs[0]
    return SweepTable(grid, tuple(rows), first.scheme, first.weak_order, float(t_end), source)


def _predictions(dynamics, theta0, v0, t_end, jobs) -> tuple[list, str]:
    """Exact E[I](t_end) per point from the moment ODE, or ``None`` where there is none."""
    from ..symbolic._ito_moments import quadratic_moments

    try:
        moments = quadratic_moments(dynamics, theta0, v0)
    except InvalidArgument as exc:
        return [None] * len(jobs), f"none (no exact E[I](t) for this system: {exc.problem})"
    out = []
    for job in jobs:
        try:
            out.append(float(moments.expected_inertia([t_end], job.values)[0]))
        except (InvalidArgument, ValueError, np.linalg.LinAlgError):
            out.append(None)
    return out, "exact E[I](t_end) from the moment ODE"
