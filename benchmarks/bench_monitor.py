"""Benchmark: the overhead of InertiaMonitor on a NumPy training step of a 10⁶-parameter model.

Target (issue 5): the monitor adds under 5% to the step.  The model is a dense layer
W ∈ ℝ^{1000×1000} (10⁶ parameters) trained by heavy ball on a least-squares loss with a batch of
256 (forward, backward and the momentum update in NumPy).  Steps with and without the monitor
are interleaved in rounds (plain, monitored with and without the modified inertia) so that
load from other processes hits all alike; the figure is the
median over rounds of (monitored − plain)/plain, with the interquartile range.  The monitor's own
cost per update is timed separately too.

    python benchmarks/bench_monitor.py [--pairs 40] [--batch 256]
"""

import argparse
import statistics
import time

import numpy as np

from inertia_verify.numeric._monitor import InertiaMonitor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.width
    W = rng.standard_normal((n, n)) * 0.01
    buf = np.zeros_like(W)
    X = rng.standard_normal((args.batch, n))
    Y = rng.standard_normal((args.batch, n))
    r = np.empty((args.batch, n))
    g = np.empty_like(W)
    lr, beta = 1e-3, 0.9

    def train_step() -> float:
        np.matmul(X, W, out=r)
        r[...] -= Y
        loss = 0.5 * float(np.einsum("ij,ij->", r, r)) / args.batch
        np.matmul(X.T, r, out=g)
        np.divide(g, args.batch, out=g)
        np.multiply(buf, beta, out=buf)
        np.add(buf, g, out=buf)
        np.subtract(W, lr * buf, out=W)
        return loss

    print(f"parameters: {W.size:,}   batch: {args.batch}   rounds: {args.pairs}")
    # Three ways to monitor: from the parameters (with and without the modified inertia, which
    # needs copies of θ), and from the step the loop already has (θ_k − θ_{k−1} = −lr·buf).
    modes = {"params, track_modified=True": (True, False),
             "params, track_modified=False": (False, False),
             "displacement=buf, track_modified=False": (False, True)}
    monitors = {name: InertiaMonitor(lr=lr, momentum=beta, track_modified=track)
                for name, (track, _) in modes.items()}

    def record(name, loss):
        if modes[name][1]:
            monitors[name].update([W], loss, displacement=[buf], scale=-lr)
        else:
            monitors[name].update([W], loss)

    for _ in range(3):  # warm up caches and BLAS threads
        for name in monitors:
            record(name, train_step())
    plain: list[float] = []
    monitored = {name: [] for name in modes}
    update_only = {name: [] for name in modes}
    for _ in range(args.pairs):
        # One round: a plain step, then one step with each monitor, so that load from other
        # processes hits all three alike.
        start = time.perf_counter()
        train_step()
        plain.append(time.perf_counter() - start)
        for name in monitors:
            start = time.perf_counter()
            loss = train_step()
            middle = time.perf_counter()
            record(name, loss)
            end = time.perf_counter()
            monitored[name].append(end - start)
            update_only[name].append(end - middle)
    print(f"plain step (median):          {1e3 * statistics.median(plain):8.2f} ms")
    for track in modes:
        overhead = sorted((m - p) / p for m, p in zip(monitored[track], plain))
        q = statistics.quantiles(overhead, n=4)
        own = statistics.median(update_only[track]) / statistics.median(plain)
        print(f"-- {track}")
        print(f"monitored step (median):      {1e3 * statistics.median(monitored[track]):8.2f} ms")
        print(f"monitor.update (median):      {1e3 * statistics.median(update_only[track]):8.2f} ms")
        print(f"overhead, paired median:      {100 * statistics.median(overhead):6.2f} %  "
              f"(IQR {100 * q[0]:.2f} … {100 * q[2]:.2f} %)")
        print(f"overhead, update/plain step:  {100 * own:6.2f} %   target < 5 %")


if __name__ == "__main__":
    main()
