"""The numeric layer: compiling systems to NumPy and integrating ensembles."""

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

__all__ = ["CompiledDynamics", "compile_dynamics", "Scheme", "FIXED_STEP", "REFERENCES", "SCHEMES",
           "get_scheme", "Divergence", "Simulation", "simulate", "StabilityEstimate",
           "estimate_stability"]
