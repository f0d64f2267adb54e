r"""The inertia monitor's PyTorch side: sums on the parameters' device, and an SGD's step hook.

Imported only when a monitor meets a tensor or an optimizer, so the package works without torch.

Precision: every sum is accumulated in float64 on the tensors' device; the tensors' own dtype
is used only inside blocks.  Each tensor is cut into blocks of at most :data:`_BLOCK` = 1024
consecutive elements: its rows when its last dimension has 512 to 1024 elements, else blocks of
a divisor of its size in that range where there is one, else of 1024 and a shorter last one.
Per block, in the tensor's dtype, either its Euclidean norm is taken
(``torch.linalg.vector_norm``: a few ε of the dtype relative to the block's norm; at most
3·2⁻²⁴ measured in float32) or, for a dot product, the elementwise products are formed (one
rounding each) and summed (a few ε of the block's absolute sum).  The block values are
converted to float64, the norms squared, and everything is summed over blocks and tensors in
float64 by one matrix product per step, whose 0/1 weights pick the tensors that moved.  That
float64 row of sums stays on the device; when the records are read (in blocks, one transfer per
256 steps) the host combines it with the step's learning rate, momentum and dampening, in float64,
into :math:`\|\theta_k-\theta_{k-1}\|^2` and the cross term.  float64 tensors are float64
throughout.  Nothing is copied to the host per step, and the per-step work is a handful of
tensor operations per parameter tensor plus three for the whole step.

Reading an SGD step:

* with momentum :math:`\mu > 0` and Nesterov off, PyTorch steps
  :math:`\theta_{k+1} = \theta_k - \text{lr}\,b_{k+1}` with its momentum buffer :math:`b`, so the
  step is read from the buffer and the parameters need no copy (a parameter without a gradient
  at that step is not moved by SGD and counts as not moved);
* otherwise (Nesterov: the step is :math:`-\text{lr}(g + \mu b)`; no momentum: no buffer) a copy
  of the parameters on their device gives :math:`\theta_{k+1} - \theta_k`.

The modified inertia needs the cross term
:math:`(\theta_{k+1}-\theta_k)\cdot(\theta_k-\theta_{k-1})`.  Read from the buffer, it comes
from norms alone (the norms of the gradient and of the buffer after the step, and the buffer's
norm kept from the step before; see :func:`attach_optimizer`), so no copy is kept and each step
reads the buffer and the gradient once each; from copies, it needs one more device copy (the
previous difference).  ``track_modified=False`` drops both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .._errors import InvalidArgument
from ._readings import pytorch_reading

__all__ = ["TorchSums", "attach_optimizer"]

#: The most elements per block whose norm or dot product is taken in the tensors' dtype.
_BLOCK = 1024
#: Rows of block values: the step's norms (two rows, so that buffer mode keeps the previous
#: step's while writing the new one), the gradient's norms, and dot products.
_STEP, _GRAD, _DOT = 0, 2, 3
_ROWS = 4
#: From this many one-block tensors of a dtype on, their norms are taken in one fused call.
_FUSE_FROM = 3
#: Steps per device chunk of float64 sums.
_CHUNK = 256
#: From this momentum on, buffer mode takes the cross term from norms (see attach_optimizer).
_POLARISE_FROM = 0.1


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


def _cut(shape: torch.Size) -> tuple[int, int, int]:
    """``(m, r, block)``: a tensor of ``shape`` as ``m`` blocks of ``block`` elements and a last
    one of ``r``.

    The block is the last dimension when it lies between ``_BLOCK/2`` and ``_BLOCK`` (the
    tensor's rows are the blocks: no view to make), else the largest divisor of the size in
    that range (no shorter last block: one reduction per tensor instead of two), else
    ``_BLOCK``.
    """
    n = shape.numel()
    if n <= _BLOCK:
        return 0, n, n
    if len(shape) >= 2 and _BLOCK // 2 <= shape[-1] <= _BLOCK:
        return n // shape[-1], 0, shape[-1]
    for block in range(_BLOCK, _BLOCK // 2 - 1, -1):
        if n % block == 0:
            return n // block, 0, block
    return n // _BLOCK, n % _BLOCK, _BLOCK


class _Group:
    """The block values of the tensors of one dtype and device."""

    def __init__(self, dtype, device, counts: list[int], largest: int) -> None:
        size = sum(counts)
        self.counts = counts
        self.slots = torch.zeros((_ROWS, size), dtype=dtype, device=device)
        self.wide = torch.zeros((_ROWS, size), dtype=torch.float64, device=device)
        self.norm_rows = self.wide[:_GRAD + 1]
        # Column 0: the tensors that moved at this step; column 1: at this and the previous one.
        self.weights = torch.zeros((size, 2), dtype=torch.float64, device=device)
        self.largest = largest
        self._scratch = None

    def scratch(self, n: int) -> torch.Tensor:
        """A flat scratch vector of ``n`` elements, reused from step to step."""
        if self._scratch is None:
            self._scratch = torch.empty(self.largest, dtype=self.slots.dtype,
                                        device=self.slots.device)
        return self._scratch[:n]

    def wide_values(self) -> torch.Tensor:
        """The block values in float64, the norms squared (``_ROWS × blocks``)."""
        self.wide.copy_(self.slots)
        self.norm_rows.square_()
        return self.wide


class _Blocks:
    """Where each tensor's block values go: a fixed layout for a fixed list of shapes."""

    def __init__(self, tensors: list[torch.Tensor]) -> None:
        members: dict = {}
        for i, t in enumerate(tensors):
            members.setdefault((t.dtype, t.device), []).append(i)
        self.groups, self.places, self.outs = [], [None] * len(tensors), [None] * len(tensors)
        for (dtype, device), indices in members.items():
            # Tensors of one block (biases, norms' scales) last, so that their slots are
            # contiguous and one fused call can fill them.
            cuts = {i: _cut(tensors[i].shape) for i in indices}
            several = [i for i in indices if cuts[i][0]]
            singles = [i for i in indices if not cuts[i][0] and cuts[i][1]]
            order = several + singles + [i for i in indices if not sum(cuts[i][:2])]
            counts = [cuts[i][0] + (cuts[i][1] > 0) for i in order]
            group = _Group(dtype, device, counts,
                           max(tensors[i].numel() for i in indices))
            group.order, group.several, group.singles = order, several, singles
            start = 0
            for i, count in zip(order, counts):
                m, r, block = cuts[i]
                shape = tensors[i].shape
                rows = m and block == shape[-1]   # the tensor's own rows are its blocks
                self.places[i] = (group, m, r, block, shape if rows else None)
                # Per row: the slots of the full blocks (shaped like the rows' norms when the
                # rows are the blocks), and of the shorter last one.
                self.outs[i] = [(group.slots[row, start: start + m].view(shape[:-1] if rows
                                                                         else (m,))
                                 if m else None,
                                 group.slots[row, start + m] if r else None)
                                for row in range(_ROWS)]
                start += count
            first = sum(counts[: len(several)])
            group.fused = ([group.slots[row, first: first + len(singles)] for row in range(_ROWS)]
                           if len(singles) >= _FUSE_FROM else None)
            self.groups.append(group)
        self.device = tensors[0].device
        self._weights = None

    def _views(self, i: int, t: torch.Tensor):
        """Tensor ``i``'s full blocks (reduced over the last dimension), and its shorter last
        block."""
        _, m, r, block, shape = self.places[i]
        if not m:
            return None, t   # one block: the norm or sum of the whole tensor, in any layout
        if not t.is_contiguous():
            t = t.contiguous()
        if shape is not None:   # the rows are the blocks
            return (t if t.shape == shape else t.view(shape)), None
        return (t.as_strided((m, block), (block, 1)),
                t.as_strided((r,), (1,), t.storage_offset() + m * block) if r else None)

    def norms(self, row: int, i: int, t: torch.Tensor) -> None:
        """Block norms of tensor ``i`` (value ``t``) into ``row``."""
        (main, tail), (main_out, tail_out) = self._views(i, t), self.outs[i][row]
        if main_out is not None:
            torch.linalg.vector_norm(main, dim=-1, out=main_out)
        if tail_out is not None:
            torch.linalg.vector_norm(tail, out=tail_out)

    def norms_of(self, row: int, values: list) -> None:
        """Block norms of every tensor into ``row`` (``values[i]`` None: tensor ``i`` did not
        move, its slots are zeroed); the one-block tensors of a group in one fused call."""
        for group in self.groups:
            for i in group.several:
                if values[i] is None:
                    self.clear(row, i)
                else:
                    self.norms(row, i, values[i])
            singles = [values[i] for i in group.singles]
            if group.fused is not None and all(t is not None for t in singles):
                torch.stack(torch._foreach_norm(singles), out=group.fused[row])
                continue
            for i, t in zip(group.singles, singles):
                if t is None:
                    self.clear(row, i)
                else:
                    self.norms(row, i, t)

    def sums(self, row: int, i: int, product: torch.Tensor) -> None:
        """Block sums of ``product`` (contiguous, tensor ``i``'s size) into ``row``."""
        (main, tail), (main_out, tail_out) = self._views(i, product.view(-1)), self.outs[i][row]
        if main_out is not None:
            torch.sum(main, dim=-1, out=main_out)
        if tail_out is not None:
            torch.sum(tail, dim=0, out=tail_out)

    def scratch(self, i: int) -> torch.Tensor:
        """A flat scratch vector of tensor ``i``'s size (shared by the tensors of its group)."""
        group, m, r, block, _ = self.places[i]
        return group.scratch(m * block + r)

    def clear(self, row: int, i: int) -> None:
        for out in self.outs[i][row]:
            if out is not None:
                out.zero_()

    def weigh(self, moved: tuple, both: tuple) -> None:
        """Sum over the tensors in ``moved`` (column 0) and in ``both`` (column 1)."""
        if (moved, both) == self._weights:
            return
        self._weights = (moved, both)
        for group in self.groups:
            for column, chosen in enumerate((moved, both)):
                per_tensor = torch.tensor([float(chosen[i]) for i in group.order],
                                          dtype=torch.float64)
                group.weights[:, column].copy_(per_tensor.repeat_interleave(
                    torch.tensor(group.counts)))

    def sums_into(self, out: torch.Tensor) -> None:
        """The float64 ``(_ROWS, 2)`` sums of all groups into ``out``, on the first tensor's
        device."""
        if len(self.groups) == 1:
            group = self.groups[0]
            torch.mm(group.wide_values(), group.weights, out=out)
        else:
            out.copy_(sum((group.wide_values() @ group.weights).to(self.device)
                          for group in self.groups))


class _Row:
    """One step's float64 sums, on the device until the records are read: ``sums`` is
    ``chunk[index]`` (``_ROWS × 2``) and ``‖Δθ‖² = squared · sums[step, 0]``,
    ``cross = Σ c · sums[row, 1]`` over ``(row, c)`` in ``cross``."""

    __slots__ = ("chunk", "index", "step", "squared", "cross")

    def __init__(self, chunk, index, step, squared, cross) -> None:
        self.chunk, self.index, self.step, self.squared, self.cross = \
            chunk, index, step, squared, cross

    def values(self, sums: list) -> tuple[float, float]:
        cross = 0.0
        for row, c in self.cross:
            cross += c * sums[row][1]
        return self.squared * sums[self.step][0], cross


class TorchSums:
    """``‖Δθ‖²`` and ``Δθ·Δθ_prev`` of successive steps, on the tensors' device."""

    kind = "torch"

    def __init__(self, track_modified: bool) -> None:
        self.track_modified = track_modified
        self.previous: list[torch.Tensor] | None = None       # θ_{k-1} (parameter mode)
        #: θ_{k-1} − θ_{k-2} (parameter mode), or the previous displacement, unscaled.
        self.previous_step: list[torch.Tensor] | None = None
        self.shapes: tuple = ()
        self.kinds: tuple = ()    # (dtype, device) per tensor
        self.blocks: _Blocks | None = None
        self.device = None
        self._spares: list[torch.Tensor] = []   # the next step's copy (parameter mode)
        self._chunk, self._rows, self._used = None, (), _CHUNK
        self._scale = 0.0          # the previous displacement's scale
        # Buffer mode: the row holding this step's buffer norms, the tensors that moved at the
        # previous step, its lr, and whether the pre-hook took the direct cross term.
        self._parity = 0
        self._moved: tuple | None = None
        self._lr: float | None = None
        self._direct = False

    # -- bookkeeping ---------------------------------------------------------------------------
    def start(self, tensors: list[torch.Tensor], copy_parameters: bool,
              copy_steps: bool = True) -> None:
        self.shapes = tuple(t.shape for t in tensors)
        self.kinds = tuple((t.dtype, t.device) for t in tensors)
        self.device = tensors[0].device
        self.blocks = _Blocks(tensors)
        everything = (True,) * len(tensors)
        self.blocks.weigh(everything, everything)
        with torch.no_grad():
            if copy_parameters:
                self.previous = [t.detach().clone(memory_format=torch.contiguous_format)
                                 for t in tensors]
            if self.track_modified and copy_steps:
                # θ_{-1} = θ_0: the step before the first one is 0.
                self.previous_step = [torch.zeros_like(t, memory_format=torch.contiguous_format)
                                      for t in tensors]
                if copy_parameters:
                    self._spares = [torch.empty_like(t.reshape(-1)) for t in tensors]

    def _check(self, tensors: list[torch.Tensor], argument: str, kinds: bool = True) -> None:
        shapes = tuple(t.shape for t in tensors)
        if shapes != self.shapes:
            raise InvalidArgument(argument, shapes, f"changed shape (was {self.shapes})",
                                  "pass the same parameters at every step")
        kinds = tuple((t.dtype, t.device) for t in tensors) if kinds else self.kinds
        if kinds != self.kinds:
            raise InvalidArgument(argument, kinds, f"changed dtype or device (was {self.kinds})",
                                  "pass the same parameters at every step")

    def _row(self, squared: float, cross: tuple, step: int = _STEP) -> _Row:
        """Sum this step's block values into the next row of the device chunk."""
        if self._used == _CHUNK:
            self._chunk = torch.zeros((_CHUNK, _ROWS, 2), dtype=torch.float64,
                                      device=self.device)
            self._rows = self._chunk.unbind(0)
            self._used = 0
        index, self._used = self._used, self._used + 1
        self.blocks.sums_into(self._rows[index])
        return _Row(self._chunk, index, step, squared, cross)

    # -- the three ways of reading a step ------------------------------------------------------
    @torch.no_grad()
    def from_parameters(self, tensors: list[torch.Tensor]) -> _Row:
        """Sums for θ_k − θ_{k−1}; the copy of θ_{k−1} (and of the previous step) is updated.

        Per tensor: the step into a spare copy, its block norms, the product with the previous
        step formed in that step's own copy (no longer needed) and summed, the two copies
        swapped, θ_k copied: five passes over the tensor's memory (three without the
        modified inertia)."""
        blocks, olders, spares = self.blocks, self.previous_step, self._spares
        for i, (t, previous) in enumerate(zip(tensors, self.previous)):
            t = t.detach()
            step = blocks.scratch(i) if olders is None else spares[i]
            torch.sub(t.reshape(-1), previous.view(-1), out=step)
            blocks.norms(_STEP, i, step)
            if olders is not None:
                older = olders[i].view(-1)
                blocks.sums(_DOT, i, torch.mul(step, older, out=older))
                olders[i], spares[i] = step.view(t.shape), older
            previous.copy_(t)
        return self._row(1.0, ((_DOT, 1.0),) if olders is not None else ())

    @torch.no_grad()
    def from_steps(self, steps: list[torch.Tensor], scale: float) -> _Row:
        """Sums for θ_k − θ_{k−1} = ``scale · steps``."""
        blocks, olders = self.blocks, self.previous_step
        for i, step in enumerate(steps):
            blocks.norms(_STEP, i, step)
            if olders is not None:
                blocks.sums(_DOT, i, olders[i].mul_(step))
                olders[i].copy_(step)
        cross = ((_DOT, scale * self._scale),) if olders is not None else ()
        self._scale = scale
        return self._row(scale * scale, cross)

    def direct_dots(self, params: list, state) -> None:
        """Before an SGD step with μ < :data:`_POLARISE_FROM`: ``b_k · g_k`` per tensor."""
        with torch.no_grad():
            for i, p in enumerate(params):
                buffer = state[p].get("momentum_buffer") if p.grad is not None else None
                if buffer is None:
                    self.blocks.clear(_DOT, i)
                else:
                    product = self.blocks.scratch(i)
                    torch.mul(buffer.reshape(-1), p.grad.reshape(-1), out=product)
                    self.blocks.sums(_DOT, i, product)
        self._direct = True

    def from_buffers(self, params: list, state, lr: float, mu: float, tau: float) -> _Row:
        """After an SGD step: sums for θ_{k+1} − θ_k = −lr·b_{k+1} (see attach_optimizer)."""
        blocks, row = self.blocks, self._parity
        polarise = self.track_modified and not self._direct
        moved = tuple(p.grad is not None for p in params)   # what SGD updated
        with torch.no_grad():
            blocks.norms_of(row, [state[p]["momentum_buffer"] if now else None
                                  for p, now in zip(params, moved)])
            if polarise:
                blocks.norms_of(_GRAD, [p.grad for p in params])
            before = self._moved or (False,) * len(moved)
            blocks.weigh(moved, tuple(a and b for a, b in zip(moved, before)))
            cross = ()
            if self.track_modified and self._lr is not None:
                c = lr * self._lr
                if self._direct:   # μ‖b_k‖² + (1−τ) b_k·g_k
                    cross = ((1 - row, c * mu), (_DOT, c * (1 - tau)))
                else:              # (‖b_{k+1}‖² + μ²‖b_k‖² − (1−τ)²‖g_k‖²) / (2μ)
                    cross = ((row, c / (2 * mu)), (1 - row, c * mu / 2),
                             (_GRAD, -c * (1 - tau) ** 2 / (2 * mu)))
            result = self._row(lr * lr, cross, step=row)
        self._parity, self._moved, self._lr, self._direct = 1 - row, moved, lr, False
        return result

    # -- the monitor's interface ---------------------------------------------------------------
    def record(self, params, loss, displacement, scale, k: int):
        """``(L_k, ‖θ_k − θ_{k−1}‖², cross)`` for :meth:`InertiaMonitor.update` (a :class:`_Row`
        standing for both sums until :meth:`fetch`)."""
        squared, cross = self.update(params, displacement, scale, k)
        return self.loss(loss), squared, cross

    def update(self, params, displacement, scale, k: int):
        tensors = _tensors(params, "params")
        if displacement is None:
            if k == 0:
                self.start(tensors, copy_parameters=True)
                return 0.0, 0.0
            self._check(tensors, "params")
            row = self.from_parameters(tensors)
            return row, row
        steps = _tensors(displacement, "displacement")
        if k == 0:
            # The sums follow the steps (their dtype may differ from the parameters').
            if tuple(s.shape for s in steps) != tuple(t.shape for t in tensors):
                raise InvalidArgument("displacement", tuple(s.shape for s in steps),
                                      "must have the parameters' shapes "
                                      f"{tuple(t.shape for t in tensors)}")
            self.start(steps, copy_parameters=False)
        self._check(tensors, "params", kinds=False)
        self._check(steps, "displacement")
        row = self.from_steps([s.detach() for s in steps], scale)
        return row, row

    def loss(self, loss):
        """The loss, kept as it is (a 0-d tensor detached on its device, or a float)."""
        if isinstance(loss, torch.Tensor):
            if loss.numel() != 1:
                raise InvalidArgument("loss", tuple(loss.shape), "must be a single number",
                                      "pass the mean (or total) loss of the step")
            loss = loss.detach()
            return loss.reshape(()) if loss.dim() else loss
        if isinstance(loss, bool):
            raise InvalidArgument("loss", loss, "must be a number")
        try:
            return float(loss)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument("loss", loss, "must be a number or a 0-d tensor") from exc

    def fetch(self, records: list) -> list[tuple[float, float, float]]:
        """Floats of each record ``(loss, squared, cross)``: floats, 0-d tensors, or a
        :class:`_Row` standing for both sums; one transfer for the losses and one per chunk."""
        losses = [r[0] for r in records if isinstance(r[0], torch.Tensor)]
        if len({(t.device, t.dtype) for t in losses}) == 1:
            losses = torch.stack(losses).tolist()   # float32 → Python float is exact
        else:
            losses = [t.item() for t in losses]
        losses = iter(losses)
        chunks: dict = {}
        out = []
        for loss, squared, cross in records:
            loss = next(losses) if isinstance(loss, torch.Tensor) else float(loss)
            if isinstance(squared, _Row):
                key = id(squared.chunk)
                if key not in chunks:
                    chunks[key] = squared.chunk.tolist()
                squared, cross = squared.values(chunks[key][squared.index])
            out.append((loss, float(squared), float(cross)))
        return out


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
    r"""Hook ``optimizer`` (a ``torch.optim.SGD``) for ``monitor``.

    Buffer mode keeps no copy.  SGD sets :math:`b_{k+1} = \mu b_k + (1-\tau) g_k`, so the cross
    term :math:`d_{k+1}\cdot d_k = \text{lr}_k\,\text{lr}_{k-1}\,b_{k+1}\cdot b_k` follows
    from norms alone (polarisation):
    :math:`b_{k+1}\cdot b_k = (\|b_{k+1}\|^2 + \mu^2\|b_k\|^2 - (1-\tau)^2\|g_k\|^2)/(2\mu)`,
    with :math:`\|b_k\|^2` kept (as block norms) from the previous step and
    :math:`\|b_{k+1}\|^2`, :math:`\|g_k\|^2` taken in the step post-hook: one read of the
    buffer and one of the gradient per step.  Its rounding,
    :math:`\varepsilon(\|b_{k+1}\|^2 + \mu^2\|b_k\|^2 + \|g\|^2)/(2\mu)`, is a few ε of
    :math:`\tfrac12\|v\|^2/\mu`: below :data:`_POLARISE_FROM` the pre-hook takes the dot
    product :math:`b_k\cdot g_k` directly instead
    (:math:`b_{k+1}\cdot b_k = \mu\|b_k\|^2 + (1-\tau)\,b_k\cdot g_k`).  A tensor that did
    not move at the previous step (:math:`d_k = 0` there) is left out of the cross term.
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise InvalidArgument("optimizer", type(optimizer).__name__,
                              "is not a torch.optim.Optimizer", "pass a torch.optim.SGD")
    if not isinstance(optimizer, torch.optim.SGD):
        raise InvalidArgument("optimizer", type(optimizer).__name__,
                              "has no heavy-ball (lr, momentum) reading (only torch.optim.SGD "
                              "steps are read)", _REFUSED_HINT)
    lr, momentum, dampening, nesterov = _read_groups(optimizer)
    alpha_of, beta_of = pytorch_reading()
    last_reading: dict = {}

    def reading(lr, momentum, dampening):
        key = (lr, momentum, dampening)
        if key not in last_reading:
            alpha, beta = alpha_of(lr, momentum, dampening), beta_of(lr, momentum, dampening)
            monitor._check_hyper(alpha, beta, "optimizer lr", "optimizer momentum")
            last_reading.clear()
            last_reading[key] = alpha, beta
        return last_reading[key]

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
    sums.start(params, copy_parameters=not use_buffer, copy_steps=not use_buffer)
    attachment = _Attachment(sums, params, bool(use_buffer))
    attachment.displacement[0] = (0.0, 0.0, alpha, beta)  # θ_{-1} = θ_0

    def before_step(opt, args, kwargs):
        # The direct cross term needs b_k, which the step overwrites.
        if float(opt.param_groups[0]["momentum"]) < _POLARISE_FROM:
            sums.direct_dots(params, opt.state)

    def after_step(opt, args, kwargs):
        lr, momentum, dampening, nesterov = _read_groups(opt)
        alpha, beta = reading(lr, momentum, dampening)
        if attachment.use_buffer:
            if momentum == 0 or nesterov:
                raise InvalidArgument("optimizer", f"momentum = {momentum}, nesterov = "
                                      f"{nesterov}", "changed during the run, so the momentum "
                                      "buffer is no longer the step",
                                      "attach with use_buffer=False")
            row = sums.from_buffers(params, opt.state, lr, momentum, dampening)
        else:
            row = sums.from_parameters(params)
        attachment.steps += 1
        attachment.displacement[attachment.steps] = (row, row, alpha, beta)

    if attachment.use_buffer and sums.track_modified:
        attachment.handles.append(optimizer.register_step_pre_hook(before_step))
    attachment.handles.append(optimizer.register_step_post_hook(after_step))
    return attachment
