"""Modified energies: exact quadratic invariants (solved) and shadow energies (series), checked
against hand derivations, the literature and by iterating the maps numerically."""

import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument, prove_equal
from inertia_verify.symbolic import (discrete_map, heavy_ball_matching, heavy_ball_to_ode,
                                     ode_to_heavy_ball, pytorch_to_heavy_ball, quadratic_invariant,
                                     shadow_energy)

EPS = np.finfo(float).eps


def _iterate(step_map, energy, z0, steps, values):
    """Iterate the lambdified map and return E_k for k = 0..steps (an independent route)."""
    sub = {s: values[s.name] for s in step_map.dt.free_symbols | set().union(
        *(e.free_symbols for e in step_map.image)) if s.name in values}
    image = [e.xreplace(sub) for e in step_map.image]
    f = sympy.lambdify(step_map.state, image)
    e = sympy.lambdify(step_map.state, energy.xreplace(sub))
    z = list(z0)
    out = [e(*z)]
    for _ in range(steps):
        z = list(f(*z))
        out.append(e(*z))
    return np.array(out, dtype=float)


def test_symplectic_euler_invariant_is_conserved_when_iterated():
    dyn = Dynamics.from_text("w**2*x**2/2", "x")
    m = discrete_map(dyn, "symplectic-euler")
    inv = quadratic_invariant(m)
    assert inv.exists and inv.verdict.proved and inv.limit.proved
    energies = _iterate(m, inv.energy, [1.0, 0.3], 2000, {"w": 1.7, "h": 0.3})
    # Round-off of a stable linear map accumulates like a random walk: 64·ε·√n (n = 2000).
    assert np.ptp(energies) <= 64 * EPS * np.sqrt(2000) * abs(energies[0])


def test_positive_definite_exactly_where_the_map_is_stable():
    # Q ≻ 0 iff hw < 2; the symplectic Euler matrix has |eigenvalues| = 1 iff hw < 2.
    dyn = Dynamics.from_text("w**2*x**2/2", "x")
    m = discrete_map(dyn, "symplectic-euler")
    inv = quadratic_invariant(m)
    (condition,) = inv.conditions
    h, w = m.dt, [s for s in dyn.parameters if s.name == "w"][0]
    for hw in (0.5, 1.9, 2.1, 3.0):
        values = {h: hw, w: 1}
        phi = np.array(m.jacobian().xreplace(values), dtype=float)
        stable = np.max(np.abs(np.linalg.eigvals(phi))) <= 1 + 1e-12
        q = np.array(inv.matrix.xreplace(values), dtype=float)
        definite = np.min(np.linalg.eigvalsh(q)) > 0
        assert stable == definite == bool(condition.xreplace(values) > 0)


def test_two_dimensional_stability_range_is_two_over_largest_frequency():
    # A = [[2, 1/2], [1/2, 2]] has eigenvalues 5/2 and 3/2: stable iff h²·5/2 < 4.
    inv = quadratic_invariant(discrete_map(Dynamics.from_text("x**2 + y**2 + x*y/2", "x,y"),
                                           "symplectic-euler"))
    assert inv.stability_range == sympy.Interval.open(0, sympy.sqrt(sympy.Rational(8, 5)))


def test_verlet_invariant_matches_the_textbook_form():
    # Störmer-Verlet on ½w²x² conserves ½v² + ½w²(1 - h²w²/4)x² (a direct computation:
    # the velocity-Verlet matrix preserves this form), positive iff hw < 2.
    dyn = Dynamics.from_text("w**2*x**2/2", "x")
    m = discrete_map(dyn, "verlet")
    inv = quadratic_invariant(m)
    (x,), (v,), h = dyn.coordinates, dyn.velocities, m.dt
    w = [s for s in dyn.parameters if s.name == "w"][0]
    assert prove_equal(inv.energy, v**2 / 2 + w**2 * (1 - h**2 * w**2 / 4) * x**2 / 2).proved


def test_explicit_euler_has_no_invariant_in_general():
    # Two different frequencies: each mode's energy grows by its own factor 1 + h²w_i².
    inv = quadratic_invariant(discrete_map(Dynamics.from_text("x**2/2 + 2*y**2", "x,y"), "euler"))
    assert not inv.exists and inv.contraction is None and inv.energy is None


def test_explicit_euler_one_mode_grows_by_the_found_factor():
    dyn = Dynamics.from_text("x**2/2", "x")
    m = discrete_map(dyn, "euler")
    inv = quadratic_invariant(m)
    assert not inv.exists
    assert prove_equal(inv.contraction, 1 + m.dt**2).proved
    energies = _iterate(m, inv.energy, [1.0, 0.0], 50, {"h": 0.1})
    assert np.allclose(energies / energies[0], 1.01 ** np.arange(51), rtol=64 * EPS * 50)


def test_conformal_verlet_scales_by_exp_minus_gamma_h():
    # e^{γ t_k} E_k is constant: checked by iterating with h = 0.2, γ = 0.5.
    dyn = Dynamics.from_text("x**2/2", "x", damping="g")
    m = discrete_map(dyn, "conformal-verlet")
    inv = quadratic_invariant(m)
    g = [s for s in dyn.parameters if s.name == "g"][0]
    assert not inv.exists and prove_equal(inv.contraction, sympy.exp(-g * m.dt)).proved
    energies = _iterate(m, inv.energy, [1.0, 0.0], 200, {"h": 0.2, "g": 0.5})
    scaled = energies * np.exp(0.5 * 0.2 * np.arange(201))
    assert np.ptp(scaled) <= 64 * EPS * np.sqrt(200) * scaled[0]


def test_non_quadratic_loss_is_rejected():
    with pytest.raises(InvalidArgument, match="quadratic"):
        quadratic_invariant(discrete_map(Dynamics.from_text("x**4", "x"), "verlet"))
    with pytest.raises(InvalidArgument, match="quadratic"):
        quadratic_invariant(discrete_map(Dynamics.from_text("(x - 1)**2", "x"), "verlet"))


def test_shadow_energy_of_symplectic_euler_is_hairers():
    # Hairer, Lubich, Wanner, Geometric Numerical Integration (2006), IX.3: for symplectic Euler
    # H~ = H - h/2 H_p H_q + h²/12 (H_pp H_q² + H_qq H_p²) + O(h³); with H = ½v² + L.
    dyn = Dynamics.abstract(1)
    se = shadow_energy(discrete_map(dyn, "symplectic-euler"), order=2)
    (x,), (v,), L = dyn.coordinates, dyn.velocities, dyn.loss
    h = sympy.Symbol("h", positive=True)
    expected = v**2 / 2 + L - h / 2 * v * L.diff(x) + h**2 / 12 * (L.diff(x)**2 + L.diff(x, 2) * v**2)
    assert prove_equal(se.energy, expected).proved
    assert se.remainder_order == 4 and all(verdict.proved for verdict in se.remainder.lower)


@pytest.mark.slow
def test_shadow_energy_in_two_dimensions_keeps_its_order():
    se = shadow_energy(discrete_map(Dynamics.abstract(2), "symplectic-euler"), order=1)
    assert se.exists and se.remainder_order == 3


@pytest.mark.slow
def test_verlet_shadow_energy_is_even():
    se = shadow_energy(discrete_map(Dynamics.abstract(1), "verlet"), order=2)
    assert se.exists and se.coefficients[1] == [0]
    # Symmetric: no odd terms, so the per-step error of H~_2 starts at h^5.
    assert se.remainder_order == 5


def test_non_symplectic_schemes_have_no_shadow_energy():
    assert not shadow_energy(discrete_map(Dynamics.abstract(1), "euler")).exists
    assert not shadow_energy(discrete_map(Dynamics.abstract(1), "nesterov")).exists


def test_shadow_energy_rejects_damping_and_numeric_steps():
    with pytest.raises(InvalidArgument) as info:
        shadow_energy(discrete_map(Dynamics.from_text("x**2", "x", damping="1"), "verlet"))
    assert info.value.argument == "damping"
    with pytest.raises(InvalidArgument) as info:
        shadow_energy(discrete_map(Dynamics.from_text("x**2", "x"), "verlet", dt=0.1))
    assert info.value.argument == "dt"
    with pytest.raises(InvalidArgument):
        shadow_energy(discrete_map(Dynamics.abstract(1), "verlet"), order=7)


@pytest.mark.parametrize("convention", ["first-order", "conformal"])
def test_heavy_ball_mappings_are_proved(convention):
    assert all(verdict.proved for _, verdict in heavy_ball_matching(convention))


def test_heavy_ball_reading_of_common_settings():
    # lr = 0.01, momentum = 0.9: h = 0.1, γ = (1 - 0.9)/0.1 = 1 (first order).
    first = heavy_ball_to_ode(0.01, 0.9)
    assert first["dt"] == sympy.Rational(1, 10) and first["damping"] == 1
    conformal = heavy_ball_to_ode(0.01, 0.9, convention="conformal")
    assert float(conformal["damping"]) == pytest.approx(-np.log(0.9) / 0.1, rel=1e-15)
    back = ode_to_heavy_ball(0.1, 1)
    assert back["lr"] == sympy.Rational(1, 100) and back["momentum"] == sympy.Rational(9, 10)


def test_pytorch_buffer_is_heavy_ball():
    r = pytorch_to_heavy_ball(0.01, 0.9, dampening=0.1)
    assert r["proof"].proved
    assert r["lr"] == sympy.Rational(9, 1000) and r["momentum"] == sympy.Rational(9, 10)
    # Numerically: a PyTorch-style loop and the heavy-ball recurrence give the same iterates.
    grad = lambda th: np.sin(th) + th  # noqa: E731
    theta_t, buf = 0.8, 0.0
    prev, cur = 0.8, 0.8
    for _ in range(100):
        buf = 0.9 * buf + 0.9 * grad(theta_t)
        theta_t = theta_t - 0.01 * buf
        prev, cur = cur, cur - 0.009 * grad(cur) + 0.9 * (cur - prev)
    assert abs(theta_t - cur) <= 64 * EPS * 100


@pytest.mark.parametrize("call,argument", [
    (lambda: heavy_ball_to_ode(0.01, 1.0), "momentum"),
    (lambda: heavy_ball_to_ode(-0.01, 0.5), "lr"),
    (lambda: heavy_ball_to_ode(0.01, 0.0, convention="conformal"), "momentum"),
    (lambda: ode_to_heavy_ball(0.1, -1), "damping"),
    (lambda: ode_to_heavy_ball(0.1, 1, convention="nope"), "convention"),
    (lambda: pytorch_to_heavy_ball(0.1, 0.9, dampening=1.0), "dampening"),
    (lambda: heavy_ball_to_ode("0.1", 0.9), "lr"),
])
def test_mapping_bad_arguments(call, argument):
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.argument == argument
