r"""Optimizers and integrators as symbolic one-step maps on the phase space :math:`(\theta, v)`.

Every scheme is written as :math:`(\theta_{k+1}, v_{k+1}) = \Phi_h(t_k; \theta_k, v_k)` for the
system :math:`\ddot\theta + \Gamma(t)\dot\theta + M^{-1}\nabla L = 0`.  A scheme is defined
once, by its stepper in :mod:`inertia_verify.schemes` (one module per scheme, one registry,
:data:`~inertia_verify.schemes.FIXED_STEP`); its map here is *that stepper* run on a
:class:`SymbolicSystem`, whose state arrays hold SymPy expressions and whose damping operators
are the exact counterparts of the compiled system's: the resolvent
:math:`(I + \tfrac h2\Gamma)^{-1}` of Verlet's implicit half kick is a matrix inverse, the
damping flow :math:`e^{-\int\Gamma}` of conformal Verlet a matrix exponential (with the same
midpoint rule where the compiled system uses it).  So ``simulate --scheme verlet`` and
``discrete --scheme verlet`` are one map, and ``tests/schemes/test_scheme_maps.py`` checks every
registered scheme numerically against one compiled step.

For heavy ball and Nesterov, ``(α, β)`` come either from the user (learning rate and momentum)
or from the damping through a stated convention (see :mod:`._optimizers` and
:mod:`inertia_verify.schemes._momentum`).  The discrete inertia is
:math:`I_k = \tfrac12 v_k^\top M v_k + L(\theta_k)` (the paper's eq. 11 when :math:`M = 1`).
A time-dependent damping makes the map depend on the time :math:`t` at the start of the step
(the system's time symbol).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import factorial

import numpy as np
import sympy

from .._expressions import as_sympy
from .._dynamics import DampingKind, Dynamics
from .._errors import InvalidArgument
from .._validation import as_dynamics
from .._prover import Verdict, prove_zero
from ._optimizers import CONVENTIONS

__all__ = ["DiscreteMap", "SymbolicSystem", "discrete_map", "taylor_coefficients",
           "leading_order"]

#: The step-size symbol used when none is given.
STEP = sympy.Symbol("h", positive=True)


def _registry():
    """The schemes package and its one registry (imported here, not at module level: the
    momentum schemes import :mod:`._optimizers`, so this package loads while they do)."""
    from .. import schemes

    return schemes


def _fixed_step(scheme: object):
    """The registered fixed-step scheme called ``scheme``."""
    return _registry().get_fixed_step_scheme(scheme, "scheme")


def _check_scheme(scheme: object) -> str:
    """The name of a registered fixed-step scheme (raises :class:`InvalidArgument` otherwise)."""
    return _fixed_step(scheme).name


def _check_dt(dt: object) -> sympy.Expr:
    if dt is None:
        return STEP
    if isinstance(dt, bool):
        raise InvalidArgument("dt", dt, "must be a positive number or a symbol such as h")
    if isinstance(dt, str):
        name = dt.strip()
        if name.isidentifier():
            return sympy.Symbol(name, positive=True)
        try:
            dt = float(name)
        except ValueError as exc:
            raise InvalidArgument("dt", dt, "is neither a number nor a name",
                                  "give a positive number such as 0.1 or a symbol such as h") from exc
    if isinstance(dt, (int, float)):
        if not dt > 0 or dt == float("inf"):
            raise InvalidArgument("dt", dt, "must be positive and finite")
        return sympy.nsimplify(dt, rational=True) if isinstance(dt, float) else sympy.Integer(dt)
    if isinstance(dt, sympy.Symbol):
        # The step is positive by nature; a plain Symbol('h') is replaced by a positive one.
        return dt if dt.is_positive else sympy.Symbol(dt.name, positive=True)
    if isinstance(dt, sympy.Expr) and dt.is_number:
        if dt.is_positive is not True:
            raise InvalidArgument("dt", dt, "must be positive")
        return dt
    raise InvalidArgument("dt", dt, f"has unsupported type {type(dt).__name__}",
                          "give a positive number or a symbol such as h")


def _as_number_or_expr(value: object, argument: str) -> sympy.Expr:
    if isinstance(value, bool) or isinstance(value, str):
        raise InvalidArgument(argument, value, "must be a number or a sympy expression")
    if isinstance(value, float):
        return sympy.nsimplify(value, rational=True)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, sympy.Expr):
        return value
    raise InvalidArgument(argument, value, f"has unsupported type {type(value).__name__}")


def _matrix_exponential(matrix: sympy.Matrix) -> sympy.Matrix:
    if matrix.is_diagonal():
        return sympy.diag(*[sympy.exp(matrix[i, i]) for i in range(matrix.rows)])
    try:
        return matrix.exp()
    except (NotImplementedError, ValueError, sympy.MatrixError) as exc:
        raise InvalidArgument("damping", matrix.tolist(), "its matrix exponential is not available "
                              "in closed form", "use a scalar or diagonal damping") from exc


def _as_operator(matrix: sympy.Matrix) -> np.ndarray:
    """A SymPy matrix as a ``(d, d)`` object array, which ``@`` applies to object rows."""
    return np.array(matrix.tolist(), dtype=object)


class SymbolicSystem:
    r"""The stepper interface of :class:`~inertia_verify.numeric.CompiledDynamics` on SymPy
    objects: the schemes' steppers run on it give their exact one-step maps.

    States are ``(d, paths)`` NumPy object arrays of SymPy expressions.  Every operator is the
    exact symbolic counterpart of the compiled one, with the same rule where the compiled one
    chooses: the damping flow of a scalar :math:`\gamma(t)` uses its antiderivative when SymPy
    finds one and the midpoint rule otherwise; a time-dependent matrix uses the midpoint rule.

    Parameters
    ----------
    dynamics : Dynamics
        Any deterministic system, abstract losses included (the force at a shifted point is then
        a ``Subs`` of the loss's derivative).

    Examples
    --------
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="g")
    >>> system = SymbolicSystem(dyn)
    >>> h = sympy.Symbol("h", positive=True)
    >>> system.damping_resolvent(dyn.time, h)
    1/(g*h + 1)
    >>> system.force_rows(np.array([[dyn.coordinates[0] + h]], dtype=object))
    array([[-h - x]], dtype=object)
    """

    def __init__(self, dynamics: Dynamics) -> None:
        self.dynamics = dynamics
        self.dimension = dynamics.dimension
        self.damping_kind = dynamics.damping_kind
        self.time = dynamics.time
        self._force = list(-(dynamics.mass_inverse * dynamics.gradient))
        self._antiderivative = None
        if self.damping_kind is DampingKind.TIME:
            # The compiled system's rule: the exact antiderivative when SymPy finds one.
            antiderivative = sympy.integrate(dynamics.damping[0, 0], self.time)
            if not antiderivative.has(sympy.Integral):
                self._antiderivative = antiderivative

    # -- the damping at a time -----------------------------------------------------------------
    def damping_matrix(self, t) -> sympy.Matrix:
        """:math:`\\Gamma(t)` as a SymPy matrix."""
        damping = self.dynamics.damping
        return damping.subs(self.time, t) if damping.has(self.time) else damping

    def damping_scalar(self, t) -> sympy.Expr:
        """The scalar :math:`\\gamma(t)` of a scalar or time-dependent damping."""
        return self.damping_matrix(t)[0, 0]

    # -- the interface the steppers use --------------------------------------------------------
    def force_rows(self, theta_rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """:math:`-M^{-1}\\nabla L` at each column of ``theta_rows``."""
        result = np.empty(theta_rows.shape, dtype=object)
        coordinates = self.dynamics.coordinates
        for p in range(theta_rows.shape[1]):
            point = {c: theta_rows[i, p] for i, c in enumerate(coordinates)
                     if theta_rows[i, p] != c}
            for i, force in enumerate(self._force):
                # subs, not xreplace: Derivative(L(x), x) at x + h v must become a Subs object.
                result[i, p] = force.subs(point, simultaneous=True) if point else force
        if out is not None:
            out[...] = result
            return out
        return result

    def damping_rows(self, t, v_rows: np.ndarray) -> np.ndarray:
        """:math:`\\Gamma(t) v`."""
        kind = self.damping_kind
        if kind is DampingKind.ZERO:
            return np.full(v_rows.shape, sympy.Integer(0), dtype=object)
        if kind in (DampingKind.SCALAR, DampingKind.TIME):
            return self.damping_scalar(t) * v_rows
        return _as_operator(self.damping_matrix(t)) @ v_rows

    def acceleration_rows(self, t, theta_rows, v_rows, out=None) -> np.ndarray:
        """:math:`-\\Gamma(t)v - M^{-1}\\nabla L`."""
        result = self.force_rows(theta_rows) - self.damping_rows(t, v_rows)
        if out is not None:
            out[...] = result
            return out
        return result

    def damping_propagator(self, t, h):
        """:math:`e^{-\\int_t^{t+h}\\Gamma}`, exactly as the compiled system computes it."""
        kind = self.damping_kind
        if kind is DampingKind.ZERO:
            return sympy.Integer(1)
        if kind is DampingKind.SCALAR:
            return sympy.exp(-h * self.damping_scalar(t))
        if kind is DampingKind.TIME:
            if self._antiderivative is not None:
                total = (self._antiderivative.subs(self.time, t + h)
                         - self._antiderivative.subs(self.time, t))
            else:
                total = h * self.damping_scalar(t + h / 2)
            return sympy.exp(-total)
        # A constant matrix exactly; a time-dependent one by the midpoint rule (as compiled).
        at = t if kind is DampingKind.MATRIX else t + h / 2
        return _as_operator(_matrix_exponential(-h * self.damping_matrix(at)))

    def damping_resolvent(self, t, h):
        """:math:`(I + h\\Gamma(t))^{-1}` (a scalar for scalar damping)."""
        kind = self.damping_kind
        if kind is DampingKind.ZERO:
            return sympy.Integer(1)
        if kind in (DampingKind.SCALAR, DampingKind.TIME):
            return 1 / (1 + h * self.damping_scalar(t))
        return _as_operator((sympy.eye(self.dimension) + h * self.damping_matrix(t)).inv())

    def step(self, scheme, h, t=None) -> tuple[list, list]:
        """One step of ``scheme`` from the symbolic state :math:`(\\theta, v)` at time ``t``
        (default the system's time symbol): the lists :math:`\\theta'` and :math:`v'`."""
        dyn = self.dynamics
        theta = np.array([[c] for c in dyn.coordinates], dtype=object)
        v = np.array([[u] for u in dyn.velocities], dtype=object)
        scheme.stepper(self, h)(self.time if t is None else t, theta, v)
        return list(theta[:, 0]), list(v[:, 0])

@dataclass(frozen=True)
class DiscreteMap:
    r"""A scheme as a one-step map :math:`(\theta, v) \mapsto (\theta', v')`.

    Attributes
    ----------
    scheme : str
        The registered name of the scheme.
    dynamics : Dynamics
        The continuous system the scheme discretises.
    dt : sympy.Expr
        The time step :math:`h` (a positive symbol or a number).
    theta, velocity : tuple of sympy.Expr
        :math:`\theta'` and :math:`v'` as expressions in :math:`\theta, v` (the dynamics'
        coordinates and velocities), the step and the parameters, and the time :math:`t` at
        the start of the step when the damping depends on it.
    lr, momentum : sympy.Expr, sympy.Matrix or None
        :math:`\alpha, \beta` for ``heavy-ball`` and ``nesterov`` (:math:`\beta` is a matrix
        for a matrix damping, and depends on :math:`t` for a time-dependent one).
    convention : str or None
        How ``(α, β)`` were obtained from the damping, when they were.
    notes : tuple of str
        Caveats.
    options : dict
        The keyword arguments :func:`discrete_map` was called with (to rebuild the map).
    method : Scheme
        The scheme (from :data:`~inertia_verify.schemes.FIXED_STEP`, configured with ``lr``,
        ``momentum`` and ``convention`` for the optimizers) whose stepper gave the map.

    Examples
    --------
    >>> from inertia_verify import Dynamics, discrete_map
    >>> m = discrete_map(Dynamics.from_text("x**2/2", "x"), "symplectic-euler")
    >>> m.dt, m.theta, m.velocity
    (h, (h*(-h*x + v_x) + x,), (-h*x + v_x,))
    """

    scheme: str
    dynamics: Dynamics
    dt: sympy.Expr
    theta: tuple[sympy.Expr, ...]
    velocity: tuple[sympy.Expr, ...]
    lr: sympy.Expr | None = None
    momentum: sympy.Expr | None = None
    convention: str | None = None
    notes: tuple[str, ...] = field(default=())
    options: dict = field(default_factory=dict, repr=False, compare=False)
    method: object = field(default=None, repr=False, compare=False)

    @property
    def optimizer(self) -> bool:
        """True for the momentum optimizers (heavy ball, Nesterov), which carry (α, β)."""
        return isinstance(self.method, _registry().MomentumScheme)

    @property
    def time_dependent(self) -> bool:
        """True when the map depends on the time :math:`t` at the start of the step."""
        return any(e.has(self.dynamics.time) for e in self.image)

    # -- the phase space -------------------------------------------------------------------------
    @property
    def state(self) -> tuple[sympy.Symbol, ...]:
        """:math:`z = (\\theta, v)`."""
        return tuple(self.dynamics.coordinates) + tuple(self.dynamics.velocities)

    @property
    def image(self) -> tuple[sympy.Expr, ...]:
        """:math:`\\Phi_h(z) = (\\theta', v')`."""
        return tuple(self.theta) + tuple(self.velocity)

    def compose(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` evaluated at the image point: :math:`f(\\Phi_h(z))`."""
        return as_sympy(expr).subs(dict(zip(self.state, self.image)), simultaneous=True)

    @property
    def inertia(self) -> sympy.Expr:
        """:math:`I = \\tfrac12 v^\\top M v + L(\\theta)`."""
        v = sympy.Matrix(self.dynamics.velocities)
        return (v.T * self.dynamics.mass * v)[0, 0] / 2 + self.dynamics.loss

    @property
    def inertia_change(self) -> sympy.Expr:
        """:math:`I(\\Phi_h(z)) - I(z)`, the one-step change of the discrete inertia."""
        return self.compose(self.inertia) - self.inertia

    @property
    def update(self) -> dict[str, str]:
        """The map as SymPy-parseable strings: ``{"x_next": ..., "v_x_next": ...}``."""
        names = [f"{s.name}_next" for s in self.state]
        return {n: sympy.sstr(e) for n, e in zip(names, self.image)}

    def jacobian(self) -> sympy.Matrix:
        """:math:`\\partial\\Phi_h/\\partial z`."""
        return sympy.Matrix(self.image).jacobian(sympy.Matrix(self.state))

    def lambdify(self):
        """A NumPy function ``(theta_list, v_list, t=None) -> (theta_list, v_list)``
        (``cse=True``).

        Each argument is a list of arrays (one per coordinate), so one call advances a whole
        ensemble; ``t``, the time at the start of the step, is required when the map depends on
        it.  Parameters must already be numbers; an abstract loss cannot be compiled.

        Examples
        --------
        >>> import numpy as np
        >>> step = discrete_map(Dynamics.from_text("x**2/2", "x"), "symplectic-euler", dt=0.5)
        >>> f = step.lambdify()
        >>> f([np.array([1.0])], [np.array([0.0])])
        ([array([0.75])], [array([-0.5])])
        """
        if self.dynamics.is_abstract:
            raise InvalidArgument("dynamics", str(self.dynamics.loss), "has an abstract loss",
                                  "give a concrete loss to simulate")
        time = self.dynamics.time
        timed = self.time_dependent
        free = set().union(*(e.free_symbols for e in self.image)) - set(self.state) - {time}
        if free:
            raise InvalidArgument("dt", sorted(s.name for s in free),
                                  "the map still contains symbols",
                                  "substitute numbers for the step and every parameter first")
        d = self.dynamics.dimension
        raw = sympy.lambdify([time, *self.state], list(self.image), modules="numpy", cse=True)

        def advance(theta, v, t=None):
            if timed and t is None:
                raise InvalidArgument("t", t, "is needed: the map depends on the time (the "
                                      "damping does)", "pass t, the time at the start of the step")
            out = raw(0.0 if t is None else t, *theta, *v)
            # Constant components (e.g. a zero force) come back as scalars: broadcast them.
            shape = sum(list(theta) + list(v)).shape if hasattr(theta[0], "shape") else ()
            out = [o + 0.0 * sum(theta) if not hasattr(o, "shape") or o.shape != shape else o
                   for o in out]
            return list(out[:d]), list(out[d:])

        return advance

    def substitute(self, values: dict) -> DiscreteMap:
        """The same scheme with numbers substituted for parameters of the system and/or for the
        step (key ``"dt"`` or the step symbol).

        Examples
        --------
        >>> m = discrete_map(Dynamics.from_text("a*x**2/2", "x"), "euler")
        >>> m.substitute({"a": 4, "dt": 0.5}).velocity
        (v_x - 2*x,)
        """
        values = dict(values)
        dt = self.options.get("dt")
        for key in list(values):
            if key == "dt" or key is self.dt or (isinstance(key, str) and
                                                   key == getattr(self.dt, "name", None)):
                dt = values.pop(key)
        dynamics = self.dynamics.substitute(values) if values else self.dynamics
        return discrete_map(dynamics, self.scheme, **{**self.options, "dt": dt})

    # -- series in the step ----------------------------------------------------------------------
    def jet(self, order: int) -> tuple[DiscreteMap, dict, dict]:
        r"""The same scheme for the degree-``order`` Taylor polynomial of the loss about a base
        point :math:`\hat\theta`, with its derivatives as symbols ("jets").

        Everything is then polynomial in the step (up to the damping factors), and the Taylor
        coefficients in :math:`h` of any quantity built from the map, evaluated at
        :math:`\theta = \hat\theta`, are exact through order ``order`` (the loss enters at
        displacements :math:`O(h)`).  Returns the jet map, the substitution that puts the base
        point back on the coordinates, and the one from jet symbols to the loss's derivatives.
        """
        dyn = self.dynamics
        base = [sympy.Symbol(f"jetbase_{c.name}", real=True) for c in dyn.coordinates]
        coords = dyn.coordinates
        loss = 0
        back: dict[sympy.Symbol, sympy.Expr] = {}
        from itertools import product
        for alpha in product(range(order + 1), repeat=len(coords)):
            if sum(alpha) > order:
                continue
            c = sympy.Symbol("jet_" + "_".join(map(str, alpha)), real=True)
            weight = sympy.Integer(1)
            for k, (x, b) in enumerate(zip(coords, base)):
                weight *= (x - b) ** alpha[k] / factorial(alpha[k])
            loss += c * weight
            spec = [(x, a) for x, a in zip(coords, alpha) if a]
            back[c] = sympy.diff(dyn.loss, *spec) if spec else dyn.loss
        jet_dyn = Dynamics(loss, coords,
                           damping=dyn.damping_coefficient,
                           mass=None if dyn.identity_mass else dyn.mass)
        jet_map = discrete_map(jet_dyn, self.scheme, **self.options)
        at_base = dict(zip(coords, base))
        rename = dict(zip(base, coords))
        return jet_map, {"at_base": at_base, "rename": rename}, back

    def series(self, quantity, order: int) -> list[sympy.Expr]:
        r"""Taylor coefficients in :math:`h` (through ``order``) of ``quantity(m)``, a function
        of a :class:`DiscreteMap` returning an expression in the state; exact for any loss.

        Examples
        --------
        >>> m = discrete_map(Dynamics.abstract(1), "symplectic-euler")
        >>> m.series(lambda m: m.inertia_change, 2)[2]
        v_theta_0**2*Derivative(L(theta_0), (theta_0, 2))/2 - Derivative(L(theta_0), theta_0)**2/2
        """
        if not isinstance(self.dt, sympy.Symbol):
            raise InvalidArgument("dt", self.dt, "is a number, so there is no series in it",
                                  "give the step as a symbol such as h")
        jet_map, subs, back = self.jet(order)
        expr = quantity(jet_map).xreplace(subs["at_base"]).xreplace(subs["rename"])
        series = _taylor_series(expr, jet_map.dt)
        return [sympy.expand(next(series).xreplace(back)) for _ in range(order + 1)]

    def inertia_change_order(self, *, max_order: int = 5) -> LeadingOrder:
        """The leading order in :math:`h` of the one-step change of :math:`I`, proved: the lower
        coefficients are proved zero, the leading one is shown nonzero at a point.

        Examples
        --------
        >>> lo = discrete_map(Dynamics.abstract(1), "verlet").inertia_change_order()
        >>> lo.order
        3
        """
        return leading_order_of_series(self.series(lambda m: m.inertia_change, max_order))

    def to_dict(self) -> dict:
        return {"scheme": self.scheme, "step": sympy.sstr(self.dt), "update": self.update,
                "lr": None if self.lr is None else sympy.sstr(self.lr),
                "momentum": None if self.momentum is None else sympy.sstr(self.momentum),
                "convention": self.convention, "notes": list(self.notes)}

    def __str__(self) -> str:
        lines = [f"{self.scheme}: {self.method.description}, step h = {self.dt}"]
        lines += [f"  {k} = {v}" for k, v in self.update.items()]
        if self.lr is not None:
            lines.append(f"  α = {self.lr}, β = {self.momentum}"
                         + (f" ({self.convention} convention)" if self.convention else ""))
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = [rf"{sympy.latex(s)}' &= {sympy.latex(e)}" for s, e in zip(self.state, self.image)]
        return r"$\begin{aligned}" + r"\\ ".join(rows) + r"\end{aligned}$"


def _momentum_matrix(rows: list, velocities) -> sympy.Expr | sympy.Matrix:
    """:math:`\\beta` read off :math:`\\beta v` (a scalar when it is a multiple of the identity)."""
    beta = sympy.Matrix(rows).jacobian(sympy.Matrix(velocities))
    if beta.is_diagonal() and all(sympy.expand(beta[i, i] - beta[0, 0]) == 0
                                  for i in range(beta.rows)):
        return beta[0, 0]
    return beta


def discrete_map(
    dynamics: Dynamics,
    scheme: str,
    *,
    dt: object = None,
    lr: object = None,
    momentum: object = None,
    convention: str = "first-order",
) -> DiscreteMap:
    r"""The one-step map of ``scheme`` applied to ``dynamics`` with step ``h``: the scheme's
    numeric stepper run on a :class:`SymbolicSystem`.

    Parameters
    ----------
    dynamics : Dynamics
        Any deterministic system: zero, scalar, matrix or time-dependent damping, any mass
        matrix, a concrete or an abstract loss.
    scheme : str
        A fixed-step scheme of :data:`~inertia_verify.schemes.FIXED_STEP` (every scheme that
        :func:`~inertia_verify.numeric.simulate` runs with a fixed step).
    dt : number, str or sympy.Symbol, optional
        The step :math:`h` (default the positive symbol ``h``).
    lr, momentum : number or sympy.Expr, optional
        :math:`\alpha` and :math:`\beta` of ``heavy-ball``/``nesterov``, given together.  When
        they are given the system must be undamped (the damping is what they *are*: see
        :func:`~._optimizers.heavy_ball_to_ode`) and ``dt`` defaults to :math:`\sqrt\alpha`.
        When omitted they are derived from the damping and ``dt`` by ``convention``.
    convention : {"first-order", "conformal"}
        :math:`\alpha = h^2` and :math:`\beta = 1 - \gamma h` or :math:`\beta = e^{-\gamma h}`
        (for a matrix or time-dependent damping, :math:`I - h\Gamma(t)` or the damping flow
        over the step).

    Returns
    -------
    DiscreteMap

    Examples
    --------
    >>> dyn = Dynamics.from_text("x**2/2", "x")
    >>> print(discrete_map(dyn, "symplectic-euler"))
    symplectic-euler: symplectic Euler, kick then drift as in the paper's (9)-(10) (order 1), step h = h
      x_next = h*(-h*x + v_x) + x
      v_x_next = -h*x + v_x
    >>> hb = discrete_map(dyn, "heavy-ball", lr=0.01, momentum=0.9)
    >>> hb.dt, hb.velocity
    (1/10, (9*v_x/10 - x/10,))

    With damping, Verlet's second half kick is implicit, as in ``simulate``: the new velocity
    carries the resolvent :math:`(1 + \gamma h/2)^{-1}`.

    >>> damped = Dynamics.from_text("x**2/2", "x", damping="g")
    >>> (v_next,) = discrete_map(damped, "verlet").velocity
    >>> sympy.fraction(sympy.factor(v_next))[1]
    2*g*h + 4
    """
    as_dynamics(dynamics)
    method = _fixed_step(scheme)
    if getattr(dynamics, "noise", None) is not None:
        raise InvalidArgument("dynamics", "noise", "is stochastic; the discrete maps are deterministic",
                              "drop the noise")
    if convention not in CONVENTIONS:
        raise InvalidArgument("convention", convention, "is not a known convention",
                              f"use one of {', '.join(CONVENTIONS)}")
    if (lr is None) != (momentum is None):
        raise InvalidArgument("lr" if lr is None else "momentum", lr if lr is None else momentum,
                              "lr and momentum must be given together", "give both or neither")
    momentum_base = _registry().MomentumScheme
    optimizer = isinstance(method, momentum_base)
    if lr is not None and not optimizer:
        names = [s.name for s in _registry().FIXED_STEP.values() if isinstance(s, momentum_base)]
        raise InvalidArgument("lr", lr, f"only applies to {' and '.join(names)}",
                              f"give the damping and step for {method.name}")
    options = {"dt": dt, "lr": lr, "momentum": momentum, "convention": convention}
    notes: list[str] = []
    alpha = beta = used_convention = None
    if optimizer and lr is not None:
        if not dynamics.undamped:
            raise InvalidArgument("damping", sympy.sstr(dynamics.damping[0, 0]
                                                        if dynamics.scalar_damping
                                                        else dynamics.damping.tolist()),
                                  "cannot be combined with lr and momentum",
                                  "give either the damping (and step) or lr and momentum")
        alpha = _as_number_or_expr(lr, "lr")
        beta = _as_number_or_expr(momentum, "momentum")
        method = type(method)(lr=alpha, momentum=beta, convention=convention)
        h = sympy.sqrt(alpha) if dt is None else _check_dt(dt)
        if dt is None:
            notes.append("h = sqrt(lr), so that the ODE is θ'' + γθ' + ∇L = 0 (see heavy_ball_to_ode)")
    else:
        h = _check_dt(dt)
        if optimizer:
            method = type(method)(convention=convention)
    system = SymbolicSystem(dynamics)
    theta_next, v_next = system.step(method, h)
    if optimizer and lr is None:
        # (α, β) as the scheme computes them from the damping (for a constant scalar γ they are
        # ode_to_heavy_ball's, which the tests check).
        alpha = method.learning_rate(h)
        velocities = np.array([[u] for u in dynamics.velocities], dtype=object)
        rows = method.momentum_rows(system, dynamics.time, h, velocities)[:, 0]
        beta = _momentum_matrix(list(rows), dynamics.velocities)
        used_convention = convention
    return DiscreteMap(method.name, dynamics, h, tuple(theta_next), tuple(v_next), alpha, beta,
                       used_convention, tuple(notes), options, method)


def _taylor_series(expr: sympy.Expr, variable: sympy.Symbol):
    """Yield the Taylor coefficients of ``expr`` in ``variable`` about 0, lazily (each costs a
    derivative of the previous one, so callers stop as soon as they know enough)."""
    current = as_sympy(expr)
    n = 0
    while True:
        yield sympy.expand(current.subs(variable, 0).doit() / factorial(n))
        current = current.diff(variable)
        n += 1


def taylor_coefficients(expr: sympy.Expr, variable: sympy.Symbol, order: int) -> list[sympy.Expr]:
    r"""The coefficients :math:`c_0, \dots, c_{\text{order}}` of ``expr`` as a power series in
    ``variable`` about 0.

    Works for concrete and abstract losses alike: derivatives of ``L`` at shifted points become
    ``Derivative(L(θ), …)`` at :math:`\theta` (jets) once the variable is set to 0.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``variable``, smooth at 0.
    variable : sympy.Symbol
        The expansion variable.
    order : int
        The highest power kept.

    Returns
    -------
    list of sympy.Expr
        ``order + 1`` coefficients, :math:`c_n = \frac{1}{n!}\partial^n expr|_0`.

    Examples
    --------
    >>> x, h = sympy.symbols("x h")
    >>> L = sympy.Function("L")
    >>> taylor_coefficients(L(x + h), h, 2)
    [L(x), Derivative(L(x), x), Derivative(L(x), (x, 2))/2]
    """
    series = _taylor_series(expr, variable)
    return [next(series) for _ in range(order + 1)]


@dataclass(frozen=True)
class LeadingOrder:
    """The leading term :math:`c_p h^p` of a one-step change, with the proofs that the lower
    coefficients vanish and that :math:`c_p` does not."""

    order: int | None
    coefficient: sympy.Expr | None
    lower: tuple[Verdict, ...]
    nonzero: Verdict | None
    searched: int

    def to_dict(self) -> dict:
        return {"order": self.order,
                "coefficient": None if self.coefficient is None else sympy.sstr(self.coefficient),
                "lower_vanish": [v.to_dict() for v in self.lower],
                "leading_nonzero": None if self.nonzero is None else self.nonzero.to_dict(),
                "searched_up_to": self.searched}

    def __str__(self) -> str:
        if self.order is None:
            return f"zero through order h^{self.searched} (searched no further)"
        return f"({self.coefficient})*h**{self.order} + O(h**{self.order + 1})"


def leading_order_of_series(coefficients: list[sympy.Expr]) -> LeadingOrder:
    """The first coefficient not identically zero, with proofs (see :func:`leading_order`)."""
    lower: list[Verdict] = []
    for n, c in enumerate(coefficients):
        verdict = prove_zero(c)
        if verdict.refuted:
            return LeadingOrder(n, sympy.factor_terms(c), tuple(lower), verdict, len(coefficients) - 1)
        lower.append(verdict)
    return LeadingOrder(None, None, tuple(lower), None, len(coefficients) - 1)


def leading_order(expr: sympy.Expr, variable: sympy.Symbol, *, max_order: int = 4) -> LeadingOrder:
    r"""The first power of ``variable`` whose coefficient in ``expr`` is not identically zero.

    Each lower coefficient is proved zero and the leading one shown nonzero (a concrete point
    where it is not zero) by :func:`~inertia_verify.prove_zero`.  For quantities built from a
    scheme with an abstract loss use :meth:`DiscreteMap.series`, which expands through jets.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``variable`` (and other symbols).
    variable : sympy.Symbol
        The small parameter, usually the step :math:`h`.
    max_order : int
        The highest power searched.

    Returns
    -------
    LeadingOrder
        ``order`` and ``coefficient`` (None when every coefficient up to ``max_order``
        vanishes), with the verdicts ``lower`` (each lower coefficient is zero) and
        ``nonzero``.

    Examples
    --------
    >>> x, v, h = sympy.symbols("x v h")
    >>> lo = leading_order((x + h*v)**2 - x**2, h)
    >>> lo.order, lo.coefficient
    (1, 2*v*x)
    """
    series = _taylor_series(expr, variable)
    return leading_order_of_series([next(series) for _ in range(max_order + 1)])
