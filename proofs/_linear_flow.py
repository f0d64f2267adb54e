"""Shared by the phase-portrait claims (a private helper, not a claim)."""

import numpy as np
import scipy.linalg


def exact_flow(generator, state0, times):
    """expm(A t) z₀ on equally spaced times, as powers of one step Φ = expm(A Δt): one matrix
    exponential instead of one per time; the round-off of a few hundred 2×2 products (~1e-14)
    stays far below the integrator's tolerance."""
    step = scipy.linalg.expm(generator * (times[1] - times[0]))
    states = [np.asarray(state0, dtype=float)]
    for _ in times[1:]:
        states.append(step @ states[-1])
    return np.array(states)


def tolerance_units(error, reference, *, rtol, atol):
    """The largest error in units of the requested tolerance atol + rtol·|reference|."""
    return float(np.max(np.abs(error) / (atol + rtol * np.abs(reference))))
