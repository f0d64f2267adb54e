r"""The computational inertia of a real training run, from the parameters and the loss alone.

A heavy-ball or Nesterov loop with learning rate :math:`\alpha` and momentum :math:`\beta`,

.. math:: \theta_{k+1} = \theta_k - \alpha\nabla L(\cdot) + \beta(\theta_k - \theta_{k-1}),

is read as a discretisation of :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0` with step
:math:`h = \sqrt\alpha` and velocity :math:`v_k = (\theta_k - \theta_{k-1})/h` (see
:func:`~inertia_verify.symbolic._optimizers.heavy_ball_to_ode`; :math:`\gamma = (1-\beta)/h`, or
:math:`-\ln\beta/h` in the conformal convention).  The monitor tracks, at every step,

* the discrete inertia :math:`I_k = \tfrac12\|v_k\|^2 + L_k` (the paper's eq. 11);
* its change :math:`\Delta I_k = I_k - I_{k-1}`;
* the part explained by the damping, :math:`D_k = -\tfrac12(1-\beta^2)\|v_{k-1}\|^2`: exactly
  what the momentum factor alone (:math:`v \mapsto \beta v`, no gradient) removes from
  :math:`\tfrac12\|v\|^2` in one step, and :math:`-\gamma h\|v\|^2 + O(h^2)` in the ODE's terms;
* the remainder :math:`R_k = \Delta I_k - D_k`: the discretisation error (:math:`O(h^2)` per step
  for a smooth full-batch loss), curvature, and the energy that gradient noise pumps in;
* the modified inertia :math:`\tilde I_k = L_k + \tfrac12 v_k\cdot\big(v_{k+1} + (1-\beta)v_k\big)`,
  one step behind.  For heavy ball it equals :math:`I_k - \tfrac h2 v_k\cdot\nabla L(\theta_k)`
  exactly, the modified energy of symplectic Euler, conserved exactly for a quadratic loss
  without damping and free of the :math:`O(h)` oscillation of :math:`I_k`.

No gradient is needed: the velocities come from consecutive parameters.  Memory is two copies
of the parameters (:math:`\theta_{k-1}` and :math:`\theta_{k-2}`, swapped each step) plus a
small block, and each step makes one blocked pass that reads :math:`\theta_k,
\theta_{k-1}, \theta_{k-2}` and overwrites the oldest copy with :math:`\theta_k` (per
cache-sized block: two subtractions, two ``einsum`` dot products, one copy).
The velocity before the first step is taken as 0 (an optimizer whose momentum buffer starts at
zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._errors import InvalidArgument

__all__ = ["InertiaMonitor", "InertiaStep"]

_CONVENTIONS = ("first-order", "conformal")

#: Elements per block: 16384 float64 (128 KiB) per operand, so the block of θ_k, θ_{k-1} and
#: the previous difference stays in cache across the subtraction, both dot products and the
#: copies (5 passes over memory instead of 8).
_BLOCK = 1 << 14


def _advance(theta, previous, older, scratch):
    """Return ``(‖θ_k - θ_{k-1}‖², (θ_k - θ_{k-1})·(θ_{k-1} - θ_{k-2}))`` and overwrite
    ``older`` (θ_{k-2}) with θ_k, blockwise, so the caller swaps the two buffers.  With
    ``older`` None only the first is computed and ``previous`` itself takes θ_k."""
    squared = cross = 0.0
    n = theta.size
    half = scratch.size // 2
    for start in range(0, n, half):
        stop = min(start + half, n)
        new = scratch[: stop - start]
        np.subtract(theta[start:stop], previous[start:stop], out=new)
        # einsum, not np.dot: BLAS threads would contend with the training loop's own.
        squared += float(np.einsum("i,i->", new, new))
        if older is None:
            previous[start:stop] = theta[start:stop]
            continue
        old = scratch[half: half + stop - start]
        np.subtract(previous[start:stop], older[start:stop], out=old)
        cross += float(np.einsum("i,i->", new, old))
        older[start:stop] = theta[start:stop]
    return squared, cross


@dataclass(frozen=True)
class InertiaStep:
    """What :meth:`InertiaMonitor.update` measured at one step."""

    step: int
    loss: float
    kinetic: float
    inertia: float
    change: float | None
    damping: float | None
    remainder: float | None


def _number(value, argument: str) -> float:
    if isinstance(value, bool):
        raise InvalidArgument(argument, value, "must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "must be a number") from exc
    return number


class InertiaMonitor:
    r"""Track the discrete inertia of a heavy-ball or Nesterov training loop.

    Parameters
    ----------
    lr : float
        The learning rate :math:`\alpha > 0`.
    momentum : float
        :math:`\beta \in [0, 1]` (1: no damping).
    nesterov : bool
        Only recorded (the identities above use the parameters only and hold for both).
    convention : {"first-order", "conformal"}
        How :attr:`damping` :math:`\gamma` is read off :math:`\beta`.
    step : float, optional
        The time step :math:`h` (default :math:`\sqrt\alpha`, which makes the ODE
        :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0`).
    track_modified : bool
        Also track the modified inertia (one more copy of the parameters and one more dot
        product per step).

    Examples
    --------
    Heavy ball on :math:`L = \tfrac12\theta^2` without damping: :math:`I_k` oscillates, the
    modified inertia does not move.

    >>> lr, beta = 0.01, 1.0
    >>> monitor = InertiaMonitor(lr=lr, momentum=beta)
    >>> theta, previous = np.array([1.0]), np.array([1.0])
    >>> for k in range(200):
    ...     _ = monitor.update([theta], 0.5 * float(theta @ theta))
    ...     theta, previous = theta - lr * theta + beta * (theta - previous), theta
    >>> spread = np.ptp(monitor.modified_inertia)
    >>> bool(spread < 1e-14), bool(np.ptp(monitor.inertia[1:]) > 1e-3)
    (True, True)
    """

    def __init__(self, lr: float, momentum: float, *, nesterov: bool = False,
                 convention: str = "first-order", step: float | None = None,
                 track_modified: bool = True) -> None:
        self.lr = _number(lr, "lr")
        self.momentum = _number(momentum, "momentum")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise InvalidArgument("lr", lr, "must be positive and finite")
        if not 0 <= self.momentum <= 1:
            raise InvalidArgument("momentum", momentum, "must lie in [0, 1]",
                                  "heavy ball and Nesterov use 0 <= momentum <= 1")
        if convention not in _CONVENTIONS:
            raise InvalidArgument("convention", convention, "is not a known convention",
                                  f"use one of {', '.join(_CONVENTIONS)}")
        if convention == "conformal" and self.momentum == 0:
            raise InvalidArgument("momentum", momentum, "is 0: infinite damping in the conformal "
                                  "convention", "use convention='first-order'")
        self.nesterov = bool(nesterov)
        self.track_modified = bool(track_modified)
        self.convention = convention
        self.h = math.sqrt(self.lr) if step is None else _number(step, "step")
        if not (self.h > 0 and math.isfinite(self.h)):
            raise InvalidArgument("step", step, "must be positive and finite")
        beta = self.momentum
        self.damping = ((1 - beta) if convention == "first-order" else -math.log(beta)) / self.h
        self._shrink = 0.5 * (1 - beta * beta)  # D_k = -shrink * ||v_{k-1}||²
        self._previous: list[np.ndarray] | None = None
        self._older: list[np.ndarray] = []
        self._scratch = np.empty(0)
        self._shapes: tuple = ()
        self._mode = "params"            # or "displacement": fixed by the first update
        self._last_sq = 0.0          # ||θ_k - θ_{k-1}||²
        self._last_loss = math.nan
        self.loss: list[float] = []
        self.kinetic: list[float] = []
        self.inertia: list[float] = []
        self.change: list[float] = []
        self.damping_part: list[float] = []
        self.remainder: list[float] = []
        self.modified_inertia: list[float] = []
        self.diverged_at: int | None = None

    # -- the per-step work ---------------------------------------------------------------------
    def _arrays(self, params) -> list[np.ndarray]:
        if isinstance(params, np.ndarray):
            params = [params]
        try:
            arrays = [np.asarray(p) for p in params]
        except TypeError as exc:
            raise InvalidArgument("params", type(params).__name__,
                                  "must be an array or a sequence of arrays") from exc
        if not arrays:
            raise InvalidArgument("params", params, "is empty", "pass the model's parameter arrays")
        for a in arrays:
            if a.dtype.kind not in "fc":
                raise InvalidArgument("params", str(a.dtype), "must be floating-point arrays")
        return arrays

    def update(self, params, loss: float, *, displacement=None,
               scale: float = 1.0) -> InertiaStep:
        """Record step :math:`k`: the parameters :math:`\\theta_k` (after the optimizer's
        update, or before the first one) and the loss :math:`L_k` at them.

        Parameters
        ----------
        params : ndarray or sequence of ndarray
            Any shapes and any number of arrays, the same at every call.
        loss : float
        displacement : ndarray or sequence of ndarray, optional
            The step just taken, :math:`\\theta_k - \\theta_{k-1} = ` ``scale * displacement``,
            when the training loop has it anyway (for heavy ball in PyTorch's convention it is
            the momentum buffer, with ``scale=-lr``; never the gradient).  The monitor then needs
            no copy of the parameters: one pass over memory instead of three, which is what
            keeps it within a few percent of a training step.  Use it at every call or never.
        scale : float
            See ``displacement``.
        """
        arrays = self._arrays(params)
        loss = _number(loss, "loss")
        k = len(self.loss)
        shapes = tuple(a.shape for a in arrays)
        mode = "params" if displacement is None else "displacement"
        if k == 0:
            self._mode, self._shapes = mode, shapes
        elif mode != self._mode:
            raise InvalidArgument("displacement", mode, f"this monitor was started in "
                                  f"{self._mode!r} mode", "pass displacement= at every call or never")
        elif shapes != self._shapes:
            raise InvalidArgument("params", shapes, f"changed shape (was {self._shapes})",
                                  "pass the same parameter arrays at every step")
        if mode == "displacement":
            squared, cross = self._from_displacement(displacement, _number(scale, "scale"), k)
        elif self._previous is None:
            self._previous = [np.array(a, dtype=float).reshape(-1) for a in arrays]
            # θ_{-1} = θ_0: the velocity before the first step is 0.
            self._older = [p.copy() for p in self._previous] if self.track_modified else []
            self._scratch = np.empty(2 * min(_BLOCK, max(a.size for a in arrays)))
            squared = cross = 0.0
        else:
            squared = cross = 0.0
            olders = self._older if self.track_modified else [None] * len(arrays)
            for a, prev, older in zip(arrays, self._previous, olders):
                s, c = _advance(a.reshape(-1), prev, older, self._scratch)
                squared += s
                cross += c
            if self.track_modified:
                self._previous, self._older = self._older, self._previous
        h2 = self.h * self.h
        kinetic = 0.5 * squared / h2
        if k >= 1 and self.track_modified:
            # Ĩ_{k-1} = L_{k-1} + ½ v_{k-1}·(v_k + (1-β) v_{k-1}); v_0 = 0 at k = 1 in
            # parameter mode (θ_{-1} = θ_0).
            self.modified_inertia.append(
                self._last_loss + 0.5 * (cross + (1 - self.momentum) * self._last_sq) / h2)
        self._last_sq = squared
        self._last_loss = loss
        inertia = kinetic + loss
        change = damping = remainder = None
        if k >= 1:
            change = inertia - self.inertia[-1]
            damping = -self._shrink * 2.0 * self.kinetic[-1]
            remainder = change - damping
            self.change.append(change)
            self.damping_part.append(damping)
            self.remainder.append(remainder)
        self.loss.append(loss)
        self.kinetic.append(kinetic)
        self.inertia.append(inertia)
        if self.diverged_at is None and not math.isfinite(inertia):
            self.diverged_at = k
        return InertiaStep(k, loss, kinetic, inertia, change, damping, remainder)

    def _from_displacement(self, displacement, scale: float, k: int) -> tuple[float, float]:
        """``(‖θ_k − θ_{k−1}‖², (θ_k − θ_{k−1})·(θ_{k−1} − θ_{k−2}))`` from the given step."""
        steps = self._arrays(displacement)
        if tuple(a.shape for a in steps) != self._shapes:
            raise InvalidArgument("displacement", tuple(a.shape for a in steps),
                                  f"must have the parameters' shapes {self._shapes}")
        # einsum, not np.dot: BLAS threads would contend with the training loop's own.
        squared = scale * scale * sum(float(np.einsum("i,i->", a.reshape(-1), a.reshape(-1)))
                                      for a in steps)
        cross = 0.0
        if self.track_modified:
            if k >= 1:
                cross = scale * sum(float(np.einsum("i,i->", a.reshape(-1), p))
                                    for a, p in zip(steps, self._previous))
            # Keep scale·displacement for the next cross term (the copy the fast path avoids
            # only when track_modified is off).
            self._previous = [scale * a.reshape(-1) for a in steps]
        return squared, cross

    # -- reporting -----------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return len(self.loss)

    def summary(self) -> dict:
        """Totals over the run: how much of the change of :math:`I` the damping explains.

        ``increases`` counts the steps where :math:`I` went up by more than
        ``64 ε max(1, |I|)`` (round-off of the two sums that make :math:`I`).
        """
        eps = float(np.finfo(float).eps)
        inertia = np.asarray(self.inertia)
        change = np.asarray(self.change)
        tolerance = 64 * eps * np.maximum(1.0, np.abs(inertia[1:])) if change.size else change
        modified = np.diff(np.asarray(self.modified_inertia))
        mod_tol = 64 * eps * np.maximum(1.0, np.abs(np.asarray(self.modified_inertia[1:])))
        return {
            "steps": self.steps, "lr": self.lr, "momentum": self.momentum, "h": self.h,
            "gamma": self.damping, "convention": self.convention, "nesterov": self.nesterov,
            "inertia_first": float(inertia[0]) if inertia.size else None,
            "inertia_last": float(inertia[-1]) if inertia.size else None,
            "total_change": float(change.sum()) if change.size else 0.0,
            "damping_explained": float(np.sum(self.damping_part)),
            "remainder": float(np.sum(self.remainder)),
            "increases": int((change > tolerance).sum()) if change.size else 0,
            "largest_increase": float(change.max()) if change.size else 0.0,
            "modified_increases": int((modified > mod_tol).sum()) if modified.size else 0,
            "diverged_at": self.diverged_at,
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "inertia": list(self.inertia), "loss": list(self.loss),
                "change": list(self.change), "damping": list(self.damping_part),
                "remainder": list(self.remainder), "modified_inertia": list(self.modified_inertia)}

    def __str__(self) -> str:
        s = self.summary()
        if not s["steps"]:
            return "InertiaMonitor: no steps yet"
        lines = [f"InertiaMonitor: {s['steps']} steps, lr = {s['lr']:g}, momentum = {s['momentum']:g} "
                 f"(h = {s['h']:.4g}, γ = {s['gamma']:.4g}, {s['convention']})",
                 f"  I: {s['inertia_first']:.6g} -> {s['inertia_last']:.6g}; total change "
                 f"{s['total_change']:.4g} = damping {s['damping_explained']:.4g} + remainder "
                 f"{s['remainder']:.4g}",
                 f"  steps where I increased: {s['increases']} (largest {s['largest_increase']:.3g}); "
                 f"where the modified inertia increased: {s['modified_increases']}"]
        if s["diverged_at"] is not None:
            lines.append(f"  diverged: I is not finite from step {s['diverged_at']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html
        return "<pre>" + html.escape(str(self)) + "</pre>"
