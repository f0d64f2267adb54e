"""Compiling a system to vectorised NumPy callables over an ensemble of paths.

:func:`compile_dynamics` turns a concrete :class:`~inertia_verify.Dynamics` into straight-line
NumPy code (``sympy.lambdify`` with common-subexpression elimination): one generated statement per
coordinate, applied to whole arrays of paths at once, so that a simulation has only its time loop
in Python.  The generated code is kept in :attr:`CompiledDynamics.source` for inspection.

Public callables take and return states of shape ``(paths, d)``.  The integrators use the row
variants (``*_rows``) on a ``(d, paths)`` layout, where each coordinate is one contiguous array.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from functools import cached_property

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from .._dynamics import DampingKind, Dynamics
from .._errors import InvalidArgument
from .._validation import as_dynamics

__all__ = ["compile_dynamics", "CompiledDynamics"]

#: Integer powers up to this exponent are printed as products: ``x*x*x`` is several times faster
#: than ``numpy.power(x, 3)``, which goes through the general ``pow``.
_PRODUCT_POWER_LIMIT = 4


class _FastPowerPrinter(NumPyPrinter):
    """NumPy printer that writes small integer powers as repeated products."""

    def _print_Pow(self, expr, rational=False):
        exponent = expr.exp
        if exponent.is_Integer and 2 <= int(exponent) <= _PRODUCT_POWER_LIMIT:
            base = self.parenthesize(expr.base, sympy.printing.precedence.PRECEDENCE["Mul"])
            return "(" + "*".join([base] * int(exponent)) + ")"
        if exponent.is_Integer and -_PRODUCT_POWER_LIMIT <= int(exponent) <= -1:
            base = self.parenthesize(expr.base, sympy.printing.precedence.PRECEDENCE["Mul"])
            return "(1.0/(" + "*".join([base] * -int(exponent)) + "))"
        return super()._print_Pow(expr, rational=rational)


def _without_unit_floats(expr):
    """Drop the ``1.0*`` factors that float parameters leave behind (``0.5 + 0.5`` is ``1.0``):
    each one costs a full pass over the ensemble."""
    if isinstance(expr, (list, tuple)):
        return type(expr)(_without_unit_floats(e) for e in expr)
    if not isinstance(expr, sympy.Basic):
        return expr
    def unit(a):
        return a.is_Float and abs(float(a)) == 1.0

    return expr.replace(lambda e: e.is_Mul and any(unit(a) for a in e.args),
                        lambda e: sympy.Mul(*[sympy.sign(a) if unit(a) else a for a in e.args]))


def _lambdify(args, expr):
    expr = _without_unit_floats(expr)
    printer = _FastPowerPrinter({"fully_qualified_modules": False, "inline": True,
                                 "allow_unknown_functions": False, "user_functions": {}})
    return sympy.lambdify(args, expr, modules="numpy", cse=True, printer=printer, docstring_limit=0)


def _source_of(function) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):  # pragma: no cover - lambdify always registers its source
        return "<source unavailable>"


def _check_values(dynamics: Dynamics, values: Mapping | None) -> Dynamics:
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise InvalidArgument("values", values, "must be a mapping from parameter names to numbers",
                              "e.g. values={'gamma': 0.1}")
    clean = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating,
                                                             sympy.Number)):
            raise InvalidArgument("values", {str(key): value}, "must be a real number",
                                  "give each parameter a float, e.g. values={'gamma': 0.1}")
        number = float(value)
        if not math.isfinite(number):
            raise InvalidArgument("values", {str(key): value}, "is not finite",
                                  "give each parameter a finite number")
        clean[key] = sympy.Float(number) if not float(number).is_integer() else sympy.Integer(int(number))
    if clean:
        dynamics = dynamics.substitute(clean)
    if dynamics.parameters:
        names = [p.name for p in dynamics.parameters]
        example = ", ".join(f"'{n}': 1.0" for n in names)
        flag = ",".join(f"{n}=1.0" for n in names)
        raise InvalidArgument(
            "values", dict(values), f"gives no value to the parameter(s) {', '.join(names)}",
            f"pass values={{{example}}} (on the command line: --values {flag})",
        )
    return dynamics


def compile_dynamics(dynamics: Dynamics, values: Mapping | None = None) -> CompiledDynamics:
    """Compile a concrete system to vectorised NumPy callables.

    Parameters
    ----------
    dynamics : Dynamics
        A system with a concrete loss (not :meth:`Dynamics.abstract`).
    values : mapping of str or Symbol to float, optional
        A number for every parameter of the system.

    Returns
    -------
    CompiledDynamics

    Raises
    ------
    InvalidArgument
        For an abstract loss, a parameter without a value, or a non-numeric value.

    Examples
    --------
    >>> import numpy as np
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**4/4 + a*y**2", "x,y", damping="gamma")
    >>> compiled = compile_dynamics(dyn, {"a": 0.5, "gamma": 0.1})
    >>> theta, v = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> compiled.gradient(theta)
    array([[1., 2.],
           [0., 1.]])
    >>> compiled.inertia(theta, v)
    array([2.75, 1.  ])
    >>> compiled.rate(0.0, theta, v)
    array([-0.1, -0.1])
    """
    as_dynamics(dynamics)
    if dynamics.is_abstract:
        raise InvalidArgument("dynamics", str(dynamics.loss),
                              "abstract losses cannot be simulated: give a concrete loss",
                              "e.g. Dynamics.from_text('x**2/2', 'x') instead of Dynamics.abstract(1)")
    concrete = _check_values(dynamics, values)
    return CompiledDynamics(concrete, original=dynamics)


class CompiledDynamics:
    """A concrete system as NumPy callables on ensembles (see :func:`compile_dynamics`).

    Attributes
    ----------
    dynamics : Dynamics
        The system with every parameter replaced by its value.
    original : Dynamics
        The system as given.
    dimension : int
        :math:`d`, the number of coordinates.
    damping_kind : DampingKind
        As :attr:`Dynamics.damping_kind`.
    mass, mass_inverse : ndarray of shape (d, d)
        :math:`M` and :math:`M^{-1}`.
    source : dict of str to str
        The generated Python code of each compiled function (``"gradient"``, ``"loss"``,
        ``"rate"``, ``"damping"``).
    block_paths : int or None
        Ensembles larger than this are evaluated in blocks of this many paths (vectorised within
        a block); ``None`` evaluates everything at once.

    Examples
    --------
    >>> import numpy as np
    >>> from inertia_verify import Dynamics
    >>> system = compile_dynamics(Dynamics.from_text("a*x**2/2", "x", damping="g"),
    ...                           {"a": 4, "g": 0.5})
    >>> system.dimension, system.damping_kind, system.dynamics.loss
    (1, DampingKind.SCALAR, 2*x**2)
    >>> system.inertia(np.array([[1.0]]), np.array([[2.0]]))
    array([4.])
    """

    #: Paths per block: 16384 float64 (128 KiB) per temporary keeps a block's temporaries in
    #: cache while the Python overhead per block stays small (measured in bench_verlet.py).
    block_paths: int | None = 16384

    def __init__(self, dynamics: Dynamics, *, original: Dynamics | None = None) -> None:
        from ..symbolic._energy import inertia_rate

        self.dynamics = dynamics
        self.original = original if original is not None else dynamics
        self.dimension = d = dynamics.dimension
        self.damping_kind = dynamics.damping_kind
        coords, vels, t = dynamics.coordinates, dynamics.velocities, dynamics.time
        try:
            self.mass = np.array(dynamics.mass.tolist(), dtype=float)
            self.mass_inverse = np.array(dynamics.mass_inverse.tolist(), dtype=float)
        except TypeError as exc:  # pragma: no cover - parameters are substituted before
            raise InvalidArgument("mass", dynamics.mass.tolist(), "is not numeric") from exc
        self.identity_mass = bool(np.array_equal(self.mass, np.eye(d)))
        self._gradient = _lambdify(coords, list(dynamics.gradient))
        # The force -M⁻¹∇L compiled on its own: the sign and the mass are folded into the
        # generated code instead of costing extra passes over the ensemble at every step.
        force = -dynamics.gradient if self.identity_mass else -(dynamics.mass_inverse
                                                                 * dynamics.gradient)
        self._force = _lambdify(coords, [sympy.expand(f) if not self.identity_mass else f
                                         for f in force])
        self._loss = _lambdify(coords, dynamics.loss)
        self._rate_expr = inertia_rate(dynamics)
        self._rate = _lambdify((t, *coords, *vels), self._rate_expr)
        # d(rate)/dt along the flow: the end correction of the trapezoid rule that integrates
        # the rate in energy-balance checks (error O(h^4) instead of O(h^2)).
        self._rate_dot_expr = sympy.expand(dynamics.time_derivative(self._rate_expr))
        self._rate_dot = _lambdify((t, *coords, *vels), self._rate_dot_expr)
        self.rate_is_zero = self._rate_expr == 0
        damping = dynamics.damping
        self._damping = _lambdify((t,), damping.tolist())
        self._damping_scalar = _lambdify((t,), damping[0, 0])
        self.source = {
            "gradient": _source_of(self._gradient),
            "force": _source_of(self._force),
            "loss": _source_of(self._loss),
            "rate": _source_of(self._rate),
            "rate_dot": _source_of(self._rate_dot),
            "damping": _source_of(self._damping),
        }
        # Constant damping is evaluated once, not at every step.
        self.damping_constant = None if damping.has(t) else self.damping_matrix(0.0)
        self._operator_cache: dict = {}
        self._damping_antiderivative = None
        if self.damping_kind is DampingKind.TIME:
            antiderivative = sympy.integrate(damping[0, 0], t)
            if not antiderivative.has(sympy.Integral):
                self._damping_antiderivative = _lambdify((t,), antiderivative)
                self.source["damping_antiderivative"] = _source_of(self._damping_antiderivative)

    # -- shape helpers ---------------------------------------------------------------------------
    def _state(self, array, argument: str) -> np.ndarray:
        state = np.asarray(array, dtype=float)
        if state.ndim == 1 and state.shape[0] == self.dimension:
            state = state[None, :]
        if state.ndim != 2 or state.shape[1] != self.dimension:
            raise InvalidArgument(argument, getattr(array, "shape", array),
                                  f"must have shape (paths, {self.dimension})",
                                  "stack one row per path")
        return state

    @staticmethod
    def _rows_to_array(rows, paths: int, out: np.ndarray | None = None) -> np.ndarray:
        """Stack lambdify's per-coordinate results (arrays, or scalars for constant entries)."""
        if out is None:
            out = np.empty((len(rows), paths))
        for i, row in enumerate(rows):
            out[i] = row
        return out

    # -- row layout (d, paths): what integrators use -------------------------------------------
    def _vector_rows(self, function, theta_rows: np.ndarray, out: np.ndarray | None):
        paths = theta_rows.shape[1]
        if out is None:
            out = np.empty(theta_rows.shape)
        block = self.block_paths
        if block is None or paths <= block:
            return self._rows_to_array(function(*theta_rows), paths, out)
        for start in range(0, paths, block):
            part = theta_rows[:, start:start + block]
            self._rows_to_array(function(*part), part.shape[1], out[:, start:start + block])
        return out

    def gradient_rows(self, theta_rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """:math:`\\nabla L` on the ``(d, paths)`` layout, optionally written into ``out``.

        Large ensembles are evaluated in blocks of :attr:`block_paths` paths: the generated code
        makes one temporary per operation, and blocks keep those in cache and their memory
        bounded by a constant instead of a multiple of the ensemble.
        """
        return self._vector_rows(self._gradient, theta_rows, out)

    def force_rows(self, theta_rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The conservative acceleration :math:`-M^{-1}\\nabla L` on the ``(d, paths)`` layout."""
        return self._vector_rows(self._force, theta_rows, out)

    def damping_rows(self, t: float, v_rows: np.ndarray) -> np.ndarray:
        """:math:`\\Gamma(t) v` on the ``(d, paths)`` layout."""
        if self.damping_kind is DampingKind.ZERO:
            return np.zeros_like(v_rows)
        if self.damping_kind in (DampingKind.SCALAR, DampingKind.TIME):
            return self.damping_scalar(t) * v_rows
        return self.damping_matrix(t) @ v_rows

    def acceleration_rows(self, t: float, theta_rows: np.ndarray, v_rows: np.ndarray,
                          out: np.ndarray | None = None) -> np.ndarray:
        """:math:`-\\Gamma(t)v - M^{-1}\\nabla L` on the ``(d, paths)`` layout."""
        out = self.force_rows(theta_rows, out)
        if self.damping_kind is not DampingKind.ZERO:
            out -= self.damping_rows(t, v_rows)
        return out

    def loss_rows(self, theta_rows: np.ndarray) -> np.ndarray:
        """:math:`L` on the ``(d, paths)`` layout (in blocks, like :meth:`gradient_rows`)."""
        return self._scalar_rows(self._loss, (), theta_rows)

    def _scalar_rows(self, function, leading: tuple, *rows: np.ndarray) -> np.ndarray:
        paths = rows[0].shape[1]
        block = self.block_paths
        result = np.empty(paths)
        step = paths if block is None else block
        for start in range(0, paths, step):
            parts = [r[:, start:start + step] for r in rows]
            arguments = [row for part in parts for row in part]
            result[start:start + step] = function(*leading, *arguments)
        return result

    def inertia_rows(self, theta_rows: np.ndarray, v_rows: np.ndarray) -> np.ndarray:
        if self.identity_mass:
            kinetic = 0.5 * np.einsum("ip,ip->p", v_rows, v_rows)
        else:
            kinetic = 0.5 * np.einsum("ip,ij,jp->p", v_rows, self.mass, v_rows)
        return kinetic + self.loss_rows(theta_rows)

    def rate_rows(self, t: float, theta_rows: np.ndarray, v_rows: np.ndarray) -> np.ndarray:
        """:math:`dI/dt` on the ``(d, paths)`` layout."""
        return self._scalar_rows(self._rate, (t,), theta_rows, v_rows)

    def rate_dot_rows(self, t: float, theta_rows: np.ndarray, v_rows: np.ndarray) -> np.ndarray:
        """The time derivative of the rate along the flow, on the ``(d, paths)`` layout."""
        return self._scalar_rows(self._rate_dot, (t,), theta_rows, v_rows)

    # -- public layout (paths, d) ----------------------------------------------------------------
    def gradient(self, theta) -> np.ndarray:
        """:math:`\\nabla L(\\theta)` for states of shape ``(paths, d)``; returns ``(paths, d)``."""
        theta = self._state(theta, "theta")
        return self.gradient_rows(theta.T).T

    def acceleration(self, t: float, theta, v) -> np.ndarray:
        """:math:`\\dot v = -\\Gamma(t)v - M^{-1}\\nabla L(\\theta)`, shape ``(paths, d)``."""
        theta, v = self._state(theta, "theta"), self._state(v, "v")
        return self.acceleration_rows(float(t), theta.T, v.T).T

    def loss(self, theta) -> np.ndarray:
        """:math:`L(\\theta)`, shape ``(paths,)``."""
        return self.loss_rows(self._state(theta, "theta").T)

    def inertia(self, theta, v) -> np.ndarray:
        """:math:`I = \\tfrac12 v^\\top M v + L(\\theta)`, shape ``(paths,)``."""
        return self.inertia_rows(self._state(theta, "theta").T, self._state(v, "v").T)

    def rate(self, t: float, theta, v) -> np.ndarray:
        """:math:`dI/dt` from :func:`~inertia_verify.symbolic.inertia_rate`, shape ``(paths,)``."""
        return self.rate_rows(float(t), self._state(theta, "theta").T, self._state(v, "v").T)

    def damping_matrix(self, t: float) -> np.ndarray:
        """:math:`\\Gamma(t)` as a ``(d, d)`` array."""
        return np.array(self._damping(float(t)), dtype=float).reshape(self.dimension, self.dimension)

    def damping_scalar(self, t: float) -> float:
        """The scalar :math:`\\gamma(t)` of a scalar or time-dependent damping."""
        return float(self._damping_scalar(float(t)))

    def damping_propagator(self, t: float, h: float):
        """The exact damping flow over ``[t, t + h]``, :math:`e^{-\\int_t^{t+h}\\Gamma(s)ds}`.

        A float for scalar damping, a ``(d, d)`` array for matrix damping.  Exact for constant
        damping and for a scalar :math:`\\gamma(t)` whose antiderivative SymPy finds; otherwise the
        midpoint rule :math:`e^{-h\\Gamma(t + h/2)}` (error :math:`O(h^3)` per step, which keeps
        second-order schemes second order).
        """
        kind = self.damping_kind
        if kind is DampingKind.ZERO:
            return 1.0
        if kind is DampingKind.SCALAR:
            return math.exp(-h * float(self.damping_constant[0, 0]))
        if kind is DampingKind.TIME:
            if self._damping_antiderivative is not None:
                total = float(self._damping_antiderivative(t + h)) - \
                    float(self._damping_antiderivative(t))
            else:
                total = h * self.damping_scalar(t + h / 2)
            return math.exp(-total)
        from scipy.linalg import expm

        if kind is DampingKind.MATRIX:
            key = ("expm", h)
            if key not in self._operator_cache:
                self._operator_cache[key] = expm(-h * self.damping_constant)
            return self._operator_cache[key]
        return expm(-h * self.damping_matrix(t + h / 2))

    def damping_resolvent(self, t: float, h: float):
        """:math:`(I + h\\Gamma(t))^{-1}` (a float for scalar damping), for implicit damping kicks."""
        kind = self.damping_kind
        if kind is DampingKind.ZERO:
            return 1.0
        if kind in (DampingKind.SCALAR, DampingKind.TIME):
            return 1.0 / (1.0 + h * self.damping_scalar(t))
        key = ("resolvent", h)
        if kind is DampingKind.MATRIX and key in self._operator_cache:
            return self._operator_cache[key]
        operator = np.linalg.inv(np.eye(self.dimension) + h * self.damping_matrix(t))
        if kind is DampingKind.MATRIX:
            self._operator_cache[key] = operator
        return operator

    @cached_property
    def hessian(self):
        """A callable ``theta (d,) -> (d, d)`` Hessian of the loss (for stability estimates)."""
        coords = self.dynamics.coordinates
        matrix = sympy.Matrix([[sympy.diff(g, c) for c in coords] for g in self.dynamics.gradient])
        function = _lambdify(coords, matrix.tolist())
        d = self.dimension
        return lambda theta: np.array(function(*np.asarray(theta, dtype=float)),
                                      dtype=float).reshape(d, d)

    def __repr__(self) -> str:
        return f"CompiledDynamics({self.dynamics!r})"
