"""Appendix C: 2-D trajectories of a quadratic loss, coloured by the inertia."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ._plotting import WIDE
from ._simulation import trajectory

NAME = "appC-trajectories-2d"
TITLE = "Appendix C: 2-D trajectories coloured by I"
CLAIMS = ("karagoz2025/appC",)
CAPTION = ("L = ½(aθ₁² + bθ₂²), a = 1, b = 4, five starts on the unit circle with speed 0.4 along "
           "it. Left: γ = 0, each trajectory keeps one colour (I conserved). Right: γ = 0.2, "
           "the colour darkens along each trajectory towards the minimum.")
A, B, GAMMA, STARTS = 1.0, 4.0, 0.2, 5


def starts() -> tuple[np.ndarray, np.ndarray]:
    """θ(0) on the unit circle, θ̇(0) = 0.4 along the circle (so that the orbits differ)."""
    angles = np.linspace(0.0, 2 * np.pi, STARTS, endpoint=False) + 0.3
    return (np.stack([np.cos(angles), np.sin(angles)], axis=1),
            0.4 * np.stack([-np.sin(angles), np.cos(angles)], axis=1))


def data() -> dict:
    dyn = Dynamics.from_text("(a*x**2 + b*y**2)/2", "x,y", damping="gamma")
    out = {}
    for key, gamma, t_end in (("free", 0.0, 6.0), ("damped", GAMMA, 20.0)):
        paths = [trajectory(dyn, p, v, t_end, samples=1200,
                            values={"a": A, "b": B, "gamma": gamma}) for p, v in zip(*starts())]
        out[key] = [(p.theta, p.inertia) for p in paths]
        out["method"] = paths[0].method
    return out


def draw(plt, d: dict):
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    fig, axes = plt.subplots(1, 2, figsize=WIDE, sharex=True, sharey=True, layout="constrained")
    highest = max(float(i.max()) for key in ("free", "damped") for _, i in d[key])
    norm = Normalize(0.0, highest)
    grid = np.linspace(-1.5, 1.5, 200)
    X, Y = np.meshgrid(grid, grid)
    for ax, key, title in ((axes[0], "free", "γ = 0"), (axes[1], "damped", f"γ = {GAMMA}")):
        ax.contour(X, Y, 0.5 * (A * X**2 + B * Y**2), levels=10, colors="0.85", linewidths=0.7)
        for theta, inertia in d[key]:
            segments = np.stack([theta[:-1], theta[1:]], axis=1)
            lines = LineCollection(segments, cmap="viridis", norm=norm, linewidths=1.6)
            lines.set_array(0.5 * (inertia[:-1] + inertia[1:]))
            ax.add_collection(lines)
            ax.plot(*theta[0], "o", color="k", ms=3)
        ax.plot([0], [0], "r*", ms=8)
        ax.set(xlabel="θ₁", ylabel="θ₂", title=f"{title}, L = ½(θ₁² + 4θ₂²)",
               xlim=(-1.5, 1.5), ylim=(-1.5, 1.5))
        ax.set_aspect("equal")
    bar = fig.colorbar(lines, ax=axes, shrink=0.95)
    bar.set_label("inertia I = ½‖θ̇‖² + L(θ)")
    axes[0].plot([], [], "ko", ms=3, label="start")
    axes[0].plot([], [], "r*", ms=8, label="minimum")
    axes[0].legend(loc="lower left", fontsize=7)
    return fig
