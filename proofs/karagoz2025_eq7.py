"""karagoz2025/eq7: E[dI/dt] = −γ E‖θ̇‖², "since ξ is independent of θ̇ and zero-mean".

False for white noise.  θ̇(t) depends on the noise up to time t, and the product θ̇·ξ in eq. (6)
is a Stratonovich product (see karagoz2025/eq6) with E[v∘σdW] = ½σ²d dt.  Itô's formula gives
the exact expected rate

    d E[I]/dt = −γ E‖v‖² + ½σ²d        (Σ = σI; in general ½ tr ΣΣᵀ),

derived by the toolkit for every loss in d = 1…4 (the paper's rate differs by ½σ²d, refuted with
a counterexample).  Consequences the paper's eq. (7) contradicts, checked exactly and by Monte
Carlo:

* started at rest at the minimum, E[dI/dt](0) = ½σ²d > 0 while eq. (7) gives 0, so E[I] would
  stay 0 for ever; in truth E[I](t) rises to d·σ²/(2γ) for the harmonic loss (equipartition:
  T = σ²/(2γ) per quadratic degree of freedom, ½T each);
* in general the stationary (Gibbs) value is E[I] = dT/2 + E_Gibbs[L] > min L, computed for a
  double well by quadrature;
* Monte Carlo: the slope of the sample mean matches the Itô drift and not eq. (7).
"""

import sympy

from inertia_verify import Dynamics, prove_equal, prove_zero
from inertia_verify.catalogue import Claim, Outcome
from inertia_verify import crosscheck_expected_inertia, crosscheck_stationary, simulate_ensemble
from inertia_verify.symbolic import (dissipation, expected_rate, generator, gibbs_stationary,
                                     quadratic_moments)

SEED, PATHS = 20250507, 20000
GAMMA, SIGMA = 1.0, 1.0
Z = 4.0


def _symbolic():
    gamma, sigma = sympy.symbols("gamma sigma", positive=True)
    parts, lines = [], []
    for d in range(1, 5):
        dyn = Dynamics.abstract(d, damping=gamma, noise=sigma)
        truth = generator(dyn)
        paper = dissipation(dyn)
        parts.append((f"d={d}: Itô drift − paper's rate = ½σ²d",
                      prove_equal(truth - paper, sigma**2 * d / 2)))
        parts.append((f"d={d}: paper's E[dI/dt] = −γE‖v‖² (its drift equals the Itô drift)",
                      prove_zero(truth - paper)))
        if d == 1:
            lines.append(f"derived: d E[I]/dt = {expected_rate(dyn)} (Itô), paper: "
                         f"{-gamma}*E(v**2)".replace("-gamma*E(v**2)", "−γE(v²)"))
    harmonic = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")
    limit = quadratic_moments(harmonic, [0], [0]).stationary_inertia_expr()
    g, s = sorted(harmonic.parameters, key=lambda p: p.name)
    parts.append(("harmonic, d=1: lim E[I] = σ²/(2γ) (Lyapunov equation, exact)",
                  prove_equal(limit, s**2 / (2 * g))))
    lines.append(f"harmonic loss x²/2 from rest at 0: lim_(t→∞) E[I] = {limit} (the paper: 0)")
    return parts, lines


def check():
    parts, evidence = _symbolic()
    data = {label: v.to_dict() for label, v in parts}
    evidence = [f"{label}: {v}" for label, v in parts] + evidence
    values = {"gamma": GAMMA, "sigma": SIGMA}
    # Counterexample: d = 1, at rest at the minimum.  Paper: E[I](t) ≡ 0.  Truth from the exact
    # moment ODE, and Monte Carlo.
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")
    moments = quadratic_moments(dyn, [0.0], [0.0])
    exact_half = float(moments.expected_inertia([2.0], values)[0])
    run = simulate_ensemble(dyn, [0.0], [0.0], t_end=2.0, dt=0.01, paths=PATHS, values=values,
                            seed=SEED, records=[0, 1, 2, 200])
    slope_vs_paper = run.mean["slope_minus_rate_without_noise"][1]
    slope_vs_paper_se = run.stderr["slope_minus_rate_without_noise"][1]
    slope = run.mean["slope"][1]
    slope_se = run.stderr["slope"][1]
    evidence.append(
        f"counterexample (L = x²/2, γ = σ = 1, θ(0) = v(0) = 0): the paper predicts "
        f"E[dI/dt](0) = 0 and E[I] ≡ 0; exactly, dE[I]/dt(0) = ½σ² = 0.5 and E[I](2) = "
        f"{exact_half:.6f}")
    evidence.append(
        f"Monte Carlo ({run.scheme}, dt = {run.dt:g}, {run.paths} paths, seed {run.seed}): slope "
        f"of the sample mean at t = {run.times[1]:.3g} (central difference over t = 0 and "
        f"{run.times[2]:.3g}): {slope:.4f} ± {slope_se:.2g} (Itô: 0.5 + O(dt)); slope − paper's rate (paired): {slope_vs_paper:.4f} ± {slope_vs_paper_se:.2g}, "
        f"{abs(slope_vs_paper) / slope_vs_paper_se:.0f} standard errors from the paper's 0")
    mc = crosscheck_expected_inertia(dyn, [0.0], [0.0], t_end=6.0, dt=0.05, paths=PATHS,
                                     values=values, seed=SEED + 10, records=3)
    evidence += mc.evidence()
    gibbs_dyn = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="gamma", noise="sigma")
    gibbs = gibbs_stationary(gibbs_dyn, values)
    stationary = crosscheck_stationary(gibbs_dyn, [0.0], [0.0], t_end=20.0, dt=0.05,
                                       paths=PATHS, values=values, seed=SEED + 20)
    evidence.append(f"double well x⁴/4 − x²/2 (γ = σ = 1, T = ½): Gibbs stationarity "
                    f"{gibbs.stationarity}; E[I] = {gibbs.expected_inertia:.8f} "
                    f"({gibbs.method}); the paper's eq. 7 would keep E[I] ≤ I(0) = 0 from rest at 0")
    evidence += stationary.evidence()
    data.update({"counterexample_run": run.to_dict(), "monte_carlo": mc.to_dict(),
                 "stationary": stationary.to_dict(), "gibbs": gibbs.to_dict()})
    paper_refuted = any(v.refuted for _, v in parts)
    consistent = mc.agrees and stationary.agrees and abs(slope_vs_paper) > Z * slope_vs_paper_se
    if not consistent:
        evidence.append("WARNING: a Monte Carlo cross-check did not behave as derived")
    if not paper_refuted:  # pragma: no cover - would mean the derivation changed
        return Outcome("verified", evidence, data)
    return Outcome(
        "refuted", evidence, data,
        corrected="E[dI/dt] = −γE‖θ̇‖² + ½σ²d for ξ = σ dW/dt (in general ½ tr ΣΣᵀ): θ̇(t) is not "
                  "independent of ξ(t) (E[θ̇·ξ] = ½σ²d). E[I] does not decay to min L: it tends "
                  "to dT/2 + E_Gibbs[L], T = σ²/(2γ) (d·σ²/(2γ) for a harmonic loss).",
        counterexample={"loss": "x**2/2", "d": 1, "gamma": GAMMA, "sigma": SIGMA,
                        "theta0": 0.0, "v0": 0.0, "paper_E_dI_dt_at_0": 0.0,
                        "true_E_dI_dt_at_0": 0.5 * SIGMA**2,
                        "monte_carlo_slope": slope, "monte_carlo_slope_stderr": slope_se,
                        "paper_E_I_at_2": 0.0, "exact_E_I_at_2": exact_half},
    )


CLAIM = Claim(
    id="karagoz2025/eq7",
    paper="Expected rate: E[dI/dt] = −γ E‖θ̇‖², since ξ is independent of θ̇ and zero-mean.",
    statement="False for white noise ξ = σ dW/dt: d E[I]/dt = −γE‖θ̇‖² + ½σ²d (Itô's formula; "
              "derived for every loss, d = 1…4), so E[I] tends to dT/2 + E_Gibbs[L] with "
              "T = σ²/(2γ), not to min L; confirmed exactly (moment ODE, Gibbs law) and by Monte "
              "Carlo.",
    check=check,
    expect="refuted",
)
