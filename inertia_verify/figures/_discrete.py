"""Appendix D: the discrete inertia of the paper's update (9)–(10) for several step sizes."""

from __future__ import annotations

import numpy as np

from .._dynamics import Dynamics
from ..numeric import compile_dynamics
from ._plotting import WIDE

NAME = "appD-discrete-inertia"
TITLE = "Appendix D: discrete inertia of symplectic Euler"
CLAIMS = ("karagoz2025/appD",)
CAPTION = ("The paper's frictionless update v_{k+1} = v_k − η∇L(θ_k), θ_{k+1} = θ_k + ηv_{k+1} on "
           "L = ½θ², θ₀ = 1, v₀ = 0. Left: I_k − I_0 against t = kη: bounded oscillations, no "
           "drift. Right: their size max_k |I_k − I_0| falls like η¹ (first order).")
STEPS = (0.4, 0.2, 0.1, 0.05, 0.025)
T_END = 30.0


def discrete_inertia(eta: float, t_end: float = T_END) -> tuple[np.ndarray, np.ndarray]:
    """Times kη and I_k of the update (9)–(10) with the compiled gradient of L = ½θ².

    Examples
    --------
    >>> t, inertia = discrete_inertia(0.1, 1.0)
    >>> t.shape, float(inertia[0])
    ((11,), 0.5)
    """
    compiled = compile_dynamics(Dynamics.from_text("x**2/2", "x"))
    steps = int(round(t_end / eta))
    theta, v = np.array([[1.0]]), np.array([[0.0]])
    out = [compiled.inertia(theta, v)[0]]
    for _ in range(steps):
        v = v - eta * compiled.gradient(theta)   # (9)
        theta = theta + eta * v                  # (10)
        out.append(compiled.inertia(theta, v)[0])
    out = np.array(out)
    if not np.all(np.isfinite(out)):
        from .._errors import SimulationDiverged

        raise SimulationDiverged(f"the discrete inertia with η = {eta} is not finite")
    return eta * np.arange(steps + 1), out


def data() -> dict:
    runs = {eta: discrete_inertia(eta) for eta in STEPS}
    return {"runs": runs,
            "max_error": np.array([np.max(np.abs(i - i[0])) for _, i in runs.values()])}


def draw(plt, d: dict):
    fig, (left, right) = plt.subplots(1, 2, figsize=WIDE)
    for eta, (t, inertia) in d["runs"].items():
        left.plot(t, inertia - inertia[0], lw=1.2, label=f"η = {eta}")
    left.set(xlabel="time t = kη", ylabel=r"$I_k - I_0$", title="discrete inertia, γ = 0")
    # The oscillations fill the whole panel: the legend goes in headroom above them, one row.
    top = max(float(np.max(i - i[0])) for _, i in d["runs"].values())
    bottom = min(float(np.min(i - i[0])) for _, i in d["runs"].values())
    left.set_ylim(bottom - 0.05 * (top - bottom), top + 0.35 * (top - bottom))
    left.legend(loc="upper center", ncol=3, fontsize=8, columnspacing=1.0)
    etas = np.array(STEPS)
    right.loglog(etas, d["max_error"], "o-", label=r"$\max_k |I_k - I_0|$")
    right.loglog(etas, d["max_error"][-1] * etas / etas[-1], "k--", lw=1, label="slope 1 (∝ η)")
    right.set(xlabel="step size η", ylabel=r"largest deviation of $I_k$", title="first order in η")
    right.set_xticks(etas, [f"{e:g}" for e in etas])
    right.xaxis.set_minor_formatter(plt.NullFormatter())
    right.legend()
    fig.tight_layout()
    return fig
