r"""Modified energies of discrete schemes: what a scheme conserves instead of :math:`I`.

Two results, both solved for rather than typed in:

* :func:`quadratic_invariant`: for a quadratic loss :math:`L = \tfrac12\theta^\top A\theta` every
  scheme is linear, :math:`z_{k+1} = \Phi z_k` with :math:`z = (\theta, v)`.  A quadratic form
  :math:`z^\top Q z` is conserved iff :math:`\Phi^\top Q\Phi = Q`; this linear system in the
  entries of :math:`Q` is solved exactly.  When its only solution is :math:`Q = 0` the scheme has
  no quadratic invariant, and :math:`\Phi^\top Q\Phi = \mu Q` with
  :math:`\mu = (\det\Phi)^{1/d}` is tried instead: then :math:`\mu^{-k} z_k^\top Q z_k` is
  conserved (for the conformal schemes :math:`\mu = e^{-\gamma h}`, i.e.
  :math:`e^{\gamma t_k} z_k^\top Q z_k` is constant).  The step sizes where :math:`Q` is positive
  definite (the stability range) come from its leading principal minors.
* :func:`shadow_energy`: for any loss, the backward-error (shadow) energy
  :math:`\tilde H = I + hH_1 + h^2H_2 + \dots + h^NH_N` of an undamped scheme, solved order by
  order over the elementary differentials
  (:math:`v\cdot\nabla L`; :math:`v^\top\nabla^2L\,v`, :math:`\|\nabla L\|^2`; ...) so that
  :math:`\tilde H(\Phi_h(z)) - \tilde H(z) = O(h^{N+2})`; the remainder's order is then checked
  symbolically in the system's own dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import sympy

from .._dynamics import DampingKind
from .._errors import InvalidArgument
from .._prover import Verdict, prove_zero
from ._discrete_maps import DiscreteMap, LeadingOrder, discrete_map, leading_order_of_series

__all__ = ["QuadraticInvariant", "quadratic_invariant", "ShadowEnergy", "shadow_energy"]


def _check_map(step_map: object) -> DiscreteMap:
    if not isinstance(step_map, DiscreteMap):
        raise InvalidArgument("step_map", step_map, f"must be a DiscreteMap, not {type(step_map).__name__}",
                              "build one with discrete_map(dynamics, scheme)")
    return step_map


def _quadratic_form(step_map: DiscreteMap) -> sympy.Matrix:
    """The Hessian :math:`A` of a loss that is exactly :math:`\\tfrac12\\theta^\\top A\\theta`."""
    dyn = step_map.dynamics
    fix = ("exact invariants exist for quadratic losses; shift the coordinates so that the "
           "minimum is at 0, or use shadow_energy() for general losses")
    if dyn.is_abstract:
        raise InvalidArgument("loss", str(dyn.loss), "is abstract",
                              "exact invariants need a quadratic loss such as 'w**2*x**2/2'")
    try:
        hessian, linear, _ = dyn.quadratic_parts()
    except InvalidArgument as exc:
        raise InvalidArgument("loss", str(dyn.loss), "is not a quadratic form ½θᵀAθ", fix) from exc
    if any(sympy.simplify(b) != 0 for b in linear):
        raise InvalidArgument("loss", str(dyn.loss), "is not a quadratic form ½θᵀAθ", fix)
    return hessian


@dataclass(frozen=True)
class QuadraticInvariant:
    r"""The quadratic form a linear scheme conserves (or scales by :math:`\mu` each step).

    Attributes
    ----------
    scheme : str
        The scheme's name.
    exists : bool
        True when a nonzero :math:`Q` with :math:`\Phi^\top Q\Phi = Q` exists (an exact invariant).
    contraction : sympy.Expr or None
        :math:`\mu`: 1 for an exact invariant; :math:`(\det\Phi)^{1/d}` when only
        :math:`\mu^{-k}z_k^\top Qz_k` is conserved; None when neither exists.
    matrix : sympy.Matrix or None
        :math:`Q`, normalised so that its velocity block is :math:`\tfrac12 M` when possible.
    energy : sympy.Expr or None
        :math:`z^\top Q z` in the coordinates and velocities.
    family : int
        Dimension of the solution space (more than 1: several invariants, e.g. per mode).
    conditions : list of sympy.Expr
        Factors of the leading principal minors whose sign is not fixed: :math:`Q \succ 0`
        iff each is positive (under the stated assumptions).
    stability_range : sympy.Set or None
        The step sizes :math:`h > 0` with :math:`Q \succ 0`, when only :math:`h` is symbolic.
    verdict : Verdict
        Proof of :math:`\Phi^\top Q\Phi - \mu Q = 0`.
    limit : Verdict or None
        Proof that :math:`Q \to \tfrac12\operatorname{diag}(A, M)` (the Hessian form of
        :math:`I`) as :math:`h \to 0`.
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics, discrete_map, quadratic_invariant
    >>> q = quadratic_invariant(discrete_map(Dynamics.from_text("x**2/2", "x"), "symplectic-euler"))
    >>> q.exists, q.contraction, q.energy
    (True, 1, -h*v_x*x/2 + v_x**2/2 + x**2/2)
    """

    scheme: str
    exists: bool
    contraction: sympy.Expr | None
    matrix: sympy.Matrix | None
    energy: sympy.Expr | None
    family: int
    conditions: tuple[sympy.Expr, ...]
    stability_range: sympy.Set | None
    verdict: Verdict | None
    limit: Verdict | None
    notes: tuple[str, ...] = field(default=())

    @property
    def statement(self) -> str:
        if self.exists:
            return f"{self.scheme} conserves exactly E = {self.energy}"
        if self.contraction is not None:
            return (f"{self.scheme} has no quadratic invariant; μ^(-k)·E_k is conserved with "
                    f"μ = {self.contraction} and E = {self.energy}")
        return f"{self.scheme} has no quadratic invariant (the only solution of ΦᵀQΦ = Q is Q = 0)"

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme, "exists": self.exists,
            "contraction": None if self.contraction is None else sympy.sstr(self.contraction),
            "energy": None if self.energy is None else sympy.sstr(self.energy),
            "matrix": None if self.matrix is None else [[sympy.sstr(e) for e in row]
                                                        for row in self.matrix.tolist()],
            "family": self.family,
            "positive_definite_when": [f"{sympy.sstr(c)} > 0" for c in self.conditions],
            "stability_range": None if self.stability_range is None else sympy.sstr(self.stability_range),
            "proof": None if self.verdict is None else self.verdict.to_dict(),
            "limit_is_inertia": None if self.limit is None else self.limit.to_dict(),
            "notes": list(self.notes), "statement": self.statement,
        }

    def __str__(self) -> str:
        lines = [self.statement]
        if self.verdict is not None:
            lines.append(f"  ΦᵀQΦ = μQ: {self.verdict}")
        if self.conditions:
            lines.append("  positive definite when " +
                         " and ".join(f"{sympy.sstr(c)} > 0" for c in self.conditions))
        if self.stability_range is not None:
            lines.append(f"  stability range: h in {self.stability_range}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        if self.energy is None:
            return rf"$\text{{{self.scheme}: no quadratic invariant}}$"
        mu = "" if self.exists else rf"\mu^{{-k}}\,,\ \mu = {sympy.latex(self.contraction)}"
        return rf"$\tilde E = {sympy.latex(self.energy)}\quad {mu}$"


def _solve_invariant(phi: sympy.Matrix, mu: sympy.Expr) -> list[sympy.Matrix]:
    n = phi.rows
    unknowns = {}
    for i in range(n):
        for j in range(i, n):
            unknowns[(i, j)] = sympy.Symbol(f"q_{i}_{j}")
    Q = sympy.Matrix(n, n, lambda i, j: unknowns[(min(i, j), max(i, j))])
    residual = phi.T * Q * phi - mu * Q
    equations = [sympy.expand(residual[i, j]) for i in range(n) for j in range(i, n)]
    symbols = list(unknowns.values())
    system, _ = sympy.linear_eq_to_matrix(equations, symbols)
    basis = system.nullspace(simplify=True)
    return [Q.xreplace(dict(zip(symbols, vector))).applyfunc(sympy.cancel) for vector in basis]


def _normalise(basis: list[sympy.Matrix], target: sympy.Matrix, d: int) -> tuple[sympy.Matrix, list[str]]:
    """Combine the invariants so that the velocity block (else the position block) matches
    :math:`I`'s; free coefficients left over are set to 0 and reported."""
    coefficients = sympy.symbols(f"c_0:{len(basis)}")
    general = sum((c * b for c, b in zip(coefficients, basis)), sympy.zeros(2 * d, 2 * d))
    notes = []
    for block, label in ((slice(d, 2 * d), "velocity"), (slice(0, d), "position")):
        equations = list(general[block, block] - target[block, block])
        solution = sympy.solve(equations, coefficients, dict=True)
        if solution:
            chosen = general.xreplace(solution[0]).xreplace({c: 0 for c in coefficients})
            if any(c not in solution[0] for c in coefficients):
                notes.append("the invariant is not unique; free coefficients set to 0")
            if label == "position":
                notes.append("normalised on the position block (the velocity block of I cannot be kept)")
            return chosen.applyfunc(sympy.cancel), notes
    notes.append("normalised as the first basis vector of the solution space")
    return basis[0], notes


def _sign_conditions(Q: sympy.Matrix, step: sympy.Expr) -> list[sympy.Expr]:
    """Factors of the leading principal minors that are not positive for every positive value
    of the step and of the parameters."""
    symbols = sorted(set().union(*(e.free_symbols for e in Q)), key=lambda s: s.name)
    positive = {s: sympy.Symbol(s.name, positive=True) for s in symbols}
    back = {v: k for k, v in positive.items()}
    conditions: list[sympy.Expr] = []
    for k in range(1, Q.rows + 1):
        numerator, denominator = sympy.fraction(sympy.factor(Q[:k, :k].det().xreplace(positive)))
        sign = 1
        undecided = []
        for part in (numerator, denominator):
            constant, factors = sympy.factor_list(part)
            sign *= 1 if constant > 0 else -1
            for base, power in factors:
                if base.is_positive or (power % 2 == 0 and base.is_nonzero):
                    continue
                if base.is_negative and power % 2 == 1:
                    sign = -sign
                    continue
                undecided.append(base if power % 2 else base**power)
        if not undecided:
            if sign < 0:
                conditions.append(sympy.Integer(-1))  # never positive definite
            continue
        # The minor is positive iff the product of the undecided factors has the right sign;
        # the factors are kept unexpanded so that the condition stays readable.
        factored = sympy.Mul(*[sympy.factor(c.xreplace(back)) for c in undecided], evaluate=False)
        condition = factored if sign > 0 else -factored
        if all(sympy.expand(condition - c) != 0 for c in conditions):
            conditions.append(condition)
    return conditions


def quadratic_invariant(step_map: DiscreteMap) -> QuadraticInvariant:
    r"""Solve :math:`\Phi^\top Q\Phi = Q` for the conserved quadratic form of a linear scheme.

    Parameters
    ----------
    step_map : DiscreteMap
        A scheme applied to a quadratic loss :math:`\tfrac12\theta^\top A\theta` (any
        :math:`d`; symbolic entries are allowed but make the exact solve slower).

    Returns
    -------
    QuadraticInvariant

    Notes
    -----
    The nullspace is computed generically in the step and parameters: special values where
    the rank drops (e.g. :math:`h\omega = 2`) may carry extra invariants that are not reported.
    Signs are decided with the step and every parameter taken positive; each reported
    condition is one leading principal minor (its factors of fixed sign removed), so :math:`Q`
    is positive definite iff every condition is positive.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> dyn = Dynamics.from_text("w**2*x**2/2", "x")
    >>> inv = quadratic_invariant(discrete_map(dyn, "symplectic-euler"))
    >>> inv.energy
    -h*v_x*w**2*x/2 + v_x**2/2 + w**2*x**2/2
    >>> inv.conditions
    (-h*w + 2,)
    >>> print(quadratic_invariant(discrete_map(dyn, "euler")).statement)
    euler has no quadratic invariant; μ^(-k)·E_k is conserved with μ = h**2*w**2 + 1 and E = ...
    """
    step_map = _check_map(step_map)
    if step_map.time_dependent:
        dyn = step_map.dynamics
        raise InvalidArgument("damping", sympy.sstr(dyn.damping[0, 0] if dyn.scalar_damping
                                                    else dyn.damping.tolist()),
                              "depends on time, so the map changes from step to step and no fixed "
                              "quadratic form is conserved or scaled by a constant factor",
                              "use a constant damping for exact invariants")
    A = _quadratic_form(step_map)
    dyn = step_map.dynamics
    d = dyn.dimension
    phi = step_map.jacobian()
    if any(e.has(*step_map.state) for e in phi):
        raise InvalidArgument("step_map", step_map.scheme, "is not linear for this loss",
                              "exact invariants need a quadratic loss")
    target = sympy.diag(A, dyn.mass) / 2
    z = sympy.Matrix(step_map.state)
    notes: list[str] = []
    mu = sympy.Integer(1)
    basis = _solve_invariant(phi, mu)
    exists = bool(basis)
    if not exists:
        det = sympy.factor(phi.det())
        mu = sympy.powdenest(sympy.root(det, d), force=True) if d > 1 else det
        mu = sympy.factor(sympy.expand_power_base(mu, force=True))
        basis = _solve_invariant(phi, mu)
        if not basis:
            return QuadraticInvariant(step_map.scheme, False, None, None, None, 0, (), None, None,
                                      None, ("no quadratic form is conserved or scaled by a "
                                             "common factor per step",))
        notes.append(f"{step_map.scheme} conserves no quadratic form; each step multiplies "
                     f"E = zᵀQz by μ = {mu}")
        notes.append("with μ ≠ 1, Q ≻ 0 marks the oscillatory (complex-eigenvalue) regime where "
                     "μ^(-k)E_k is a norm; it is not the stability range")
    Q, more = _normalise(basis, target, d)
    notes += more
    energy = sympy.expand((z.T * Q * z)[0, 0])
    verdict = prove_zero(phi.T * Q * phi - mu * Q)
    step = step_map.dt
    limit = None
    if isinstance(step, sympy.Symbol):
        limit = prove_zero(Q.applyfunc(lambda e: sympy.limit(e, step, 0)) - target)
    conditions = tuple(_sign_conditions(Q, step))
    stability = None
    free = set().union(*(e.free_symbols for e in Q)) if Q.free_symbols else set()
    if isinstance(step, sympy.Symbol) and free <= {step}:
        h = sympy.Symbol(step.name, real=True)
        system = [c.xreplace({step: h}) > 0 for c in conditions] + [h > 0]
        stability = sympy.reduce_inequalities(system, [h]).as_set() if conditions else \
            sympy.Interval.open(0, sympy.oo)
    return QuadraticInvariant(step_map.scheme, exists, mu, Q, energy, len(basis), conditions,
                              stability, verdict, limit, tuple(notes))


# -- shadow energies -------------------------------------------------------------------------------

def _elementary_differentials(loss: sympy.Expr, coords, velocities, order: int) -> list[sympy.Expr]:
    """The terms of :math:`H_n` allowed by scaling (each :math:`h^nH_n` has the units of
    :math:`I`, and a constant added to :math:`L` changes nothing), contracted without traces."""
    d = len(coords)
    idx = range(d)

    def D(*ks):
        return sympy.diff(loss, *[coords[k] for k in ks])

    v = velocities
    g = [D(i) for i in idx]
    if order == 1:
        return [sum(v[i] * g[i] for i in idx)]
    if order == 2:
        return [sum(v[i] * D(i, j) * v[j] for i in idx for j in idx), sum(g[i] ** 2 for i in idx)]
    if order == 3:
        return [sum(D(i, j, k) * v[i] * v[j] * v[k] for i, j, k in product(idx, repeat=3)),
                sum(v[i] * D(i, j) * g[j] for i in idx for j in idx)]
    if order == 4:
        return [sum(D(i, j, k, l) * v[i] * v[j] * v[k] * v[l] for i, j, k, l in product(idx, repeat=4)),
                sum(D(i, j, k) * v[i] * v[j] * g[k] for i, j, k in product(idx, repeat=3)),
                sum(v[i] * D(i, j) * D(j, k) * v[k] for i, j, k in product(idx, repeat=3)),
                sum(g[i] * D(i, j) * g[j] for i in idx for j in idx)]
    raise InvalidArgument("order", order, "is beyond the supported range", "use 1 to 4")


@dataclass(frozen=True)
class ShadowEnergy:
    r"""The truncated modified (shadow) energy :math:`\tilde H_N = I + \sum_{n\le N} h^n H_n`.

    Attributes
    ----------
    scheme : str
        The scheme's name.
    order : int
        :math:`N`.
    exists : bool
        False when no combination of the elementary differentials works (the scheme is not
        symplectic, e.g. explicit Euler).
    energy : sympy.Expr or None
        :math:`\tilde H_N` for the system's loss.
    coefficients : dict
        ``{n: [c_n1, ...]}``, the solved coefficients of the elementary differentials.
    remainder : LeadingOrder or None
        The leading term of :math:`\tilde H_N(\Phi_h z) - \tilde H_N(z)`, computed in the
        system's own dimension; its order is at least :math:`N + 2` for a successful solve
        (:math:`N + 3` when :math:`H_{N+1} = 0`, as for Verlet at even :math:`N`).
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics, discrete_map, shadow_energy
    >>> s = shadow_energy(discrete_map(Dynamics.from_text("x**2/2", "x"), "symplectic-euler"), 1)
    >>> s.exists, s.order, s.energy
    (True, 1, -h*v_x*x/2 + v_x**2/2 + x**2/2)
    """

    scheme: str
    order: int
    exists: bool
    energy: sympy.Expr | None
    coefficients: dict
    remainder: LeadingOrder | None
    notes: tuple[str, ...] = field(default=())

    @property
    def remainder_order(self) -> int | None:
        return None if self.remainder is None else self.remainder.order

    @property
    def statement(self) -> str:
        if not self.exists:
            return f"{self.scheme}: no shadow energy of this form (the scheme is not symplectic)"
        return (f"{self.scheme}: H~ = {self.energy} changes by O(h^{self.remainder_order}) per step")

    def to_dict(self) -> dict:
        return {"scheme": self.scheme, "order": self.order, "exists": self.exists,
                "energy": None if self.energy is None else sympy.sstr(self.energy),
                "coefficients": {str(k): [sympy.sstr(c) for c in v]
                                 for k, v in self.coefficients.items()},
                "remainder": None if self.remainder is None else self.remainder.to_dict(),
                "notes": list(self.notes), "statement": self.statement}

    def __str__(self) -> str:
        lines = [self.statement]
        if self.remainder is not None and self.remainder.order is not None:
            lines.append(f"  per-step error: {self.remainder}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        if not self.exists:
            return rf"$\text{{{self.scheme}: no shadow energy}}$"
        return (rf"$\tilde H = {sympy.latex(self.energy)} + O(h^{{{self.order + 1}}}),\quad "
                rf"\Delta\tilde H = O(h^{{{self.remainder_order}}})$")


def _shadow(step_map: DiscreteMap, coefficients: dict, order: int) -> sympy.Expr:
    dyn = step_map.dynamics
    h = step_map.dt
    energy = step_map.inertia
    for n in range(1, order + 1):
        terms = _elementary_differentials(dyn.loss, dyn.coordinates, dyn.velocities, n)
        energy += h**n * sum(c * t for c, t in zip(coefficients[n], terms))
    return energy


def _jet_symbols(expr: sympy.Expr) -> list[sympy.Symbol]:
    return [s for s in expr.free_symbols if s.name.startswith(("jet_", "v_"))]


def _solve_coefficients(scheme_map: DiscreteMap, order: int) -> dict | None:
    """Solve for the universal coefficients on the one-dimensional abstract system (the
    elementary differentials have one contraction each, so the coefficients do not depend on
    the dimension; the caller re-checks in the system's own dimension)."""
    from .._dynamics import Dynamics

    probe = discrete_map(Dynamics.abstract(1), scheme_map.scheme,
                         **{**scheme_map.options, "dt": None})
    pdyn = probe.dynamics
    unknowns = {}
    for n in range(1, order + 1):
        count = len(_elementary_differentials(pdyn.loss, pdyn.coordinates, pdyn.velocities, n))
        unknowns[n] = list(sympy.symbols(f"c{n}_1:{count + 1}"))
    jet_map, subs, _ = probe.jet(order + 3)
    energy = _shadow(jet_map, unknowns, order)
    change = (jet_map.compose(energy) - energy).xreplace(subs["at_base"]).xreplace(subs["rename"])
    from ._discrete_maps import _taylor_series

    series = _taylor_series(change, jet_map.dt)
    equations = []
    for _ in range(order + 2):
        coefficient = sympy.expand(next(series))
        if coefficient == 0:
            continue
        gens = _jet_symbols(coefficient) + list(probe.dynamics.coordinates)
        equations += sympy.Poly(coefficient, *gens).coeffs()
    flat = [c for n in unknowns for c in unknowns[n]]
    solution = sympy.solve(equations, flat, dict=True)
    if not solution:
        return None
    return {n: [solution[0].get(c, 0) for c in unknowns[n]] for n in unknowns}


def shadow_energy(step_map: DiscreteMap, order: int = 2) -> ShadowEnergy:
    r"""The backward-error (shadow) energy of an undamped scheme, to ``order`` in the step.

    Parameters
    ----------
    step_map : DiscreteMap
        Undamped, identity mass, symbolic step; any loss (abstract or concrete, any dimension).
    order : int
        :math:`N` in :math:`\tilde H_N = I + hH_1 + \dots + h^NH_N` (1 to 4).

    Returns
    -------
    ShadowEnergy
        With the remainder's leading order proved in the system's own dimension: the lower
        Taylor coefficients of :math:`\tilde H_N(\Phi_h z) - \tilde H_N(z)` are proved zero and
        the leading one shown nonzero.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> se = shadow_energy(discrete_map(Dynamics.abstract(1), "symplectic-euler"), order=2)
    >>> se.coefficients
    {1: [-1/2], 2: [1/12, 1/12]}
    >>> se.remainder_order
    4
    >>> shadow_energy(discrete_map(Dynamics.abstract(1), "euler")).exists
    False
    """
    step_map = _check_map(step_map)
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 4:
        raise InvalidArgument("order", order, "must be an integer from 1 to 4")
    dyn = step_map.dynamics
    if not dyn.undamped:
        raise InvalidArgument("damping", sympy.sstr(dyn.damping[0, 0]) if dyn.damping_kind is DampingKind.SCALAR
                              else dyn.damping.tolist(),
                              "makes the scheme dissipative, so it has no shadow energy",
                              "use quadratic_invariant() for the conformal invariant of a "
                              "quadratic loss, or drop the damping")
    if not dyn.identity_mass:
        raise InvalidArgument("mass", dyn.mass.tolist(), "is not the identity",
                              "shadow energies are implemented for the identity mass only")
    if not isinstance(step_map.dt, sympy.Symbol):
        raise InvalidArgument("dt", step_map.dt, "is a number, so there is no series in it",
                              "give the step as a symbol such as h")
    if step_map.lr is not None and step_map.options.get("lr") is not None:
        raise InvalidArgument("lr", step_map.lr, "fixes the step, so there is no series in it",
                              "give the damping 0 and a symbolic step instead of lr and momentum")
    coefficients = _solve_coefficients(step_map, order)
    if coefficients is None:
        return ShadowEnergy(step_map.scheme, order, False, None, {}, None,
                            ("no combination of the elementary differentials up to this order is "
                             "conserved to the next order",))
    energy = _shadow(step_map, coefficients, order)
    expanded = sympy.expand(energy)

    def change(jet_map: DiscreteMap) -> sympy.Expr:
        e = _shadow(jet_map, coefficients, order)
        return jet_map.compose(e) - e

    # A symmetric scheme (Verlet) has an even expansion, so its remainder can start one order
    # later than N + 2: search one order beyond.
    remainder = leading_order_of_series(step_map.series(change, order + 3))
    notes = ()
    if remainder.order is None:
        notes = (f"the per-step change vanishes through h^{order + 3}; searched no further",)
    return ShadowEnergy(step_map.scheme, order, True, expanded, coefficients, remainder, notes)
