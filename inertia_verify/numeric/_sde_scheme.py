"""What every SDE integrator declares.

An SDE scheme is one module with one :class:`SDEScheme` subclass: its ``name``, its
``strong_order`` (pathwise error :math:`E|z_N - z(T)| = O(h^{p_s})`), its ``weak_order``
(:math:`|E f(z_N) - E f(z(T))| = O(h^{p_w})` for smooth :math:`f`), the order of its bias on
stationary averages (``stationary_order``), how many standard normal rows it draws per step
(``draws(d, m)``), and ``stepper(sde, dt)`` returning ``step(t, theta, v, xi)`` that advances
``(d, paths)`` rows in place using the draws ``xi`` of shape ``(draws, paths)``.  The Monte Carlo
driver owns the random numbers, so that seeding and chunking live in one place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["SDEScheme"]

Step = Callable[[float, np.ndarray, np.ndarray, np.ndarray], None]


class SDEScheme:
    """Base class of the SDE schemes.

    Attributes
    ----------
    name : str
        The name used by :func:`~inertia_verify.numeric.simulate_ensemble` and the command line.
    strong_order, weak_order, stationary_order : float
        The declared orders: pathwise error, error of expectations at a fixed time, and error
        of the stationary expectations.
    description : str
        One line for the command line's help.

    Examples
    --------
    >>> from inertia_verify.numeric import SDE_SCHEMES
    >>> baoab = SDE_SCHEMES["baoab"]
    >>> isinstance(baoab, SDEScheme), baoab.strong_order, baoab.weak_order
    (True, 1.0, 2.0)
    """

    name: str = ""
    strong_order: float = 0.0
    weak_order: float = 0.0
    stationary_order: float = 0.0
    description: str = ""

    def draws(self, dimension: int, noise_dimension: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def stepper(self, sde, dt: float) -> Step:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return (f"<SDE scheme {self.name!r}, strong order {self.strong_order:g}, "
                f"weak order {self.weak_order:g}>")
