"""The Gibbs stationary law: Fokker–Planck certificate, E[I] exact / by quadrature, checked against
the moment ODE's Lyapunov limit and against independent mpmath quadrature."""

import mpmath
import numpy as np
import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.symbolic import fokker_planck, gibbs_stationary, quadratic_moments


@pytest.mark.parametrize("d", [1, 2, 3])
def test_gibbs_density_is_stationary_for_every_loss(d):
    gamma, sigma = sympy.symbols("gamma sigma", positive=True)
    gibbs = gibbs_stationary(Dynamics.abstract(d, damping=gamma, noise=sigma))
    assert gibbs.stationarity.proved
    assert gibbs.expected_inertia is None
    assert sympy.simplify(gibbs.temperature - sigma**2 / (2 * gamma)) == 0


def test_wrong_temperature_is_not_stationary():
    """The certificate has power: with σ² ≠ 2γT the same density is not annihilated."""
    dyn = Dynamics.from_text("x**4/4", "x", damping="1", noise="1")
    (x,), (v,) = dyn.coordinates, dyn.velocities
    wrong = sympy.exp(-(v**2 / 2 + x**4 / 4))  # T = 1, but σ²/(2γ) = 1/2
    assert sympy.simplify(fokker_planck(dyn, wrong)) != 0


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_quadratic_gibbs_matches_the_lyapunov_limit(d):
    rng = np.random.default_rng(d)
    coords = sympy.symbols(f"q0:{d}", real=True)
    curv = [sympy.Rational(int(c), 2) for c in rng.integers(1, 7, size=d)]
    shift = [int(s) for s in rng.integers(-2, 3, size=d)]
    loss = sum(c * (q - s)**2 for c, q, s in zip(curv, coords, shift)) + 3
    dyn = Dynamics(loss, coords, damping=sympy.Rational(3, 4), noise=sympy.Rational(1, 2))
    gibbs = gibbs_stationary(dyn)
    assert gibbs.method.startswith("exact (closed form")
    lyapunov = quadratic_moments(dyn, [0] * d, [0] * d).stationary_inertia()
    assert float(gibbs.expected_inertia) == pytest.approx(lyapunov, rel=1e-12)
    # Equipartition: dT + min L.
    T = sympy.Rational(1, 4) / (2 * sympy.Rational(3, 4))
    assert sympy.simplify(gibbs.expected_inertia - (d * T + 3)) == 0


@pytest.mark.parametrize("power", [4, 6])
def test_monomial_losses_exact_and_symbolic(power):
    dyn = Dynamics.from_text(f"c*x**{power}", "x", damping="gamma", noise="sigma")
    gibbs = gibbs_stationary(dyn)
    c, gamma, sigma = sorted(dyn.parameters, key=lambda p: p.name)
    T = sigma**2 / (2 * gamma)
    # Generalised equipartition: E[θ ∂L/∂θ] = T, so E[c x^n] = T/n; plus T/2 kinetic.
    assert sympy.simplify(gibbs.expected_inertia - (T / 2 + T / power)) == 0


def _mpmath_mean(loss, T, reach=mpmath.inf):
    """An independent reference: mpmath's tanh-sinh quadrature at 30 digits.  ``reach`` cuts the
    line for losses whose huge values mpmath would evaluate slowly (cosh); at |x| = 30 their
    weight e^{-L/T} is below 1e-1000000."""
    mpmath.mp.dps = 30
    w = lambda x: mpmath.e ** (-loss(x) / T)  # noqa: E731
    pts = [-reach, -2, -1, 0, 1, 2, reach]
    return float(mpmath.quad(lambda x: loss(x) * w(x), pts) / mpmath.quad(w, pts))


@pytest.mark.parametrize("text, fn", [
    ("x**4/4 - x**2/2", lambda x: x**4 / 4 - x**2 / 2),
    ("x**4 + x**3 - x", lambda x: x**4 + x**3 - x),
    ("cosh(x) + sin(3*x)", lambda x: mpmath.cosh(x) + mpmath.sin(3 * x)),
])
@pytest.mark.parametrize("temperature", [0.25, 1.0])
def test_quadrature_against_mpmath(text, fn, temperature):
    sigma = float(np.sqrt(2 * temperature))  # γ = 1, T = σ²/2
    dyn = Dynamics.from_text(text, "x", damping="1", noise=repr(sigma))
    gibbs = gibbs_stationary(dyn)
    assert gibbs.method.startswith("quadrature")
    reference = temperature / 2 + _mpmath_mean(fn, temperature, reach=30)
    # quad's epsrel is 1e-10; allow 100× for the ratio of two integrals and the box cut-off.
    assert gibbs.expected_inertia == pytest.approx(reference, rel=1e-8, abs=1e-10)
    assert gibbs.quadrature_error < 1e-8 * max(1.0, abs(reference))


def test_separable_quadrature_in_four_dimensions():
    text = "x1**4/4 - x1**2/2 + x2**4 + x3**2 + cosh(x4)"
    dyn = Dynamics.from_text(text, "x1,x2,x3,x4", damping="1", noise="1")
    gibbs = gibbs_stationary(dyn)
    pieces = [lambda x: x**4 / 4 - x**2 / 2, lambda x: x**4, lambda x: x**2, mpmath.cosh]
    reference = 4 * 0.25 + sum(_mpmath_mean(p, 0.5, reach=30) for p in pieces)
    assert gibbs.expected_inertia == pytest.approx(reference, rel=1e-8)


@pytest.mark.parametrize("text, kwargs, fragment", [
    ("x", dict(damping="1", noise="1"), "not integrable"),
    ("log(1 + x**2)", dict(damping="1", noise="2"), "not integrable"),  # T = 2: ∫(1+x²)^(-1/2)
    ("x**2*y**2 + x**4 + y**4", dict(damping="1", noise="1"), "couples the coordinates"),
    ("x**2", dict(damping="1/t", noise="1"), "not a constant scalar"),
    ("x**2", dict(damping="[[1]]", noise="1"), "not a constant scalar"),
    ("x**2", dict(damping="1", noise="[[1, 1]]"), "not σI"),
    ("x**2", dict(damping="1", noise="x"), "not σI"),
    ("x**2", dict(damping="1", noise="1", mass="[[2]]"), "mass"),
    ("x**2", dict(damping="0", noise="1"), "not a constant scalar"),
    ("x**2", dict(damping="-1", noise="1"), "≤ 0"),
])
def test_rejections(text, kwargs, fragment):
    names = "x,y" if "y" in text else "x"
    with pytest.raises(InvalidArgument, match=fragment):
        gibbs_stationary(Dynamics.from_text(text, names, **kwargs))


def test_normalisable_logarithmic_growth_is_accepted():
    # T = 1/2: exp(-2 log(1+x²)) = (1+x²)^-2 is integrable.
    gibbs = gibbs_stationary(Dynamics.from_text("log(1 + x**2)", "x", damping="1", noise="1"))
    reference = 0.25 + _mpmath_mean(lambda x: mpmath.log(1 + x**2), 0.5)
    assert gibbs.expected_inertia == pytest.approx(reference, rel=1e-7)


def test_quadrature_needs_values_and_output_renders():
    dyn = Dynamics.from_text("x**4/4 - a*x**2/2", "x", damping="1", noise="1")
    with pytest.raises(InvalidArgument, match="symbolic"):
        gibbs_stationary(dyn)
    gibbs = gibbs_stationary(dyn, {"a": 1.0})
    assert gibbs.to_dict()["method"].startswith("quadrature")
    assert "Gibbs" in str(gibbs) and gibbs._repr_latex_().startswith("$$")


@pytest.mark.slow
@pytest.mark.parametrize("text", ["3*x**2/2 - x + 2", "c*x**4", "x**6/2"])
def test_closed_forms_agree_with_sympy_integrate(text):
    """The built-in closed forms (Gaussian, T/n) against sympy.integrate of the same law."""
    dyn = Dynamics.from_text(text, "x", damping="gamma", noise="sigma")
    closed = gibbs_stationary(dyn)
    (x,) = dyn.coordinates
    T = closed.temperature
    Tpos = sympy.Symbol("T", positive=True)
    loss = dyn.loss.xreplace({p: sympy.Symbol(p.name, positive=True) for p in dyn.parameters
                              if p.name == "c"})
    w = sympy.exp(-loss / Tpos)
    mean = (sympy.integrate(loss * w, (x, -sympy.oo, sympy.oo))
            / sympy.integrate(w, (x, -sympy.oo, sympy.oo)))
    expected = T / 2 + mean.xreplace({Tpos: T})
    got = closed.expected_inertia.xreplace({p: sympy.Symbol(p.name, positive=True)
                                            for p in dyn.parameters if p.name == "c"})
    assert sympy.simplify(got - expected) == 0
