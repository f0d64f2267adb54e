"""Is h conserved for every loss?  The criterion of Marcotte et al. through the toolkit's prover.

Gradient flows (metric M): h(θ) is conserved along θ̇ = −M⁻¹∇ℓ(φ(θ)) for every ℓ iff
⟨∇h, M⁻¹∇φ_j⟩ = 0 for every component j.  Momentum flows: h(t, θ, v) is conserved for every ℓ iff
the drift X_0 and every Y_j annihilate it (see :mod:`._flows`).  Each condition is an expression
that must vanish identically; :func:`~inertia_verify.prove_zero` proves it or refutes it at an
exact point, which becomes the counterexample (a point of parameter space and the component j of
φ along which h changes there).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .._dynamics import TIME
from .._errors import InvalidArgument
from .._expressions import parse_expression
from .._prover import Verdict, prove_zero
from ._flows import Flow, make_flow
from ._models import Model

__all__ = ["LawCheck", "check_law", "criterion"]


@dataclass(frozen=True)
class LawCheck:
    """The verdict on a candidate law.

    Attributes
    ----------
    model : Model
        The model checked.
    flow : Flow
        The flow along which the law must be conserved.
    law : sympy.Expr
        The candidate h(θ) (or h(θ, v) for momentum flows).
    conserved : bool
        True when every criterion held (proved, or numerically verified: see ``verdict``).
    verdict : Verdict
        The prover's verdict on the vector of criteria (one entry per generating field).
    labels : tuple of str
        The generating field of each entry (``X_j`` for ⟨∇h, M⁻¹∇φ_j⟩, ``X_0 (drift)``, ``Y_j``).
    counterexample : dict or None
        For a refuted law: the field along which h changes, the point, and the value of the
        derivative there.

    Examples
    --------
    >>> from inertia_verify.laws import check_law, deep_linear
    >>> result = check_law(deep_linear([1, 1, 1]), "U1_0_0**2 - U2_0_0**2")
    >>> result.conserved, result.verdict.status, result.labels
    (True, 'proved', ('X_0',))
    """

    model: Model
    flow: Flow
    law: sympy.Expr
    conserved: bool
    verdict: Verdict
    labels: tuple[str, ...]
    counterexample: dict | None = None

    def __str__(self) -> str:
        head = f"{self.law}: "
        if self.conserved:
            how = "proved" if self.verdict.proved else "numerically verified"
            return (head + f"conserved for every loss ({how}; {self.flow.describe()} of "
                    f"{self.model.name})")
        if not self.verdict.refuted:
            return head + f"undecided ({self.verdict})"
        ce = self.counterexample or {}
        point = ", ".join(f"{k}={v}" for k, v in ce.get("point", {}).items())
        if len(point) > 300:
            point = point[:300] + ", ..."
        return (head + f"NOT conserved: along {ce.get('field')} the derivative equals "
                f"{ce.get('value')} at {point}")

    def _repr_latex_(self) -> str:
        sign = (r"\text{conserved for every loss}" if self.conserved else
                r"\text{not conserved}" if self.verdict.refuted else r"\text{undecided}")
        return rf"$h = {sympy.latex(self.law)}:\ {sign}$"

    def to_dict(self) -> dict:
        return {"law": str(self.law), "model": self.model.name, **self.flow.to_dict(),
                "conserved": self.conserved, "status": self.verdict.status,
                "method": self.verdict.method,
                "counterexample": None if self.counterexample is None else {
                    "field": self.counterexample["field"],
                    "value": str(self.counterexample["value"]),
                    "point": {k: str(v) for k, v in self.counterexample["point"].items()}}}


def criterion(flow: Flow, law: sympy.Expr) -> tuple[sympy.Matrix, tuple[str, ...]]:
    """The expressions that must all vanish for ``law`` to be conserved for every loss."""
    theta = flow.model.parameters
    jac = flow.model.jacobian()
    if flow.kind == "gradient":
        fields = flow.inverse_metric_gradients()
        grad = [sympy.diff(law, p) for p in theta]
        rows = [sympy.Add(*[f[k] * grad[k] for k in range(len(theta))]) for f in fields]
        return sympy.Matrix(rows), tuple(f"X_{j}" for j in range(len(fields)))
    w = flow.velocities
    tau = flow.tau_expr
    theta_dot = [t * v for t, v in zip(theta, w)] if flow.metric == "mirror" else list(w)
    drift = (sympy.diff(law, TIME) + sympy.Add(*[d * sympy.diff(law, p)
                                                  for d, p in zip(theta_dot, theta)])
             - tau * sympy.Add(*[v * sympy.diff(law, v) for v in w]))
    dw = [sympy.diff(law, v) for v in w]
    rows = [drift] + [sympy.Add(*[jac[j, k] * dw[k] for k in range(len(theta))])
                      for j in range(jac.rows)]
    return sympy.Matrix(rows), ("X_0 (drift)", *[f"Y_{j}" for j in range(jac.rows)])


def check_law(model: Model, law: sympy.Expr | str, flow: str = "gradient", *,
              metric: object = None, tau: object = None, seed: int = 0) -> LawCheck:
    """Check whether ``law`` is conserved along the flow of ``model`` for every loss.

    Parameters
    ----------
    model : Model
    law : sympy expression or str
        h(θ) for gradient flows, h(t, θ, v) for momentum flows (velocities ``v_<name>``, or
        ``w_<name>`` = d log θ/dt for the mirror metric).  Text is parsed by the restricted
        parser; only those names are allowed.
    flow, metric, tau
        As in :func:`count_laws`.
    seed : int
        Seed of the prover's random points.

    Returns
    -------
    LawCheck

    Examples
    --------
    >>> from inertia_verify.laws import deep_linear
    >>> net = deep_linear([2, 2, 2])
    >>> print(check_law(net, "U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2"))
    U1_0_0**2 + U1_1_0**2 - U2_0_0**2 - U2_0_1**2: conserved for every loss (proved; ...)
    >>> bad = check_law(net, "U1_0_0**2 - U2_0_0**2")
    >>> bad.conserved, bad.counterexample["field"]
    (False, 'X_1')
    >>> check_law(net, "U1_0_0 + x")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'law' = 'U1_0_0 + x': unknown name 'x'...
    """
    spec = make_flow(model, flow, metric=metric, tau=tau)
    names = spec.names()
    if isinstance(law, str):
        law = parse_expression(law, argument="law", symbols=names, allowed_names=list(names))
    elif isinstance(law, sympy.Basic) and isinstance(law, sympy.Expr):
        stray = law.free_symbols - set(names.values())
        if stray:
            raise InvalidArgument("law", law, "uses symbols that are not coordinates of the "
                                  f"flow: {', '.join(sorted(map(str, stray)))}",
                                  f"use {', '.join(list(names)[:6])}, ...")
    else:
        raise InvalidArgument("law", law, "must be a sympy expression or a string")
    conditions, labels = criterion(spec, law)
    verdict = prove_zero(conditions, seed=seed)
    counterexample = None
    if verdict.refuted:
        ce = dict(verdict.counterexample)
        entry = ce.pop("entry", (0, 0))
        value = ce.pop("value")
        counterexample = {"field": labels[entry[0]], "value": value, "point": ce}
    return LawCheck(model, spec, law, verdict.holds, verdict, labels, counterexample)
