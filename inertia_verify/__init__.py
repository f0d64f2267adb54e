"""inertia_verify: prove, refute and cross-check conservation and dissipation laws of learning
dynamics.

The public API is re-exported here; implementation modules are private.
"""

from ._dynamics import TIME as TIME
from ._dynamics import Dynamics as Dynamics
from ._errors import InertiaVerifyError as InertiaVerifyError
from ._errors import InvalidArgument as InvalidArgument
from ._errors import SimulationDiverged as SimulationDiverged
from ._expressions import parse_expression as parse_expression
from ._expressions import parse_matrix as parse_matrix
from ._expressions import parse_names as parse_names
from ._expressions import parse_scalar_or_matrix as parse_scalar_or_matrix
from ._prover import Verdict as Verdict
from ._prover import prove_equal as prove_equal
from ._prover import prove_zero as prove_zero
from .catalogue import Claim as Claim
from .catalogue import Outcome as Outcome
from .catalogue import discover_claims as discover_claims
from .catalogue import run_claims as run_claims
from .symbolic import Derivation as Derivation
from .symbolic import derive as derive
from .symbolic import dissipation as dissipation
from .symbolic import inertia as inertia
from .symbolic import inertia_rate as inertia_rate

__version__ = "0.1.0"

__all__ = [
    "TIME", "Dynamics", "InertiaVerifyError", "InvalidArgument", "SimulationDiverged",
    "parse_expression", "parse_matrix", "parse_names", "parse_scalar_or_matrix",
    "Verdict", "prove_equal", "prove_zero",
    "Claim", "Outcome", "discover_claims", "run_claims",
    "Derivation", "derive", "dissipation", "inertia", "inertia_rate",
]
