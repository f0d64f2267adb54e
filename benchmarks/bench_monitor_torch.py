"""Benchmark: the cost of an attached InertiaMonitor on a PyTorch step of a 10⁶-parameter model.

Target (issue 14): under 5 % of the step on the CPU.  The model is ``nn.Linear(1000, 1000)``
(1,001,000 parameters, float32) trained by ``torch.optim.SGD(lr, momentum=0.9)`` on a
least-squares loss with a batch of 256 (forward, backward, step).  Four optimizers with identical
models are stepped in interleaved rounds, one plain and one per monitor mode, so that load from
other processes hits all alike:

* ``buffer``: the step read from SGD's momentum buffer, modified inertia tracked (no copy: two
  norms per step, of the buffer and of the gradient);
* ``buffer, track_modified=False``: no copy, one norm per step;
* ``copy``: the step from a device copy of the parameters (what Nesterov needs).

The figure is the median over rounds of (monitored − plain)/plain, with the interquartile range.

Measured on the development machine (2 shared cores, load average 2-4, 60 rounds): plain step
9.2 ms (2 threads) / 15.8 ms (1 thread); ``buffer`` 12 % / 13 %; ``buffer,
track_modified=False`` 5.0 % / 5.4 %; ``copy`` 35 % / 37 %.  Each norm is one read of 4 MB
(0.35-0.75 ms here), so the target is met only without the modified inertia.

    python benchmarks/bench_monitor_torch.py [--rounds 40] [--threads N]
"""

import argparse
import statistics
import time

import torch

from inertia_verify import InertiaMonitor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    X = torch.randn(args.batch, args.width)
    Y = torch.randn(args.batch, args.width)

    def setup(monitor_options):
        torch.manual_seed(1)
        model = torch.nn.Linear(args.width, args.width)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
        monitor = None
        if monitor_options is not None:
            monitor = InertiaMonitor(**monitor_options[0]).attach(opt, **monitor_options[1])
        return model, opt, monitor

    modes = {"plain": None,
             "buffer": ({}, {}),
             "buffer, track_modified=False": ({"track_modified": False}, {}),
             "copy": ({}, {"use_buffer": False})}
    runs = {name: setup(options) for name, options in modes.items()}
    n_params = sum(p.numel() for p in runs["plain"][0].parameters())

    def step(name) -> float:
        model, opt, monitor = runs[name]
        start = time.perf_counter()
        opt.zero_grad()
        loss = 0.5 * ((model(X) - Y) ** 2).sum() / args.batch
        loss.backward()
        opt.step()
        if monitor is not None:
            monitor.observe(loss)
        return time.perf_counter() - start

    for _ in range(3):  # warm up allocators and threads
        for name in modes:
            step(name)
    times = {name: [] for name in modes}
    for _ in range(args.rounds):
        for name in modes:
            times[name].append(step(name))
    print(f"parameters: {n_params:,}   batch: {args.batch}   rounds: {args.rounds}   "
          f"threads: {torch.get_num_threads()}")
    plain = times["plain"]
    print(f"plain step (median):       {1e3 * statistics.median(plain):8.2f} ms")
    for name in list(modes)[1:]:
        overhead = sorted((m - p) / p for m, p in zip(times[name], plain))
        q = statistics.quantiles(overhead, n=4)
        print(f"-- {name}: step {1e3 * statistics.median(times[name]):8.2f} ms, overhead "
              f"{100 * statistics.median(overhead):6.2f} % (IQR {100 * q[0]:.2f} … "
              f"{100 * q[2]:.2f} %)   target < 5 %")
    # The records are fetched here, in blocks, not during the steps timed above.
    assert len(runs["buffer"][2].history()) == args.rounds + 3


if __name__ == "__main__":
    main()
