"""karagoz2025/eq5: noisy dynamics θ̈ + γθ̇ + ∇L = ξ(t), ξ zero-mean white noise σ dW/dt.

Made precise: the SDE dθ = v dt, dv = (−γv − ∇L) dt + σ dW (W a d-dimensional Wiener process).

* The noise is additive, so the Itô and Stratonovich readings are the same process: the drift
  correction ½Σ_{j,k} Σ_kj ∂_{v_k}Σ_ij vanishes (proved for every loss, d = 1…4).  (A noise that
  depended on v would make the readings differ; the toolkit shows that correction too.)
* The noise has mean zero: the coefficient of dW in dv is σ and E[σ dW] = 0, so for a quadratic
  loss the mean state follows the noiseless flow, m' = Fm (proved from the moment ODE: the mean
  equation has no noise term).
* Cross-check of the model as implemented: Monte Carlo E[I](t) of the harmonic system against the
  exact E[I](t) of the moment ODE, judged by standard errors after removing the scheme's bias
  (Richardson over h, h/2).
"""

import sympy

from inertia_verify import Dynamics, prove_zero
from inertia_verify.catalogue import Claim
from inertia_verify import crosscheck_expected_inertia
from inertia_verify.symbolic import quadratic_moments

from ._stochastic import with_monte_carlo

SEED, PATHS, STEPS, T_END = 20250505, 20000, 100, 4.0
VALUES = {"gamma": 0.5, "sigma": 0.8}


def check():
    gamma, sigma = sympy.symbols("gamma sigma", positive=True)
    parts = []
    for d in range(1, 5):
        dyn = Dynamics.abstract(d, damping=gamma, noise=sigma)
        parts.append((f"d={d}: additive noise, Itô = Stratonovich (drift correction ≡ 0)",
                      prove_zero(dyn.stratonovich_correction)))
    # The mean equation of the linear system has no noise: m' = F m + f, whatever Σ.
    harmonic = Dynamics.from_text("w*x**2/2", "x", damping="gamma", noise="sigma")
    moments = quadratic_moments(harmonic, [1], [0])
    mean_field = moments.F * sympy.Matrix(sympy.symbols("m_theta m_v")) + moments.f
    parts.append(("quadratic loss: the mean obeys the noiseless flow (σ absent from m' = Fm + f)",
                  prove_zero(sympy.Matrix([sympy.diff(e, s) for e in mean_field
                                           for s in harmonic.parameters if s.name == "sigma"]))))
    multiplicative = Dynamics.from_text("x**2/2", "x", noise="s*v_x")
    extra = [f"for contrast, multiplicative noise s·v_x: the readings differ by the drift "
             f"correction {multiplicative.stratonovich_correction[0]}"]
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")
    mc = crosscheck_expected_inertia(dyn, [1.0], [0.0], t_end=T_END, dt=T_END / STEPS,
                                     paths=PATHS, values=VALUES, seed=SEED, records=4)
    return with_monte_carlo("karagoz2025/eq5", parts, extra, mc)


CLAIM = Claim(
    id="karagoz2025/eq5",
    paper="Noisy dynamics: θ̈ + γθ̇ + ∇L(θ) = ξ(t), ξ zero-mean noise such as Gaussian white "
          "noise (σ dW/dt).",
    statement="Read as the SDE dθ = v dt, dv = (−γv − ∇L) dt + σ dW: the noise is additive, so the "
              "Itô and Stratonovich readings define the same process (correction ≡ 0 for every "
              "loss, d = 1…4), and it is zero-mean (for a quadratic loss the mean follows the "
              "noiseless flow). Monte Carlo E[I](t) matches the exact moment ODE.",
    check=check,
    expect="proved",
)
