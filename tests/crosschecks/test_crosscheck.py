"""Cross-checks: verdicts that can fail, tolerances from the scheme's order."""

import json

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument, crosscheck, judge_convergence
from inertia_verify.numeric import FIXED_STEP, CompiledDynamics

DAMPED = Dynamics.from_text("x**2/2 + y**2 + x*y/4", "x,y", damping="[[0.2, 0], [0.1, 0.4]]")


@pytest.mark.parametrize("scheme", list(FIXED_STEP))
def test_every_scheme_agrees_with_the_predictions(scheme):
    report = crosscheck(DAMPED, [1, 0], [0, 1], 4.0, 0.02, scheme=scheme)
    assert report.verdict == "agrees", str(report)
    assert [c.quantity for c in report.checks] == ["energy balance", "closed form"]
    for check in report.checks:
        assert check.error_in_tolerances <= 1
        assert abs(check.observed_order - FIXED_STEP[scheme].order) < 0.5 or check.floor >= check.error
    json.dumps(report.to_dict(), allow_nan=False)


def test_references_agree():
    dyn = Dynamics.from_text("x**2/2", "x", damping="0.3")
    report = crosscheck(dyn, [1], [0], 3.0, 0.05, scheme="dop853")
    assert report.verdict == "agrees", str(report)


class _WrongRate(CompiledDynamics):
    """A system whose claimed rate is 10% off: the energy balance must notice."""

    def rate_rows(self, t, theta, v):
        return 0.9 * super().rate_rows(t, theta, v)

    def rate_dot_rows(self, t, theta, v):
        return 0.9 * super().rate_dot_rows(t, theta, v)


def test_a_wrong_rate_is_detected():
    dyn = Dynamics.from_text("x**2/2", "x", damping="0.3")
    wrong = _WrongRate(dyn)
    report = crosscheck(wrong, [1], [0], 5.0, 0.01, scheme="rk4", closed_form=False)
    assert report.verdict == "disagrees"
    assert report.checks[0].observed_order < 0.5


def test_nonlinear_loss_has_no_closed_form_but_a_balance():
    dyn = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="3/t")
    report = crosscheck(dyn, [1.5], [0], 5.0, 0.01, t0=1.0, paths=20, spread=(0.1, 0.1), seed=2)
    assert report.verdict == "agrees", str(report)
    assert report.prediction_final is None and len(report.checks) == 1
    assert any("no closed form" in n for n in report.notes)
    with pytest.raises(InvalidArgument, match="depends on time"):
        crosscheck(dyn, [1.5], [0], 5.0, 0.01, t0=1.0, closed_form=True)
    quartic = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="0.1")
    with pytest.raises(InvalidArgument, match="not quadratic"):
        crosscheck(quartic, [1.5], [0], 5.0, 0.01, closed_form=True)


def test_prediction_final_is_the_closed_form_mean_over_the_paths():
    report = crosscheck(DAMPED, [1, 0], [0, 1], 2.0, 0.01, paths=30, spread=0.2, seed=4,
                        scheme="rk4")
    exact = report.prediction.inertia_at([2.0])[0]
    assert report.prediction_final == pytest.approx(float(np.mean(exact)), rel=1e-14)
    run = report.simulation
    # the ensemble mean agrees with the exact mean of the same paths to RK4 accuracy, far inside
    # the Monte Carlo standard error (which would matter only against a population mean)
    assert abs(run.inertia_final_mean - report.prediction_final) < 1e-6 < run.inertia_final_stderr


def test_diverged_run_is_never_agreement():
    dyn = Dynamics.from_text("x**2/2", "x")
    report = crosscheck(dyn, [1], [0], 30.0, 2.5)
    assert report.verdict == "diverged"
    assert report.to_dict()["inertia_final_mean"] is None


@pytest.mark.parametrize("errors, verdict", [
    # errors at h = 0.04, 0.02, 0.01 (coarsest first); declared order 2
    ([1.6e-3, 4e-4, 1e-4], "agrees"),
    ([1e-2, 1e-2, 1e-2], "disagrees"),
    ([4e-3, 2.1e-3, 1e-3], "inconclusive"),   # order 1 where 2 is declared
    ([1.6e-3, 1e-4, 6.25e-6], "inconclusive"),  # order 4 where 2 is declared
    ([0.87, 0.78, 2.9e-5], "inconclusive"),    # issue 10 §4: observed order 7.4
    ([1e-17, 1e-17, 1e-17], "agrees"),        # at the round-off floor
    ([1e-3, 1e-3, None], "diverged"),         # the finest run diverged
    ([None, 1e-15, 1e-3], "inconclusive"),    # one run above the floor: no slope
])
def test_judge_convergence(errors, verdict):
    judged = judge_convergence([0.04, 0.02, 0.01], errors, 2, 1e-14, "x")
    assert judged.verdict == verdict, judged


def test_tolerance_is_what_the_declared_order_allows_from_the_next_coarser_run():
    judged = judge_convergence([0.04, 0.02, 0.01], [1.6e-3, 4e-4, 1e-4], 2, 1e-14, "x")
    # τ = e(2h) · (h / 2h)^(p − 1/2) = 4e-4 / 2^1.5: the lower side of the band, in units of error
    assert judged.tolerance == pytest.approx(4e-4 / 2**1.5)
    assert judged.error_in_tolerances == pytest.approx(2**-0.5)
    assert judged.observed_order == pytest.approx(2.0)
    assert judged.local_orders == pytest.approx((2.0, 2.0))


def test_bad_refinements():
    with pytest.raises(InvalidArgument, match="refinements"):
        crosscheck(DAMPED, [1, 0], [0, 1], 1.0, 0.1, refinements=0)


def test_paths_is_inferred_from_a_paths_by_d_initial_state():
    """The one public layout: a (paths, d) theta0 or v0 says how many paths there are."""
    from inertia_verify import simulate

    theta0 = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    run = simulate(DAMPED, theta0, [0.0, 0.0], 1.0, 0.05)
    assert run.paths == 3 and np.array_equal(run.initial_theta, theta0)
    # the same numbers as when paths is given
    given = simulate(DAMPED, theta0, [0.0, 0.0], 1.0, 0.05, paths=3)
    assert np.array_equal(run.inertia, given.inertia)
    assert simulate(DAMPED, [1.0, 0.0], np.zeros((4, 2)), 1.0, 0.05).paths == 4
    assert simulate(DAMPED, [1.0, 0.0], [0.0, 0.0], 1.0, 0.05).paths == 1
    report = crosscheck(DAMPED, theta0, [0.0, 0.0], 1.0, 0.05)
    assert report.simulation.paths == 3 and report.verdict == "agrees", str(report)
    # a paths that contradicts the state is refused, naming the state
    with pytest.raises(InvalidArgument) as info:
        simulate(DAMPED, theta0, [0.0, 0.0], 1.0, 0.05, paths=2)
    assert info.value.argument == "theta0"
