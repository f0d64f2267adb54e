"""The integrators: one scheme per module, each declaring its orders and capabilities, in one
registry.

Fixed-step deterministic schemes (:class:`Scheme`: ``stepper``, ``order``), SDE schemes
(:class:`SDEScheme`: ``stepper`` fed with normal draws, ``strong_order``/``weak_order``/
``stationary_order``) and single-trajectory references (:class:`ReferenceSolver`: ``solve``,
``relative_accuracy``); capabilities are marker classes (:class:`Symplectic`,
:class:`ImplicitDamping`, :class:`JaxForm`) that drivers test with ``isinstance``.  The recipe
for adding a scheme is the docstring of :class:`Integrator`.
"""

from ._base import ImplicitDamping as ImplicitDamping
from ._base import Integrator as Integrator
from ._base import JaxForm as JaxForm
from ._base import ReferenceSolver as ReferenceSolver
from ._base import Scheme as Scheme
from ._base import SDEScheme as SDEScheme
from ._base import Symplectic as Symplectic
from ._euler import Euler as Euler
from ._rk4 import RK4 as RK4
from ._symplectic_euler import SymplecticEuler as SymplecticEuler
from ._symplectic_euler_dk import SymplecticEulerDK as SymplecticEulerDK
from ._verlet import Verlet as Verlet
from ._conformal_verlet import ConformalVerlet as ConformalVerlet
from ._momentum import MomentumScheme as MomentumScheme
from ._heavy_ball import HeavyBall as HeavyBall
from ._nesterov import Nesterov as Nesterov
from ._dop853 import DOP853 as DOP853
from ._mpmath_reference import MpmathTaylor as MpmathTaylor
from ._euler_maruyama import EulerMaruyama as EulerMaruyama
from ._baoab import BAOAB as BAOAB
from ._registry import REGISTRY as REGISTRY
from ._registry import SCHEMES as SCHEMES
from ._registry import FIXED_STEP as FIXED_STEP
from ._registry import REFERENCES as REFERENCES
from ._registry import SDE_SCHEMES as SDE_SCHEMES
from ._registry import get_scheme as get_scheme
from ._registry import get_fixed_step_scheme as get_fixed_step_scheme
from ._registry import get_sde_scheme as get_sde_scheme

__all__ = [
    # the families, the capability markers
    "Integrator", "Scheme", "SDEScheme", "ReferenceSolver", "Symplectic", "ImplicitDamping",
    "JaxForm",
    # fixed-step deterministic schemes
    "Euler", "RK4", "SymplecticEuler", "SymplecticEulerDK", "Verlet", "ConformalVerlet",
    "MomentumScheme", "HeavyBall", "Nesterov",
    # references; SDE schemes
    "DOP853", "MpmathTaylor", "EulerMaruyama", "BAOAB",
    # the registry
    "REGISTRY", "SCHEMES", "FIXED_STEP", "REFERENCES", "SDE_SCHEMES", "get_scheme",
    "get_fixed_step_scheme", "get_sde_scheme",
]
