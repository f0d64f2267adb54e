"""karagoz2025/appE: the damped harmonic oscillator θ̈ + γθ̇ + ω²θ = 0, L = ½ω²θ², equations 14–16.

* (14) dI/dt = −γθ̇²: exact (derived and proved for symbolic γ, ω).
* (15) θ = A e^{−γt/2} cos(ω_d t + φ), ω_d = √(ω² − γ²/4): exact for every A, φ in the
  underdamped regime 0 ≤ γ < 2ω (proved: it solves the equation, and it is the ``dsolve``
  solution for the matching initial data).  It does not apply for γ ≥ 2ω (ω_d is not real;
  the critical and overdamped solutions are (C₁ + C₂t)e^{−γt/2} and a sum of two real exponentials).
* (16) I(t) ≈ ½A²ω²e^{−γt}: approximate.  Exactly,
  I(t) = ½A²e^{−γt}[ω² + (γ²/4)cos 2ψ + (γω_d/2) sin 2ψ], ψ = ω_d t + φ, and the oscillating part
  has amplitude exactly γω/2, so I(t) = ½A²ω²e^{−γt}(1 + (γ/2ω) cos(2ψ − δ)): (16) holds with a
  relative error of at most γ/(2ω) (exact only for γ = 0), and the decay *rate* γ of the envelope
  is exact for γ < 2ω.
"""

import mpmath
import sympy

from inertia_verify import Dynamics, derive, prove_equal, prove_zero
from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.numeric import REFERENCE_DIGITS, compile_dynamics
from inertia_verify.schemes import MpmathTaylor
from inertia_verify.symbolic import oscillator_solution

DIGITS = REFERENCE_DIGITS


def check():
    parts, evidence = [], []
    t = sympy.Symbol("t", real=True)
    gamma = sympy.Symbol("gamma", positive=True)
    omega_d, amplitude = sympy.symbols("omega_d A", positive=True)
    phi = sympy.Symbol("phi", real=True)
    omega = sympy.sqrt(omega_d**2 + gamma**2 / 4)  # underdamped: ω_d real and positive

    # (14)
    w = sympy.Symbol("omega", positive=True)
    result = derive(Dynamics(w**2 * sympy.Symbol("theta", real=True)**2 / 2, ["theta"],
                             damping=gamma))
    parts.append(("(14) dI/dt = -γ θ'²", result.matches_dissipation))

    # (15): solves the equation, and equals dsolve's solution for the same initial data
    theta = amplitude * sympy.exp(-gamma * t / 2) * sympy.cos(omega_d * t + phi)
    residual = theta.diff(t, 2) + gamma * theta.diff(t) + omega**2 * theta
    parts.append(("(15) A e^{-γt/2} cos(ω_d t + φ) solves θ'' + γθ' + ω²θ = 0 (γ < 2ω)",
                  prove_zero(sympy.expand(sympy.expand_trig(residual)))))
    solved = oscillator_solution(omega, gamma, theta.subs(t, 0), theta.diff(t).subs(t, 0))
    from_dsolve = solved.theta.xreplace({solved.t: t})  # dsolve's solution, in its regime
    parts.append(("(15) equals dsolve's underdamped solution with θ(0) = A cos φ, "
                  "θ'(0) = -A(γ/2 cos φ + ω_d sin φ)",
                  prove_zero(sympy.expand(sympy.expand_trig(from_dsolve - theta)))))

    # (16): the exact inertia and the size of its oscillation
    inertia = theta.diff(t)**2 / 2 + omega**2 * theta**2 / 2
    psi = omega_d * t + phi
    exact = amplitude**2 * sympy.exp(-gamma * t) / 2 * (
        omega**2 + gamma**2 / 4 * sympy.cos(2 * psi) + gamma * omega_d / 2 * sympy.sin(2 * psi))
    parts.append(("(16) exact: I = ½A²e^{-γt}[ω² + (γ²/4)cos 2ψ + (γω_d/2) sin 2ψ]",
                  prove_zero(sympy.expand(sympy.expand_trig(inertia - exact)))))
    parts.append(("(16) the oscillation's amplitude is γω/2: (γ²/4)² + (γω_d/2)² = (γω/2)²",
                  prove_equal(sympy.expand((gamma**2 / 4)**2 + (gamma * omega_d / 2)**2),
                              sympy.expand((gamma * omega / 2)**2))))

    # (16) as an equality fails: a concrete point
    at = {amplitude: 1, phi: 0, gamma: 1, omega_d: sympy.sqrt(3) / 2, t: 0}
    lhs, rhs = inertia.subs(at), (amplitude**2 * omega**2 * sympy.exp(-gamma * t) / 2).subs(at)
    gap = sympy.nsimplify(lhs - rhs)
    evidence.append(f"(16) is not an identity: at A = 1, φ = 0, γ = 1, ω = 1, t = 0, "
                    f"I = {sympy.nsimplify(lhs)} but ½A²ω²e^(-γt) = {sympy.nsimplify(rhs)} "
                    f"(relative gap {sympy.nsimplify(gap / rhs)} ≤ γ/2ω = 1/2)")

    # corroboration (not needed for the proof): the closed form against mpmath at 30 digits
    sol = oscillator_solution(1, sympy.Rational(1, 2), 1, 0)
    system = compile_dynamics(Dynamics.from_text("theta**2/2", "theta", damping="1/2"))
    times = [1, 3, 5]
    thetas, velocities = MpmathTaylor(DIGITS).solve_mp(system, [1], [0], 0, times)
    with mpmath.workdps(DIGITS + 10):
        worst = max(abs(mpmath.mpf(0.5) * (v[0]**2 + th[0]**2)
                        - mpmath.mpf(str(sympy.N(sol.inertia.subs(sol.t, tt), DIGITS + 10))))
                    for th, v, tt in zip(thetas, velocities, times))
    evidence.append(f"corroboration: exact I(t) (γ = 1/2, ω = 1) against mpmath.odefun at "
                    f"{DIGITS} digits at t = {times}: largest difference {mpmath.nstr(worst, 3)}")
    corroborated = worst < mpmath.mpf(10) ** (-(DIGITS - 5))

    evidence = [f"{label}: {verdict}" for label, verdict in parts] + evidence
    data = {label: verdict.to_dict() for label, verdict in parts}
    data["mpmath_difference"] = float(worst)
    if not all(v.proved for _, v in parts) or not corroborated:
        failed = [label for label, v in parts if not v.proved] or ["mpmath corroboration"]
        if any(v.refuted for _, v in parts):
            return Outcome("refuted", evidence, data,
                           corrected="see evidence", counterexample={"failed": failed})
        return Outcome("verified", evidence, data)
    return Outcome("proved", evidence, data)


CLAIM = Claim(
    id="karagoz2025/appE",
    paper="Damped oscillator θ̈ + γθ̇ + ω²θ = 0, L = ½ω²θ²: (14) dI/dt = −γθ̇²; (15) underdamped "
          "θ = A e^{−γt/2} cos(ω_d t + φ), ω_d = √(ω² − γ²/4); (16) I(t) ≈ ½A²ω²e^{−γt}: "
          "exponential decay of inertia at rate γ.",
    statement="(14) is exact.  (15) is exact for 0 ≤ γ < 2ω (and only there).  (16) is an "
              "approximation: exactly I(t) = ½A²ω²e^{−γt}(1 + (γ/2ω) cos(2ω_d t + 2φ − δ)), "
              "tan δ = 2ω_d/γ, so its relative error is at most γ/(2ω) and it is exact only for "
              "γ = 0; the envelope's decay rate γ is exact for γ < 2ω (for γ > 2ω see "
              "karagoz2025/appB).",
    check=check,
    expect="proved",
)
