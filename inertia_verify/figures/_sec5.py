"""Section V, figure 1: I(t) for the harmonic loss, frictionless against lightly damped."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import RTOL, trajectory

NAME = "sec5-inertia"
TITLE = "Section V: inertia without and with damping"
CLAIMS = ("karagoz2025/sec5",)
CAPTION = ("L = ½θ², θ(0) = 1, θ̇(0) = 0. Left: I(t) for γ = 0 and γ = 0.1, with the paper's "
           "exponential I(0)e^{−γt}. Right: the error I(t) − I(0) of the frictionless run, in "
           f"units of 10⁻¹², with its running largest size: a few times the integrator's tolerance "
           f"(rtol {RTOL:g}) and growing slowly as the steps' errors add up.")
GAMMA = 0.1
T_END = 60.0


def data() -> dict:
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    free = trajectory(dyn, [1.0], [0.0], T_END, values={"gamma": 0.0})
    damped = trajectory(dyn, [1.0], [0.0], T_END, values={"gamma": GAMMA})
    return {"times": free.times, "free": free.inertia, "damped": damped.inertia,
            "method": free.method}


def draw(plt, d: dict):
    fig, (left, right) = plt.subplots(1, 2, figsize=WIDE)
    t = d["times"]
    left.plot(t, d["free"], label="γ = 0 (simulated)", lw=2)
    left.plot(t, d["damped"], label=f"γ = {GAMMA} (simulated)", lw=2)
    left.plot(t, d["damped"][0] * np.exp(-GAMMA * t), "k--", lw=1,
              label=r"paper: $I(0)\,e^{-\gamma t}$")
    left.set(xlabel="time t", ylabel="inertia I(t)", title="I(t), harmonic loss")
    left.legend()
    # A log scale of |I(t) − I(0)| drew a dense comb of dips to 1e-14 (the sign changes); the
    # signed error on a linear scale, with its running largest size, reads at a glance.
    unit = 1e-12
    error = (d["free"] - d["free"][0]) / unit
    right.plot(t, error, lw=0.6, color="C0", alpha=0.6, label="I(t) − I(0)")
    right.plot(t, np.maximum.accumulate(np.abs(error)), lw=2, color="C3",
               label="largest |I(s) − I(0)|, s ≤ t")
    right.axhline(0.0, color="k", lw=0.8)
    right.set(xlabel="time t", ylabel=r"$I(t) - I(0)$  [units of $10^{-12}$]",
              title="γ = 0: I(t) constant to a few 1e-12")
    span = np.max(np.abs(error))
    right.set_ylim(-1.15 * span, 1.7 * span)  # headroom for the legend above the curves
    right.legend(loc="upper left", ncol=2, fontsize=8)
    fig.suptitle(f"{TITLE} ({d['method']})", fontsize=9)
    fig.tight_layout()
    return fig
