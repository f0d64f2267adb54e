"""The cross-check layer: symbolic predictions against numbers, judged into verdicts.

* :func:`crosscheck` (deterministic): simulations at ``dt``, ``2 dt``, ``4 dt`` judged by the order
  at which their energy-balance and closed-form errors converge (:func:`judge_convergence`);
* the stochastic twins: Monte Carlo ensembles against exact moments
  (:func:`crosscheck_expected_inertia`), the Gibbs stationary value
  (:func:`crosscheck_stationary`) and the Itô drift (:func:`crosscheck_ito_drift`), and the weak
  order of a scheme (:func:`fit_weak_order`);
* :func:`energy_drift`: how a discrete scheme's energy error scales with the step, and whether it
  stays bounded;
* :func:`fit_order`: the one order fit (slope of log error on log step, with its standard error)
  that all of them use.

The simulations themselves are in :mod:`inertia_verify.numeric`.
"""

from ._order_fit import OrderFit as OrderFit
from ._order_fit import fit_order as fit_order
from ._convergence import DEFAULT_SEED as DEFAULT_SEED
from ._convergence import ORDER_BAND as ORDER_BAND
from ._convergence import VERDICTS as VERDICTS
from ._convergence import CrossCheck as CrossCheck
from ._convergence import CrossCheckReport as CrossCheckReport
from ._convergence import crosscheck as crosscheck
from ._convergence import judge_convergence as judge_convergence
from ._montecarlo import MIN_PATHS as MIN_PATHS
from ._montecarlo import RESOLVED_Z as RESOLVED_Z
from ._montecarlo import WEAK_ORDER_BAND as WEAK_ORDER_BAND
from .._tolerances import Z_SCORE as Z_SCORE
from ._montecarlo import MonteCarloCheck as MonteCarloCheck
from ._montecarlo import WeakOrderFit as WeakOrderFit
from ._montecarlo import crosscheck_expected_inertia as crosscheck_expected_inertia
from ._montecarlo import crosscheck_ito_drift as crosscheck_ito_drift
from ._montecarlo import crosscheck_stationary as crosscheck_stationary
from ._montecarlo import fit_weak_order as fit_weak_order
from ._energy_drift import DriftRow as DriftRow
from ._energy_drift import EnergyDrift as EnergyDrift
from ._energy_drift import energy_drift as energy_drift

__all__ = [
    "fit_order", "OrderFit",
    "crosscheck", "CrossCheck", "CrossCheckReport", "judge_convergence", "VERDICTS", "ORDER_BAND",
    "DEFAULT_SEED",
    "crosscheck_expected_inertia", "crosscheck_stationary", "crosscheck_ito_drift",
    "MonteCarloCheck", "fit_weak_order", "WeakOrderFit", "Z_SCORE", "MIN_PATHS",
    "WEAK_ORDER_BAND", "RESOLVED_Z",
    "energy_drift", "EnergyDrift", "DriftRow",
]
