"""karagoz2025/appC: 2-D quadratic loss L = ½(aθ₁² + bθ₂²), trajectories from several starts.

Made precise: for every a, b (and any γ), along θ̈ + γθ̇ + ∇L = 0

* γ = 0: I = ½‖v‖² + L is conserved, and so is each coordinate's own energy
  E_i = ½v_i² + ½c_iθ_i² (c₁ = a, c₂ = b), because the loss is separable;
* γ > 0: dI/dt = −γ‖v‖² and dE_i/dt = −γv_i², so I and each E_i are non-increasing.

Numeric cross-check: five starts on the unit circle, a = 1, b = 4, the compiled system
(compile_dynamics) integrated by the toolkit's simulate with its DOP853 reference
(rtol = atol = 1e-12): I and E_i constant
(γ = 0) and never increasing, matching the exact flow (γ = 0.2), in units of the tolerance.
"""

from functools import partial

import numpy as np
import sympy

from inertia_verify import Dynamics, derive, prove_equal, prove_zero
from inertia_verify.catalogue import Claim, Outcome, outcome_from_verdicts
from inertia_verify.numeric import (REFERENCE_BUDGET, compile_dynamics, get_scheme, linear_flow,
                                    simulate)

from ._tolerance_units import tolerance_units

#: The toolkit's reference integrator (scipy's DOP853 behind simulate(scheme="dop853")).
SCHEME = "dop853"
RTOL, ATOL = get_scheme(SCHEME).rtol, get_scheme(SCHEME).atol
#: The toolkit's reference-solver budget: the global error of a DOP853 run of N steps is up to
#: about N local tolerances, and these runs take of the order of a hundred steps.
BUDGET = REFERENCE_BUDGET
A, B, STARTS = 1.0, 4.0, 5


def _symbolic_parts():
    parts = []
    gamma = sympy.Symbol("gamma", positive=True)
    for damping in (0, gamma):
        dyn = Dynamics.from_text("(a*x**2 + b*y**2)/2", "x,y")
        if damping != 0:
            dyn = Dynamics(dyn.loss, dyn.coordinates, damping=damping)
        (x, y), (vx, vy) = dyn.coordinates, dyn.velocities
        a, b = sorted(dyn.parameters, key=lambda s: s.name)[:2]
        result = derive(dyn)
        name = "γ = 0" if damping == 0 else "γ > 0"
        parts.append((f"{name}: dI/dt = {result.rate}",
                      result.conservation if damping == 0 else result.matches_dissipation))
        for label, energy, v in (("E₁ = ½v₁² + ½aθ₁²", vx**2 / 2 + a * x**2 / 2, vx),
                                 ("E₂ = ½v₂² + ½bθ₂²", vy**2 / 2 + b * y**2 / 2, vy)):
            rate = dyn.time_derivative(energy)
            if damping == 0:
                parts.append((f"{name}: d{label.split(' ')[0]}/dt ≡ 0 (separable)", prove_zero(rate)))
            else:
                parts.append((f"{name}: d{label.split(' ')[0]}/dt = −γ{v}²",
                              prove_equal(rate, -gamma * v**2)))
        parts.append((f"{name}: I = E₁ + E₂", prove_equal(result.inertia,
                                                          vx**2 / 2 + a * x**2 / 2 + vy**2 / 2 + b * y**2 / 2)))
    return parts


def _starts():
    angles = np.linspace(0.0, 2 * np.pi, STARTS, endpoint=False) + 0.3
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)  # θ(0) on the unit circle, v(0) = 0


def _integrate(compiled, theta0, times):
    """Each start through the toolkit's simulate (DOP853 reference, one path at a time); returns
    θ, v of shape (times, paths, 2).  ``times`` must be equally spaced from 0."""
    thetas, vs = [], []
    for start in theta0:
        run = simulate(compiled, start, np.zeros(2), float(times[-1]), float(times[1] - times[0]),
                       scheme=SCHEME, keep_states=True, save_every=1, energy_balance=False)
        if run.diverged:
            raise ArithmeticError(f"the reference integration diverged: {run.divergence}")
        thetas.append(run.theta[:, 0, :])
        vs.append(run.v[:, 0, :])
    return np.stack(thetas, axis=1), np.stack(vs, axis=1)


_units = partial(tolerance_units, rtol=RTOL, atol=ATOL)


def _energies(theta, v):
    per_coordinate = 0.5 * v**2 + 0.5 * np.array([A, B]) * theta**2
    return per_coordinate.sum(axis=-1), per_coordinate


def _numeric():
    checks = []
    theta0, times = _starts(), np.linspace(0.0, 20.0, 201)
    free = compile_dynamics(Dynamics.from_text("(a*x**2 + b*y**2)/2", "x,y"), {"a": A, "b": B})
    theta, v = _integrate(free, theta0, times)
    total, each = _energies(theta, v)
    checks.append((f"γ=0, a={A}, b={B}, {STARTS} starts, t ≤ 20: I(t) − I(0)",
                   _units(total - total[0], total[0])))
    checks.append(("… E_i(t) − E_i(0) for each coordinate", _units(each - each[0], total[0][:, None])))
    gamma = 0.2
    damped = compile_dynamics(Dynamics.from_text("(a*x**2 + b*y**2)/2", "x,y", damping="gamma"),
                              {"a": A, "b": B, "gamma": gamma})
    theta, v = _integrate(damped, theta0, times)
    total, each = _energies(theta, v)
    for name, series in (("I", total[..., None]), ("E_i", each)):
        increase = np.diff(series, axis=0) / (ATOL + RTOL * np.abs(series[:-1]))
        checks.append((f"γ={gamma}: largest increase of {name} between samples (≤ 0: never increases)",
                       float(max(0.0, increase.max()))))
    exact = []
    for i, c in enumerate((A, B)):
        generator = np.array([[0.0, 1.0], [-c, -gamma]])
        exact.append(np.stack([linear_flow(generator, np.array([p[i], 0.0]), times)
                               for p in theta0], axis=1))
    exact_theta = np.stack([e[..., 0] for e in exact], axis=-1)
    checks.append((f"γ={gamma}: θ(t) against the exact flow expm(At)",
                   _units(theta - exact_theta, 1.0)))
    return checks, float(total[-1].max() / total[0].max())


def check():
    parts = _symbolic_parts()
    checks, ratio = _numeric()
    extra = [f"numeric: {label}: {units:.3g} tolerance units (budget {BUDGET}; rtol {RTOL}, "
             f"atol {ATOL}, DOP853)" for label, units in checks]
    extra.append(f"numeric: with γ = 0.2, max I(20)/max I(0) = {ratio:.2e}")
    outcome = outcome_from_verdicts(parts, extra=extra)
    data = dict(outcome.data, numeric={label: units for label, units in checks})
    failed = [label for label, units in checks if units > BUDGET]
    if failed:
        return Outcome("refuted", outcome.evidence, data,
                       corrected="the simulation disagrees with the derivation; see data",
                       counterexample={"numeric checks failed": failed})
    return Outcome(outcome.verdict, outcome.evidence, data)


CLAIM = Claim(
    id="karagoz2025/appC",
    paper="2-D quadratic loss L = ½(aθ₁² + bθ₂²): trajectories from several starts, coloured by I.",
    statement="For L = ½(aθ₁² + bθ₂²) and every a, b: with γ = 0, I and each coordinate's energy "
              "½v_i² + ½c_iθ_i² are conserved along every trajectory (separable loss); with γ > 0, "
              "dI/dt = −γ‖v‖² and dE_i/dt = −γv_i², so the colour I only darkens along each "
              "trajectory. Cross-checked by simulation from five starts.",
    check=check,
    expect="proved",
)
