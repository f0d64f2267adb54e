"""Appendix E: the damped oscillator's inertia against the exact solution and the envelope."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import trajectory

NAME = "appE-damped-envelope"
TITLE = "Appendix E: damped oscillator, I(t) and the envelope"
CLAIMS = ("karagoz2025/appE",)
CAPTION = ("θ̈ + γθ̇ + ω²θ = 0, ω = 1, γ = 0.2, θ(0) = 1, θ̇(0) = 0. Left: simulated I(t), the exact "
           "I(t) from the closed-form solution, and the paper's (16) ½A²ω²e^{−γt}. Right: their "
           "ratio: (16) is an envelope, exact only up to an oscillation of relative size ≈ γ/ω.")
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
    from ..symbolic._closed_forms import oscillator

    dyn = Dynamics.from_text("omega**2*x**2/2", "x", damping="gamma")
    path = trajectory(dyn, [1.0], [0.0], T_END, samples=1200, values={"omega": OMEGA, "gamma": GAMMA})
    _, _, exact = oscillator(OMEGA, GAMMA, 1, 0).evaluate(path.times)
    return {"times": path.times, "simulated": path.inertia, "exact": exact,
            "envelope": 0.5 * amplitude()**2 * OMEGA**2 * np.exp(-GAMMA * path.times),
            "method": path.method}


def draw(plt, d: dict):
    fig, (left, right) = plt.subplots(1, 2, figsize=WIDE)
    t = d["times"]
    left.semilogy(t, d["simulated"], lw=2.5, alpha=0.6, label="simulated I(t)")
    left.semilogy(t, d["exact"], "k--", lw=1, label="exact I(t) (closed form)")
    left.semilogy(t, d["envelope"], ":", color="C3", lw=1.5, label=r"paper (16): $\frac{1}{2}A^2\omega^2 e^{-\gamma t}$")
    left.set(xlabel="time t", ylabel="inertia I(t) (log scale)", title="I(t) against (16)")
    left.legend()
    right.plot(t, d["simulated"] / d["envelope"], lw=1.5, label="simulated / (16)")
    right.axhline(1.0, color="k", lw=0.8)
    right.set(xlabel="time t", ylabel=r"$I(t)\,/\,\frac{1}{2}A^2\omega^2 e^{-\gamma t}$", title="(16) is an envelope, not I(t)")
    right.legend(loc="upper right", framealpha=0.95)
    fig.tight_layout()
    return fig
