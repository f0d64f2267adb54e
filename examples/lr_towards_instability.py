"""As the learning rate grows towards instability, does the inertia signal it before the loss?

The paper's question, asked of a real training run: the digits MLP of
``examples/digits_heavy_ball.py`` (scikit-learn's digits, 64-H-H/2-10 ReLU, float64), full batch,
heavy ball ``torch.optim.SGD(lr, momentum=0.9)``, for learning rates on a geometric grid up to
divergence.  For each run the attached :class:`inertia_verify.InertiaMonitor` gives I_k, the
damping part D_k and the remainder R_k; the indicators compared are

* the loss: the steps where L_k went up, and the final loss (worse than at the previous learning
  rate: the sweep has passed its best learning rate);
* the inertia: the steps where I_k went up (beyond 64ε·max(1, |I|)), and the share of the
  damping that the remainder gives back, ΣR / |ΣD| (0: the continuous picture dI/dt = −γ‖v‖²
  holds; 1: the discretisation pumps in all that the damping takes out);
* divergence: a loss that is not finite or ends above its start.

An indicator *signals before the loss* if it fires at a smaller learning rate than the loss's own
signals, or at an earlier step of the same run.  The script prints the table and a verdict drawn
from it, whichever way it goes; the figure ``lr_towards_instability.png`` shows the indicators
against the learning rate.  ``--small`` is the size the tests run.

What the full-size run gave (H = 32, 150 steps, lr 0.05 … 2.26 by √2): nothing fired up to lr
0.141; at lr 0.2 the loss and I_k both first went up (same lr, same step 30), and the remainder's
share jumped from −0.05 to 0.49 there; the final loss first got worse at 0.283, and from 0.566 on
the network collapsed to the constant prediction (loss ≈ log 10).  Within the runs where both
went up, I_k went up first in 2 and together with the loss in 6, never after.  So on this grid
I_k gives no earlier warning than the loss by learning rate, and at best a step or two within a
run; the remainder's share is the clearer marker of the edge, not an earlier one.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import torch

from inertia_verify import InertiaMonitor

try:  # run as a script from examples/, or imported by the tests
    from digits_heavy_ball import load, make_model
except ImportError:  # pragma: no cover
    from examples.digits_heavy_ball import load, make_model


def run(X, y, *, lr, momentum, steps, hidden, seed=0) -> dict:
    model = make_model(hidden, seed, X.dtype)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    monitor = InertiaMonitor().attach(opt)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        monitor.observe(loss)
        if not torch.isfinite(loss):
            opt.step()  # keep steps and losses paired; the run is over
            break
        loss.backward()
        opt.step()
    losses = np.asarray(monitor.loss)
    inertia = np.asarray(monitor.inertia)
    eps = np.finfo(float).eps
    loss_up = np.flatnonzero(np.diff(losses) > 64 * eps * np.maximum(1, np.abs(losses[1:])))
    inertia_up = np.flatnonzero(np.diff(inertia)
                                > 64 * eps * np.maximum(1, np.abs(inertia[1:])))
    finite = np.isfinite(inertia[1:]) & np.isfinite(monitor.remainder)
    damping = float(np.sum(np.asarray(monitor.damping_part)[finite]))
    remainder = float(np.sum(np.asarray(monitor.remainder)[finite]))
    diverged = (not np.all(np.isfinite(losses))) or losses[-1] > losses[0]
    return {
        "lr": lr, "final_loss": float(losses[-1]), "diverged": bool(diverged),
        "loss_increases": int(loss_up.size),
        "first_loss_increase": int(loss_up[0]) + 1 if loss_up.size else None,
        "inertia_increases": int(inertia_up.size),
        "first_inertia_increase": int(inertia_up[0]) + 1 if inertia_up.size else None,
        "remainder_share": remainder / abs(damping) if damping else math.nan,
        "monitor": monitor,
    }


def _first(rows, key) -> float | None:
    """Smallest learning rate at which ``key`` is truthy."""
    return next((r["lr"] for r in rows if r[key]), None)


def experiment(*, lrs=None, momentum=0.9, steps=150, hidden=32, seed=0) -> dict:
    X, y = load()
    if lrs is None:
        lrs = [0.05 * 2 ** (i / 2) for i in range(12)]
    rows = [run(X, y, lr=lr, momentum=momentum, steps=steps, hidden=hidden, seed=seed)
            for lr in lrs]
    for previous, row in zip([None] + rows, rows):
        row["worse_than_previous"] = bool(
            previous is not None and not (row["final_loss"] <= previous["final_loss"]))
    signals = {
        "loss increases on a step": _first(rows, "loss_increases"),
        "final loss worse than at the previous lr": _first(rows, "worse_than_previous"),
        "inertia increases on a step": _first(rows, "inertia_increases"),
        "remainder gives back > 50 % of the damping": next(
            (r["lr"] for r in rows if r["remainder_share"] > 0.5), None),
        "diverged": _first(rows, "diverged"),
    }
    # Within a run where both fire: does I_k go up at an earlier step than the loss?
    earlier = [(r["lr"], r["first_inertia_increase"], r["first_loss_increase"]) for r in rows
               if r["first_inertia_increase"] is not None and r["first_loss_increase"] is not None]
    return {"rows": rows, "signals": signals, "within_run": earlier,
            "settings": {"momentum": momentum, "steps": steps, "hidden": hidden}}


def verdict(results: dict) -> str:
    """What the data say, in words, from the signals table."""
    s = results["signals"]
    inertia, loss = s["inertia increases on a step"], s["loss increases on a step"]
    worse, diverged = s["final loss worse than at the previous lr"], s["diverged"]
    lines = ["smallest lr at which each indicator fires: "
             + "; ".join(f"{name}: {'never' if lr is None else f'{lr:.3g}'}"
                         for name, lr in s.items())]
    if inertia is None:
        lines.append("I_k never increased: it gave no signal on this grid.")
    elif loss is None or inertia < loss:
        lines.append(f"I_k first increased at lr {inertia:.3g}, before the loss went up on any "
                     "step: on this grid the inertia signals first.")
    elif inertia == loss:
        lines.append(f"I_k and the loss first went up at the same lr ({inertia:.3g}): the inertia "
                     "gives no earlier warning by learning rate.")
    else:
        lines.append(f"the loss went up on some step from lr {loss:.3g}, before I_k did "
                     f"(lr {inertia:.3g}): the loss signals first.")
    target = worse if worse is not None else diverged
    if inertia is not None and target is not None:
        relation = "before" if inertia < target else ("at" if inertia == target else "after")
        lines.append(f"I_k first increases {relation} the lr at which training gets worse "
                     f"({target:.3g}).")
    within = results["within_run"]
    if within:
        first = sum(i < l for _, i, l in within)
        lines.append(f"within the {len(within)} runs where both went up, I_k went up first "
                     f"in {first}, the loss first in {sum(i > l for _, i, l in within)}, "
                     f"together in {sum(i == l for _, i, l in within)}.")
    return "\n".join(lines)


def report(results: dict) -> str:
    header = (f"{'lr':>8} {'final loss':>11} {'loss up':>8} {'I up':>5} {'ΣR/|ΣD|':>8} "
              f"{'1st L up':>8} {'1st I up':>8} diverged")
    lines = [header]
    for r in results["rows"]:
        lines.append(f"{r['lr']:8.3g} {r['final_loss']:11.4g} {r['loss_increases']:8d} "
                     f"{r['inertia_increases']:5d} {r['remainder_share']:8.3f} "
                     f"{str(r['first_loss_increase']):>8} {str(r['first_inertia_increase']):>8} "
                     f"{r['diverged']}")
    return "\n".join(lines) + "\n" + verdict(results)


def plot(results: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["rows"]
    lrs = [r["lr"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].semilogx(lrs, [r["loss_increases"] for r in rows], "o-", label="steps with L up")
    axes[0].semilogx(lrs, [r["inertia_increases"] for r in rows], "s-", label="steps with I up")
    axes[0].set(xlabel="learning rate", ylabel="steps", title="increases per run")
    axes[1].semilogx(lrs, [r["remainder_share"] for r in rows], "o-")
    axes[1].set(xlabel="learning rate", ylabel="ΣR / |ΣD|",
                title="share of the damping the remainder gives back")
    finals = [r["final_loss"] if math.isfinite(r["final_loss"]) else np.nan for r in rows]
    axes[2].loglog(lrs, finals, "o-")
    axes[2].set(xlabel="learning rate", ylabel="final loss", title="where training gets worse")
    for name, lr in results["signals"].items():
        if lr is not None:
            for ax in axes:
                ax.axvline(lr, lw=0.6, ls=":", color="grey")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="the size the tests run")
    parser.add_argument("--out", default="lr_towards_instability.png",
                        help="the PNG file to write (default: %(default)s in the current folder)")
    args = parser.parse_args(argv)
    options = dict(lrs=[0.1 * 2 ** i for i in range(6)], steps=40, hidden=16) \
        if args.small else {}
    results = experiment(**options)
    print(report(results))
    plot(results, args.out)
    print(f"saved {args.out}")
    return results


if __name__ == "__main__":
    main()
