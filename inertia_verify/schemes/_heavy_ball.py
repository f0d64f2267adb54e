r"""Polyak's heavy ball :math:`\theta_{k+1} = \theta_k - \alpha\nabla L(\theta_k) +
\beta(\theta_k - \theta_{k-1})` as a scheme on :math:`(\theta, v)`; order 1 as a discretisation
of :math:`\ddot\theta + \Gamma\dot\theta + M^{-1}\nabla L = 0` (see :mod:`._momentum`).
"""

from __future__ import annotations

from ._momentum import MomentumScheme

__all__ = ["HeavyBall"]


class HeavyBall(MomentumScheme):
    r""":math:`v' = \beta v + (\alpha/h)F(\theta)`, :math:`\theta' = \theta + hv'`.

    Examples
    --------
    >>> HeavyBall().order, HeavyBall(lr=0.01, momentum=0.9).from_damping
    (1, False)
    """

    name = "heavy-ball"
    symplectic = True  # at β = 1 (no damping) it is the kick-then-drift symplectic Euler
    description = "Polyak heavy ball θ' = θ - α∇L(θ) + β(θ - θ_prev) (order 1)"
