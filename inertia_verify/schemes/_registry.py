"""Every scheme by name, in one registry; the views by family and the lookups that refuse a name
of the wrong family.

The fixed-step deterministic schemes (each also a symbolic one-step map for
:func:`~inertia_verify.symbolic.discrete_map`), the single-trajectory references and the SDE
schemes are registered once, in :data:`REGISTRY`; :data:`FIXED_STEP`, :data:`REFERENCES`,
:data:`SCHEMES` and :data:`SDE_SCHEMES` are its views by declared type.
"""

from __future__ import annotations

from .._errors import InvalidArgument
from ._baoab import BAOAB
from ._base import Integrator, ReferenceSolver, Scheme, SDEScheme
from ._conformal_verlet import ConformalVerlet
from ._dop853 import DOP853
from ._euler import Euler
from ._euler_maruyama import EulerMaruyama
from ._heavy_ball import HeavyBall
from ._mpmath_reference import MpmathTaylor
from ._nesterov import Nesterov
from ._rk4 import RK4
from ._symplectic_euler import SymplecticEuler
from ._symplectic_euler_dk import SymplecticEulerDK
from ._verlet import Verlet

__all__ = ["REGISTRY", "SCHEMES", "FIXED_STEP", "REFERENCES", "SDE_SCHEMES", "get_scheme",
           "get_fixed_step_scheme", "get_sde_scheme"]

#: Every registered instance, in the order the choices are listed.  Heavy ball and Nesterov take
#: their (α, β) from the damping here (the "first-order" convention); configured instances such
#: as ``HeavyBall(lr=0.01, momentum=0.9)`` can be passed wherever a scheme is accepted.
_INSTANCES: tuple[Integrator, ...] = (
    Euler(), RK4(), SymplecticEuler(), SymplecticEulerDK(), Verlet(), ConformalVerlet(),
    HeavyBall(), Nesterov(), DOP853(), MpmathTaylor(), EulerMaruyama(), BAOAB())

#: Every scheme and reference solver by name (names are unique across the families).
REGISTRY: dict[str, Integrator] = {s.name: s for s in _INSTANCES}
#: Fixed-step deterministic schemes, each with its declared order.
FIXED_STEP: dict[str, Scheme] = {n: s for n, s in REGISTRY.items() if isinstance(s, Scheme)}
#: Single-trajectory references.
REFERENCES: dict[str, ReferenceSolver] = {n: s for n, s in REGISTRY.items()
                                          if isinstance(s, ReferenceSolver)}
#: Everything :func:`~inertia_verify.numeric.simulate` runs: the fixed-step schemes and the
#: references.
SCHEMES: dict[str, Scheme | ReferenceSolver] = {**FIXED_STEP, **REFERENCES}
#: Every SDE scheme, each with its declared strong, weak and stationary order.
SDE_SCHEMES: dict[str, SDEScheme] = {n: s for n, s in REGISTRY.items()
                                     if isinstance(s, SDEScheme)}


def _lookup(name, family: tuple[type, ...], unknown: str, wanted: str, argument: str):
    """The registered integrator ``name`` of one of ``family`` (an instance of it is returned
    as is); a name or an instance of another family is refused by its declared kind."""
    choices = ", ".join(n for n, s in REGISTRY.items() if isinstance(s, family))
    found = name if isinstance(name, Integrator) else (
        REGISTRY.get(name) if isinstance(name, str) else None)
    if isinstance(found, family):
        return found
    if found is not None:
        raise InvalidArgument(argument, found.name, f"is {found.kind}, not {wanted}",
                              f"use one of {choices}")
    raise InvalidArgument(argument, name, f"is not a known {unknown}", f"use one of {choices}")


def get_scheme(name: str | Scheme | ReferenceSolver,
               argument: str = "scheme") -> Scheme | ReferenceSolver:
    """The deterministic scheme or reference solver called ``name`` (an instance is returned as
    is).

    Parameters
    ----------
    name : str, Scheme or ReferenceSolver
        A name of :data:`SCHEMES`, or an instance (e.g. a configured ``HeavyBall``).
    argument : str
        The argument named in the error.

    Returns
    -------
    Scheme or ReferenceSolver

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
    return _lookup(name, (Scheme, ReferenceSolver), "scheme",
                   "a scheme for deterministic dynamics", argument)


def get_fixed_step_scheme(name: str | Scheme, argument: str = "scheme") -> Scheme:
    """The fixed-step scheme called ``name``: one with a ``stepper``, hence a one-step map
    (the references integrate adaptively and are refused).

    Parameters
    ----------
    name : str or Scheme
        A name of :data:`FIXED_STEP`, or an instance.
    argument : str
        The argument named in the error.

    Returns
    -------
    Scheme

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
    return _lookup(name, (Scheme,), "scheme", "a fixed-step scheme", argument)


def get_sde_scheme(name: str | SDEScheme, argument: str = "scheme") -> SDEScheme:
    """The SDE scheme called ``name`` (an instance is returned as is).

    Parameters
    ----------
    name : str or SDEScheme
        A name of :data:`SDE_SCHEMES`, or an instance.
    argument : str
        The argument named in the error.

    Returns
    -------
    SDEScheme

    Examples
    --------
    >>> get_sde_scheme("baoab").weak_order
    2.0
    >>> get_sde_scheme("milstein")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'scheme' = 'milstein': is not a known SDE
    scheme; use one of euler-maruyama, baoab
    >>> get_sde_scheme("verlet")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'scheme' = 'verlet': is a fixed-step scheme,
    not a scheme for noisy dynamics; use one of euler-maruyama, baoab
    """
    return _lookup(name, (SDEScheme,), "SDE scheme", "a scheme for noisy dynamics", argument)
