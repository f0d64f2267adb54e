"""Lazy access to matplotlib (an optional extra) and the house look of the figures."""

from __future__ import annotations

from .._errors import InertiaVerifyError

__all__ = ["pyplot", "MissingMatplotlib", "SIZE", "DPI"]

#: Readable at README size: 6.4×4 inches at 120 dpi is 768×480 pixels.
SIZE = (6.4, 4.0)
WIDE = (9.6, 4.0)
DPI = 120


class MissingMatplotlib(InertiaVerifyError, ImportError):
    """matplotlib is not installed; the message says how to get it.

    Examples
    --------
    >>> from inertia_verify import InertiaVerifyError
    >>> issubclass(MissingMatplotlib, (InertiaVerifyError, ImportError))
    True
    """


def pyplot():
    """``matplotlib.pyplot`` with a non-interactive backend, or a clear error.

    Examples
    --------
    >>> plt = pyplot()
    >>> plt.get_backend().lower()
    'agg'
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingMatplotlib(
            "the figures need matplotlib, which is not installed; "
            'install it with: pip install "inertia-verify[plot]" (or pip install matplotlib)'
        ) from exc
    # Files only: never open a window, whatever the user's default backend is.
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
                         "legend.fontsize": 9, "axes.grid": True, "grid.alpha": 0.3})
    return plt
