"""Exact first and second moments of noisy dynamics on a quadratic loss.

For :math:`L = \\tfrac12\\theta^\\top A\\theta + b^\\top\\theta + c`, constant damping
:math:`\\Gamma`, constant mass :math:`M` and constant noise :math:`\\Sigma`, the state
:math:`z = (\\theta, v)` is a linear SDE

.. math:: dz = (Fz + f)\\,dt + G\\,dW,\\qquad
          F = \\begin{pmatrix}0 & I\\\\ -M^{-1}A & -\\Gamma\\end{pmatrix},\\quad
          f = \\begin{pmatrix}0\\\\ -M^{-1}b\\end{pmatrix},\\quad
          G = \\begin{pmatrix}0\\\\ \\Sigma\\end{pmatrix},

so its mean and second moment :math:`S = E[zz^\\top]` obey the closed linear ODE

.. math:: m' = Fm + f,\\qquad S' = FS + SF^\\top + fm^\\top + mf^\\top + GG^\\top,

and :math:`E[I] = \\tfrac12\\operatorname{tr}(QS) + (b, 0)^\\top m + c` with
:math:`Q = \\operatorname{blockdiag}(A, M)`.  Column-stacking :math:`S` makes this one linear
system :math:`y' = Ky` for :math:`y = (m, \\operatorname{vec}S, 1)`, solved exactly by the matrix
exponential (numerically with :func:`scipy.linalg.expm`, to round-off).  When :math:`F` is stable
the process has a Gaussian stationary law: :math:`m_\\infty = -F^{-1}f` and the covariance solves
the Lyapunov equation :math:`FP + PF^\\top + GG^\\top = 0`.  Both are also given symbolically
(closed forms in :math:`t` for small systems).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.linalg
import sympy

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._expressions import as_sympy
from .._validation import as_dynamics

__all__ = ["QuadraticMoments", "quadratic_moments"]

#: Above this phase-space size (2d) the symbolic matrix exponential is not attempted.
_SYMBOLIC_LIMIT = 4


def _quadratic_parts(dynamics: Dynamics) -> tuple[sympy.Matrix, sympy.Matrix, sympy.Expr]:
    try:
        return dynamics.quadratic_parts()
    except InvalidArgument as exc:
        raise InvalidArgument("dynamics", exc.value, exc.problem,
                              "the moment equations close only for quadratic losses; use "
                              "gibbs_stationary (stationary value) or Monte Carlo otherwise") \
            from exc


def _check_linear_system(dynamics: Dynamics) -> None:
    if not dynamics.constant_damping:
        raise InvalidArgument("dynamics", repr(dynamics), "the damping depends on t",
                              "the closed-form moments need a constant damping")
    if dynamics.multiplicative_noise:
        raise InvalidArgument("dynamics", repr(dynamics), "the noise depends on the state or t",
                              "the closed-form moments need a constant (additive) noise")


def _vector(value: object, d: int, argument: str) -> sympy.Matrix:
    if isinstance(value, str):
        raise InvalidArgument(argument, value, "is text", "give a list of numbers or expressions")
    try:
        vec = sympy.Matrix(np.atleast_1d(np.asarray(value, dtype=object)).tolist()) \
            if value is not None else sympy.zeros(d, 1)
    except (TypeError, ValueError, sympy.SympifyError) as exc:
        raise InvalidArgument(argument, value, "is not a vector", f"give {d} numbers") from exc
    if vec.shape != (d, 1):
        raise InvalidArgument(argument, value, f"has {len(vec)} entries, expected {d}",
                              f"give one number per coordinate ({d})")
    return vec.applyfunc(sympy.sympify)


class QuadraticMoments:
    """Moments of a linear (quadratic-loss, additive-noise) system from a given start.

    Build with :func:`quadratic_moments`.  Symbolic matrices (``F``, ``f``, ``G``, ``Q``,
    ``q``, ``c``) keep the system's parameters; numeric methods need ``values`` for them.

    Parameters
    ----------
    dynamics : Dynamics
        The system.
    F, f, G : sympy.Matrix
        The linear SDE :math:`dz = (Fz + f)\\,dt + G\\,dW` of :math:`z = (\\theta, v)`.
    Q, q : sympy.Matrix
        The quadratic and linear parts of the inertia, with:
    c : sympy.Expr
        The inertia :math:`I = \\tfrac12 z^\\top Qz + q^\\top z + c`.
    mean0 : sympy.Matrix
        :math:`E[z(0)]`.
    covariance0 : sympy.Matrix
        :math:`\\operatorname{Cov}[z(0)]` (zero for a deterministic start).

    Examples
    --------
    >>> from inertia_verify import Dynamics, quadratic_moments
    >>> moments = quadratic_moments(Dynamics.from_text("x**2/2", "x", damping="gamma",
    ...                                                noise="sigma"), [1], [0])
    >>> moments.F, moments.G.T, moments.size
    (Matrix([
    [ 0,      1],
    [-1, -gamma]]), Matrix([[0, sigma]]), 2)
    """

    def __init__(self, dynamics: Dynamics, F, f, G, Q, q, c, mean0, covariance0) -> None:
        self.dynamics = dynamics
        self.F, self.f, self.G, self.Q, self.q, self.c = F, f, G, Q, q, c
        self.mean0, self.covariance0 = mean0, covariance0
        self.size = F.rows

    # -- numeric, exact to round-off ---------------------------------------------------------------
    def _numeric(self, values: Mapping | None):
        mapping = {}
        by_name = {p.name: p for p in self.dynamics.parameters}
        for key, val in (values or {}).items():
            sym = by_name.get(key) if isinstance(key, str) else key
            if sym not in self.dynamics.parameters:
                raise InvalidArgument("values", key, "is not a parameter of this system",
                                      f"parameters are {sorted(by_name)}")
            mapping[sym] = as_sympy(val, argument=f"values[{key!r}]")
        out = []
        for name in ("F", "f", "G", "Q", "q", "mean0", "covariance0"):
            matrix = getattr(self, name).xreplace(mapping)
            if matrix.free_symbols:
                missing = sorted(s.name for s in matrix.free_symbols)
                raise InvalidArgument("values", dict(values or {}), f"gives no value to {missing}",
                                      "pass values={'name': number, ...} for every parameter")
            out.append(np.array(matrix.tolist(), dtype=float))
        c = self.c.xreplace(mapping)
        if c.free_symbols:
            raise InvalidArgument("values", dict(values or {}), "leaves the loss constant symbolic",
                                  "give every parameter a value")
        return (*out, float(c))

    def _generator_matrix(self, F, f, G):
        """K with y' = K y for y = (m, vec S, 1), vec column-major."""
        n = F.shape[0]
        eye = np.eye(n)
        size = n + n * n + 1
        K = np.zeros((size, size))
        K[:n, :n] = F
        K[:n, -1] = f[:, 0]
        S = slice(n, n + n * n)
        K[S, S] = np.kron(eye, F) + np.kron(F, eye)
        # vec(f mᵀ) = (I ⊗ f) m and vec(m fᵀ) = (f ⊗ I) m, column-major.
        K[S, :n] = np.kron(eye, f) + np.kron(f, eye)
        K[S, -1] = (G @ G.T).reshape(-1, order="F")
        return K

    def _moments(self, times, values):
        F, f, G, Q, q, m0, P0, c = self._numeric(values)
        n = F.shape[0]
        K = self._generator_matrix(F, f, G)
        y0 = np.concatenate([m0[:, 0], (P0 + m0 @ m0.T).reshape(-1, order="F"), [1.0]])
        times = np.atleast_1d(np.asarray(times, dtype=float))
        if np.any(times < 0) or not np.all(np.isfinite(times)):
            raise InvalidArgument("times", times.tolist(), "must be finite and non-negative")
        ms, Ss = [], []
        for t in times:
            y = scipy.linalg.expm(K * t) @ y0
            ms.append(y[:n])
            S = y[n:n + n * n].reshape(n, n, order="F")
            Ss.append((S + S.T) / 2)
        return np.array(ms), np.array(Ss), Q, q, c

    def mean(self, times, values: Mapping | None = None) -> np.ndarray:
        """:math:`E[z(t)]`, shape ``(len(times), 2d)``."""
        return self._moments(times, values)[0]

    def covariance(self, times, values: Mapping | None = None) -> np.ndarray:
        """:math:`\\operatorname{Cov}[z(t)]`, shape ``(len(times), 2d, 2d)``."""
        m, S, *_ = self._moments(times, values)
        return S - np.einsum("ti,tj->tij", m, m)

    def expected_inertia(self, times, values: Mapping | None = None) -> np.ndarray:
        """:math:`E[I](t)` at each time, exact up to the round-off of ``expm``."""
        m, S, Q, q, c = self._moments(times, values)
        return 0.5 * np.einsum("ij,tji->t", Q, S) + m @ q[:, 0] + c

    def expected_velocity_square(self, times, values: Mapping | None = None) -> np.ndarray:
        """:math:`E\\|v(t)\\|^2`."""
        m, S, *_ = self._moments(times, values)
        d = self.size // 2
        return np.einsum("tii->t", S[:, d:, d:])

    def stationary_inertia(self, values: Mapping | None = None) -> float:
        """:math:`\\lim_{t\\to\\infty}E[I](t)` from the Lyapunov equation (needs a stable F)."""
        F, f, G, Q, q, _, _, c = self._numeric(values)
        eig = np.linalg.eigvals(F)
        if np.max(eig.real) >= -1e-12 * max(1.0, np.max(np.abs(eig))):
            raise InvalidArgument(
                "dynamics", repr(self.dynamics),
                f"has no stationary law: F has an eigenvalue with real part {np.max(eig.real):.3g}",
                "the limit exists when the damping is positive definite and the loss is strictly "
                "convex (A positive definite)")
        P = scipy.linalg.solve_continuous_lyapunov(F, -G @ G.T)
        m = -np.linalg.solve(F, f)
        return float(0.5 * np.trace(Q @ (P + m @ m.T)) + (q.T @ m)[0, 0] + c)

    # -- symbolic ----------------------------------------------------------------------------------
    def stationary_inertia_expr(self) -> sympy.Expr:
        """:math:`\\lim_{t\\to\\infty}E[I]` in closed form, from the Lyapunov equation solved
        exactly (valid when F is stable).

        Examples
        --------
        >>> from inertia_verify import Dynamics
        >>> dyn = Dynamics.from_text("w*x**2/2", "x", damping="gamma", noise="sigma")
        >>> quadratic_moments(dyn, [1], [0]).stationary_inertia_expr()
        sigma**2/(2*gamma)
        """
        n = self.size
        P = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"_P{min(i, j)}_{max(i, j)}"))
        unknowns = sorted(P.free_symbols, key=lambda s: s.name)
        equations = list(self.F * P + P * self.F.T + self.G * self.G.T)
        solution = sympy.solve(equations, unknowns, dict=True)
        if len(solution) != 1:
            raise InvalidArgument("dynamics", repr(self.dynamics),
                                  "the Lyapunov equation has no unique solution",
                                  "the limit needs a stable F (positive damping, convex loss)")
        P = P.xreplace(solution[0])
        m = -self.F.LUsolve(self.f)
        value = (self.Q * (P + m * m.T)).trace() / 2 + (self.q.T * m)[0, 0] + self.c
        return sympy.factor(sympy.simplify(value))

    def expected_inertia_expr(self, t: sympy.Symbol | None = None) -> sympy.Expr:
        """:math:`E[I](t)` in closed form (phase space of size at most 4, stable F).

        Uses :math:`m(t) = e^{Ft}(m_0 - m_\\infty) + m_\\infty` and
        :math:`P(t) = e^{Ft}(P_0 - P_\\infty)e^{F^\\top t} + P_\\infty`.
        """
        t = self.dynamics.time if t is None else t
        if self.size > _SYMBOLIC_LIMIT:
            raise InvalidArgument("dynamics", repr(self.dynamics),
                                  f"has a {self.size}-dimensional phase space",
                                  f"closed forms are built up to {_SYMBOLIC_LIMIT}; use the numeric "
                                  "expected_inertia(times, values), exact to round-off")
        n = self.size
        Pinf = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"_P{min(i, j)}_{max(i, j)}"))
        unknowns = sorted(Pinf.free_symbols, key=lambda s: s.name)
        solution = sympy.solve(list(self.F * Pinf + Pinf * self.F.T + self.G * self.G.T),
                               unknowns, dict=True)
        if len(solution) != 1:
            raise InvalidArgument("dynamics", repr(self.dynamics),
                                  "the Lyapunov equation has no unique solution",
                                  "the closed form needs a stable F (positive damping, convex loss)")
        Pinf = Pinf.xreplace(solution[0])
        minf = -self.F.LUsolve(self.f)
        flow = (self.F * t).exp()
        numeric = not (self.F.free_symbols | self.G.free_symbols | self.f.free_symbols)
        if numeric:
            # Numbers only: fold expm's complex exponentials back into e^{-at}cos(bt), sin(bt).
            flow = flow.applyfunc(lambda e: sympy.simplify(sympy.expand_complex(e)))
        m = flow * (self.mean0 - minf) + minf
        P = flow * (self.covariance0 - Pinf) * flow.T + Pinf
        value = (self.Q * (P + m * m.T)).trace() / 2 + (self.q.T * m)[0, 0] + self.c
        if numeric:
            value = sympy.factor_terms(sympy.expand(value))
        return value


def quadratic_moments(dynamics: Dynamics, theta0: Sequence, v0: Sequence, *,
                      covariance0: object = None) -> QuadraticMoments:
    """The exact moment equations of a quadratic-loss system with constant damping and noise.

    Parameters
    ----------
    dynamics : Dynamics
        Quadratic loss, constant damping (scalar or matrix), constant mass, additive noise (or
        none).  The noise is taken in the Itô reading; for additive noise both readings agree.
    theta0, v0 : sequence
        The mean start :math:`E[\\theta(0)]`, :math:`E[v(0)]`.
    covariance0 : (2d, 2d) array, optional
        The start's covariance (zero: every path starts at the same point).

    Returns
    -------
    QuadraticMoments
        The moment equations, solved exactly on demand (``expected_inertia``, ...).

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="0.5")
    >>> moments = quadratic_moments(dyn, [0], [0])
    >>> moments.expected_inertia([0.0, 100.0]).round(6)
    array([0.   , 0.125])
    >>> moments.stationary_inertia()  # σ²/(2γ) = dT with T = σ²/(2γ)
    0.125
    """
    dynamics = as_dynamics(dynamics)
    if dynamics.is_abstract:
        raise InvalidArgument("dynamics", str(dynamics.loss), "has an abstract loss",
                              "give a concrete quadratic loss")
    _check_linear_system(dynamics)
    d = dynamics.dimension
    A, b, c = _quadratic_parts(dynamics)
    Minv = dynamics.mass_inverse
    F = sympy.zeros(2 * d, 2 * d)
    F[:d, d:] = sympy.eye(d)
    F[d:, :d] = -Minv * A
    F[d:, d:] = -dynamics.damping
    f = sympy.zeros(2 * d, 1)
    f[d:, 0] = -Minv * b
    sigma = dynamics.noise if dynamics.noise is not None else sympy.zeros(d, 1)
    G = sympy.zeros(2 * d, sigma.cols)
    G[d:, :] = sigma
    Q = sympy.diag(A, dynamics.mass)
    q = sympy.zeros(2 * d, 1)
    q[:d, 0] = b
    mean0 = _vector(theta0, d, "theta0").col_join(_vector(v0, d, "v0"))
    if covariance0 is None:
        P0 = sympy.zeros(2 * d, 2 * d)
    else:
        try:
            P0 = sympy.Matrix(np.asarray(covariance0, dtype=object).tolist())
        except (TypeError, ValueError) as exc:
            raise InvalidArgument("covariance0", covariance0, "is not a matrix",
                                  f"give a {2 * d}x{2 * d} array") from exc
        if P0.shape != (2 * d, 2 * d):
            raise InvalidArgument("covariance0", covariance0, f"has shape {P0.shape}",
                                  f"give a {2 * d}x{2 * d} array for (theta, v)")
    return QuadraticMoments(dynamics, F, f, G, Q, q, c, mean0, P0)
