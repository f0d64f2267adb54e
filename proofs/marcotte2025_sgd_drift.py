"""marcotte2025/sgd-drift: a law drifts by at most (C_h C_L / 2) Σ τ_i² under discrete steps.

Measured on GD and SGD runs of built-in models (inertia_verify.laws.law_drift): the drift stays
under the bound at every step size, and at a fixed training time it is first order in τ.
"""

from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.laws import (attention_head, conv_relu, deep_linear, known_laws, law_drift,
                                 two_layer_relu)

STEPS = (0.04, 0.02, 0.01, 0.005)
TIME = 1.0
# GD is deterministic: the slope differs from 1 by the O(τ) change of the trajectory itself
# (measured ≤ 0.01 at these steps); 0.05 leaves room without hiding a slope of 2.
GD_TOLERANCE = 0.05
# SGD: the mean over 8 seeds of a sum of T/τ random terms; across disjoint seed sets the slope
# was seen to move by about ±0.05 (1σ ≈ 0.04), so 0.15 is about 3σ and still far from 2.
SGD_TOLERANCE = 0.15
SGD_SEEDS = tuple(range(8))
# A fixed number of steps K: the drift is (τ²/2) Σ GᵀHG over K steps, second order; the
# gradients drift by O(Kτ) ≤ 0.2 over the run, bending the slope by a few percent (measured
# ≤ 0.03), so 2 ± 0.1.
ITERATIONS = 5
PER_STEP_TOLERANCE = 0.1


def _models():
    return [deep_linear([3, 2, 4]), deep_linear([2, 2, 2, 2]), two_layer_relu([2, 3, 2], bias=True),
            attention_head([2, 2, 2]), conv_relu([1, 2, 2, 2])]


def check():
    evidence, data, ok = [], {}, True
    runs = [(m, False, (0,)) for m in _models()]
    runs += [(m, True, SGD_SEEDS) for m in (deep_linear([3, 2, 4]), attention_head([2, 2, 2]))]
    for model, stochastic, seeds in runs:
        run = law_drift(model, known_laws(model), STEPS, t_end=TIME, stochastic=stochastic,
                        seeds=seeds)
        tol = SGD_TOLERANCE if stochastic else GD_TOLERANCE
        under = all(d <= b for d, b in zip(run.drift, run.bound))
        first_order = abs(run.slope - 1) <= tol
        ok &= under and first_order
        kind = f"SGD (batch 4 of 20, {len(seeds)} seeds)" if stochastic else "GD"
        data[f"{model.name}, {kind}"] = run.to_dict()
        ratios = ", ".join(f"{d / b:.2f}" for d, b in zip(run.drift, run.bound))
        evidence.append(f"{model.name}, {kind}, T = {TIME}: drift "
                        + ", ".join(f"{d:.2e}" for d in run.drift)
                        + f" at τ = {', '.join(map(str, STEPS))}; drift/bound {ratios} "
                        f"(≤ 1: {under}); slope of log drift vs log τ {run.slope:.3f} "
                        f"(1 ± {tol}: {first_order})")
    for model in (deep_linear([3, 2, 4]), two_layer_relu([2, 3, 2], bias=True),
                  attention_head([2, 2, 2])):
        run = law_drift(model, known_laws(model), STEPS, iterations=ITERATIONS)
        second = abs(run.slope - 2) <= PER_STEP_TOLERANCE
        under = all(d <= b for d, b in zip(run.drift, run.bound))
        ok &= second and under
        data[f"{model.name}, GD, {ITERATIONS} steps"] = run.to_dict()
        evidence.append(f"{model.name}, GD, a fixed {ITERATIONS} steps: slope of log drift vs "
                        f"log τ {run.slope:.3f} (2 ± {PER_STEP_TOLERANCE}: {second}); under the "
                        f"bound: {under}")
    evidence.insert(0, "Why: a law holds for every loss, so also for each minibatch loss, and "
                       "⟨∇h, G⟩ = 0 at every step; for a quadratic law h(θ − τG) − h(θ) = "
                       "(τ²/2)GᵀHG exactly, hence |Δh| ≤ (‖H‖₂ max‖G‖²/2) Σ τ².  With "
                       "Σ τ = T fixed, Σ τ² = Tτ: second order per step, first order in τ at a "
                       "fixed training time (slope 1, not 2).  Loss: least squares on 20 "
                       "Gaussian rows of φ; ReLU and conv blocks on a region of fixed "
                       "activations (their φ).")
    if not ok:
        return Outcome("refuted", evidence, data, corrected="see the runs",
                       counterexample={"runs": data})
    return Outcome("verified", evidence, data)


CLAIM = Claim(
    id="marcotte2025/sgd-drift",
    paper="Under discrete steps τ_k (SGD or gradient descent), a law h drifts by at most "
          "E|h(θ_k) − h(θ₀)| ≤ (C_h C_L / 2) Σ_i τ_i²: second order in the step size.",
    statement="For the stated (quadratic) laws of deep linear, two-layer ReLU with bias, "
              "attention and conv blocks, with C_h = ‖∇²h‖₂ and C_L the largest ‖G_i‖² of the "
              "run: the measured drift after training time T = 1 is below the bound at "
              f"τ = {', '.join(map(str, STEPS))} (GD; SGD averaged over {len(SGD_SEEDS)} seeds), "
              "and log drift against log τ has slope 1 (GD within "
              f"{GD_TOLERANCE}, SGD within {SGD_TOLERANCE}): the drift per step is second "
              f"order (slope 2 within {PER_STEP_TOLERANCE} over a fixed {ITERATIONS} steps), "
              "the drift at fixed time first order in τ.",
    check=check,
    expect="verified",
)
