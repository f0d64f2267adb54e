"""Closed forms: they solve the equations, meet the initial data, and match independent solvers."""

import json

import mpmath
import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, prove_zero
from inertia_verify.numeric import compile_dynamics, simulate
from inertia_verify.schemes import MpmathTaylor
from inertia_verify.numeric import QuadraticSolution, quadratic_solution
from inertia_verify.symbolic import oscillator_decay_rate, oscillator_solution

R = sympy.Rational
CASES = [  # (omega, gamma, theta0, v0, regime)
    (1, 0, 1, 0, "underdamped"),
    (1, R(1, 10), 1, R(1, 2), "underdamped"),
    (2, 4, 1, 0, "critical"),
    (1, 2, R(-1, 3), 2, "critical"),
    (1, 3, 1, 0, "overdamped"),
    (R(1, 2), 5, 0, 1, "overdamped"),
    (0, 1, 1, 1, "overdamped"),
    (0, 0, 1, 1, "critical"),
]


@pytest.mark.parametrize("omega, gamma, theta0, v0, regime", CASES)
def test_oscillator_solves_the_equation_with_the_initial_data(omega, gamma, theta0, v0, regime):
    sol = oscillator_solution(omega, gamma, theta0, v0)
    assert sol.regime == regime
    t = sol.t
    residual = sol.theta.diff(t, 2) + gamma * sol.theta.diff(t) + omega**2 * sol.theta
    assert prove_zero(residual).proved
    assert prove_zero(sol.theta.subs(t, 0) - theta0).proved
    assert prove_zero(sol.velocity.subs(t, 0) - v0).proved
    assert prove_zero(sol.inertia - (sol.velocity**2 + omega**2 * sol.theta**2) / 2).proved


@pytest.mark.parametrize("omega, gamma, theta0, v0, regime", CASES[1:6])
def test_oscillator_against_mpmath_at_30_digits(omega, gamma, theta0, v0, regime):
    sol = oscillator_solution(omega, gamma, theta0, v0)
    dyn = Dynamics.from_text(f"({omega})**2*x**2/2", "x", damping=str(gamma))
    times = [R(1, 2), 2]
    thetas, velocities = MpmathTaylor(30).solve_mp(compile_dynamics(dyn), [theta0], [v0], 0, times)
    with mpmath.workdps(40):
        for th, v, t in zip(thetas, velocities, times):
            exact = mpmath.mpf(str(sympy.N(sol.theta.subs(sol.t, t), 40)))
            exact_v = mpmath.mpf(str(sympy.N(sol.velocity.subs(sol.t, t), 40)))
            # 30 digits asked: the difference is far below 1e-25 of quantities of order 1
            assert abs(th[0] - exact) < mpmath.mpf("1e-25")
            assert abs(v[0] - exact_v) < mpmath.mpf("1e-25")


def test_oscillator_against_dop853():
    sol = oscillator_solution(1.3, 0.4, 1.0, -0.5)
    dyn = Dynamics.from_text("1.69*x**2/2", "x", damping="0.4")
    run = simulate(dyn, [1.0], [-0.5], 10.0, 0.1, scheme="dop853")
    _, _, energy = sol.evaluate(run.times)
    # rtol = atol = 1e-12 over ~100 adaptive steps: 100 tolerances
    np.testing.assert_allclose(run.inertia[:, 0], energy, atol=100 * 1e-12)


def test_decay_rate_formula_and_values():
    g, w = sympy.symbols("gamma omega", nonnegative=True)
    formula = oscillator_decay_rate()
    assert formula.args[0][0] == g and formula.args[1][0] == g - sympy.sqrt(g**2 - 4 * w**2)
    assert oscillator_decay_rate(1, 1) == 1
    assert oscillator_decay_rate(1, 2) == 2  # critical: the polynomial prefactor does not count
    assert sympy.simplify(oscillator_decay_rate(1, 4) - (4 - 2 * sympy.sqrt(3))) == 0
    assert oscillator_solution(0, 1, 1, 1).decay_rate == 2  # ω = 0: the slow mode carries no inertia
    # largest at critical damping, as γ sweeps past 2ω
    rates = [float(oscillator_decay_rate(1, R(k, 4))) for k in range(1, 20)]
    assert max(rates) == pytest.approx(2.0) and rates.index(max(rates)) == 7


def test_decay_rate_is_the_slope_of_log_inertia():
    # overdamped: −log I(t)/t approaches the derived rate like O(1/t)
    sol = oscillator_solution(1, 3, 1, 0)
    rate = float(sol.decay_rate)
    slopes = [float(-sympy.log(sol.inertia.subs(sol.t, t)) / t) for t in (50, 100, 200)]
    errors = [abs(s - rate) for s in slopes]
    assert errors[2] < errors[1] < errors[0] < 0.05
    assert errors[1] / errors[2] == pytest.approx(2, rel=0.05)  # O(1/t)


def test_symbolic_parameters_need_a_regime():
    g, w = sympy.symbols("g w", positive=True)
    with pytest.raises(InvalidArgument, match="regime"):
        oscillator_solution(w, g)
    sol = oscillator_solution(w, g, regime="underdamped")
    assert sol.decay_rate == g
    with pytest.raises(InvalidArgument, match="contradicts"):
        oscillator_solution(1, 3, regime="underdamped")
    with pytest.raises(InvalidArgument, match="non-negative"):
        oscillator_solution(-1, 0)
    with pytest.raises(InvalidArgument, match="text"):
        oscillator_solution("1", 0)


def test_quadratic_against_dop853_with_matrix_damping_and_mass():
    dyn = Dynamics.from_text("x**2/2 + 2*y**2 + x*y/2", "x,y", damping="[[0.3, 0.1], [0, 0.6]]",
                             mass="[[2, 0], [0, 1]]")
    sol = QuadraticSolution.from_dynamics(dyn, [1.0, -0.5], [0.0, 1.0])
    run = simulate(dyn, [1.0, -0.5], [0.0, 1.0], 8.0, 0.1, scheme="dop853")
    np.testing.assert_allclose(run.inertia[:, 0], sol.inertia_at(run.times), atol=100 * 1e-12)
    eigenvalues = np.linalg.eigvals(sol.generator)
    assert sol.decay_rate == pytest.approx(-2 * eigenvalues.real.max(), rel=1e-14)


def test_quadratic_expression_matches_inertia_at():
    t = sympy.Symbol("t", real=True)
    for sol in (quadratic_solution([[1.0, 0.3], [0.3, 2.0]], [[0.2, 0.0], [0.0, 0.5]], [1, 0], [0, 1]),
                quadratic_solution([[1.0]], 2.0, [1.0], [0.5]),   # critical: B is defective
                quadratic_solution([[1.0, 0], [0, 4.0]], 0.0, [1, 1], [0, 0])):
        expression = sol.expression()
        assert expression.free_symbols <= {t}
        times = np.linspace(0, 6, 7)
        values = [float(expression.subs(t, s)) for s in times]
        np.testing.assert_allclose(values, sol.inertia_at(times), rtol=1e-12, atol=1e-14)
        json.dumps(sol.to_dict())


def test_quadratic_agrees_with_the_oscillator_closed_form():
    osc = oscillator_solution(2, 4, 1, 0)  # critical, exact
    quad = quadratic_solution([[4.0]], 4.0, [1.0], [0.0])
    times = np.linspace(0, 5, 11)
    np.testing.assert_allclose(osc.evaluate(times)[2], quad.inertia_at(times), rtol=1e-12)
    assert quad.decay_rate == pytest.approx(float(osc.decay_rate), rel=1e-7)  # defective: √ε


def test_quadratic_ensemble_shape():
    sol = quadratic_solution([[1.0]], 0.1, np.ones((5, 1)), np.zeros((5, 1)))
    assert sol.inertia_at([0.0, 1.0]).shape == (2, 5)


@pytest.mark.parametrize("loss, damping, match", [
    ("x**4", None, "not quadratic"),
    ("x**2 + x", None, "linear terms"),
    ("x**2", "3/t", "depends on time"),
    ("sin(x)", None, "not quadratic"),
])
def test_quadratic_solution_from_dynamics_rejects(loss, damping, match):
    with pytest.raises(InvalidArgument, match=match):
        QuadraticSolution.from_dynamics(Dynamics.from_text(loss, "x", damping=damping), [1], [0])


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(InvalidArgument, match="symmetric"):
        quadratic_solution([[1, 2], [0, 1]], 0, [1, 0], [0, 0])
    with pytest.raises(InvalidArgument, match="2x2"):
        quadratic_solution([[1, 0], [0, 1]], [[1]], [1, 0], [0, 0])
    with pytest.raises(InvalidArgument, match="positive definite"):
        quadratic_solution([[1]], 0, [1], [0], mass=[[-1]])
    with pytest.raises(InvalidArgument, match="entries"):
        quadratic_solution([[1]], 0, [1, 2], [0])
