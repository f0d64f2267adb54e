r"""Nesterov's accelerated gradient :math:`\theta_{k+1} = y_k - \alpha\nabla L(y_k)`,
:math:`y_k = \theta_k + \beta(\theta_k - \theta_{k-1})`, as a scheme on :math:`(\theta, v)`;
order 1 as a discretisation of :math:`\ddot\theta + \Gamma\dot\theta + M^{-1}\nabla L = 0`
(see :mod:`._momentum`).  Not symplectic: without damping its energy error is not bounded by a
shadow energy.
"""

from __future__ import annotations

from ._momentum import MomentumScheme

__all__ = ["Nesterov"]


class Nesterov(MomentumScheme):
    r""":math:`v' = \beta v + (\alpha/h)F(\theta + h\beta v)`, :math:`\theta' = \theta + hv'`.

    Parameters
    ----------
    lr, momentum, convention
        As for :class:`~inertia_verify.schemes.MomentumScheme`.

    Examples
    --------
    >>> Nesterov().lookahead
    True
    """

    name = "nesterov"
    lookahead = True
    description = "Nesterov θ' = y - α∇L(y), y = θ + β(θ - θ_prev) (order 1)"
