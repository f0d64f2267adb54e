"""The exact moment ODE of quadratic-loss noisy dynamics: its E[I](t), the t → ∞ limit and the
closed forms, checked against independent facts (equipartition, Itô's formula, Lyapunov)."""

import numpy as np
import pytest
import scipy.linalg
import sympy

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.symbolic import quadratic_moments

#: expm-based values are exact up to round-off; comparisons of two exact routes allow this
#: relative error (a few hundred ulps of accumulated matrix-exponential round-off).
EXACT_RTOL = 1e-9


def _random_quadratic(d, seed, isotropic=False):
    rng = np.random.default_rng(seed)
    coords = sympy.symbols(f"q0:{d}", real=True)
    R = rng.normal(size=(d, d))
    A = R @ R.T + 0.5 * np.eye(d)
    b = rng.normal(size=d)
    loss = sum(A[i, j] / 2 * coords[i] * coords[j] for i in range(d) for j in range(d))
    loss += sum(bi * q for bi, q in zip(b, coords)) + 0.7
    if isotropic:
        return Dynamics(loss, coords, damping=0.8, noise=0.6), A, b
    G = rng.normal(size=(d, d))
    gamma = G @ G.T + 0.3 * np.eye(d)  # positive definite: stable
    sigma = rng.normal(size=(d, d + 1))
    return Dynamics(loss, coords, damping=sympy.Matrix(gamma), noise=sympy.Matrix(sigma)), A, b


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_equipartition_for_scalar_damping_and_isotropic_noise(d):
    dyn, A, b = _random_quadratic(d, seed=d, isotropic=True)
    moments = quadratic_moments(dyn, np.ones(d), np.zeros(d))
    T = 0.6**2 / (2 * 0.8)
    # Stationary: θ ~ N(-A⁻¹b, T A⁻¹), v ~ N(0, T I): E[I] = dT + L(θ*) (d/2·T from each half).
    minimum = 0.7 - 0.5 * b @ np.linalg.solve(A, b)
    expected = d * T + minimum
    assert moments.stationary_inertia() == pytest.approx(expected, rel=EXACT_RTOL)
    assert moments.expected_inertia([400.0])[0] == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_rate_of_the_exact_mean_is_the_ito_drift(d):
    """d/dt E[I] (central difference of the exact solution) = E[-vᵀΓv] + ½ tr ΣΣᵀ."""
    dyn, A, b = _random_quadratic(d, seed=100 + d)
    moments = quadratic_moments(dyn, np.linspace(-1, 1, d), np.ones(d))
    gamma = np.array(dyn.damping.tolist(), dtype=float)
    sigma = np.array(dyn.noise.tolist(), dtype=float)
    delta = 1e-3

    def central(t, h):
        lo, hi = moments.expected_inertia([t - h, t + h])
        return (hi - lo) / (2 * h)

    for t in (0.01, 0.7, 2.5):
        # Richardson on the central difference removes its δ² truncation; what is left is the
        # δ⁴ term (~1e-12 here) and round-off of expm (~1e-16·|E[I]|/δ ~ 1e-12).
        slope = (4 * central(t, delta / 2) - central(t, delta)) / 3
        m = moments.mean([t])[0]
        S = moments.covariance([t])[0] + np.outer(m, m)
        drift = -np.trace(gamma @ S[d:, d:]) + 0.5 * np.trace(sigma @ sigma.T)
        assert slope == pytest.approx(drift, abs=1e-8, rel=1e-8)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_stationary_covariance_solves_lyapunov(d):
    dyn, _, _ = _random_quadratic(d, seed=7 + d)
    moments = quadratic_moments(dyn, np.zeros(d), np.zeros(d))
    F = np.array(moments.F.tolist(), dtype=float)
    G = np.array(moments.G.tolist(), dtype=float)
    P = moments.covariance([300.0])[0]
    residual = F @ P + P @ F.T + G @ G.T
    assert np.max(np.abs(residual)) <= 1e-8 * np.max(np.abs(G @ G.T))
    assert np.allclose(P, scipy.linalg.solve_continuous_lyapunov(F, -G @ G.T), rtol=1e-7, atol=1e-10)


def test_symbolic_limit_and_closed_form():
    dyn = Dynamics.from_text("w*x**2/2", "x", damping="gamma", noise="sigma")
    moments = quadratic_moments(dyn, [1], [0])
    g, s, w = sorted(dyn.parameters, key=lambda p: p.name)
    assert sympy.simplify(moments.stationary_inertia_expr() - s**2 / (2 * g)) == 0
    values = {"w": 2.0, "gamma": 0.5, "sigma": 0.7}
    expr = moments.expected_inertia_expr()
    subs = {p: values[p.name] for p in dyn.parameters}
    times = [0.0, 0.3, 1.0, 4.0]
    symbolic = [complex(sympy.N(expr.xreplace(subs).subs(dyn.time, t))) for t in times]
    assert np.allclose(np.real(symbolic), moments.expected_inertia(times, values), rtol=1e-10)
    assert np.max(np.abs(np.imag(symbolic))) < 1e-12


@pytest.mark.parametrize("loss, names, start", [
    ("x**2/2", "x", ([1], [0])),
    pytest.param("x**2/2 + y**2", "x,y", ([1, 0], [0, 1]), marks=pytest.mark.slow),
])
def test_numeric_closed_form_is_real_and_matches(loss, names, start):
    dyn = Dynamics.from_text(loss, names, damping="1/2", noise="1")
    moments = quadratic_moments(dyn, *start)
    expr = moments.expected_inertia_expr()
    assert not expr.has(sympy.I) and expr.free_symbols == {dyn.time}
    f = sympy.lambdify(dyn.time, expr)
    times = np.array([0.0, 0.5, 3.0])
    assert np.allclose(f(times), moments.expected_inertia(times), rtol=1e-10)


def test_noiseless_and_undamped_cases():
    quiet = Dynamics.from_text("x**2/2", "x", damping="1")
    # θ'' + θ' + θ = 0 from (1, 0): θ = e^{-t/2}(cos ωt + sin ωt/(2ω)), v = -e^{-t/2} sin ωt/ω.
    w, t = np.sqrt(3) / 2, 5.0
    theta = np.exp(-t / 2) * (np.cos(w * t) + np.sin(w * t) / (2 * w))
    v = -np.exp(-t / 2) * np.sin(w * t) / w
    assert quadratic_moments(quiet, [1], [0]).expected_inertia([t])[0] == pytest.approx(
        (theta**2 + v**2) / 2, rel=EXACT_RTOL)
    free = Dynamics.from_text("x**2/2", "x", noise="s")
    m = quadratic_moments(free, [0], [0])
    # γ = 0: dE[I]/dt = ½σ² exactly, so E[I](t) = σ²t/2.
    assert m.expected_inertia([3.0], {"s": 2.0})[0] == pytest.approx(6.0, rel=EXACT_RTOL)
    with pytest.raises(InvalidArgument, match="no stationary law"):
        m.stationary_inertia({"s": 2.0})


@pytest.mark.parametrize("loss, kwargs, fragment", [
    ("x**4", dict(damping="1", noise="1"), "degree 4"),
    ("cos(x)", dict(damping="1", noise="1"), "not a polynomial"),
    ("x**2", dict(damping="1/t", noise="1"), "depends on t"),
    ("x**2", dict(damping="1", noise="x"), "depends on the state"),
])
def test_rejects_systems_without_closed_moments(loss, kwargs, fragment):
    with pytest.raises(InvalidArgument, match=fragment):
        quadratic_moments(Dynamics.from_text(loss, "x", **kwargs), [0], [0])


def test_bad_start_and_missing_values():
    dyn = Dynamics.from_text("x**2/2", "x", damping="g", noise="s")
    with pytest.raises(InvalidArgument, match="expected 1"):
        quadratic_moments(dyn, [0, 1], [0])
    with pytest.raises(InvalidArgument, match="gives no value"):
        quadratic_moments(dyn, [0], [0]).expected_inertia([1.0], {"g": 1.0})
    with pytest.raises(InvalidArgument, match="non-negative"):
        quadratic_moments(dyn, [0], [0]).expected_inertia([-1.0], {"g": 1.0, "s": 1.0})


def test_values_are_never_evaluated_as_text():
    import pytest as _pytest

    from inertia_verify import Dynamics, InvalidArgument
    from inertia_verify.symbolic import quadratic_moments

    moments = quadratic_moments(Dynamics.from_text("x**2/2", "x", damping="g", noise="1"),
                                [1.0], [0.0])
    for hostile in ['__import__("os").getpid()', ['__import__("os").getpid()']]:
        with _pytest.raises(InvalidArgument, match=r"values\['g'\]"):
            moments.expected_inertia([1.0], {"g": hostile})
