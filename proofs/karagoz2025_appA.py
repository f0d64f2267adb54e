"""karagoz2025/appA: phase portraits — closed orbits on level sets of I without damping, inward
spirals to the minimum with damping.

Made precise, in the phase plane (θ, θ̇) of a 1-D loss:

* γ = 0: every orbit lies in one level set of I (thm1, for every C¹ loss).  For the harmonic loss
  L = ½ω²θ² the solution θ₀cos ωt + (v₀/ω) sin ωt solves eq1, is periodic with period exactly
  2π/ω (the linearisation has eigenvalues ±iω) and runs along the ellipse ½v² + ½ω²θ² = I₀.
* γ > 0: I decreases (eq4, dI/dt = −γθ̇²); at a strict minimum θ* of any C² loss (L''(θ*) = k > 0)
  the linearisation [[0, 1], [−k, −γ]] has trace −γ < 0 and determinant k > 0, so both
  eigenvalues have negative real part (Routh–Hurwitz) and θ* is asymptotically stable; for
  γ < 2√k they are the complex pair −γ/2 ± iω_d, so nearby orbits spiral in, turning at angular
  frequency ω_d = √(k − γ²/4) while shrinking like e^{−γt/2}.

Numeric cross-check: the compiled system (compile_dynamics) integrated by the toolkit's simulate with
its DOP853 reference (rtol = atol = 1e-12), against the exact linear flow expm(At).
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
#: A deviation is accepted up to BUDGET tolerance units, |error| ≤ BUDGET·(ATOL + RTOL·|reference|):
#: the toolkit's reference-solver budget (a run of N steps may accumulate about N local
#: tolerances; these runs take of the order of a hundred steps).
BUDGET = REFERENCE_BUDGET


def _symbolic_parts():
    t = sympy.Symbol("t", real=True)
    omega, gamma, k = sympy.symbols("omega gamma k", positive=True)
    theta0, v0 = sympy.symbols("theta_0 v_0", real=True)
    parts = []
    result = derive(Dynamics.abstract(1))
    parts.append(("γ = 0, any C¹ loss: dI/dt ≡ 0, so each orbit stays in one level set of I",
                  result.conservation))
    theta = theta0 * sympy.cos(omega * t) + v0 / omega * sympy.sin(omega * t)
    v = theta.diff(t)
    parts.append(("harmonic L = ½ω²θ², γ = 0: θ₀cos ωt + (v₀/ω) sin ωt solves θ̈ + ω²θ = 0",
                  prove_zero(theta.diff(t, 2) + omega**2 * theta)))
    period = 2 * sympy.pi / omega
    parts.append(("harmonic, γ = 0: (θ, v)(t + 2π/ω) = (θ, v)(t): the orbit closes",
                  prove_zero(sympy.Matrix([theta.subs(t, t + period) - theta,
                                           v.subs(t, t + period) - v]))))
    parts.append(("harmonic, γ = 0: the orbit is the ellipse ½v² + ½ω²θ² = ½v₀² + ½ω²θ₀²",
                  prove_equal(v**2 / 2 + omega**2 * theta**2 / 2, v0**2 / 2 + omega**2 * theta0**2 / 2)))
    free = sympy.Matrix([[0, 1], [-omega**2, 0]])
    lam = sympy.Symbol("lambda")
    parts.append(("harmonic, γ = 0: the eigenvalues of [[0,1],[−ω²,0]] are ±iω, so 2π/ω is the "
                  "smallest period", prove_equal(free.charpoly(lam).as_expr(),
                                                 sympy.expand((lam - sympy.I * omega) * (lam + sympy.I * omega)))))
    damped = Dynamics.abstract(1, damping=gamma)
    parts.append(("γ > 0, any C¹ loss: dI/dt = −γθ̇² ≤ 0", derive(damped).matches_dissipation))
    jacobian = sympy.Matrix([[0, 1], [-k, -gamma]])  # linearisation at a minimum, L''(θ*) = k
    parts.append(("γ > 0 at a strict minimum (L'' = k > 0): trace of the linearisation = −γ",
                  prove_equal(jacobian.trace(), -gamma)))
    parts.append(("… and determinant = k", prove_equal(jacobian.det(), k)))
    omega_d = sympy.sqrt(k - gamma**2 / 4)
    root = -gamma / 2 + sympy.I * omega_d
    parts.append(("γ < 2√k: −γ/2 ± iω_d, ω_d = √(k − γ²/4), are the eigenvalues (inward spiral)",
                  prove_zero(sympy.expand(root**2 + gamma * root + k))))
    spiral = sympy.exp(-gamma * t / 2) * (theta0 * sympy.cos(omega_d * t)
                                          + (v0 + gamma * theta0 / 2) / omega_d * sympy.sin(omega_d * t))
    parts.append(("γ < 2√k: e^{−γt/2}(θ₀cos ω_d t + ((v₀ + γθ₀/2)/ω_d) sin ω_d t) solves "
                  "θ̈ + γθ̇ + kθ = 0 with θ(0) = θ₀, θ̇(0) = v₀",
                  prove_zero(sympy.Matrix([spiral.diff(t, 2) + gamma * spiral.diff(t) + k * spiral,
                                           spiral.subs(t, 0) - theta0,
                                           spiral.diff(t).subs(t, 0) - v0]))))
    hurwitz = sympy.ask(sympy.Q.negative(jacobian.trace()) & sympy.Q.positive(jacobian.det()),
                        sympy.Q.positive(gamma) & sympy.Q.positive(k))
    return parts, hurwitz


def _integrate(compiled, state0, times):
    """The toolkit's simulate (DOP853 reference) on the compiled system; (θ, v) at ``times``,
    which must be equally spaced from 0."""
    run = simulate(compiled, state0[:1], state0[1:], float(times[-1]), float(times[1] - times[0]),
                   scheme=SCHEME, keep_states=True, save_every=1, energy_balance=False)
    if run.diverged:
        raise ArithmeticError(f"the reference integration diverged: {run.divergence}")
    return run.theta[:, 0, 0], run.v[:, 0, 0]


_units = partial(tolerance_units, rtol=RTOL, atol=ATOL)


def _numeric():
    """Each check returns (label, units of tolerance used); all must be ≤ BUDGET."""
    checks, data = [], {}
    omega = 1.5
    harmonic = compile_dynamics(Dynamics.from_text("omega**2*x**2/2", "x"), {"omega": omega})
    period = 2 * np.pi / omega
    times = np.linspace(0.0, 3 * period, 301)
    state0 = np.array([1.0, 0.0])
    theta, v = _integrate(harmonic, state0, times)
    energy = 0.5 * v**2 + 0.5 * omega**2 * theta**2
    checks.append(("harmonic γ=0, ω=1.5, θ(0)=1, v(0)=0, three periods: I(t) − I(0)",
                   _units(energy - energy[0], energy[0])))
    closed = np.array([theta[100] - theta[0], v[100] - v[0]])
    checks.append(("… state after exactly one period 2π/ω minus the start", _units(closed, 1.0)))
    well = compile_dynamics(Dynamics.from_text("x**4/4 - x**2/2", "x"))
    theta, v = _integrate(well, np.array([1.3, 0.0]), np.linspace(0.0, 30.0, 301))
    energy = 0.5 * v**2 + theta**4 / 4 - theta**2 / 2
    checks.append(("double well x⁴/4 − x²/2, γ=0, θ(0)=1.3, t ≤ 30: I(t) − I(0) (level set)",
                   _units(energy - energy[0], energy[0])))
    gamma = 0.3
    damped = compile_dynamics(Dynamics.from_text("omega**2*x**2/2", "x", damping="gamma"),
                              {"omega": omega, "gamma": gamma})
    times = np.linspace(0.0, 40.0, 401)
    theta, v = _integrate(damped, state0, times)
    generator = np.array([[0.0, 1.0], [-omega**2, -gamma]])
    exact = linear_flow(generator, state0, times)
    checks.append(("harmonic γ=0.3: (θ, v)(t) against the exact flow expm(At)",
                   _units(np.stack([theta, v], 1) - exact, np.abs(exact).max(axis=1, keepdims=True))))
    energy = 0.5 * v**2 + 0.5 * omega**2 * theta**2
    increases = np.diff(energy)
    data["largest increase of I between samples"] = float(increases.max())
    checks.append(("… largest increase of I between consecutive samples (≤ 0: never increases)",
                   float(max(0.0, (increases / (ATOL + RTOL * energy[:-1])).max()))))
    # Winding: an inward spiral crosses θ = 0 once per half turn, at ω_d.
    crossings = int(np.sum(np.signbit(theta[:-1]) != np.signbit(theta[1:])))
    omega_d = np.sqrt(omega**2 - gamma**2 / 4)
    expected = int(np.floor(40.0 * omega_d / np.pi + 0.5))
    data.update(crossings=crossings, expected_crossings=expected,
                final_radius=float(np.hypot(theta[-1], v[-1])))
    return checks, data, abs(crossings - expected) <= 1


def check():
    parts, hurwitz = _symbolic_parts()
    checks, data, winds = _numeric()
    extra = [f"Routh–Hurwitz: sympy.ask(trace < 0 and det > 0 | γ > 0, k > 0) = {hurwitz}"]
    extra += [f"numeric: {label}: {units:.3g} tolerance units (budget {BUDGET}; rtol {RTOL}, "
              f"atol {ATOL}, DOP853)" for label, units in checks]
    extra.append(f"numeric: the damped orbit crosses θ = 0 {data['crossings']} times in t ≤ 40 "
                 f"(⌊40ω_d/π⌉ = {data['expected_crossings']}) and ends at radius "
                 f"{data['final_radius']:.2e}: it spirals in")
    outcome = outcome_from_verdicts(parts, extra=extra)
    data = dict(outcome.data, numeric={label: units for label, units in checks}, **data)
    failed = [label for label, units in checks if units > BUDGET]
    if failed or not winds:
        return Outcome("refuted", outcome.evidence, data,
                       corrected="the simulation disagrees with the derivation; see data",
                       counterexample={"numeric checks failed": failed or ["winding count"]})
    verdict = outcome.verdict if hurwitz is True else "verified"
    return Outcome(verdict, outcome.evidence, data, outcome.corrected, outcome.counterexample)


CLAIM = Claim(
    id="karagoz2025/appA",
    paper="Phase portraits (θ, θ̇): closed orbits (level sets of I) when γ = 0; inward spirals to "
          "the minimum when γ > 0.",
    statement="In 1-D: with γ = 0 every orbit lies in a level set of I (any C¹ loss) and for "
              "L = ½ω²θ² it is the closed ellipse ½v² + ½ω²θ² = I₀, traversed with period exactly "
              "2π/ω; with γ > 0, I is non-increasing and a strict minimum (L'' = k > 0) is "
              "asymptotically stable (linearisation: trace −γ < 0, det k > 0), orbits spiralling "
              "in at frequency √(k − γ²/4) when γ < 2√k (overdamped, γ ≥ 2√k, they approach "
              "without turning). Cross-checked by simulation.",
    check=check,
    expect="proved",
)
