"""The optimizers' hyper-parameters read as heavy-ball and ODE quantities, compiled to float functions.

Each reading is derived once by the symbolic layer (:mod:`inertia_verify.symbolic._optimizers`:
never retyped here) and lambdified for floats, so that the monitors convert a step's learning rate
and momentum in microseconds.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["ode_reading", "pytorch_reading"]


@lru_cache(maxsize=None)
def ode_reading(convention: str):
    """``(α, β) -> (h, γ)`` as compiled functions of floats, from
    :func:`~inertia_verify.heavy_ball_to_ode` (derived once, never retyped)."""
    import sympy

    from ..symbolic._optimizers import heavy_ball_to_ode

    alpha, beta = sympy.symbols("alpha beta", positive=True)
    ode = heavy_ball_to_ode(alpha, beta, convention=convention)
    return (sympy.lambdify((alpha, beta), ode["dt"], "math"),
            sympy.lambdify((alpha, beta), ode["damping"], "math"))


@lru_cache(maxsize=None)
def pytorch_reading():
    """``(lr, μ, τ) -> (α, β)`` of momentum-buffer SGD (PyTorch's, optax's at τ = 0), compiled
    from :func:`~inertia_verify.symbolic._optimizers.pytorch_to_heavy_ball` (derived, not
    retyped)."""
    import sympy

    from ..symbolic._optimizers import pytorch_to_heavy_ball

    lr, mu, tau = sympy.symbols("lr mu tau", positive=True)
    reading = pytorch_to_heavy_ball(lr, mu, tau)
    return (sympy.lambdify((lr, mu, tau), reading["lr"], "math"),
            sympy.lambdify((lr, mu, tau), reading["momentum"], "math"))
