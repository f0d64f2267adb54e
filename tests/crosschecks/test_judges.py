"""Every judge against deliberately broken evidence: none of them may say "agrees" (or "bounded")
when the runs it is shown are internally inconsistent.

The judges: the deterministic order test (``judge_convergence``, ``crosscheck``), the Monte Carlo
z-test (``_judge`` behind ``crosscheck_expected_inertia``, ``crosscheck_stationary`` and
``crosscheck_ito_drift``), the weak-order fit, the energy-drift sweep and the order fit they share.  Each broken case is one
of the patterns of issue 10 §4: different draws between runs, a slope far above the declared
order, a tolerance that would follow the very errors it judges, too few points, NaN standard
errors, zero-variance estimates, a z-score against a standard error of 0, an energy error that
grows from an exactly conserved start.
"""

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.cli import main
from inertia_verify.crosschecks import _convergence as crosscheck_module
from inertia_verify.crosschecks import (DEFAULT_SEED, MIN_PATHS, ORDER_BAND, crosscheck,
                                       crosscheck_ito_drift, energy_drift, fit_order,
                                       judge_convergence)
from inertia_verify.crosschecks._energy_drift import MIN_STEPS, ROUNDOFF_KAPPA, _run
from inertia_verify.crosschecks._montecarlo import _judge, _pair, _weak_order_from_errors
from inertia_verify.numeric import Ensemble
from inertia_verify.symbolic import quadratic_moments

STEPS = [0.04, 0.02, 0.01]  # coarsest first, as crosscheck produces them
FLOOR = 1e-14


# -- the deterministic order test ------------------------------------------------------------------
def test_the_observed_failure_is_not_agreement():
    """The errors of issue 10 §4 (h = 0.01, 0.02, 0.04): observed order 7.4 for a declared 2."""
    judged = judge_convergence([0.01, 0.02, 0.04], [2.9e-5, 0.78, 0.87], 2, FLOOR, "closed form")
    assert judged.verdict == "inconclusive", str(judged)
    assert judged.observed_order == pytest.approx(7.4, abs=0.05)
    assert "faster than the declared" in judged.reason
    # the local orders show the inconsistency: 14.7 between the finest pair, 0.16 above it
    assert judged.local_orders[0] == pytest.approx(14.7, abs=0.1)
    assert judged.local_orders[1] == pytest.approx(0.16, abs=0.01)
    payload = judged.to_dict()
    assert payload["verdict"] == "inconclusive" and payload["reason"] == judged.reason
    json.dumps(payload, allow_nan=False)


@pytest.mark.parametrize("errors, why", [
    # a clean power law, but of order 4 where 2 is declared: the upper side of the band matters
    ([1.6e-3, 1e-4, 6.25e-6], "faster than the declared"),
    # a clean power law of order 1 where 2 is declared
    ([4e-3, 2e-3, 1e-3], "below the declared"),
    # fitted slope 2 from local orders 3 and 1: the fit alone would agree
    ([1.6e-3, 2e-4, 1e-4], "local orders"),
    # constant errors, then a sudden drop to the floor: not one converging sequence
    ([1e-3, 1e-3, 1e-17], "falls from"),
    # an error that rises above the floor when the step is refined
    ([1e-17, 1e-17, 1e-3], "rises above"),
    # one run above the floor and the others diverged: no order can be read
    ([None, None, 1e-3], "too few runs"),
])
def test_inconsistent_errors_are_not_agreement(errors, why):
    judged = judge_convergence(STEPS, errors, 2, FLOOR, "x")
    assert judged.verdict == "inconclusive", str(judged)
    assert why in judged.reason


def test_the_tolerance_does_not_decide_alone():
    """The old rule (τ = 2·e(4h)·(h/4h)^p, agree if e(h) ≤ τ and slope ≥ p − 1/2) agreed here:
    every error but the finest is far above what order 2 predicts from the finest."""
    judged = judge_convergence(STEPS, [0.5, 0.4, 1e-4], 2, FLOOR, "x")
    assert judged.error <= 2 * 0.5 * (0.01 / 0.04) ** 2  # inside the old tolerance
    assert judged.verdict == "inconclusive"


def test_consistent_convergence_and_the_floor_still_agree():
    assert judge_convergence(STEPS, [1.6e-3, 4e-4, 1e-4], 2, FLOOR, "x").verdict == "agrees"
    # a drop to the floor at no more than the declared order + 1/2 is consistent
    to_floor = judge_convergence(STEPS, [1.6e-13, 4e-14, 1e-15], 2, FLOOR, "x")
    assert to_floor.verdict == "agrees", str(to_floor)
    assert judge_convergence(STEPS, [1e-15, 2e-15, 1e-15], 2, FLOOR, "x").verdict == "agrees"


def test_no_declared_order_agrees_only_at_the_floor():
    assert judge_convergence(STEPS, [1.6e-3, 4e-4, 1e-4], None, FLOOR, "x").verdict \
        == "inconclusive"
    assert judge_convergence(STEPS, [1e-3, 1e-3, 1e-15], None, FLOOR, "x").verdict \
        == "inconclusive"
    assert judge_convergence(STEPS, [1e-16, 1e-15, 1e-15], None, FLOOR, "x").verdict == "agrees"


def test_non_finite_errors_are_diverged_runs():
    assert judge_convergence(STEPS, [1e-3, 1e-3, math.nan], 2, FLOOR, "x").verdict == "diverged"
    judged = judge_convergence(STEPS, [math.inf, 4e-4, 1e-4], 2, FLOOR, "x")
    assert judged.verdict == "agrees" and "diverged and are left out" in judged.reason


@pytest.mark.parametrize("kwargs, argument", [
    ({"errors": [1e-3, -1e-4, 1e-5]}, "errors"),
    ({"errors": [1e-3, 1e-4]}, "errors"),
    ({"dts": [0.02, 0.02, 0.01]}, "dts"),
    ({"dts": [0.04, 0.0, 0.01]}, "dts"),
    ({"floor": math.nan}, "floor"),
    ({"order": 0}, "order"),
])
def test_judge_convergence_refuses_malformed_evidence(kwargs, argument):
    base = {"dts": STEPS, "errors": [1.6e-3, 4e-4, 1e-4], "order": 2, "floor": FLOOR,
            "quantity": "x"}
    with pytest.raises(InvalidArgument) as info:
        judge_convergence(**{**base, **kwargs})
    assert info.value.argument == argument


@given(order=st.sampled_from([1, 2, 4]), observed=st.floats(0.6, 9.0),
       scale=st.floats(1e-8, 1e2), ratio=st.sampled_from([2.0, 3.0]))
def test_a_power_law_agrees_exactly_when_its_order_is_in_the_band(order, observed, scale, ratio):
    steps = [0.01, 0.01 * ratio, 0.01 * ratio**2]
    errors = [scale * (h / steps[0]) ** observed for h in steps]
    judged = judge_convergence(steps, errors, order, FLOOR, "x")
    inside = abs(observed - order) <= ORDER_BAND - 1e-9
    outside = abs(observed - order) > ORDER_BAND + 1e-9
    if inside:
        assert judged.verdict == "agrees", str(judged)
    if outside:
        assert judged.verdict != "agrees", str(judged)


# -- crosscheck: one experiment, one draw, a reported seed -----------------------------------------
DAMPED = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="0.2")


def test_two_identical_calls_without_a_seed_give_identical_results():
    first = crosscheck(DAMPED, [1, 0], [0, 1], 2.0, 0.01, paths=200, spread=0.1)
    second = crosscheck(DAMPED, [1, 0], [0, 1], 2.0, 0.01, paths=200, spread=0.1)
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())
    assert np.array_equal(first.simulation.initial_theta, second.simulation.initial_theta)
    # the default seed is used and reported: result object, dictionary and text
    assert first.seed == DEFAULT_SEED == 0
    assert first.to_dict()["seed"] == 0 and first.simulation.seed == 0
    assert "seed 0" in str(first)
    assert first.verdict == "agrees", str(first)
    other = crosscheck(DAMPED, [1, 0], [0, 1], 2.0, 0.01, paths=200, spread=0.1, seed=7)
    assert other.seed == 7 and other.to_dict()["seed"] == 7
    assert not np.array_equal(other.simulation.initial_theta, first.simulation.initial_theta)


def test_the_runs_of_one_check_share_their_initial_states(monkeypatch):
    starts = []
    original = crosscheck_module.simulate

    def recording(system, theta0, v0, *args, **kwargs):
        run = original(system, theta0, v0, *args, **kwargs)
        starts.append((run.initial_theta.copy(), run.initial_v.copy()))
        return run

    monkeypatch.setattr(crosscheck_module, "simulate", recording)
    crosscheck(DAMPED, [1, 0], [0, 1], 1.0, 0.01, paths=50, spread=(0.1, 0.2))
    assert len(starts) == 3
    for theta, v in starts[1:]:
        assert np.array_equal(theta, starts[0][0]) and np.array_equal(v, starts[0][1])


def test_coarse_runs_from_other_initial_states_are_not_agreement(monkeypatch):
    """The bug of issue 10 §4 rebuilt on purpose: the coarser runs draw their own states."""
    original = crosscheck_module.simulate
    rng = np.random.default_rng(123)

    def redrawing(system, theta0, v0, t_end, dt, **kwargs):
        if dt > 0.011:  # a coarser run: new initial states
            theta0 = np.asarray(theta0) + 0.1 * rng.standard_normal(np.shape(theta0))
        return original(system, theta0, v0, t_end, dt, **kwargs)

    monkeypatch.setattr(crosscheck_module, "simulate", redrawing)
    report = crosscheck(DAMPED, [1, 0], [0, 1], 2.0, 0.01, paths=100, spread=0.1)
    assert report.verdict == "inconclusive", str(report)
    assert all(c.verdict == "inconclusive" for c in report.checks)
    assert "same initial states" in report.reason


def test_the_observed_command_now_agrees_at_the_declared_order():
    report = crosscheck(DAMPED, [1, 0], [0, 1], 5.0, 0.01, paths=1000, spread=0.1)
    assert report.verdict == "agrees", str(report)
    for check in report.checks:
        assert abs(check.observed_order - check.expected_order) <= ORDER_BAND


def test_superconvergence_is_inconclusive_unless_the_caller_states_the_order():
    """RK4 on an undamped linear oscillator: |R(ih)|² = 1 − h⁶/72 + …, so the energy error is
    O(h⁵), one order above RK4's 4.  Agreement needs that order stated."""
    harmonic = Dynamics.from_text("x**2/2", "x")
    default = crosscheck(harmonic, [1], [0], 10.0, 0.05, scheme="rk4")
    assert default.verdict == "inconclusive", str(default)
    assert "faster than the declared" in default.reason
    stated = crosscheck(harmonic, [1], [0], 10.0, 0.05, scheme="rk4", order=5)
    assert stated.verdict == "agrees", str(stated)
    assert all(c.expected_order == 5 for c in stated.checks)
    assert any("stated by the caller" in n for n in stated.notes)


def test_crosscheck_refuses_coinciding_step_counts_and_bad_seeds():
    with pytest.raises(InvalidArgument) as info:
        crosscheck(DAMPED, [1, 0], [0, 1], 1.0, 0.6)  # 2, 1 and 1 steps
    assert info.value.argument == "dt"
    with pytest.raises(InvalidArgument) as info:
        crosscheck(DAMPED, [1, 0], [0, 1], 1.0, 0.01, paths=10, spread=0.1, seed=-1)
    assert info.value.argument == "seed"
    with pytest.raises(InvalidArgument) as info:
        crosscheck(DAMPED, [1, 0], [0, 1], 1.0, 0.01, order=-2)
    assert info.value.argument == "order"


def test_the_command_line_reports_the_default_seed(capsys):
    args = ["simulate", "--loss", "x**2/2 + y**2", "--vars", "x,y", "--damping", "0.2",
            "--theta0", "1,0", "--v0", "0,1", "--t-end", "2", "--dt", "0.01", "--paths", "100",
            "--spread", "0.1"]
    status = main([*args, "--json"])
    first = capsys.readouterr().out
    assert main([*args, "--json"]) == status == 0
    second = capsys.readouterr().out
    assert first == second  # no seed given: the same numbers again
    payload = json.loads(first)
    assert payload["seed"] == 0 and payload["verdict"] == "agrees" and payload["reason"]
    main(args)
    assert "seed 0" in capsys.readouterr().out


# -- the Monte Carlo z-test ------------------------------------------------------------------------
TIMES = np.array([0.0, 0.5, 1.0])
PREDICTION = np.array([0.5, 0.4, 0.3])


def _ensemble(dt, seed, mean, stderr, *, times=TIMES, paths=10_000, theta0=(1.0,)):
    return Ensemble(scheme="euler-maruyama", strong_order=0.5, weak_order=1.0,
                    stationary_order=1.0, dt=dt, steps=round(1.0 / dt), paths=paths, seed=seed,
                    chunk_paths=8192, theta0=tuple(theta0), v0=(0.0,), values={},
                    times=np.asarray(times, dtype=float),
                    mean={"inertia": np.asarray(mean, dtype=float)},
                    stderr={"inertia": np.asarray(stderr, dtype=float)}, status="ok",
                    diverged_at=None, system="Dynamics(...)", calculus="ito")


def _judged(coarse, fine, prediction=PREDICTION, indices=range(3)):
    return _judge("test", (coarse, fine), "inertia", prediction, indices, 4.0, ())


SE = np.full(3, 1e-3)


def test_the_synthetic_judge_agrees_with_consistent_runs():
    assert _judged(_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.01, 1, PREDICTION, SE)).agrees


@pytest.mark.parametrize("coarse, fine, why", [
    # a biased sample: the fine run's mean shifted by 10 standard errors
    (_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.01, 1, PREDICTION + 1e-2, SE), "z = "),
    # standard errors of 0 (zero-variance estimates) with a nonzero difference
    (_ensemble(0.02, 0, PREDICTION + 1e-6, 0 * SE), _ensemble(0.01, 1, PREDICTION + 1e-6, 0 * SE),
     "z = "),
])
def test_a_shifted_sample_disagrees(coarse, fine, why):
    judged = _judged(coarse, fine)
    assert judged.verdict == "disagrees", str(judged)
    assert why in judged.reason


def test_a_zero_standard_error_against_a_zero_prediction_is_not_agreement():
    zero = np.zeros(3)
    judged = _judged(_ensemble(0.02, 0, zero + 1e-9, zero), _ensemble(0.01, 1, zero + 1e-9, zero),
                     prediction=zero)
    # the standard error is floored at round-off of the values compared, so z is huge, not 0/0
    assert judged.verdict == "disagrees" and max(r["z"] for r in judged.rows) > 1e6


@pytest.mark.parametrize("coarse, fine, indices, why", [
    (_ensemble(0.02, 0, PREDICTION, [1e-3, math.nan, 1e-3]), _ensemble(0.01, 1, PREDICTION, SE),
     range(3), "not finite"),
    (_ensemble(0.02, 0, [0.5, math.nan, 0.3], SE), _ensemble(0.01, 1, PREDICTION, SE), range(3),
     "not finite"),
    (_ensemble(0.02, 3, PREDICTION, SE), _ensemble(0.01, 3, PREDICTION, SE), range(3),
     "same seed"),
    (_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.005, 1, PREDICTION, SE), range(3),
     "ratio 2"),
    (_ensemble(0.02, 0, PREDICTION, SE),
     _ensemble(0.01, 1, PREDICTION, SE, times=[0.0, 0.4, 1.0]), range(3), "same times"),
    (_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.01, 1, PREDICTION, SE, theta0=(2.0,)),
     range(3), "different states"),
    (_ensemble(0.02, 0, PREDICTION, SE, paths=MIN_PATHS - 1),
     _ensemble(0.01, 1, PREDICTION, SE, paths=MIN_PATHS - 1), range(3), "paths per run"),
    (_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.01, 1, PREDICTION, SE), [], "no record"),
])
def test_evidence_that_cannot_be_judged_is_inconclusive(coarse, fine, indices, why):
    prediction = [PREDICTION[i] for i in indices]
    judged = _judged(coarse, fine, prediction, indices)
    assert judged.verdict == "inconclusive", str(judged)
    assert why in judged.reason
    assert judged.to_dict()["reason"] == judged.reason


def test_z_max_must_be_a_positive_finite_number():
    for z_max in (math.inf, 0.0, -1.0, math.nan):
        with pytest.raises(InvalidArgument):
            _judge("t", (_ensemble(0.02, 0, PREDICTION, SE), _ensemble(0.01, 1, PREDICTION, SE)),
                   "inertia", PREDICTION, range(3), z_max, ())


def test_a_real_ensemble_with_a_shifted_sample_disagrees():
    """Real runs at h and h/2; the fine run's sample shifted by 6 of its standard errors."""
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.7")
    coarse, fine = _pair(dyn, [1.0], [0.0], None, 1.0, 0.05, 4000, "euler-maruyama", 0, 2,
                         2**18, False)
    assert coarse.seed != fine.seed  # independent noise, as the standard error assumes
    exact = quadratic_moments(dyn, [1.0], [0.0]).expected_inertia(coarse.times)
    indices = range(len(exact))
    assert _judge("right", (coarse, fine), "inertia", exact, indices, 4.0, ()).agrees
    shifted_mean = fine.mean["inertia"] + 6 * fine.stderr["inertia"] * np.r_[0, 1, 1]
    shifted = dataclasses.replace(fine, mean={**fine.mean, "inertia": shifted_mean})
    judged = _judge("shifted", (coarse, shifted), "inertia", exact, indices, 4.0, ())
    assert judged.verdict == "disagrees", str(judged)


def test_ito_drift_needs_an_interior_record():
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.7")
    with pytest.raises(InvalidArgument) as info:
        crosscheck_ito_drift(dyn, [1.0], [0.0], t_end=1.0, dt=0.1, paths=200, records=1)
    assert info.value.argument == "records"


# -- the weak-order fit ----------------------------------------------------------------------------
HS = [0.1, 0.05, 0.025]


def _weak(errors, stderrs, declared=1.0):
    return _weak_order_from_errors("euler-maruyama", declared, HS, errors, stderrs, paths=10_000,
                                   seed=0)


def test_a_weak_order_fit_at_the_declared_order_agrees():
    fit = _weak([4e-2, 2e-2, 1e-2], [1e-4] * 3)
    assert fit.verdict == "agrees", str(fit)
    assert fit.slope == pytest.approx(1.0)
    json.dumps(fit.to_dict(), allow_nan=False)


@pytest.mark.parametrize("errors, stderrs, verdict, why", [
    # slope 4 for a declared weak order 1: far above the band
    ([1.6e-1, 1e-2, 6.25e-4], [1e-5] * 3, "inconclusive", "above the declared"),
    # the finest error is within 4 standard errors of 0
    ([4e-2, 2e-2, 1e-3], [1e-3] * 3, "inconclusive", "noise there"),
    # zero-variance estimates: nothing to weight by
    ([4e-2, 2e-2, 1e-2], [0.0] * 3, "inconclusive", "zero or not finite"),
    ([4e-2, 2e-2, 1e-2], [1e-4, math.nan, 1e-4], "inconclusive", "zero or not finite"),
    # resolved errors that do not decrease: the mean does not converge to the prediction
    ([2e-2, 2e-2, 2e-2], [1e-4] * 3, "disagrees", "does not decrease"),
])
def test_a_broken_weak_order_fit_is_not_agreement(errors, stderrs, verdict, why):
    fit = _weak(errors, stderrs)
    assert fit.verdict == verdict, str(fit)
    assert why in fit.reason


def test_a_weak_order_fit_needs_two_distinct_steps():
    with pytest.raises(InvalidArgument):
        _weak_order_from_errors("euler-maruyama", 1.0, [0.1], [1e-2], [1e-4], paths=10, seed=0)
    with pytest.raises(InvalidArgument):
        _weak_order_from_errors("euler-maruyama", 1.0, [0.1, 0.1], [1e-2, 1e-2], [1e-4, 1e-4],
                                paths=10, seed=0)


# -- the energy-drift sweep ------------------------------------------------------------------------
def _counter_map():
    """A fake one-step map on one coordinate: θ counts the steps, v is left alone."""
    def advance(theta, v, step):
        return [theta + 1.0, v]
    return advance


def _drift_row(energy, n=400):
    inertia = (lambda theta, v: energy(theta, n))
    return _run(_counter_map(), inertia, None, np.zeros((1, 1)), np.zeros((1, 1)), 0.1, n, 1e6)


def test_an_energy_error_that_grows_from_an_exact_start_is_growing():
    # exactly conserved in the first quarter, then a linear drift: last / first = x / 0
    row = _drift_row(lambda k, n: np.where(k <= n / 4, 0.0, 1e-3 * (k - n / 4)))
    assert row.status == "growing" and row.inertia_growth > 1e6


def test_an_energy_error_that_grows_from_round_off_is_growing():
    row = _drift_row(lambda k, n: np.where(k <= n / 4, 1e-17, 1e-6 * k))
    assert row.status == "growing", row


def test_round_off_alone_is_bounded():
    row = _drift_row(lambda k, n: 1e-17 * (1 + (k % 7)))
    assert row.status == "bounded", row
    assert row.inertia_error <= ROUNDOFF_KAPPA * np.finfo(float).eps * math.sqrt(400)


def test_a_nan_modified_energy_is_not_swallowed():
    row = _run(_counter_map(), lambda theta, v: 0.0 * theta,
               lambda theta, v, h: np.where(theta > 50, np.nan, 0.0 * theta),
               np.zeros((1, 1)), np.zeros((1, 1)), 0.1, 100, 1e6)
    assert math.isinf(row.modified_error)


def test_too_short_runs_are_inconclusive():
    harmonic = Dynamics.from_text("x**2/2", "x")
    short = energy_drift(harmonic, "verlet", [0.5, 0.25], t_end=2.0, theta0=[1.0], v0=[0.0])
    assert all(r.steps < MIN_STEPS for r in short.rows)
    assert short.verdict == "inconclusive", str(short)
    assert all(r.status == "too short" for r in short.rows)


def test_the_order_fit_refuses_degenerate_input():
    with pytest.raises(InvalidArgument):
        fit_order([0.1, 0.05], [1e-3, 0.0])        # an error at round-off (0)
    with pytest.raises(InvalidArgument):
        fit_order([0.1, 0.05], [1e-3, math.nan])
    with pytest.raises(InvalidArgument):
        fit_order([0.1, 0.1], [1e-3, 1e-4])        # no spread in log h
    with pytest.raises(InvalidArgument):
        fit_order([0.1, 0.05], [1e-3, 1e-4], [1e-5, 0.0])  # a zero standard error: no weight
