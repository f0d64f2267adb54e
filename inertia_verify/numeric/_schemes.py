"""The schemes by name, in one registry: the fixed-step ensemble integrators (each of which is
also a symbolic one-step map for :func:`~inertia_verify.symbolic.discrete_map`) and the
single-trajectory references."""

from __future__ import annotations

from .._errors import InvalidArgument
from ._conformal_verlet import ConformalVerlet
from ._dop853 import DOP853
from ._euler import Euler
from ._heavy_ball import HeavyBall
from ._mpmath_reference import MpmathTaylor
from ._nesterov import Nesterov
from ._rk4 import RK4
from ._scheme import Scheme
from ._symplectic_euler import SymplecticEuler
from ._symplectic_euler_dk import SymplecticEulerDK
from ._verlet import Verlet

__all__ = ["SCHEMES", "FIXED_STEP", "REFERENCES", "get_scheme", "get_fixed_step_scheme"]

#: Fixed-step ensemble integrators, each with its declared order.  Heavy ball and Nesterov take
#: their (α, β) from the damping here (the "first-order" convention); configured instances such
#: as ``HeavyBall(lr=0.01, momentum=0.9)`` can be passed wherever a scheme is accepted.
FIXED_STEP: dict[str, Scheme] = {s.name: s for s in
                                 (Euler(), RK4(), SymplecticEuler(), SymplecticEulerDK(), Verlet(),
                                  ConformalVerlet(), HeavyBall(), Nesterov())}
#: Single-trajectory references.
REFERENCES: dict[str, Scheme] = {s.name: s for s in (DOP853(), MpmathTaylor())}
SCHEMES: dict[str, Scheme] = {**FIXED_STEP, **REFERENCES}


def get_scheme(name: str | Scheme, argument: str = "scheme") -> Scheme:
    """The scheme called ``name`` (a :class:`Scheme` instance is returned as is).

    Parameters
    ----------
    name : str or Scheme
        A key of :data:`SCHEMES`, or a scheme.
    argument : str
        The argument's name as the caller knows it, used in error messages.

    Returns
    -------
    Scheme

    Examples
    --------
    >>> get_scheme("rk4").order
    4
    >>> get_scheme("leapfrog")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'scheme' = 'leapfrog': is not a known scheme;
    use one of euler, rk4, symplectic-euler, symplectic-euler-dk, verlet, conformal-verlet,
    heavy-ball, nesterov, dop853, mpmath
    """
    if isinstance(name, Scheme):
        return name
    if not isinstance(name, str) or name not in SCHEMES:
        raise InvalidArgument(argument, name, "is not a known scheme",
                              f"use one of {', '.join(SCHEMES)}")
    return SCHEMES[name]


def get_fixed_step_scheme(name: str | Scheme, argument: str = "scheme") -> Scheme:
    """The fixed-step scheme called ``name``: one with a ``stepper``, hence a one-step map
    (the references integrate adaptively and are refused).

    Examples
    --------
    >>> get_fixed_step_scheme("nesterov").name
    'nesterov'
    >>> get_fixed_step_scheme("dop853")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'scheme' = 'dop853': is a reference solver,
    not a fixed-step scheme; use one of euler, rk4, symplectic-euler, symplectic-euler-dk, verlet,
    conformal-verlet, heavy-ball, nesterov
    """
    choices = ", ".join(FIXED_STEP)
    if isinstance(name, str) and name in REFERENCES or isinstance(name, Scheme) and name.reference:
        raise InvalidArgument(argument, name if isinstance(name, str) else name.name,
                              "is a reference solver, not a fixed-step scheme",
                              f"use one of {choices}")
    if not isinstance(name, Scheme) and (not isinstance(name, str) or name not in FIXED_STEP):
        raise InvalidArgument(argument, name, "is not a known scheme", f"use one of {choices}")
    return get_scheme(name, argument)
