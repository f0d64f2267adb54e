"""What every integrator declares, the capabilities a driver may ask about, and the recipe for
adding one.

Three families, each an abstract base: :class:`Scheme` (fixed step, deterministic: a
``stepper``), :class:`SDEScheme` (fixed step, stochastic: a ``stepper`` fed with standard normal
draws) and :class:`ReferenceSolver` (one trajectory, adaptive or high-precision: a ``solve``).
Capabilities are marker base classes (:class:`Symplectic`, :class:`ImplicitDamping`,
:class:`JaxForm`): a driver asks ``isinstance(scheme, ReferenceSolver)``, never for a name.

A *system* is anything with the small interface of
:class:`~inertia_verify.numeric.CompiledDynamics` that the steppers use (``force_rows``,
``acceleration_rows``, ``damping_rows``, ``damping_kind``, ``damping_propagator``,
``damping_resolvent``), so that the same stepper runs on compiled NumPy code, on a linear test
problem (to read off the one-step matrix for stability) or on SymPy objects: the symbolic one-step
map of :func:`~inertia_verify.symbolic.discrete_map` *is* this stepper run on object arrays of
SymPy expressions, so a scheme is defined once for both layers.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import ClassVar

import numpy as np

__all__ = ["Integrator", "Scheme", "SDEScheme", "ReferenceSolver", "Symplectic",
           "ImplicitDamping", "JaxForm", "apply_linear"]

Step = Callable[[float, np.ndarray, np.ndarray], None]
SDEStep = Callable[[float, np.ndarray, np.ndarray, np.ndarray], None]


def apply_linear(operator, rows: np.ndarray) -> np.ndarray:
    """Apply a damping operator (a scalar factor or a ``(d, d)`` matrix) to ``(d, paths)`` rows."""
    if np.ndim(operator) == 0:
        return operator * rows
    return operator @ rows


class Integrator(abc.ABC):
    """What every scheme and reference solver is: a name, a one-line description, a family.

    Attributes
    ----------
    name : str
        The name used by :func:`~inertia_verify.numeric.simulate`,
        :func:`~inertia_verify.numeric.simulate_ensemble`,
        :func:`~inertia_verify.symbolic.discrete_map` and the command line.
    description : str
        One line, shown by ``inertia-verify discrete`` and in reports.
    kind : str
        The family, with its article (``"a fixed-step scheme"``, ``"an SDE scheme"``,
        ``"a reference solver"``), for error messages.

    Notes
    -----
    Adding a scheme (every rule is checked by a test that loops over the registry, so a new
    scheme is tested by being registered):

    1. One new module ``inertia_verify/schemes/_<name>.py`` with one subclass of the family's
       base: :class:`Scheme` (fixed step, deterministic), :class:`SDEScheme` (fixed step,
       stochastic) or :class:`ReferenceSolver` (one adaptive or high-precision trajectory).  Set
       ``name`` and a one-line ``description``, and add an instance to the tuple in
       ``schemes/_registry.py``.  That one registration makes it available to ``simulate``,
       ``crosscheck``, ``discrete_map`` and ``energy_drift`` (fixed-step), to
       ``simulate_ensemble``, the Monte Carlo checks and ``sweep`` (SDE), and to the command line.
    2. Declare the orders: ``order`` (global, :math:`O(h^{order})` at a fixed time) for a
       :class:`Scheme`; ``strong_order``, ``weak_order`` and ``stationary_order`` for an
       :class:`SDEScheme`; ``relative_accuracy`` (of the float results) for a
       :class:`ReferenceSolver`.  ``tests/schemes/test_scheme_orders.py`` fits each scheme's slope
       against a closed form and fails for a scheme that declares nothing.
    3. A :class:`Scheme`'s ``stepper(system, dt)`` returns ``step(t, theta, v)`` that advances the
       ``(d, paths)`` arrays ``theta`` and ``v`` *in place* from ``t`` to ``t + dt``.  An
       :class:`SDEScheme`'s ``stepper(sde, dt)`` returns ``step(t, theta, v, xi)`` using the
       ``(draws(d, m), paths)`` standard normals ``xi`` that the Monte Carlo driver draws (it owns
       the random numbers, so seeding and chunking live in one place); the first ``m`` rows are
       the Brownian increments :math:`\\Delta W/\\sqrt h` unless the scheme's docstring says
       otherwise.  A scheme that cannot integrate a system (BAOAB needs constant damping and
       additive noise) refuses it in ``check(sde)``.
    4. Use only the system interface (``force_rows``, ``acceleration_rows``, ``damping_rows``,
       ``damping_kind``, ``damping_propagator``, ``damping_resolvent``) and arithmetic that also
       works on NumPy object arrays (``+``, ``*``, ``@``, :func:`apply_linear`,
       ``np.multiply(..., out=)``); no ``float()``, ``math`` functions or dtype-specific
       allocations (use ``np.empty_like``).  The symbolic system of the discrete layer then
       gives the exact one-step map, and ``tests/schemes/test_scheme_maps.py`` checks that map against
       one numeric step for every registered fixed-step scheme.
    5. Declare capabilities by inheriting the markers: :class:`Symplectic` only if the undamped
       map preserves volume exactly (proved symbolically by ``tests/schemes/test_integrators.py``);
       :class:`ImplicitDamping` if a step solves for ``v`` through ``damping_resolvent`` (an
       implicit part goes through the system, which provides the exact operator in both layers;
       the marker is checked against the calls the stepper makes); :class:`JaxForm` with a
       functional ``jax_step`` to run on ``backend="jax"`` (``tests/numeric/test_jax_backend.py`` checks
       it against the NumPy stepper for every scheme that declares it).
    6. Never dispatch on ``name`` in a driver: when a driver needs to know something about a
       scheme, the scheme declares it (an attribute, a method or a marker).

    Examples
    --------
    >>> from inertia_verify.schemes import REGISTRY, Integrator
    >>> all(isinstance(s, Integrator) for s in REGISTRY.values())
    True
    >>> REGISTRY["dop853"].kind
    'a reference solver'
    """

    name: str = ""
    description: str = ""
    kind: ClassVar[str] = "an integrator"


class Scheme(Integrator):
    """Base class of the fixed-step deterministic schemes (see :class:`Integrator` for the
    recipe).

    Attributes
    ----------
    order : int
        The global order of accuracy: the error at a fixed time is :math:`O(h^{order})`.

    Examples
    --------
    >>> from inertia_verify.schemes import FIXED_STEP, Symplectic
    >>> [name for name, s in FIXED_STEP.items() if isinstance(s, Symplectic)][:2]
    ['symplectic-euler', 'symplectic-euler-dk']
    """

    kind: ClassVar[str] = "a fixed-step scheme"
    order: int | None = None

    @abc.abstractmethod
    def stepper(self, system, dt: float) -> Step:
        """``step(t, theta, v)`` advancing ``(d, paths)`` rows in place by ``dt``."""

    def __repr__(self) -> str:
        return f"<scheme {self.name!r}, order {self.order}>"


class SDEScheme(Integrator):
    """Base class of the SDE schemes (see :class:`Integrator` for the recipe).

    Attributes
    ----------
    strong_order : float
        Pathwise error :math:`E|z_N - z(T)| = O(h^{p_s})` (for the noise the scheme accepts).
    weak_order : float
        :math:`|E f(z_N) - E f(z(T))| = O(h^{p_w})` for smooth :math:`f`.
    stationary_order : float
        The order of its bias on stationary averages.

    Examples
    --------
    >>> from inertia_verify.schemes import SDE_SCHEMES, SDEScheme
    >>> baoab = SDE_SCHEMES["baoab"]
    >>> isinstance(baoab, SDEScheme), baoab.strong_order, baoab.weak_order
    (True, 1.0, 2.0)
    """

    kind: ClassVar[str] = "an SDE scheme"
    strong_order: float | None = None
    weak_order: float | None = None
    stationary_order: float | None = None

    @abc.abstractmethod
    def draws(self, dimension: int, noise_dimension: int) -> int:
        """How many standard normal rows one step uses."""

    @abc.abstractmethod
    def stepper(self, sde, dt: float) -> SDEStep:
        """``step(t, theta, v, xi)`` advancing ``(d, paths)`` rows in place by ``dt``."""

    def check(self, sde) -> None:
        """Refuse (:class:`~inertia_verify.InvalidArgument`) a system this scheme cannot
        integrate; by default every system is accepted."""

    def __repr__(self) -> str:
        return (f"<SDE scheme {self.name!r}, strong order {self.strong_order:g}, "
                f"weak order {self.weak_order:g}>")


class ReferenceSolver(Integrator):
    """Base class of the single-trajectory references (adaptive or high-precision): ``solve``
    instead of ``stepper``, so no symbolic one-step map and no ensemble.

    Attributes
    ----------
    order : int or None
        The order of the underlying method, when it has one (reported, not fitted: the step is
        chosen by the solver).
    relative_accuracy : float
        The relative accuracy of the float results of ``solve``.

    Examples
    --------
    >>> from inertia_verify.schemes import REFERENCES
    >>> sorted(REFERENCES), REFERENCES["dop853"].relative_accuracy
    (['dop853', 'mpmath'], 1e-12)
    """

    kind: ClassVar[str] = "a reference solver"
    order: int | None = None

    @abc.abstractmethod
    def solve(self, system, theta0, v0, t0: float, times) -> tuple[np.ndarray, np.ndarray]:
        """Integrate from ``(theta0, v0)`` at ``t0``; ``theta, v`` at ``times``, ``(n, d)``."""

    @property
    @abc.abstractmethod
    def relative_accuracy(self) -> float:
        """The relative accuracy of the float results ``solve`` returns: a cross-check cannot
        resolve errors below about this times the scale."""

    def __repr__(self) -> str:
        return f"<reference solver {self.name!r}, relative accuracy {self.relative_accuracy:g}>"


class Symplectic:
    """Marker: without damping, the one-step map preserves the symplectic form (its Jacobian
    determinant is exactly 1, its energy error stays bounded).

    Examples
    --------
    >>> from inertia_verify.schemes import FIXED_STEP, Symplectic
    >>> isinstance(FIXED_STEP["verlet"], Symplectic), isinstance(FIXED_STEP["rk4"], Symplectic)
    (True, False)
    """


class ImplicitDamping:
    """Marker: a step solves a linear equation in ``v`` through the system's
    ``damping_resolvent`` (the exact inverse in both the numeric and the symbolic layer).

    Examples
    --------
    >>> from inertia_verify.schemes import FIXED_STEP, ImplicitDamping
    >>> [name for name, s in FIXED_STEP.items() if isinstance(s, ImplicitDamping)]
    ['verlet']
    """


class JaxForm(abc.ABC):
    """Marker: the scheme has a functional one-path form for ``backend="jax"``.

    ``jax_step(js, dt)`` returns ``(t, theta, v) -> (theta, v)`` on ``(d,)`` JAX vectors for a
    :class:`Scheme`; for an :class:`SDEScheme`, ``jax_step(js, dt, sde)`` returns
    ``(t, theta, v, xi) -> (theta, v)`` with the step's ``(draws,)`` normals.  ``js`` is the JAX
    view of the system (``force``, ``acceleration``, ``resolvent_apply``, ``jnp``; see
    :mod:`inertia_verify.numeric._jax_backend`).  The arithmetic is the NumPy stepper's, written
    without in-place updates.

    Examples
    --------
    >>> from inertia_verify.schemes import REGISTRY, JaxForm
    >>> [name for name, s in REGISTRY.items() if isinstance(s, JaxForm)]
    ['euler', 'rk4', 'symplectic-euler', 'verlet', 'euler-maruyama', 'baoab']
    """

    @abc.abstractmethod
    def jax_step(self, js, dt: float, *args):
        """The functional step (see the class docstring)."""
