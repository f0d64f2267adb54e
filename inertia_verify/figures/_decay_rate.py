"""Appendix B: the averaged decay rate of I against γ, across critical damping."""

from __future__ import annotations

import functools

import numpy as np

from .._dynamics import Dynamics
from ._plotting import SIZE
from ._simulation import trajectory

NAME = "appB-decay-rate"
TITLE = "Appendix B: decay rate of I against γ"
CLAIMS = ("karagoz2025/appB",)
CAPTION = ("L = ½ω²θ², ω = 1, θ(0) = 1, θ̇(0) = 0. Dots: the averaged rate −ln(I(T)/I(0))/T over "
           "T = 20 from simulation. Dashed: the paper's relation rate = γ. Solid: the exact "
           "asymptotic rate from the closed-form solutions, which equals γ only up to critical "
           "damping γ = 2ω and then falls as γ − √(γ² − 4ω²).  Near γ = 2ω the dots dip below "
           "it: over a finite T the average also carries ln(prefactor)/T, and there the "
           "prefactor of e^{−γt} grows like t² (at γ = 2ω, I = ½e^{−2t}(t² + (1 + t)²)), so the "
           "exact average over T = 20 at γ = 2ω (cross) is 2 − ln 841/20 ≈ 1.66, not 2.")
OMEGA = 1.0
HORIZON = 20.0
GAMMAS = np.linspace(0.1, 5.0, 36)


def asymptotic_rate(gamma: float, omega: float = OMEGA) -> float:
    """The exact asymptotic decay rate of I, from the toolkit's closed forms
    (:func:`~inertia_verify.symbolic._closed_forms.oscillator_decay_rate`).

    Examples
    --------
    >>> round(asymptotic_rate(0.5), 12), round(asymptotic_rate(5.0), 6)
    (0.5, 0.417424)
    """
    return float(_rate_function()(float(gamma), float(omega)))


@functools.lru_cache(maxsize=1)
def _rate_function():
    import sympy

    from ..symbolic._closed_forms import oscillator_decay_rate

    rate = oscillator_decay_rate()  # Piecewise in gamma and omega
    gamma, omega = sorted(rate.free_symbols, key=lambda s: s.name)
    return sympy.lambdify((gamma, omega), rate, modules="math")


def data(gammas=GAMMAS) -> dict:
    dyn = Dynamics.from_text("omega**2*x**2/2", "x", damping="gamma")
    gammas = np.asarray(gammas, dtype=float)
    measured = []
    for gamma in gammas:
        path = trajectory(dyn, [1.0], [0.0], HORIZON, samples=3,
                          values={"omega": OMEGA, "gamma": float(gamma)})
        measured.append(-np.log(path.inertia[-1] / path.inertia[0]) / HORIZON)
    return {"gammas": gammas, "measured": np.array(measured),
            "exact": np.array([asymptotic_rate(g) for g in gammas]),
            "critical_averaged": averaged_rate(2 * OMEGA), "method": path.method}


def averaged_rate(gamma: float, omega: float = OMEGA, t_end: float = HORIZON) -> float:
    """The exact finite-horizon average −ln(I(T)/I(0))/T from the closed form, θ(0) = 1, θ̇(0) = 0.

    Examples
    --------
    >>> round(averaged_rate(2.0), 6)  # critical damping: 2 − ln(T² + (1 + T)²)/T at T = 20
    1.66327
    """
    from ..symbolic import oscillator_solution

    _, _, inertia = oscillator_solution(omega, gamma, 1, 0).evaluate(np.array([0.0, t_end]))
    return float(-np.log(inertia[1] / inertia[0]) / t_end)


def draw(plt, d: dict):
    fig, ax = plt.subplots(figsize=SIZE)
    g = d["gammas"]
    ax.plot(g, g, "k--", lw=1, label="paper: rate = γ")
    fine = np.linspace(g[0], g[-1], 400)
    ax.plot(fine, [asymptotic_rate(x) for x in fine], lw=2, label="exact asymptotic rate")
    ax.plot(g, d["measured"], "o", ms=4, label=f"simulated, averaged over T = {HORIZON:g}")
    ax.axvline(2 * OMEGA, color="0.5", lw=1, ls=":")
    ax.annotate("critical damping γ = 2ω", (2 * OMEGA, 0.2), xytext=(2.15, 0.2), fontsize=8)
    # Why the dots dip below the solid curve near γ = 2ω: a finite-T average, not an error.
    ax.plot([2 * OMEGA], [d["critical_averaged"]], "x", color="k", ms=7, mew=1.5,
            label=f"exact, averaged over T = {HORIZON:g}, at γ = 2ω")
    ax.annotate(f"dip near γ = 2ω: a finite-T average, not an error.\n"
                f"Near 2ω the prefactor of $e^{{-\\gamma t}}$ in I grows\n"
                f"like t², adding −ln(prefactor)/T; at γ = 2ω,\n"
                f"$I = \\frac{{1}}{{2}}e^{{-2t}}(t^2 + (1+t)^2)$: the average\n"
                f"over T = {HORIZON:g} is {d['critical_averaged']:.2f} (×), not 2",
                (2 * OMEGA, d["critical_averaged"]), xytext=(2.75, 1.85), fontsize=7.5,
                va="center", arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8})
    ax.set(xlabel="damping γ", ylabel="decay rate of I", title=TITLE)
    ax.legend()
    fig.tight_layout()
    return fig
