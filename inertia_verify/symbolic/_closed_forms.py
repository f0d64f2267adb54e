"""Exact solutions the numeric layer is checked against, derived (not typed in).

* The damped oscillator :math:`\\ddot\\theta + \\gamma\\dot\\theta + \\omega^2\\theta = 0`
  (:func:`oscillator_solution`): SymPy's ``dsolve`` solves the equation in each regime, written so
  that the regime is visible to it (:math:`\\omega^2 = \\omega_d^2 + \\gamma^2/4` underdamped,
  :math:`\\omega = \\gamma/2` critical, :math:`\\omega^2 = \\gamma^2/4 - \\kappa^2` overdamped, with
  :math:`\\omega_d, \\kappa > 0`); the inertia :math:`I = \\tfrac12\\dot\\theta^2 +
  \\tfrac12\\omega^2\\theta^2` follows, and its asymptotic exponential decay rate is read off the
  exponents of the solution (:func:`oscillator_decay_rate` for the formula in γ and ω).
* The quadratic loss with constant matrix damping is solved numerically (a matrix exponential),
  on the numeric side: :func:`~inertia_verify.numeric.quadratic_solution`.

The *asymptotic exponential decay rate* of a positive :math:`I(t)` is
:math:`-\\limsup_{t\\to\\infty} \\tfrac1t\\log I(t)`: polynomial prefactors (critical damping) and
bounded oscillating factors (underdamping) do not change it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from .._errors import InvalidArgument

__all__ = ["oscillator_solution", "OscillatorSolution", "oscillator_decay_rate", "REGIMES"]

#: The regimes of the damped oscillator.
REGIMES = ("underdamped", "critical", "overdamped")

_t = sympy.Symbol("t", real=True)


def _as_number(value, argument: str, *, allow_symbol: bool = True) -> sympy.Expr:
    if isinstance(value, bool):
        raise InvalidArgument(argument, value, "must be a number or a sympy expression")
    if isinstance(value, str):
        raise InvalidArgument(argument, value, "is text, which is never evaluated directly",
                              "parse it with parse_expression() first")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not math.isfinite(float(value)):
            raise InvalidArgument(argument, value, "must be finite")
        return sympy.nsimplify(value) if isinstance(value, (int, np.integer)) else sympy.Float(value)
    if isinstance(value, sympy.Expr) and not isinstance(value, sympy.MatrixBase):
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise InvalidArgument(argument, value, "must be finite")
        if value.free_symbols and not allow_symbol:
            raise InvalidArgument(argument, value, "must be a number")
        return value
    raise InvalidArgument(argument, value, f"has unsupported type {type(value).__name__}",
                          "give a number or a sympy expression")


def _sign(expr: sympy.Expr):
    """-1, 0, 1, or None when the sign cannot be decided."""
    expr = sympy.simplify(expr)
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    return None


@lru_cache(maxsize=None)
def _regime_solution(regime: str):
    """θ(t) for symbolic γ, initial data, and the regime's own frequency symbol, via ``dsolve``.

    Returns ``(theta, gamma, theta0, v0, aux)`` where ``aux`` is ω_d, None or κ.
    """
    gamma = sympy.Symbol("gamma", nonnegative=True)
    theta0, v0 = sympy.symbols("theta_0 v_0", real=True)
    aux = None
    if regime == "underdamped":
        aux = sympy.Symbol("omega_d", positive=True)
        omega2 = aux**2 + gamma**2 / 4
    elif regime == "critical":
        omega2 = gamma**2 / 4
    else:
        aux = sympy.Symbol("kappa", positive=True)
        omega2 = gamma**2 / 4 - aux**2
    f = sympy.Function("theta")
    ode = f(_t).diff(_t, 2) + gamma * f(_t).diff(_t) + omega2 * f(_t)
    solution = sympy.dsolve(ode, f(_t), ics={f(0): theta0, f(_t).diff(_t).subs(_t, 0): v0}).rhs
    if regime == "underdamped":
        # dsolve answers with complex exponentials; their real form is the textbook one.
        solution = sympy.expand_complex(solution)
        solution = sympy.collect(sympy.expand(sympy.powsimp(solution)),
                                 [sympy.cos(aux * _t), sympy.sin(aux * _t)])
    solution = sympy.factor_terms(solution)
    residual = sympy.simplify(solution.diff(_t, 2) + gamma * solution.diff(_t) + omega2 * solution)
    if residual != 0:  # pragma: no cover - a guard on SymPy, not on the user
        raise ArithmeticError(f"dsolve's {regime} solution does not solve the equation: {residual}")
    return solution, gamma, theta0, v0, aux, omega2


def _exponential_rates(expr: sympy.Expr, t: sympy.Symbol) -> list[sympy.Expr]:
    """The growth exponents of the terms of ``expr`` (a sum of c·t^k·e^{λt}·(bounded trig))."""
    expanded = sympy.powsimp(sympy.expand(expr, power_exp=False), combine="exp")
    rates = []
    for term in sympy.Add.make_args(expanded):
        if not term.has(t):
            rates.append(sympy.Integer(0))
            continue
        exponent = sympy.Integer(0)
        for factor in sympy.Mul.make_args(term):
            base, power = factor.as_base_exp()
            if isinstance(base, sympy.exp) or base == sympy.E:
                argument = base.args[0] * power if isinstance(base, sympy.exp) else power
                slope = sympy.diff(argument, t)
                if slope.has(t):
                    raise ArithmeticError(f"non-exponential time dependence in {term}")
                exponent += slope
        rates.append(sympy.expand(exponent))
    return rates


def _slowest(rates: list[sympy.Expr]) -> sympy.Expr:
    """The largest exponent (SymPy's Max, decided by the symbols' assumptions)."""
    unique = list(dict.fromkeys(rates))
    return sympy.Max(*unique) if len(unique) > 1 else unique[0]


@dataclass(frozen=True)
class OscillatorSolution:
    """The exact motion and inertia of the damped oscillator (see :func:`oscillator_solution`).

    Attributes
    ----------
    omega, gamma, theta0, v0 : sympy.Expr
        The frequency, the damping and the initial data, as given.
    regime : {"underdamped", "critical", "overdamped"}
        The sign of :math:`\\gamma^2 - 4\\omega^2`.
    theta, velocity, inertia : sympy.Expr
        Functions of :attr:`t`.
    decay_rate : sympy.Expr
        The asymptotic exponential decay rate of :math:`I(t)` for these initial conditions.
    envelope : sympy.Expr
        :math:`I(t)\\,e^{\\text{rate}\\cdot t}`, the factor left after the exponential.
    t : sympy.Symbol
        The time variable (real).

    Examples
    --------
    >>> sol = oscillator_solution(2, 0, 1, 0)
    >>> sol.regime, sol.theta, sol.inertia, sol.decay_rate
    ('underdamped', cos(2*t), 2, 0)
    """

    omega: sympy.Expr
    gamma: sympy.Expr
    theta0: sympy.Expr
    v0: sympy.Expr
    regime: str
    theta: sympy.Expr
    velocity: sympy.Expr
    inertia: sympy.Expr
    decay_rate: sympy.Expr
    t: sympy.Symbol = _t

    def evaluate(self, times, *, digits: int | None = None):
        """``(theta, v, I)`` at ``times``: float arrays, or mpmath numbers with ``digits``.

        Examples
        --------
        >>> sol = oscillator_solution(1, 0, 1, 0)
        >>> [float(x) for x in sol.evaluate([0.0])[2]]
        [0.5]
        """
        if self.theta.free_symbols - {self.t}:
            raise InvalidArgument("omega/gamma/theta0/v0", str(self.theta.free_symbols - {self.t}),
                                  "are symbolic; give numbers to evaluate")
        if digits is None:
            functions = [sympy.lambdify(self.t, e, modules="numpy")
                         for e in (self.theta, self.velocity, self.inertia)]
            times = np.asarray(times, dtype=float)
            return tuple(np.broadcast_to(np.asarray(f(times), dtype=float), times.shape).copy()
                         for f in functions)
        import mpmath

        with mpmath.workdps(digits):
            return tuple([e.subs(self.t, sympy.Float(str(t), digits + 5)).evalf(digits)
                          for t in np.atleast_1d(times)]
                         for e in (self.theta, self.velocity, self.inertia))

    def to_dict(self) -> dict[str, Any]:
        return {"omega": str(self.omega), "gamma": str(self.gamma), "theta0": str(self.theta0),
                "v0": str(self.v0), "regime": self.regime, "theta": str(self.theta),
                "velocity": str(self.velocity), "expression": str(self.inertia),
                "decay_rate": str(self.decay_rate)}

    def __str__(self) -> str:
        return "\n".join([
            f"damped oscillator theta'' + {self.gamma} theta' + ({self.omega})**2 theta = 0, "
            f"theta(0) = {self.theta0}, theta'(0) = {self.v0}: {self.regime}",
            f"theta(t) = {self.theta}",
            f"I(t)     = {self.inertia}",
            f"asymptotic decay rate of I: {self.decay_rate}",
        ])

    def _repr_latex_(self) -> str:
        return (r"$\begin{aligned}\theta(t) &= " + sympy.latex(self.theta)
                + r"\\ I(t) &= " + sympy.latex(self.inertia)
                + r"\\ \text{decay rate} &= " + sympy.latex(self.decay_rate)
                + r"\quad\text{(" + self.regime + r")}\end{aligned}$")


def _regime_of(omega, gamma, regime: str | None) -> str:
    discriminant = gamma**2 - 4 * omega**2
    sign = _sign(discriminant)
    if regime is not None:
        if regime not in REGIMES:
            raise InvalidArgument("regime", regime, f"must be one of {', '.join(REGIMES)}")
        expected = {"underdamped": -1, "critical": 0, "overdamped": 1}[regime]
        if sign is not None and sign != expected:
            raise InvalidArgument("regime", regime,
                                  f"contradicts gamma = {gamma}, omega = {omega} "
                                  f"(gamma**2 - 4*omega**2 = {discriminant})")
        return regime
    if sign is None:
        raise InvalidArgument("regime", None, f"cannot be decided for gamma = {gamma}, "
                              f"omega = {omega}", "pass regime='underdamped', 'critical' or "
                              "'overdamped', or give numbers")
    return {-1: "underdamped", 0: "critical", 1: "overdamped"}[sign]


def oscillator_solution(omega, gamma, theta0=1, v0=0, *,
                        regime: str | None = None) -> OscillatorSolution:
    """The exact solution of :math:`\\ddot\\theta + \\gamma\\dot\\theta + \\omega^2\\theta = 0`.

    Parameters
    ----------
    omega, gamma : number or sympy.Expr
        :math:`\\omega \\ge 0`, :math:`\\gamma \\ge 0`.  Integers stay exact (so that
        ``gamma = 2*omega`` is recognised as critical); floats are used as given.
    theta0, v0 : number or sympy.Expr
        :math:`\\theta(0)` and :math:`\\dot\\theta(0)`.
    regime : {"underdamped", "critical", "overdamped"}, optional
        Needed only when the sign of :math:`\\gamma^2 - 4\\omega^2` cannot be decided.

    Returns
    -------
    OscillatorSolution

    Examples
    --------
    >>> sol = oscillator_solution(1, 0)
    >>> sol.regime, sol.inertia, sol.decay_rate
    ('underdamped', 1/2, 0)
    >>> crit = oscillator_solution(1, 2)
    >>> crit.regime, crit.theta, crit.decay_rate
    ('critical', (t + 1)*exp(-t), 2)
    >>> over = oscillator_solution(1, 4)
    >>> over.decay_rate
    4 - 2*sqrt(3)
    """
    omega = _as_number(omega, "omega")
    gamma = _as_number(gamma, "gamma")
    theta0 = _as_number(theta0, "theta0")
    v0 = _as_number(v0, "v0")
    for name, value in (("omega", omega), ("gamma", gamma)):
        if value.is_negative:
            raise InvalidArgument(name, value, "must be non-negative")
    regime = _regime_of(omega, gamma, regime)
    solution, g, a, b, aux, _ = _regime_solution(regime)
    # The exponents are read off before the regime's positive frequency is replaced, so that
    # SymPy can order them with its assumptions (κ > 0).
    velocity = solution.diff(_t)
    frequency2 = {"underdamped": aux**2 + g**2 / 4 if aux is not None else None,
                  "critical": g**2 / 4, "overdamped": g**2 / 4 - aux**2 if aux is not None else None}
    energy = velocity**2 / 2 + frequency2[regime] * solution**2 / 2
    mapping = {g: gamma, a: theta0, b: v0}
    if regime == "underdamped":
        mapping[aux] = sympy.sqrt(omega**2 - gamma**2 / 4)
    elif regime == "overdamped":
        mapping[aux] = sympy.sqrt(gamma**2 / 4 - omega**2)
    theta = _tidy(solution.xreplace(mapping))
    velocity = _tidy(velocity.xreplace(mapping))
    inertia = _tidy(energy.xreplace(mapping))
    if regime == "underdamped":
        # products of sin and cos at ω_d t into double angles: I = e^{-γt}(a + b cos 2ω_d t + …)
        from sympy.simplify.fu import TR8

        inertia = _tidy(TR8(sympy.expand(inertia)))
    if regime == "critical" and omega.is_number and gamma.is_number:
        inertia = _tidy(velocity**2 / 2 + omega**2 * theta**2 / 2)
    numeric = all(x.is_number for x in (omega, gamma, theta0, v0))
    if numeric:
        # numbers: the rate of *this* solution (a mode whose coefficient vanishes for these
        # initial data does not count)
        rate = -_slowest(_exponential_rates(inertia, _t))
    else:
        # symbols: read the exponents while ω_d or κ is still a positive symbol, so that SymPy
        # can order them, then substitute (generic initial data)
        partial = {key: value for key, value in mapping.items() if key is not aux}
        rate = -_slowest(_exponential_rates(energy.xreplace(partial), _t))
        rate = rate.xreplace({aux: mapping[aux]}) if aux is not None else rate
    return OscillatorSolution(omega, gamma, theta0, v0, regime, theta, velocity, inertia,
                              sympy.expand(rate))


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Expand, merge exponentials, pull out common factors: cheap and canonical enough to read
    (``simplify`` is avoided: it costs seconds per expression here)."""
    expr = sympy.powsimp(sympy.expand(expr, power_exp=False), combine="exp")
    return sympy.factor_terms(expr)


@lru_cache(maxsize=None)
def _decay_rate_formula():
    """The Piecewise decay rate and its symbols γ, ω (derived once per process)."""
    g = sympy.Symbol("gamma", nonnegative=True)
    w = sympy.Symbol("omega", nonnegative=True)
    pieces = {}
    for regime in REGIMES:
        solution, sg, a, b, aux, omega2 = _regime_solution(regime)
        velocity = solution.diff(_t)
        energy = velocity**2 / 2 + omega2 * solution**2 / 2
        rate = -_slowest(_exponential_rates(energy, _t))
        mapping = {sg: g}
        if regime == "underdamped":
            mapping[aux] = sympy.sqrt(w**2 - g**2 / 4)
        elif regime == "overdamped":
            mapping[aux] = sympy.sqrt(g**2 / 4 - w**2)
        pieces[regime] = sympy.simplify(rate.xreplace(mapping))
    if sympy.simplify(pieces["underdamped"] - pieces["critical"]) == 0:
        formula = sympy.Piecewise((pieces["underdamped"], g <= 2 * w),
                                  (pieces["overdamped"], True))
    else:  # pragma: no cover - not the case for this equation, kept for honesty
        formula = sympy.Piecewise((pieces["underdamped"], g < 2 * w),
                                  (pieces["critical"], sympy.Eq(g, 2 * w)),
                                  (pieces["overdamped"], True))
    return formula, g, w


def oscillator_decay_rate(omega=None, gamma=None) -> sympy.Expr:
    """The asymptotic decay rate of :math:`I` as a function of γ and ω (generic initial data).

    Derived from the three regimes' solutions with symbolic initial conditions; returned as a
    ``Piecewise`` in γ and ω, or its value when numbers are given.  It assumes :math:`\\omega > 0`:
    at :math:`\\omega = 0` the slow mode (a constant θ) carries no inertia, and :math:`I` decays
    at :math:`2\\gamma`, which :func:`oscillator_solution` reports for that case.

    Parameters
    ----------
    omega, gamma : number or sympy.Expr, optional
        Both, for the value; neither, for the formula.

    Returns
    -------
    sympy.Expr
        ``Piecewise((gamma, gamma <= 2*omega), ...)`` in the symbols γ and ω, or its value.

    Examples
    --------
    >>> oscillator_decay_rate()
    Piecewise((gamma, gamma <= 2*omega), (gamma - sqrt(gamma**2 - 4*omega**2), True))
    >>> oscillator_decay_rate(1, 4)
    4 - 2*sqrt(3)
    """
    formula, g, w = _decay_rate_formula()
    if omega is None and gamma is None:
        return formula
    omega = _as_number(omega, "omega")
    gamma = _as_number(gamma, "gamma")
    return sympy.simplify(formula.subs({w: omega, g: gamma}))
