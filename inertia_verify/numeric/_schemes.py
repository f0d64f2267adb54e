"""The schemes by name: the fixed-step ensemble integrators and the single-trajectory references."""

from __future__ import annotations

from .._errors import InvalidArgument
from ._conformal_verlet import ConformalVerlet
from ._dop853 import DOP853
from ._euler import Euler
from ._mpmath_reference import MpmathTaylor
from ._rk4 import RK4
from ._scheme import Scheme
from ._symplectic_euler import SymplecticEuler
from ._verlet import Verlet

__all__ = ["SCHEMES", "FIXED_STEP", "REFERENCES", "get_scheme"]

#: Fixed-step ensemble integrators, each with its declared order.
FIXED_STEP: dict[str, Scheme] = {s.name: s for s in
                                 (Euler(), RK4(), SymplecticEuler(), Verlet(), ConformalVerlet())}
#: Single-trajectory references.
REFERENCES: dict[str, Scheme] = {s.name: s for s in (DOP853(), MpmathTaylor())}
SCHEMES: dict[str, Scheme] = {**FIXED_STEP, **REFERENCES}


def get_scheme(name: str | Scheme, argument: str = "scheme") -> Scheme:
    """The scheme called ``name`` (a :class:`Scheme` instance is returned as is).

    Examples
    --------
    >>> get_scheme("rk4").order
    4
    >>> get_scheme("leapfrog")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'scheme' = 'leapfrog': is not a known scheme;
    use one of euler, rk4, symplectic-euler, verlet, conformal-verlet, dop853, mpmath
    """
    if isinstance(name, Scheme):
        return name
    if not isinstance(name, str) or name not in SCHEMES:
        raise InvalidArgument(argument, name, "is not a known scheme",
                              f"use one of {', '.join(SCHEMES)}")
    return SCHEMES[name]
