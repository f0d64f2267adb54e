"""The numeric layer: compiling systems to NumPy, integrating ensembles, and the exact motion
of linear systems (the quadratic loss). The schemes live in :mod:`inertia_verify.schemes`; their
names are re-exported here."""

from ._compile import CompiledDynamics as CompiledDynamics
from ._compile import compile_dynamics as compile_dynamics
from ..schemes import Scheme as Scheme
from ..schemes import FIXED_STEP as FIXED_STEP
from ..schemes import REFERENCES as REFERENCES
from ..schemes import SCHEMES as SCHEMES
from ..schemes import get_scheme as get_scheme
from ..schemes import MpmathTaylor as MpmathTaylor
from ._stability import Divergence as Divergence
from ._simulate import Simulation as Simulation
from ._simulate import simulate as simulate
from ._stability import StabilityEstimate as StabilityEstimate
from ._stability import estimate_stability as estimate_stability
from ._sde_system import CompiledSDE as CompiledSDE
from ._sde_system import compile_sde as compile_sde
from ..schemes import SDEScheme as SDEScheme
from ..schemes import SDE_SCHEMES as SDE_SCHEMES
from ..schemes import get_sde_scheme as get_sde_scheme
from ._montecarlo import Ensemble as Ensemble
from ._montecarlo import simulate_ensemble as simulate_ensemble
from ._quadratic_solution import QuadraticSolution as QuadraticSolution
from ._quadratic_solution import linear_flow as linear_flow
from ._quadratic_solution import quadratic_solution as quadratic_solution
from ._sweep import SweepTable as SweepTable
from ._sweep import sweep as sweep
from ._monitor import InertiaMonitor as InertiaMonitor
from ._monitor import InertiaStep as InertiaStep
from ._monitor_jax import jax_inertia_init as jax_inertia_init
from ._monitor_jax import jax_inertia_step as jax_inertia_step
from ._monitor_laws import LawMonitor as LawMonitor

__all__ = [
    # compiling a system to NumPy
    "CompiledDynamics", "compile_dynamics", "CompiledSDE", "compile_sde",
    # schemes: fixed-step integrators, references, SDE schemes
    "Scheme", "FIXED_STEP", "REFERENCES", "SCHEMES", "get_scheme", "MpmathTaylor",
    "SDEScheme", "SDE_SCHEMES", "get_sde_scheme",
    # deterministic simulation and its step-size limit
    "Divergence", "Simulation", "simulate", "StabilityEstimate", "estimate_stability",
    # stochastic ensembles (their Monte Carlo checks are in inertia_verify.crosschecks)
    "Ensemble", "simulate_ensemble",
    # the exact motion of linear systems (the quadratic loss)
    "QuadraticSolution", "quadratic_solution", "linear_flow",
    # parameter sweeps
    "SweepTable", "sweep",
    # monitoring training runs
    "InertiaMonitor", "InertiaStep", "jax_inertia_init", "jax_inertia_step", "LawMonitor",
    # the tolerances the proofs and figures share with the numeric layer
    "REFERENCE_BUDGET", "REFERENCE_DIGITS", "roundoff_floor",
]

# Their one home is inertia_verify._tolerances.
from .._tolerances import REFERENCE_BUDGET as REFERENCE_BUDGET  # noqa: E402
from .._tolerances import REFERENCE_DIGITS as REFERENCE_DIGITS  # noqa: E402
from .._tolerances import roundoff_floor as roundoff_floor  # noqa: E402
