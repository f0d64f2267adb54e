"""Every registered scheme against what it declares (diffrax's ``test_ode_order`` habit).

The test reads the declarations, never a list of names: a scheme added to the registry is fitted
here by being registered, and one that declares no order fails.

* Fixed-step deterministic schemes: the slope of the error at fixed times against the closed
  form of linear problems (damped oscillator, matrix damping with a mass, undamped), step halving
  stopped before round-off, within ``BAND`` of the declared ``order``.
* References: the error in units of the declared ``relative_accuracy`` (SciPy's
  ``compute_error`` habit) against the closed form.
* SDE schemes: the weak order from coupled step halvings (the difference of the means at h and
  h/2 driven by the same Brownian increments has a small variance), with √N standard errors and a
  fixed seed; the strong order against a closed-form path driven by the same increments.
"""

import functools
import math

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.numeric import QuadraticSolution, compile_dynamics, compile_sde, simulate
from inertia_verify.schemes import (FIXED_STEP, REFERENCES, REGISTRY, SDE_SCHEMES, ImplicitDamping,
                                    Integrator, ReferenceSolver, Scheme, SDEScheme)
from inertia_verify.schemes._registry import _INSTANCES

#: The fitted slope must be within this band of the declared order (deterministic schemes: the
#: closed form is exact, so the band only absorbs the pre-asymptotic curvature of the error).
BAND = 0.2
#: SDE slopes carry Monte Carlo noise (√N error bars below) on top of the curvature.
SDE_BAND = 0.3
#: A Monte Carlo difference must stand this many standard errors clear of zero to be fitted.
Z = 4.0


# -- declarations --------------------------------------------------------------------------------

def _declared(scheme: Integrator) -> dict:
    """The orders (or accuracy) a scheme of each family must declare."""
    if isinstance(scheme, Scheme):
        return {"order": scheme.order}
    if isinstance(scheme, SDEScheme):
        return {"strong_order": scheme.strong_order, "weak_order": scheme.weak_order,
                "stationary_order": scheme.stationary_order}
    if isinstance(scheme, ReferenceSolver):
        return {"relative_accuracy": scheme.relative_accuracy}
    return {"family": None}  # not a scheme of any family the drivers run


def _undeclared(scheme: Integrator) -> list:
    return [key for key, value in _declared(scheme).items()
            if isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value <= 0]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registered_scheme_declares_its_orders(name):
    scheme = REGISTRY[name]
    assert not _undeclared(scheme), (name, _declared(scheme))
    assert scheme.name == name and scheme.description


def test_a_scheme_that_declares_nothing_fails_the_check():
    class Bare(Scheme):
        name = "bare"

        def stepper(self, system, dt):
            return lambda t, theta, v: None

    class BareSDE(SDEScheme):
        name = "bare-sde"
        weak_order = 1.0

        def draws(self, dimension, noise_dimension):
            return noise_dimension

        def stepper(self, sde, dt):
            return lambda t, theta, v, xi: None

    class Orphan(Integrator):
        name = "orphan"

    assert _undeclared(Bare()) == ["order"]
    assert _undeclared(BareSDE()) == ["strong_order", "stationary_order"]
    assert _undeclared(Orphan()) == ["family"]


def test_a_scheme_without_a_stepper_cannot_be_made():
    class NoStepper(Scheme):
        name, order = "no-stepper", 1

    with pytest.raises(TypeError, match="abstract"):
        NoStepper()


def test_names_are_unique_across_families():
    assert len(REGISTRY) == len(_INSTANCES)
    assert set(REGISTRY) == set(FIXED_STEP) | set(REFERENCES) | set(SDE_SCHEMES)


class _Spy:
    """A compiled system that records which damping operators a stepper asks for."""

    def __init__(self, system) -> None:
        self._system, self.calls = system, set()

    def __getattr__(self, name):
        if name.startswith("damping_"):
            self.calls.add(name)
        return getattr(self._system, name)


@pytest.mark.parametrize("name", list(FIXED_STEP))
def test_implicit_damping_marker_is_what_the_stepper_does(name):
    spy = _Spy(compile_dynamics(Dynamics.from_text("x**2/2", "x", damping="0.3")))
    FIXED_STEP[name].stepper(spy, 0.1)(0.0, np.array([[1.0]]), np.array([[0.5]]))
    assert ("damping_resolvent" in spy.calls) == isinstance(FIXED_STEP[name], ImplicitDamping)


# -- fixed-step deterministic schemes ------------------------------------------------------------

#: Step sizes per order: coarse enough that the error stays far above round-off (RK4's smallest
#: error here is ~1e-8), fine enough to be in the asymptotic regime.
STEPS = {1: [0.04, 0.02, 0.01, 0.005], 2: [0.08, 0.04, 0.02, 0.01], 4: [0.2, 0.1, 0.05, 0.025]}
T_END = 4.0

PROBLEMS = {
    # damped oscillator, γ = 0.3, ω = 1.3: the dsolve closed form
    "oscillator": dict(loss="13**2*x**2/200", coords="x", damping="0.3", mass=None,
                       theta0=[1.0], v0=[0.5]),
    # anisotropic matrix damping and a mass matrix: the expm closed form
    "matrix": dict(loss="x**2/2 + 2*y**2 + x*y/2", coords="x,y",
                   damping="[[0.3, 0.1], [0, 0.6]]", mass="[[2, 0], [0, 1]]",
                   theta0=[1.0, -0.5], v0=[0.0, 1.0]),
    # undamped
    "undamped": dict(loss="x**2/2 + 2*y**2", coords="x,y", damping=None, mass=None,
                     theta0=[1.0, 1.0], v0=[0.0, 0.0]),
}


@functools.lru_cache(maxsize=None)
def _problem(problem):
    """The compiled system, its closed form and a memo of exact states (shared by every scheme:
    the runs record at the same times)."""
    spec = PROBLEMS[problem]
    dyn = Dynamics.from_text(spec["loss"], spec["coords"], damping=spec["damping"],
                             mass=spec["mass"])
    return compile_dynamics(dyn), QuadraticSolution.from_dynamics(dyn, spec["theta0"], spec["v0"]), {}


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("name", list(FIXED_STEP))
def test_fixed_step_order(name, problem):
    scheme = FIXED_STEP[name]
    if scheme.order not in STEPS:
        pytest.fail(f"{name} declares order {scheme.order}: add its step sizes to STEPS")
    spec = PROBLEMS[problem]
    compiled, solution, exact = _problem(problem)
    errors = []
    for h in STEPS[scheme.order]:
        run = simulate(compiled, spec["theta0"], spec["v0"], T_END, h, scheme=scheme,
                       keep_states=True, save_every=max(1, round(0.5 / h)))
        for t in run.times:
            if t not in exact:
                exact[t] = solution.state_at(t)
        states = [exact[t] for t in run.times]
        theta, v = np.array([s[0] for s in states]), np.array([s[1] for s in states])
        errors.append(max(np.max(np.abs(run.theta[:, 0] - theta)),
                          np.max(np.abs(run.v[:, 0] - v))))
    slope = np.polyfit(np.log(STEPS[scheme.order]), np.log(errors), 1)[0]
    assert abs(slope - scheme.order) <= BAND, (name, problem, slope, errors)


# -- references ----------------------------------------------------------------------------------

#: The cross-check trusts a reference to 100 times its relative accuracy times the scale (the
#: floor of ``crosschecks._convergence._floor``).  On this short, well-conditioned run (six output intervals
#: up to t = 3) the error must stay within 10 such units (measured: about 1), well inside that.
ACCURACY_UNITS = 10


@pytest.mark.parametrize("name", list(REFERENCES))
def test_reference_error_in_units_of_its_accuracy(name):
    reference = REFERENCES[name]
    dyn = Dynamics.from_text("x**2/2", "x", damping="0.5")
    solution = QuadraticSolution.from_dynamics(dyn, [1.0], [0.0])
    run = simulate(dyn, [1.0], [0.0], 3.0, 0.5, scheme=reference)
    exact = solution.inertia_at(run.times)
    units = np.abs(run.inertia[:, 0] - exact) / (reference.relative_accuracy * np.max(exact))
    assert np.max(units) <= ACCURACY_UNITS, (name, units)


# -- SDE schemes ---------------------------------------------------------------------------------

def _drive(scheme, sde, t_end, steps, normals, theta0, v0):
    """``steps`` steps of ``scheme`` driven by the finest increments ``normals`` (shape
    ``(finest, m, paths)``), summed over each step: the same Brownian path at every step size."""
    sub = normals.shape[0] // steps
    dt = t_end / steps
    step = scheme.stepper(sde, dt)
    paths = normals.shape[-1]
    theta = np.full((sde.dimension, paths), float(theta0))
    v = np.full((sde.dimension, paths), float(v0))
    for k in range(steps):
        xi = normals[k * sub:(k + 1) * sub].sum(axis=0) / math.sqrt(sub)
        step(k * dt, theta, v, xi)
    return theta, v


def _slope(hs, values, stderrs):
    """Weighted least-squares slope of log|value| against log h (weights from the standard
    errors of log|value|, ``se/|value|``)."""
    values, stderrs = np.abs(np.asarray(values)), np.asarray(stderrs)
    weights = values / stderrs
    return np.polyfit(np.log(hs), np.log(values), 1, w=weights)[0]


#: Weak order: f = θ² + v² of the Langevin oscillator started at rest, so that the mean is driven
#: by the noise alone (constant damping and additive noise: every SDE scheme accepts it).
WEAK_T_END, WEAK_STEPS = 1.0, (2, 4, 8, 16)


@pytest.mark.parametrize("name", list(SDE_SCHEMES))
@pytest.mark.parametrize("paths", [100_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_sde_weak_order(name, paths):
    scheme = SDE_SCHEMES[name]
    sde = compile_sde(Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5"))
    scheme.check(sde)
    normals = np.random.default_rng(20261202).standard_normal(
        (WEAK_STEPS[-1], scheme.draws(1, 1), paths))
    f = {}
    for steps in WEAK_STEPS:
        theta, v = _drive(scheme, sde, WEAK_T_END, steps, normals, 0.0, 0.0)
        f[steps] = theta[0] ** 2 + v[0] ** 2
    hs, differences, stderrs = [], [], []
    for coarse, fine in zip(WEAK_STEPS, WEAK_STEPS[1:]):
        # E f_h - E f_{h/2} = c h^p (1 - 2^-p) + ...: the slope of the differences is the order.
        d = f[coarse] - f[fine]
        hs.append(WEAK_T_END / coarse)
        differences.append(d.mean())
        stderrs.append(d.std(ddof=1) / math.sqrt(paths))
    assert all(abs(d) >= Z * se for d, se in zip(differences, stderrs)), (differences, stderrs)
    slope = _slope(hs, differences, stderrs)
    assert abs(slope - scheme.weak_order) <= SDE_BAND, (name, slope, differences, stderrs)


STRONG_T_END, STRONG_STEPS, STRONG_PATHS = 1.0, (4, 8, 16, 32, 64), 20_000


def _strong_problem(scheme):
    """The closed-form path problem for ``scheme``: geometric Brownian motion of the velocity
    (multiplicative noise, where the general strong order shows) when the scheme accepts
    multiplicative noise, else the free particle with additive noise."""
    gbm = compile_sde(Dynamics.from_text("0", "x", damping="0.5", noise="0.8*v_x"))
    try:
        scheme.check(gbm)
    except InvalidArgument:
        return "free particle", compile_sde(Dynamics.from_text("0", "x", noise="0.8"))
    return "gbm", gbm


def _exact_path(problem, normals, t_end, extra, theta0, v0):
    """(θ(T), v(T)) driven by the finest increments (None where there is no closed form)."""
    finest = normals.shape[0]
    h = t_end / finest
    dw = math.sqrt(h) * normals[:, 0, :]
    w = np.cumsum(dw, axis=0)
    if problem == "gbm":  # dv = -γ v dt + s v dW (Itô)
        return None, v0 * np.exp((-0.5 - 0.8**2 / 2) * t_end + 0.8 * w[-1])
    # dθ = v dt, dv = s dW: ∫W over a step is h W_n + h ΔW/2 plus an independent
    # N(0, h³/12) (the Brownian bridge's area), drawn in ``extra``.
    w_start = np.vstack([np.zeros((1, w.shape[1])), w[:-1]])
    area = (h * w_start + h * dw / 2 + math.sqrt(h**3 / 12) * extra).sum(axis=0)
    return theta0 + v0 * t_end + 0.8 * area, v0 + 0.8 * w[-1]


@pytest.mark.parametrize("name", list(SDE_SCHEMES))
def test_sde_strong_order(name):
    scheme = SDE_SCHEMES[name]
    problem, sde = _strong_problem(scheme)
    rng = np.random.default_rng(7)
    finest = STRONG_STEPS[-1]  # the exact path is exact on any grid (see _exact_path)
    normals = rng.standard_normal((finest, scheme.draws(1, 1), STRONG_PATHS))
    extra = rng.standard_normal((finest, STRONG_PATHS))
    exact_theta, exact_v = _exact_path(problem, normals, STRONG_T_END, extra, 0.5, 1.0)
    hs, errors, stderrs = [], [], []
    for steps in STRONG_STEPS:
        theta, v = _drive(scheme, sde, STRONG_T_END, steps, normals, 0.5, 1.0)
        error = np.abs(v[0] - exact_v)
        if exact_theta is not None:
            error = np.maximum(error, np.abs(theta[0] - exact_theta))
        hs.append(STRONG_T_END / steps)
        errors.append(error.mean())
        stderrs.append(error.std(ddof=1) / math.sqrt(STRONG_PATHS))
    slope = _slope(hs, errors, stderrs)
    assert abs(slope - scheme.strong_order) <= SDE_BAND, (name, problem, slope, errors)
