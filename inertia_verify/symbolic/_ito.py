"""Itô calculus for noisy dynamics: the differential of any function of the state.

For :math:`d\\theta = v\\,dt`, :math:`dv = b\\,dt + \\Sigma\\,dW` (Itô drift :math:`b`,
:attr:`Dynamics.ito_acceleration`) and a scalar :math:`h(t, \\theta, v)`, Itô's formula is

.. math:: dh = \\underbrace{\\Big(\\partial_t h + \\nabla_\\theta h\\cdot v + \\nabla_v h\\cdot b
          + \\tfrac12\\operatorname{tr}\\big(\\Sigma\\Sigma^\\top\\nabla_v^2 h\\big)\\Big)}_{
          \\mathcal{A}h\\ \\text{(the generator)}}\\,dt
          + \\sum_j \\big(\\nabla_v h^\\top\\Sigma\\big)_j\\,dW_j .

The second-order term is what the ordinary chain rule misses.  In the Stratonovich reading the
chain rule *is* the ordinary one, :math:`dh = (\\partial_t h + \\nabla h\\cdot b_S)\\,dt +
\\nabla_v h^\\top\\Sigma\\circ dW`, with :math:`b_S = b - c` (:attr:`Dynamics.stratonovich_correction`);
but then :math:`E[\\Sigma\\circ dW] \\neq 0` in general, and the expected rate is the Itô drift
either way: :math:`\\tfrac{d}{dt}E[h] = E[\\mathcal{A}h]` (when the Itô integral is a true
martingale, e.g. for polynomial :math:`h` of a process with finite moments).

For :math:`I = \\tfrac12\\|v\\|^2 + L` with :math:`\\Gamma = \\gamma` and :math:`\\Sigma = \\sigma I`:
:math:`dI = (-\\gamma\\|v\\|^2 + \\tfrac12\\sigma^2 d)\\,dt + \\sigma v\\cdot dW`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .._expressions import as_sympy
from .._dynamics import CALCULI, Calculus, Dynamics
from .._errors import InvalidArgument
from .._validation import as_dynamics
from ._energy import canonical, inertia

__all__ = ["ItoDifferential", "ito_differential", "generator", "expected_rate",
           "stratonovich_to_ito", "ito_to_stratonovich", "EXPECTATION"]

#: The expectation operator in :func:`expected_rate`'s results: ``E(v_x**2)``.
EXPECTATION = sympy.Function("E")


def _check_calculus(calculus: str) -> Calculus:
    if calculus not in CALCULI:
        raise InvalidArgument("calculus", calculus, "is not a known stochastic calculus",
                              "use 'ito' or 'stratonovich'")
    return Calculus(calculus)


def _check_quantity(dynamics: Dynamics, quantity: object) -> sympy.Expr:
    if quantity is None:
        return inertia(dynamics)
    if isinstance(quantity, str):
        raise InvalidArgument("quantity", quantity, "is text, which is never evaluated directly",
                              "parse it with parse_expression(...) first")
    if isinstance(quantity, (int, float)) and not isinstance(quantity, bool):
        return as_sympy(quantity, argument="quantity")
    if not isinstance(quantity, sympy.Expr) or isinstance(quantity, sympy.MatrixBase):
        raise InvalidArgument("quantity", quantity, "must be a scalar sympy expression",
                              "e.g. inertia(dynamics) or v_x**2")
    return quantity


def _diffusion_hessian_term(dynamics: Dynamics, quantity: sympy.Expr) -> sympy.Expr:
    r""":math:`\tfrac12\operatorname{tr}(\Sigma\Sigma^\top\nabla_v^2 h)`, summed as
    :math:`\tfrac12\sum_j \sum_{i,k}\Sigma_{ij}\Sigma_{kj}\partial_{v_i}\partial_{v_k} h`."""
    if not dynamics.is_noisy:
        return sympy.Integer(0)
    sigma, vels = dynamics.noise, dynamics.velocities
    d = dynamics.dimension
    first = [sympy.diff(quantity, v) for v in vels]
    terms = []
    for i in range(d):
        if first[i] == 0:
            continue
        for k in range(d):
            second = sympy.diff(first[i], vels[k])
            if second == 0:
                continue
            diffusion = sympy.Add(*[sigma[i, j] * sigma[k, j] for j in range(sigma.cols)])
            terms.append(diffusion * second)
    return sympy.Add(*terms) / 2


def _first_order(dynamics: Dynamics, quantity: sympy.Expr, velocity_drift: sympy.Matrix) -> sympy.Expr:
    d = dynamics.dimension
    terms = [sympy.diff(quantity, dynamics.time)]
    terms += [sympy.diff(quantity, c) * v for c, v in zip(dynamics.coordinates, dynamics.velocities)]
    terms += [sympy.diff(quantity, dynamics.velocities[i]) * velocity_drift[i] for i in range(d)]
    return sympy.Add(*terms)


def generator(dynamics: Dynamics, quantity: sympy.Expr | None = None) -> sympy.Expr:
    r"""The Itô generator :math:`\mathcal{A}h`: the drift of :math:`dh` (second-order term
    included), canonicalised.  Without ``quantity``, :math:`h = I`.

    Parameters
    ----------
    dynamics : Dynamics
        The system (without noise the result is the ordinary rate).
    quantity : sympy.Expr, optional
        :math:`h(t, \theta, v)`; the inertia :math:`I` by default.

    Returns
    -------
    sympy.Expr
        :math:`\mathcal{A}h`.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> generator(Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="gamma", noise="sigma"))
    -gamma*v_x**2 - gamma*v_y**2 + sigma**2
    """
    dynamics = as_dynamics(dynamics)
    quantity = _check_quantity(dynamics, quantity)
    drift = _first_order(dynamics, quantity, dynamics.ito_acceleration)
    return canonical(drift + _diffusion_hessian_term(dynamics, quantity))


def _noise_terms(dynamics: Dynamics, quantity: sympy.Expr) -> tuple[sympy.Expr, ...]:
    if not dynamics.is_noisy:
        return ()
    gradient_v = [sympy.diff(quantity, v) for v in dynamics.velocities]
    sigma = dynamics.noise
    return tuple(canonical(sympy.Add(*[gradient_v[i] * sigma[i, j]
                                       for i in range(dynamics.dimension)]))
                 for j in range(sigma.cols))


def stratonovich_to_ito(dynamics: Dynamics, velocity_drift: sympy.Matrix) -> sympy.Matrix:
    r"""The Itô drift of :math:`v` equivalent to a Stratonovich drift :math:`b_S`:
    :math:`b_S + c` with :math:`c_i = \tfrac12\sum_{j,k}\Sigma_{kj}\partial_{v_k}\Sigma_{ij}`.

    Parameters
    ----------
    dynamics : Dynamics
        The system, whose noise matrix :math:`\Sigma` gives the correction.
    velocity_drift : sympy.Matrix
        A column: the drift of :math:`v`, one entry per coordinate.

    Returns
    -------
    sympy.Matrix
        The Itô drift :math:`b_S + c`.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x")
    >>> stratonovich_to_ito(dyn, sympy.Matrix([-dyn.coordinates[0]]))
    Matrix([[s**2*v_x/2 - x]])
    """
    return _convert(dynamics, velocity_drift, +1)


def ito_to_stratonovich(dynamics: Dynamics, velocity_drift: sympy.Matrix) -> sympy.Matrix:
    r"""The Stratonovich drift of :math:`v` equivalent to an Itô drift: :math:`b - c`.

    Parameters
    ----------
    dynamics, velocity_drift
        As for :func:`stratonovich_to_ito`.

    Returns
    -------
    sympy.Matrix
        The Stratonovich drift :math:`b - c`.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x")
    >>> ito_to_stratonovich(dyn, dyn.acceleration)
    Matrix([[-s**2*v_x/2 - x]])
    """
    return _convert(dynamics, velocity_drift, -1)


def _convert(dynamics: Dynamics, velocity_drift: object, sign: int) -> sympy.Matrix:
    dynamics = as_dynamics(dynamics)
    drift = sympy.Matrix(velocity_drift) if isinstance(velocity_drift, (list, tuple)) \
        else velocity_drift
    if not isinstance(drift, sympy.MatrixBase) or drift.shape != (dynamics.dimension, 1):
        raise InvalidArgument("velocity_drift", velocity_drift,
                              f"must be a {dynamics.dimension}x1 sympy Matrix",
                              "one drift entry per velocity")
    # The correction depends on Σ only, not on the calculus the system was declared in.
    return (drift + sign * dynamics.stratonovich_correction).applyfunc(sympy.expand)


@dataclass(frozen=True)
class ItoDifferential:
    r"""The stochastic differential :math:`dh = \text{drift}\,dt + \sum_j \text{noise}_j\,dW_j`
    (or :math:`\circ dW_j` in the Stratonovich reading).

    Attributes
    ----------
    dynamics : Dynamics
        The system.
    quantity : sympy.Expr
        :math:`h`.
    calculus : {"ito", "stratonovich"}
        The calculus the drift and noise terms are written in.
    drift : sympy.Expr
        The :math:`dt` coefficient.
    noise_terms : tuple of sympy.Expr
        The coefficient of each :math:`dW_j` (empty without noise).
    ito_drift : sympy.Expr
        The Itô drift :math:`\mathcal{A}h` (equal to ``drift`` when ``calculus == "ito"``).
    ordinary_chain_rule : sympy.Expr
        What the ordinary chain rule gives, :math:`\partial_t h + \nabla h\cdot(v, a)` with the
        deterministic acceleration :math:`a`, the noise treated as a smooth force.

    Examples
    --------
    >>> from inertia_verify import Dynamics, ito_differential
    >>> dyn = Dynamics.from_text("x**2/2", "x", noise="sigma")
    >>> dI = ito_differential(dyn)
    >>> dI.calculus, dI.drift, dI.noise_terms, dI.ordinary_chain_rule
    (Calculus.ITO, sigma**2/2, (sigma*v_x,), 0)
    """

    dynamics: Dynamics
    quantity: sympy.Expr
    calculus: str
    drift: sympy.Expr
    noise_terms: tuple[sympy.Expr, ...]
    ito_drift: sympy.Expr
    ordinary_chain_rule: sympy.Expr

    @property
    def ito_correction(self) -> sympy.Expr:
        """The Itô drift minus the ordinary chain rule: the term the paper's eq. (6) drops."""
        return canonical(self.ito_drift - self.ordinary_chain_rule)

    @property
    def expected_rate(self) -> sympy.Expr:
        """:math:`dE[h]/dt = E[\\mathcal{A}h]`, with ``E(...)`` around each state-dependent term."""
        return _expectation(self.dynamics, self.ito_drift)

    def to_dict(self) -> dict:
        return {
            "quantity": str(self.quantity),
            "calculus": str(self.calculus),
            "drift": str(self.drift),
            "noise_terms": [str(n) for n in self.noise_terms],
            "ito_drift": str(self.ito_drift),
            "ordinary_chain_rule": str(self.ordinary_chain_rule),
            "ito_correction": str(self.ito_correction),
            "expected_rate": str(self.expected_rate),
        }

    def __str__(self) -> str:
        dw = "∘dW" if self.calculus is Calculus.STRATONOVICH else "dW"
        noise = " + ".join(f"({n}) {dw}_{j}" for j, n in enumerate(self.noise_terms)) or "0"
        return "\n".join([
            f"d[{self.quantity}] = ({self.drift}) dt + {noise}   [{self.calculus}]",
            f"expected rate: dE/dt = {self.expected_rate}",
        ])

    def _repr_latex_(self) -> str:
        dw = r"\circ dW" if self.calculus is Calculus.STRATONOVICH else "dW"
        noise = " + ".join(rf"\left({sympy.latex(n)}\right){dw}_{{{j}}}"
                           for j, n in enumerate(self.noise_terms)) or "0"
        name = "Itô" if self.calculus is Calculus.ITO else "Stratonovich"
        return (rf"$$d\left[{sympy.latex(self.quantity)}\right] = \left({sympy.latex(self.drift)}"
                rf"\right)dt + {noise}\quad\text{{({name})}}$$")


def ito_differential(dynamics: Dynamics, quantity: sympy.Expr | None = None, *,
                     calculus: str = "ito") -> ItoDifferential:
    r"""Itô's formula (or the Stratonovich chain rule) for :math:`h(t, \theta, v)`.

    Parameters
    ----------
    dynamics : Dynamics
        With or without noise; the noise is read in ``dynamics.calculus``.
    quantity : sympy.Expr, optional
        :math:`h`; the inertia :math:`I` by default.
    calculus : {"ito", "stratonovich"}
        The calculus of the result.

    Returns
    -------
    ItoDifferential
        The drift and noise terms of :math:`dh`, and the Itô correction.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma")
    >>> dI = ito_differential(dyn)
    >>> dI.drift, dI.noise_terms
    (-gamma*v_x**2 + sigma**2/2, (sigma*v_x,))
    >>> dI.ito_correction
    sigma**2/2
    >>> ito_differential(dyn, calculus="stratonovich").drift
    -gamma*v_x**2
    """
    dynamics = as_dynamics(dynamics)
    quantity = _check_quantity(dynamics, quantity)
    calculus = _check_calculus(calculus)
    ito_drift = generator(dynamics, quantity)
    if calculus is Calculus.ITO:
        drift = ito_drift
    else:
        strat = ito_to_stratonovich(dynamics, dynamics.ito_acceleration)
        drift = canonical(_first_order(dynamics, quantity, strat))
    ordinary = canonical(_first_order(dynamics, quantity, dynamics.acceleration))
    return ItoDifferential(dynamics, quantity, calculus, drift, _noise_terms(dynamics, quantity),
                           ito_drift, ordinary)


def _expectation(dynamics: Dynamics, expr: sympy.Expr) -> sympy.Expr:
    state = (*dynamics.coordinates, *dynamics.velocities)
    terms = []
    for term in sympy.Add.make_args(sympy.expand(expr)):
        constant, random = term.as_independent(*state, as_Add=False)
        terms.append(constant if random == 1 else constant * EXPECTATION(random))
    return sympy.Add(*terms)


def expected_rate(dynamics: Dynamics, quantity: sympy.Expr | None = None) -> sympy.Expr:
    r""":math:`\tfrac{d}{dt}E[h] = E[\mathcal{A}h]`, by linearity: every state-dependent term of
    the Itô drift inside ``E(...)``, the deterministic ones exact.

    Parameters
    ----------
    dynamics, quantity
        As for :func:`generator`.

    Returns
    -------
    sympy.Expr
        The expected rate, with ``E(...)`` around each state-dependent term.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> expected_rate(Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma"))
    -gamma*E(v_x**2) + sigma**2/2
    """
    dynamics = as_dynamics(dynamics)
    return _expectation(dynamics, generator(dynamics, _check_quantity(dynamics, quantity)))
