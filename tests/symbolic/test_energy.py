"""The symbolic inertia layer: derived rates against -vᵀMΓv, checked exactly and numerically."""

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from inertia_verify import Dynamics, InvalidArgument, derive, dissipation, inertia, inertia_rate

FUNCTIONS = [sympy.sin, sympy.cos, sympy.tanh, sympy.exp, lambda z: z**3, lambda z: z**2]


@st.composite
def losses(draw, max_dim=5):
    """A random loss in 1..5 coordinates: polynomial terms, couplings and trigonometric terms."""
    d = draw(st.integers(1, max_dim))
    coords = sympy.symbols(f"q0:{d}", real=True)
    terms = []
    for _ in range(draw(st.integers(1, 5))):
        i, j = draw(st.integers(0, d - 1)), draw(st.integers(0, d - 1))
        coef = sympy.Rational(draw(st.integers(-9, 9)), draw(st.integers(1, 5)))
        f = draw(st.sampled_from(FUNCTIONS))
        power = draw(st.integers(1, 4))
        terms.append(coef * f(coords[i]) * coords[j] ** power)
    return sympy.Add(*terms), coords


@st.composite
def dampings(draw, d):
    kind = draw(st.sampled_from(["zero", "scalar", "symbol", "matrix", "time"]))
    if kind == "zero":
        return 0
    if kind == "scalar":
        return sympy.Rational(draw(st.integers(1, 20)), 7)
    if kind == "symbol":
        return sympy.Symbol("gamma", positive=True)
    if kind == "time":
        return 3 / sympy.Symbol("t", real=True)
    entries = draw(st.lists(st.integers(-3, 3), min_size=d * d, max_size=d * d))
    return sympy.Matrix(d, d, entries)


def _numeric_check(dyn, expr_a, expr_b, seed=0, points=5):
    """Evaluate two expressions at random states (and at v = 0, ∇L = 0-ish degenerate points)."""
    symbols = [*dyn.coordinates, *dyn.velocities, *dyn.parameters, dyn.time]
    fa = sympy.lambdify(symbols, expr_a, modules="numpy", cse=True)
    fb = sympy.lambdify(symbols, expr_b, modules="numpy", cse=True)
    rng = np.random.default_rng(seed)
    d = dyn.dimension
    for k in range(points + 1):
        x = rng.uniform(0.3, 1.7, size=len(symbols))
        if k == points:  # degenerate: the velocity is zero
            x[d:2 * d] = 0.0
        a, b = float(fa(*x)), float(fb(*x))
        scale = max(1.0, abs(a), abs(b))
        assert abs(a - b) <= 1e-10 * scale, (a, b, x)


@pytest.mark.filterwarnings("ignore::inertia_verify.UnusedCoordinateWarning")
@given(st.data())
def test_rate_is_minus_vT_M_Gamma_v_for_random_losses(data):
    loss, coords = data.draw(losses())
    damping = data.draw(dampings(len(coords)))
    dyn = Dynamics(loss, coords, damping=damping)
    result = derive(dyn)
    assert result.matches_dissipation.proved, result
    expected = -(sympy.Matrix(dyn.velocities).T * dyn.damping * sympy.Matrix(dyn.velocities))[0, 0]
    _numeric_check(dyn, result.rate, expected)
    # The raw generator (before canonicalisation) agrees numerically as well.
    _numeric_check(dyn, dyn.time_derivative(result.inertia), expected)
    assert result.conserved == (dyn.damping_kind == "zero" or
                                sympy.expand(expected) == 0)


@pytest.mark.filterwarnings("ignore::inertia_verify.UnusedCoordinateWarning")
@given(st.data())
def test_mass_matrix_energy_decays_and_paper_energy_does_not(data):
    loss, coords = data.draw(losses(max_dim=3))
    d = len(coords)
    a = sympy.Matrix(d, d, data.draw(st.lists(st.integers(-2, 2), min_size=d * d, max_size=d * d)))
    mass = a * a.T + sympy.eye(d)  # SPD, not the identity unless a = 0
    gamma = sympy.Rational(1, 3)
    dyn = Dynamics(loss, coords, damping=gamma, mass=mass)
    natural = derive(dyn)
    assert natural.matches_dissipation.proved
    v = sympy.Matrix(dyn.velocities)
    _numeric_check(dyn, natural.rate, -gamma * (v.T * mass * v)[0, 0])
    paper = derive(dyn, kinetic="identity")
    remainder = (v.T * (sympy.eye(d) - mass.inv()) * dyn.gradient)[0, 0]
    _numeric_check(dyn, paper.rate, -gamma * (v.T * v)[0, 0] + remainder)
    if sympy.expand(remainder) != 0:
        assert paper.matches_dissipation.refuted
        point = paper.matches_dissipation.counterexample
        assert point is not None


def test_abstract_loss_in_many_dimensions_is_fast_path():
    dyn = Dynamics.abstract(40, damping=sympy.Symbol("gamma"))
    result = derive(dyn)
    assert result.matches_dissipation.proved
    assert result.rate == -sympy.Symbol("gamma") * sum(v**2 for v in dyn.velocities)


def test_derivation_reports_and_displays():
    result = derive(Dynamics.from_text("x**4/4 - x**2/2 + a*y**2", "x,y"))
    assert result.conserved and result.rate == 0
    payload = result.to_dict()
    assert payload["coordinates"] == ["x", "y"] and payload["velocities"] == ["v_x", "v_y"]
    assert payload["conserved"] is True and payload["rate"] == "0"
    assert result._repr_latex_().startswith("$") and "conserved" in str(result)


def test_inertia_and_dissipation_forms():
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", mass="[[2]]")
    vx = dyn.velocities[0]
    assert sympy.expand(inertia(dyn) - (vx**2 + dyn.coordinates[0]**2 / 2)) == 0
    assert sympy.expand(dissipation(dyn) + 2 * sympy.Symbol("gamma", real=True) * vx**2) == 0


def test_rate_of_any_quantity():
    dyn = Dynamics.from_text("x**2/2", "x", damping="g")
    x, vx = dyn.coordinates[0], dyn.velocities[0]
    # d/dt (x v) = v² - x² - g x v
    g = dyn.parameters[0]
    assert sympy.expand(inertia_rate(dyn, x * vx) - (vx**2 - x**2 - g * x * vx)) == 0


def test_bad_arguments_are_named():
    dyn = Dynamics.from_text("x**2", "x")
    with pytest.raises(InvalidArgument, match="kinetic"):
        derive(dyn, kinetic="relativistic")
    with pytest.raises(InvalidArgument, match="dynamics"):
        derive("x**2")


# --------------------------------------------------------------------------- noise (Itô drift)


def test_noisy_rate_is_the_ito_drift_not_the_chain_rule():
    dyn = Dynamics.from_text("x**2/2 + y**4/4", "x,y", damping="g", noise="s")
    result = derive(dyn)
    vx, vy = dyn.velocities
    g, s = sorted(dyn.parameters, key=str)
    # dI = (-g|v|^2 + s^2 d/2) dt + s v.dW: the s^2 term is what the ordinary chain rule drops.
    assert sympy.expand(result.rate - (-g*(vx**2 + vy**2) + s**2)) == 0
    assert sympy.expand(result.rate_without_noise - (-g*(vx**2 + vy**2))) == 0
    assert sympy.expand(result.ito_correction - s**2) == 0
    assert [sympy.expand(n) for n in result.noise_terms] == [s*vx, s*vy]
    assert result.matches_dissipation.refuted  # the dissipation alone is not the drift
    assert not result.conserved and result.conservation.refuted
    assert "Itô correction" in str(result) and "drift of dI" in str(result)
    d = result.to_dict()
    assert d["calculus"] == "ito" and d["ito_correction"] == "s**2"


def test_stratonovich_system_gets_the_stratonovich_drift():
    dyn = Dynamics.from_text("x**2/2", "x", damping="g", noise="s", calculus="stratonovich")
    result = derive(dyn)
    (g, _), vx = sorted(dyn.parameters, key=str), dyn.velocities[0]
    assert sympy.expand(result.rate + g*vx**2) == 0  # additive noise: no correction
    assert result.matches_dissipation.proved
    assert not result.conserved  # the noise term s*v_x does not vanish


def test_noise_that_vanishes_identically_is_conserved():
    dyn = Dynamics.from_text("x**2/2", "x", noise="0*s")
    assert derive(dyn).conserved


def test_derive_command_only_formats_the_library_result():
    import contextlib
    import io
    import json

    from inertia_verify.cli import main

    argv = ["derive", "--loss", "x**2/2", "--vars", "x", "--damping", "g", "--noise", "s",
            "--json"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    payload = json.loads(out.getvalue())
    library = derive(Dynamics.from_text("x**2/2", "x", damping="g", noise="s")).to_dict()
    assert payload["rate"] == library["rate"] == "-g*v_x**2 + s**2/2"
    assert payload["noise_terms"] == library["noise_terms"]
    assert payload["conservation"]["status"] == library["conservation"]["status"]


def test_a_tiny_damping_is_not_round_off():
    # exp(-200) is a nonzero constant: the damped system is not conservative (issue 10 §1).
    result = derive(Dynamics.from_text("x**2/2", "x", damping="exp(-200)"))
    assert not result.conserved and result.conservation.refuted
    assert result.matches_dissipation.proved
