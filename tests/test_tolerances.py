"""The one home of tolerances: the round-off floor, the Monte Carlo z-score and the reference-solver
budget, and that the modules which judge with them use these very values."""

import math

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify import _tolerances as tol


def test_roundoff_floor_is_kappa_eps_scale_sqrt_n():
    eps = np.finfo(float).eps
    assert tol.EPS == eps == 2.0**-52
    for steps, scale in [(1, 1.0), (400, 1.0), (10**6, 3.5), (7, 0.0)]:
        assert tol.roundoff_floor(steps, scale) == pytest.approx(
            tol.ROUNDOFF_KAPPA * eps * scale * math.sqrt(steps), rel=1e-15)
    # A random walk: four times the steps, twice the floor (not four times).
    assert tol.roundoff_floor(400) == pytest.approx(2 * tol.roundoff_floor(100), rel=1e-15)
    assert tol.roundoff_floor(0) == tol.roundoff_floor(1) == tol.ROUNDOFF_KAPPA * eps


@pytest.mark.parametrize("kwargs, argument", [
    (dict(steps=math.inf), "steps"), (dict(steps="10"), "steps"), (dict(steps=True), "steps"),
    (dict(scale=-1.0), "scale"), (dict(scale=math.nan), "scale"),
])
def test_roundoff_floor_refuses_bad_arguments(kwargs, argument):
    with pytest.raises(InvalidArgument) as info:
        tol.roundoff_floor(**kwargs)
    assert info.value.argument == argument and info.value.fix


def test_exactly_conserved_quadratic_invariant_stays_under_the_floor():
    # The floor must hold where nothing but round-off is at work: symplectic Euler conserves its
    # modified energy of the harmonic oscillator exactly, so every deviation is rounding.
    from inertia_verify import energy_drift

    run = energy_drift(Dynamics.from_text("x**2/2", "x"), "symplectic-euler", [0.1, 0.05],
                       t_end=40, theta0=[1.0], v0=[0.0])
    assert run.modified_kind == "exact"
    for row in run.rows:
        assert row.modified_error <= tol.roundoff_floor(row.steps)
        assert row.roundoff_tolerance == tol.roundoff_floor(row.steps)


def test_z_score_is_a_four_sigma_two_sided_test():
    assert tol.Z_SCORE == 4.0
    # P(|Z| > 4) for a standard normal: the chance a correct prediction is refuted per comparison.
    assert math.erfc(tol.Z_SCORE / math.sqrt(2)) == pytest.approx(6.33e-5, rel=1e-2)


def test_judges_and_solvers_take_their_values_from_here():
    from inertia_verify.numeric import REFERENCE_BUDGET, REFERENCE_DIGITS, get_scheme, roundoff_floor
    from inertia_verify.crosschecks import _energy_drift, _montecarlo

    assert _montecarlo.Z_SCORE is tol.Z_SCORE
    assert _energy_drift.ROUNDOFF_KAPPA is tol.ROUNDOFF_KAPPA
    assert (get_scheme("dop853").rtol, get_scheme("dop853").atol) == (tol.REFERENCE_RTOL,
                                                                      tol.REFERENCE_ATOL)
    assert get_scheme("mpmath").digits == tol.REFERENCE_DIGITS == REFERENCE_DIGITS
    assert REFERENCE_BUDGET == tol.REFERENCE_BUDGET and roundoff_floor is tol.roundoff_floor


def test_crosscheck_floor_uses_the_same_round_off_and_reference_budget():
    from inertia_verify.crosschecks._convergence import _floor
    from inertia_verify.numeric import get_scheme, simulate

    dyn = Dynamics.from_text("x**2/2", "x")
    run = simulate(dyn, [1.0], [0.0], 1.0, 0.01)
    scale = float(np.max(np.abs(run.inertia)))
    assert _floor(run, get_scheme("verlet")) == tol.roundoff_floor(run.steps, scale)
    reference = simulate(dyn, [1.0], [0.0], 1.0, 0.01, scheme="dop853")
    scale = float(np.max(np.abs(reference.inertia)))
    assert _floor(reference, get_scheme("dop853")) == max(
        tol.roundoff_floor(reference.steps, scale), tol.REFERENCE_BUDGET * tol.REFERENCE_RTOL * scale)


def test_monitor_counts_increases_above_one_step_of_round_off(monkeypatch):
    from inertia_verify.numeric import InertiaMonitor, _monitor

    monitor = InertiaMonitor(lr=0.1, momentum=1.0)  # undamped: I oscillates, so it goes up too
    theta = np.array([1.0, -2.0])
    previous = theta.copy()
    monitor.update([theta], float(0.5 * theta @ theta))
    for _ in range(200):  # heavy ball on ½‖θ‖², long enough to reach round-off level changes
        theta, previous = theta - 0.1 * theta + 1.0 * (theta - previous), theta
        monitor.update([theta], float(0.5 * theta @ theta))
    summary = monitor.summary()
    change = np.asarray(monitor.change)
    inertia = np.asarray(monitor.inertia)
    expected = int((change > tol.roundoff_floor(1) * np.maximum(1.0, np.abs(inertia[1:]))).sum())
    assert summary["increases"] == expected > 0
    # The threshold is read from the one home: moving it moves the count.
    monkeypatch.setattr(_monitor, "roundoff_floor", lambda steps=1, scale=1.0: 1e300)
    assert monitor.summary()["increases"] == 0


def test_monitor_uses_the_optimizer_modules_conventions():
    from inertia_verify.numeric import InertiaMonitor
    from inertia_verify.symbolic._optimizers import CONVENTIONS

    for convention in CONVENTIONS:
        assert InertiaMonitor(lr=0.01, momentum=0.9, convention=convention).convention == convention
    with pytest.raises(InvalidArgument, match="is not a known convention"):
        InertiaMonitor(lr=0.01, momentum=0.9, convention="nesterov")
    with pytest.raises(InvalidArgument, match="infinite damping in the conformal"):
        InertiaMonitor(lr=0.01, momentum=0.0, convention="conformal")
