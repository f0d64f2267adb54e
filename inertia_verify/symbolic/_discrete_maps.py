r"""Optimizers and integrators as symbolic one-step maps on the phase space :math:`(\theta, v)`.

Every scheme is written as :math:`(\theta_{k+1}, v_{k+1}) = \Phi_h(\theta_k, v_k)` for the system
:math:`\ddot\theta + \Gamma\dot\theta + M^{-1}\nabla L = 0` with force
:math:`F(\theta) = -M^{-1}\nabla L(\theta)`:

=======================  ======================================================================
``euler``                :math:`\theta' = \theta + hv,\; v' = v + h(F(\theta) - \Gamma v)`
``symplectic-euler``     kick then drift (the paper's eqs. 9–10):
                         :math:`v' = v + h(F(\theta) - \Gamma v),\; \theta' = \theta + hv'`
``symplectic-euler-dk``  drift then kick: :math:`\theta' = \theta + hv,\;
                         v' = v + h(F(\theta') - \Gamma v)`
``verlet``               velocity Verlet, damping (if any) inside both half kicks:
                         :math:`u = v + \tfrac h2 a(\theta, v),\; \theta' = \theta + hu,\;
                         v' = u + \tfrac h2 a(\theta', u)`
``conformal-verlet``     Strang splitting of the exact damping flow :math:`e^{-\Gamma h/2}` around
                         a Verlet step of the undamped system (conformal symplectic)
``heavy-ball``           :math:`\theta_{k+1} = \theta_k - \alpha\nabla L(\theta_k)
                         + \beta(\theta_k - \theta_{k-1})`, i.e. with
                         :math:`v_k = (\theta_k - \theta_{k-1})/h`:
                         :math:`v' = \beta v + (\alpha/h)F(\theta),\; \theta' = \theta + hv'`
``nesterov``             :math:`\theta_{k+1} = y_k - \alpha\nabla L(y_k)`,
                         :math:`y_k = \theta_k + \beta(\theta_k - \theta_{k-1})`, i.e.
                         :math:`v' = \beta v + (\alpha/h)F(\theta + \beta hv),\;
                         \theta' = \theta + hv'`
=======================  ======================================================================

For the two optimizers, ``(α, β)`` come either from the user (learning rate and momentum) or
from the damping through a stated convention (see :mod:`._optimizers`).  The discrete inertia is
:math:`I_k = \tfrac12 v_k^\top M v_k + L(\theta_k)` (the paper's eq. 11 when :math:`M = 1`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import factorial

import sympy

from .._expressions import as_sympy
from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._prover import Verdict, prove_zero
from ._optimizers import CONVENTIONS, ode_to_heavy_ball

__all__ = ["SCHEMES", "DiscreteMap", "discrete_map", "taylor_coefficients", "leading_order"]

#: Scheme name -> one-line description (the order is the order of the table above).
SCHEMES = {
    "euler": "explicit Euler",
    "symplectic-euler": "symplectic Euler, kick then drift (the paper's eqs. 9-10)",
    "symplectic-euler-dk": "symplectic Euler, drift then kick",
    "verlet": "velocity Verlet (damping, if any, explicit in both half kicks)",
    "conformal-verlet": "conformal symplectic Verlet: exp(-Γh/2) ∘ Verlet ∘ exp(-Γh/2)",
    "heavy-ball": "Polyak heavy ball θ' = θ - α∇L(θ) + β(θ - θ_prev)",
    "nesterov": "Nesterov θ' = y - α∇L(y), y = θ + β(θ - θ_prev)",
}
_OPTIMIZERS = ("heavy-ball", "nesterov")

#: The step-size symbol used when none is given.
STEP = sympy.Symbol("h", positive=True)


def _check_step(step: object) -> sympy.Expr:
    if step is None:
        return STEP
    if isinstance(step, bool):
        raise InvalidArgument("step", step, "must be a positive number or a symbol such as h")
    if isinstance(step, str):
        name = step.strip()
        if name.isidentifier():
            return sympy.Symbol(name, positive=True)
        try:
            step = float(name)
        except ValueError as exc:
            raise InvalidArgument("step", step, "is neither a number nor a name",
                                  "give a positive number such as 0.1 or a symbol such as h") from exc
    if isinstance(step, (int, float)):
        if not step > 0 or step == float("inf"):
            raise InvalidArgument("step", step, "must be positive and finite")
        return sympy.nsimplify(step, rational=True) if isinstance(step, float) else sympy.Integer(step)
    if isinstance(step, sympy.Symbol):
        # The step is positive by nature; a plain Symbol('h') is replaced by a positive one.
        return step if step.is_positive else sympy.Symbol(step.name, positive=True)
    if isinstance(step, sympy.Expr) and step.is_number:
        if step.is_positive is not True:
            raise InvalidArgument("step", step, "must be positive")
        return step
    raise InvalidArgument("step", step, f"has unsupported type {type(step).__name__}",
                          "give a positive number or a symbol such as h")


def _check_scheme(scheme: object) -> str:
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise InvalidArgument("scheme", scheme, "is not a known scheme",
                              f"use one of {', '.join(SCHEMES)}")
    return scheme


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


@dataclass(frozen=True)
class DiscreteMap:
    r"""A scheme as a one-step map :math:`(\theta, v) \mapsto (\theta', v')`.

    Attributes
    ----------
    scheme : str
    dynamics : Dynamics
        The continuous system the scheme discretises.
    step : sympy.Expr
        :math:`h` (a positive symbol or a number).
    theta, velocity : tuple of sympy.Expr
        :math:`\theta'` and :math:`v'` as expressions in :math:`\theta, v` (the dynamics'
        coordinates and velocities), the step and the parameters.
    lr, momentum : sympy.Expr or None
        :math:`\alpha, \beta` for ``heavy-ball`` and ``nesterov``.
    convention : str or None
        How ``(α, β)`` were obtained from the damping, when they were.
    """

    scheme: str
    dynamics: Dynamics
    step: sympy.Expr
    theta: tuple[sympy.Expr, ...]
    velocity: tuple[sympy.Expr, ...]
    lr: sympy.Expr | None = None
    momentum: sympy.Expr | None = None
    convention: str | None = None
    notes: tuple[str, ...] = field(default=())
    options: dict = field(default_factory=dict, repr=False, compare=False)

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
        """A NumPy function ``(theta_list, v_list) -> (theta_list, v_list)`` (``cse=True``).

        Each argument is a list of arrays (one per coordinate), so one call advances a whole
        ensemble.  Parameters must already be numbers; an abstract loss cannot be compiled.

        Examples
        --------
        >>> import numpy as np
        >>> step = discrete_map(Dynamics.from_text("x**2/2", "x"), "symplectic-euler", step=0.5)
        >>> f = step.lambdify()
        >>> f([np.array([1.0])], [np.array([0.0])])
        ([array([0.75])], [array([-0.5])])
        """
        if self.dynamics.is_abstract:
            raise InvalidArgument("dynamics", str(self.dynamics.loss), "has an abstract loss",
                                  "give a concrete loss to simulate")
        free = set().union(*(e.free_symbols for e in self.image)) - set(self.state)
        if free:
            raise InvalidArgument("step", sorted(s.name for s in free),
                                  "the map still contains symbols",
                                  "substitute numbers for the step and every parameter first")
        d = self.dynamics.dimension
        raw = sympy.lambdify(list(self.state), list(self.image), modules="numpy", cse=True)

        def advance(theta, v):
            out = raw(*theta, *v)
            # Constant components (e.g. a zero force) come back as scalars: broadcast them.
            shape = sum(list(theta) + list(v)).shape if hasattr(theta[0], "shape") else ()
            out = [o + 0.0 * sum(theta) if not hasattr(o, "shape") or o.shape != shape else o
                   for o in out]
            return list(out[:d]), list(out[d:])

        return advance

    def substitute(self, values: dict) -> DiscreteMap:
        """The same scheme with numbers substituted for parameters of the system and/or for the
        step (key ``"step"`` or the step symbol).

        Examples
        --------
        >>> m = discrete_map(Dynamics.from_text("a*x**2/2", "x"), "euler")
        >>> m.substitute({"a": 4, "step": 0.5}).velocity
        (v_x - 2*x,)
        """
        values = dict(values)
        step = self.options.get("step")
        for key in list(values):
            if key == "step" or key is self.step or (isinstance(key, str) and
                                                     key == getattr(self.step, "name", None)):
                step = values.pop(key)
        dynamics = self.dynamics.substitute(values) if values else self.dynamics
        return discrete_map(dynamics, self.scheme, **{**self.options, "step": step})

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
                           damping=(dyn.damping[0, 0] if dyn.damping_kind in ("zero", "scalar")
                                    else dyn.damping),
                           mass=None if dyn.mass == sympy.eye(dyn.dimension) else dyn.mass)
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
        if not isinstance(self.step, sympy.Symbol):
            raise InvalidArgument("step", self.step, "is a number, so there is no series in it",
                                  "give the step as a symbol such as h")
        jet_map, subs, back = self.jet(order)
        expr = quantity(jet_map).xreplace(subs["at_base"]).xreplace(subs["rename"])
        series = _taylor_series(expr, jet_map.step)
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
        return {"scheme": self.scheme, "step": sympy.sstr(self.step), "update": self.update,
                "lr": None if self.lr is None else sympy.sstr(self.lr),
                "momentum": None if self.momentum is None else sympy.sstr(self.momentum),
                "convention": self.convention, "notes": list(self.notes)}

    def __str__(self) -> str:
        lines = [f"{self.scheme}: {SCHEMES[self.scheme]}, step h = {self.step}"]
        lines += [f"  {k} = {v}" for k, v in self.update.items()]
        if self.lr is not None:
            lines.append(f"  α = {self.lr}, β = {self.momentum}"
                         + (f" ({self.convention} convention)" if self.convention else ""))
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = [rf"{sympy.latex(s)}' &= {sympy.latex(e)}" for s, e in zip(self.state, self.image)]
        return r"$\begin{aligned}" + r"\\ ".join(rows) + r"\end{aligned}$"


def _matrix_exponential(matrix: sympy.Matrix) -> sympy.Matrix:
    if matrix.is_diagonal():
        return sympy.diag(*[sympy.exp(matrix[i, i]) for i in range(matrix.rows)])
    try:
        return matrix.exp()
    except (NotImplementedError, ValueError, sympy.MatrixError) as exc:
        raise InvalidArgument("damping", matrix.tolist(), "its matrix exponential is not available "
                              "in closed form", "use a scalar or diagonal damping") from exc


def discrete_map(
    dynamics: Dynamics,
    scheme: str,
    *,
    step: object = None,
    lr: object = None,
    momentum: object = None,
    convention: str = "first-order",
) -> DiscreteMap:
    r"""The one-step map of ``scheme`` applied to ``dynamics`` with step ``h``.

    Parameters
    ----------
    dynamics : Dynamics
        Constant damping (zero, scalar or matrix) only; a time-dependent damping is rejected.
    scheme : str
        One of :data:`SCHEMES`.
    step : number, str or sympy.Symbol, optional
        The step :math:`h` (default the positive symbol ``h``).
    lr, momentum : number or sympy.Expr, optional
        :math:`\alpha` and :math:`\beta` of ``heavy-ball``/``nesterov``, given together.  When
        they are given the system must be undamped (the damping is what they *are*: see
        :func:`~._optimizers.heavy_ball_to_ode`) and ``step`` defaults to :math:`\sqrt\alpha`.
        When omitted they are derived from the scalar damping :math:`\gamma` and ``step``
        by ``convention``.
    convention : {"first-order", "conformal"}
        :math:`\alpha = h^2` and :math:`\beta = 1 - \gamma h` or :math:`\beta = e^{-\gamma h}`.

    Returns
    -------
    DiscreteMap

    Examples
    --------
    >>> dyn = Dynamics.from_text("x**2/2", "x")
    >>> print(discrete_map(dyn, "symplectic-euler"))
    symplectic-euler: symplectic Euler, kick then drift (the paper's eqs. 9-10), step h = h
      x_next = h*(-h*x + v_x) + x
      v_x_next = -h*x + v_x
    >>> hb = discrete_map(dyn, "heavy-ball", lr=0.01, momentum=0.9)
    >>> hb.step, hb.velocity
    (1/10, (9*v_x/10 - x/10,))
    """
    if not isinstance(dynamics, Dynamics):
        raise InvalidArgument("dynamics", dynamics, f"must be a Dynamics, not {type(dynamics).__name__}",
                              "build one with Dynamics(...) or Dynamics.from_text(...)")
    scheme = _check_scheme(scheme)
    if dynamics.damping_kind in ("time", "matrix-time"):
        raise InvalidArgument("damping", str(dynamics.damping[0, 0] if dynamics.damping_kind == "time"
                                             else dynamics.damping.tolist()),
                              "is time-dependent; the discrete maps take a constant damping",
                              "use a constant scalar or matrix damping")
    if getattr(dynamics, "noise", None) is not None:
        raise InvalidArgument("dynamics", "noise", "is stochastic; the discrete maps are deterministic",
                              "drop the noise")
    if convention not in CONVENTIONS:
        raise InvalidArgument("convention", convention, "is not a known convention",
                              f"use one of {', '.join(CONVENTIONS)}")
    if (lr is None) != (momentum is None):
        raise InvalidArgument("lr" if lr is None else "momentum", lr if lr is None else momentum,
                              "lr and momentum must be given together", "give both or neither")
    if lr is not None and scheme not in _OPTIMIZERS:
        raise InvalidArgument("lr", lr, f"only applies to {' and '.join(_OPTIMIZERS)}",
                              f"give the damping and step for {scheme}")
    options = {"step": step, "lr": lr, "momentum": momentum, "convention": convention}
    theta = sympy.Matrix(dynamics.coordinates)
    v = sympy.Matrix(dynamics.velocities)
    Gamma = dynamics.damping
    Minv = dynamics.mass_inverse

    def force(point: sympy.Matrix) -> sympy.Matrix:
        # subs, not xreplace: Derivative(L(x), x) at x + h v must become a Subs object.
        return -(Minv * dynamics.gradient).subs(dict(zip(dynamics.coordinates, point)),
                                                simultaneous=True)

    notes: list[str] = []
    alpha = beta = None
    used_convention = None
    if scheme in _OPTIMIZERS:
        if lr is not None:
            if dynamics.damping_kind != "zero":
                raise InvalidArgument("damping", str(dynamics.damping[0, 0]),
                                      "cannot be combined with lr and momentum",
                                      "give either the damping (and step) or lr and momentum")
            alpha = _as_number_or_expr(lr, "lr")
            beta = _as_number_or_expr(momentum, "momentum")
            if alpha.is_number and not alpha > 0:
                raise InvalidArgument("lr", lr, "must be positive")
            if beta.is_number and not (0 <= beta < 1):
                raise InvalidArgument("momentum", momentum, "must lie in [0, 1)",
                                      "momentum 1 is undamped; use symplectic-euler for that")
            h = sympy.sqrt(alpha) if step is None else _check_step(step)
            if step is None:
                notes.append("h = sqrt(lr), so that the ODE is θ'' + γθ' + ∇L = 0 (see heavy_ball_to_ode)")
        else:
            if dynamics.damping_kind == "matrix":
                raise InvalidArgument("damping", dynamics.damping.tolist(),
                                      f"{scheme} has one momentum coefficient, so the damping must be scalar",
                                      "give a scalar damping or lr and momentum")
            h = _check_step(step)
            gamma = dynamics.damping[0, 0]
            mapping = ode_to_heavy_ball(h, gamma, convention=convention)
            alpha, beta = mapping["lr"], mapping["momentum"]
            used_convention = convention
        kick = (alpha / h) * force(theta + (beta * h * v if scheme == "nesterov" else 0 * v))
        v_next = beta * v + kick
        theta_next = theta + h * v_next
        return DiscreteMap(scheme, dynamics, h, tuple(theta_next), tuple(v_next), alpha, beta,
                           used_convention, tuple(notes), options)
    h = _check_step(step)

    def accel(point: sympy.Matrix, velocity: sympy.Matrix) -> sympy.Matrix:
        return force(point) - Gamma * velocity

    if scheme == "euler":
        theta_next, v_next = theta + h * v, v + h * accel(theta, v)
    elif scheme == "symplectic-euler":
        v_next = v + h * accel(theta, v)
        theta_next = theta + h * v_next
    elif scheme == "symplectic-euler-dk":
        theta_next = theta + h * v
        v_next = v + h * accel(theta_next, v)
    elif scheme == "verlet":
        half = v + h / 2 * accel(theta, v)
        theta_next = theta + h * half
        v_next = half + h / 2 * accel(theta_next, half)
    else:  # conformal-verlet
        shrink = _matrix_exponential(-Gamma * h / 2)
        u = shrink * v
        half = u + h / 2 * force(theta)
        theta_next = theta + h * half
        v_next = shrink * (half + h / 2 * force(theta_next))
    return DiscreteMap(scheme, dynamics, h, tuple(theta_next), tuple(v_next), notes=tuple(notes),
                       options=options)


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

    Examples
    --------
    >>> x, v, h = sympy.symbols("x v h")
    >>> lo = leading_order((x + h*v)**2 - x**2, h)
    >>> lo.order, lo.coefficient
    (1, 2*v*x)
    """
    series = _taylor_series(expr, variable)
    return leading_order_of_series([next(series) for _ in range(max_order + 1)])
