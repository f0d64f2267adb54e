r"""What heavy ball and Nesterov share: the hyper-parameters :math:`(\alpha, \beta)` read as a
one-step map on :math:`(\theta, v)`, either given or derived from the damping.

With :math:`v_k = (\theta_k - \theta_{k-1})/h` both optimizers are

.. math:: u = \beta v_k, \qquad v_{k+1} = u + \tfrac{\alpha}{h}F(\theta_k + s\,h\,u), \qquad
          \theta_{k+1} = \theta_k + h\,v_{k+1}

with :math:`F = -M^{-1}\nabla L`, :math:`s = 0` for heavy ball and :math:`s = 1` for Nesterov's
look-ahead.  Given ``lr`` and ``momentum`` the system must be undamped (the momentum *is* the
damping).  Otherwise :math:`(\alpha, \beta)` come from the damping by the convention of
:mod:`inertia_verify.symbolic._optimizers`: :math:`\alpha = h^2` and

* ``"first-order"``: :math:`\beta = I - h\Gamma(t_k)` (heavy ball is then exactly the
  kick-then-drift symplectic Euler with explicit damping);
* ``"conformal"``: :math:`\beta = e^{-\int_{t_k}^{t_k+h}\Gamma}` (the exact damping flow,
  :math:`e^{-\gamma h}` for a constant scalar), the system's ``damping_propagator``.

For a constant scalar :math:`\gamma` these are the :math:`(\alpha, \beta)` of
:func:`~inertia_verify.symbolic.ode_to_heavy_ball`; a matrix or time-dependent damping gives a
matrix or step-dependent :math:`\beta` by the same rule.
"""

from __future__ import annotations

import math

import numpy as np

from .._dynamics import DampingKind
from .._errors import InvalidArgument
from ..symbolic._optimizers import _check_convention
from ._base import Scheme, apply_linear

__all__ = ["MomentumScheme"]


def _hyper_parameter(value, argument: str):
    """A float, an int or a SymPy expression (the discrete layer passes exact numbers)."""
    if value is None:
        return None
    if isinstance(value, (bool, str)) or not (isinstance(value, (int, float, np.integer, np.floating))
                                              or hasattr(value, "free_symbols")):
        raise InvalidArgument(argument, value, f"has unsupported type {type(value).__name__}",
                              "give a number such as 0.01")
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise InvalidArgument(argument, value, "is not finite", "give a finite number")
    return value


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) or bool(
        getattr(value, "is_number", False))


class MomentumScheme(Scheme):
    """Base of the momentum optimizers read as schemes (see the module docstring).

    Parameters
    ----------
    lr, momentum : number or sympy.Expr, optional
        :math:`\\alpha > 0` and :math:`\\beta \\in [0, 1)`, given together; omitted, they come
        from the damping by ``convention``.
    convention : {"first-order", "conformal"}
        How :math:`(\\alpha, \\beta)` are read off the damping (see
        :func:`~inertia_verify.symbolic.heavy_ball_to_ode`).

    Examples
    --------
    >>> from inertia_verify.schemes import HeavyBall
    >>> HeavyBall(lr=0.01, momentum=0.9).learning_rate(0.5), HeavyBall().learning_rate(0.5)
    (0.01, 0.25)
    """

    order = 1
    #: Nesterov evaluates the force at the look-ahead point θ + hβv.
    lookahead: bool = False

    def __init__(self, lr=None, momentum=None, convention: str = "first-order") -> None:
        _check_convention(convention)
        if (lr is None) != (momentum is None):
            missing = "momentum" if momentum is None else "lr"
            raise InvalidArgument(missing, None, "lr and momentum must be given together",
                                  "give both or neither")
        lr = _hyper_parameter(lr, "lr")
        momentum = _hyper_parameter(momentum, "momentum")
        if lr is not None and _is_number(lr) and not lr > 0:
            raise InvalidArgument("lr", lr, "must be positive", "e.g. lr=0.01")
        if momentum is not None and _is_number(momentum) and not 0 <= momentum < 1:
            raise InvalidArgument("momentum", momentum, "must lie in [0, 1)",
                                  "momentum 1 is undamped; use symplectic-euler for that")
        self.lr, self.momentum, self.convention = lr, momentum, convention

    @property
    def from_damping(self) -> bool:
        """True when :math:`(\\alpha, \\beta)` are derived from the damping."""
        return self.lr is None

    def learning_rate(self, dt):
        """:math:`\\alpha`: the given ``lr``, else :math:`h^2`."""
        return dt * dt if self.lr is None else self.lr

    def momentum_rows(self, system, t, dt, v):
        """:math:`\\beta v` on the ``(d, paths)`` layout (``β`` a number or a matrix)."""
        if self.momentum is not None:
            return self.momentum * v
        if self.convention == "first-order":
            return v - dt * system.damping_rows(t, v)
        return apply_linear(system.damping_propagator(t, dt), v)

    def stepper(self, system, dt):
        if self.lr is not None and system.damping_kind is not DampingKind.ZERO:
            raise InvalidArgument("damping", str(system.damping_kind),
                                  "cannot be combined with lr and momentum (the momentum is the "
                                  "damping)", "give either the damping (and step) or lr and momentum")
        # α/h: exactly h when α = h², so the map has no spurious h²/h in either layer.
        kick = dt if self.lr is None else self.lr / dt

        def step(t, theta, v):
            u = self.momentum_rows(system, t, dt, v)
            at = theta + dt * u if self.lookahead else theta
            v[...] = u + kick * system.force_rows(at)
            theta += dt * v
        return step

    def __repr__(self) -> str:
        given = (f"lr={self.lr!r}, momentum={self.momentum!r}" if self.lr is not None
                 else f"from the damping, {self.convention}")
        return f"<scheme {self.name!r}, order {self.order}, {given}>"
