"""A noisy system compiled for ensembles: the drift from :func:`compile_dynamics`, the noise here.

:class:`CompiledSDE` adds to :class:`~inertia_verify.numeric.CompiledDynamics` what an SDE scheme
needs: the noise :math:`\\Sigma(t, \\theta, v)` applied to standard normal draws, the Stratonovich
drift correction when the system was written in that calculus (the schemes integrate the Itô
form), and, for constant damping and noise, the exact Ornstein–Uhlenbeck propagator of
:math:`dv = -\\Gamma v\\,dt + \\Sigma\\,dW` used by splitting schemes.  Everything works on the
``(d, paths)`` row layout of the compiled drift, element by element, so that a path's numbers do
not depend on how many other paths share the array.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.linalg

from .._dynamics import Calculus, DampingKind, Dynamics, NoiseKind
from .._errors import InvalidArgument
from ._compile import CompiledDynamics, _lambdify, compile_dynamics

__all__ = ["CompiledSDE", "compile_sde"]


def compile_sde(dynamics: Dynamics, values: Mapping | None = None) -> CompiledSDE:
    """Compile a noisy system (drift and noise) for ensemble simulation.

    Parameters
    ----------
    dynamics : Dynamics
        The system, with or without noise.
    values : mapping, optional
        Numbers for its parameters (every parameter needs one).

    Returns
    -------
    CompiledSDE

    Examples
    --------
    >>> import numpy as np
    >>> from inertia_verify import Dynamics
    >>> sde = compile_sde(Dynamics.from_text("x**2/2", "x", damping="g", noise="s"),
    ...                   {"g": 0.5, "s": 0.2})
    >>> sde.noise_kind, sde.noise_dimension
    (NoiseKind.ISOTROPIC, 1)
    >>> sde.noise_rows(0.0, np.zeros((1, 2)), np.zeros((1, 2)), np.ones((1, 2)))
    array([[0.2, 0.2]])
    """
    return CompiledSDE(compile_dynamics(dynamics, values))


class CompiledSDE:
    """Drift and noise of a concrete system on ``(d, paths)`` rows (see :func:`compile_sde`).

    Attributes
    ----------
    drift : CompiledDynamics
        The deterministic part (acceleration, force, inertia, rate).
    dynamics : Dynamics
        The system with its parameters replaced by numbers.
    noise_kind : NoiseKind
        As :attr:`Dynamics.noise_kind`.
    noise_dimension : int
        :math:`m`, the number of Wiener processes (0 without noise).
    noise_matrix : ndarray of shape (d, m) or None
        :math:`\\Sigma` when it is constant.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> sde = compile_sde(Dynamics.from_text("x**2/2 + y**2/2", "x,y", noise="[[1, 0], [0, 2]]"))
    >>> sde.noise_kind, sde.noise_dimension, sde.noise_matrix.tolist()
    (NoiseKind.ADDITIVE, 2, [[1.0, 0.0], [0.0, 2.0]])
    """

    def __init__(self, drift: CompiledDynamics) -> None:
        self.drift = drift
        self.dynamics = dyn = drift.dynamics
        self.dimension = dyn.dimension
        self.noise_kind = dyn.noise_kind
        self.noise_dimension = dyn.noise_dimension
        self.calculus = dyn.calculus
        args = (dyn.time, *dyn.coordinates, *dyn.velocities)
        self.noise_matrix = None
        self._noise = None
        if dyn.is_noisy:
            if dyn.multiplicative_noise:
                self._noise = _lambdify(args, dyn.noise.tolist())
            else:
                self.noise_matrix = np.array(dyn.noise.tolist(), dtype=float)
        correction = dyn.stratonovich_correction if dyn.calculus is Calculus.STRATONOVICH else None
        self._correction = None
        if correction is not None and any(c != 0 for c in correction):
            self._correction = _lambdify(args, list(correction))
        self.isotropic_sigma = (float(self.noise_matrix[0, 0])
                                if self.noise_kind is NoiseKind.ISOTROPIC else None)

    # -- drift -------------------------------------------------------------------------------------
    def ito_acceleration_rows(self, t: float, theta: np.ndarray, v: np.ndarray,
                              out: np.ndarray | None = None) -> np.ndarray:
        """The Itô drift of :math:`v`: the acceleration plus the Stratonovich correction."""
        out = self.drift.acceleration_rows(t, theta, v, out)
        if self._correction is not None:
            for i, row in enumerate(self._correction(t, *theta, *v)):
                out[i] += row
        return out

    # -- noise -------------------------------------------------------------------------------------
    def noise_rows(self, t: float, theta: np.ndarray, v: np.ndarray, xi: np.ndarray,
                   out: np.ndarray | None = None) -> np.ndarray:
        """:math:`\\Sigma(t, \\theta, v)\\,\\xi` for draws ``xi`` of shape ``(m, paths)``."""
        d, paths = theta.shape
        if out is None:
            out = np.empty((d, paths))
        if self.noise_kind is NoiseKind.NONE:
            out[...] = 0.0
            return out
        if self.isotropic_sigma is not None:
            np.multiply(xi, self.isotropic_sigma, out=out)
            return out
        sigma = self.noise_matrix if self._noise is None else self._noise(t, *theta, *v)
        for i in range(d):
            out[i] = 0.0
            for j in range(self.noise_dimension):
                entry = sigma[i][j]
                if np.ndim(entry) == 0 and entry == 0:
                    continue
                out[i] += entry * xi[j]
        return out

    # -- the exact Ornstein–Uhlenbeck step (splitting schemes) ------------------------------------
    def ou_propagator(self, h: float) -> tuple[object, object]:
        r"""``(E, R)`` with :math:`v(h) = E v(0) + R\xi`, :math:`\xi \sim N(0, I_d)`, the exact
        solution of :math:`dv = -\Gamma v\,dt + \Sigma\,dW` over a step ``h``.

        :math:`E = e^{-\Gamma h}` and :math:`RR^\top = C(h) = \int_0^h e^{-\Gamma s}\Sigma
        \Sigma^\top e^{-\Gamma^\top s}ds`.  For scalar :math:`\gamma` and :math:`\Sigma = \sigma I`
        these are scalars, :math:`E = e^{-\gamma h}` and :math:`R = \sigma
        \sqrt{(1 - e^{-2\gamma h})/(2\gamma)}` (:math:`= \sigma\sqrt h` when :math:`\gamma = 0`);
        otherwise matrices from Van Loan's block exponential.  Requires constant damping and
        additive noise.
        """
        if self.drift.damping_constant is None:
            raise InvalidArgument("dynamics", repr(self.dynamics), "the damping depends on t",
                                  "the exact O step needs constant damping; use euler-maruyama")
        if self.noise_kind is NoiseKind.MULTIPLICATIVE:
            raise InvalidArgument("dynamics", repr(self.dynamics),
                                  "the noise depends on the state or t",
                                  "the exact O step needs additive noise; use euler-maruyama")
        d = self.dimension
        gamma = self.drift.damping_constant
        sigma = self.noise_matrix if self.noise_matrix is not None else np.zeros((d, 1))
        scalar_gamma = self.drift.damping_kind in (DampingKind.ZERO, DampingKind.SCALAR)
        if scalar_gamma and self.isotropic_sigma is not None:
            g = float(gamma[0, 0])
            s = self.isotropic_sigma
            # (1 - e^{-2γh})/(2γ) via expm1 keeps full precision for small γh and tends to h.
            var = h if g == 0 else -np.expm1(-2.0 * g * h) / (2.0 * g)
            return float(np.exp(-g * h)), s * float(np.sqrt(var))
        E = scipy.linalg.expm(-gamma * h)
        block = np.zeros((2 * d, 2 * d))
        # Van Loan for dv = A v dt + Σ dW with A = -Γ: expm([[-A, ΣΣᵀ], [0, Aᵀ]] h) =
        # [[·, B12], [0, B22]] and C = B22ᵀ B12.
        block[:d, :d] = gamma
        block[:d, d:] = sigma @ sigma.T
        block[d:, d:] = -gamma.T
        vanloan = scipy.linalg.expm(block * h)
        C = vanloan[d:, d:].T @ vanloan[:d, d:]
        C = (C + C.T) / 2
        w, U = np.linalg.eigh(C)
        R = U * np.sqrt(np.clip(w, 0.0, None))
        return E, R

    def __repr__(self) -> str:
        return f"CompiledSDE({self.dynamics!r})"
