"""InertiaMonitor: gradient-free inertia of a momentum training loop."""

import math

import numpy as np
import pytest

from inertia_verify import InvalidArgument
from inertia_verify.numeric import InertiaMonitor

EPS = np.finfo(float).eps


def _quadratic(d=20, seed=0):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(d, d))
    return q @ q.T / d + 0.1 * np.eye(d), rng.normal(size=d)


def _heavy_ball(A, theta, lr, beta, steps, monitor, noise=None, nesterov=False):
    prev = theta.copy()
    for _ in range(steps):
        monitor.update([theta], 0.5 * float(theta @ A @ theta))
        point = theta + beta * (theta - prev) if nesterov else theta
        g = A @ point
        if noise is not None:
            g = g + noise()
        new = point - lr * g if nesterov else theta - lr * g + beta * (theta - prev)
        theta, prev = new, theta
    return theta


def test_modified_inertia_equals_its_gradient_formula():
    # Ĩ_k = I_k - (h/2) v_k·∇L(θ_k) for heavy ball: computed here with the gradient, by the
    # monitor from the parameters only.  Tolerance: a few roundings of O(I) sums, 64 ε max(1,|I|).
    A, theta0 = _quadratic()
    lr, beta = 0.02, 0.8
    monitor = InertiaMonitor(lr=lr, momentum=beta)
    h = math.sqrt(lr)
    theta, prev = theta0.copy(), theta0.copy()
    expected = []
    for _ in range(300):
        monitor.update([theta], 0.5 * float(theta @ A @ theta))
        v = (theta - prev) / h
        expected.append(0.5 * v @ v + 0.5 * theta @ A @ theta - h / 2 * v @ (A @ theta))
        theta, prev = theta - lr * A @ theta + beta * (theta - prev), theta
    got = np.array(monitor.modified_inertia)
    assert got.size == 299
    scale = np.maximum(1.0, np.abs(expected[:299]))
    assert np.all(np.abs(got - expected[:299]) <= 64 * EPS * scale)


def test_momentum_alone_is_fully_explained_by_the_damping_term():
    # A flat loss: θ_{k+1} = θ_k + β(θ_k - θ_{k-1}), so ΔI_k = ½(β² - 1)‖v_{k-1}‖² exactly and
    # the remainder vanishes to round-off.
    beta, lr = 0.7, 0.04
    monitor = InertiaMonitor(lr=lr, momentum=beta)
    rng = np.random.default_rng(1)
    theta, prev = rng.normal(size=100), rng.normal(size=100)
    # Start with a nonzero velocity: feed θ_{-1} first (its change is not counted below).
    monitor.update([prev], 1.0)
    for _ in range(30):
        monitor.update([theta], 1.0)
        theta, prev = theta + beta * (theta - prev), theta
    damping = np.array(monitor.damping_part[1:])
    remainder = np.array(monitor.remainder[1:])
    assert np.all(damping < 0)
    assert np.all(np.abs(remainder) <= 64 * EPS * np.maximum(1.0, np.abs(monitor.inertia[2:])))


def test_full_batch_decays_monotonically_and_damping_dominates():
    # Smooth convex quadratic, lr·λ_max ≈ 0.04 ≪ 1: the decay predicted by dI/dt = -γ‖v‖².
    A, theta0 = _quadratic(d=50)
    monitor = InertiaMonitor(lr=0.01, momentum=0.9)
    _heavy_ball(A, theta0, 0.01, 0.9, 1500, monitor)
    s = monitor.summary()
    assert s["increases"] == 0 and s["modified_increases"] == 0
    assert abs(s["remainder"]) < 0.1 * abs(s["damping_explained"])


def test_mini_batch_noise_breaks_monotone_decay():
    # Gradient noise pumps energy in: the inertia goes up on many steps.
    A, theta0 = _quadratic(d=50)
    rng = np.random.default_rng(3)
    monitor = InertiaMonitor(lr=0.01, momentum=0.9)
    _heavy_ball(A, theta0, 0.01, 0.9, 1500, monitor, noise=lambda: rng.normal(scale=1.0, size=50))
    assert monitor.summary()["increases"] > 100


def test_nesterov_full_batch_also_decays():
    A, theta0 = _quadratic(d=30, seed=4)
    monitor = InertiaMonitor(lr=0.01, momentum=0.9, nesterov=True)
    _heavy_ball(A, theta0, 0.01, 0.9, 1000, monitor, nesterov=True)
    assert monitor.summary()["increases"] == 0


def test_any_shapes_and_several_arrays_equal_one_flat_array():
    rng = np.random.default_rng(2)
    shapes = [(3, 4), (5,), (2, 2, 2)]
    a = InertiaMonitor(lr=0.01, momentum=0.5)
    b = InertiaMonitor(lr=0.01, momentum=0.5)
    params = [rng.normal(size=s) for s in shapes]
    for k in range(20):
        loss = float(k) ** 0.5
        a.update(params, loss)
        b.update(np.concatenate([p.ravel() for p in params]), loss)
        params = [p + 0.01 * rng.normal(size=p.shape) for p in params]
    assert np.allclose(a.inertia, b.inertia, rtol=64 * EPS, atol=0)
    assert np.allclose(a.modified_inertia, b.modified_inertia, rtol=64 * EPS, atol=0)


def test_divergence_is_recorded():
    monitor = InertiaMonitor(lr=0.1, momentum=0.9)
    monitor.update([np.ones(3)], 1.0)
    monitor.update([np.ones(3) * 1e200], math.inf)
    assert monitor.diverged_at == 1
    assert "diverged" in str(monitor)


def test_parameters_are_not_modified_and_summary_is_json():
    import json

    monitor = InertiaMonitor(lr=0.01, momentum=0.9)
    theta = np.arange(4.0)
    keep = theta.copy()
    monitor.update([theta], 1.0)
    monitor.update([theta + 1], 0.5)
    assert np.array_equal(theta, keep)
    json.dumps(monitor.to_dict(), allow_nan=False)
    assert monitor.dt == pytest.approx(0.1) and monitor.damping == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs,argument", [
    ({"lr": 0.0, "momentum": 0.9}, "lr"),
    ({"lr": 0.1, "momentum": 1.5}, "momentum"),
    ({"lr": 0.1, "momentum": -0.1}, "momentum"),
    ({"lr": 0.1, "momentum": 0.9, "convention": "exact"}, "convention"),
    ({"lr": 0.1, "momentum": 0.0, "convention": "conformal"}, "momentum"),
    ({"lr": 0.1, "momentum": 0.9, "dt": -1.0}, "dt"),
    ({"lr": "fast", "momentum": 0.9}, "lr"),
])
def test_bad_construction(kwargs, argument):
    with pytest.raises(InvalidArgument) as info:
        InertiaMonitor(**kwargs)
    assert info.value.argument == argument


def test_bad_updates():
    monitor = InertiaMonitor(lr=0.1, momentum=0.9)
    with pytest.raises(InvalidArgument) as info:
        monitor.update([np.arange(3)], 1.0)  # integer parameters
    assert info.value.argument == "params"
    monitor.update([np.zeros(3)], 1.0)
    with pytest.raises(InvalidArgument, match="changed shape"):
        monitor.update([np.zeros(4)], 1.0)
    with pytest.raises(InvalidArgument) as info:
        monitor.update([np.zeros(3)], "low")
    assert info.value.argument == "loss"


def test_without_the_modified_inertia_the_rest_is_unchanged():
    rng = np.random.default_rng(6)
    a = InertiaMonitor(lr=0.01, momentum=0.8)
    b = InertiaMonitor(lr=0.01, momentum=0.8, track_modified=False)
    theta = rng.normal(size=(7, 3))
    for k in range(15):
        a.update([theta], float(k))
        b.update([theta], float(k))
        theta = theta + 0.1 * rng.normal(size=theta.shape)
    assert a.inertia == b.inertia and a.remainder == b.remainder
    assert b.modified_inertia == [] and len(a.modified_inertia) == 14


def _pytorch_heavy_ball(monitor_kwargs, use_displacement, steps=60, seed=3):
    """PyTorch-style heavy ball (buf ← μ·buf + g; θ ← θ − lr·buf) on a quadratic in 2 arrays."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, 4))
    b = rng.standard_normal(5)
    scales_a, scales_b = rng.uniform(0.5, 2.0, a.shape), rng.uniform(0.5, 2.0, b.shape)
    buf_a, buf_b = np.zeros_like(a), np.zeros_like(b)
    lr, mu = 0.05, 0.8
    monitor = InertiaMonitor(lr=lr, momentum=mu, **monitor_kwargs)
    for _ in range(steps):
        loss = 0.5 * float(np.sum(scales_a * a * a) + np.sum(scales_b * b * b))
        if use_displacement:
            monitor.update([a, b], loss, displacement=[buf_a, buf_b], scale=-lr)
        else:
            monitor.update([a, b], loss)
        buf_a = mu * buf_a + scales_a * a
        buf_b = mu * buf_b + scales_b * b
        a = a - lr * buf_a
        b = b - lr * buf_b
    return monitor


@pytest.mark.parametrize("track_modified", [True, False])
def test_displacement_mode_matches_parameter_mode(track_modified):
    # θ_k − θ_{k−1} = −lr·buf_k exactly (up to the rounding of one subtraction), so both modes
    # must give the same inertia to ~1e-12 relative: a few ulps of the parameters, amplified
    # by 1/lr in v = Δθ/h.
    slow = _pytorch_heavy_ball({"track_modified": track_modified}, use_displacement=False)
    fast = _pytorch_heavy_ball({"track_modified": track_modified}, use_displacement=True)
    np.testing.assert_allclose(fast.inertia, slow.inertia, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fast.remainder, slow.remainder, rtol=1e-9, atol=1e-13)
    if track_modified:
        np.testing.assert_allclose(fast.modified_inertia, slow.modified_inertia, rtol=1e-12)


def test_displacement_mode_cannot_be_mixed():
    monitor = InertiaMonitor(lr=0.1, momentum=0.9)
    theta = np.ones(3)
    monitor.update([theta], 1.0, displacement=[np.zeros(3)])
    with pytest.raises(InvalidArgument, match="displacement"):
        monitor.update([theta], 1.0)
    with pytest.raises(InvalidArgument, match="shapes"):
        monitor.update([theta], 1.0, displacement=[np.zeros(4)])
