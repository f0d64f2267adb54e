"""Appendix A: phase portraits (θ, θ̇), closed orbits without damping and spirals with it."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import trajectory

NAME = "appA-phase-portraits"
TITLE = "Appendix A: phase portraits"
CLAIMS = ("karagoz2025/appA",)
CAPTION = ("L = ½θ². Left: γ = 0, orbits from θ(0) ∈ {0.5, 1, 1.5, 2} lie on the level sets of I "
           "(grey contours). Right: γ = 0.25, orbits spiral into the minimum.")
GAMMA = 0.25
STARTS_FREE = (0.5, 1.0, 1.5, 2.0)
STARTS_DAMPED = ((2.0, 0.0), (-1.5, 1.0))


def data() -> dict:
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    free = [trajectory(dyn, [x], [0.0], 2 * np.pi, samples=400, values={"gamma": 0.0})
            for x in STARTS_FREE]
    damped = [trajectory(dyn, [x], [v], 30.0, samples=1500, values={"gamma": GAMMA})
              for x, v in STARTS_DAMPED]
    return {"free": [(p.theta[:, 0], p.v[:, 0]) for p in free],
            "damped": [(p.theta[:, 0], p.v[:, 0]) for p in damped],
            "method": free[0].method}


def draw(plt, d: dict):
    fig, axes = plt.subplots(1, 2, figsize=WIDE, sharex=True, sharey=True, layout="constrained")
    grid = np.linspace(-2.6, 2.6, 200)
    X, V = np.meshgrid(grid, grid)
    for ax in axes:
        ax.contour(X, V, 0.5 * V**2 + 0.5 * X**2, levels=12, colors="0.8", linewidths=0.7)
        ax.plot([0], [0], "k*", ms=9, label="minimum")
        ax.set(xlabel="θ", ylabel="θ̇ (velocity)")
        ax.set_aspect("equal")
    for (theta, v), x0 in zip(d["free"], STARTS_FREE):
        axes[0].plot(theta, v, lw=1.8, label=f"θ(0) = {x0}")
    for (theta, v), start in zip(d["damped"], STARTS_DAMPED):
        axes[1].plot(theta, v, lw=1.4, label=f"(θ, θ̇)(0) = {start}")
        axes[1].plot(theta[0], v[0], "o", color=axes[1].lines[-1].get_color())
    axes[0].set_title("γ = 0: closed orbits on level sets of I")
    axes[1].set_title(f"γ = {GAMMA}: inward spirals")
    axes[0].legend(loc="upper left", fontsize=7, framealpha=0.9)
    axes[1].legend(loc="upper left", fontsize=7, framealpha=0.9)
    return fig
