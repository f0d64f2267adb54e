"""compile_dynamics: the compiled callables equal the symbolic expressions, shapes broadcast."""

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument, inertia, inertia_rate
from inertia_verify.numeric import compile_dynamics

#: Compiled and SymPy evaluation differ only by float rounding of a few operations.
RTOL = 1e-12


def _points(d, paths=5, seed=0):
    rng = np.random.default_rng(seed)
    theta, v = rng.normal(size=(paths, d)), rng.normal(size=(paths, d))
    theta[0] = 0.0  # the minimum of the quadratic losses below
    v[1] = 0.0      # at rest
    return theta, v


def _symbolic(expr, dyn, theta, v, t=0.7):
    subs = lambda i: {**dict(zip(dyn.coordinates, theta[i])), **dict(zip(dyn.velocities, v[i])),
                      dyn.time: t}
    return np.array([float(expr.xreplace(subs(i))) for i in range(theta.shape[0])])


SYSTEMS = [
    ("x**4/4 - x**2/2 + a*y**2 + x*y", "x,y", "gamma", None, {"a": 0.5, "gamma": 0.3}),
    ("x**2/2 + 2*y**2 + cos(x*y)", "x,y", "[[1, 0.5], [0, 2]]", "[[2, 1], [1, 3]]", None),
    ("exp(-x**2) + 3*y + z**2", "x,y,z", "3/t", None, None),
]


@pytest.mark.parametrize("loss, coords, damping, mass, values", SYSTEMS)
def test_compiled_functions_equal_symbolic(loss, coords, damping, mass, values):
    dyn = Dynamics.from_text(loss, coords, damping=damping, mass=mass)
    compiled = compile_dynamics(dyn, values)
    concrete = compiled.dynamics
    theta, v = _points(dyn.dimension)
    t = 0.7
    grad = np.column_stack([_symbolic(g, concrete, theta, v) for g in concrete.gradient])
    acc = np.column_stack([_symbolic(a, concrete, theta, v, t) for a in concrete.acceleration])
    np.testing.assert_allclose(compiled.gradient(theta), grad, rtol=RTOL, atol=RTOL)
    np.testing.assert_allclose(compiled.acceleration(t, theta, v), acc, rtol=RTOL, atol=RTOL)
    np.testing.assert_allclose(compiled.loss(theta), _symbolic(concrete.loss, concrete, theta, v),
                               rtol=RTOL, atol=RTOL)
    np.testing.assert_allclose(compiled.inertia(theta, v),
                               _symbolic(inertia(concrete), concrete, theta, v), rtol=RTOL, atol=RTOL)
    np.testing.assert_allclose(compiled.rate(t, theta, v),
                               _symbolic(inertia_rate(concrete), concrete, theta, v, t),
                               rtol=RTOL, atol=RTOL)
    gamma = np.array(concrete.damping.subs(concrete.time, t).evalf().tolist(), dtype=float)
    np.testing.assert_allclose(compiled.damping_matrix(t), gamma, rtol=RTOL)


def test_shapes_and_constant_entries_broadcast():
    # ∂L/∂y = 3 is a constant: lambdify returns a scalar, the result must still be (paths, d)
    compiled = compile_dynamics(Dynamics.from_text("x**2 + 3*y + 1", "x,y"))
    theta = np.ones((7, 2))
    assert compiled.gradient(theta).shape == (7, 2)
    np.testing.assert_array_equal(compiled.gradient(theta)[:, 1], 3.0)
    assert compiled.loss(theta).shape == (7,)
    assert compiled.inertia(theta, theta).shape == (7,)
    assert compiled.rate(0.0, theta, theta).shape == (7,)
    np.testing.assert_array_equal(compiled.rate(0.0, theta, theta), 0.0)
    assert compiled.acceleration(0.0, [1.0, 2.0], [0.0, 0.0]).shape == (1, 2)
    with pytest.raises(InvalidArgument, match="shape"):
        compiled.gradient(np.ones((3, 5)))


def test_source_is_inspectable_straight_line_code():
    compiled = compile_dynamics(Dynamics.from_text("x**3/3 + x*y**2", "x,y", damping="0.1"))
    assert set(compiled.source) >= {"gradient", "loss", "rate", "damping"}
    assert "def _lambdifygenerated(x, y)" in compiled.source["gradient"]
    # small integer powers are written as products (numpy.power is several times slower)
    assert "x*x" in compiled.source["gradient"] and "**" not in compiled.source["gradient"]
    assert "for " not in compiled.source["gradient"]


def test_damping_propagator_is_the_exact_flow():
    compiled = compile_dynamics(Dynamics.from_text("x**2/2", "x", damping="3/t"))
    # ∫_1^1.5 3/s ds = 3 log 1.5: the antiderivative is found, so the factor is exact
    assert compiled.damping_propagator(1.0, 0.5) == pytest.approx(1.5**-3, rel=1e-14)
    matrix = compile_dynamics(Dynamics.from_text("x**2/2 + y**2", "x,y",
                                                 damping="[[1, 0.5], [0, 2]]"))
    from scipy.linalg import expm

    np.testing.assert_allclose(matrix.damping_propagator(0.0, 0.1),
                               expm(-0.1 * np.array([[1, 0.5], [0, 2]])), rtol=1e-14)


def test_abstract_loss_is_rejected():
    with pytest.raises(InvalidArgument, match="abstract losses cannot be simulated"):
        compile_dynamics(Dynamics.abstract(2))


def test_parameters_need_values():
    dyn = Dynamics.from_text("a*x**2 + b*x", "x", damping="g")
    with pytest.raises(InvalidArgument) as info:
        compile_dynamics(dyn, {"a": 1.0})
    assert "b, g" in str(info.value) and "values=" in str(info.value)
    with pytest.raises(InvalidArgument, match="real number"):
        compile_dynamics(dyn, {"a": "1", "b": 1, "g": 1})
    with pytest.raises(InvalidArgument, match="not finite"):
        compile_dynamics(dyn, {"a": float("inf"), "b": 1, "g": 1})
    with pytest.raises(InvalidArgument, match="not a parameter"):
        compile_dynamics(dyn, {"zzz": 1.0})
    with pytest.raises(InvalidArgument, match="must be a Dynamics"):
        compile_dynamics("x**2")


def test_hessian_for_stability():
    compiled = compile_dynamics(Dynamics.from_text("x**4/4 + x*y", "x,y"))
    np.testing.assert_allclose(compiled.hessian([2.0, 0.0]), [[12.0, 1.0], [1.0, 0.0]])


def test_blocked_evaluation_equals_unblocked():
    compiled = compile_dynamics(Dynamics.from_text("x**4/4 + 3*y + x*y", "x,y", damping="0.2"))
    rng = np.random.default_rng(3)
    theta, v = rng.normal(size=(40_001, 2)), rng.normal(size=(40_001, 2))
    blocked = [compiled.gradient(theta), compiled.loss(theta), compiled.rate(0.0, theta, v)]
    compiled.block_paths = None
    whole = [compiled.gradient(theta), compiled.loss(theta), compiled.rate(0.0, theta, v)]
    for a, b in zip(blocked, whole):
        np.testing.assert_array_equal(a, b)
