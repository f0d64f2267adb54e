r"""Per-neuron conservation laws of a ReLU network, followed during training on the device.

For a stack of ``nn.Linear`` layers separated by positively homogeneous activations (ReLU, leaky
ReLU, identity), each hidden neuron :math:`j` of the layer between :math:`W_\ell` and
:math:`W_{\ell+1}` carries the balancedness

.. math:: c_j = \|W_\ell[j,:]\|^2 + b_\ell[j]^2 - \|W_{\ell+1}[:,j]\|^2

(incoming minus outgoing squared norms, the bias counted as incoming), conserved by the gradient
flow of any loss (Du, Hu and Lee 2018; Marcotte, Gribonval and Peyré 2023).  A gradient-descent
step with learning rate :math:`\eta` changes it by
:math:`\eta^2(\|g_{\text{in}}\|^2 - \|g_{\text{out}}\|^2)` (the first-order terms cancel), so over a
fixed training time :math:`T = n\eta` the drift is :math:`O(\eta)`: it halves when the step
halves.  Momentum and mini-batches change the constant, not the order.

The attention blocks of the laws layer (``nn.MultiheadAttention``, anywhere in the model) carry
matrix-valued laws per head :math:`h`, from the symmetries :math:`Q_h \to AQ_h,\ K_h \to
A^{-\top}K_h` of the scores :math:`XQ_h^\top K_hX^\top` and :math:`V_h \to BV_h,\ O_h \to
O_hB^{-1}` of the values (the biases of q, k and v, when present, join their weight as one more
column, since they enter through the same product):

.. math:: [Q_h\ b^q_h][Q_h\ b^q_h]^\top - [K_h\ b^k_h][K_h\ b^k_h]^\top, \qquad
          [V_h\ b^v_h][V_h\ b^v_h]^\top - O_h^\top O_h,

each a :math:`d_h\times d_h` matrix, conserved by the gradient flow of any loss in which these
parameters appear only through the attention.

The torch import happens when a :class:`LawMonitor` is made, so the package loads without torch.
"""

from __future__ import annotations

from .._errors import InvalidArgument, require_extra

__all__ = ["LawMonitor"]

_HOMOGENEOUS = ("ReLU", "LeakyReLU", "Identity")


def _linear_stack(model, torch) -> list:
    """The ``nn.Linear`` layers of ``model``, checked to be separated by homogeneous activations."""
    nn = torch.nn
    modules = list(model) if isinstance(model, nn.Sequential) else [model]
    layers, previous = [], None
    for index, module in enumerate(modules):
        if isinstance(module, nn.Linear):
            if previous is not None and previous.out_features != module.in_features:
                raise InvalidArgument("model", f"layer {index}", "does not follow the previous "
                                      "layer's width", "pass the network's nn.Sequential")
            layers.append(module)
            previous = module
        elif type(module).__name__ in _HOMOGENEOUS:
            continue
        else:
            raise InvalidArgument("model", f"layer {index}: {type(module).__name__}",
                                  "is not a Linear layer or a positively homogeneous activation "
                                  "(ReLU, LeakyReLU, Identity), so the per-neuron law does not "
                                  "hold",
                                  "monitor a stack of nn.Linear with ReLU activations")
    if len(layers) < 2:
        raise InvalidArgument("model", type(model).__name__, "has fewer than two Linear layers, "
                              "so no hidden neuron", "pass an nn.Sequential of Linear and ReLU")
    return layers


def _attention_laws(attention, torch) -> list:
    """Per head, the (heads, d, d) matrices of the query-key and value-output laws."""
    E, H = attention.embed_dim, attention.num_heads
    d = E // H
    if attention.in_proj_weight is not None:
        q, k, v = attention.in_proj_weight.split(E, dim=0)
    else:
        q, k, v = attention.q_proj_weight, attention.k_proj_weight, attention.v_proj_weight
    bias = attention.in_proj_bias
    if bias is not None:
        bq, bk, bv = (b.unsqueeze(1) for b in bias.split(E))
        q, k, v = torch.cat([q, bq], 1), torch.cat([k, bk], 1), torch.cat([v, bv], 1)
    if attention.bias_k is not None:
        raise InvalidArgument("model", "MultiheadAttention(add_bias_kv=True)", "appends learned "
                              "keys and values, which break the symmetries of the laws",
                              "use add_bias_kv=False")

    def gram(m):
        m = m.to(torch.float64).reshape(H, d, -1)
        return m @ m.transpose(1, 2)

    out = attention.out_proj.weight.to(torch.float64).reshape(E, H, d).permute(1, 2, 0)
    return [gram(q) - gram(k), gram(v) - out @ out.transpose(1, 2)]


class LawMonitor:
    r"""The per-neuron balancedness of a ReLU MLP at every step, and its drift since the start.

    Parameters
    ----------
    model : torch.nn.Module
        An ``nn.Sequential`` of ``nn.Linear`` layers (with or without bias) separated by ReLU,
        LeakyReLU or Identity; or any module containing ``nn.MultiheadAttention`` blocks, whose
        per-head laws are followed.

    Examples
    --------
    >>> import torch
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    >>> laws = LawMonitor(model)
    >>> with torch.no_grad():
    ...     model[0].weight.mul_(2.0); model[2].weight.mul_(0.5)  # doctest: +ELLIPSIS
    Parameter...
    >>> laws.update()
    >>> [tuple(d.shape) for d in laws.drift()], bool(laws.drift()[0].abs().max() > 0)
    ([(4,)], True)
    """

    def __init__(self, model) -> None:
        torch = require_extra("torch", "torch", argument="model", value="torch")
        if not isinstance(model, torch.nn.Module):
            raise InvalidArgument("model", type(model).__name__, "is not a torch.nn.Module",
                                  "pass an nn.Sequential of Linear and ReLU layers")
        self._torch = torch
        self.attention = [m for m in model.modules()
                          if isinstance(m, torch.nn.MultiheadAttention)]
        if self.attention:
            # Attention anywhere in the model: its per-head laws (the Linear layers around it
            # need not form a ReLU stack then, and their per-neuron laws are not followed).
            self.layers = []
        else:
            self.layers = _linear_stack(model, torch)
        self.start = self.current()
        self._history = [self.start]
        self._handle = None

    def current(self) -> list:
        """The laws now, float64 tensors on the parameters' device: the balancedness of the
        hidden neurons, one vector per hidden layer, or for each attention block two
        (heads, d, d) tensors (query-key, value-output)."""
        torch = self._torch
        values = []
        with torch.no_grad():
            for before, after in zip(self.layers[:-1], self.layers[1:]):
                w_in = before.weight
                incoming = (w_in * w_in).sum(dim=1, dtype=torch.float64)
                if before.bias is not None:
                    incoming = incoming + before.bias.to(torch.float64) ** 2
                outgoing = (after.weight * after.weight).sum(dim=0, dtype=torch.float64)
                values.append(incoming - outgoing)
            for attention in self.attention:
                values.extend(_attention_laws(attention, torch))
        return values

    def update(self) -> None:
        """Record the laws at the current parameters (call after each optimizer step)."""
        self._history.append(self.current())

    def attach(self, optimizer) -> LawMonitor:
        """Record after every ``optimizer.step()`` (a step post-hook); returns the monitor."""
        self._handle = optimizer.register_step_post_hook(lambda opt, args, kwargs: self.update())
        return self

    def detach(self) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    @property
    def steps(self) -> int:
        return len(self._history) - 1

    def drift(self, step: int | None = None) -> list:
        """Per-neuron change of the balancedness from the start to ``step`` (default: the
        latest), one tensor per hidden layer, on the device."""
        index = -1 if step is None else step
        return [now - then for now, then in zip(self._history[index], self.start)]

    def max_drift(self) -> list[float]:
        """``max |c(k) − c(0)|`` over every law's entries at every recorded step (one
        transfer)."""
        torch = self._torch
        peaks = torch.stack([torch.stack([(now - then).abs().max() for now, then
                                          in zip(record, self.start)]).max()
                             for record in self._history])
        return peaks.cpu().tolist()

    def history(self) -> list[list]:
        """The balancedness at every recorded step (step 0 first), as host NumPy arrays."""
        return [[t.cpu().numpy() for t in record] for record in self._history]
