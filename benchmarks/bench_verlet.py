"""Velocity Verlet on an ensemble: the toolkit's compiled code against a hand-written NumPy loop and
against looping SciPy's solve_ivp over paths (issue 3, §7).

    python benchmarks/bench_verlet.py [--paths 100000] [--dim 10] [--steps 1000] [--repeat 1]

The loss is a coupled quartic chain, L = Σ θ_i⁴/4 + (k/2) Σ (θ_i − θ_{i+1})², undamped, dt = 0.01.

(a) ``simulate(..., scheme="verlet")`` on the system compiled from the symbolic loss;
(b) the same scheme written by hand in NumPy (contiguous (d, paths) layout, in place, one force
    evaluation per step, whole-array operations): the floor;
(c) ``solve_ivp`` (RK45) looped over a sample of paths, with the loosest rtol (from a grid) whose
    mean final energy error is at most Verlet's, timed per path.

Targets: (a)/(b) ≤ 1.3 in wall time; (a) at least 10× faster per path than (c); peak memory of (a)
(tracemalloc, in a separate run) under 3× the state arrays (θ and v) plus a constant.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from inertia_verify import Dynamics
from inertia_verify.numeric import compile_dynamics, simulate
from inertia_verify.numeric._simulate import RECORD_BUDGET

K = 0.5
DT = 0.01
SPREAD = 0.5
SEED = 1


def chain_loss(d: int) -> Dynamics:
    names = ",".join(f"q{i}" for i in range(d))
    quartic = " + ".join(f"q{i}**4/4" for i in range(d))
    springs = " + ".join(f"{K}/2*(q{i} - q{i + 1})**2" for i in range(d - 1))
    return Dynamics.from_text(f"{quartic} + {springs}", names)


def initial_state(paths: int, d: int):
    rng = np.random.default_rng(SEED)
    theta = 1.0 + SPREAD * rng.standard_normal((paths, d))
    v = SPREAD * rng.standard_normal((paths, d))
    return theta, v


def hand_force(theta, out, tmp):
    """−∇L for the chain on the (d, paths) layout (each coordinate one contiguous row), in place:
    the layout a careful NumPy programmer would pick, no allocation beyond ``tmp``."""
    np.multiply(theta, theta, out=out)
    np.multiply(out, theta, out=out)
    np.subtract(theta[:-1], theta[1:], out=tmp[:-1])
    tmp[:-1] *= K
    out[:-1] += tmp[:-1]
    out[1:] -= tmp[:-1]
    np.negative(out, out=out)
    return out


def hand_energy(theta, v):
    """I for states of shape (paths, d)."""
    springs = 0.5 * K * np.sum((theta[:, :-1] - theta[:, 1:]) ** 2, axis=1)
    return 0.5 * np.sum(v * v, axis=1) + np.sum(theta**4, axis=1) / 4 + springs


def hand_verlet(theta, v, steps):
    """Velocity Verlet by hand; takes and returns (paths, d), works on (d, paths) copies."""
    theta, v = np.array(theta.T, order="C"), np.array(v.T, order="C")
    force, tmp = np.empty_like(theta), np.empty_like(theta)
    hand_force(theta, force, tmp)
    half = DT / 2
    for _ in range(steps):
        np.multiply(force, half, out=tmp)
        v += tmp
        np.multiply(v, DT, out=tmp)
        theta += tmp
        hand_force(theta, force, tmp)
        np.multiply(force, half, out=tmp)
        v += tmp
        # the same NaN/Inf guard the toolkit pays for
        if not np.isfinite(theta.sum() + v.sum()):
            raise ArithmeticError("diverged")
    return theta.T, v.T


def toolkit(compiled, theta, v, steps, bookkeeping=True):
    """``bookkeeping=False``: the integration alone, the same work as the hand loop (no record of
    I at every step and no energy-balance quadrature, which need dI/dt at every step)."""
    if bookkeeping:
        return simulate(compiled, theta, v, steps * DT, DT, scheme="verlet", paths=theta.shape[0])
    return simulate(compiled, theta, v, steps * DT, DT, scheme="verlet", paths=theta.shape[0],
                    save_every=steps, energy_balance=False)


def solve_ivp_paths(theta, v, steps, rtol):
    from scipy.integrate import solve_ivp

    d = theta.shape[1]
    scratch = np.empty((d, 1)), np.empty((d, 1))

    def rhs(_t, y):
        out = np.empty(2 * d)
        out[:d] = y[d:]
        out[d:] = hand_force(y[:d, None], scratch[0], scratch[1])[:, 0]
        return out

    finals = []
    for p in range(theta.shape[0]):
        y0 = np.concatenate([theta[p], v[p]])
        sol = solve_ivp(rhs, (0, steps * DT), y0, method="RK45", rtol=rtol, atol=rtol * 1e-3,
                        t_eval=[steps * DT])
        finals.append(sol.y[:, -1])
    finals = np.array(finals)
    return finals[:, :d], finals[:, d:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=10)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ivp-paths", type=int, default=20, help="paths sampled for (c)")
    args = parser.parse_args()
    paths, d, steps = args.paths, args.dim, args.steps
    state_bytes = 2 * paths * d * 8

    start = time.perf_counter()
    compiled = compile_dynamics(chain_loss(d))
    compile_seconds = time.perf_counter() - start
    theta0, v0 = initial_state(paths, d)
    energy0 = hand_energy(theta0, v0)

    # warm up both (first-touch page faults and allocator growth are not the scheme's cost)
    toolkit(compiled, theta0, v0, 5)
    hand_verlet(theta0.copy(), v0.copy(), 5)
    toolkit_times, bare_times, hand_times = [], [], []
    for _ in range(args.repeat):  # interleaved, so that load from other processes hits all
        start = time.perf_counter()
        run = toolkit(compiled, theta0, v0, steps)
        toolkit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        toolkit(compiled, theta0, v0, steps, bookkeeping=False)
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theta_h, v_h = hand_verlet(theta0.copy(), v0.copy(), steps)
        hand_times.append(time.perf_counter() - start)
    a, a_bare, b = min(toolkit_times), min(bare_times), min(hand_times)
    same = np.max(np.abs(run.final_theta - theta_h))
    verlet_error = float(np.mean(np.abs(run.inertia[-1] - run.inertia[0])))
    hand_error = float(np.mean(np.abs(hand_energy(theta_h, v_h) - energy0)))

    sample = slice(0, args.ivp_paths)
    chosen = None
    for rtol in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9):
        start = time.perf_counter()
        th, vv = solve_ivp_paths(theta0[sample], v0[sample], steps, rtol)
        seconds = time.perf_counter() - start
        error = float(np.mean(np.abs(hand_energy(th, vv) - energy0[sample])))
        sample_verlet = float(np.mean(np.abs(run.inertia[-1][sample] - run.inertia[0][sample])))
        if error <= sample_verlet:
            chosen = (rtol, seconds / args.ivp_paths, error, sample_verlet)
            break

    # memory in a separate, shorter run (tracemalloc slows NumPy down); the record is bounded, so
    # the peak does not depend on the number of steps (checked at two lengths)
    peaks, records = [], []
    for n in (max(steps // 20, 10), max(steps // 5, 40)):
        tracemalloc.start()
        measured = toolkit(compiled, theta0, v0, n)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        records.append(measured.inertia.nbytes + measured.balance.nbytes)

    print(f"velocity Verlet, coupled quartic chain: {paths} paths x {d} coordinates, {steps} steps, "
          f"dt = {DT}")
    print(f"compile (symbolic -> NumPy):       {compile_seconds:8.3f} s (once)")
    print(f"(a) toolkit simulate:              {a:8.3f} s   (runs: {', '.join(f'{t:.2f}' for t in toolkit_times)})")
    print(f"(b) hand-written NumPy loop:       {b:8.3f} s   (runs: {', '.join(f'{t:.2f}' for t in hand_times)})")
    print(f"(a') toolkit, integration only:    {a_bare:8.3f} s   (runs: {', '.join(f'{t:.2f}' for t in bare_times)})")
    print(f"    (a')/(b) = {a_bare / b:.3f}   target <= 1.3 (the same work as the hand loop)")
    print(f"    (a)/(b)  = {a / b:.3f}   (with the record of I and the energy balance at every step)")
    print(f"    same trajectories: max |theta_a - theta_b| = {same:.2e}; mean |I(T) - I(0)|: "
          f"toolkit {verlet_error:.3e}, hand {hand_error:.3e}")
    if chosen is None:
        print("(c) solve_ivp: no rtol down to 1e-9 reached Verlet's energy error")
    else:
        rtol, per_path, error, sample_verlet = chosen
        per_path_a = a / paths
        print(f"(c) solve_ivp RK45 looped over {args.ivp_paths} paths, rtol = {rtol:g} (energy error "
              f"{error:.3e} <= Verlet's {sample_verlet:.3e} on the same paths): "
              f"{per_path * 1e3:.3f} ms per path")
        print(f"    per path: toolkit {per_path_a * 1e6:.3f} us, solve_ivp {per_path * 1e6:.1f} us; "
              f"(c)/(a) = {per_path / per_path_a:.0f}x   target >= 10x")
    print(f"peak memory of (a) (tracemalloc): {peaks[0] / 2**20:.1f} MiB at {max(steps // 20, 10)} "
          f"steps, {peaks[1] / 2**20:.1f} MiB at {max(steps // 5, 40)} steps; state arrays "
          f"(theta, v) {state_bytes / 2**20:.1f} MiB; ratio {peaks[1] / state_bytes:.2f}")
    print(f"    of which the record of I and the energy balance (bounded by RECORD_BUDGET = "
          f"{RECORD_BUDGET / 2**20:.0f} MiB, independent of steps): {records[1] / 2**20:.1f} MiB; "
          f"the rest is {(peaks[1] - records[1]) / state_bytes:.2f} x the state arrays  "
          f"target < 3 (+ a constant)")


if __name__ == "__main__":
    main()
