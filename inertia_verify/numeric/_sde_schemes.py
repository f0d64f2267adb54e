"""The SDE schemes by name."""

from __future__ import annotations

from .._errors import InvalidArgument
from ._sde_baoab import BAOAB
from ._sde_euler_maruyama import EulerMaruyama
from ._sde_scheme import SDEScheme

__all__ = ["SDE_SCHEMES", "get_sde_scheme"]

#: Every SDE integrator, each with its declared strong, weak and stationary order.
SDE_SCHEMES: dict[str, SDEScheme] = {s.name: s for s in (EulerMaruyama(), BAOAB())}


def get_sde_scheme(name: str | SDEScheme, argument: str = "scheme") -> SDEScheme:
    """The SDE scheme called ``name``.

    Parameters
    ----------
    name : str or SDEScheme
        A key of :data:`SDE_SCHEMES`, or an SDE scheme (returned as is).
    argument : str
        The argument's name as the caller knows it, used in error messages.

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
    """
    if isinstance(name, SDEScheme):
        return name
    if not isinstance(name, str) or name not in SDE_SCHEMES:
        raise InvalidArgument(argument, name, "is not a known SDE scheme",
                              f"use one of {', '.join(SDE_SCHEMES)}")
    return SDE_SCHEMES[name]
