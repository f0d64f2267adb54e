"""The JAX backend: the same schemes, compiled by XLA, on a GPU when there is one.

``simulate(..., backend="jax")`` and ``simulate_ensemble(..., backend="jax")`` compile the system
with ``sympy.lambdify(modules="jax")``, write one step of the scheme for *one* path, ``jax.vmap``
it over the paths and run the steps between two records in a jit-compiled ``lax.fori_loop``.
Everything runs in float64 inside ``jax.enable_x64(True)`` (a context, so the caller's own JAX
code keeps its setting).  The one-path step is the scheme's own ``jax_step`` (a scheme declares
it by inheriting :class:`~inertia_verify.schemes.JaxForm`): the NumPy stepper's arithmetic written
functionally; XLA may fuse and contract operations differently, so deterministic runs agree with
the NumPy backend to round-off, not bit for bit.

Noise: block ``b`` of :data:`~inertia_verify.numeric._montecarlo.BLOCK_PATHS` paths draws its
normals at step ``n`` from ``fold_in(fold_in(PRNGKey(seed), b), n)``, so a JAX ensemble is the
same bits for any chunk size (not the same numbers as NumPy's streams: the two backends agree
within standard errors).  The statistics are taken by the NumPy observer from the states at each
record, so both backends report the same quantities, merged in the same block order.

Supported: the schemes with a JAX form, :data:`JAX_SCHEMES` (``euler``, ``symplectic-euler``,
``verlet`` and ``rk4``; any damping, any constant mass) and :data:`JAX_SDE_SCHEMES` (Euler–Maruyama
and BAOAB, with additive noise in the Itô reading).
Divergence is detected at the records (NumPy checks every step).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import sympy

from .._dynamics import DampingKind, NoiseKind
from .._errors import InvalidArgument, require_extra
from ..schemes import FIXED_STEP, SDE_SCHEMES, JaxForm
from ._stability import Divergence

__all__ = ["jax_modules", "JAX_SCHEMES", "JAX_SDE_SCHEMES", "run_fixed_step_jax",
           "sde_chunk_states"]

#: The registered schemes with a JAX form (those that declare :class:`~inertia_verify.schemes.JaxForm`).
JAX_SCHEMES = tuple(name for name, s in FIXED_STEP.items() if isinstance(s, JaxForm))
JAX_SDE_SCHEMES = tuple(name for name, s in SDE_SCHEMES.items() if isinstance(s, JaxForm))


def _check_jax_form(scheme, choices) -> None:
    if not isinstance(scheme, JaxForm):
        raise InvalidArgument("scheme", scheme.name, "has no JAX form",
                              f"use one of {', '.join(choices)}, or backend='numpy'")


def jax_modules(argument: str = "backend"):
    """``(jax, jax.numpy)``, or the project's error when JAX is not installed."""
    return (require_extra("jax", "jax", argument=argument, value="jax"),
            require_extra("jax.numpy", "jax", argument=argument, value="jax"))


# What ``backend=None`` means: NumPy, unless a front end (``--backend jax``) says otherwise for
# one command, through library code it does not own (the cross-check).
_DEFAULT_BACKEND: ContextVar[str] = ContextVar("inertia_verify_backend", default="numpy")


@contextmanager
def backend_default(backend: str | None) -> Iterator[None]:
    """Within the block, ``backend=None`` means ``backend`` (checked first)."""
    token = _DEFAULT_BACKEND.set(check_backend(backend or "numpy"))
    try:
        yield
    finally:
        _DEFAULT_BACKEND.reset(token)


def check_backend(backend: object, argument: str = "backend") -> str:
    """``"numpy"`` or ``"jax"`` (``None``: the default in force); JAX must be importable."""
    if backend is None:
        return _DEFAULT_BACKEND.get()
    if backend not in ("numpy", "jax"):
        raise InvalidArgument(argument, backend, "is not a backend", "use 'numpy' or 'jax'")
    if backend == "jax":
        jax_modules(argument)
    return str(backend)


def _lambdify(args, expr):
    from ._compile import _without_unit_floats

    return sympy.lambdify(args, _without_unit_floats(expr), modules="jax", cse=True,
                          docstring_limit=0)


class _JaxSystem:
    """One path of a compiled system as JAX functions of ``(d,)`` vectors."""

    def __init__(self, system) -> None:
        from ..symbolic._energy import inertia_rate

        jax, jnp = jax_modules()
        self.jnp = jnp
        dyn = system.dynamics
        coords, vels, t = dyn.coordinates, dyn.velocities, dyn.time
        force = -dyn.gradient if system.identity_mass else -(dyn.mass_inverse * dyn.gradient)
        self._force = _lambdify(coords, [f if system.identity_mass else sympy.expand(f)
                                         for f in force])
        self._loss = _lambdify(coords, dyn.loss)
        rate = inertia_rate(dyn)
        self._rate = _lambdify((t, *coords, *vels), rate)
        self._rate_dot = _lambdify((t, *coords, *vels),
                                   sympy.expand(dyn.time_derivative(rate)))
        self.mass = np.array(system.mass)
        self.identity_mass = system.identity_mass
        self.kind = system.damping_kind
        damping = dyn.damping
        if self.kind in (DampingKind.SCALAR, DampingKind.TIME):
            self._gamma = _lambdify((t,), damping[0, 0])
        elif self.kind in (DampingKind.MATRIX, DampingKind.MATRIX_TIME) or damping.has(t):
            self._gamma = _lambdify((t,), damping.tolist())
        self.d = system.dimension

    def _vector(self, entries, like):
        jnp = self.jnp
        return jnp.stack([jnp.broadcast_to(jnp.asarray(e, dtype=like.dtype), like.shape[:-1])
                          for e in entries], axis=-1)

    def force(self, theta):
        return self._vector(self._force(*theta), theta)

    def gamma(self, t):
        """Γ(t): a scalar for scalar/time damping, a (d, d) array otherwise."""
        jnp = self.jnp
        if self.kind in (DampingKind.SCALAR, DampingKind.TIME):
            return jnp.asarray(self._gamma(t), dtype=jnp.float64)
        return jnp.asarray(self._gamma(t), dtype=jnp.float64).reshape(self.d, self.d)

    def damp(self, t, v):
        if self.kind is DampingKind.ZERO:
            return self.jnp.zeros_like(v)
        g = self.gamma(t)
        return g * v if g.ndim == 0 else g @ v

    def acceleration(self, t, theta, v):
        out = self.force(theta)
        return out if self.kind is DampingKind.ZERO else out - self.damp(t, v)

    def resolvent_apply(self, t, h, v):
        """(I + hΓ(t))⁻¹ v (the implicit half kick of Verlet)."""
        jnp = self.jnp
        if self.kind is DampingKind.ZERO:
            return v
        g = self.gamma(t)
        if g.ndim == 0:
            return (1.0 / (1.0 + h * g)) * v
        return jnp.linalg.solve(jnp.eye(self.d) + h * g, v)

    def inertia(self, theta, v):
        jnp = self.jnp
        kinetic = 0.5 * (v @ v if self.identity_mass else v @ (jnp.asarray(self.mass) @ v))
        return kinetic + self._loss(*theta)

    def rate(self, t, theta, v):
        return self.jnp.asarray(self._rate(t, *theta, *v), dtype=self.jnp.float64)

    def rate_dot(self, t, theta, v):
        return self.jnp.asarray(self._rate_dot(t, *theta, *v), dtype=self.jnp.float64)


def run_fixed_step_jax(method, system, theta, v, t0, h, steps, marks, keep_states, balance,
                       chunk_paths, bar):
    """The record of :func:`~inertia_verify.numeric.simulate` (same keys as the NumPy driver),
    integrated with JAX chunk by chunk."""

    jax, jnp = jax_modules()
    _check_jax_form(method, JAX_SCHEMES)
    paths, d = theta.shape
    n = len(marks)
    times = t0 + h * np.asarray(marks, dtype=float)
    inertia_rec = np.empty((n, paths))
    balance_rec = np.empty((n, paths)) if balance else None
    theta_rec = np.empty((n, paths, d)) if keep_states else None
    v_rec = np.empty((n, paths, d)) if keep_states else None
    final_theta, final_v = np.empty((paths, d)), np.empty((paths, d))
    track = balance and not system.rate_is_zero
    divergence, count, correction_max = None, n, 0.0
    with jax.enable_x64(True):
        js = _JaxSystem(system)
        one = method.jax_step(js, h)
        vstep = jax.vmap(one, in_axes=(None, 0, 0))
        vrate = jax.vmap(js.rate, in_axes=(None, 0, 0))
        vrate_dot = jax.vmap(js.rate_dot, in_axes=(None, 0, 0))
        vinertia = jax.vmap(js.inertia)

        def advance(carry, k0, k1):
            def body(k, c):
                th, vv, work, corr, rate, rate_dot = c
                th, vv = vstep(t0 + (k - 1) * h, th, vv)
                if track:
                    t_new = t0 + k * h
                    rate_new, rate_dot_new = vrate(t_new, th, vv), vrate_dot(t_new, th, vv)
                    end = (h * h / 12) * (rate_dot - rate_dot_new)
                    work = work + 0.5 * h * (rate + rate_new) + end
                    corr = corr + end
                    rate, rate_dot = rate_new, rate_dot_new
                return th, vv, work, corr, rate, rate_dot
            return jax.lax.fori_loop(k0 + 1, k1 + 1, body, carry)

        advance = jax.jit(advance)
        inertia_of = jax.jit(vinertia)
        size = -(-paths // -(-paths // chunk_paths))
        for start in range(0, paths, size):
            cols = slice(start, min(start + size, paths))
            th = jnp.asarray(theta[cols], dtype=jnp.float64)
            vv = jnp.asarray(v[cols], dtype=jnp.float64)
            zeros = jnp.zeros(th.shape[0])
            rate = vrate(t0, th, vv) if track else zeros
            rate_dot = vrate_dot(t0, th, vv) if track else zeros
            carry = (th, vv, zeros, zeros, rate, rate_dot)
            inertia0 = np.asarray(inertia_of(th, vv))
            saved = 0
            for i, k in enumerate(marks):
                if i:
                    carry = advance(carry, marks[i - 1], k)
                    bar.advance(k - marks[i - 1])
                th_np, v_np = np.asarray(carry[0]), np.asarray(carry[1])
                inertia = np.asarray(inertia_of(carry[0], carry[1]))
                if not (np.isfinite(th_np).all() and np.isfinite(v_np).all()
                        and np.isfinite(inertia).all()):
                    found = Divergence("non-finite", int(k), float(times[i]),
                                       f"NaN/Inf by the record at step {k} (the JAX backend "
                                       f"checks at records) in paths {cols.start}–"
                                       f"{cols.stop - 1}")
                    if divergence is None or found.step < divergence.step:
                        divergence = found
                    break
                inertia_rec[i, cols] = inertia
                if balance:
                    balance_rec[i, cols] = inertia - inertia0 - np.asarray(carry[2])
                if keep_states:
                    theta_rec[i, cols], v_rec[i, cols] = th_np, v_np
                saved = i + 1
            count = min(count, saved)
            correction_max = max(correction_max, float(np.max(np.abs(np.asarray(carry[3])))))
            final_theta[cols], final_v[cols] = np.asarray(carry[0]), np.asarray(carry[1])

    def cut(a):
        return None if a is None else a[:count]
    return {"times": times[:count], "inertia": inertia_rec[:count], "balance": cut(balance_rec),
            "theta": cut(theta_rec), "v": cut(v_rec), "quadrature_correction": correction_max,
            "final_theta": final_theta, "final_v": final_v, "divergence": divergence}


def check_sde_jax(sde, scheme) -> None:
    """Refuse what the JAX SDE backend does not integrate (before any chunk runs)."""
    _check_jax_form(scheme, JAX_SDE_SCHEMES)
    if sde.noise_kind is NoiseKind.MULTIPLICATIVE or sde._correction is not None:
        raise InvalidArgument("backend", "jax", "integrates additive noise only (this noise "
                              "depends on the state or on t)", "use backend='numpy'")
    scheme.check(sde)


def sde_chunk_states(job, compiled, chunk, spans, cancel=None, index=0,
                     bar=None) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Integrate the blocks of ``chunk`` with JAX and yield ``(k, theta, v)`` (NumPy ``(d,
    width)`` arrays) at every record step ``k``; stops early (after yielding the non-finite
    state) when a record is not finite."""
    jax, jnp = jax_modules()
    sde, dt = compiled.sde, job.dt
    d = sde.dimension
    width = spans[-1][1]
    marks = list(job.marks)
    with jax.enable_x64(True):
        js = _JaxSystem(sde.drift)
        m = sde.noise_dimension
        rows = job.scheme.draws(d, m)
        one = job.scheme.jax_step(js, dt, sde)
        vstep = jax.vmap(one, in_axes=(None, 1, 1, 1), out_axes=(1, 1))
        base = jax.random.PRNGKey(job.seed)
        block_keys = [jax.random.fold_in(base, b) for b in chunk]
        sizes = [e - a for a, e in spans]

        def draws(n):
            if rows == 0:
                return jnp.zeros((0, width))
            return jnp.concatenate([jax.random.normal(jax.random.fold_in(key, n), (rows, s),
                                                      dtype=jnp.float64)
                                    for key, s in zip(block_keys, sizes)], axis=1)

        def advance(state, k0, k1):
            def body(n, c):
                th, vv = c
                return vstep(n * dt, th, vv, draws(n))
            return jax.lax.fori_loop(k0, k1, body, state)

        advance = jax.jit(advance)
        theta = jnp.repeat(jnp.asarray(job.theta0, dtype=jnp.float64)[:, None], width, axis=1)
        v = jnp.repeat(jnp.asarray(job.v0, dtype=jnp.float64)[:, None], width, axis=1)
        state, previous = (theta, v), 0
        for k in marks:
            if cancel is not None and index > cancel.first:
                return
            if k > previous:
                state = advance(state, previous, k)
                if bar is not None:
                    bar.advance(k - previous)
                previous = k
            th, vv = np.asarray(state[0]), np.asarray(state[1])
            yield k, th, vv
            if not (np.isfinite(th).all() and np.isfinite(vv).all()):
                return
