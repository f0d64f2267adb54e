"""Discrete schemes as symbolic one-step maps: what they are, ΔI and its leading order.

Expected values are derived by hand in the comments (Taylor expansion of I(Φ_h(z)) - I(z)) or
computed by an independent route (direct NumPy recurrences, the numeric layer's integrators).
"""

import math

import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, prove_equal
from inertia_verify.numeric import FIXED_STEP
from inertia_verify.symbolic import discrete_map, leading_order

EPS = np.finfo(float).eps


def _paper_symplectic_euler(dyn, h):
    # The paper's (9)-(10), written out: v' = v - h∇L(θ), θ' = θ + h v'.
    theta, v = sympy.Matrix(dyn.coordinates), sympy.Matrix(dyn.velocities)
    v_next = v - h * sympy.Matrix(dyn.gradient)
    return list(theta + h * v_next) + list(v_next)


@pytest.mark.parametrize("d", [1, 3])
def test_symplectic_euler_is_the_papers_update(d):
    dyn = Dynamics.abstract(d)
    step = discrete_map(dyn, "symplectic-euler")
    assert prove_equal(sympy.Matrix(step.image),
                       sympy.Matrix(_paper_symplectic_euler(dyn, step.dt))).proved


def test_leading_term_of_symplectic_euler_matches_hand_expansion():
    # v' = v - hg, θ' = θ + hv - h²g: ½v'² - ½v² = -hvg + ½h²g²;
    # L(θ') - L(θ) = g(hv - h²g) + ½L''h²v² + O(h³).  Sum: h²·½(L''v² - g²).
    dyn = Dynamics.abstract(1)
    (x,), (v,) = dyn.coordinates, dyn.velocities
    g, H = dyn.loss.diff(x), dyn.loss.diff(x, 2)
    lo = discrete_map(dyn, "symplectic-euler").inertia_change_order()
    assert lo.order == 2
    assert prove_equal(lo.coefficient, (H * v**2 - g**2) / 2).proved
    assert all(verdict.proved for verdict in lo.lower)


# Leading order of ΔI per scheme without damping: consistent schemes have local error O(h²) in
# I; Verlet (and conformal Verlet at γ = 0, which is Verlet) is symmetric, so O(h³); RK4's local
# error is O(h⁵).
EXPECTED_ORDER = {"euler": 2, "rk4": 5, "symplectic-euler": 2, "symplectic-euler-dk": 2,
                  "verlet": 3, "conformal-verlet": 3, "heavy-ball": 2, "nesterov": 2}


def test_every_registered_scheme_has_an_expected_order():
    assert set(EXPECTED_ORDER) == set(FIXED_STEP)


_SLOW_1D = {"rk4"}  # 10 s (four nested force evaluations, series to h⁵)
_SLOW_2D = {"verlet", "conformal-verlet", "nesterov", "symplectic-euler-dk"}  # 1-5 s each
#: RK4 at d = 2 takes about 3 minutes; d = 1 and the numeric slope below cover its order.
_SKIP_2D = {"rk4"}


@pytest.mark.parametrize("scheme,d", [
    pytest.param(s, 1, marks=[pytest.mark.slow] if s in _SLOW_1D else []) for s in FIXED_STEP] + [
    pytest.param(s, 2, marks=[pytest.mark.slow] if s in _SLOW_2D else [])
    for s in FIXED_STEP if s not in _SKIP_2D])
def test_leading_order_of_inertia_change(scheme, d):
    order = EXPECTED_ORDER[scheme]
    lo = discrete_map(Dynamics.abstract(d), scheme).inertia_change_order(max_order=max(4, order))
    assert lo.order == order
    assert lo.nonzero.refuted  # shown nonzero at a concrete point


@pytest.mark.parametrize("scheme", list(FIXED_STEP))
def test_damped_schemes_start_with_the_continuous_dissipation(scheme):
    # dI/dt = -γ‖v‖², so the O(h) term of ΔI must be -γ‖v‖² for every consistent scheme.
    gamma = sympy.Symbol("gamma", positive=True)
    dyn = Dynamics.from_text("x**4/4 - x**2/2 + sin(y)", "x,y", damping="gamma")
    lo = discrete_map(dyn, scheme).inertia_change_order(max_order=2)
    vx, vy = dyn.velocities
    assert lo.order == 1
    assert prove_equal(lo.coefficient.xreplace({s: gamma for s in lo.coefficient.free_symbols
                                                if s.name == "gamma"}),
                       -gamma * (vx**2 + vy**2)).proved


@pytest.mark.parametrize("scheme", list(FIXED_STEP))
def test_leading_order_numerically(scheme):
    # Habit 3: the symbolic order checked by evaluation.  ΔI(h) ≈ c h^p, so
    # log2(ΔI(h)/ΔI(h/2)) → p with an O(h) correction; at h = 1e-3 that is < 0.01.  Evaluated
    # at 50 digits: RK4's ΔI ≈ 1e-15 would be round-off in double precision.
    import mpmath

    p = EXPECTED_ORDER[scheme]
    dyn = Dynamics.from_text("1 - cos(x)", "x")
    m = discrete_map(dyn, scheme)
    f = sympy.lambdify([*m.state, m.dt], m.inertia_change, modules="mpmath")
    with mpmath.workdps(50):
        h = mpmath.mpf("1e-3")
        x, v = mpmath.mpf("0.7"), mpmath.mpf("0.3")
        slope = float(mpmath.log(f(x, v, h) / f(x, v, h / 2), 2))
    assert abs(slope - p) < 0.01


def test_generic_leading_order():
    x, v, h = sympy.symbols("x v h")
    lo = leading_order(sympy.sin(x + h * v) - sympy.sin(x) - h * v * sympy.cos(x), h)
    assert lo.order == 2 and prove_equal(lo.coefficient, -v**2 * sympy.sin(x) / 2).proved


def _loss_gradient(theta):
    return theta**3 - theta + 0.3


def test_heavy_ball_map_is_the_two_step_recurrence():
    # θ_{k+1} = θ_k - α∇L(θ_k) + β(θ_k - θ_{k-1}) iterated directly versus the one-step map.
    alpha, beta = 0.01, 0.9
    dyn = Dynamics.from_text("x**4/4 - x**2/2 + 3*x/10", "x")
    m = discrete_map(dyn, "heavy-ball", lr=alpha, momentum=beta)
    f = sympy.lambdify([*m.state], list(m.image))
    h = float(m.dt)
    prev, cur = 1.2, 1.1
    theta, v = cur, (cur - prev) / h
    for _ in range(200):
        prev, cur = cur, cur - alpha * _loss_gradient(cur) + beta * (cur - prev)
        theta, v = f(theta, v)
        assert abs(theta - cur) <= 64 * EPS * max(1, abs(cur)) * 200
    assert h == pytest.approx(math.sqrt(alpha))


def test_nesterov_map_is_the_lookahead_recurrence():
    alpha, beta = 0.01, 0.8
    dyn = Dynamics.from_text("x**4/4 - x**2/2 + 3*x/10", "x")
    m = discrete_map(dyn, "nesterov", lr=alpha, momentum=beta)
    f = sympy.lambdify([*m.state], list(m.image))
    h = float(m.dt)
    prev, cur = 1.2, 1.1
    theta, v = cur, (cur - prev) / h
    for _ in range(200):
        y = cur + beta * (cur - prev)
        prev, cur = cur, y - alpha * _loss_gradient(y)
        theta, v = f(theta, v)
        assert abs(theta - cur) <= 64 * EPS * max(1, abs(cur)) * 200


@pytest.mark.parametrize("scheme,damping", [("euler", "0.3"), ("symplectic-euler", "0.3"),
                                            ("verlet", None), ("verlet", "0.3"),
                                            ("conformal-verlet", "0.3"),
                                            ("conformal-verlet", "[[0.3, 0], [0, 0.1]]")])
def test_maps_agree_with_the_numeric_integrators(scheme, damping):
    # The map is the numeric stepper run on SymPy objects; compiled (lambdify of the map) and
    # run as NumPy code, the two routes must give the same states to round-off over 10 steps,
    # a few dozen flops each, so the tolerance is 64·ε·(steps) relative.  Damped Verlet is
    # one map in both layers (explicit, then implicit half kick); tests/schemes/test_scheme_maps.py
    # checks one step of every scheme with every kind of damping.
    from inertia_verify.numeric import compile_dynamics, get_scheme

    dyn = Dynamics.from_text("x**4/4 - x**2/2 + cos(y)", "x,y", damping=damping)
    h = 0.05
    m = discrete_map(dyn, scheme, dt=h)
    advance = m.lambdify()
    system = compile_dynamics(dyn)
    stepper = get_scheme(scheme).stepper(system, h)
    rng = np.random.default_rng(5)
    theta_rows, v_rows = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    theta = [row.copy() for row in theta_rows]
    v = [row.copy() for row in v_rows]
    for k in range(10):
        stepper(k * h, theta_rows, v_rows)
        theta, v = advance(theta, v)
    tol = 64 * EPS * 10
    assert np.allclose(np.array(theta), theta_rows, rtol=tol, atol=tol)
    assert np.allclose(np.array(v), v_rows, rtol=tol, atol=tol)


def test_heavy_ball_from_damping_uses_the_stated_convention():
    h, gamma = sympy.Symbol("h", positive=True), sympy.Symbol("gamma", positive=True)
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    first = discrete_map(dyn, "heavy-ball")
    conformal = discrete_map(dyn, "heavy-ball", convention="conformal")
    g = [s for s in dyn.parameters if s.name == "gamma"][0]
    assert prove_equal(first.lr, h**2).proved and prove_equal(first.momentum, 1 - g * h).proved
    assert prove_equal(conformal.momentum, sympy.exp(-g * h)).proved
    del gamma


def test_substitute_and_update_strings_parse_back():
    m = discrete_map(Dynamics.from_text("a*x**2/2", "x"), "verlet").substitute({"a": 2, "dt": 0.25})
    assert m.dt == sympy.Rational(1, 4)
    x, vx = m.state
    for text, expr in zip(m.update.values(), m.image):
        assert sympy.sympify(text, locals={"x": x, "v_x": vx}) == expr  # our own output, not user text


@pytest.mark.parametrize("kwargs,argument", [
    ({"scheme": "leapfrog"}, "scheme"),
    ({"scheme": "heavy-ball", "lr": 0.1}, "momentum"),
    ({"scheme": "euler", "lr": 0.1, "momentum": 0.5}, "lr"),
    ({"scheme": "heavy-ball", "lr": 0.1, "momentum": 1.0}, "momentum"),
    ({"scheme": "heavy-ball", "lr": -0.1, "momentum": 0.5}, "lr"),
    ({"scheme": "euler", "dt": -1}, "dt"),
    ({"scheme": "euler", "dt": "1/0"}, "dt"),
    ({"scheme": "euler", "convention": "second-order"}, "convention"),
])
def test_bad_arguments(kwargs, argument):
    with pytest.raises(InvalidArgument) as info:
        discrete_map(Dynamics.from_text("x**2/2", "x"), **kwargs)
    assert info.value.argument == argument


def test_time_dependent_damping_gives_a_map_of_the_start_time():
    # Was refused before the maps were the numeric steppers; now Φ_h depends on t_k.  Euler:
    # v' = v + h(-x - 3v/t), so at t = 3, h = 1/2: v' = v/2 - x/2.
    dyn = Dynamics.from_text("x**2/2", "x", damping="3/t")
    m = discrete_map(dyn, "euler")
    assert m.time_dependent and not discrete_map(Dynamics.from_text("x**2/2", "x"), "euler").time_dependent
    (x,), (v,) = dyn.coordinates, dyn.velocities
    assert sympy.expand(m.velocity[0].xreplace({dyn.time: 3, m.dt: sympy.Rational(1, 2)})
                        - (v / 2 - x / 2)) == 0
    advance = m.substitute({"dt": 0.5}).lambdify()
    with pytest.raises(InvalidArgument) as info:
        advance([np.array([1.0])], [np.array([1.0])])
    assert info.value.argument == "t"
    _, (v_next,) = advance([np.array([1.0])], [np.array([1.0])], t=3.0)
    assert v_next[0] == 0.0


def test_lr_with_damping_and_abstract_lambdify_are_rejected():
    with pytest.raises(InvalidArgument, match="cannot be combined"):
        discrete_map(Dynamics.from_text("x**2/2", "x", damping="1"), "heavy-ball", lr=0.1,
                     momentum=0.5)
    with pytest.raises(InvalidArgument, match="abstract"):
        discrete_map(Dynamics.abstract(1), "euler", dt=0.1).lambdify()
