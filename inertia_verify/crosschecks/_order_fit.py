r"""The one order fit: the slope of :math:`\log|\text{error}|` on :math:`\log h`, with its
standard error, by weighted least squares.

Every cross-check that names an order of convergence fits it here: the deterministic cross-check
(:mod:`._convergence`), the weak-order fit of a Monte Carlo scheme (:mod:`._montecarlo`) and the
energy-drift sweep (:mod:`._energy_drift`).  With :math:`x_k = \log h_k`,
:math:`y_k = \log|e_k|` and weights :math:`w_k`, the slope is

.. math::  p = \frac{\sum_k w_k (x_k - \bar x)(y_k - \bar y)}{S_{xx}}, \qquad
           S_{xx} = \sum_k w_k (x_k - \bar x)^2,

with :math:`\bar x, \bar y` the weighted means.  Its standard error depends on what is known of
the scatter of :math:`y`:

* errors without standard errors (deterministic runs; the scatter is the model's lack of fit):
  equal weights, and the variance estimated from the residuals,
  :math:`\operatorname{se}(p) = \sqrt{\mathrm{SSR}/(n-2)/S_{xx}}` (none for two points, which
  any line fits exactly);
* errors with standard errors :math:`s_k` (Monte Carlo): :math:`\log|e_k|` has the standard error
  :math:`\sigma_k = s_k/|e_k|` (delta method), :math:`w_k = 1/\sigma_k^2`, and the variances are
  known, :math:`\operatorname{se}(p) = 1/\sqrt{S_{xx}}`.

A standard error below ``1e-12`` is the round-off of an exact fit and is reported as 0.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._errors import InvalidArgument

__all__ = ["OrderFit", "fit_order"]


class OrderFit(NamedTuple):
    """The fitted order and its standard error (unpacks as ``slope, stderr``).

    Attributes
    ----------
    slope : float
        The least-squares slope of :math:`\\log|e|` on :math:`\\log h`.
    stderr : float or None
        Its standard error; ``None`` for two points without standard errors.

    Examples
    --------
    >>> fit = fit_order([0.1, 0.05, 0.025], [2e-2, 5e-3, 1.25e-3])
    >>> round(fit.slope, 6), fit.stderr
    (2.0, 0.0)
    """

    slope: float
    stderr: float | None


def fit_order(dts, errors, stderrs=None) -> OrderFit:
    r"""Fit :math:`|e| \approx C h^p` by weighted least squares on logarithms (module notes).

    Parameters
    ----------
    dts : sequence of float
        Distinct positive step sizes, at least two.
    errors : sequence of float
        The error at each step size, non-zero and finite (its sign is ignored: the fit is of
        :math:`\log|e|`).
    stderrs : sequence of float, optional
        The standard error of each error (Monte Carlo), positive and finite: the points are
        weighted by :math:`(e/s)^2` and the slope's standard error follows from them.  Without
        it the points weigh the same and the standard error comes from the residuals.

    Returns
    -------
    OrderFit
        ``(slope, stderr)``.

    Examples
    --------
    >>> p, se = fit_order([0.1, 0.05, 0.025], [2e-2, 5e-3, 1.25e-3])
    >>> round(p, 6), se
    (2.0, 0.0)
    >>> fit_order([0.1, 0.05], [2e-2, 5e-3]).stderr is None
    True
    >>> p, se = fit_order([0.2, 0.1, 0.05], [0.04, 0.011, 0.0024], [0.002, 0.001, 0.0004])
    >>> round(p, 2), round(se, 3)
    (1.96, 0.102)
    """
    try:
        h = np.asarray(dts, dtype=float).ravel()
        e = np.asarray(errors, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("dts", dts, "must be numbers, with one number per error") from exc
    if h.size < 2 or h.size != e.size:
        raise InvalidArgument("dts", list(h), "need at least two step sizes, one error each, to "
                              "fit an order")
    if not (np.all(np.isfinite(h)) and np.all(h > 0)) or np.unique(h).size != h.size:
        raise InvalidArgument("dts", list(h), "must be distinct positive numbers")
    if not (np.all(np.isfinite(e)) and np.all(e != 0)):
        raise InvalidArgument("errors", list(e), "must be non-zero finite numbers",
                              "leave out diverged runs and errors at round-off (0)")
    x, y = np.log(h), np.log(np.abs(e))
    if stderrs is None:
        w = np.ones_like(x)
    else:
        s = np.asarray(stderrs, dtype=float).ravel()
        if s.size != e.size or not (np.all(np.isfinite(s)) and np.all(s > 0)):
            raise InvalidArgument("stderrs", stderrs, "must be one positive finite number per "
                                  "error")
        w = (e / s) ** 2  # 1 / (standard error of log|e|)², by the delta method
    xm, ym = float(w @ x / w.sum()), float(w @ y / w.sum())
    sxx = float(w @ (x - xm) ** 2)
    slope = float(w @ ((x - xm) * (y - ym)) / sxx)
    if stderrs is not None:
        se = math.sqrt(1.0 / sxx)
    elif x.size == 2:
        return OrderFit(slope, None)
    else:
        residual = y - (ym + slope * (x - xm))
        se = math.sqrt(float(residual @ residual) / (x.size - 2) / sxx)
    return OrderFit(slope, 0.0 if se < 1e-12 else se)
