"""A private helper of the reference-solver claims (not a claim): errors in units of the
tolerance the reference solver was asked for."""

import numpy as np


def tolerance_units(error, reference, *, rtol, atol):
    """The largest error in units of the requested tolerance atol + rtol·|reference|."""
    return float(np.max(np.abs(error) / (atol + rtol * np.abs(reference))))
