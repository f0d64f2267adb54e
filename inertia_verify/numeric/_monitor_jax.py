r"""The inertia monitor's JAX side: a pure, jit-friendly step function on parameter pytrees.

Imported only when needed; JAX itself is imported inside the functions, so this module (and the
package) loads without it.

In a jitted training step::

    state = jax_inertia_init(params)
    @jax.jit
    def train_step(params, opt_state, state, batch):
        loss, grads = jax.value_and_grad(loss_fn)(params, batch)
        state, sums = jax_inertia_step(state, params, loss)   # θ_k and L(θ_k)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, state, sums
    ...
    monitor.record(sums)        # no transfer: fetched in blocks when the records are read

with ``monitor = InertiaMonitor.for_optax_sgd(learning_rate, momentum, nesterov)``.  JAX arrays
are immutable, so the state keeps a reference to :math:`\theta_{k-1}`, not a copy; the modified
inertia keeps the previous step (one array per leaf).

Precision: each product is formed in the leaves' dtype and summed in float64 when
``jax_enable_x64`` is on; without it JAX has no float64, and the sums are float32 with XLA's
tree-shaped reductions (relative error about :math:`\log_2 n\cdot 6\times10^{-8}`).

optax's ``sgd(learning_rate, momentum, nesterov)`` is ``trace(decay=momentum, nesterov)``
followed by ``scale(-learning_rate)``: the trace :math:`t_{k+1} = g_k + \mu t_k` is PyTorch's
momentum buffer with dampening 0, so its heavy-ball reading is
:func:`~inertia_verify.symbolic.pytorch_to_heavy_ball` at :math:`\tau = 0`:
:math:`\alpha = \text{learning\_rate}`, :math:`\beta = \text{momentum}` (Nesterov: the same
:math:`(\alpha, \beta)`, the parameters being the look-ahead sequence).
"""

from __future__ import annotations

import numpy as np

from .._errors import InvalidArgument, require_extra
from .._validation import as_float
from ._readings import pytorch_reading

__all__ = ["jax_inertia_init", "jax_inertia_step", "optax_sgd_reading", "JaxSums"]


def _jax():
    jax = require_extra("jax", "jax", argument="params", value="jax")
    return jax, jax.numpy


def jax_inertia_init(params, *, track_modified: bool = True) -> dict:
    r"""The monitor's state before the first step: :math:`\theta_{-1} = \theta_0` (velocity 0).

    Parameters
    ----------
    params : pytree of JAX arrays
        :math:`\theta_0`.
    track_modified : bool
        Also keep the previous step, for the modified inertia (one more array per leaf).

    Returns
    -------
    dict
        The state :func:`jax_inertia_step` takes: ``previous`` (and ``previous_step``).

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> params = {"w": jnp.ones((2, 2)), "b": jnp.zeros(2)}
    >>> state = jax_inertia_init(params)
    >>> state, sums = jax_inertia_step(state, params, 1.5)
    >>> [float(x) for x in sums]
    [1.5, 0.0, 0.0]
    """
    jax, jnp = _jax()
    state = {"previous": params}
    if track_modified:
        state["previous_step"] = jax.tree_util.tree_map(jnp.zeros_like, params)
    return state


def jax_inertia_step(state: dict, params, loss):
    r"""One step, pure: ``(state, params θ_k, loss L_k) -> (state, sums)``, for
    :meth:`InertiaMonitor.record`.  Traceable under ``jax.jit``; no host transfer.

    Parameters
    ----------
    state : dict
        From :func:`jax_inertia_init` or the previous step.
    params : pytree of JAX arrays
        :math:`\theta_k`, with the same structure as the state's.
    loss : scalar
        :math:`L_k = L(\theta_k)`.

    Returns
    -------
    state : dict
        The state for the next step.
    sums : JAX array, shape (3,)
        ``[L_k, ‖θ_k − θ_{k−1}‖², (θ_k − θ_{k−1})·(θ_{k−1} − θ_{k−2})]`` (the last 0 without
        ``track_modified``), in float64 when ``jax_enable_x64`` is on.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> state = jax_inertia_init({"w": jnp.array([1.0, 2.0])})
    >>> state, _ = jax_inertia_step(state, {"w": jnp.array([1.0, 2.0])}, 2.5)
    >>> state, sums = jax_inertia_step(state, {"w": jnp.array([0.0, 2.0])}, 2.0)
    >>> [float(x) for x in sums]
    [2.0, 1.0, 0.0]
    """
    jax, jnp = _jax()
    accumulate = jnp.float64 if jax.config.jax_enable_x64 else jnp.float32
    steps = jax.tree_util.tree_map(lambda a, b: a - b, params, state["previous"])
    leaves = jax.tree_util.tree_leaves(steps)
    squared = sum(jnp.sum(s * s, dtype=accumulate) for s in leaves)
    new_state = {"previous": params}
    if "previous_step" in state:
        olders = jax.tree_util.tree_leaves(state["previous_step"])
        cross = sum(jnp.sum(s * o, dtype=accumulate) for s, o in zip(leaves, olders))
        new_state["previous_step"] = steps
    else:
        cross = jnp.zeros((), accumulate)
    sums = jnp.stack([jnp.asarray(loss, accumulate).reshape(()), squared.astype(accumulate),
                      jnp.asarray(cross, accumulate)])
    return new_state, sums


def optax_sgd_reading(learning_rate, momentum=None) -> tuple[float, float]:
    r"""Heavy-ball :math:`(\alpha, \beta)` of ``optax.sgd(learning_rate, momentum)``, from
    :func:`~inertia_verify.symbolic.pytorch_to_heavy_ball` at dampening 0 (optax's
    trace is PyTorch's buffer without dampening).

    Examples
    --------
    >>> optax_sgd_reading(0.01, 0.9)
    (0.01, 0.9)
    """
    if callable(learning_rate):
        raise InvalidArgument("learning_rate", learning_rate, "is a schedule, whose value at "
                              "each step the monitor cannot see",
                              "wrap the optimizer in optax.inject_hyperparams and pass "
                              "opt_state.hyperparams['learning_rate'] to record(sums, "
                              "learning_rate=...) at each step, or pass a number")

    lr = as_float(learning_rate, "learning_rate")
    mu = 0.0 if momentum is None else as_float(momentum, "momentum")
    alpha_of, beta_of = pytorch_reading()
    return alpha_of(lr, mu, 0.0), beta_of(lr, mu, 0.0)


class JaxSums:
    """The monitor's device tracker for JAX arrays (``update`` runs the jitted step)."""

    kind = "jax"

    def __init__(self, track_modified: bool) -> None:
        self.track_modified = track_modified
        self.state = None
        self.structure = None
        self._step = None

    def _leaves(self, params):
        jax, _ = _jax()
        leaves, structure = jax.tree_util.tree_flatten(params)
        if not leaves:
            raise InvalidArgument("params", params, "is empty", "pass the model's parameters")
        for leaf in leaves:
            if not isinstance(leaf, jax.Array) or not jax.numpy.issubdtype(leaf.dtype,
                                                                           jax.numpy.floating):
                raise InvalidArgument("params", getattr(leaf, "dtype", type(leaf).__name__),
                                      "must be floating-point JAX arrays")
        return structure, leaves

    def record(self, params, loss, displacement, scale, k: int):
        """The sums array of :func:`jax_inertia_step` for :meth:`InertiaMonitor.update`."""
        leaves = self.update(params, displacement, scale, k)
        self.state, sums = self._step(self.state, leaves, loss)
        return sums

    def update(self, params, displacement, scale, k: int):
        jax, _ = _jax()
        if displacement is not None:
            raise InvalidArgument("displacement", "JAX arrays", "is not needed for JAX arrays",
                                  "JAX arrays are immutable: the monitor keeps a reference to "
                                  "θ_{k-1}, not a copy; leave displacement out")
        structure, leaves = self._leaves(params)
        if k == 0:
            self.structure = (structure, tuple(leaf.shape for leaf in leaves))
            self.state = jax_inertia_init(leaves, track_modified=self.track_modified)
            self._step = jax.jit(jax_inertia_step)
        elif (structure, tuple(leaf.shape for leaf in leaves)) != self.structure:
            raise InvalidArgument("params", structure, "changed structure or shapes",
                                  "pass the same parameters at every step")
        return leaves

    def loss(self, loss):
        return loss

    def fetch(self, records: list) -> list[tuple[float, float, float]]:
        jax, jnp = _jax()
        arrays = [r for r in records if isinstance(r, jax.Array)]
        fetched = iter(np.asarray(jnp.stack(arrays), dtype=float).tolist()) if arrays else iter(())
        out = []
        for record in records:
            values = next(fetched) if isinstance(record, jax.Array) else record
            out.append(tuple(float(v) for v in values))
        return out
