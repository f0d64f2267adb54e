"""Section V, figure 1: I(t) for the harmonic loss, frictionless against lightly damped."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import trajectory

NAME = "sec5-inertia"
TITLE = "Section V: inertia without and with damping"
CLAIMS = ("karagoz2025/sec5",)
CAPTION = ("L = ½θ², θ(0) = 1, θ̇(0) = 0. Left: I(t) for γ = 0 and γ = 0.1, with the paper's "
           "exponential I(0)e^{−γt}. Right: the drift |I(t) − I(0)| of the frictionless run, at "
           "the level of the integrator's tolerance (rtol 1e-10).")
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
    drift = np.abs(d["free"] - d["free"][0])
    right.semilogy(t[1:], np.maximum(drift[1:], 1e-17), lw=1)
    right.set(xlabel="time t", ylabel="|I(t) − I(0)|", title="γ = 0: constant within the solver tolerance")
    fig.suptitle(f"{TITLE} ({d['method']})", fontsize=9)
    fig.tight_layout()
    return fig
