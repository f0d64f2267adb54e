r"""Everything the toolkit says about one scheme applied to one system, in one result.

:func:`analyse_discrete` builds the one-step map (:mod:`._discrete_maps`), the one-step change
of the discrete inertia and its leading order in the step, the scheme's modified energy (the
exact quadratic invariant for a quadratic loss, else the shadow series of
:mod:`._modified_energy`), and for the momentum optimizers the ODE step and damping they
discretise (:mod:`._optimizers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .._dynamics import Dynamics
from .._errors import InvalidArgument
from ._discrete_maps import DiscreteMap, LeadingOrder, discrete_map
from ._modified_energy import QuadraticInvariant, ShadowEnergy, quadratic_invariant, shadow_energy
from ._optimizers import heavy_ball_to_ode

__all__ = ["DiscreteAnalysis", "analyse_discrete"]


@dataclass(frozen=True)
class DiscreteAnalysis:
    r"""The result of :func:`analyse_discrete`.

    Attributes
    ----------
    map : DiscreteMap
        The one-step map analysed.
    inertia_change : sympy.Expr
        :math:`I(\Phi_h z) - I(z)`.
    leading : LeadingOrder or None
        Its leading order in :math:`h` (None for a numeric step).
    invariant : QuadraticInvariant or None
        For a quadratic loss.
    shadow : ShadowEnergy or None
        For an undamped scheme with a symbolic step (or the symbolic series evaluated at a
        numeric step).
    ode_dt, ode_damping : sympy.Expr or None
        For ``heavy-ball``/``nesterov``: the time step :math:`h` and :math:`\gamma` of the ODE
        (:math:`\Gamma`, a matrix, for a matrix damping).
    notes : tuple of str
        Caveats.

    Examples
    --------
    >>> from inertia_verify import Dynamics, analyse_discrete
    >>> a = analyse_discrete(Dynamics.from_text("x**2/2", "x"), "euler", dt=0.1)
    >>> a.map.dt, a.leading, a.invariant.exists, a.invariant.contraction
    (1/10, None, False, 101/100)
    """

    map: DiscreteMap
    inertia_change: sympy.Expr
    leading: LeadingOrder | None
    invariant: QuadraticInvariant | None
    shadow: ShadowEnergy | None
    ode_dt: sympy.Expr | None = None
    ode_damping: sympy.Expr | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def modified_energy(self) -> sympy.Expr | None:
        """The exact invariant when one exists, else the truncated shadow series, else None."""
        if self.invariant is not None and self.invariant.exists:
            return self.invariant.energy
        if self.shadow is not None and self.shadow.exists:
            return self.shadow.energy
        return None

    @property
    def modified_energy_exact(self) -> bool:
        return bool(self.invariant is not None and self.invariant.exists)

    def to_dict(self) -> dict:
        m = self.map
        modified = self.modified_energy
        payload = {
            "scheme": m.scheme,
            "step": sympy.sstr(m.dt),
            "update": m.update,
            "inertia": sympy.sstr(m.inertia),
            "inertia_change": sympy.sstr(self.inertia_change),
            "inertia_change_leading": None if self.leading is None else self.leading.to_dict(),
            "modified_energy": None if modified is None else sympy.sstr(modified),
            "modified_energy_exact": self.modified_energy_exact,
            "modified_energy_kind": ("exact" if self.modified_energy_exact else
                                     "series" if modified is not None else None),
            "quadratic_invariant": None if self.invariant is None else self.invariant.to_dict(),
            "shadow_energy": None if self.shadow is None else self.shadow.to_dict(),
            "notes": list(m.notes) + list(self.notes),
        }
        if m.optimizer:
            payload.update({"lr": sympy.sstr(m.lr), "momentum": sympy.sstr(m.momentum),
                            "h": sympy.sstr(self.ode_dt), "gamma": sympy.sstr(self.ode_damping),
                            "convention": m.options.get("convention")})
        return payload

    def __str__(self) -> str:
        lines = [str(self.map)]
        short = sympy.count_ops(self.inertia_change) < 60
        lines.append("one-step change of I: "
                     + (str(self.inertia_change) if short else "(long; see --json)"))
        if self.leading is not None:
            lines.append(f"  leading order: ΔI = {self.leading}")
        if self.map.optimizer:
            lines.append(f"ODE θ'' + γθ' + ∇L = 0 with h = {self.ode_dt}, γ = {self.ode_damping}")
        if self.invariant is not None:
            lines.append(str(self.invariant))
        if self.shadow is not None:
            lines.append(str(self.shadow))
        if self.modified_energy is None:
            lines.append("modified energy: none (the scheme is dissipative or not symplectic)")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        m = self.map
        rows = [rf"{sympy.latex(s)}' &= {sympy.latex(e)}" for s, e in zip(m.state, m.image)]
        rows.append(rf"\Delta I &= {sympy.latex(self.inertia_change)}")
        if self.modified_energy is not None:
            tag = "" if self.modified_energy_exact else r" + \dots"
            rows.append(rf"\tilde I &= {sympy.latex(self.modified_energy)}{tag}")
        return r"$\begin{aligned}" + r"\\ ".join(rows) + r"\end{aligned}$"


def analyse_discrete(
    dynamics: Dynamics,
    scheme: str,
    *,
    dt: object = None,
    lr: object = None,
    momentum: object = None,
    convention: str = "first-order",
    order: int = 2,
    leading_up_to: int = 4,
) -> DiscreteAnalysis:
    r"""Analyse ``scheme`` on ``dynamics``: the map, :math:`\Delta I`, the modified energy.

    Parameters
    ----------
    dynamics, scheme, dt, lr, momentum, convention
        As :func:`~inertia_verify.discrete_map`.
    order : int
        Order :math:`N` of the shadow energy when there is no exact invariant.
    leading_up_to : int
        How far in :math:`h` to look for the leading term of :math:`\Delta I`.

    Returns
    -------
    DiscreteAnalysis
        The map, :math:`\Delta I` and its leading order, the exact quadratic invariant or the
        shadow energy.

    Examples
    --------
    >>> a = analyse_discrete(Dynamics.from_text("x**2/2", "x"), "symplectic-euler")
    >>> a.leading.order, a.modified_energy, a.modified_energy_exact
    (2, -h*v_x*x/2 + v_x**2/2 + x**2/2, True)
    >>> b = analyse_discrete(Dynamics.from_text("x**2/2", "x"), "heavy-ball", lr=0.01, momentum=0.9)
    >>> b.ode_dt, b.ode_damping, b.modified_energy
    (1/10, 1, None)
    """
    step_map = discrete_map(dynamics, scheme, dt=dt, lr=lr, momentum=momentum,
                            convention=convention)
    notes: list[str] = []
    change = step_map.inertia_change
    symbolic_step = isinstance(step_map.dt, sympy.Symbol)
    leading = step_map.inertia_change_order(max_order=leading_up_to) if symbolic_step else None
    invariant = None
    try:
        invariant = quadratic_invariant(step_map)
    except InvalidArgument:
        pass  # not a quadratic loss: only the series applies
    shadow = None
    undamped = step_map.dynamics.undamped and (step_map.momentum is None or
                                               step_map.momentum == 1)
    identity_mass = step_map.dynamics.identity_mass
    if (invariant is None or not invariant.exists) and undamped and identity_mass:
        if symbolic_step:
            shadow = shadow_energy(step_map, order=order)
        elif step_map.options.get("lr") is None:
            symbolic = discrete_map(dynamics, scheme, convention=convention)
            series = shadow_energy(symbolic, order=order)
            shadow = ShadowEnergy(series.scheme, series.order, series.exists,
                                  None if series.energy is None
                                  else series.energy.xreplace({symbolic.dt: step_map.dt}),
                                  series.coefficients, series.remainder,
                                  series.notes + (f"series derived for symbolic h, evaluated at "
                                                  f"h = {step_map.dt}",))
    elif not identity_mass and undamped:
        notes.append("shadow energies are implemented for the identity mass only")
    ode_dt = ode_damping = None
    if step_map.optimizer:
        if step_map.options.get("lr") is not None:
            mapping = heavy_ball_to_ode(step_map.lr, step_map.momentum, convention=convention)
            ode_dt, ode_damping = mapping["dt"], mapping["damping"]
        else:
            ode_dt = step_map.dt
            ode_damping = dynamics.damping_coefficient
    return DiscreteAnalysis(step_map, change, leading, invariant, shadow, ode_dt, ode_damping,
                            tuple(notes))
