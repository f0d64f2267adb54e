"""The symbolic layer: energies, their rates along the flow, and (later) closed forms."""

from ._energy import Derivation as Derivation
from ._energy import canonical as canonical
from ._energy import derive as derive
from ._energy import dissipation as dissipation
from ._energy import inertia as inertia
from ._energy import inertia_rate as inertia_rate

__all__ = ["Derivation", "canonical", "derive", "dissipation", "inertia", "inertia_rate"]
