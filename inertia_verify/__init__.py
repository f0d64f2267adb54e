"""inertia_verify: prove, refute and cross-check conservation and dissipation laws of learning
dynamics.

The public API is re-exported here; implementation modules are private.
"""

from ._dynamics import TIME as TIME
from ._dynamics import Dynamics as Dynamics
from ._errors import InertiaVerifyError as InertiaVerifyError
from ._errors import InertiaVerifyWarning as InertiaVerifyWarning
from ._errors import InvalidArgument as InvalidArgument
from ._errors import MissingExtra as MissingExtra
from ._errors import SimulationDiverged as SimulationDiverged
from ._errors import UnusedCoordinateWarning as UnusedCoordinateWarning
from ._expressions import parse_expression as parse_expression
from ._expressions import parse_matrix as parse_matrix
from ._expressions import parse_names as parse_names
from ._expressions import parse_scalar_or_matrix as parse_scalar_or_matrix
from ._prover import Verdict as Verdict
from ._prover import prove_equal as prove_equal
from ._prover import prove_zero as prove_zero
from ._inequalities import InequalityVerdict as InequalityVerdict
from ._inequalities import parse_relation as parse_relation
from ._inequalities import prove_inequality as prove_inequality
from ._inequalities import prove_nonnegative as prove_nonnegative
from ._inequalities import prove_nonpositive as prove_nonpositive
from ._lyapunov import LyapunovResult as LyapunovResult
from ._lyapunov import lyapunov as lyapunov
from ._rates import RateResult as RateResult
from ._rates import worst_case_rate as worst_case_rate
from .catalogue import Claim as Claim
from .catalogue import Outcome as Outcome
from .catalogue import discover_claims as discover_claims
from .catalogue import run_claims as run_claims
from .crosschecks import CrossCheck as CrossCheck
from .crosschecks import CrossCheckReport as CrossCheckReport
from .crosschecks import crosscheck as crosscheck
from .crosschecks import judge_convergence as judge_convergence
from .crosschecks import MonteCarloCheck as MonteCarloCheck
from .crosschecks import crosscheck_expected_inertia as crosscheck_expected_inertia
from .crosschecks import crosscheck_ito_drift as crosscheck_ito_drift
from .crosschecks import crosscheck_stationary as crosscheck_stationary
from .crosschecks import WeakOrderFit as WeakOrderFit
from .crosschecks import fit_weak_order as fit_weak_order
from .crosschecks import EnergyDrift as EnergyDrift
from .crosschecks import energy_drift as energy_drift
from .crosschecks import fit_order as fit_order
from .catalogue import write_report as write_report
from .laws import check_law as check_law
from .laws import count_laws as count_laws
from .laws import find_laws as find_laws
from .numeric import InertiaMonitor as InertiaMonitor
from .numeric import LawMonitor as LawMonitor
from .numeric import compile_dynamics as compile_dynamics
from .numeric import compile_sde as compile_sde
from .numeric import quadratic_solution as quadratic_solution
from .numeric import simulate as simulate
from .numeric import simulate_ensemble as simulate_ensemble
from .numeric import sweep as sweep
from .symbolic import analyse_discrete as analyse_discrete
from .symbolic import discrete_map as discrete_map
from .symbolic import gibbs_stationary as gibbs_stationary
from .symbolic import heavy_ball_to_ode as heavy_ball_to_ode
from .symbolic import ito_differential as ito_differential
from .symbolic import oscillator_solution as oscillator_solution
from .symbolic import oscillator_decay_rate as oscillator_decay_rate
from .symbolic import quadratic_invariant as quadratic_invariant
from .symbolic import quadratic_moments as quadratic_moments
from .symbolic import shadow_energy as shadow_energy
from .symbolic import Derivation as Derivation
from .symbolic import derive as derive
from .symbolic import dissipation as dissipation
from .symbolic import inertia as inertia
from .symbolic import inertia_rate as inertia_rate

__version__ = "0.1.0"

__all__ = [
    # errors and warnings
    "InertiaVerifyError", "InvalidArgument", "MissingExtra", "SimulationDiverged",
    "InertiaVerifyWarning", "UnusedCoordinateWarning",
    # text: the restricted parser, the only door from strings to SymPy
    "parse_expression", "parse_matrix", "parse_names", "parse_scalar_or_matrix", "parse_relation",
    # systems
    "TIME", "Dynamics",
    # proving identities
    "Verdict", "prove_zero", "prove_equal",
    # proving inequalities and rates
    "InequalityVerdict", "prove_inequality", "prove_nonnegative", "prove_nonpositive",
    "LyapunovResult", "lyapunov", "RateResult", "worst_case_rate",
    # symbolic: energies and their rates
    "Derivation", "derive", "inertia", "inertia_rate", "dissipation",
    # symbolic: Itô calculus
    "ito_differential", "gibbs_stationary", "quadratic_moments",
    # closed forms: the damped oscillator (symbolic), the quadratic loss (numeric, expm/eig)
    "oscillator_solution", "oscillator_decay_rate", "quadratic_solution",
    # symbolic: discrete time
    "discrete_map", "analyse_discrete", "quadratic_invariant", "shadow_energy", "heavy_ball_to_ode",
    # numeric: compiling and simulating
    "compile_dynamics", "simulate", "simulate_ensemble", "sweep",
    # cross-checks: symbolic prediction against simulation
    "CrossCheck", "CrossCheckReport", "crosscheck", "judge_convergence",
    # cross-checks: Monte Carlo ensembles against exact moments, weak order, energy drift
    "MonteCarloCheck", "crosscheck_expected_inertia", "crosscheck_stationary",
    "crosscheck_ito_drift", "WeakOrderFit", "fit_weak_order", "EnergyDrift", "energy_drift",
    # the one order fit (slope of log error on log step) the cross-checks share
    "fit_order",
    # conservation laws of models
    "check_law", "count_laws", "find_laws",
    # monitoring training runs
    "InertiaMonitor", "LawMonitor",
    # the claims catalogue
    "Claim", "Outcome", "discover_claims", "run_claims", "write_report",
]
