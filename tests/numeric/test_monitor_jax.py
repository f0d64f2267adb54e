"""InertiaMonitor on a JAX / optax loop, against the NumPy monitor on the same trajectory.

Precision: the tests run under ``jax.enable_x64`` so that the parameters and sums are float64;
then the only differences from the NumPy monitor are reduction orders, a few ε of ‖Δθ‖²:
compared at 1e-10 relative (1e-13 absolute for quantities that pass through 0).  One test runs
in float32 (JAX's default, no float64 accumulation available) at 1e-4 relative: ε32 ≈ 6e-8
per product and subtraction, times the log₂ n ≈ 7 depth of the reduction tree, with margin.
"""

import numpy as np
import pytest

from inertia_verify import InvalidArgument
from inertia_verify.numeric import InertiaMonitor, jax_inertia_init, jax_inertia_step

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
jnp = jax.numpy

RTOL, ATOL = 1e-10, 1e-13


def _init(dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = {"w1": jnp.asarray(rng.normal(size=(6, 10)) / 3, dtype),
              "b1": jnp.zeros(10, dtype),
              "w2": jnp.asarray(rng.normal(size=(10, 2)) / 3, dtype)}
    X = jnp.asarray(rng.normal(size=(128, 6)), dtype)
    Y = jnp.asarray(rng.normal(size=(128, 2)), dtype)
    return params, X, Y


def _loss(params, X, Y):
    hidden = jnp.tanh(X @ params["w1"] + params["b1"])
    return jnp.mean((hidden @ params["w2"] - Y) ** 2)


def _train(learning_rate, momentum, nesterov, steps, dtype, mode):
    params, X, Y = _init(dtype)
    optimizer = optax.sgd(learning_rate, momentum=momentum, nesterov=nesterov)
    opt_state = optimizer.init(params)
    monitor = InertiaMonitor.for_optax_sgd(learning_rate, momentum, nesterov)
    reference = InertiaMonitor(lr=learning_rate, momentum=momentum)
    state = jax_inertia_init(params)

    @jax.jit
    def train_step(params, opt_state, state):
        loss, grads = jax.value_and_grad(_loss)(params, X, Y)
        state, sums = jax_inertia_step(state, params, loss)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, state, sums, loss

    for _ in range(steps):
        leaves = [np.asarray(p, dtype=float) for p in jax.tree_util.tree_leaves(params)]
        if mode == "jit":
            new_params, opt_state, state, sums, loss = train_step(params, opt_state, state)
            monitor.record(sums)
        else:
            new_params, opt_state, state, sums, loss = train_step(params, opt_state, state)
            monitor.update(params, loss)
        reference.update(leaves, float(loss))
        params = new_params
    return monitor, reference


def _assert_same(monitor, reference, rtol, atol):
    for name in ("loss", "kinetic", "inertia", "change", "damping_part", "remainder",
                 "modified_inertia"):
        np.testing.assert_allclose(getattr(monitor, name), getattr(reference, name),
                                   rtol=rtol, atol=atol, err_msg=name)


@pytest.mark.parametrize("mode", ["jit", "update"])
@pytest.mark.parametrize("nesterov", [False, True])
def test_optax_sgd_equals_the_numpy_monitor(mode, nesterov):
    with jax.enable_x64(True):
        monitor, reference = _train(0.05, 0.9, nesterov, 60, jnp.float64, mode)
        _assert_same(monitor, reference, RTOL, ATOL)
    records = monitor.history()
    assert len(records) == 60 and records[0].kinetic == 0.0
    assert (records[3].alpha, records[3].beta) == (0.05, 0.9)


def test_float32_loop():
    monitor, reference = _train(0.05, 0.9, False, 40, jnp.float32, "jit")
    np.testing.assert_allclose(monitor.kinetic[1:], reference.kinetic[1:], rtol=1e-4)
    np.testing.assert_allclose(monitor.loss, reference.loss, rtol=1e-6)


def test_optax_reading_and_refusals():
    assert InertiaMonitor.for_optax_sgd(0.1).momentum == 0.0
    with pytest.raises(InvalidArgument, match="inject_hyperparams"):
        InertiaMonitor.for_optax_sgd(optax.linear_schedule(0.1, 0.01, 100), 0.9)
    with pytest.raises(InvalidArgument) as info:
        InertiaMonitor.for_optax_sgd(0.1, 1.5)
    assert info.value.argument == "momentum"
    monitor = InertiaMonitor(lr=0.1, momentum=0.9)
    monitor.update({"w": jnp.ones(3)}, 1.0)
    with pytest.raises(InvalidArgument, match="changed structure"):
        monitor.update({"w": jnp.ones(4)}, 1.0)
    with pytest.raises(InvalidArgument, match="array library"):
        monitor.update([np.ones(3)], 1.0)


def test_schedule_values_passed_per_step():
    # inject_hyperparams exposes the schedule's value; each record uses h_k = √α_k of its step.
    with jax.enable_x64(True):
        params, X, Y = _init(jnp.float64)
        schedule = optax.exponential_decay(0.08, transition_steps=10, decay_rate=0.5,
                                           staircase=True)
        optimizer = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule, momentum=0.9)
        opt_state = optimizer.init(params)
        monitor = InertiaMonitor.for_optax_sgd(0.08, 0.9)
        state = jax_inertia_init(params)
        flat, lrs = [], []
        value_and_grad, inertia_step = jax.jit(jax.value_and_grad(_loss)), jax.jit(jax_inertia_step)
        for _ in range(30):
            loss, grads = value_and_grad(params, X, Y)
            state, sums = inertia_step(state, params, loss)
            updates, opt_state = optimizer.update(grads, opt_state)
            # inject_hyperparams stores the value this update used: read it after update().
            lr = float(opt_state.hyperparams["learning_rate"])
            monitor.record(sums, learning_rate=lr)
            flat.append(np.concatenate([np.ravel(p) for p in jax.tree_util.tree_leaves(params)]))
            lrs.append(lr)
            params = optax.apply_updates(params, updates)
    records = monitor.history()
    # The schedule's values are float32 (optax evaluates it so): compared at 1e-7 relative.
    assert sorted({round(r.alpha, 7) for r in records}) == [0.02, 0.04, 0.08]
    for k in range(1, 30):
        # Record k carries the α of the step θ_{k−1} → θ_k, the one made at iteration k − 1.
        assert records[k].alpha == lrs[k - 1]
        step = flat[k] - flat[k - 1]
        assert records[k].kinetic == pytest.approx(0.5 * step @ step / lrs[k - 1], rel=RTOL)
    assert records[10].alpha != records[11].alpha   # the boundary falls where it should
