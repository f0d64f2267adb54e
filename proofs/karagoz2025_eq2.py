"""karagoz2025/eq2: the computational inertia is the mechanical energy of the flow."""

import sympy

from inertia_verify import Dynamics, inertia, prove_equal
from inertia_verify.catalogue import Claim, outcome_from_verdicts


def check():
    parts = []
    for d in (1, 2, 3):
        dyn = Dynamics.abstract(d, damping=sympy.Symbol("gamma", nonnegative=True))
        q, v = dyn.coordinates, dyn.velocities
        kinetic = sympy.Add(*[vi**2 for vi in v]) / 2
        lagrangian = kinetic - dyn.loss
        rayleigh = dyn.damping[0, 0] * kinetic
        # Euler-Lagrange with Rayleigh dissipation, d/dt ∂T/∂v - ∂(T-L)/∂θ + ∂R/∂v = 0, along the
        # flow (acceleration substituted) must vanish: the flow is eq1.
        acc = dyn.acceleration
        residual = sympy.Matrix([
            acc[i] - sympy.diff(lagrangian, q[i]) + sympy.diff(rayleigh, v[i]) for i in range(d)])
        parts.append((f"d={d}: eq1 is the Euler-Lagrange equation of L = ½‖v‖² - L(θ) with "
                      "Rayleigh dissipation ½γ‖v‖²", prove_equal(residual, sympy.zeros(d, 1))))
        # The energy function (Legendre transform) v·∂L/∂v - L is the inertia.
        energy = sum(vi * sympy.diff(lagrangian, vi) for vi in v) - lagrangian
        parts.append((f"d={d}: energy v·∂ℒ/∂v - ℒ equals inertia() = ½‖v‖² + L",
                      prove_equal(energy, inertia(dyn))))
    return outcome_from_verdicts(parts)


CLAIM = Claim(
    id="karagoz2025/eq2",
    paper="Computational inertia: I = ½‖θ̇‖² + L(θ).",
    statement="For every loss L and d ∈ {1,2,3}, I = ½‖v‖² + L is the mechanical energy "
              "(Legendre transform of the Lagrangian ½‖v‖² − L) of the system whose "
              "Euler–Lagrange equation with Rayleigh dissipation ½γ‖v‖² is eq1.",
    check=check,
    expect="proved",
)
