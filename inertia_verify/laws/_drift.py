"""How far a conservation law drifts under discrete gradient steps (Marcotte et al. 2025).

A law h of the gradient flow holds for *every* loss, so for any step θ' = θ − τG with
G = J(θ)ᵀ∇ℓ_k(φ(θ)) (the full loss or a minibatch loss alike) the first-order term ⟨∇h, G⟩
vanishes.  For a quadratic law (every law the papers state is one) Taylor's formula is exact:

    h(θ − τG) − h(θ) = (τ²/2) Gᵀ H G,   H = ∇²h constant,

so after k steps |h(θ_k) − h(θ₀)| ≤ (C_h C_L / 2) Σ_i τ_i² with C_h = ‖H‖₂ and
C_L = max_i ‖G_i‖² along the run.  At a fixed training time T = Σ τ_i with a constant step τ,
Σ τ_i² = Tτ: the drift is first order in τ, and log(drift) against log(τ) has slope 1.

:func:`law_drift` runs gradient descent or SGD on a least-squares loss of the model's φ and
measures the drift of each law, the bound, and that slope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from .._errors import InvalidArgument
from .._validation import as_positive_int
from .._expressions import as_sympy
from ._models import Model

__all__ = ["DriftRun", "law_drift"]


@dataclass(frozen=True)
class DriftRun:
    """Drift of a model's laws at several step sizes, for one fixed training time.

    Attributes
    ----------
    model : str
        The model's name.
    stochastic : bool
        SGD on minibatches (True) or full-batch GD.
    t_end : float
        The training time T (unused when ``iterations`` is set).
    iterations : int or None
        The fixed number of steps, or None for T / τ steps.
    dts : tuple of float
        The step sizes τ.
    drift : tuple of float
        For each τ: the largest |h(θ_K) − h(θ₀)| over the laws, averaged over the seeds.
    bound : tuple of float
        For each τ: (C_h C_L / 2) Σ τ², with C_h the largest ‖∇²h‖₂ over the laws and C_L the
        largest ‖G_i‖² met along the run (the seeds' largest).
    slope : float
        Least-squares slope of log(drift) against log(τ)
        (:func:`~inertia_verify.crosschecks.fit_order`; NaN when a drift is exactly 0).

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear, known_laws, law_drift
    >>> m = deep_linear([2, 1, 2])
    >>> run = law_drift(m, known_laws(m), [0.02, 0.01], iterations=10)
    >>> run.dts, run.iterations, len(run.drift)
    ((0.02, 0.01), 10, 2)
    """

    model: str
    stochastic: bool
    t_end: float
    iterations: int | None
    dts: tuple[float, ...]
    drift: tuple[float, ...]
    bound: tuple[float, ...]
    slope: float

    def to_dict(self) -> dict:
        return {"model": self.model, "stochastic": self.stochastic, "t_end": self.t_end,
                "iterations": self.iterations,
                "dts": list(self.dts), "drift": list(self.drift), "bound": list(self.bound),
                "slope": self.slope}


def law_drift(model: Model, laws: Sequence[sympy.Expr], dts: Sequence[float], *,
              t_end: float = 1.0, stochastic: bool = False, seeds: Sequence[int] = (0,),
              samples: int = 20, batch: int = 4, iterations: int | None = None) -> DriftRun:
    """Run GD (or SGD with minibatches of ``batch`` rows) for ``t_end / τ`` steps at each step
    size τ of ``dts``, or
    for a fixed number of ``iterations`` (then the drift is second order: slope 2).

    The loss is ℓ(φ) = ‖Aφ − b‖² / (2·samples) with A, b Gaussian (seeded); the start θ₀ is
    Gaussian with standard deviation 0.5.  The same data and start serve every τ.

    Parameters
    ----------
    model : Model
        The model φ trained.
    laws : sequence of sympy.Expr
        Its laws, polynomials of degree at most 2 (e.g. :func:`known_laws`); text is refused.
    dts : sequence of float
        The step sizes τ > 0.
    t_end : float
        The training time T: ``round(T / τ)`` steps at each τ.
    stochastic : bool
        SGD on minibatches of ``batch`` rows instead of full-batch GD.
    seeds : sequence of int
        One run per seed (data, start and minibatches); the drift is averaged over them.
    samples : int
        Rows of the least-squares data.
    batch : int
        Rows per minibatch (SGD only).
    iterations : int, optional
        A fixed number of steps at every τ instead of ``T / τ``.

    Returns
    -------
    DriftRun
        The drift and its exact second-order Taylor bound at each τ, and their slope.

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear, known_laws
    >>> m = deep_linear([2, 1, 2])
    >>> run = law_drift(m, known_laws(m), [0.02, 0.01, 0.005])
    >>> abs(run.slope - 1) < 0.1, all(d <= b for d, b in zip(run.drift, run.bound))
    (True, True)
    """
    from ..crosschecks._order_fit import fit_order

    if not isinstance(model, Model):
        raise InvalidArgument("model", model, "must be a Model", "build one with deep_linear")
    theta = list(model.parameters)
    laws = [as_sympy(h, argument="laws") for h in laws]  # text is refused, never evaluated
    if not laws:
        raise InvalidArgument("laws", laws, "is empty", "give the laws, e.g. known_laws(model)")
    for h in laws:
        if not (h.is_polynomial(*theta) and sympy.Poly(h, *theta).total_degree() <= 2):
            raise InvalidArgument("laws", h, "is not a polynomial of degree <= 2",
                                  "the exact Taylor bound needs quadratic laws")
    if not dts or any(not (isinstance(t, (int, float)) and t > 0) for t in dts):
        raise InvalidArgument("dts", dts, "must be positive numbers", "e.g. [0.02, 0.01]")
    if not t_end > 0:
        raise InvalidArgument("t_end", t_end, "must be positive", "e.g. 1.0")
    if iterations is not None:
        as_positive_int(iterations, "iterations", example="10, or None for a fixed training time")
    counts = [iterations if iterations is not None else int(round(t_end / t)) for t in dts]
    phi = sympy.lambdify([theta], list(model.components), "numpy")
    jac = sympy.lambdify([theta], model.jacobian(), "numpy")
    law_f = sympy.lambdify([theta], laws, "numpy")
    c_h = max(float(np.linalg.norm(np.array(sympy.hessian(h, theta), dtype=float), 2))
              for h in laws)
    n = len(model.components)
    drift = np.zeros((len(seeds), len(dts)))
    c_l = 0.0
    for s, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        a = rng.normal(size=(samples, n)) / np.sqrt(n)
        b = rng.normal(size=samples)
        start = 0.5 * rng.normal(size=len(theta))
        h0 = np.array(law_f(start), float)
        for k, tau in enumerate(dts):
            x = start.copy()
            batches = np.random.default_rng([seed, k])
            for _ in range(counts[k]):
                rows = batches.choice(samples, batch, replace=False) if stochastic else slice(None)
                residual = a[rows] @ np.array(phi(x), float) - b[rows]
                g = np.array(jac(x), float).T @ (a[rows].T @ residual) / len(b[rows])
                c_l = max(c_l, float(g @ g))
                x = x - tau * g
            drift[s, k] = np.max(np.abs(np.array(law_f(x), float) - h0))
    mean = drift.mean(axis=0)
    slope = fit_order(dts, mean).slope if np.all(mean > 0) else float("nan")
    bound = tuple(c_h * c_l / 2 * k * t * t for k, t in zip(counts, dts))
    return DriftRun(model.name, stochastic, float(t_end), iterations, tuple(float(t) for t in dts),
                    tuple(float(d) for d in mean), bound, slope)
