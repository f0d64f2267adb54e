"""Lyapunov functions and rates (issue 12 §3): every certificate re-checked exactly, every
witness evaluated exactly, the best rate compared with its closed form."""

import json

import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, lyapunov
from inertia_verify._inequalities import check_certificate
from inertia_verify.cli import main

# θ̈ + 2√μ θ̇ + ∇L = 0 with μ = 1/4 (√μ = 1/2, damping 1), V = L - L* + ½‖√μ(θ - θ*) + θ̇‖².
ONE_D = ("x**2/8", "x", "x**2/8 + (x/2 + v_x)**2/2")
# 2-D: Hessian [[5/8, 3/8], [3/8, 5/8]] has eigenvalues 1 and 1/4 = μ; minimiser (1, -1).
LOSS_2D = "5*(x-1)**2/16 + 3*(x-1)*(y+1)/8 + 5*(y+1)**2/16"
TWO_D = (LOSS_2D, "x,y", LOSS_2D + " + ((x-1)/2 + v_x)**2/2 + ((y+1)/2 + v_y)**2/2")


def _system(case):
    loss, names, V = case
    return Dynamics.from_text(loss, names, damping="1"), V


def _state(dyn):
    return [*dyn.coordinates, *dyn.velocities]


@pytest.mark.parametrize("case", [ONE_D, TWO_D], ids=["1-D", "2-D"])
def test_rate_sqrt_mu_is_certified(case):
    dyn, V = _system(case)
    result = lyapunov(dyn, V, rate="1/2")
    assert result.verdict == "proved"
    assert result.positivity.status == "proved"
    # The certificates are identities in the state itself; re-check them here.
    decay = result.decay
    assert check_certificate(sympy.expand(-result.derivative - result.function / 2),
                             decay.certificate)
    assert check_certificate(result.function, result.positivity.certificate)
    # dV/dt is the derivative along the flow, checked by hand at an arbitrary state.
    point = dict(zip(_state(dyn), [sympy.Rational(1, 3), -2, sympy.Rational(5, 7), 1]))
    v = sympy.Matrix(dyn.velocities)
    by_hand = (sympy.Matrix([result.function]).jacobian(dyn.coordinates) * v
               + sympy.Matrix([result.function]).jacobian(dyn.velocities) * dyn.acceleration)
    assert sympy.expand(by_hand[0] - result.derivative) == 0
    assert result.derivative.xreplace(point) == by_hand[0].xreplace(point)


@pytest.mark.parametrize("case", [ONE_D, TWO_D], ids=["1-D", "2-D"])
def test_rate_1_1_sqrt_mu_is_refuted_with_an_exact_witness(case):
    dyn, V = _system(case)
    c = sympy.Rational(11, 20)
    result = lyapunov(dyn, V, rate=c)
    assert result.verdict == "refuted"
    witness = result.counterexample
    point = {s: sympy.Rational(witness[s.name]) for s in _state(dyn)}
    # At the witness, dV/dt > -c V, evaluated exactly on the unshifted expressions.
    excess = (result.derivative + c * result.function).xreplace(point)
    assert excess.is_Rational and excess > 0
    assert -excess == witness["value"]


def test_best_rate_brackets_sqrt_mu():
    """For this V the exact best rate is √μ = 1/2: dV/dt + cV has Hessian with determinant
    (2c - 3)(2c - 1)/64 and (1,1) entry c/4 - 1/8, negative semidefinite iff c <= 1/2."""
    dyn, V = _system(ONE_D)
    result = lyapunov(dyn, V, best_rate=True)
    assert result.verdict == "proved" and result.rate == sympy.Rational(1, 2)
    assert result.refuted_rate > result.rate
    assert result.refuted_rate - result.rate <= result.refuted_rate / 1000
    assert result.refutation.status == "refuted"


def test_symbolic_free_parameter_rate_is_refuted_for_the_undamped_flow():
    """Without damping the energy is conserved: dV/dt <= 0 holds, any rate c > 0 fails."""
    dyn = Dynamics.from_text("x**2/2", "x")
    result = lyapunov(dyn, "x**2/2 + v_x**2/2", rate="1/10")
    assert result.verdict == "refuted"
    assert lyapunov(dyn, "x**2/2 + v_x**2/2").verdict == "proved"


def test_not_positive_definite_is_not_proved():
    dyn = Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="1")
    result = lyapunov(dyn, "x**2/2 + v_x**2/2")  # misses y: V = 0 on a whole line
    assert result.positivity.status != "proved" and result.verdict != "proved"
    negative = lyapunov(dyn, "x**2 - y**2 + v_x**2 + v_y**2")
    assert negative.verdict == "refuted" and negative.positivity.status == "refuted"


def test_bad_input_names_the_argument():
    dyn = Dynamics.from_text("x**2/2", "x", damping="1")
    with pytest.raises(InvalidArgument, match="rate"):
        lyapunov(dyn, "x**2", rate="-1")
    with pytest.raises(InvalidArgument, match="rate"):
        lyapunov(dyn, "x**2", rate="1/2", best_rate=True)
    with pytest.raises(InvalidArgument, match="equilibrium"):
        lyapunov(dyn, "x**2", equilibrium={"x": 1})  # not a critical point
    with pytest.raises(InvalidArgument, match="function"):
        lyapunov(dyn, "x**2 + w")  # w is not a name of the system


def test_cli(capsys):
    argv = ["lyapunov", "--loss", ONE_D[0], "--vars", "x", "--damping", "1", "--function",
            ONE_D[2]]
    assert main(argv + ["--rate", "1/2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "proved" and payload["rate"] == 0.5
    assert payload["certificate"]["decay"]["terms"]
    assert main(argv + ["--rate", "11/20", "--json", "--strict"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "refuted"
    assert (payload["rate"], payload["rate_exact"]) == (0.55, "11/20")
    assert payload["counterexample"]["exact"]["value"].startswith("-")
    assert main(argv + ["--rate", "x"]) == 2
    assert "--rate" in capsys.readouterr().err
    assert main(argv + ["--best-rate"]) == 0
    assert "best rate:   1/2 certified" in capsys.readouterr().out


def test_quartic_loss_with_a_given_equilibrium(capsys):
    """A non-quadratic V: 'V = 0 only at θ*' comes from V >= ε|z - z*|² (certified), and
    the energy of the damped flow has dV/dt = -v² <= 0 but no exponential rate (0 at rest)."""
    argv = ["lyapunov", "--loss", "(x-1)**4/4 + (x-1)**2/2", "--vars", "x", "--damping", "1",
            "--function", "(x-1)**4/4 + (x-1)**2/2 + v_x**2/2", "--equilibrium", "x=1"]
    assert main(argv + ["--rate", "0", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "proved" and payload["equilibrium"] == {"x": 1, "v_x": 0}
    assert main(argv + ["--rate", "1/10", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "refuted" and payload["counterexample"]["point"]["v_x"] == 0
    assert main(argv[:-1] + ["x=2", "--rate", "0"]) == 2
    assert "--equilibrium" in capsys.readouterr().err
