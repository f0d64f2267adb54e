"""The numeric layer: compiling systems to NumPy, integrating ensembles, and the exact motion
of linear systems (the quadratic loss)."""

from ._compile import CompiledDynamics as CompiledDynamics
from ._compile import compile_dynamics as compile_dynamics
from ._scheme import Scheme as Scheme
from ._schemes import FIXED_STEP as FIXED_STEP
from ._schemes import REFERENCES as REFERENCES
from ._schemes import SCHEMES as SCHEMES
from ._schemes import get_scheme as get_scheme
from ._simulate import Divergence as Divergence
from ._simulate import Simulation as Simulation
from ._simulate import simulate as simulate
from ._stability import StabilityEstimate as StabilityEstimate
from ._stability import estimate_stability as estimate_stability
from ._sde_system import CompiledSDE as CompiledSDE
from ._sde_system import compile_sde as compile_sde
from ._sde_scheme import SDEScheme as SDEScheme
from ._sde_schemes import SDE_SCHEMES as SDE_SCHEMES
from ._sde_schemes import get_sde_scheme as get_sde_scheme
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

__all__ = ["CompiledDynamics", "compile_dynamics", "Scheme", "FIXED_STEP", "REFERENCES", "SCHEMES",
           "get_scheme", "Divergence", "Simulation", "simulate", "StabilityEstimate",
           "estimate_stability",
           "CompiledSDE", "compile_sde", "SDEScheme", "SDE_SCHEMES", "get_sde_scheme", "Ensemble", "simulate_ensemble",
           "QuadraticSolution", "quadratic_solution", "linear_flow", "SweepTable", "sweep", "InertiaMonitor", "InertiaStep", "jax_inertia_init", "jax_inertia_step", "LawMonitor"]
