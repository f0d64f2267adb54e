r"""Heavy-ball hyper-parameters :math:`(\alpha, \beta)` and the ODE :math:`(h, \gamma)` they
discretise, both ways, derived rather than typed in.

The convention: heavy ball :math:`\theta_{k+1} = \theta_k - \alpha\nabla L(\theta_k) +
\beta(\theta_k - \theta_{k-1})` read on :math:`(\theta_k, v_k)` with
:math:`v_k = (\theta_k - \theta_{k-1})/h` is the one-step map

.. math:: v_{k+1} = \beta v_k - \tfrac{\alpha}{h}\nabla L(\theta_k),\qquad
          \theta_{k+1} = \theta_k + h v_{k+1}.

It is matched, coefficient by coefficient in :math:`v_k` and :math:`\nabla L(\theta_k)`, with a
kick-then-drift step of :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0`:

* ``"first-order"``: :math:`v_{k+1} = v_k - h(\gamma v_k + \nabla L)` (symplectic Euler with
  explicit damping), giving :math:`\alpha = h^2,\ \beta = 1 - \gamma h`;
* ``"conformal"``: :math:`v_{k+1} = e^{-\gamma h}v_k - h\nabla L` (exact damping flow, then the
  kick), giving :math:`\alpha = h^2,\ \beta = e^{-\gamma h}`.

The schemes ``heavy-ball`` and ``nesterov`` (:mod:`inertia_verify.schemes._momentum`) take
:math:`(\alpha, \beta)` from the damping by these conventions, extended to a matrix or
time-dependent damping as :math:`\beta = I - h\Gamma(t_k)` or the damping flow over the step;
for a constant scalar :math:`\gamma` their maps carry exactly :func:`ode_to_heavy_ball`'s values
(``tests/schemes/test_scheme_maps.py``).

PyTorch's ``SGD(lr, momentum=μ, dampening=τ)`` keeps a buffer :math:`b_{k+1} = \mu b_k +
(1-\tau)g_k` and steps :math:`\theta_{k+1} = \theta_k - \text{lr}\,b_{k+1}`; eliminating the buffer
gives heavy ball with :math:`\alpha = (1-\tau)\,\text{lr},\ \beta = \mu` (derived below).
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from .._expressions import as_sympy
from .._errors import InvalidArgument
from .._prover import Verdict, prove_equal

__all__ = ["CONVENTIONS", "ode_to_heavy_ball", "heavy_ball_to_ode", "pytorch_to_heavy_ball",
           "heavy_ball_matching"]

CONVENTIONS = ("first-order", "conformal")

_h = sympy.Symbol("h", positive=True)
_gamma = sympy.Symbol("gamma", nonnegative=True)
_alpha = sympy.Symbol("alpha", positive=True)
_beta = sympy.Symbol("beta", positive=True)
_v, _g = sympy.symbols("v g", real=True)  # v_k and ∇L(θ_k): independent in the matching


def _ode_kick(convention: str) -> sympy.Expr:
    if convention == "first-order":
        return _v - _h * (_gamma * _v + _g)
    return sympy.exp(-_gamma * _h) * _v - _h * _g


def _check_convention(convention: object) -> str:
    if convention not in CONVENTIONS:
        raise InvalidArgument("convention", convention, "is not a known convention",
                              f"use one of {', '.join(CONVENTIONS)}")
    return convention


def _check_momentum_reading(momentum: object, convention: str, argument: str = "momentum") -> None:
    """Refuse a momentum that has no damping in ``convention`` (β = 0 is γ = ∞ when conformal)."""
    if convention == "conformal" and momentum == 0:
        raise InvalidArgument(argument, momentum, "is 0: infinite damping in the conformal "
                              "convention", "use convention='first-order'")


@lru_cache(maxsize=None)
def _solved(convention: str) -> tuple[dict, dict]:
    """Solve the coefficient equations once per convention: (α, β) from (h, γ) and back."""
    heavy_ball = _beta * _v - (_alpha / _h) * _g
    difference = sympy.expand(heavy_ball - _ode_kick(convention))
    equations = [difference.coeff(_v), difference.coeff(_g)]
    forward = sympy.solve(equations, [_alpha, _beta], dict=True)
    if len(forward) != 1:
        raise RuntimeError(f"expected one solution for (alpha, beta), got {forward}")
    backward = sympy.solve(equations, [_h, _gamma], dict=True)
    backward = [s for s in backward if s[_h].is_positive is not False]
    if len(backward) != 1:
        raise RuntimeError(f"expected one positive-step solution for (h, gamma), got {backward}")
    return forward[0], backward[0]


def _number_or_expr(value: object, argument: str, *, positive: bool) -> sympy.Expr:
    if isinstance(value, bool) or value is None:
        raise InvalidArgument(argument, value, "must be a number or a sympy expression")
    if isinstance(value, str):
        raise InvalidArgument(argument, value, "is text, which is never evaluated",
                              "pass a number or parse it with parse_expression")
    if isinstance(value, float):
        value = sympy.nsimplify(value, rational=True)
    value = as_sympy(value) if isinstance(value, int) else value
    if not isinstance(value, sympy.Expr):
        raise InvalidArgument(argument, value, f"has unsupported type {type(value).__name__}")
    if value.is_number and positive and not value > 0:
        raise InvalidArgument(argument, value, "must be positive")
    return value


def ode_to_heavy_ball(dt: object, damping: object, *, convention: str = "first-order") -> dict:
    r"""The heavy-ball :math:`(\alpha, \beta)` that discretises
    :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0` with step :math:`h`.

    Parameters
    ----------
    dt, damping : number or sympy.Expr
        The step :math:`h > 0` and :math:`\gamma`.
    convention : {"first-order", "conformal"}
        How the damping maps to the momentum: :math:`\beta = 1 - \gamma h` (first order in
        :math:`h`) or :math:`\beta = e^{-\gamma h}` (the exact decay of the velocity).

    Returns
    -------
    dict
        ``lr`` (:math:`\alpha = h^2`), ``momentum`` (:math:`\beta`) and ``convention``.

    Examples
    --------
    >>> h, g = sympy.symbols("h gamma", positive=True)
    >>> ode_to_heavy_ball(h, g)
    {'lr': h**2, 'momentum': -gamma*h + 1, 'convention': 'first-order'}
    >>> ode_to_heavy_ball(0.1, 2, convention="conformal")["momentum"]
    exp(-1/5)
    """
    convention = _check_convention(convention)
    h = _number_or_expr(dt, "dt", positive=True)
    gamma = _number_or_expr(damping, "damping", positive=False)
    if gamma.is_number and gamma < 0:
        raise InvalidArgument("damping", damping, "must be nonnegative")
    forward, _ = _solved(convention)
    subs = {_h: h, _gamma: gamma}
    return {"lr": forward[_alpha].xreplace(subs), "momentum": forward[_beta].xreplace(subs),
            "convention": convention}


def heavy_ball_to_ode(lr: object, momentum: object, *, convention: str = "first-order") -> dict:
    r"""The step :math:`h` and damping :math:`\gamma` of the ODE that heavy ball with learning
    rate :math:`\alpha` and momentum :math:`\beta` discretises.

    Parameters
    ----------
    lr, momentum : number or sympy.Expr
        :math:`\alpha > 0` and :math:`\beta`.
    convention : {"first-order", "conformal"}
        As for :func:`ode_to_heavy_ball`.

    Returns
    -------
    dict
        ``dt`` (the step :math:`h = \sqrt\alpha`), ``damping`` (:math:`\gamma`) and ``convention``.

    Examples
    --------
    >>> a, b = sympy.symbols("alpha beta", positive=True)
    >>> heavy_ball_to_ode(a, b)
    {'dt': sqrt(alpha), 'damping': (1 - beta)/sqrt(alpha), 'convention': 'first-order'}
    >>> r = heavy_ball_to_ode(0.01, 0.9, convention="conformal")
    >>> r["dt"], float(r["damping"])
    (1/10, 1.0536...)
    """
    convention = _check_convention(convention)
    alpha = _number_or_expr(lr, "lr", positive=True)
    beta = _number_or_expr(momentum, "momentum", positive=False)
    if beta.is_number and not (0 <= beta < 1):
        raise InvalidArgument("momentum", momentum, "must lie in [0, 1)",
                              "momentum 1 means no damping; momentum < 0 has no damped-ODE reading")
    if beta.is_number:
        _check_momentum_reading(momentum, convention)
    _, backward = _solved(convention)
    subs = {_alpha: alpha, _beta: beta}
    gamma = sympy.factor_terms(backward[_gamma].xreplace(subs))
    return {"dt": backward[_h].xreplace(subs), "damping": gamma, "convention": convention}


def pytorch_to_heavy_ball(lr: object, momentum: object, dampening: object = 0) -> dict:
    r"""Heavy-ball :math:`(\alpha, \beta)` of PyTorch's momentum-buffer SGD, derived by
    eliminating the buffer.

    ``b_{k+1} = μ b_k + (1-τ) g_k``, ``θ_{k+1} = θ_k - lr b_{k+1}``; since
    ``b_k = (θ_{k-1} - θ_k)/lr`` (from the previous step), ``θ_{k+1} - θ_k = μ(θ_k - θ_{k-1})
    - lr (1-τ) g_k``.  The coefficients are solved for, and the two updates are proved equal.

    Parameters
    ----------
    lr, momentum, dampening : number or sympy.Expr
        ``torch.optim.SGD``'s ``lr``, ``momentum`` (μ) and ``dampening`` (τ).

    Returns
    -------
    dict
        ``lr`` and ``momentum`` of the heavy-ball form, and ``proof``: the Verdict that the
        two updates are equal.

    Examples
    --------
    >>> r = pytorch_to_heavy_ball(0.01, 0.9)
    >>> r["lr"], r["momentum"], r["proof"].status
    (1/100, 9/10, 'proved')
    """
    lr_ = _number_or_expr(lr, "lr", positive=True)
    mu = _number_or_expr(momentum, "momentum", positive=False)
    tau = _number_or_expr(dampening, "dampening", positive=False)
    if mu.is_number and not (0 <= mu < 1):
        raise InvalidArgument("momentum", momentum, "must lie in [0, 1)")
    if tau.is_number and not (0 <= tau < 1):
        raise InvalidArgument("dampening", dampening, "must lie in [0, 1)")
    theta, theta_prev, g = sympy.symbols("theta_k theta_prev g_k", real=True)
    L, M, T = sympy.symbols("lr mu tau", positive=True)
    buffer = (theta_prev - theta) / L          # the buffer the previous step left behind
    torch_next = theta - L * (M * buffer + (1 - T) * g)
    a, b = sympy.symbols("a b")
    heavy_ball_next = theta - a * g + b * (theta - theta_prev)
    difference = sympy.expand(torch_next - heavy_ball_next)
    solution = sympy.solve([difference.coeff(g), difference.coeff(theta_prev)], [a, b], dict=True)[0]
    proof = prove_equal(torch_next, heavy_ball_next.xreplace(solution))
    subs = {L: lr_, M: mu, T: tau}
    return {"lr": solution[a].xreplace(subs), "momentum": solution[b].xreplace(subs),
            "proof": proof}


def heavy_ball_matching(convention: str = "first-order") -> list[tuple[str, Verdict]]:
    r"""Proofs that the derived mappings are right: heavy ball with :math:`(\alpha, \beta)` from
    :func:`ode_to_heavy_ball` *is* the ODE's kick, and the round trip
    :math:`(h,\gamma)\to(\alpha,\beta)\to(h,\gamma)` is the identity.

    Parameters
    ----------
    convention : {"first-order", "conformal"}
        As for :func:`ode_to_heavy_ball`.

    Returns
    -------
    list of (str, Verdict)
        Each statement and its proof.

    Examples
    --------
    >>> [str(v) for _, v in heavy_ball_matching("conformal")]
    ['proved (...)', 'proved (...)', 'proved (...)']
    """
    convention = _check_convention(convention)
    forward = ode_to_heavy_ball(_h, _gamma, convention=convention)
    heavy_ball = forward["momentum"] * _v - (forward["lr"] / _h) * _g
    back = heavy_ball_to_ode(forward["lr"], forward["momentum"], convention=convention)
    return [("heavy ball with the derived (α, β) equals the ODE's kick",
             prove_equal(heavy_ball, _ode_kick(convention))),
            ("round trip h", prove_equal(back["dt"], _h)),
            ("round trip γ", prove_equal(back["damping"], _gamma))]
