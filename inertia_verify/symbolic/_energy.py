"""The computational inertia of a system and its rate of change along the flow.

For :math:`\\ddot\\theta + \\Gamma\\dot\\theta + M^{-1}\\nabla L = 0` the natural energy is
:math:`I = \\tfrac12 v^\\top M v + L(\\theta)` and

.. math:: \\dot I = v^\\top M \\dot v + \\nabla L\\cdot v = -v^\\top M\\Gamma v,

which the toolkit derives for the given system (not assumes), brings to a canonical form and proves
equal to the dissipation :math:`-v^\\top M\\Gamma v` with :func:`~inertia_verify.prove_equal`.
With ``kinetic="identity"`` and a non-identity mass the paper's energy
:math:`\\tfrac12\\|v\\|^2 + L` is used instead, and the honest remainder
:math:`v^\\top(I - M^{-1})\\nabla L` shows up in the rate.
"""

from __future__ import annotations

import sympy

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from .._prover import _monomial, _polynomial_sum, _product, expanded_polynomial
from .._validation import as_dynamics

__all__ = ["inertia", "inertia_rate", "dissipation", "canonical"]

_KINETIC = ("mass", "identity")

#: Above this many operations the canonical form skips ``factor_terms`` (it is cheap, but a
#: 200-coordinate system should not pay for cosmetics it cannot display anyway).
_FACTOR_LIMIT = 5000


def _check_kinetic(kinetic: str) -> str:
    if kinetic not in _KINETIC:
        raise InvalidArgument("kinetic", kinetic, "is not a known kinetic energy",
                              "use 'mass' (½ vᵀMv) or 'identity' (½ ‖v‖²)")
    return kinetic


def canonical(expr: sympy.Expr) -> sympy.Expr:
    """Expand, then pull common factors out of the sum: ``-gamma*(v_x**2 + v_y**2)``.

    Only polynomial-style expansion is used (no ``simplify``), so the cost stays proportional to
    the size of the expression.  A sum of monomials is already expanded and is not walked again;
    above ``_FACTOR_LIMIT`` operations only the factors common to every term are pulled out
    (a linear pass instead of ``factor_terms``).

    Parameters
    ----------
    expr : sympy.Expr
        Any expression.

    Returns
    -------
    sympy.Expr
        Equal to ``expr``; expanded only when it is too large to factor cheaply.

    Examples
    --------
    >>> import sympy
    >>> g, a, b = sympy.symbols("gamma a b")
    >>> canonical(-g*a*(a + 1) + g*a**2 - g*b**2)
    -gamma*(a + b**2)
    """
    expanded = expr if expanded_polynomial(expr) else sympy.expand(expr)
    if _more_ops_than(expanded, _FACTOR_LIMIT):
        return _common_factor(expanded)
    return sympy.factor_terms(expanded)


def _more_ops_than(expr: sympy.Expr, limit: int) -> bool:
    """``count_ops(expr) > limit``, without the walk when a sum is plainly too big: its n terms
    take n - 1 additions, a product of k factors k - 1 operations more (k - 2 when one is -1,
    whose negation the subtraction absorbs), and a positive integer power one more (a lower
    bound on what ``count_ops`` counts)."""
    if expr.is_Add:
        bound = len(expr.args) - 1
        for t in expr.args:
            factors = t.args if t.is_Mul else (t,)
            bound += len(factors) - 1 - (factors[0] == -1) + sum(
                1 for f in factors if f.is_Pow and f.exp.is_Integer and f.exp > 1)
        if bound > limit:
            return True
    return sympy.count_ops(expr, visual=False) > limit


def _common_factor(expanded: sympy.Expr) -> sympy.Expr:
    """``c*(t_1 + ... + t_n)`` for the factors ``c`` that every term of a sum shares (with the
    sign when every coefficient is negative); the sum itself when they share none."""
    if not expanded.is_Add:
        return expanded
    split = [t.as_coeff_Mul() for t in expanded.args]
    common = set(sympy.Mul.make_args(split[0][1]))
    for _, rest in split[1:]:
        common &= set(sympy.Mul.make_args(rest))
        if not common:
            return expanded
    sign = -1 if all(c < 0 for c, _ in split) else 1
    ordered = [f for f in sympy.Mul.make_args(split[0][1]) if f in common]
    inner = sympy.Add(*[sympy.Mul(sign * c, *[f for f in sympy.Mul.make_args(rest)
                                             if f not in common]) for c, rest in split])
    return sympy.Mul(sign, *ordered, inner)


def inertia(dynamics: Dynamics, *, kinetic: str = "mass") -> sympy.Expr:
    r"""The computational inertia :math:`I = \tfrac12 v^\top M v + L(\theta)`.

    Parameters
    ----------
    dynamics : Dynamics
        The system.
    kinetic : {"mass", "identity"}
        ``"mass"`` (default) uses the system's mass matrix, the energy that is conserved;
        ``"identity"`` uses the paper's :math:`\tfrac12\|v\|^2` whatever the mass.

    Returns
    -------
    sympy.Expr
        :math:`I` in the coordinates and the velocities ``v_<name>``.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> inertia(Dynamics.from_text("x**2/2", "x"))
    v_x**2/2 + x**2/2
    """
    dynamics = as_dynamics(dynamics)
    kinetic = _check_kinetic(kinetic)
    v = sympy.Matrix(dynamics.velocities)
    if kinetic == "identity" or dynamics.identity_mass:
        # One sum with the loss's terms (the same expression as ½‖v‖² + L, one flatten).
        half = sympy.Rational(1, 2)
        return _polynomial_sum([*[_monomial(half, {vi: 2}) for vi in dynamics.velocities],
                                dynamics.loss])
    kinetic_energy = (v.T * dynamics.mass * v)[0, 0] / 2
    return kinetic_energy + dynamics.loss


def dissipation(dynamics: Dynamics) -> sympy.Expr:
    r"""The predicted rate :math:`-v^\top M\Gamma v` (zero without damping).

    Parameters
    ----------
    dynamics : Dynamics
        The system.

    Returns
    -------
    sympy.Expr
        In canonical form (:func:`canonical`).

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dissipation(Dynamics.from_text("x**2/2 + y**2", "x,y", damping="[[1,0],[0,2]]"))
    -(v_x**2 + 2*v_y**2)
    """
    dynamics = as_dynamics(dynamics)
    if dynamics.undamped:
        return sympy.Integer(0)
    v = sympy.Matrix(dynamics.velocities)
    if dynamics.scalar_damping and dynamics.identity_mass:
        return -dynamics.damping[0, 0] * sympy.Add(*[vi**2 for vi in dynamics.velocities])
    return canonical(-(v.T * dynamics.mass * dynamics.damping * v)[0, 0])


def inertia_rate(dynamics: Dynamics, quantity: sympy.Expr | None = None, *,
                 kinetic: str = "mass") -> sympy.Expr:
    r"""The time derivative of the inertia (or of any ``quantity``) along the flow, canonicalised.

    Parameters
    ----------
    dynamics : Dynamics
        The system.
    quantity : sympy.Expr, optional
        A function of time, coordinates and velocities; default the inertia :func:`inertia`.
    kinetic : {"mass", "identity"}
        The kinetic energy of the inertia (ignored with ``quantity``), as for :func:`inertia`.

    Returns
    -------
    sympy.Expr
        :math:`\frac{d}{dt}` of it along the deterministic flow (the noise, if any, is
        ignored: :func:`~inertia_verify.ito_differential` has the Itô drift).

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> inertia_rate(Dynamics.from_text("x**4/4 - x**2/2 + a*y**2", "x,y"))
    0
    >>> inertia_rate(Dynamics.from_text("cos(x)", "x", damping="3/t"))
    -3*v_x**2/t
    """
    dynamics = as_dynamics(dynamics)
    if quantity is None:
        return canonical(_energy_rate(dynamics, _check_kinetic(kinetic)))
    return canonical(dynamics.time_derivative(quantity))


def _energy_rate(dynamics: Dynamics, kinetic: str) -> sympy.Expr:
    r"""The product rule for :math:`I = \tfrac12 v^\top K v + L`, grouped per coordinate:
    :math:`\dot I = \sum_i v_i\,[(K\dot v)_i + \partial_i L]` with :math:`K = M` or the identity.

    Grouping the bracket first lets SymPy cancel :math:`\partial_i L` against the force inside
    each small sum instead of expanding one large product; the result is the same expression as
    :meth:`Dynamics.time_derivative` of :func:`inertia` (the tests check both).
    """
    a = dynamics.acceleration
    grad = dynamics.gradient
    identity = kinetic == "identity" or dynamics.identity_mass
    ka = a if identity else dynamics.mass * a
    return _polynomial_sum([_product(v, _polynomial_sum([ka[i], grad[i]]))
                            for i, v in enumerate(dynamics.velocities)])
