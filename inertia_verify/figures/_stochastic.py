"""The stochastic case (eqs 5–7): Monte Carlo E[I](t) with its error band against the exact
prediction and against the paper's rate without the Itô term."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics

from ._plotting import WIDE

NAME = "eq7-stochastic-inertia"
TITLE = "Noisy dynamics: expected inertia"
CLAIMS = ("karagoz2025/eq7", "karagoz2025/eq6", "karagoz2025/eq5")  # most relevant first
CAPTION = ("dθ = v dt, dv = (−γv − θ)dt + σ dW, γ = 0.5, σ = 0.5, θ(0) = 1, v(0) = 0. Monte Carlo "
           "mean of I over 4000 paths (the toolkit's BAOAB ensemble, dt = 0.005, seed 7) with a ±2 "
           "standard-error band; the exact E[I](t) from the moment equations "
           "(Itô: dE[I]/dt = −γE[v²] + σ²/2); and the paper's eq. 7 integrated with the exact "
           "E[v²] (no σ²/2 term), which falls below zero.")
GAMMA, SIGMA, T_END, DT, PATHS, SEED, RECORDS = 0.5, 0.5, 15.0, 0.005, 4000, 7, 150
SCHEME = "baoab"


def system() -> Dynamics:
    return Dynamics.from_text("x**2/2", "x", damping=str(GAMMA), noise=str(SIGMA))


def exact_moments(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact E[I](t) and E[v²](t) from the toolkit's moment equations (quadratic_moments).

    Examples
    --------
    >>> expected, _ = exact_moments(np.array([0.0, 200.0]))
    >>> [round(float(x), 6) for x in expected]  # I(0) = ½; stationary σ²/(2γ) = 0.25
    [0.5, 0.25]
    """
    from ..symbolic._ito_moments import quadratic_moments

    moments = quadratic_moments(system(), [1], [0])
    return moments.expected_inertia(times), moments.expected_velocity_square(times)


def monte_carlo() -> dict:
    """The toolkit's seeded Monte Carlo ensemble (BAOAB), statistics at RECORDS times."""
    from ..numeric._montecarlo import simulate_ensemble

    run = simulate_ensemble(system(), [1.0], [0.0], t_end=T_END, dt=DT,
                            paths=PATHS, seed=SEED, records=RECORDS, scheme=SCHEME)
    if run.status != "ok":
        from .._errors import SimulationDiverged

        raise SimulationDiverged(f"the Monte Carlo ensemble diverged at t = {run.diverged_at}")
    return {"times": run.times, "mean": run.mean["inertia"], "stderr": run.stderr["inertia"],
            "scheme": run.scheme, "rerun": run.rerun()}


def data() -> dict:
    mc = monte_carlo()
    fine = np.linspace(0.0, T_END, 601)
    expected, v2 = exact_moments(fine)
    # The paper's eq. 7, E[dI/dt] = −γE[v²], integrated (trapezoid) with the exact E[v²].
    eq7 = 0.5 - GAMMA * np.concatenate([[0.0], np.cumsum(0.5 * (v2[1:] + v2[:-1]) * np.diff(fine))])
    exact_at_mc, _ = exact_moments(mc["times"])
    return {**mc, "fine": fine, "expected": expected, "eq7": eq7,
            "z": (mc["mean"][1:] - exact_at_mc[1:]) / mc["stderr"][1:]}


def draw(plt, d: dict):
    fig, (ax, right) = plt.subplots(1, 2, figsize=WIDE, layout="constrained")
    t, mean, se = d["times"], d["mean"], d["stderr"]
    ax.fill_between(t, mean - 2 * se, mean + 2 * se, alpha=0.3, color="C0",
                    label="±2 standard errors")
    ax.plot(t, mean, color="C0", lw=1.5, label=f"Monte Carlo mean of I ({PATHS} paths)")
    ax.plot(d["fine"], d["expected"], "k--", lw=1.2, label="exact E[I] (Itô: −γE[v²] + σ²/2)")
    ax.plot(d["fine"], d["eq7"], ":", color="C3", lw=1.5, label="paper eq. 7: −γE[v²] only")
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set(xlabel="time t", ylabel="expected inertia E[I(t)]",
           title=f"E[I(t)], γ = {GAMMA}, σ = {SIGMA}")
    ax.legend(fontsize=8)
    right.axhspan(-2, 2, color="0.9", label="|z| ≤ 2")
    right.plot(t[1:], d["z"], lw=1, label="z = (MC mean − exact E[I]) / SE")
    right.axhline(0.0, color="k", lw=0.8)
    right.set(xlabel="time t", ylabel="error in standard errors",
              title="Monte Carlo against the exact prediction", ylim=(-5, 5))
    right.legend(loc="lower right", fontsize=8)
    return fig
