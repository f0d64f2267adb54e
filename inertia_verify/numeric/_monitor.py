r"""The computational inertia of a real training run, from the parameters and the loss alone.

A heavy-ball or Nesterov loop with learning rate :math:`\alpha` and momentum :math:`\beta`,

.. math:: \theta_{k+1} = \theta_k - \alpha\nabla L(\cdot) + \beta(\theta_k - \theta_{k-1}),

is read as a discretisation of :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0` with step
:math:`h = \sqrt\alpha` and velocity :math:`v_k = (\theta_k - \theta_{k-1})/h` (see
:func:`~inertia_verify.heavy_ball_to_ode`; :math:`\gamma = (1-\beta)/h`, or
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

Where the training runs:

* NumPy arrays: :meth:`InertiaMonitor.update` computes each record at once, on the host.
* PyTorch tensors (``update(model.parameters(), loss)``, tensors that require grad included) and
  JAX arrays or pytrees: the norms and dot products are computed on the arrays' device, in their
  dtype with float64 accumulation (PyTorch: over blocks of 1024 summed in the dtype; JAX: when
  ``jax_enable_x64`` is on), and kept there; they are fetched in blocks of
  :data:`_FETCH_EVERY` steps or when a record is read, so the loop never waits for the host.
* :meth:`InertiaMonitor.attach` hooks a ``torch.optim.SGD`` and reads its hyper-parameters at every
  step (schedulers included); :meth:`InertiaMonitor.observe` hands it each step's loss.
* :func:`~inertia_verify.numeric.jax_inertia_step` is the pure, jit-friendly function for a JAX
  loop (``optax.sgd``); see :mod:`inertia_verify.numeric._monitor_jax`.

With hyper-parameters that change from step to step (a scheduler), record :math:`k` uses those
of the step :math:`\theta_{k-1}\to\theta_k`: :math:`h_k = \sqrt{\alpha_k}` in
:math:`v_k = (\theta_k-\theta_{k-1})/h_k`, and :math:`\beta_k` in :math:`D_k`; a change of
:math:`\alpha` rescales the time, and the jump of :math:`\tfrac12\|v\|^2` it causes shows in
the remainder.  The heavy-ball reading :math:`(\alpha, \beta) \to (h, \gamma)` is
:func:`~inertia_verify.heavy_ball_to_ode`, compiled once per convention.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np

from .._errors import InvalidArgument, require_extra
from .._tolerances import roundoff_floor
from ..symbolic._optimizers import _check_convention, _check_momentum_reading
from .._validation import as_float, as_positive_real
from ._readings import ode_reading

__all__ = ["InertiaMonitor", "InertiaStep"]

#: Device-side records are fetched to the host in blocks of this many steps (one transfer each).
_FETCH_EVERY = 256


def _array_kind(value) -> str:
    """``"torch"``, ``"jax"`` or ``"numpy"``: decided by type, without importing torch or JAX
    (a caller who has such arrays has imported the library already)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return "torch"
    jax = sys.modules.get("jax")
    if jax is not None and isinstance(value, jax.Array):
        return "jax"
    return "numpy"

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
    r"""What :meth:`InertiaMonitor.update` measured at one step.

    Attributes
    ----------
    step : int
        :math:`k`, counted from 0.
    loss : float
        :math:`L_k`, as passed to ``update``.
    kinetic : float
        :math:`\tfrac12\|v_k\|^2` with :math:`v_k = (\theta_k - \theta_{k-1})/h`.
    inertia : float
        :math:`I_k = \tfrac12\|v_k\|^2 + L_k`.
    change : float or None
        :math:`\Delta I_k = I_k - I_{k-1}` (None at the first step).
    damping : float or None
        :math:`D_k = -\tfrac12(1-\beta^2)\|v_{k-1}\|^2`, the part of the change the momentum
        factor explains.
    remainder : float or None
        :math:`R_k = \Delta I_k - D_k`.
    modified_inertia : float or None
        :math:`\tilde I_k`, known one step later (None for the last record, and in
        :meth:`InertiaMonitor.update`'s return value).
    alpha, beta : float or None
        The heavy-ball learning rate :math:`\alpha` and momentum :math:`\beta` of the step that
        led to :math:`\theta_k` (for PyTorch's SGD :math:`\alpha = (1-\tau)\,\text{lr}`).

    Examples
    --------
    >>> monitor = InertiaMonitor(lr=0.01, momentum=0.9)
    >>> for theta in [1.0, 0.9]:
    ...     record = monitor.update([np.array([theta])], theta ** 2 / 2)
    >>> record.step, round(record.kinetic, 6), round(record.inertia, 6), round(record.damping, 6)
    (1, 0.5, 0.905, 0.0)
    """

    step: int
    loss: float
    kinetic: float
    inertia: float
    change: float | None
    damping: float | None
    remainder: float | None
    modified_inertia: float | None = None
    alpha: float | None = None
    beta: float | None = None


class InertiaMonitor:
    r"""Track the discrete inertia of a heavy-ball or Nesterov training loop.

    Parameters
    ----------
    lr : float, optional
        The learning rate :math:`\alpha > 0`.  Leave ``lr`` and ``momentum`` out to read them
        from an optimizer with :meth:`attach`.
    momentum : float, optional
        :math:`\beta \in [0, 1]` (1: no damping).
    nesterov : bool
        Only recorded (the identities above use the parameters only; the modified inertia's
        gradient form holds for heavy ball).
    convention : {"first-order", "conformal"}
        How :attr:`damping` :math:`\gamma` is read off :math:`\beta`.
    dt : float, optional
        The time step :math:`h` (default :math:`\sqrt\alpha`, which makes the ODE
        :math:`\ddot\theta + \gamma\dot\theta + \nabla L = 0`).
    track_modified : bool
        Also track the modified inertia (NumPy arrays and JAX: one more copy of the parameters
        and one more dot product per step; PyTorch copies: two more, the previous step and a
        spare it is swapped with; an attached SGD with momentum: the norm of the gradient, no
        copy).

    Attributes
    ----------
    lr, momentum : float
        :math:`\alpha, \beta` of the latest step (NaN before the first one when read from an
        optimizer).
    dt : float
        The time step :math:`h` of the latest step (``dt`` when given, else :math:`\sqrt\alpha`).
    damping : float
        :math:`\gamma` read off :math:`\beta` at that step (see ``convention``).

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

    def __init__(self, lr: float | None = None, momentum: float | None = None, *,
                 nesterov: bool = False, convention: str = "first-order",
                 dt: float | None = None, track_modified: bool = True) -> None:
        # The convention and its reading (α, β) -> (h, γ) come from the optimizer module, derived.
        self.convention = _check_convention(convention)
        self.track_modified = bool(track_modified)
        self._step_override = None if dt is None else as_positive_real(dt, "dt")
        self.nesterov = bool(nesterov)
        # The hyper-parameters of the latest step (fixed here, or read from an attached
        # optimizer): lr, momentum, dt and damping describe the run's current state.
        self.lr = self.momentum = self.dt = self.damping = math.nan
        self._fixed = lr is not None or momentum is not None
        if self._fixed:
            if lr is None or momentum is None:
                raise InvalidArgument("lr" if lr is None else "momentum", None,
                                      "is missing while the other one is given",
                                      "give both, or neither and attach an optimizer")
            self._set_hyper(as_float(lr, "lr"), as_float(momentum, "momentum"), "lr", "momentum")
        self._previous: list[np.ndarray] | None = None
        self._older: list[np.ndarray] = []
        self._scratch = np.empty(0)
        self._shapes: tuple = ()
        self._mode = "params"            # or "displacement": fixed by the first update
        self._backend = None             # "numpy", or the device tracker of torch / JAX arrays
        self._pending: list[tuple] = []  # (loss, ‖Δθ‖², Δθ·Δθ_prev, α, β), possibly on device
        self._last_sq = 0.0          # ||θ_k - θ_{k-1}||²
        self._last_loss = math.nan
        self._last_h = math.nan
        self._lists = {name: [] for name in ("loss", "kinetic", "inertia", "change",
                                             "damping_part", "remainder", "modified_inertia",
                                             "alpha", "beta")}
        self.diverged_at: int | None = None
        # Set by attach(): the optimizer's hooks and the pairing of steps with losses.
        self._attached = None

    def _set_hyper(self, lr: float, momentum: float, lr_name: str, momentum_name: str) -> None:
        self._check_hyper(lr, momentum, lr_name, momentum_name)
        step, damping = ode_reading(self.convention)
        self.lr, self.momentum = lr, momentum
        self.dt = step(lr, momentum) if self._step_override is None else self._step_override
        # γ from the derived reading, at the step h actually used.
        self.damping = damping(lr, momentum) * (step(lr, momentum) / self.dt)

    def _check_hyper(self, lr: float, momentum: float, lr_name: str, momentum_name: str) -> None:
        if not (lr > 0 and math.isfinite(lr)):
            raise InvalidArgument(lr_name, lr, "must be positive and finite")
        if not 0 <= momentum <= 1:
            raise InvalidArgument(momentum_name, momentum, "must lie in [0, 1]",
                                  "heavy ball and Nesterov use 0 <= momentum <= 1")
        _check_momentum_reading(momentum, self.convention, momentum_name)

    # -- the records ---------------------------------------------------------------------------
    def _flush(self) -> None:
        """Fetch the pending device-side sums (one transfer) and append their records."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        if self._backend not in (None, "numpy"):
            sums = self._backend.fetch([record[0] for record in pending])
        else:
            sums = [record[0] for record in pending]
        for (loss, squared, cross), (_, alpha, beta) in zip(sums, pending):
            self._append(loss, squared, cross, alpha, beta)

    def _push(self, sums, alpha: float, beta: float) -> None:
        """Queue ``sums`` = (loss, ‖Δθ‖², Δθ·Δθ_prev), three values or one array of three,
        possibly on a device."""
        self._pending.append((sums, alpha, beta))
        if len(self._pending) >= _FETCH_EVERY:
            self._flush()

    def _append(self, loss: float, squared: float, cross: float, alpha: float,
                beta: float) -> InertiaStep:
        """Record step k from ``‖θ_k − θ_{k−1}‖²``, ``(θ_k − θ_{k−1})·(θ_{k−1} − θ_{k−2})`` and the
        hyper-parameters of the step θ_{k−1} → θ_k."""
        lists = self._lists
        loss, squared, cross = float(loss), float(squared), float(cross)
        if not self._fixed and (alpha, beta) != (self.lr, self.momentum):
            self._set_hyper(alpha, beta, "lr", "momentum")  # checked when they were read
        h = ode_reading(self.convention)[0](alpha, beta) if self._step_override is None \
            else self._step_override
        k = len(lists["loss"])
        kinetic = 0.5 * squared / (h * h)
        if k >= 1 and self.track_modified:
            # Ĩ_{k-1} = L_{k-1} + ½ v_{k-1}·(v_k + (1-β) v_{k-1}); v_0 = 0 at k = 1 in
            # parameter mode (θ_{-1} = θ_0).
            hp = self._last_h
            lists["modified_inertia"].append(
                self._last_loss + 0.5 * (cross / (h * hp) + (1 - beta) * self._last_sq / (hp * hp)))
        self._last_sq, self._last_loss, self._last_h = squared, loss, h
        inertia = kinetic + loss
        change = damping = remainder = None
        if k >= 1:
            change = inertia - lists["inertia"][-1]
            # D_k = -½(1-β²)‖v_{k-1}‖², what v ↦ βv alone removes.
            damping = -(1 - beta * beta) * lists["kinetic"][-1]
            remainder = change - damping
            lists["change"].append(change)
            lists["damping_part"].append(damping)
            lists["remainder"].append(remainder)
        lists["loss"].append(loss)
        lists["kinetic"].append(kinetic)
        lists["inertia"].append(inertia)
        lists["alpha"].append(alpha)
        lists["beta"].append(beta)
        if self.diverged_at is None and not math.isfinite(inertia):
            self.diverged_at = k
        return InertiaStep(k, loss, kinetic, inertia, change, damping, remainder,
                           alpha=alpha, beta=beta)

    loss = property(lambda self: self._read("loss"), doc="L_k, one per step.")
    kinetic = property(lambda self: self._read("kinetic"), doc="½‖v_k‖², one per step.")
    inertia = property(lambda self: self._read("inertia"), doc="I_k, one per step.")
    change = property(lambda self: self._read("change"), doc="ΔI_k, from step 1.")
    damping_part = property(lambda self: self._read("damping_part"), doc="D_k, from step 1.")
    remainder = property(lambda self: self._read("remainder"), doc="R_k = ΔI_k − D_k, from step 1.")
    modified_inertia = property(lambda self: self._read("modified_inertia"),
                                doc="Ĩ_k, known one step later (one fewer than the steps).")

    def _read(self, name: str) -> list[float]:
        self._flush()
        return self._lists[name]

    def history(self) -> list[InertiaStep]:
        """The per-step records: step, loss, kinetic, inertia, change, damping part, remainder,
        modified inertia (None for the last step, whose successor is not known yet) and the
        heavy-ball :math:`(\\alpha, \\beta)` of the step that led there.

        Examples
        --------
        >>> monitor = InertiaMonitor(lr=0.01, momentum=0.9)
        >>> for k, theta in enumerate([1.0, 0.9, 0.85]):
        ...     _ = monitor.update([np.array([theta])], theta ** 2 / 2)
        >>> [round(r.kinetic, 6) for r in monitor.history()]
        [0.0, 0.5, 0.125]
        >>> records = monitor.history()
        >>> records[1].modified_inertia is not None, records[-1].modified_inertia
        (True, None)
        """
        self._check_pairing(final=True)
        self._flush()
        lists = self._lists
        records = []
        for k in range(len(lists["loss"])):
            records.append(InertiaStep(
                k, lists["loss"][k], lists["kinetic"][k], lists["inertia"][k],
                lists["change"][k - 1] if k else None, lists["damping_part"][k - 1] if k else None,
                lists["remainder"][k - 1] if k else None,
                modified_inertia=(lists["modified_inertia"][k]
                                  if k < len(lists["modified_inertia"]) else None),
                alpha=lists["alpha"][k], beta=lists["beta"][k]))
        return records

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

    def update(self, params, loss, *, displacement=None,
               scale: float = 1.0) -> InertiaStep | None:
        """Record step :math:`k`: the parameters :math:`\\theta_k` (after the optimizer's
        update, or before the first one) and the loss :math:`L_k` at them.

        Parameters
        ----------
        params : arrays, tensors or a pytree
            NumPy arrays, PyTorch tensors (``model.parameters()``; tensors that require grad
            are read without autograd), or JAX arrays (any pytree of them): any shapes and any
            number, the same at every call.
        loss : float, or a 0-d tensor / array
        displacement : arrays, optional
            The step just taken, :math:`\\theta_k - \\theta_{k-1} = ` ``scale * displacement``,
            when the training loop has it anyway (for heavy ball in PyTorch's convention it is
            the momentum buffer, with ``scale=-lr``; never the gradient).  The monitor then needs
            no copy of the parameters: one pass over memory instead of three, which is what
            keeps it within a few percent of a training step.  Use it at every call or never.
        scale : float
            See ``displacement``.

        Returns
        -------
        InertiaStep or None
            The record, for NumPy arrays.  For tensors and JAX arrays the sums stay on the
            device and None is returned: read the records with :meth:`history` (or the lists
            such as :attr:`inertia`), which fetches them in one transfer.
        """
        if not self._fixed:
            raise InvalidArgument("lr", None, "this monitor has no learning rate and momentum",
                                  "pass lr= and momentum= to InertiaMonitor, or attach() an "
                                  "optimizer and call observe(loss)")
        if self._attached is not None:
            raise InvalidArgument("update", "attached", "this monitor is fed by the optimizer it "
                                  "is attached to", "call observe(loss) once per step instead")
        if not isinstance(params, (np.ndarray, dict)) and _array_kind(params) == "numpy":
            try:
                params = list(params)  # model.parameters() is a generator
            except TypeError as exc:
                raise InvalidArgument("params", type(params).__name__,
                                      "must be an array or a sequence of arrays") from exc
        kind = self._kind_of(params)
        if self._backend is None:
            self._backend = "numpy" if kind == "numpy" else self._device_tracker(kind)
        elif kind != ("numpy" if self._backend == "numpy" else self._backend.kind):
            raise InvalidArgument("params", kind, "changed array library during the run",
                                  "pass the same kind of arrays at every step")
        mode = "params" if displacement is None else "displacement"
        k = len(self._lists["loss"]) + len(self._pending)
        if k == 0:
            self._mode = mode
        elif mode != self._mode:
            raise InvalidArgument("displacement", mode, f"this monitor was started in "
                                  f"{self._mode!r} mode", "pass displacement= at every call or never")
        if self._backend != "numpy":
            sums = self._backend.record(params, loss, displacement,
                                        None if displacement is None else as_float(scale, "scale"),
                                        k)
            self._push(sums, self.lr, self.momentum)
            return None
        self._flush()
        return self._update_numpy(params, as_float(loss, "loss"), displacement, scale, k)

    def _kind_of(self, params) -> str:
        if isinstance(params, np.ndarray):
            return "numpy"
        if isinstance(params, (list, tuple)) and params:
            return _array_kind(params[0])
        if _array_kind(params) != "numpy":
            return _array_kind(params)
        jax = sys.modules.get("jax")
        if jax is not None and isinstance(params, dict):
            leaves = jax.tree_util.tree_leaves(params)
            return _array_kind(leaves[0]) if leaves else "numpy"
        return "numpy"

    def _device_tracker(self, kind: str):
        if kind == "torch":
            from ._monitor_torch import TorchSums
            return TorchSums(self.track_modified)
        if kind == "jax":
            from ._monitor_jax import JaxSums
            return JaxSums(self.track_modified)
        raise InvalidArgument("params", kind, "is not an array type the monitor reads",
                              "pass NumPy arrays, PyTorch tensors or JAX arrays")

    def _update_numpy(self, params, loss: float, displacement, scale, k: int) -> InertiaStep:
        arrays = self._arrays(params)
        shapes = tuple(a.shape for a in arrays)
        if k == 0:
            self._shapes = shapes
        elif shapes != self._shapes:
            raise InvalidArgument("params", shapes, f"changed shape (was {self._shapes})",
                                  "pass the same parameter arrays at every step")
        if self._mode == "displacement":
            squared, cross = self._from_displacement(displacement, as_float(scale, "scale"), k)
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
        return self._append(loss, squared, cross, self.lr, self.momentum)

    # -- a jitted JAX loop ---------------------------------------------------------------------
    @classmethod
    def for_optax_sgd(cls, learning_rate, momentum=None, nesterov: bool = False,
                      **options) -> InertiaMonitor:
        r"""A monitor for ``optax.sgd(learning_rate, momentum, nesterov)``, read as heavy ball by
        :func:`~inertia_verify.numeric._monitor_jax.optax_sgd_reading` (:math:`\alpha =`
        ``learning_rate``, :math:`\beta =` ``momentum``); ``options`` go to the constructor.

        Examples
        --------
        >>> monitor = InertiaMonitor.for_optax_sgd(0.01, momentum=0.9, nesterov=True)
        >>> monitor.lr, monitor.momentum, monitor.nesterov
        (0.01, 0.9, True)
        """
        from ._monitor_jax import optax_sgd_reading

        alpha, beta = optax_sgd_reading(learning_rate, momentum)
        return cls(lr=alpha, momentum=beta, nesterov=nesterov, **options)

    def record(self, sums, *, learning_rate=None) -> None:
        """Append the step that :func:`~inertia_verify.numeric.jax_inertia_step` computed
        (``sums`` stays on the device until the records are read).  ``learning_rate``: the value
        of a schedule that this iteration's update uses (optax's ``inject_hyperparams`` state
        read *after* ``optimizer.update``, which stores the value it used); it is the step
        :math:`\theta_k\to\theta_{k+1}`'s, so it applies from the next record on."""
        if not self._fixed:
            raise InvalidArgument("record", "no lr", "this monitor has no learning rate and "
                                  "momentum", "make it with InertiaMonitor.for_optax_sgd(...)")
        if self._backend is None:
            from ._monitor_jax import JaxSums

            self._backend = JaxSums(self.track_modified)
        elif self._backend == "numpy" or self._backend.kind != "jax" or self._mode != "params":
            raise InvalidArgument("sums", type(sums).__name__, "this monitor follows another "
                                  "kind of loop", "use one monitor per loop")
        reading = (self.lr, self.momentum)
        if learning_rate is not None:
            from ._monitor_jax import optax_sgd_reading

            reading = optax_sgd_reading(float(learning_rate), self.momentum)
            self._check_hyper(*reading, "learning_rate", "momentum")
        # This call's learning rate makes the step θ_k → θ_{k+1}, so it belongs to record k+1;
        # record k takes the previous call's (record 0, whose velocity is 0, its own).
        previous = getattr(self, "_next_reading", None) or reading
        self._next_reading = reading
        self._push(sums, *previous)

    # -- an attached optimizer -----------------------------------------------------------------
    def attach(self, optimizer, *, use_buffer: bool | None = None) -> InertiaMonitor:
        r"""Follow a ``torch.optim.SGD`` through a step post-hook; returns the monitor.

        The learning rate, momentum, dampening and Nesterov flag are read from the optimizer's
        parameter groups at every step, so a scheduler's changes are followed; they are read as
        heavy ball by :func:`~inertia_verify.symbolic._optimizers.pytorch_to_heavy_ball`
        (:math:`\alpha = (1-\tau)\,\text{lr}`, :math:`\beta = \mu`).  Call :meth:`observe` once
        per step with that step's loss, before or after ``optimizer.step()``: the n-th loss
        observed is the loss at the parameters the n-th step started from (the loss the
        step's gradient came from), whatever the order of ``backward``, ``step`` and
        ``observe`` inside one iteration.

        Refused, with the reason: optimizers other than SGD (Adam's preconditioned step has no
        heavy-ball reading), parameter groups with different hyper-parameters, weight decay
        (it changes the loss that is minimised: put :math:`\tfrac\lambda2\|\theta\|^2`
        into the loss you observe instead) and ``maximize``.

        Parameters
        ----------
        optimizer : torch.optim.SGD
        use_buffer : bool, optional
            Read each step from SGD's momentum buffer (:math:`\theta_{k+1} - \theta_k =
            -\text{lr}\,b_{k+1}`), which needs no copy of the parameters; default: when the
            momentum is nonzero and Nesterov is off (then the buffer is the step).  Otherwise a
            copy of the parameters on their device gives the step.

        Examples
        --------
        >>> import torch
        >>> model = torch.nn.Linear(3, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> monitor = InertiaMonitor().attach(opt)
        >>> X, y = torch.ones(8, 3), torch.zeros(8, 1)
        >>> for _ in range(5):
        ...     opt.zero_grad()
        ...     loss = ((model(X) - y) ** 2).mean()
        ...     loss.backward()
        ...     opt.step()
        ...     monitor.observe(loss)
        >>> records = monitor.history()
        >>> len(records), records[0].kinetic, records[1].alpha, records[1].beta
        (5, 0.0, 0.1, 0.9)
        >>> InertiaMonitor().attach(torch.optim.Adam(model.parameters()))
        Traceback (most recent call last):
        ...
        inertia_verify._errors.InvalidArgument: argument 'optimizer' = 'Adam': has no heavy-ball ...
        """
        if self._fixed:
            raise InvalidArgument("lr", self.lr, "is read from the optimizer by attach()",
                                  "construct InertiaMonitor() without lr and momentum")
        if self._attached is not None or self._backend is not None:
            raise InvalidArgument("optimizer", type(optimizer).__name__,
                                  "this monitor is already in use", "make a new InertiaMonitor")
        require_extra("torch", "torch", argument="optimizer", value="torch")
        from ._monitor_torch import attach_optimizer

        self._attached = attach_optimizer(self, optimizer, use_buffer)
        self._backend = self._attached.sums
        return self

    def detach(self) -> None:
        """Remove the optimizer's hooks (the records stay)."""
        if self._attached is not None:
            self._attached.remove()

    def observe(self, loss) -> None:
        """Hand the attached monitor the loss of one optimizer step (a float or a 0-d tensor,
        which is detached and kept on its device).  See :meth:`attach` for the order."""
        pairing = self._attached
        if pairing is None:
            raise InvalidArgument("observe", "not attached", "observe() follows an attached "
                                  "optimizer", "call attach(optimizer) first, or use "
                                  "update(params, loss) in a loop you step yourself")
        k = pairing.losses
        if pairing.steps > k + 1:
            raise InvalidArgument("loss", f"step {k}", f"{pairing.steps} optimizer steps were "
                                  f"taken but only {k} losses observed",
                                  "call observe(loss) once per optimizer step")
        if pairing.steps < k:
            raise InvalidArgument("loss", f"step {k}", "two losses observed without an optimizer "
                                  "step between them", "call observe(loss) once per step")
        squared, cross, alpha, beta = pairing.displacement.pop(k)
        pairing.losses = k + 1
        self._push((self._backend.loss(loss), squared, cross), alpha, beta)

    def _check_pairing(self, final: bool) -> None:
        pairing = self._attached
        if pairing is not None and pairing.steps > pairing.losses + 1:
            raise InvalidArgument("observe", f"{pairing.losses} losses",
                                  f"{pairing.steps} optimizer steps were taken",
                                  "call observe(loss) once per optimizer step")

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
        return len(self._lists["loss"]) + len(self._pending)

    def summary(self) -> dict:
        """Totals over the run: how much of the change of :math:`I` the damping explains.

        ``increases`` counts the steps where :math:`I` went up by more than the round-off of one
        evaluation, ``roundoff_floor(1) * max(1, |I|)`` = ``64 ε max(1, |I|)``
        (round-off of the two sums that make :math:`I`; see :mod:`inertia_verify._tolerances`).
        """
        per_step = roundoff_floor(1)
        inertia = np.asarray(self.inertia)
        change = np.asarray(self.change)
        tolerance = per_step * np.maximum(1.0, np.abs(inertia[1:])) if change.size else change
        modified = np.diff(np.asarray(self.modified_inertia))
        mod_tol = per_step * np.maximum(1.0, np.abs(np.asarray(self.modified_inertia[1:])))
        return {
            "steps": self.steps, "lr": self.lr, "momentum": self.momentum, "h": self.dt,
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
