"""One scheme, one map: the symbolic one-step map of every registered fixed-step scheme equals one
step of the compiled NumPy stepper that ``simulate`` runs.

The map of :func:`~inertia_verify.symbolic.discrete_map` is the numeric stepper run on SymPy
objects, so the two can only differ through the system they run on: the symbolic system's exact
operators (force, damping, Verlet's resolvent, the damping flow) against the compiled system's
floating-point ones.  Each case evaluates the map exactly (30 digits) at a point and compares one
float64 step from the same point.

Tolerance: the inputs (state, step 1/16, start time 5/4) are exact binary numbers, so the float
step differs from the exact map only by its own round-off.  Each component of one step is a short
sum of terms (a few dozen for RK4's four stages, ``expm`` or a 2x2 inverse included), each term
carrying a relative error of a few ε ≈ 2.2e-16 and none larger than a few times the state, so
the error stays below a few dozen ε·max(1, |z|); the test allows 64·ε·max(1, |z|) ≈ 1.4e-14
(observed: at most 1 ε over all cases).  Any difference in the mathematics is far larger: Verlet
with an explicit instead of an implicit last half kick differs here by ~2e-4 (checked below, so
the test can fail).
"""

import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.numeric import FIXED_STEP, compile_dynamics, get_scheme
from inertia_verify.schemes import MomentumScheme
from inertia_verify.symbolic import discrete_map

#: Relative to max(1, |z|); see the module docstring for why.
RTOL = 64 * np.finfo(float).eps
STEP = sympy.Rational(1, 16)
T0 = sympy.Rational(5, 4)
THETA0 = [sympy.Rational(3, 4), sympy.Rational(-3, 8)]
V0 = [sympy.Rational(1, 2), sympy.Rational(5, 4)]

LOSS = "x**4/4 - x**2/2 + cos(y) + x*y/4"
CASES = {
    "undamped": dict(),
    "scalar": dict(damping="3/10"),
    "matrix": dict(damping="[[3/10, 1/10], [0, 3/5]]"),
    "time": dict(damping="3/t"),
    "matrix-time": dict(damping="[[3/t, 1/10], [0, 1/(1 + t)]]"),
    "mass": dict(damping="[[3/10, 1/10], [0, 3/5]]", mass="[[2, 1/2], [1/2, 1]]"),
    "mass-time": dict(damping="3/t", mass="[[2, 1/2], [1/2, 1]]"),
}

#: Every registered fixed-step scheme, and the optimizers under their other convention.
SCHEMES = [(name, {}) for name in FIXED_STEP] + [
    (name, {"convention": "conformal"}) for name, s in FIXED_STEP.items()
    if isinstance(s, MomentumScheme)]

_SLOW: set = set()  # every case runs in well under a second


def _params():
    for name, options in SCHEMES:
        for case in CASES:
            label = name + ("-" + options["convention"] if options else "")
            marks = [pytest.mark.slow] if (name, case) in _SLOW else []
            yield pytest.param(name, options, case, id=f"{label}-{case}", marks=marks)


def _exact(step_map, dyn):
    point = {dyn.time: T0, **dict(zip(step_map.state, THETA0 + V0))}
    return np.array([float(sympy.N(e.xreplace(point), 30)) for e in step_map.image])


def _numeric(scheme, dyn):
    system = compile_dynamics(dyn)
    theta = np.array([[float(x)] for x in THETA0])
    v = np.array([[float(x)] for x in V0])
    scheme.stepper(system, float(STEP))(float(T0), theta, v)
    return np.concatenate([theta[:, 0], v[:, 0]])


def _agree(exact, numeric):
    scale = max(1.0, float(np.max(np.abs(exact))))
    return float(np.max(np.abs(numeric - exact))) / scale


@pytest.mark.parametrize("name,options,case", list(_params()))
def test_symbolic_map_is_one_numeric_step(name, options, case):
    dyn = Dynamics.from_text(LOSS, "x,y", **CASES[case])
    step_map = discrete_map(dyn, name, dt=STEP, **options)
    scheme = type(get_scheme(name))(**options) if options else get_scheme(name)
    exact = _exact(step_map, dyn)
    assert np.all(np.isfinite(exact))
    error = _agree(exact, _numeric(scheme, dyn))
    assert error <= RTOL, (name, case, error)


def test_every_fixed_step_scheme_is_covered():
    # simulate's fixed-step schemes are exactly the registry's, and every one is analysable.
    assert {name for name, _ in SCHEMES} == set(FIXED_STEP)
    assert {"euler", "rk4", "symplectic-euler", "verlet", "conformal-verlet", "heavy-ball",
            "nesterov", "symplectic-euler-dk"} <= set(FIXED_STEP)


def test_the_comparison_can_fail():
    # The old discrete Verlet (damping explicit in both half kicks) against the one definition:
    # the difference is O(h²γ²|v|) ≈ 2e-4 here, about 10¹⁰ tolerances.
    dyn = Dynamics.from_text(LOSS, "x,y", damping="3/10")
    theta, v = sympy.Matrix(dyn.coordinates), sympy.Matrix(dyn.velocities)
    force = -sympy.Matrix(dyn.gradient)

    def accel(point, velocity):
        return force.subs(dict(zip(dyn.coordinates, point)), simultaneous=True) - dyn.damping * velocity

    h = STEP
    half = v + h / 2 * accel(theta, v)
    theta_next = theta + h * half
    explicit = list(theta_next) + list(half + h / 2 * accel(theta_next, half))
    point = dict(zip(list(dyn.coordinates) + list(dyn.velocities), THETA0 + V0))
    old = np.array([float(sympy.N(e.xreplace(point), 30)) for e in explicit])
    error = _agree(old, _numeric(get_scheme("verlet"), dyn))
    assert error > 1e6 * RTOL, error


def test_optimizers_with_lr_and_momentum():
    # Heavy ball and Nesterov configured with (α, β) instead of a damping: the same agreement,
    # and both layers refuse a damping next to lr and momentum.
    dyn = Dynamics.from_text(LOSS, "x,y")
    lr, momentum = sympy.Rational(1, 64), sympy.Rational(7, 8)
    for name in ("heavy-ball", "nesterov"):
        step_map = discrete_map(dyn, name, dt=STEP, lr=lr, momentum=momentum)
        scheme = type(get_scheme(name))(lr=float(lr), momentum=float(momentum))
        assert _agree(_exact(step_map, dyn), _numeric(scheme, dyn)) <= RTOL
        damped = Dynamics.from_text(LOSS, "x,y", damping="3/10")
        with pytest.raises(InvalidArgument, match="cannot be combined"):
            discrete_map(damped, name, lr=lr, momentum=momentum)
        with pytest.raises(InvalidArgument, match="cannot be combined"):
            scheme.stepper(compile_dynamics(damped), 0.1)


def test_momentum_from_damping_is_the_optimizers_convention():
    # (α, β) read off the stepper equal ode_to_heavy_ball's for a constant scalar damping.
    from inertia_verify.symbolic import ode_to_heavy_ball

    dyn = Dynamics.from_text("x**2/2", "x", damping="g")
    g = dyn.parameters[0]
    for convention in ("first-order", "conformal"):
        for name in ("heavy-ball", "nesterov"):
            m = discrete_map(dyn, name, convention=convention)
            expected = ode_to_heavy_ball(m.dt, g, convention=convention)
            assert sympy.simplify(m.lr - expected["lr"]) == 0
            assert sympy.simplify(m.momentum - expected["momentum"]) == 0
