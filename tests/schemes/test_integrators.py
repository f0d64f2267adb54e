"""Every integrator's structure (symplectic volume, energy behaviour, one-step matrix) and the
driver's divergence reports; the convergence orders are fitted in tests/schemes/test_scheme_orders.py."""


import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, prove_equal
from inertia_verify.numeric import (FIXED_STEP, compile_dynamics, get_scheme, quadratic_solution,
                                    simulate)
from inertia_verify.schemes import Symplectic
from inertia_verify.numeric._stability import one_step_matrix
from inertia_verify.symbolic import discrete_map, oscillator_solution

# -- convergence order: tests/schemes/test_scheme_orders.py fits every registered scheme --------------

def test_oscillator_closed_form_matches_expm_route():
    # the two exact routes (dsolve and expm) agree, so the slope test's reference is sound
    sol = oscillator_solution(sympy.Rational(13, 10), sympy.Rational(3, 10), 1, sympy.Rational(1, 2))
    theta, v, energy = sol.evaluate(np.linspace(0, 4, 9))
    quad = quadratic_solution([[1.69]], 0.3, [1.0], [0.5])
    np.testing.assert_allclose(energy, quad.inertia_at(np.linspace(0, 4, 9)), rtol=1e-13)


# -- structure ---------------------------------------------------------------------------------

def _oscillator_run(scheme, h, steps):
    dyn = Dynamics.from_text("x**2/2", "x")
    return simulate(dyn, [1.0], [0.0], h * steps, h, scheme=scheme, save_every=1)


@pytest.mark.parametrize("scheme, steps", [
    ("verlet", 100_000),
    ("symplectic-euler", 20_000),
    ("conformal-verlet", 20_000),
    pytest.param("symplectic-euler", 100_000, marks=pytest.mark.slow),
    pytest.param("conformal-verlet", 100_000, marks=pytest.mark.slow),
])
def test_symplectic_energy_error_stays_bounded(scheme, steps):
    h = 0.1
    run = _oscillator_run(scheme, h, steps)
    error = np.abs(run.inertia[:, 0] - 0.5)
    window = steps // 10  # ≥ 30 periods of 2π/h ≈ 63 steps: every phase is sampled
    first, last = error[:window].max(), error[-window:].max()
    # bounded: the error oscillates without drift, so the largest error over the last tenth of
    # the run equals that over the first tenth (1% for the sampling of the peak by the steps)
    assert last <= 1.01 * first
    assert first < h  # and it is O(h) (symplectic Euler) or O(h²) (Verlet) to begin with


def test_explicit_euler_energy_grows_exactly_as_predicted():
    # Euler multiplies the complex amplitude θ + iv by (1 - ih): I_n = I_0 (1 + h²)^n
    h, steps = 0.01, 10_000
    run = _oscillator_run("euler", h, steps)
    n = np.arange(steps + 1)
    np.testing.assert_allclose(run.inertia[:, 0], 0.5 * (1 + h * h) ** n, rtol=1e-10)
    assert run.inertia[-1, 0] - 0.5 > 10 * (run.inertia[1000, 0] - 0.5)


def test_conformal_verlet_jacobian_determinant_is_exactly_exp_minus_d_gamma_h():
    # The symbolic map is the numeric stepper run on SymPy objects (discrete_map).
    dyn = Dynamics.from_text("x**4/4 + x*y + cos(y)", "x,y", damping="gamma")
    gamma = dyn.parameters[0]
    step_map = discrete_map(dyn, "conformal-verlet")
    verdict = prove_equal(step_map.jacobian().det(), sympy.exp(-2 * gamma * step_map.dt))
    assert verdict.proved, verdict


@pytest.mark.parametrize("scheme", list(FIXED_STEP))
def test_exactly_the_symplectic_schemes_preserve_volume(scheme):
    # Undamped, on a nonlinear force: det ∂Φ/∂z = 1 exactly for the schemes declared symplectic
    # (heavy ball at β = 1 is symplectic Euler), and not for the others.
    step_map = discrete_map(Dynamics.from_text("x**4/4 - x**2/2", "x"), scheme)
    verdict = prove_equal(step_map.jacobian().det(), 1)
    if isinstance(FIXED_STEP[scheme], Symplectic):
        assert verdict.proved, (scheme, verdict)
    else:
        assert verdict.refuted, (scheme, verdict)


def test_one_step_matrix_of_verlet_is_the_textbook_one():
    compiled = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    h = 0.3
    expected = np.array([[1 - h * h / 2, h], [-h * (1 - h * h / 4), 1 - h * h / 2]])
    np.testing.assert_allclose(one_step_matrix(get_scheme("verlet"), compiled, np.eye(1), h),
                               expected, rtol=1e-15)


# -- divergence --------------------------------------------------------------------------------

def test_verlet_beyond_its_stability_limit_is_reported():
    # ω = 2: the limit is h < 2/ω = 1
    dyn = Dynamics.from_text("2*x**2", "x")
    stable = simulate(dyn, [1.0], [0.0], 50.0, 0.99)
    assert not stable.diverged
    run = simulate(dyn, [1.0], [0.0], 50 * 1.01, 1.01)
    assert run.diverged and run.divergence.reason == "unstable step"
    assert run.divergence.step == 0
    assert run.stability.spectral_radius > 1
    assert run.to_dict()["inertia_final_mean"] is None  # never averaged into a result


def test_nan_is_caught_at_the_step_where_it_appears():
    dyn = Dynamics.from_text("x**4", "x")
    run = simulate(dyn, [10.0], [0.0], 100.0, 0.5, check_stability=False)
    assert run.diverged and run.divergence.reason == "non-finite"
    k = run.divergence.step
    assert k >= 1
    before = simulate(dyn, [10.0], [0.0], (k - 1) * 0.5, 0.5, check_stability=False) if k > 1 \
        else None
    if before is not None:
        assert not before.diverged and np.all(np.isfinite(before.final_theta))


# -- the driver --------------------------------------------------------------------------------

def test_memory_does_not_grow_with_steps():
    dyn = Dynamics.from_text("x**2/2", "x")
    run = simulate(dyn, [1.0], [0.0], 200.0, 0.01)  # 2·10⁴ steps
    assert run.steps == 20_000 and run.times.size <= 1001
    assert run.times[-1] == pytest.approx(200.0) and run.theta is None


def test_spread_is_seeded():
    dyn = Dynamics.from_text("x**2/2 + y**2/2", "x,y")
    a = simulate(dyn, [1, 0], [0, 0], 1.0, 0.1, paths=50, spread=0.1, seed=7)
    b = simulate(dyn, [1, 0], [0, 0], 1.0, 0.1, paths=50, spread=0.1, seed=7)
    c = simulate(dyn, [1, 0], [0, 0], 1.0, 0.1, paths=50, spread=0.1, seed=8)
    np.testing.assert_array_equal(a.final_theta, b.final_theta)
    assert not np.array_equal(a.final_theta, c.final_theta)
    assert a.inertia_final_stderr > 0
    same = simulate(dyn, [1, 0], [0, 0], 1.0, 0.1, paths=50)
    assert np.ptp(same.final_theta[:, 0]) == 0 and same.inertia_final_stderr > -1


@pytest.mark.parametrize("kwargs, match", [
    (dict(paths=0), "positive integer"),
    (dict(dt=-0.1), "positive"),
    (dict(t_end=-1.0), "after t0"),
    (dict(scheme="leapfrog"), "not a known scheme"),
    (dict(scheme="mpmath", paths=2), "one trajectory"),
    (dict(theta0=[1.0, 2.0]), "1 coordinate"),
    (dict(v0=[float("nan")]), "NaN"),
    (dict(spread=-1.0), "non-negative"),
    (dict(save_every=0), "positive integer"),
])
def test_bad_input(kwargs, match):
    args = dict(theta0=[1.0], v0=[0.0], t_end=1.0, dt=0.1)
    args.update(kwargs)
    with pytest.raises(InvalidArgument, match=match):
        simulate(Dynamics.from_text("x**2/2", "x"), **args)
