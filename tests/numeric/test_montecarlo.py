"""Stochastic cross-checks: Monte Carlo against exact E[I](t), the Gibbs value and the Itô drift,
judged by standard errors after removing the scheme's bias; the judge's power; weak orders."""

import json

import numpy as np
import pytest
import sympy

from inertia_verify import (Dynamics, crosscheck_expected_inertia, crosscheck_ito_drift,
                            crosscheck_stationary, fit_weak_order, simulate_ensemble)
from inertia_verify.cli import main
from inertia_verify.crosschecks._montecarlo import _judge, _pair
from inertia_verify.symbolic import gibbs_stationary, quadratic_moments

PATHS = 20000


def _random_quadratic(d, seed):
    rng = np.random.default_rng(seed)
    coords = sympy.symbols(f"q0:{d}", real=True)
    R = rng.normal(size=(d, d))
    A = R @ R.T + np.eye(d)
    loss = sum(A[i, j] / 2 * coords[i] * coords[j] for i in range(d) for j in range(d))
    G = rng.normal(size=(d, d)) * 0.3
    gamma = G @ G.T + 0.5 * np.eye(d)
    sigma = rng.normal(size=(d, d)) * 0.5
    return Dynamics(loss, coords, damping=sympy.Matrix(gamma), noise=sympy.Matrix(sigma))


@pytest.mark.parametrize("scheme", ["euler-maruyama", "baoab"])
@pytest.mark.parametrize("d", [1, 2])
def test_mean_inertia_matches_the_exact_moments(scheme, d):
    dyn = _random_quadratic(d, seed=d)
    check = crosscheck_expected_inertia(dyn, np.ones(d), np.zeros(d), t_end=2.0, dt=0.025,
                                        paths=PATHS, scheme=scheme, seed=11 * d, records=4)
    assert check.verdict == "agrees", str(check)
    json.dumps(check.to_dict(), allow_nan=False)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["euler-maruyama", "baoab"])
@pytest.mark.parametrize("d", [3, 4])
def test_mean_inertia_matches_the_exact_moments_higher_dimensions(scheme, d):
    dyn = _random_quadratic(d, seed=d)
    # Stiffer random systems: Richardson removes the O(h^p) term only, so h must be small enough
    # for the next one (here O(h²) for Euler–Maruyama) to sit below the Monte Carlo error.
    check = crosscheck_expected_inertia(dyn, np.ones(d), np.zeros(d), t_end=2.0, dt=0.005,
                                        paths=4 * PATHS, scheme=scheme, seed=11 * d, records=4)
    assert check.verdict == "agrees", str(check)


def test_ito_drift_matches_the_slope_of_the_sample_mean():
    dyn = _random_quadratic(2, seed=5)
    check = crosscheck_ito_drift(dyn, [1.0, -0.5], [0.0, 0.5], t_end=2.0, dt=0.02,
                                 paths=PATHS, seed=3, records=5)
    assert check.verdict == "agrees", str(check)


def test_the_judge_rejects_a_wrong_prediction():
    """Same Monte Carlo runs, judged against the noiseless E[I] (what eq. 7 predicts): the
    disagreement must be detected, so agreement above means something."""
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.7")
    runs = _pair(dyn, [1.0], [0.0], None, 3.0, 0.05, PATHS, "euler-maruyama", 0, 3,
                 2**18, False)
    noiseless = Dynamics.from_text("x**2/2", "x", damping="1")
    wrong = quadratic_moments(noiseless, [1.0], [0.0]).expected_inertia(runs[0].times)
    verdict = _judge("wrong", runs, "inertia", wrong, range(len(wrong)), 4.0, ())
    assert verdict.verdict == "disagrees"
    right = quadratic_moments(dyn, [1.0], [0.0]).expected_inertia(runs[0].times)
    assert _judge("right", runs, "inertia", right, range(len(right)), 4.0, ()).agrees


def test_stationary_value_of_a_double_well():
    dyn = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="1", noise="1")
    check = crosscheck_stationary(dyn, [0.0], [0.0], t_end=20.0, dt=0.05, paths=PATHS, seed=4)
    assert check.verdict == "agrees", str(check)


def test_baoab_has_a_smaller_stationary_bias_than_euler_maruyama():
    """Harmonic loss, h = 0.2: Euler–Maruyama's O(h) stationary bias is visible at 2·10⁴ paths,
    BAOAB's (exact in θ, O(h²) in v) is not."""
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")
    exact = float(gibbs_stationary(dyn).expected_inertia)  # = σ²/(2γ) = 0.5
    errors = {}
    for scheme in ("euler-maruyama", "baoab"):
        run = simulate_ensemble(dyn, [0.0], [0.0], t_end=20.0, dt=0.2, paths=PATHS,
                                scheme=scheme, seed=9, records=1)
        errors[scheme] = (run.mean["inertia"][-1] - exact) / run.stderr["inertia"][-1]
    assert abs(errors["euler-maruyama"]) > 4.0
    assert abs(errors["baoab"]) <= 4.0


def test_diverged_runs_give_a_diverged_verdict():
    dyn = Dynamics.from_text("2500*x**2/2", "x", damping="1", noise="1")
    check = crosscheck_expected_inertia(dyn, [1.0], [0.0], t_end=400.0, dt=1.0, paths=50,
                                        records=2)
    assert check.verdict == "diverged"


@pytest.mark.slow
@pytest.mark.parametrize("scheme, dts, paths", [
    ("euler-maruyama", (0.1, 0.05, 0.025), 400_000),   # (h = 0.2 is pre-asymptotic)
    ("baoab", (0.5, 0.25, 0.125), 1_000_000),          # errors 2e-2 … 1e-3
])
def test_weak_order(scheme, dts, paths):
    """The fitted slope of log|E[I](1) error| against log h is within 4 standard errors (delta
    method from the Monte Carlo errors) of the declared weak order, and precise enough to rule
    out the neighbouring orders."""
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")
    fit = fit_weak_order(dyn, [1.0], [0.0], t_end=1.0, dts=dts, paths=paths, scheme=scheme,
                         seed=1)
    print(fit)
    assert 4 * fit.slope_stderr < 0.5, str(fit)
    assert abs(fit.slope - fit.declared) <= 4 * fit.slope_stderr, str(fit)
    assert fit.verdict == "agrees", str(fit)


class _Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def _cli(capsys):
    """The command line in-process (as tests/cli/test_cli.py does): status, stdout, stderr."""
    def call(*args):
        status = main(list(args))
        out, err = capsys.readouterr()
        return _Result(status, out, err)
    return call


def test_cli_derive_with_noise(_cli):
    out = _cli("derive", "--loss", "x**2/2 + y**2", "--vars", "x,y", "--damping", "gamma",
               "--noise", "sigma", "--json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["rate"] == "-gamma*v_x**2 - gamma*v_y**2 + sigma**2"
    assert payload["noise_terms"] == ["sigma*v_x", "sigma*v_y"]
    strat = json.loads(_cli("derive", "--loss", "x**2/2", "--vars", "x", "--damping", "gamma",
                            "--noise", "sigma", "--calculus", "stratonovich", "--json").stdout)
    assert strat["rate"] == "-gamma*v_x**2" and strat["calculus"] == "stratonovich"
    bad = _cli("derive", "--loss", "x**2", "--vars", "x", "--noise", "[[1],[2]]")
    assert bad.returncode == 2 and "--noise" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_simulate_with_noise(_cli):
    args = ["simulate", "--loss", "x**2/2", "--vars", "x", "--damping", "1", "--noise", "0.5",
            "--theta0", "1", "--v0", "0", "--t-end", "1", "--dt", "0.02", "--paths", "4000",
            "--seed", "5", "--json"]
    out = _cli(*args)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar in --json mode
    payload = json.loads(out.stdout)
    exact = quadratic_moments(Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5"),
                              [1], [0]).expected_inertia([1.0])[0]
    assert payload["prediction_final"] == pytest.approx(exact, rel=1e-12)
    assert payload["inertia_final_stderr"] > 0 and payload["scheme"] == "euler-maruyama"
    assert payload == json.loads(_cli(*args).stdout)  # seeded: the same numbers again
    stationary = json.loads(_cli("simulate", "--loss", "x**4/4", "--vars", "x", "--damping", "1",
                                 "--noise", "1", "--theta0", "0", "--v0", "0", "--t-end", "1",
                                 "--dt", "0.1", "--paths", "100", "--scheme", "baoab",
                                 "--stationary", "--json").stdout)
    assert stationary["prediction_final"] == pytest.approx(0.5 / 2 + 0.5 / 4)
    wrong = _cli("simulate", "--loss", "x**2", "--vars", "x", "--noise", "1", "--theta0", "0",
                 "--v0", "0", "--t-end", "1", "--dt", "0.1", "--scheme", "rk4", "--paths", "10")
    assert wrong.returncode == 2 and "--scheme" in wrong.stderr
