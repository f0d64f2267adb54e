"""Lazy access to matplotlib (an optional extra) and the house look of the figures."""

from __future__ import annotations

from .._errors import require_extra

__all__ = ["pyplot", "SIZE", "DPI"]

#: Readable at README size: 6.4×4 inches at 120 dpi is 768×480 pixels.
SIZE = (6.4, 4.0)
WIDE = (9.6, 4.0)
DPI = 120


def pyplot():
    """``matplotlib.pyplot`` with a non-interactive backend, or a clear error.

    Examples
    --------
    >>> plt = pyplot()
    >>> plt.get_backend().lower()
    'agg'
    """
    matplotlib = require_extra("matplotlib", "plot")
    # Files only: never open a window, whatever the user's default backend is.
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
                         "legend.fontsize": 9, "axes.grid": True, "grid.alpha": 0.3})
    return plt
