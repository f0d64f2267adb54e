"""Exact solutions the numeric layer is checked against, derived (not typed in).

* The damped oscillator :math:`\\ddot\\theta + \\gamma\\dot\\theta + \\omega^2\\theta = 0`
  (:func:`oscillator`): SymPy's ``dsolve`` solves the equation in each regime, written so that the
  regime is visible to it (:math:`\\omega^2 = \\omega_d^2 + \\gamma^2/4` underdamped,
  :math:`\\omega = \\gamma/2` critical, :math:`\\omega^2 = \\gamma^2/4 - \\kappa^2` overdamped, with
  :math:`\\omega_d, \\kappa > 0`); the inertia :math:`I = \\tfrac12\\dot\\theta^2 +
  \\tfrac12\\omega^2\\theta^2` follows, and its asymptotic exponential decay rate is read off the
  exponents of the solution (:func:`oscillator_decay_rate` for the formula in γ and ω).
* The quadratic loss :math:`L = \\tfrac12\\theta^\\top A\\theta` with constant matrix damping
  :math:`\\Gamma` and mass :math:`M` (:func:`quadratic`): :math:`z = (\\theta, v)` solves
  :math:`\\dot z = Bz`, :math:`B = \\begin{pmatrix}0 & I\\\\ -M^{-1}A & -\\Gamma\\end{pmatrix}`, so
  :math:`z(t) = e^{Bt}z_0` and :math:`I(t) = \\tfrac12 z^\\top \\mathrm{diag}(A, M) z`; the decay
  rate of :math:`I` for generic initial conditions is :math:`-2\\max\\operatorname{Re}\\lambda(B)`.

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

__all__ = ["oscillator", "OscillatorSolution", "oscillator_decay_rate", "quadratic",
           "QuadraticSolution", "quadratic_from_dynamics", "REGIMES"]

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
    """The exact motion and inertia of the damped oscillator (see :func:`oscillator`).

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
    >>> sol = oscillator(2, 0, 1, 0)
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
        >>> sol = oscillator(1, 0, 1, 0)
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


def oscillator(omega, gamma, theta0=1, v0=0, *, regime: str | None = None) -> OscillatorSolution:
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
    >>> sol = oscillator(1, 0)
    >>> sol.regime, sol.inertia, sol.decay_rate
    ('underdamped', 1/2, 0)
    >>> crit = oscillator(1, 2)
    >>> crit.regime, crit.theta, crit.decay_rate
    ('critical', (t + 1)*exp(-t), 2)
    >>> over = oscillator(1, 4)
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
    at :math:`2\\gamma`, which :func:`oscillator` reports for that case.

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


# -- the quadratic loss ------------------------------------------------------------------------

def _matrix(value, argument: str, d: int | None = None) -> np.ndarray:
    if isinstance(value, sympy.MatrixBase):
        if value.free_symbols:
            raise InvalidArgument(argument, value.tolist(), "must be numeric",
                                  "substitute the parameters first")
        value = np.array(value.evalf().tolist(), dtype=float)
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "is not a numeric matrix") from exc
    if array.ndim == 0 and d is not None:
        array = array * np.eye(d)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise InvalidArgument(argument, value, "must be a square matrix (or a scalar)")
    if d is not None and array.shape != (d, d):
        raise InvalidArgument(argument, value, f"must be {d}x{d} like the Hessian")
    if not np.all(np.isfinite(array)):
        raise InvalidArgument(argument, value, "contains NaN or Inf")
    return array


@dataclass(frozen=True)
class QuadraticSolution:
    """The exact inertia for :math:`L = \\tfrac12\\theta^\\top A\\theta` (see :func:`quadratic`).

    Attributes
    ----------
    hessian, damping, mass : ndarray, shape (d, d)
        :math:`A`, :math:`\\Gamma` and :math:`M`.
    generator : ndarray, shape (2d, 2d)
        :math:`B` of :math:`\\dot z = Bz`.
    theta0, v0 : ndarray, shape (d,) or (paths, d)
        The initial state (one per path).
    decay_rate : float
        :math:`-2\\max\\operatorname{Re}\\lambda(B)` (negative when :math:`I` grows).
    offset : float
        A constant added to the loss (:math:`L = \\tfrac12\\theta^\\top A\\theta + c`).

    Examples
    --------
    >>> sol = quadratic([[1.0]], 0.0, [1.0], [0.0])
    >>> sol.dimension, sol.inertia_at([0.0, 1.0])
    (1, array([0.5, 0.5]))
    """

    hessian: np.ndarray
    damping: np.ndarray
    mass: np.ndarray
    generator: np.ndarray
    theta0: np.ndarray
    v0: np.ndarray
    decay_rate: float
    offset: float = 0.0

    @property
    def dimension(self) -> int:
        return self.hessian.shape[0]

    def state_at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """``(theta, v)`` at time ``t`` via ``scipy.linalg.expm`` (same shape as ``theta0``)."""
        from scipy.linalg import expm

        d = self.dimension
        z0 = np.concatenate([np.atleast_2d(self.theta0), np.atleast_2d(self.v0)], axis=1).T
        z = expm(self.generator * float(t)) @ z0
        theta, v = z[:d].T, z[d:].T
        if np.ndim(self.theta0) == 1:
            return theta[0], v[0]
        return theta, v

    def inertia_at(self, times) -> np.ndarray:
        """:math:`I(t)`; shape ``times.shape`` (one initial state) or ``times.shape + (paths,)``.

        The state is carried from one requested time to the next by ``expm(B Δt)``, one
        matrix exponential per distinct gap (a simulation's saved times are evenly spaced, so
        this is one or two ``expm`` calls); rounding grows like the number of times × ε.

        Examples
        --------
        >>> sol = quadratic([[1.0]], 0.0, [1.0], [0.0])
        >>> sol.inertia_at([0.0, 5.0])
        array([0.5, 0.5])
        """
        from scipy.linalg import expm

        times = np.asarray(times, dtype=float)
        flat = times.ravel()
        if flat.size and (not np.all(np.isfinite(flat)) or flat.min() < 0):
            raise InvalidArgument("times", times, "must be finite and non-negative")
        order = np.argsort(flat, kind="stable")
        d = self.dimension
        z = np.concatenate([np.atleast_2d(self.theta0), np.atleast_2d(self.v0)], axis=1).T
        propagators: dict[float, np.ndarray] = {}
        current = 0.0
        result = np.empty((flat.size, z.shape[1]))
        for index in order:
            gap = float(flat[index]) - current
            if gap > 0:
                key = float(f"{gap:.12e}")
                if key not in propagators:
                    propagators[key] = expm(self.generator * gap)
                z = propagators[key] @ z
                current = float(flat[index])
            theta, v = z[:d], z[d:]
            result[index] = 0.5 * np.einsum("ip,ij,jp->p", v, self.mass, v) \
                + 0.5 * np.einsum("ip,ij,jp->p", theta, self.hessian, theta) + self.offset
        if np.ndim(self.theta0) == 1:
            return result[:, 0].reshape(times.shape)
        return result.reshape(times.shape + (result.shape[-1],))

    def expression(self, digits: int = 15) -> sympy.Expr | None:
        """:math:`I(t)` as a real SymPy expression from the eigen-decomposition of :math:`B`
        (coefficients to ``digits`` digits); ``None`` when :math:`B` is defective or its
        eigenvectors are too ill-conditioned for the expansion to be trusted.

        Examples
        --------
        >>> quadratic([[1.0]], 0.0, [1.0], [0.0]).expression()
        0.5
        """
        if np.ndim(self.theta0) != 1:
            raise InvalidArgument("theta0", self.theta0.shape,
                                  "an expression is given for one initial state only")
        eigenvalues, vectors = np.linalg.eig(self.generator)
        if np.linalg.cond(vectors) > 1e8:
            return self._exact_expression()
        z0 = np.concatenate([self.theta0, self.v0])
        coefficients = np.linalg.solve(vectors, z0.astype(complex))
        d = self.dimension
        weight = np.zeros((2 * d, 2 * d))
        weight[:d, :d], weight[d:, d:] = self.hessian, self.mass
        scale = max(abs(float(self.inertia_at([0.0])[0])), 1e-300)
        # I(t) = Σ_jk c_jk e^{(λ_j+λ_k)t}; terms with conjugate exponents are merged into
        # e^{at}(p cos bt + q sin bt), b ≥ 0, which is real because I is.
        merged: dict[tuple[float, float], list[float]] = {}  # key -> [p, q, a, b]
        for j in range(2 * d):
            for k in range(2 * d):
                c = 0.5 * coefficients[j] * coefficients[k] * (vectors[:, j] @ weight @ vectors[:, k])
                lam = eigenvalues[j] + eigenvalues[k]
                key = (round(float(lam.real), 9), round(abs(float(lam.imag)), 9))
                sign = 1.0 if lam.imag >= 0 else -1.0
                entry = merged.setdefault(key, [0.0, 0.0, float(lam.real), abs(float(lam.imag))])
                # Re(c e^{iσbt}) = Re c cos bt - σ Im c sin bt
                entry[0] += float(c.real)
                entry[1] -= sign * float(c.imag)
        t = _t
        expr = sympy.Float(self.offset, digits) if self.offset else sympy.Integer(0)
        for _, (p, q, a, b) in sorted(merged.items()):
            if abs(b) < 1e-12:
                b = 0.0
                q = 0.0
            if abs(p) < 1e-14 * scale and abs(q) < 1e-14 * scale:
                continue
            growth = sympy.exp(sympy.Float(a, digits) * t) if abs(a) > 1e-14 else 1
            wave = sympy.Float(p, digits) * (sympy.cos(sympy.Float(b, digits) * t) if b else 1)
            if b and abs(q) >= 1e-14 * scale:
                wave += sympy.Float(q, digits) * sympy.sin(sympy.Float(b, digits) * t)
            expr += growth * wave
        return expr

    def _exact_expression(self) -> sympy.Expr | None:
        """Exact :math:`e^{Bt}` by SymPy (Jordan form) for small defective generators."""
        if self.generator.shape[0] > 4:
            return None
        rational = sympy.Matrix(self.generator.tolist()).applyfunc(sympy.nsimplify)
        flow = (rational * _t).exp()
        z = flow * sympy.Matrix([sympy.nsimplify(x) for x in [*self.theta0, *self.v0]])
        weight = sympy.diag(sympy.Matrix(self.hessian.tolist()).applyfunc(sympy.nsimplify),
                            sympy.Matrix(self.mass.tolist()).applyfunc(sympy.nsimplify))
        energy = (z.T * weight * z)[0, 0] / 2 + sympy.nsimplify(self.offset)
        return sympy.simplify(energy)

    def to_dict(self) -> dict[str, Any]:
        expression = self.expression() if np.ndim(self.theta0) == 1 else None
        return {"hessian": self.hessian.tolist(), "damping": self.damping.tolist(),
                "mass": self.mass.tolist(), "decay_rate": self.decay_rate,
                "eigenvalues": [[float(z.real), float(z.imag)]
                                for z in np.linalg.eigvals(self.generator)],
                "expression": None if expression is None else str(expression)}

    def __str__(self) -> str:
        expression = self.expression() if np.ndim(self.theta0) == 1 else None
        return "\n".join([
            f"quadratic loss 1/2 theta^T A theta, A = {self.hessian.tolist()}, "
            f"Gamma = {self.damping.tolist()}, M = {self.mass.tolist()}",
            f"I(t) = {expression if expression is not None else '(B is defective: use inertia_at)'}",
            f"asymptotic decay rate of I: {self.decay_rate:.12g}",
        ])

    def _repr_latex_(self) -> str:
        expression = self.expression() if np.ndim(self.theta0) == 1 else None
        shown = sympy.latex(expression) if expression is not None else r"\text{(via } e^{Bt})"
        return rf"$I(t) = {shown},\quad \text{{decay rate}} = {self.decay_rate:.6g}$"


def quadratic(hessian, damping=0.0, theta0=None, v0=None, *, mass=None,
              offset: float = 0.0) -> QuadraticSolution:
    """The exact inertia for :math:`L = \\tfrac12\\theta^\\top A\\theta` with constant damping.

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        :math:`A`, symmetric.
    damping : float or array_like, shape (d, d)
        :math:`\\Gamma` (a scalar is :math:`\\gamma I`).
    theta0, v0 : array_like, shape (d,) or (paths, d)
        The initial state (zero by default).
    mass : array_like, optional
        :math:`M`, symmetric positive definite (identity by default).
    offset : float
        A constant :math:`c` added to the loss (it shifts :math:`I`, not the motion).

    Returns
    -------
    QuadraticSolution
        The state and the inertia at any time, by the matrix exponential.

    Examples
    --------
    >>> sol = quadratic([[1.0, 0.0], [0.0, 4.0]], 0.2, [1.0, 1.0], [0.0, 0.0])
    >>> round(sol.decay_rate, 12)
    0.2
    >>> sol = quadratic([[1.0]], 4.0, [1.0], [0.0])
    >>> round(sol.decay_rate, 12) == round(4 - 2 * 3**0.5, 12)
    True
    """
    a = _matrix(hessian, "hessian")
    d = a.shape[0]
    if not np.allclose(a, a.T, rtol=0, atol=1e-12 * max(1.0, np.abs(a).max())):
        raise InvalidArgument("hessian", a.tolist(), "is not symmetric",
                              "the Hessian of a quadratic loss equals its transpose")
    gamma = _matrix(damping, "damping", d)
    m = np.eye(d) if mass is None else _matrix(mass, "mass", d)
    if not np.allclose(m, m.T) or np.min(np.linalg.eigvalsh(m)) <= 0:
        raise InvalidArgument("mass", m.tolist(), "must be symmetric positive definite")
    theta0 = np.zeros(d) if theta0 is None else np.asarray(theta0, dtype=float)
    v0 = np.zeros(d) if v0 is None else np.asarray(v0, dtype=float)
    for name, value in (("theta0", theta0), ("v0", v0)):
        if value.shape[-1:] != (d,) or value.ndim > 2:
            raise InvalidArgument(name, value.tolist(), f"must have {d} entries per state")
        if not np.all(np.isfinite(value)):
            raise InvalidArgument(name, value.tolist(), "contains NaN or Inf")
    generator = np.block([[np.zeros((d, d)), np.eye(d)], [-np.linalg.solve(m, a), -gamma]])
    rate = -2.0 * float(np.max(np.linalg.eigvals(generator).real))
    return QuadraticSolution(a, gamma, m, generator, theta0, v0, rate, float(offset))


def quadratic_from_dynamics(dynamics, theta0, v0, values=None) -> QuadraticSolution:
    """The closed form for a :class:`~inertia_verify.Dynamics` whose loss is
    :math:`\\tfrac12\\theta^\\top A\\theta + c` and whose damping is constant.

    Parameters
    ----------
    dynamics : Dynamics
        Quadratic loss without linear terms, constant damping, constant mass.
    theta0, v0 : array_like, shape (d,) or (paths, d)
        The initial state.
    values : mapping, optional
        Numbers for the system's parameters (every parameter needs one).

    Returns
    -------
    QuadraticSolution

    Raises
    ------
    InvalidArgument
        When the loss is not of that form (degree above 2, linear terms) or the damping depends
        on time.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2 + 2*y**2", "x,y", damping="0.1")
    >>> round(quadratic_from_dynamics(dyn, [1, 1], [0, 0]).decay_rate, 12)
    0.1
    """
    if values:
        dynamics = dynamics.substitute(values)
    if dynamics.parameters:
        raise InvalidArgument("values", values, "gives no value to "
                              + ", ".join(p.name for p in dynamics.parameters))
    if dynamics.is_abstract:
        raise InvalidArgument("dynamics", str(dynamics.loss), "an abstract loss has no closed form")
    if dynamics.damping.has(dynamics.time):
        raise InvalidArgument("damping", str(dynamics.damping[0, 0]),
                              "depends on time; the closed form needs constant damping")
    try:
        hessian, linear, offset = dynamics.quadratic_parts()
    except InvalidArgument as exc:
        raise InvalidArgument(exc.argument, exc.value, exc.problem,
                              "the closed form covers L = 1/2 theta^T A theta + c") from exc
    if any(sympy.simplify(b) != 0 for b in linear):
        raise InvalidArgument("loss", str(dynamics.loss), "has linear terms",
                              "shift the coordinates so that the gradient vanishes at 0")
    return quadratic([[float(a) for a in row] for row in hessian.tolist()],
                     np.array(dynamics.damping.evalf().tolist(), dtype=float),
                     theta0, v0, mass=np.array(dynamics.mass.evalf().tolist(), dtype=float),
                     offset=float(offset))
