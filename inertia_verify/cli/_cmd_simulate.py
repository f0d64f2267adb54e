"""``inertia-verify simulate``: integrate an ensemble and cross-check it against the symbolic
predictions (energy balance; closed form for quadratic losses)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

import numpy as np

from .._errors import InvalidArgument, warn
from .._expressions import parse_vector
from ._common import (SIMULATE_FLAGS, add_json, add_noise, add_scale_options, add_system,
                      noisy_system_from_args, number, optional_dask, positive_int,
                      simulate_contract, values_from_text, workers_from_args)
from ..schemes import FIXED_STEP, REFERENCES, SDE_SCHEMES, get_sde_scheme

ORDER = 30

#: How the step rule's arguments read on this command line.
STEP_NAMES = ("--t-end", "--dt", "--t0")


def steps_from_args(args: argparse.Namespace) -> tuple[int, float, float, float]:
    """``(steps, dt used, t_end, t0)`` by the one step rule (:func:`step_count`), with a warning
    when ``--dt`` does not divide ``--t-end - --t0``."""
    from ..numeric._grid import step_count

    t_end, dt, t0 = number(args.t_end, "--t-end"), number(args.dt, "--dt"), number(args.t0, "--t0")
    try:
        steps, used = step_count(t_end, dt, t0, names=STEP_NAMES)
    except InvalidArgument as exc:  # show the value as it was typed
        typed = {"--t-end": args.t_end, "--dt": args.dt, "--t0": args.t0}
        raise InvalidArgument(exc.argument, typed.get(exc.argument, exc.value), exc.problem,
                              exc.fix) from exc
    if used != dt:
        warn(f"--dt {args.dt} does not divide --t-end - --t0 = {t_end - t0:g}: {steps} steps of "
             f"dt = {used:.12g} are used (the step is never made larger than asked)")
    return steps, used, t_end, t0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate", help="simulate an ensemble and cross-check I(t) against the predictions",
        description="Integrate θ'' + Γθ' + M⁻¹∇L = 0 for PATHS paths with a fixed-step scheme "
                    "(or one path with the dop853/mpmath references), at dt, 2dt and 4dt, and "
                    "check the energy balance I(t) - I(0) = ∫ dI/dt (and, for quadratic losses "
                    "with constant damping, the closed form) with tolerances from the scheme's "
                    "order. Exit status 0 when the checks agree, 1 otherwise (disagrees, "
                    "inconclusive, diverged), 2 for bad input.  Steps: ceil((T_END - T0)/DT) "
                    "steps, so the step used is DT when DT divides the interval and otherwise "
                    "the next smaller one, reported (warning, 'dt' and 'dt_requested' in the "
                    "JSON); the cross-check needs at least 4 steps.  Ensembles larger than "
                    "memory are refused up front.  With --noise: PATHS paths of the "
                    "SDE with euler-maruyama or baoab, reporting the Monte Carlo mean of I(t_end) "
                    "± its standard error and the exact E[I](t_end) when the toolkit has one "
                    "(exit status 1 only if the ensemble diverged).",
    )
    add_system(parser)
    add_noise(parser)
    parser.add_argument("--values", metavar="NAME=NUMBER,...", default=None,
                        help="values of the parameters, e.g. gamma=0.1,a=2")
    parser.add_argument("--theta0", required=True, metavar="NUMBERS", help="initial θ, e.g. 1,0")
    parser.add_argument("--v0", required=True, metavar="NUMBERS", help="initial velocity, e.g. 0,0")
    parser.add_argument("--t-end", required=True, metavar="T", help="final time")
    parser.add_argument("--t0", default="0", metavar="T0",
                        help="initial time (default 0; use t0 > 0 for damping such as 3/t)")
    parser.add_argument("--dt", required=True, metavar="H",
                        help="step size; when it does not divide T_END - T0 the step used is "
                             "(T_END - T0)/ceil((T_END - T0)/H), reported")
    parser.add_argument("--scheme", default=None, metavar="NAME",
                        help=f"{', '.join(FIXED_STEP)} (default verlet), or the references "
                             f"{', '.join(REFERENCES)} (one path only); with --noise: "
                             f"{', '.join(SDE_SCHEMES)} (default euler-maruyama; baoab: Langevin "
                             "splitting, exact O step, weak order 2; constant damping and "
                             "additive noise)")
    parser.add_argument("--paths", default="1", metavar="N", help="ensemble size (default 1)")
    parser.add_argument("--spread", default=None, metavar="S|S_THETA,S_V",
                        help="random initial conditions: every path starts at theta0 + S_THETA·N(0,1), "
                             "v0 + S_V·N(0,1) (one number sets both); default: all paths equal")
    parser.add_argument("--seed", default=None, metavar="S",
                        help="seed of the random spread, or of the noise (default 0)")
    parser.add_argument("--stationary", action="store_true",
                        help="with --noise: prediction_final is the Gibbs stationary E[I] "
                             "(constant scalar damping, noise sigma) instead of E[I](t_end)")
    parser.add_argument("--chunk", default=None, metavar="N",
                        help="with --noise: paths integrated at once (bounds memory; results do "
                             "not depend on it)")
    parser.add_argument("--order", default=None, metavar="P",
                        help="the convergence order the cross-check expects of the energy error "
                             "(default: the scheme's declared order); state it when the leading "
                             "error term is known to vanish, e.g. --order 5 for rk4 on an "
                             "undamped quadratic loss")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar on stderr (shown for long runs on a terminal)")
    parser.add_argument("--save-every", default=None, metavar="K",
                        help="record every K-th step (default: a bounded number of snapshots)")
    add_scale_options(parser)
    add_json(parser)
    parser.set_defaults(handler=run)


#: Coarser runs of the cross-check (at 2dt and 4dt).
REFINEMENTS = 2


def run(args: argparse.Namespace):
    from ..crosschecks import crosscheck
    from .._progress import progress_default
    from ..numeric._jax_backend import backend_default
    from ..numeric._parallel import workers_default
    from ..numeric._simulate import check_memory

    try:
        dynamics = noisy_system_from_args(args)
        if dynamics.is_noisy:
            return _run_stochastic(args, dynamics)
        if args.scheme is None:
            args.scheme = "verlet"
        d = dynamics.dimension
        theta0 = parse_vector(args.theta0, argument="--theta0", length=d)
        v0 = parse_vector(args.v0, argument="--v0", length=d)
        steps, _, t_end, t0 = steps_from_args(args)
        dt = number(args.dt, "--dt")
        if steps < 2**REFINEMENTS:
            # The runs at 2dt and 4dt would have the same single step: no order to fit.
            raise InvalidArgument(
                "--dt", args.dt, f"gives {steps} step(s) over [{t0:g}, {t_end:g}]; the cross-check "
                f"also runs at 2dt and 4dt and needs at least {2**REFINEMENTS} steps",
                f"use --dt {(t_end - t0) / 2**REFINEMENTS:g} or smaller")
        paths = positive_int(args.paths, "--paths")
        seed = None if args.seed is None else int(number(args.seed, "--seed"))
        spread = None
        if args.spread is not None:
            spread = parse_vector(args.spread, argument="--spread")
            if len(spread) not in (1, 2):
                raise InvalidArgument("--spread", args.spread, "must be one or two numbers",
                                      "e.g. --spread 0.1 or --spread 0.1,0")
            spread = spread[0] if len(spread) == 1 else tuple(spread)
        order = None if args.order is None else number(args.order, "--order")
        if order is not None and not order > 0:
            raise InvalidArgument("--order", args.order, "must be a positive number",
                                  "e.g. --order 5")
        save_every = None if args.save_every is None else positive_int(args.save_every,
                                                                        "--save-every")
        # The cross-check holds its runs at dt, 2dt and 4dt at once: refuse up front what
        # cannot fit, before the first of them is integrated.
        check_memory(paths, d, steps, save_every=save_every, spread=spread is not None,
                     runs=REFINEMENTS + 1, argument="--paths")
        workers = workers_from_args(args)
        if args.dask is not None:
            raise InvalidArgument("--dask", args.dask, "runs noisy ensembles (with --noise) and "
                                  "sweeps", "without --noise use --workers N on this machine")
        with progress_default(False if args.quiet or args.json else None), \
                workers_default(workers), backend_default(args.backend):
            report = crosscheck(dynamics, theta0, v0, t_end, dt, scheme=args.scheme,
                                paths=paths, values=values_from_text(args.values), spread=spread,
                                seed=seed, t0=t0, save_every=save_every, refinements=REFINEMENTS,
                                order=order)
    except InvalidArgument as exc:
        raise exc.renamed(SIMULATE_FLAGS) from exc
    payload = simulate_contract(report.to_dict())
    return payload, str(report), 0 if report.verdict == "agrees" else 1


def _run_stochastic(args: argparse.Namespace, dynamics):
    """The --noise branch: a Monte Carlo ensemble of the SDE (see numeric/_montecarlo.py)."""
    from ..numeric._grid import DEFAULT_CHUNK_PATHS

    scheme = get_sde_scheme(args.scheme or "euler-maruyama", "--scheme").name
    d = dynamics.dimension
    theta0 = parse_vector(args.theta0, argument="--theta0", length=d)
    v0 = parse_vector(args.v0, argument="--v0", length=d)
    if number(args.t0, "--t0") != 0:
        raise InvalidArgument("--t0", args.t0, "must be 0 with --noise",
                              "noisy runs start at t = 0")
    steps, dt, t_end, _ = steps_from_args(args)
    if args.spread is not None:
        raise InvalidArgument("--spread", args.spread, "is not used with --noise",
                              "noisy paths start at the same point; the noise spreads them")
    paths = positive_int(args.paths, "--paths")
    if paths < 2:
        raise InvalidArgument("--paths", args.paths, "must be at least 2 with --noise",
                              "a standard error needs several paths, e.g. --paths 10000")
    seed = 0 if args.seed is None else number(args.seed, "--seed")
    if seed != int(seed) or seed < 0:
        raise InvalidArgument("--seed", args.seed, "must be a non-negative integer")
    chunk = DEFAULT_CHUNK_PATHS if args.chunk is None else positive_int(args.chunk, "--chunk")
    quiet = args.quiet or args.json
    workers = workers_from_args(args)
    values = values_from_text(args.values)
    with optional_dask(args.dask) as client:
        payload = _stochastic_payload(
            dynamics, theta0, v0, t_end=t_end, dt=dt, paths=paths, scheme=scheme,
            seed=int(seed), values=values, stationary=args.stationary,
            chunk_paths=chunk, progress=False if quiet else None, workers=workers,
            client=client, backend=args.backend)
    payload["dt_requested"] = number(args.dt, "--dt")
    mean, se, pred = (payload["inertia_final_mean"], payload["inertia_final_stderr"],
                      payload["prediction_final"])
    lines = [f"{paths} paths, {scheme}, dt = {dt:g}, {steps} steps, seed {int(seed)}: "
             f"{payload['status']}",
             f"E[I](t_end = {t_end:g}) Monte Carlo: {mean} ± {se}"]
    if pred is not None:
        lines.append(f"prediction_final: {pred:.10g} ({payload['prediction_source']}); the Monte "
                     f"Carlo mean also carries the scheme's bias {payload['bias_order']}")
    else:
        lines.append(f"prediction_final: none ({payload['prediction_source']})")
    return simulate_contract(payload), "\n".join(lines), 0 if payload["status"] == "ok" else 1


def _stochastic_payload(dynamics, theta0, v0, *, t_end: float, dt: float, paths: int,
                        scheme: str, seed: int, values: Mapping | None, stationary: bool,
                        chunk_paths: int, progress: bool | None, workers: int | None, client,
                        backend: str | None) -> dict:
    """What ``inertia-verify simulate --noise ... --paths N`` reports: ``inertia_final_mean``,
    ``inertia_final_stderr`` and ``prediction_final`` (exact :math:`E[I](t_{end})` for a
    quadratic loss, the Gibbs value with ``stationary=True``, else ``None``)."""
    from ..crosschecks._montecarlo import gibbs_expected_inertia
    from ..numeric._montecarlo import simulate_ensemble

    run = simulate_ensemble(dynamics, theta0, v0, t_end=t_end, dt=dt, paths=paths,
                            scheme=scheme, seed=seed, values=values, records=10,
                            chunk_paths=chunk_paths, progress=progress, workers=workers,
                            client=client, backend=backend)
    prediction, source = None, None
    if stationary:
        prediction, method = gibbs_expected_inertia(dynamics, values)
        source = f"Gibbs stationary E[I] ({method})"
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
