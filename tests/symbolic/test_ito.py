"""Itô's formula, the Stratonovich conversion and the expected rate, on random quadratic and
quartic losses in 1–4 dimensions, checked against an independent full-phase-space computation
and against hand-derived closed forms."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from inertia_verify import Dynamics, InvalidArgument, prove_equal, prove_zero
from inertia_verify.symbolic import (expected_rate, generator, ito_differential,
                                     ito_to_stratonovich, stratonovich_to_ito)
from inertia_verify.symbolic._ito import EXPECTATION


def _random_system(d, m, seed, quartic=False, multiplicative=False, calculus="ito"):
    rng = np.random.default_rng(seed)
    coords = sympy.symbols(f"q0:{d}", real=True)
    A = rng.integers(-3, 4, size=(d, d))
    A = A @ A.T + np.eye(d, dtype=int)
    loss = sum(sympy.Rational(int(A[i, j]), 2) * coords[i] * coords[j]
               for i in range(d) for j in range(d))
    loss += sum(int(c) * q for c, q in zip(rng.integers(-2, 3, size=d), coords))
    if quartic:
        loss += sum(sympy.Rational(int(c), 4) * q**4 for c, q in zip(rng.integers(1, 4, size=d), coords))
        loss += int(rng.integers(-2, 3)) * coords[0]**2 * coords[-1]**2
    gamma = sympy.Matrix(rng.integers(-1, 3, size=(d, d)).tolist())
    sigma = sympy.Matrix(rng.integers(-2, 3, size=(d, m)).tolist())
    dyn0 = Dynamics(loss, coords)
    if multiplicative:
        v = dyn0.velocities
        sigma = sigma + sympy.Matrix(d, m, lambda i, j: (i + j + 1) * v[(i + j) % d] / 3
                                     + coords[j % d] / 2)
    return Dynamics(loss, coords, damping=gamma, noise=sigma, calculus=calculus)


def _independent_generator(dyn, h):
    """A h = b·∇_z h + ½ tr(B Bᵀ ∇_z² h) over the full state z = (θ, v), B = [[0], [Σ]]."""
    z = sympy.Matrix([*dyn.coordinates, *dyn.velocities])
    d, m = dyn.dimension, dyn.noise_dimension
    drift = sympy.Matrix([*dyn.velocities, *dyn.ito_acceleration])
    B = sympy.zeros(2 * d, m)
    B[d:, :] = dyn.noise
    hess = sympy.hessian(h, z)
    return (drift.T * sympy.Matrix([sympy.diff(h, zi) for zi in z]))[0, 0] \
        + sympy.diff(h, dyn.time) + (B * B.T * hess).trace() / 2


@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("quartic", [False, True])
def test_inertia_drift_is_dissipation_plus_half_trace(d, quartic):
    dyn = _random_system(d, m=d + 1, seed=10 * d + quartic, quartic=quartic)
    v = sympy.Matrix(dyn.velocities)
    expected = -(v.T * dyn.damping * v)[0, 0] + (dyn.noise * dyn.noise.T).trace() / 2
    dI = ito_differential(dyn)
    assert prove_equal(dI.drift, expected).proved
    assert prove_equal(dI.drift, _independent_generator(dyn, dI.quantity)).proved
    # dW_j coefficient: (vᵀΣ)_j
    assert prove_equal(sympy.Matrix(dI.noise_terms), (v.T * dyn.noise).T).proved
    # The Itô correction to the ordinary chain rule is ½ tr ΣΣᵀ, whatever the loss.
    assert prove_equal(dI.ito_correction, (dyn.noise * dyn.noise.T).trace() / 2).proved


@pytest.mark.parametrize("d", [1, 2, 3])
def test_other_quantities_against_hand_derivations(d):
    dyn = _random_system(d, m=2, seed=d, quartic=True)
    theta, v = sympy.Matrix(dyn.coordinates), sympy.Matrix(dyn.velocities)
    b = dyn.acceleration
    D = dyn.noise * dyn.noise.T
    virial = (theta.T * v)[0, 0]
    assert prove_equal(generator(dyn, virial), (v.T * v)[0, 0] + (theta.T * b)[0, 0]).proved
    quartic_v = v[0]**4
    assert prove_equal(generator(dyn, quartic_v), 4 * v[0]**3 * b[0] + 6 * v[0]**2 * D[0, 0]).proved
    timed = dyn.time * dyn.loss
    assert prove_equal(generator(dyn, timed),
                       dyn.loss + dyn.time * (sympy.Matrix(dyn.gradient).T * v)[0, 0]).proved


@settings(max_examples=10)
@given(seed=st.integers(0, 10**6), d=st.integers(1, 3), m=st.integers(1, 3))
def test_multiplicative_noise_generator_matches_full_phase_space(seed, d, m):
    for calculus in ("ito", "stratonovich"):
        dyn = _random_system(d, m, seed, multiplicative=True, calculus=calculus)
        h = dyn.velocities[0]**2 * dyn.coordinates[-1] + dyn.velocities[-1]
        assert prove_equal(generator(dyn, h), _independent_generator(dyn, h)).holds


@settings(max_examples=10)
@given(seed=st.integers(0, 10**6), d=st.integers(1, 3), m=st.integers(1, 3))
def test_calculus_conversion_both_ways(seed, d, m):
    dyn = _random_system(d, m, seed, multiplicative=True)
    drift = dyn.acceleration
    there = stratonovich_to_ito(dyn, drift)
    assert prove_zero(ito_to_stratonovich(dyn, there) - drift).holds
    back = ito_to_stratonovich(dyn, drift)
    assert prove_zero(stratonovich_to_ito(dyn, back) - drift).holds
    # Itô drift of h = Stratonovich drift of h + ½ Σ_j L_j(L_j h), L_j = Σ_i Σ_ij ∂_{v_i}.
    h = dyn.velocities[0] ** 2 + dyn.coordinates[0] * dyn.velocities[-1]
    ito = ito_differential(dyn, h)
    strat = ito_differential(dyn, h, calculus="stratonovich")

    def L(j, f):
        return sum(dyn.noise[i, j] * sympy.diff(f, dyn.velocities[i]) for i in range(d))

    second = sum(L(j, L(j, h)) for j in range(m)) / 2
    assert prove_equal(ito.drift, strat.drift + second).holds
    assert ito.noise_terms == strat.noise_terms


def test_stratonovich_declared_system_has_the_ordinary_chain_rule():
    dyn = Dynamics.from_text("x**4/4", "x", damping="g", noise="s*v_x", calculus="stratonovich")
    strat = ito_differential(dyn, calculus="stratonovich")
    assert prove_equal(strat.drift, strat.ordinary_chain_rule).proved
    (v,) = dyn.velocities
    g, s = sorted(dyn.parameters, key=lambda p: p.name)
    # Itô: correction s²v/2 in dv, and ½(sv)² from the second-order term.
    assert prove_equal(ito_differential(dyn).drift, -g * v**2 + s**2 * v**2).proved


def test_expected_rate_wraps_state_terms():
    dyn = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="gamma", noise="sigma")
    rate = expected_rate(dyn)
    vx, vy = dyn.velocities
    gamma, sigma = sorted(dyn.parameters, key=lambda p: p.name)
    assert sympy.expand(rate - (-gamma * EXPECTATION(vx**2) - gamma * EXPECTATION(vy**2)
                                + sigma**2)) == 0
    assert ito_differential(dyn).expected_rate == rate


def test_without_noise_it_is_the_ordinary_derivative():
    dyn = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="gamma")
    dI = ito_differential(dyn)
    assert dI.noise_terms == () and dI.ito_correction == 0
    assert prove_equal(dI.drift, -dyn.damping[0, 0] * dyn.velocities[0]**2).proved


def test_rendering_and_json():
    dI = ito_differential(Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma"),
                          calculus="stratonovich")
    assert "∘dW_0" in str(dI) and r"\circ dW" in dI._repr_latex_()
    assert dI.to_dict()["noise_terms"] == ["sigma*v_x"]
    assert dI.to_dict()["calculus"] == "stratonovich"


def test_bad_arguments():
    dyn = Dynamics.from_text("x**2/2", "x", noise="s")
    with pytest.raises(InvalidArgument, match="calculus"):
        ito_differential(dyn, calculus="Ito")
    with pytest.raises(InvalidArgument, match="never evaluated"):
        generator(dyn, "v_x**2")
    with pytest.raises(InvalidArgument, match="Dynamics"):
        generator("x**2", None)
    with pytest.raises(InvalidArgument, match="1x1"):
        stratonovich_to_ito(dyn, sympy.Matrix([1, 2]))
