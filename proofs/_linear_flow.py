"""Shared by the phase-portrait claims (a private helper, not a claim); the exact linear flow
itself is :func:`inertia_verify.numeric.linear_flow`."""

import numpy as np


def tolerance_units(error, reference, *, rtol, atol):
    """The largest error in units of the requested tolerance atol + rtol·|reference|."""
    return float(np.max(np.abs(error) / (atol + rtol * np.abs(reference))))
