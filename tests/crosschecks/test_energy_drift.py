"""Energy-drift sweeps: fitted exponents, boundedness, round-off conservation, divergence."""

import math

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify import energy_drift, fit_order
from inertia_verify.crosschecks._energy_drift import ROUNDOFF_KAPPA

HARMONIC = Dynamics.from_text("x**2/2", "x")

# Fitted exponents are pre-asymptotic: the next term of the error is O(h) relative to the
# leading one (O(h²) for the symmetric Verlet), so with h ≤ 0.04 the slope may sit up to
# about 0.05 from its limit.
SLOPE_TOL = 0.05


@pytest.mark.parametrize("scheme,p", [("symplectic-euler", 1), ("symplectic-euler-dk", 1),
                                      ("verlet", 2)])
def test_symplectic_schemes_bounded_with_order_p(scheme, p):
    r = energy_drift(HARMONIC, scheme, [0.04, 0.02, 0.01], t_end=60,
                     theta0=[[1.0], [0.2]], v0=[[0.0], [0.9]])
    assert r.verdict == "bounded"
    assert abs(r.exponent - p) <= SLOPE_TOL
    assert r.modified_kind == "exact" and r.conserved_to_roundoff is True


def test_explicit_euler_error_is_the_exact_growth_factor():
    # For ½x² explicit Euler multiplies I by exactly 1 + h² per step, so the largest error of
    # I/I_0 after n steps is (1 + h²)^n - 1 (errors are relative to max(1, |I_0|), and
    # I_0 = 2 here); it grows in time.
    r = energy_drift(HARMONIC, "euler", [0.05, 0.025], t_end=20, theta0=[2.0], v0=[0.0])
    assert r.verdict == "growing"
    for row in r.rows:
        expected = (1 + row.dt**2) ** row.steps - 1
        assert row.inertia_error == pytest.approx(expected, rel=ROUNDOFF_KAPPA * 1e-16 * row.steps)


def test_shadow_energy_error_scales_with_order_n_plus_1():
    # Non-quadratic loss: the truncated shadow energy H~_2 of symplectic Euler is conserved to
    # O(h³); tolerance as above.
    dyn = Dynamics.from_text("1 - cos(x)", "x")
    r = energy_drift(dyn, "symplectic-euler", [0.04, 0.02, 0.01], t_end=40,
                     theta0=[[1.0]], v0=[[0.3]], shadow_order=2)
    assert r.modified_kind == "shadow" and r.verdict == "bounded"
    assert abs(r.modified_exponent - 3) <= SLOPE_TOL
    assert abs(r.exponent - 1) <= SLOPE_TOL


def test_unstable_step_is_reported_as_diverged():
    # h·ω = 2.5 > 2: symplectic Euler is unstable; the run must not be called bounded.
    r = energy_drift(HARMONIC, "symplectic-euler", [2.5, 0.1], t_end=100, theta0=[1.0], v0=[0.0])
    assert r.verdict == "diverged"
    assert r.rows[0].status == "diverged" and math.isinf(r.rows[0].inertia_error)
    assert r.rows[1].status == "bounded"
    assert r.exponent is None  # one good step is not enough for a fit


def test_order_fit_standard_error():
    rng = np.random.default_rng(0)
    h = np.array([0.1, 0.05, 0.025, 0.0125])
    noisy = 3 * h**2 * np.exp(rng.normal(scale=0.05, size=h.size))
    p, se = fit_order(h, noisy)
    assert se > 0 and abs(p - 2) < 4 * se + 0.2


def test_states_are_paths_by_coordinates():
    """The one public layout: theta0 and v0 of shape (paths, d), as for simulate."""
    dyn = Dynamics.from_text("x**2/2 + y**2", "x,y")
    theta0 = [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]  # three paths of two coordinates
    r = energy_drift(dyn, "verlet", [0.1, 0.05], t_end=2, theta0=theta0, v0=np.zeros((3, 2)))
    one = [energy_drift(dyn, "verlet", [0.1, 0.05], t_end=2, theta0=t, v0=[0.0, 0.0])
           for t in theta0]
    # the ensemble's error is the largest of its paths' errors
    assert r.rows[0].inertia_error == max(o.rows[0].inertia_error for o in one)
    with pytest.raises(InvalidArgument) as info:
        energy_drift(dyn, "verlet", [0.1, 0.05], t_end=2, theta0=np.transpose(theta0),
                     v0=np.zeros((2, 3)))
    assert info.value.argument == "theta0"


def test_report_renders():
    r = energy_drift(HARMONIC, "verlet", [0.1, 0.05], t_end=5, theta0=[1.0], v0=[0.0])
    assert "verlet" in str(r) and "<pre>" in r._repr_html_()
    assert r.to_dict()["rows"][0]["steps"] == 50


@pytest.mark.parametrize("kwargs,argument", [
    ({"dts": [0.1]}, "dts"),
    ({"dts": [0.1, -0.1]}, "dts"),
    ({"t_end": 0}, "t_end"),
    ({"theta0": [1.0, 2.0]}, "theta0"),
    ({"v0": [[np.nan]]}, "v0"),
])
def test_bad_arguments(kwargs, argument):
    base = {"dts": [0.1, 0.05], "t_end": 1.0, "theta0": [1.0], "v0": [0.0]}
    with pytest.raises(InvalidArgument) as info:
        energy_drift(HARMONIC, "verlet", **{**base, **kwargs})
    assert info.value.argument == argument


def test_unset_parameters_are_rejected():
    with pytest.raises(InvalidArgument, match="substitute"):
        energy_drift(Dynamics.from_text("a*x**2", "x"), "verlet", [0.1, 0.05], t_end=1,
                     theta0=[1.0], v0=[0.0])
