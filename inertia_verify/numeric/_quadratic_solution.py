"""The exact motion of a linear system: the quadratic loss with constant damping.

For :math:`L = \\tfrac12\\theta^\\top A\\theta + c` with constant matrix damping :math:`\\Gamma` and
mass :math:`M`, :math:`z = (\\theta, v)` solves :math:`\\dot z = Bz`,
:math:`B = \\begin{pmatrix}0 & I\\\\ -M^{-1}A & -\\Gamma\\end{pmatrix}`, so
:math:`z(t) = e^{Bt}z_0` (:func:`linear_flow`) and
:math:`I(t) = \\tfrac12 z^\\top \\mathrm{diag}(A, M) z + c` (:func:`quadratic_solution`); the decay
rate of :math:`I` for generic initial conditions is :math:`-2\\max\\operatorname{Re}\\lambda(B)`.
This is numeric work (``scipy.linalg.expm``, ``numpy.linalg.eig``); the symbolic closed forms
(the damped oscillator by ``dsolve``) are in :mod:`inertia_verify.symbolic`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from .._errors import InvalidArgument

__all__ = ["QuadraticSolution", "quadratic_solution", "linear_flow"]

_t = sympy.Symbol("t", real=True)


def _carried(generator: np.ndarray, z: np.ndarray,
             flat: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """``(index, e^{B t} z)`` for each time of ``flat``, in increasing time: the state is carried
    from one time to the next by ``expm(B Δt)``, one matrix exponential per distinct gap (evenly
    spaced times need one or two), so rounding grows like the number of times × ε."""
    from scipy.linalg import expm

    if flat.size and (not np.all(np.isfinite(flat)) or flat.min() < 0):
        raise InvalidArgument("times", flat.tolist(), "must be finite and non-negative")
    propagators: dict[float, np.ndarray] = {}
    current = 0.0
    for index in np.argsort(flat, kind="stable"):
        gap = float(flat[index]) - current
        if gap > 0:
            key = float(f"{gap:.12e}")
            if key not in propagators:
                propagators[key] = expm(generator * gap)
            z = propagators[key] @ z
            current = float(flat[index])
        yield int(index), z


def linear_flow(generator, state0, times) -> np.ndarray:
    """:math:`z(t) = e^{Bt} z_0` at each of ``times`` (see the module notes).

    Parameters
    ----------
    generator : array_like, shape (n, n)
        :math:`B` of :math:`\\dot z = Bz`.
    state0 : array_like, shape (n,) or (paths, n)
        :math:`z_0` (one state, or one per path).
    times : array_like
        Non-negative times, in any order.

    Returns
    -------
    ndarray, shape ``times.shape + state0.shape``

    Examples
    --------
    >>> import numpy as np
    >>> z = linear_flow([[0.0, 1.0], [-1.0, 0.0]], [1.0, 0.0], [0.0, np.pi / 2, np.pi])
    >>> np.round(z, 12) + 0.0
    array([[ 1.,  0.],
           [ 0., -1.],
           [-1.,  0.]])
    """
    generator = np.asarray(generator, dtype=float)
    z0 = np.asarray(state0, dtype=float)
    if generator.ndim != 2 or generator.shape[0] != generator.shape[1]:
        raise InvalidArgument("generator", generator.tolist(), "must be a square matrix")
    if z0.ndim not in (1, 2) or z0.shape[-1] != generator.shape[0]:
        raise InvalidArgument("state0", z0.tolist(), f"must have shape ({generator.shape[0]},) "
                              f"or (paths, {generator.shape[0]})")
    times = np.asarray(times, dtype=float)
    flat = times.ravel()
    result = np.empty((flat.size, *z0.shape))
    for index, z in _carried(generator, z0.T, flat):
        result[index] = z.T
    return result.reshape(times.shape + z0.shape)


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
    """The exact inertia for :math:`L = \\tfrac12\\theta^\\top A\\theta`
    (see :func:`quadratic_solution`).

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
    >>> sol = quadratic_solution([[1.0]], 0.0, [1.0], [0.0])
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

    @classmethod
    def from_dynamics(cls, dynamics, theta0, v0, values=None) -> QuadraticSolution:
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
            When the loss is not of that form (degree above 2, linear terms) or the damping
            depends on time.

        Examples
        --------
        >>> from inertia_verify import Dynamics
        >>> dyn = Dynamics.from_text("x**2/2 + 2*y**2", "x,y", damping="0.1")
        >>> round(QuadraticSolution.from_dynamics(dyn, [1, 1], [0, 0]).decay_rate, 12)
        0.1
        """
        return _from_dynamics(dynamics, theta0, v0, values)

    @property
    def dimension(self) -> int:
        return self.hessian.shape[0]

    def state_at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """``(theta, v)`` at time ``t`` (:func:`linear_flow`; same shape as ``theta0``)."""
        d = self.dimension
        z0 = np.concatenate([np.atleast_2d(self.theta0), np.atleast_2d(self.v0)], axis=1).T
        ((_, z),) = _carried(self.generator, z0, np.array([float(t)]))
        theta, v = z[:d].T, z[d:].T
        if np.ndim(self.theta0) == 1:
            return theta[0], v[0]
        return theta, v

    def inertia_at(self, times) -> np.ndarray:
        """:math:`I(t)`; shape ``times.shape`` (one initial state) or ``times.shape + (paths,)``.

        The state is carried from one requested time to the next as in :func:`linear_flow`.

        Examples
        --------
        >>> sol = quadratic_solution([[1.0]], 0.0, [1.0], [0.0])
        >>> sol.inertia_at([0.0, 5.0])
        array([0.5, 0.5])
        """
        times = np.asarray(times, dtype=float)
        flat = times.ravel()
        d = self.dimension
        z = np.concatenate([np.atleast_2d(self.theta0), np.atleast_2d(self.v0)], axis=1).T
        result = np.empty((flat.size, z.shape[1]))
        for index, z in _carried(self.generator, z, flat):
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
        >>> quadratic_solution([[1.0]], 0.0, [1.0], [0.0]).expression()
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


def quadratic_solution(hessian, damping=0.0, theta0=None, v0=None, *, mass=None,
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
        The constant :math:`c` of :math:`L = \\tfrac12\\theta^\\top A\\theta + c` (it shifts
        :math:`I`, not the motion).

    Returns
    -------
    QuadraticSolution
        For a :class:`~inertia_verify.Dynamics`, :meth:`QuadraticSolution.from_dynamics` reads
        :math:`A`, :math:`c`, :math:`\\Gamma` and :math:`M` off the system.

    Examples
    --------
    >>> sol = quadratic_solution([[1.0, 0.0], [0.0, 4.0]], 0.2, [1.0, 1.0], [0.0, 0.0])
    >>> round(sol.decay_rate, 12)
    0.2
    >>> sol = quadratic_solution([[1.0]], 4.0, [1.0], [0.0])
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


def _from_dynamics(dynamics, theta0, v0, values=None) -> QuadraticSolution:
    """:meth:`QuadraticSolution.from_dynamics`."""
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
    return quadratic_solution([[float(a) for a in row] for row in hessian.tolist()],
                              np.array(dynamics.damping.evalf().tolist(), dtype=float),
                              theta0, v0,
                              mass=np.array(dynamics.mass.evalf().tolist(), dtype=float),
                              offset=float(offset))
