r"""Polyak's heavy ball :math:`\theta_{k+1} = \theta_k - \alpha\nabla L(\theta_k) +
\beta(\theta_k - \theta_{k-1})` as a scheme on :math:`(\theta, v)`; order 1 as a discretisation
of :math:`\ddot\theta + \Gamma\dot\theta + M^{-1}\nabla L = 0` (see :mod:`._momentum`).
"""

from __future__ import annotations

from ._base import Symplectic
from ._momentum import MomentumScheme

__all__ = ["HeavyBall"]


class HeavyBall(MomentumScheme, Symplectic):
    r""":math:`v' = \beta v + (\alpha/h)F(\theta)`, :math:`\theta' = \theta + hv'`.

    Symplectic: without damping (:math:`\beta = 1`) it is the kick-then-drift symplectic Euler.

    Parameters
    ----------
    lr, momentum, convention
        As for :class:`~inertia_verify.schemes.MomentumScheme`.

    Examples
    --------
    >>> HeavyBall().order, HeavyBall(lr=0.01, momentum=0.9).from_damping
    (1, False)
    """

    name = "heavy-ball"
    description = "Polyak heavy ball θ' = θ - α∇L(θ) + β(θ - θ_prev) (order 1)"
