"""The stationary (Gibbs) law of Langevin dynamics and the expected inertia under it.

For :math:`d\\theta = v\\,dt`, :math:`dv = (-\\gamma v - \\nabla L)\\,dt + \\sigma\\,dW` with constant
:math:`\\gamma > 0` and :math:`\\Sigma = \\sigma I`, the density

.. math:: \\rho(\\theta, v) \\propto \\exp\\!\\big(-(\\tfrac12\\|v\\|^2 + L(\\theta))/T\\big),
          \\qquad T = \\frac{\\sigma^2}{2\\gamma},

is stationary: the Fokker–Planck operator annihilates it, which :func:`gibbs_stationary` proves
for the given loss (for an abstract loss, for every loss).  It is a probability density when
:math:`e^{-L/T}` is integrable, and then

.. math:: E[I] = \\frac{dT}{2} + E_\\rho[L],

:math:`E_\\rho[L]` computed exactly where SymPy integrates it and by adaptive quadrature otherwise
(relative tolerance stated in the result).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.integrate
import sympy

from .._expressions import as_sympy
from .._dynamics import DampingKind, Dynamics, NoiseKind
from .._errors import InvalidArgument
from .._prover import Verdict, prove_zero
from .._validation import as_dynamics

__all__ = ["GibbsStationary", "gibbs_stationary", "fokker_planck"]

#: Relative tolerance of the quadrature of E[L] (scipy.integrate.quad, epsrel).
QUADRATURE_RTOL = 1e-10

#: The quadrature box extends until L - min L exceeds this many temperatures: the neglected
#: tails weigh less than e^{-60} relative to the peak (for L increasing beyond the box).
_TAIL_TEMPERATURES = 60.0


def fokker_planck(dynamics: Dynamics, density: sympy.Expr) -> sympy.Expr:
    r"""The Fokker–Planck operator applied to a density :math:`\rho(\theta, v)`:

    .. math:: \mathcal{A}^*\rho = -\nabla_\theta\cdot(v\rho) - \nabla_v\cdot(b\rho)
              + \tfrac12\sum_{i,k}\partial_{v_i}\partial_{v_k}\big((\Sigma\Sigma^\top)_{ik}\rho\big)

    with the Itô drift :math:`b`.  :math:`\rho` is stationary iff this vanishes.

    Parameters
    ----------
    dynamics : Dynamics
        The system (its noise read in its calculus, converted to Itô).
    density : sympy.Expr
        :math:`\rho(\theta, v)`.

    Returns
    -------
    sympy.Expr
        :math:`\mathcal{A}^*\rho`, not simplified.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="sqrt(2)")
    >>> x, v = dyn.coordinates[0], dyn.velocities[0]
    >>> sympy.simplify(fokker_planck(dyn, sympy.exp(-(x**2 + v**2)/2)))
    0
    """
    dynamics = as_dynamics(dynamics)
    b = dynamics.ito_acceleration
    terms = []
    for c, v in zip(dynamics.coordinates, dynamics.velocities):
        terms.append(-sympy.diff(v * density, c))
    for i, v in enumerate(dynamics.velocities):
        terms.append(-sympy.diff(b[i] * density, v))
    if dynamics.is_noisy:
        D = dynamics.noise * dynamics.noise.T
        for i, vi in enumerate(dynamics.velocities):
            for k, vk in enumerate(dynamics.velocities):
                if D[i, k] != 0:
                    terms.append(sympy.diff(D[i, k] * density, vi, vk) / 2)
    return sympy.Add(*terms)


@dataclass(frozen=True)
class GibbsStationary:
    """The Gibbs stationary law of a Langevin system (see :func:`gibbs_stationary`).

    Attributes
    ----------
    dynamics : Dynamics
        The Langevin system.
    density : sympy.Expr
        The unnormalised density :math:`\\exp(-(\\tfrac12\\|v\\|^2 + L)/T)`.
    temperature : sympy.Expr
        :math:`T = \\sigma^2/(2\\gamma)`.
    stationarity : Verdict
        Certificate that the Fokker–Planck operator annihilates the density.
    expected_loss, expected_inertia : sympy.Expr or float or None
        :math:`E[L]` and :math:`E[I] = dT/2 + E[L]` (``None`` for an abstract loss).
    method : str
        How :math:`E[L]` was obtained ("exact", or "quadrature" with its tolerance).
    quadrature_error : float or None
        scipy's error estimate for the quadrature, absolute.
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics, gibbs_stationary
    >>> g = gibbs_stationary(Dynamics.from_text("x**2/2", "x", damping="gamma", noise="sigma"))
    >>> g.density
    exp(2*gamma*(-v_x**2/2 - x**2/2)/sigma**2)
    >>> g.expected_inertia, g.method
    (sigma**2/(2*gamma), 'exact (closed form per coordinate)')
    """

    dynamics: Dynamics
    density: sympy.Expr
    temperature: sympy.Expr
    stationarity: Verdict
    expected_loss: object
    expected_inertia: object
    method: str
    quadrature_error: float | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        def show(x):
            if x is None:
                return None
            if isinstance(x, float):
                return x
            return str(x)
        return {
            "density": str(self.density),
            "temperature": str(self.temperature),
            "stationarity": self.stationarity.to_dict(),
            "expected_loss": show(self.expected_loss),
            "expected_inertia": show(self.expected_inertia),
            "method": self.method,
            "quadrature_error": self.quadrature_error,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [f"Gibbs density ∝ {self.density}  (T = {self.temperature})",
                 f"stationary (Fokker–Planck): {self.stationarity}",
                 f"E[L] = {self.expected_loss}   E[I] = {self.expected_inertia}   [{self.method}]"]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])

    def _repr_latex_(self) -> str:
        return (r"$$\rho \propto " + sympy.latex(self.density) + r",\quad T = "
                + sympy.latex(self.temperature) + r",\quad E[I] = "
                + sympy.latex(as_sympy(self.expected_inertia)) + "$$")


def _check_langevin(dynamics: Dynamics) -> tuple[sympy.Expr, sympy.Expr]:
    problems = []
    if dynamics.damping_kind is not DampingKind.SCALAR:
        problems.append(f"the damping is {dynamics.damping_kind.value!r}, not a constant scalar γ")
    if dynamics.noise_kind is not NoiseKind.ISOTROPIC:
        problems.append(f"the noise is {dynamics.noise_kind.value!r}, not σI with constant σ")
    if not dynamics.identity_mass:
        problems.append("the mass is not the identity")
    if problems:
        raise InvalidArgument("dynamics", repr(dynamics), "; ".join(problems),
                              "the Gibbs law exp(-(½‖v‖² + L)/T) is the stationary law of "
                              "θ'' + γθ' + ∇L = σ dW/dt with constant γ > 0 and scalar σ; use "
                              "quadratic_moments or Monte Carlo for other systems")
    gamma = dynamics.damping[0, 0]
    sigma = dynamics.noise[0, 0]
    if gamma.is_number and not gamma > 0:
        raise InvalidArgument("dynamics", repr(dynamics), f"has damping γ = {gamma} ≤ 0",
                              "a stationary law needs γ > 0")
    if sigma.is_number and sigma == 0:
        raise InvalidArgument("dynamics", repr(dynamics), "has σ = 0",
                              "without noise the stationary law is a point mass at a minimum")
    return gamma, sigma


def _values(dynamics: Dynamics, values: Mapping | None) -> dict:
    by_name = {p.name: p for p in dynamics.parameters}
    out = {}
    for key, val in (values or {}).items():
        sym = by_name.get(key) if isinstance(key, str) else key
        if sym not in dynamics.parameters:
            raise InvalidArgument("values", key, "is not a parameter of this system",
                                  f"parameters are {sorted(by_name)}")
        if isinstance(val, (str, bool)):
            raise InvalidArgument("values", {str(key): val}, "must be a number")
        out[sym] = sympy.nsimplify(val) if isinstance(val, int) else as_sympy(val, argument="values")
    return out


def _separable_pieces(loss: sympy.Expr, coords) -> tuple[dict, sympy.Expr] | None:
    pieces: dict = {c: [] for c in coords}
    constant = []
    for term in sympy.Add.make_args(sympy.expand(loss)):
        present = term.free_symbols & set(coords)
        if not present:
            constant.append(term)
        elif len(present) == 1:
            pieces[present.pop()].append(term)
        else:
            return None
    return {c: sympy.Add(*ts) for c, ts in pieces.items()}, sympy.Add(*constant)


def _closed_form_mean(piece: sympy.Expr, x: sympy.Symbol, T: sympy.Expr) -> sympy.Expr | None:
    r"""E[piece] under exp(-piece/T) when it has a closed form, else None.

    * :math:`ax^2 + bx + c`: a Gaussian of variance :math:`T/(2a)`, so
      :math:`E = T/2 + c - b^2/(4a)`;
    * :math:`ax^n` (n even): generalised equipartition :math:`E[x\,\partial_x L] = T` gives
      :math:`E = T/n`.
    """
    try:
        poly = sympy.Poly(piece, x)
    except sympy.PolynomialError:
        return None
    if any(c.free_symbols & {x} for c in poly.coeffs()):
        return None
    if poly.degree() == 2:
        a, b, c = (poly.coeff_monomial(x**k) for k in (2, 1, 0))
        return T / 2 + c - b**2 / (4 * a)
    terms = poly.terms()
    if len(terms) == 1 and poly.degree() % 2 == 0 and poly.degree() > 0:
        return T / poly.degree()
    return None


def _sympy_mean(piece: sympy.Expr, x: sympy.Symbol, T: sympy.Expr) -> sympy.Expr | None:
    Tpos = sympy.Dummy("T", positive=True)
    weight = sympy.exp(-piece / Tpos)
    z = sympy.integrate(weight, (x, -sympy.oo, sympy.oo), conds="none")
    first = sympy.integrate(piece * weight, (x, -sympy.oo, sympy.oo), conds="none")
    if z.has(sympy.Integral) or first.has(sympy.Integral) or z == 0:
        return None
    return (first / z).xreplace({Tpos: T})


def _check_normalisable(piece: sympy.Expr, x: sympy.Symbol, T: sympy.Expr) -> list[str]:
    """Raise unless exp(-piece/T) is integrable on ℝ; return the conditions assumed when the
    answer depends on the sign of a parameter."""
    assumed = []
    for direction in (sympy.oo, -sympy.oo):
        try:
            growth = sympy.limit(piece / sympy.log(sympy.Abs(x)), x, direction)
        except (NotImplementedError, ValueError, TypeError):  # pragma: no cover - sympy limits
            growth = None
        if growth is not None and not growth.is_number and growth.free_symbols:
            assumed.append(f"lim L/log|{x}| as {x} → {direction} is {growth}: normalisable only "
                           "if this is +oo (assumed)")
            continue
        ok = growth == sympy.oo or (growth is not None and growth.is_number and growth.is_finite
                                    and T.is_number and bool(growth / T > 1))
        if not ok:
            raise InvalidArgument(
                "dynamics", str(piece),
                f"exp(-L/T) is not integrable as {x} → {direction} (L/log|{x}| → {growth})",
                "the Gibbs law needs L to grow faster than T·log|θ| in every direction "
                "(e.g. a confining polynomial such as x**2 or x**4)")
    return assumed


def _quadrature_1d(piece_fn, T: float, tol: float) -> tuple[float, float]:
    """E[piece] under exp(-piece/T) on ℝ, with a box grown until the tails are negligible."""
    grid = np.linspace(-50.0, 50.0, 20001)
    with np.errstate(all="ignore"):
        vals = np.array([piece_fn(g) for g in grid], dtype=float)
    finite = np.isfinite(vals)
    centre = float(grid[finite][np.argmin(vals[finite])])
    floor = float(np.min(vals[finite]))
    bounds = []
    for sign in (-1.0, 1.0):
        step = 1.0
        while piece_fn(centre + sign * step) - floor < _TAIL_TEMPERATURES * T:
            step *= 2.0
            if step > 1e8:
                raise InvalidArgument("dynamics", "loss", "exp(-L/T) does not decay within 1e8",
                                      "the Gibbs law needs a confining loss")
        bounds.append(centre + sign * step)
    weight = lambda x: math.exp(-(piece_fn(x) - floor) / T)  # noqa: E731
    shifted = lambda x: (piece_fn(x) - floor) * weight(x)  # noqa: E731
    # Geometric segments c ± [2^(k-1), 2^k]: a narrow peak and a long, slowly decaying tail
    # (e.g. L = log(1 + x²)) are each resolved, which one quad over the whole box does not.
    edges = [centre]
    for sign, bound in ((-1.0, bounds[0]), (1.0, bounds[1])):
        width, cuts = 1.0, []
        while width < abs(bound - centre):
            cuts.append(centre + sign * width)
            width *= 2.0
        cuts.append(bound)
        edges = ([*reversed(cuts), *edges] if sign < 0 else [*edges, *cuts])
    z = z_err = first = f_err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        value, error = scipy.integrate.quad(weight, lo, hi, limit=200, epsabs=0.0, epsrel=tol)
        z, z_err = z + value, z_err + error
        # Integrate L - min L (non-negative), so the relative error is meaningful.
        value, error = scipy.integrate.quad(shifted, lo, hi, limit=200, epsabs=0.0, epsrel=tol)
        first, f_err = first + value, f_err + error
    mean = first / z + floor
    error = abs(first / z) * (z_err / z + (f_err / first if first else 0.0)) + abs(floor) * 1e-16
    return mean, error


def gibbs_stationary(dynamics: Dynamics, values: Mapping | None = None, *,
                     tol: float = QUADRATURE_RTOL, integrate: bool = False) -> GibbsStationary:
    r"""The stationary Gibbs law of a Langevin system and :math:`E[I]` under it.

    Parameters
    ----------
    dynamics : Dynamics
        Constant scalar damping γ > 0, noise σ (``noise_kind == "isotropic"``), identity mass.
        An abstract loss gives the density and its stationarity for every loss.
    values : mapping, optional
        Numbers for parameters; needed when :math:`E[L]` must be computed by quadrature.
    tol : float
        Relative tolerance of the quadrature.
    integrate : bool
        Also try ``sympy.integrate`` on the one-coordinate pieces without a built-in closed form
        (quadratic: Gaussian; :math:`ax^n`: :math:`T/n`) before falling back to quadrature.  It
        can be slow.

    Returns
    -------
    GibbsStationary
        The density, its stationarity certificate and :math:`E[L]`, :math:`E[I]`.

    Notes
    -----
    :math:`E[L]` is computed for separable losses :math:`\sum_i L_i(\theta_i)` (the Gibbs law
    is then a product): exactly per piece where a closed form exists, else by adaptive quadrature
    on geometric segments around the minimum of :math:`L_i` (searched on [-50, 50]) out to where
    :math:`L_i - \min L_i` exceeds 60 T.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("x**4/4", "x", damping="gamma", noise="sigma")
    >>> g = gibbs_stationary(dyn)
    >>> g.temperature, g.stationarity.status
    (sigma**2/(2*gamma), 'proved')
    >>> g.expected_inertia   # dT/2 + T/4: equipartition for v, T/4 for a quartic
    3*sigma**2/(8*gamma)
    >>> double_well = Dynamics.from_text("x**4/4 - x**2/2", "x", damping="1", noise="1")
    >>> g = gibbs_stationary(double_well)   # no closed form: quadrature
    >>> round(g.expected_inertia, 10), g.method
    (0.1516337576, 'quadrature (epsrel=1e-10)')
    """
    dynamics = as_dynamics(dynamics)
    if not (isinstance(tol, float) and 1e-14 <= tol <= 1e-2):
        raise InvalidArgument("tol", tol, "must be a float in [1e-14, 1e-2]")
    gamma, sigma = _check_langevin(dynamics)
    T = sympy.factor(sigma**2 / (2 * gamma))
    d = dynamics.dimension
    kinetic = sympy.Add(*[v**2 for v in dynamics.velocities]) / 2
    hamiltonian = kinetic + dynamics.loss
    density = sympy.exp(-hamiltonian / T)
    # ρ⁻¹ A*ρ: with ρ = e^{φ}, every derivative of ρ is ρ times a polynomial in derivatives of φ.
    reduced = sympy.expand(sympy.powsimp(sympy.expand(fokker_planck(dynamics, density))
                                         * sympy.exp(hamiltonian / T)))
    stationarity = prove_zero(reduced)
    notes = ["T = σ²/(2γ); E[I] = dT/2 + E[L] (each velocity component carries T/2)"]
    if dynamics.is_abstract:
        return GibbsStationary(dynamics, density, T, stationarity, None, None,
                               "abstract loss: E[L] needs a concrete loss", None, tuple(notes))
    mapping = _values(dynamics, values)
    loss = dynamics.loss.xreplace(mapping)
    T_value = T.xreplace(mapping)
    coords = dynamics.coordinates
    split = _separable_pieces(loss, coords)
    if split is None:
        raise InvalidArgument(
            "dynamics", str(dynamics.loss),
            "couples the coordinates; E[L] under the Gibbs law is computed for separable losses "
            "(a sum of one-coordinate terms)",
            "estimate the stationary E[I] by Monte Carlo (crosscheck_stationary) instead")
    pieces, constant = split
    for x, piece in pieces.items():
        if piece == 0:
            raise InvalidArgument("dynamics", str(dynamics.loss), f"does not depend on {x}",
                                  "exp(-L/T) is not integrable along a flat direction")
        notes += _check_normalisable(piece, x, T_value)
    means = {x: _closed_form_mean(p, x, T_value) for x, p in pieces.items()}
    if integrate:
        means = {x: m if m is not None else _sympy_mean(pieces[x], x, T_value)
                 for x, m in means.items()}
    if all(m is not None for m in means.values()):
        expected_loss = sympy.factor(sympy.simplify(constant + sum(means.values())))
        how = "exact (closed forms and sympy.integrate)" if integrate \
            else "exact (closed form per coordinate)"
        return GibbsStationary(dynamics, density, T, stationarity, expected_loss,
                               sympy.factor(sympy.simplify(d * T_value / 2 + expected_loss)),
                               how, None, tuple(notes))
    free = T_value.free_symbols | loss.free_symbols - set(coords)
    if free:
        raise InvalidArgument("values", dict(values or {}),
                              f"leaves {sorted(s.name for s in free)} symbolic, and E[L] needs "
                              "quadrature for this loss", "give every parameter a number")
    T_float = float(T_value)
    mean, error = float(constant), 0.0
    for x, piece in pieces.items():
        fn = sympy.lambdify(x, piece, modules="math")
        piece_mean, piece_error = _quadrature_1d(fn, T_float, tol)
        mean += piece_mean
        error += piece_error
    notes.append(f"E[L] by adaptive quadrature (scipy.integrate.quad, epsrel={tol:g}) on a box "
                 f"where L - min L < {_TAIL_TEMPERATURES:g}·T, separately per coordinate")
    return GibbsStationary(dynamics, density, T, stationarity, mean, d * T_float / 2 + mean,
                           f"quadrature (epsrel={tol:g})", error, tuple(notes))
