"""Appendix E: the damped oscillator's inertia against the exact solution and the paper's (16).

(16), ½A²ω²e^{−γt}, is not an envelope of I(t): with θ = A e^{−γt/2} cos(ω_d t + φ),
I(t) = ½A²e^{−γt}[(γ/2 cos + ω_d sin)² + ω² cos²], whose bracket averages to ω² over a period
π/ω_d of the phase.  So (16) is I(t) averaged over a period, and I(t) swings above and below it.
"""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import trajectory

NAME = "appE-damped-envelope"
TITLE = "Appendix E: damped oscillator, I(t) and the paper's (16), its period average"
CLAIMS = ("karagoz2025/appE",)
CAPTION = ("θ̈ + γθ̇ + ω²θ = 0, ω = 1, γ = 0.2, θ(0) = 1, θ̇(0) = 0. Left: simulated I(t), the "
           "exact "
           "I(t) from the closed-form solution, and the paper's (16) ½A²ω²e^{−γt}. Right: their "
           "ratio, which swings between about 0.90 and 1.10 (relative size ≈ γ/(2ω_d)) and "
           "averages to 1 over each period π/ω_d: (16) is not an envelope of I(t) but its "
           "average over a period.")
OMEGA, GAMMA, T_END = 1.0, 0.2, 40.0


def amplitude(omega: float = OMEGA, gamma: float = GAMMA, theta0: float = 1.0,
              v0: float = 0.0) -> float:
    """The amplitude A of the paper's (15), θ = A e^{−γt/2} cos(ω_d t + φ), for the given start.

    Examples
    --------
    >>> round(amplitude(), 6)
    1.005038
    """
    wd = np.sqrt(omega**2 - gamma**2 / 4)
    return float(np.hypot(theta0, (v0 + gamma * theta0 / 2) / wd))


def data() -> dict:
    from ..symbolic._closed_forms import oscillator_solution

    dyn = Dynamics.from_text("omega**2*x**2/2", "x", damping="gamma")
    path = trajectory(dyn, [1.0], [0.0], T_END, samples=1200,
                      values={"omega": OMEGA, "gamma": GAMMA})
    _, _, exact = oscillator_solution(OMEGA, GAMMA, 1, 0).evaluate(path.times)
    envelope = 0.5 * amplitude()**2 * OMEGA**2 * np.exp(-GAMMA * path.times)  # the paper's (16)
    ratio = exact / envelope
    return {"times": path.times, "simulated": path.inertia, "exact": exact,
            "envelope": envelope, "ratio": ratio, "period_mean": period_mean(path.times, ratio),
            "method": path.method}


def period_mean(times: np.ndarray, values: np.ndarray, omega: float = OMEGA,
                gamma: float = GAMMA) -> float:
    """The mean of ``values`` over the whole periods π/ω_d of I(t)'s oscillation in ``times``
    (trapezoid rule on the saved, equally spaced times).

    Examples
    --------
    >>> t = np.linspace(0.0, 40.0, 4001)
    >>> wd = np.sqrt(OMEGA**2 - GAMMA**2 / 4)
    >>> round(period_mean(t, 1 + 0.1 * np.cos(2 * wd * t)), 6)
    1.0
    """
    period = np.pi / np.sqrt(omega**2 - gamma**2 / 4)
    whole = times <= times[0] + period * np.floor((times[-1] - times[0]) / period)
    t, v = times[whole], values[whole]
    return float(np.sum((v[1:] + v[:-1]) * np.diff(t)) / 2 / (t[-1] - t[0]))


def draw(plt, d: dict):
    fig, (left, right) = plt.subplots(1, 2, figsize=WIDE)
    t = d["times"]
    left.semilogy(t, d["simulated"], lw=2.5, alpha=0.6, label="simulated I(t)")
    left.semilogy(t, d["exact"], "k--", lw=1, label="exact I(t) (closed form)")
    left.semilogy(t, d["envelope"], ":", color="C3", lw=1.5,
                  label=r"paper (16): $\frac{1}{2}A^2\omega^2 e^{-\gamma t}$")
    left.set(xlabel="time t", ylabel="inertia I(t) (log scale)", title="I(t) against (16)")
    left.legend(loc="upper right")  # the curves fall from the upper left; the upper right is empty
    low, high = float(np.min(d["ratio"])), float(np.max(d["ratio"]))
    right.plot(t, d["simulated"] / d["envelope"], lw=1.5, label="simulated I(t)/(16)")
    right.axhline(d["period_mean"], color="k", lw=1, ls="--",
                  label=f"exact mean over whole periods: {d['period_mean']:.3f}")
    right.set(xlabel="time t", ylabel=r"$I(t)\,/\,\frac{1}{2}A^2\omega^2 e^{-\gamma t}$",
              title=f"(16) is I(t) averaged over a period:\nI(t)/(16) swings from {low:.2f} to "
                    f"{high:.2f}, not an envelope")
    # Headroom above the swing, so that the legend sits above the curve, not on it.
    right.set_ylim(low - 0.02, high + 0.09)
    right.legend(loc="upper center", ncol=2, fontsize=8, framealpha=0.95)
    fig.tight_layout()
    return fig
