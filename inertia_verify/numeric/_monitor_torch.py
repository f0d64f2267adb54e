r"""The inertia monitor's PyTorch side: sums on the parameters' device, and an SGD's step hook.

Imported only when a monitor meets a tensor or an optimizer, so the package works without torch.

Every norm and dot product is computed on the tensors' device and added into a float64 scalar
there: a norm reads its tensor once (Euclidean norms of blocks of 1024 in the tensor's dtype,
squared and summed in float64); a dot product forms the elementwise product in the dtype (into a
reused scratch buffer, no allocation per step), sums blocks of 1024 in the dtype and the block
sums in float64.  float64 tensors use one float64 dot product.  Nothing is copied to the host
per step; the monitor fetches the scalars in blocks.

Reading an SGD step:

* with momentum :math:`\mu > 0` and Nesterov off, PyTorch steps
  :math:`\theta_{k+1} = \theta_k - \text{lr}\,b_{k+1}` with its momentum buffer :math:`b`, so the
  step is read from the buffer and the parameters need no copy (a parameter without a gradient
  at that step is not moved by SGD and counts as not moved);
* otherwise (Nesterov: the step is :math:`-\text{lr}(g + \mu b)`; no momentum: no buffer) a copy
  of the parameters on their device gives :math:`\theta_{k+1} - \theta_k`.

The modified inertia needs the cross term
:math:`(\theta_{k+1}-\theta_k)\cdot(\theta_k-\theta_{k-1})`.  Read from the buffer, it comes
from norms alone (the norm of the gradient, taken in a step pre-hook, and of the buffer before
and after the step; see :func:`attach_optimizer`), so no copy is kept; from copies, it needs one
more device copy (the previous difference).  ``track_modified=False`` drops both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .._errors import InvalidArgument
from ._monitor import _pytorch_reading

__all__ = ["TorchSums", "attach_optimizer"]

#: Products summed in the tensors' dtype per block of this many, the block sums in float64.
_BLOCK = 1024


def _tensors(params, argument: str) -> list[torch.Tensor]:
    if isinstance(params, torch.Tensor):
        params = [params]
    tensors = list(params)
    if not tensors:
        raise InvalidArgument(argument, tensors, "is empty", "pass the model's parameters")
    for t in tensors:
        if not isinstance(t, torch.Tensor):
            raise InvalidArgument(argument, type(t).__name__, "mixes tensors with other types",
                                  "pass only tensors")
        if not t.is_floating_point():
            raise InvalidArgument(argument, str(t.dtype), "must be floating-point tensors")
    return tensors


class TorchSums:
    """``‖Δθ‖²`` and ``Δθ·Δθ_prev`` of successive steps, on the tensors' device."""

    kind = "torch"

    def __init__(self, track_modified: bool) -> None:
        self.track_modified = track_modified
        self.previous: list[torch.Tensor] | None = None       # θ_{k-1} (parameter mode)
        self.previous_step: list[torch.Tensor] | None = None  # θ_{k-1} - θ_{k-2}
        self.shapes: tuple = ()
        self._scratch: dict = {}
        self.device = None

    # -- sums ----------------------------------------------------------------------------------
    def _buffer(self, like: torch.Tensor, slot: int) -> torch.Tensor:
        """A scratch tensor of ``like``'s shape, dtype and device, reused from step to step."""
        key = (like.dtype, like.device, slot)
        buffer = self._scratch.get(key)
        if buffer is None or buffer.numel() < like.numel():
            buffer = torch.empty(like.numel(), dtype=like.dtype, device=like.device)
            self._scratch[key] = buffer
        return buffer[: like.numel()].view(like.shape)

    def _dot(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``a·b`` as a float64 scalar on the device."""
        if a.dtype == torch.float64:
            return torch.dot(a.reshape(-1), b.reshape(-1))
        product = torch.mul(a, b, out=self._buffer(a, 1)).reshape(-1)
        # Blocks of _BLOCK products are summed in the dtype (PyTorch's cascade sum: a few ε of
        # the block's absolute sum), the block sums in float64.  One float64 sum of the
        # whole product costs 3-5x more on the CPU: its cast is not vectorised.
        whole = product.numel() - product.numel() % _BLOCK
        total = product[:whole].view(-1, _BLOCK).sum(dim=1).sum(dtype=torch.float64)
        if whole < product.numel():
            total = total + product[whole:].sum(dtype=torch.float64)
        return total

    def _norm2(self, a: torch.Tensor) -> torch.Tensor:
        """``‖a‖²`` as a float64 scalar on the device, reading ``a`` once (no scratch)."""
        flat = a.reshape(-1)
        if a.dtype != torch.float64 and flat.numel() <= 4 * _BLOCK:
            flat = flat.to(torch.float64)  # small tensors: the cast costs less than the blocks
        if flat.dtype == torch.float64:
            return torch.dot(flat, flat)
        # Euclidean norms of blocks in the dtype (a few ε each), squared and summed in float64;
        whole = flat.numel() - flat.numel() % _BLOCK
        norms = torch.linalg.vector_norm(flat[:whole].view(-1, _BLOCK), dim=1)
        total = torch.linalg.vecdot(norms.to(torch.float64), norms.to(torch.float64))
        if whole < flat.numel():
            tail = flat[whole:].to(torch.float64)
            total = total + torch.dot(tail, tail)
        return total

    def _zero(self) -> torch.Tensor:
        return torch.zeros((), dtype=torch.float64, device=self.device)

    def _accumulate(self, total: torch.Tensor, part: torch.Tensor) -> torch.Tensor:
        return total.add_(part.to(self.device, non_blocking=True))

    def start(self, tensors: list[torch.Tensor], copy_parameters: bool) -> None:
        self.shapes = tuple(t.shape for t in tensors)
        self.device = tensors[0].device
        with torch.no_grad():
            if copy_parameters:
                self.previous = [t.detach().clone() for t in tensors]
            if self.track_modified:
                # θ_{-1} = θ_0: the step before the first one is 0.
                self.previous_step = [torch.zeros_like(t, memory_format=torch.contiguous_format)
                                      for t in tensors]

    def _check(self, tensors: list[torch.Tensor], argument: str) -> None:
        shapes = tuple(t.shape for t in tensors)
        if shapes != self.shapes:
            raise InvalidArgument(argument, shapes, f"changed shape (was {self.shapes})",
                                  "pass the same parameters at every step")

    @torch.no_grad()
    def from_parameters(self, tensors: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """Sums for θ_k − θ_{k−1}; the copy of θ_{k−1} (and of the previous step) is updated."""
        squared, cross = self._zero(), self._zero()
        olders = self.previous_step or [None] * len(tensors)
        for t, previous, older in zip(tensors, self.previous, olders):
            step = torch.sub(t.detach(), previous, out=self._buffer(t, 0))
            self._accumulate(squared, self._norm2(step))
            if older is not None:
                self._accumulate(cross, self._dot(step, older))
                older.copy_(step)
            previous.copy_(t.detach())
        return squared, cross

    @torch.no_grad()
    def from_steps(self, steps: list[torch.Tensor | None],
                   scale: float) -> tuple[torch.Tensor, torch.Tensor]:
        """Sums for θ_k − θ_{k−1} = ``scale · steps`` (a None step: that tensor did not move)."""
        squared, cross = self._zero(), self._zero()
        olders = self.previous_step or [None] * len(steps)
        for step, older in zip(steps, olders):
            if step is None:
                if older is not None:
                    older.zero_()
                continue
            self._accumulate(squared, self._norm2(step))
            if older is not None:
                self._accumulate(cross, self._dot(step, older))
                torch.mul(step, scale, out=older)
        return squared.mul_(scale * scale), cross.mul_(scale)

    # -- the monitor's interface ---------------------------------------------------------------
    def record(self, params, loss, displacement, scale, k: int):
        """``(L_k, ‖θ_k − θ_{k−1}‖², cross)`` for :meth:`InertiaMonitor.update`."""
        squared, cross = self.update(params, displacement, scale, k)
        return self.loss(loss), squared, cross

    def update(self, params, displacement, scale, k: int):
        tensors = _tensors(params, "params")
        if k == 0:
            self.start(tensors, copy_parameters=displacement is None)
        else:
            self._check(tensors, "params")
        if displacement is None:
            if k == 0:
                return 0.0, 0.0
            return self.from_parameters(tensors)
        steps = _tensors(displacement, "displacement")
        self._check(steps, "displacement")
        return self.from_steps([s.detach() for s in steps], scale)

    def loss(self, loss):
        if isinstance(loss, torch.Tensor):
            if loss.numel() != 1:
                raise InvalidArgument("loss", tuple(loss.shape), "must be a single number",
                                      "pass the mean (or total) loss of the step")
            return loss.detach().reshape(()).to(torch.float64)
        if isinstance(loss, bool):
            raise InvalidArgument("loss", loss, "must be a number")
        try:
            return float(loss)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument("loss", loss, "must be a number or a 0-d tensor") from exc

    def fetch(self, records: list) -> list[tuple[float, float, float]]:
        """Floats of each record's three values (tensors on the device or floats), in one
        transfer."""
        values = [v for record in records for v in record]
        tensors = [v for v in values if isinstance(v, torch.Tensor)]
        if tensors:
            device = tensors[0].device
            fetched = iter(torch.stack([t.to(device) for t in tensors]).cpu().tolist())
            values = [next(fetched) if isinstance(v, torch.Tensor) else float(v) for v in values]
        return [tuple(values[3 * i: 3 * i + 3]) for i in range(len(records))]


# -- an attached SGD ---------------------------------------------------------------------------
_REFUSED_HINT = ("the monitor reads SGD's heavy-ball step; for another optimizer pass its "
                 "heavy-ball reading yourself: InertiaMonitor(lr=..., momentum=...) and "
                 "update(model.parameters(), loss) after each step")


@dataclass
class _Attachment:
    """The hooks on one optimizer and the pairing of its steps with observed losses."""

    sums: TorchSums
    params: list
    use_buffer: bool
    steps: int = 0
    losses: int = 0
    #: step j -> (‖θ_j − θ_{j−1}‖², cross, α, β) until the loss at θ_j is observed.
    displacement: dict = field(default_factory=dict)
    moved: list = field(default_factory=list)
    handles: list = field(default_factory=list)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []


def _read_groups(optimizer) -> tuple[float, float, float, bool]:
    """``(lr, momentum, dampening, nesterov)``, the same in every parameter group, or refused."""
    seen = None
    for index, group in enumerate(optimizer.param_groups):
        if group.get("maximize", False):
            raise InvalidArgument("optimizer", f"param_groups[{index}]['maximize'] = True",
                                  "ascends the loss", "monitor the minimised loss (-loss)")
        if group.get("weight_decay", 0):
            raise InvalidArgument("optimizer", f"param_groups[{index}]['weight_decay'] = "
                                  f"{group['weight_decay']}", "changes the loss being minimised "
                                  "to L + (λ/2)‖θ‖², which the observed loss does not include",
                                  "set weight_decay=0 and add (λ/2)·‖θ‖² to the loss, or "
                                  "observe(loss + λ/2·‖θ‖²)")
        values = tuple(float(group[name]) for name in ("lr", "momentum", "dampening")) \
            + (bool(group["nesterov"]),)
        if seen is not None and values != seen:
            raise InvalidArgument("optimizer", f"param_groups[{index}]: (lr, momentum, "
                                  f"dampening, nesterov) = {values}, group 0: {seen}",
                                  "the groups differ, so there is no single heavy-ball step",
                                  "use one group, or one monitor per optimizer")
        seen = values
    return seen


def attach_optimizer(monitor, optimizer, use_buffer: bool | None) -> _Attachment:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise InvalidArgument("optimizer", type(optimizer).__name__,
                              "is not a torch.optim.Optimizer", "pass a torch.optim.SGD")
    if not isinstance(optimizer, torch.optim.SGD):
        raise InvalidArgument("optimizer", type(optimizer).__name__,
                              "has no heavy-ball (lr, momentum) reading (only torch.optim.SGD "
                              "steps are read)", _REFUSED_HINT)
    lr, momentum, dampening, nesterov = _read_groups(optimizer)
    alpha_of, beta_of = _pytorch_reading()

    def reading(lr, momentum, dampening):
        alpha, beta = alpha_of(lr, momentum, dampening), beta_of(lr, momentum, dampening)
        monitor._check_hyper(alpha, beta, "optimizer lr", "optimizer momentum")
        return alpha, beta

    alpha, beta = reading(lr, momentum, dampening)
    buffer_is_step = momentum > 0 and not nesterov
    if use_buffer is None:
        use_buffer = buffer_is_step
    elif use_buffer and not buffer_is_step:
        raise InvalidArgument("use_buffer", use_buffer, f"SGD's momentum buffer is not its step "
                              f"with momentum = {momentum} and nesterov = {nesterov}",
                              "leave use_buffer unset")
    params = [p for group in optimizer.param_groups for p in group["params"]]
    sums = TorchSums(monitor.track_modified)
    if use_buffer:
        sums.shapes, sums.device = tuple(p.shape for p in params), params[0].device
    else:
        sums.start(params, copy_parameters=True)
    attachment = _Attachment(sums, params, bool(use_buffer))
    attachment.displacement[0] = (0.0, 0.0, alpha, beta)  # θ_{-1} = θ_0
    # Buffer mode keeps no copy.  SGD sets b_{k+1} = μ b_k + (1-τ) g_k, so the cross term
    # d_{k+1}·d_k = lr_k lr_{k-1} b_{k+1}·b_k follows from norms alone (polarisation):
    #     b_{k+1}·b_k = (‖b_{k+1}‖² + μ²‖b_k‖² − (1-τ)²‖g_k‖²) / (2μ),
    # with ‖b_k‖² kept per tensor from the last step and ‖g_k‖² taken in the pre-hook; each norm
    # is one read of its tensor.  Its rounding, ε(‖b_{k+1}‖² + μ²‖b_k‖² + ‖g‖²)/(2μ), is a few ε
    # of ½‖v‖²/μ: below μ = 0.1 the dot product b_k·g_k is taken directly instead.  A tensor that
    # did not move at the previous step (d_k = 0 there) is left out of the cross term.
    state = {"norms": [None] * len(params), "grads": [None] * len(params),
             "direct": None, "lr": None, "shape": None}

    def before_step(opt, args, kwargs):
        # SGD moves (and updates the buffer of) only the parameters that have a gradient.
        attachment.moved = [p.grad is not None for p in attachment.params]
        if not (attachment.use_buffer and sums.track_modified):
            return
        lr, momentum, dampening, _ = _read_groups(opt)
        state["shape"] = (momentum, dampening)
        direct = None
        with torch.no_grad():
            for i, (p, moved, norm) in enumerate(zip(attachment.params, attachment.moved,
                                                     state["norms"])):
                state["grads"][i] = None
                if not moved or norm is None:
                    continue
                if momentum >= 0.1:
                    state["grads"][i] = sums._norm2(p.grad)
                    continue
                buffer = opt.state[p]["momentum_buffer"]
                part = momentum * norm + (1 - dampening) * sums._dot(buffer, p.grad)
                direct = part if direct is None else direct + part.to(sums.device)
        state["direct"] = direct

    def after_step(opt, args, kwargs):
        lr, momentum, dampening, nesterov = _read_groups(opt)
        alpha, beta = reading(lr, momentum, dampening)
        if attachment.use_buffer:
            if momentum == 0 or nesterov:
                raise InvalidArgument("optimizer", f"momentum = {momentum}, nesterov = "
                                      f"{nesterov}", "changed during the run, so the momentum "
                                      "buffer is no longer the step",
                                      "attach with use_buffer=False")
            mu, tau = state["shape"] or (momentum, dampening)
            norms, polarised = [], []
            with torch.no_grad():
                for i, (p, moved) in enumerate(zip(attachment.params, attachment.moved)):
                    buffer = opt.state[p].get("momentum_buffer") if moved else None
                    before, grad = state["norms"][i], state["grads"][i]
                    if buffer is None:
                        state["norms"][i] = None
                        continue
                    norm = sums._norm2(buffer).to(sums.device)
                    state["norms"][i] = norm
                    norms.append(norm)
                    if grad is not None:
                        polarised += [norm, before, grad]
                # One stacked expression per step, not a few small operations per tensor.
                squared = torch.stack(norms).sum() * (lr * lr) if norms else 0.0
                cross = state["direct"]
                if polarised:
                    n, b, g = torch.stack([x.to(sums.device) for x in polarised]).view(-1, 3).T
                    part = (n + (mu * mu) * b - ((1 - tau) ** 2) * g).sum() / (2 * mu)
                    cross = part if cross is None else cross + part
            cross = 0.0 if cross is None else cross * (lr * state["lr"])
            state["direct"], state["shape"], state["lr"] = None, None, lr
        else:
            squared, cross = sums.from_parameters(attachment.params)
        attachment.steps += 1
        attachment.displacement[attachment.steps] = (squared, cross, alpha, beta)

    attachment.handles = [optimizer.register_step_pre_hook(before_step),
                          optimizer.register_step_post_hook(after_step)]
    return attachment
