"""Noise in the dynamics object: kinds, shapes, the calculus, and clear errors."""

import pytest
import sympy

from inertia_verify import TIME, Dynamics, InvalidArgument


@pytest.mark.parametrize("noise, kind, shape", [
    (None, "none", None),
    ("sigma", "isotropic", (2, 2)),
    ("0.3", "isotropic", (2, 2)),
    ("[[1, 0, 2], [0, s, 0]]", "additive", (2, 3)),
    ("[[s*x], [v_y]]", "multiplicative", (2, 1)),
    ("[[1 + t, 0], [0, 1]]", "multiplicative", (2, 2)),
])
def test_noise_kinds(noise, kind, shape):
    dyn = Dynamics.from_text("x**2 + y**2", "x,y", damping="gamma", noise=noise)
    assert dyn.noise_kind == kind
    assert (dyn.noise.shape if dyn.noise is not None else None) == shape
    assert dyn.noise_dimension == (shape[1] if shape else 0)
    # The deterministic part is untouched by the noise.
    assert dyn.acceleration == Dynamics.from_text("x**2 + y**2", "x,y", damping="gamma").acceleration


def test_noise_parameters_are_collected_and_declared_ones_enforced():
    dyn = Dynamics.from_text("a*x**2", "x", noise="s")
    assert {p.name for p in dyn.parameters} == {"a", "s"}
    with pytest.raises(InvalidArgument) as info:
        Dynamics.from_text("a*x**2", "x", noise="s", parameters="a")
    assert info.value.argument == "noise" and "'s'" in str(info.value)


@pytest.mark.parametrize("kwargs, argument, fragment", [
    (dict(noise="[[1, 2]]"), "noise", "1x2 matrix but there are 2 coordinates"),
    (dict(noise="[[1], [2], [3]]"), "noise", "3x1 matrix"),
    (dict(noise="1/0"), "noise", ""),
    (dict(noise="L(x)"), "noise", "unknown function"),
    (dict(calculus="ito-ish"), "calculus", "not a known stochastic calculus"),
])
def test_invalid_noise(kwargs, argument, fragment):
    with pytest.raises(InvalidArgument) as info:
        Dynamics.from_text("x**2 + y**2", "x,y", **kwargs)
    assert info.value.argument == argument
    assert fragment in str(info.value)


def test_python_api_noise_checks():
    x = sympy.Symbol("x", real=True)
    with pytest.raises(InvalidArgument, match="never evaluated"):
        Dynamics(x**2, [x], noise="sigma")
    with pytest.raises(InvalidArgument, match="undefined function"):
        Dynamics(x**2, [x], noise=sympy.Function("g")(x))
    # An undefined schedule of time alone is allowed (like the damping's g(t)).
    assert Dynamics(x**2, [x], noise=sympy.Function("g")(TIME)).noise_kind == "multiplicative"
    assert Dynamics(x**2, [x], noise=[[1, 2]]).noise.shape == (1, 2)


def test_stratonovich_correction_and_ito_acceleration():
    # dv = -x dt + s v ∘ dW  ⇔  dv = (-x + s²v/2) dt + s v dW
    dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x", calculus="stratonovich")
    (x,), (v,) = dyn.coordinates, dyn.velocities
    s = dyn.parameters[0]
    assert sympy.expand(dyn.stratonovich_correction[0] - s**2 * v / 2) == 0
    assert sympy.expand(dyn.ito_acceleration[0] - (-x + s**2 * v / 2)) == 0
    # Read in Itô, the same Σ needs no correction of the declared drift.
    ito = Dynamics.from_text("x**2/2", "x", noise="s*v_x")
    assert ito.ito_acceleration == ito.acceleration
    # Additive or θ-dependent noise: the readings agree (dθ carries no noise).
    for noise in ("s", "[[s*x, 1]]"):
        dyn = Dynamics.from_text("x**2/2", "x", noise=noise, calculus="stratonovich")
        assert dyn.stratonovich_correction == sympy.zeros(1, 1)


def test_substitute_repr_and_latex_keep_the_noise():
    dyn = Dynamics.from_text("x**2/2", "x", damping="g", noise="[[s*v_x, 1]]",
                             calculus="stratonovich")
    concrete = dyn.substitute({"s": 2, "g": 1})
    assert concrete.noise == sympy.Matrix([[2 * dyn.velocities[0], 1]])
    assert concrete.calculus == "stratonovich" and concrete.parameters == ()
    assert "noise=" in repr(dyn) and "stratonovich" in repr(dyn)
    assert r"\Sigma" in dyn._repr_latex_() and "Stratonovich" in dyn._repr_latex_()
    iso = Dynamics.from_text("x**2/2", "x", noise="s").substitute({"s": 0.5})
    assert iso.noise_kind == "isotropic" and iso.noise[0, 0] == 0.5

