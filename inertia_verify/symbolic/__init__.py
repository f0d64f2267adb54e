"""The symbolic layer: energies and their rates, closed forms, Itô calculus, discrete maps.

Symbolic work only; the numeric exact solution of the quadratic loss (a matrix exponential) is
:func:`inertia_verify.numeric.quadratic_solution`."""

from ._derive import Derivation as Derivation
from ._derive import derive as derive
from ._energy import canonical as canonical
from ._energy import dissipation as dissipation
from ._energy import inertia as inertia
from ._energy import inertia_rate as inertia_rate
from ._closed_forms import OscillatorSolution as OscillatorSolution
from ._closed_forms import oscillator_solution as oscillator_solution
from ._closed_forms import oscillator_decay_rate as oscillator_decay_rate
from ._ito import ItoDifferential as ItoDifferential
from ._ito import ito_differential as ito_differential
from ._ito import generator as generator
from ._ito import expected_rate as expected_rate
from ._ito import stratonovich_to_ito as stratonovich_to_ito
from ._ito import ito_to_stratonovich as ito_to_stratonovich
from ._ito_moments import QuadraticMoments as QuadraticMoments
from ._ito_moments import quadratic_moments as quadratic_moments
from ._ito_gibbs import GibbsStationary as GibbsStationary
from ._ito_gibbs import gibbs_stationary as gibbs_stationary
from ._ito_gibbs import fokker_planck as fokker_planck
from ._discrete_maps import DiscreteMap as DiscreteMap
from ._discrete_maps import discrete_map as discrete_map
from ._discrete_maps import leading_order as leading_order
from ._discrete_maps import taylor_coefficients as taylor_coefficients
from ._modified_energy import QuadraticInvariant as QuadraticInvariant
from ._modified_energy import quadratic_invariant as quadratic_invariant
from ._modified_energy import ShadowEnergy as ShadowEnergy
from ._modified_energy import shadow_energy as shadow_energy
from ._optimizers import heavy_ball_to_ode as heavy_ball_to_ode
from ._optimizers import ode_to_heavy_ball as ode_to_heavy_ball
from ._optimizers import pytorch_to_heavy_ball as pytorch_to_heavy_ball
from ._optimizers import heavy_ball_matching as heavy_ball_matching
from ._discrete import DiscreteAnalysis as DiscreteAnalysis
from ._discrete import analyse_discrete as analyse_discrete

__all__ = [
    # energies and their rates
    "Derivation", "derive", "canonical", "inertia", "inertia_rate", "dissipation",
    # closed forms
    "OscillatorSolution", "oscillator_solution", "oscillator_decay_rate",
    # Itô calculus
    "ItoDifferential", "ito_differential", "generator", "expected_rate", "stratonovich_to_ito",
    "ito_to_stratonovich", "QuadraticMoments", "quadratic_moments", "GibbsStationary",
    "gibbs_stationary", "fokker_planck",
    # discrete time: one-step maps, modified energies, optimizer conventions
    "DiscreteMap", "discrete_map", "leading_order", "taylor_coefficients", "DiscreteAnalysis",
    "analyse_discrete", "QuadraticInvariant", "quadratic_invariant", "ShadowEnergy",
    "shadow_energy", "heavy_ball_to_ode", "ode_to_heavy_ball", "pytorch_to_heavy_ball",
    "heavy_ball_matching",
]
