"""Computational inertia as a diagnostic of a real training run (plain NumPy).

Trains an L2-regularised logistic regression on a synthetic two-class data set with heavy-ball
momentum, once full batch and once with mini-batches, and follows the discrete inertia
I_k = ½‖v_k‖² + L_k (v_k = (θ_k − θ_{k−1})/√lr) with :class:`InertiaMonitor`, which needs only
the parameters and the loss of each step.

What to expect (the continuous theory, dI/dt = −γ‖θ̇‖²):

* full batch: I_k decays monotonically, and the damping term −½(1−β²)‖v‖² explains most of the
  decay;
* mini-batch: the loss each step sees is a noisy estimate and the gradient noise pumps energy
  in, so I_k goes up on many steps and the remainder is no longer small.

Run ``python examples/train_with_inertia_monitor.py``; the plot is saved as
``inertia_monitor.png`` when matplotlib is installed (``pip install matplotlib``, or
``pip install -e ".[plot]"``), otherwise the numbers are printed.
"""

from __future__ import annotations

import argparse

import numpy as np

from inertia_verify import InertiaMonitor


def make_data(n=4000, d=20, seed=0):
    rng = np.random.default_rng(seed)
    w_true = rng.normal(size=d)
    X = rng.normal(size=(n, d))
    p = 1 / (1 + np.exp(-X @ w_true))
    y = (rng.random(n) < p).astype(float)
    return X, y


def loss_and_gradient(w, b, X, y, reg):
    z = X @ w + b
    # log(1 + e^z) - y z, computed stably.
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * reg * w @ w)
    r = (1 / (1 + np.exp(-z)) - y) / len(y)
    return loss, X.T @ r + reg * w, float(r.sum())


def train(X, y, *, lr, momentum, batch, steps, reg=1e-2, seed=1):
    """Heavy ball θ ← θ − lr∇L + β(θ − θ_prev) on (w, b); returns the monitor."""
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), np.zeros(1)
    w_prev, b_prev = w.copy(), b.copy()
    monitor = InertiaMonitor(lr=lr, momentum=momentum)
    for _ in range(steps):
        idx = slice(None) if batch is None else rng.choice(len(y), size=batch, replace=False)
        loss, gw, gb = loss_and_gradient(w, b, X[idx], y[idx], reg)
        monitor.update([w, b], loss)      # θ_k and the loss the loop sees at θ_k
        w_new = w - lr * gw + momentum * (w - w_prev)
        b_new = b - lr * gb + momentum * (b - b_prev)
        w_prev, b_prev, w, b = w, b, w_new, b_new
    return monitor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--out", default="inertia_monitor.png",
                        help="the PNG file to write (default: %(default)s in the current folder)")
    args = parser.parse_args(argv)

    X, y = make_data()
    full = train(X, y, lr=args.lr, momentum=args.momentum, batch=None, steps=args.steps)
    mini = train(X, y, lr=args.lr, momentum=args.momentum, batch=args.batch, steps=args.steps)
    print("full batch:\n" + str(full))
    print(f"mini-batch ({args.batch}):\n" + str(mini))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed, so no plot; install it with `pip install matplotlib`"
              " (or `pip install -e \".[plot]\"`).  I_k every 50 steps:")
        for k in range(0, args.steps, 50):
            print(f"  k = {k:4d}  full batch I = {full.inertia[k]:.6f}   "
                  f"mini-batch I = {mini.inertia[k]:.6f}")
        return 0
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for monitor, label in ((full, "full batch"), (mini, f"mini-batch {args.batch}")):
        axes[0].plot(monitor.inertia, label=label)
        axes[1].plot(np.cumsum(monitor.damping_part), label=f"{label}: damping part")
        axes[1].plot(np.cumsum(monitor.remainder), "--", label=f"{label}: remainder")
    axes[0].set(xlabel="step k", ylabel="I_k = ½‖v_k‖² + L_k", yscale="log",
                title=f"heavy ball, lr = {args.lr}, β = {args.momentum}")
    axes[1].set(xlabel="step k", ylabel="cumulative change of I", title="what explains ΔI")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"\nsaved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
