"""``derive``: the inertia of a system, its rate along the flow, and the proofs of what the rate is.

It sits above the energy (:mod:`._energy`: the inertia, its rate, the dissipation, the canonical
form) and the stochastic calculus (:mod:`._ito`: the drift of :math:`dI` for noisy dynamics), and
puts them together into one :class:`Derivation`: the rate proved equal to the dissipation, the
conservation decided, and the sign of the rate proved or refuted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sympy

from .._display import expression_text, matrix_text
from .._dynamics import Calculus, Dynamics
from .._prover import Verdict, prove_equal, prove_zero
from .._validation import as_dynamics
from ._energy import _check_kinetic, canonical, dissipation, inertia, inertia_rate
from ._ito import ito_differential

__all__ = ["derive", "Derivation"]


@dataclass(frozen=True)
class Derivation:
    """The result of :func:`derive`: the inertia, its rate, and the proof of what the rate is.

    Attributes
    ----------
    dynamics : Dynamics
        The system derived.
    kinetic : {"mass", "identity"}
        The kinetic energy of the inertia.
    inertia : sympy.Expr
        :math:`I`.
    rate : sympy.Expr
        :math:`dI/dt` along the flow, in canonical form.
    dissipation : sympy.Expr
        The predicted :math:`-v^\\top M\\Gamma v`.
    matches_dissipation : Verdict
        Certificate that ``rate == dissipation`` (refuted, with a counterexample, when the energy
        is not the natural one).
    conservation : Verdict
        Certificate that ``rate == 0`` for every value of the parameters (and, with noise, that
        every noise coefficient vanishes too: I is then constant along every path).
    differential : ItoDifferential or None
        With noise: :math:`dI` by Itô's formula, in the system's calculus.  ``rate`` is then its
        drift (the :math:`dt` coefficient), which contains the Itô correction that the ordinary
        chain rule misses; ``noise_terms`` and ``ito_correction`` are its other parts.
    rate_without_noise : sympy.Expr or None
        With noise: the ordinary chain rule along the drift (the noise treated as absent).
    dissipative : InequalityVerdict
        Whether :math:`dI/dt \\le 0` for every state (and every value of the parameters in
        their declared domain); for a noisy system, the sign of the drift of :math:`dI`.
        Proved with a certificate (for a quadratic form, the exact LDLᵀ, and ``zero_set``:
        where :math:`dI/dt = 0`), or refuted with an exact witness state.  Computed on first
        use.
    notes : tuple of str
        Caveats of the derivation.

    Examples
    --------
    >>> from inertia_verify import Dynamics, derive
    >>> d = derive(Dynamics.from_text("x**2/2", "x", damping="gamma"))
    >>> d.inertia, d.rate, d.matches_dissipation.status, d.conservation.status
    (v_x**2/2 + x**2/2, -gamma*v_x**2, 'proved', 'refuted')
    """

    dynamics: Dynamics
    kinetic: str
    inertia: sympy.Expr
    rate: sympy.Expr
    dissipation: sympy.Expr
    matches_dissipation: Verdict
    conservation: Verdict
    notes: tuple[str, ...] = field(default=())
    differential: object = None
    rate_without_noise: sympy.Expr | None = None

    @property
    def noise_terms(self) -> tuple[sympy.Expr, ...]:
        """The coefficients of each :math:`dW_j` in :math:`dI` (empty without noise)."""
        return () if self.differential is None else tuple(self.differential.noise_terms)

    @property
    def ito_correction(self) -> sympy.Expr:
        """The Itô drift minus the ordinary chain rule (0 without noise)."""
        return sympy.S.Zero if self.differential is None else self.differential.ito_correction

    @property
    def conserved(self) -> bool:
        """True when the rate is identically zero (proved or numerically verified)."""
        return self.conservation.holds

    @functools.cached_property
    def dissipative(self):
        """Is :math:`dI/dt \\le 0` for every state?  See the class docstring."""
        from .._inequalities import prove_nonpositive

        scaled = _scaled_norm_sign(self)
        if scaled is not None:
            return scaled
        # Cheap routes only (manifest sign, the exact LDLᵀ of the quadratic form in the
        # velocities, z3, a short witness search): derive must stay fast.
        return prove_nonpositive(self.rate, variables=list(self.dynamics.velocities),
                                 use_sos=False, starts=8, z3_timeout_ms=1000)

    def to_dict(self) -> dict:
        """A JSON-serialisable summary (expressions as SymPy-parseable strings)."""
        dyn = self.dynamics
        return {
            "coordinates": [c.name for c in dyn.coordinates],
            "velocities": [v.name for v in dyn.velocities],
            "parameters": [p.name for p in dyn.parameters],
            "loss": expression_text(dyn.loss),
            "damping": str(dyn.damping[0, 0]) if dyn.scalar_damping
            else matrix_text(dyn.damping),
            "damping_kind": dyn.damping_kind.value,
            "mass": matrix_text(dyn.mass),
            "kinetic": self.kinetic,
            "inertia": expression_text(self.inertia),
            "rate": expression_text(self.rate),
            "dissipation": expression_text(self.dissipation),
            "rate_equals_dissipation": self.matches_dissipation.to_dict(),
            "conserved": self.conserved,
            "conservation": self.conservation.to_dict(),
            "notes": list(self.notes),
            "dissipative": self.dissipative.to_dict(),
            **({} if self.differential is None else {
                "noise": str(dyn.noise.tolist()),
                "noise_kind": dyn.noise_kind.value,
                "calculus": self.differential.calculus.value,
                "noise_terms": [str(n) for n in self.noise_terms],
                "ito_drift": str(self.differential.ito_drift),
                "ito_correction": str(self.ito_correction),
                "expected_rate": str(self.differential.expected_rate),
                "rate_without_noise": str(self.rate_without_noise),
            }),
        }

    def __str__(self) -> str:
        dyn = self.dynamics
        lines = [
            f"dynamics:  theta'' + Gamma theta' + M^-1 grad L = 0   ({dyn!r})",
            f"inertia:   I = {self.inertia}",
            f"rate:      dI/dt = {self.rate}" if self.differential is None else
            f"rate:      drift of dI = {self.rate}   [{self.differential.calculus}]",
            f"predicted: -v^T M Gamma v = {self.dissipation}",
            f"           rate == predicted: {self.matches_dissipation}",
            f"conserved: {'yes' if self.conserved else 'no'} ({self.conservation})",
            f"dissipative (dI/dt <= 0 for every state): {_sign_line(self.dissipative)}",
        ]
        if self.differential is not None:
            dw = "∘dW" if self.differential.calculus is Calculus.STRATONOVICH else "dW"
            lines.insert(3, "noise:     " + (" + ".join(
                f"({n}) {dw}_{j}" for j, n in enumerate(self.noise_terms)) or "0"))
            lines.insert(4, f"           Itô correction to the chain rule: {self.ito_correction}"
                            f"; without noise dI/dt = {self.rate_without_noise}")
        lines += [f"note:      {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rate = sympy.latex(self.rate)
        return (
            r"$\begin{aligned}"
            + self.dynamics.equation_latex().replace("=", "&=", 1)
            + r"\\ I &= " + sympy.latex(self.inertia)
            + r"\\ \frac{dI}{dt} &= " + rate
            + r"\\ &\text{" + ("conserved" if self.conserved else "not conserved")
            + ": " + str(self.matches_dissipation).replace("_", r"\_").replace("^", r"\^{}")
            + r"}\end{aligned}$"
        )


def _scaled_norm_sign(result: Derivation):
    r"""The sign of :math:`dI/dt = -c\,\|v\|^2`, decided on the scalar damping :math:`c` alone.

    Applies when the rate is proved equal to the dissipation of a scalar (or time-dependent)
    damping with the identity mass and there is no noise; None otherwise.  Then
    :math:`dI/dt \le 0` for every state exactly when :math:`c \ge 0` wherever its symbols
    range (take :math:`v = e_1`), so the general prover runs on :math:`c` (a few symbols)
    instead of on a quadratic form in :math:`d` velocities, whose LDLᵀ costs :math:`O(d^3)`.
    The LDLᵀ of the diagonal form is the form itself: a proof keeps the certificate
    :math:`-dI/dt = \sum_i c\,v_i^2` (that identity is ``matches_dissipation``), a refutation
    puts the point where :math:`c < 0` beside :math:`v = e_1`.
    """
    from .._inequalities import InequalityVerdict, prove_nonnegative

    dyn = result.dynamics
    if (result.differential is not None or not result.matches_dissipation.proved
            or dyn.damping_kind not in ("scalar", "time")
            or dyn.mass != sympy.eye(dyn.dimension)):
        return None
    c, velocities = dyn.damping[0, 0], dyn.velocities
    options = {"use_sos": False, "starts": 8, "z3_timeout_ms": 1000}
    sign = prove_nonnegative(c, **options)
    rate_text, c_text = expression_text(result.rate), expression_text(c)
    shown = sign.domain if sign.domain != "a constant" else ""
    common = {"expression": result.rate, "relation": f"{rate_text} <= 0", "strict": False,
              "domain": shown + ("; " if shown else "")
              + f"{', '.join(map(str, velocities))}: reals (both signs, any size)"}
    if sign.proved:
        positive = prove_nonnegative(c, strict=True, **options).proved
        certificate = {"kind": "quadratic form", "offset": 0,
                       "terms": [(c, 1, v) for v in velocities],
                       "identity": f"{rate_text} <= 0: f == sum of coefficient * "
                                   "(linear form)**2"}
        return InequalityVerdict(
            status="proved", certificate=certificate,
            method=f"quadratic form: exact LDLᵀ of the diagonal form -c‖v‖², "
                   f"c = {c_text} {'>' if positive else '>='} 0 ({sign.method})",
            zero_set=tuple(velocities) if positive else None, **common)
    if sign.refuted:
        unit = {v: sympy.Integer(int(i == 0)) for i, v in enumerate(velocities)}
        point = {k: value for k, value in sign.counterexample.items() if k != "value"}
        witness = {**point, **{str(v): value for v, value in unit.items()},
                   "value": -sign.counterexample["value"]}
        return InequalityVerdict(
            status="refuted", counterexample=witness, subs={**(sign.subs or {}), **unit},
            method=f"dI/dt = -c‖v‖² with c = {c_text} < 0 at a point ({sign.method}), "
                   f"{velocities[0]} = 1 and the other velocities 0", **common)
    return InequalityVerdict(status=sign.status, reason=sign.reason,
                             method=f"dI/dt = -c‖v‖², sign of c = {c_text}: {sign.method}",
                             max_residual=sign.max_residual, **common)


def _sign_line(verdict) -> str:
    if verdict.status == "proved":
        zero = ""
        if verdict.zero_set is not None:
            zero = "; dI/dt = 0 exactly where " + ", ".join(f"{z} = 0" for z in verdict.zero_set)
        return f"yes, proved ({verdict.method}){zero}"
    if verdict.status == "refuted":
        ce = {k: v for k, v in verdict.counterexample.items() if k != "value"}
        at = ", ".join(f"{k}={v}" for k, v in ce.items())
        return f"no: at {at} dI/dt = {verdict.counterexample['value']} > 0 ({verdict.method})"
    return str(verdict)


def derive(dynamics: Dynamics, *, kinetic: str = "mass", **prover_options) -> Derivation:
    """Derive :math:`I`, :math:`dI/dt` and prove what the rate is.

    Parameters
    ----------
    dynamics : Dynamics
    kinetic : {"mass", "identity"}
        Which kinetic energy defines :math:`I` (see :func:`inertia`).
    **prover_options
        Passed to :func:`~inertia_verify.prove_zero` (``digits``, ``points``, ``seed``).

    Returns
    -------
    Derivation
        For a noisy system, ``rate`` is the drift of :math:`dI` by Itô's formula (or the
        Stratonovich chain rule when the system is declared in that calculus), never the
        ordinary chain rule; ``noise_terms``, ``ito_correction`` and ``rate_without_noise``
        hold the other parts.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> result = derive(Dynamics.from_text("x**4/4 - x**2/2", "x", damping="gamma"))
    >>> result.rate
    -gamma*v_x**2
    >>> result.matches_dissipation.status, result.conserved
    ('proved', False)

    With noise the rate is the Itô drift, and it does not match the dissipation:

    >>> noisy = derive(Dynamics.from_text("x**2/2", "x", damping="g", noise="s"))
    >>> noisy.rate, noisy.noise_terms, noisy.ito_correction
    (-g*v_x**2 + s**2/2, (s*v_x,), s**2/2)
    >>> noisy.matches_dissipation.status
    'refuted'

    The sign of the rate, with a certificate or a witness state:

    >>> derive(Dynamics.from_text("x**2/2", "x", damping="2")).dissipative.zero_set
    (v_x,)
    >>> bad = derive(Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="[[1,3],[0,1]]"))
    >>> bad.dissipative.status, bad.dissipative.counterexample
    ('refuted', {'v_x': 1, 'v_y': -1, 'value': 1})
    """
    dynamics = as_dynamics(dynamics)
    kinetic = _check_kinetic(kinetic)
    energy = inertia(dynamics, kinetic=kinetic)
    rate = inertia_rate(dynamics, kinetic=kinetic)
    predicted = dissipation(dynamics)
    notes = []
    if kinetic == "identity" and not dynamics.identity_mass:
        notes.append("with a non-identity mass, ½‖v‖² + L is not the natural energy; "
                     "the rate keeps the remainder vᵀ(I − M⁻¹)∇L")
    differential, without_noise, still = None, None, rate
    if dynamics.is_noisy:
        differential = ito_differential(dynamics, energy, calculus=dynamics.calculus)
        without_noise, rate = rate, canonical(differential.drift)
        # Conserved along every path only if the drift and every noise coefficient vanish.
        still = sympy.Matrix([rate, *differential.noise_terms])
        notes.append(f"with noise, the rate is the drift of dI in the {dynamics.calculus} "
                     "calculus (the ordinary chain rule would miss the Itô correction); "
                     "'conserved' asks that the noise terms vanish too")
    return Derivation(
        dynamics=dynamics,
        kinetic=kinetic,
        inertia=energy,
        rate=rate,
        dissipation=predicted,
        matches_dissipation=prove_equal(rate, predicted, **prover_options),
        conservation=prove_zero(still, **prover_options),
        notes=tuple(notes),
        differential=differential,
        rate_without_noise=without_noise,
    )
