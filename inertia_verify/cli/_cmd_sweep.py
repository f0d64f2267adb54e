"""``inertia-verify sweep``: a Monte Carlo ensemble at every point of a parameter grid, beside
the exact prediction where there is one (the table comes from
:func:`~inertia_verify.numeric._sweep.sweep`; this module only parses and prints)."""

from __future__ import annotations

import argparse

from .._errors import InvalidArgument
from .._expressions import parse_names, parse_vector
from ..schemes import SDE_SCHEMES
from ._common import (SIMULATE_FLAGS, add_json, add_noise, add_scale_options, add_system,
                      noisy_system_from_args, number, optional_dask, positive_int,
                      values_from_text, workers_from_args)

ORDER = 31


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sweep", help="Monte Carlo E[I](t_end) over a grid of parameters, dt and seeds",
        description="Run an ensemble of PATHS paths of the noisy system for every point of the "
                    "grid (the Cartesian product of the --grid options: parameters of the system, "
                    "dt, seed) and print one row per point: the Monte Carlo E[I](t_end) ± its "
                    "standard error, the exact E[I](t_end) where the toolkit has one (quadratic "
                    "loss, constant damping, additive noise), and z = (mean - prediction)/stderr, "
                    "which includes the scheme's O(dt^p) bias.  Chunks of every point run on "
                    "every core (--workers) or on a Dask cluster (--dask); each point is the same "
                    "bits as its own single-process run.  JSON 'verdict': estimated (every point "
                    "ran) or diverged (some point's run blew up: its row has status 'diverged' "
                    "and no mean); --strict fails on diverged.",
    )
    add_system(parser)
    add_noise(parser)
    parser.add_argument("--values", metavar="NAME=NUMBER,...", default=None,
                        help="values of the parameters not swept, e.g. sigma=0.3")
    parser.add_argument("--grid", action="append", required=True, metavar="NAME=V1,V2,...",
                        help="values of one swept name (a parameter, dt or seed); repeat for "
                             "each name, e.g. --grid gamma=0.5,1,2 --grid dt=0.01,0.005")
    parser.add_argument("--theta0", required=True, metavar="NUMBERS", help="initial θ")
    parser.add_argument("--v0", required=True, metavar="NUMBERS", help="initial velocity")
    parser.add_argument("--t-end", required=True, metavar="T", help="final time")
    parser.add_argument("--dt", default=None, metavar="H",
                        help="step size (unless the grid sweeps dt)")
    parser.add_argument("--paths", required=True, metavar="N", help="paths per point")
    parser.add_argument("--scheme", default="euler-maruyama", metavar="NAME",
                        help=f"{', '.join(SDE_SCHEMES)} (default euler-maruyama)")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of every point (unless the grid sweeps seed; default 0)")
    parser.add_argument("--chunk", default=None, metavar="N",
                        help="paths per chunk, the unit of work of a worker or a Dask task "
                             "(default 262144; results do not depend on it)")
    parser.add_argument("--csv", default=None, metavar="FILE",
                        help="also write the table as CSV to FILE")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    add_scale_options(parser)
    add_json(parser)
    parser.set_defaults(handler=run)


def grid_from_text(items: list[str]) -> dict[str, list]:
    """``["gamma=0.5,1", "seed=0,1"]`` → ``{"gamma": [0.5, 1.0], "seed": [0, 1]}`` (names and
    numbers through the restricted parser)."""
    grid: dict[str, list] = {}
    for item in items:
        if "=" not in item:
            raise InvalidArgument("--grid", item, "is not NAME=V1,V2,...",
                                  "write e.g. --grid gamma=0.5,1,2")
        name, text = item.split("=", 1)
        (name,) = parse_names(name, argument="--grid")
        if name in grid:
            raise InvalidArgument("--grid", item, f"{name} is swept twice",
                                  "give all its values in one --grid option")
        numbers = parse_vector(text, argument="--grid")
        if name == "seed":
            if any(x != int(x) or x < 0 for x in numbers):
                raise InvalidArgument("--grid", item, "seeds must be non-negative integers")
            grid[name] = [int(x) for x in numbers]
        else:
            grid[name] = list(numbers)
    return grid


def run(args: argparse.Namespace):
    from ..numeric._grid import DEFAULT_CHUNK_PATHS
    from ..numeric._sweep import sweep

    try:
        dynamics = noisy_system_from_args(args)
        d = dynamics.dimension
        theta0 = parse_vector(args.theta0, argument="--theta0", length=d)
        v0 = parse_vector(args.v0, argument="--v0", length=d)
        grid = grid_from_text(args.grid)
        t_end = number(args.t_end, "--t-end")
        dt = None if args.dt is None else number(args.dt, "--dt")
        paths = positive_int(args.paths, "--paths")
        seed = number(args.seed, "--seed")
        if seed != int(seed) or seed < 0:
            raise InvalidArgument("--seed", args.seed, "must be a non-negative integer")
        chunk = DEFAULT_CHUNK_PATHS if args.chunk is None else positive_int(args.chunk,
                                                                             "--chunk")
        workers = workers_from_args(args)
        with optional_dask(args.dask) as client:
            table = sweep(dynamics, theta0, v0, t_end=t_end, paths=paths, grid=grid, dt=dt,
                          scheme=args.scheme, seed=int(seed),
                          values=values_from_text(args.values), chunk_paths=chunk,
                          workers=workers, client=client, backend=args.backend,
                          progress=False if args.quiet or args.json else None)
    except InvalidArgument as exc:
        raise exc.renamed({**SIMULATE_FLAGS, "grid": "--grid"}) from exc
    if args.csv is not None:
        try:
            with open(args.csv, "w", encoding="utf-8") as out:
                out.write(table.to_csv())
        except OSError as exc:
            raise InvalidArgument("--csv", args.csv, f"cannot be written ({exc.strerror})",
                                  "give a writable path") from exc
    verdict = "estimated" if all(r["status"] == "ok" for r in table.rows) else "diverged"
    return {"verdict": verdict, **table.to_dict()}, str(table), int(verdict == "diverged")
