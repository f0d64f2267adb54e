"""Momentum laws along numerically integrated trajectories of a fixed loss (least squares).

The laws are checked with the numeric layer's dop853 reference (rtol = atol = 1e-12).  The
error of h = T(t)·A(θ, v) is measured in units of rtol · T(t) · Σ|terms of A| (the size of the
quantity whose relative accuracy the integrator controls, times the known time factor); an
adaptive 8th-order method keeps its global error within a small multiple of that over these
short horizons, so 100 units is the bound.  The same runs show that A alone and the inertia
are not conserved, so the check can fail.
"""

import numpy as np
import pytest
import sympy

from inertia_verify import TIME, Dynamics
from inertia_verify.laws import deep_linear, find_laws, two_layer_relu
from inertia_verify.numeric import simulate

RTOL = 1e-12
UNITS = 100


def _least_squares(net, rows, cols):
    phi = sympy.Matrix(rows, cols, list(net.components))
    target = sympy.Matrix(rows, cols, lambda a, b: sympy.Rational(a + 2 * b + 1, 3))
    return sympy.Rational(1, 2) * sum((phi - target).applyfunc(lambda e: e**2))


def _along(net, law, run, velocities):
    h = sympy.lambdify([TIME, *net.parameters, *velocities], law, "numpy")
    factor = law.as_independent(*net.parameters, *velocities)[0]
    bare = sympy.expand(law / factor)
    scale = sympy.lambdify([TIME, *net.parameters, *velocities],
                           factor * sum(abs(a) for a in bare.args), "numpy")
    a_only = sympy.lambdify([*net.parameters, *velocities], bare, "numpy")
    rows = [(t, run.theta[k, 0], run.v[k, 0]) for k, t in enumerate(run.times)]
    h_values = np.array([h(t, *th, *v) for t, th, v in rows])
    units = np.array([RTOL * scale(t, *th, *v) for t, th, v in rows])
    bare_values = np.array([a_only(*th, *v) for _, th, v in rows])
    return np.abs(h_values - h_values[0]) / units, bare_values


@pytest.mark.parametrize("tau, t0", [(sympy.Rational(1, 2), 0.0), ("3/t", 1.0)])
def test_momentum_law_conserved_along_a_damped_least_squares_run(tau, t0):
    net = deep_linear([2, 2, 3])
    (law,) = find_laws(net, 2, "momentum", tau=tau, compare=False).laws
    damping = tau if tau != "3/t" else 3 / TIME
    dyn = Dynamics(_least_squares(net, 2, 3), list(net.parameters), damping=damping)
    rng = np.random.default_rng(11)
    theta0, v0 = rng.uniform(-1, 1, net.dimension), rng.uniform(-0.5, 0.5, net.dimension)
    run = simulate(dyn, theta0, v0, t0 + 4.0, 0.01, scheme="dop853", keep_states=True, t0=t0)
    assert run.divergence is None
    error, bare = _along(net, law, run, dyn.velocities)
    assert error.max() <= UNITS
    # The law without its time factor decays (A(t) = A(t0)·e^{-τ(t-t0)} or A(t0)(t0/t)^3).
    expected_ratio = (np.exp(-0.5 * 4.0) if tau != "3/t" else (t0 / (t0 + 4.0)) ** 3)
    assert bare[-1] / bare[0] == pytest.approx(expected_ratio, rel=1e-8)
    assert run.inertia[-1, 0] < run.inertia[0, 0]


def test_relu_gradient_law_is_not_a_momentum_law_along_a_run():
    # ‖u‖² − ‖v‖² is conserved by the gradient flow but drifts under momentum (no ReLU
    # momentum law exists); the drift is many tolerance units, so the check has teeth.
    net = two_layer_relu([1, 1, 2])
    u, v0_, v1_ = net.parameters
    law = u**2 - v0_**2 - v1_**2
    loss = sympy.Rational(1, 2) * ((net.components[0] - 1) ** 2 + (net.components[1] + 2) ** 2)
    dyn = Dynamics(loss, list(net.parameters), damping=sympy.Rational(1, 2))
    run = simulate(dyn, [0.5, 0.3, -0.2], [0.1, 0.0, 0.2], 3.0, 0.01, scheme="dop853",
                   keep_states=True)
    h = sympy.lambdify(net.parameters, law, "numpy")
    values = np.array([h(*th) for th in run.theta[:, 0]])
    assert np.abs(values - values[0]).max() > 1e6 * RTOL * np.abs(values).max()
