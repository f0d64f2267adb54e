"""The paper's figures, regenerated from the toolkit's own simulations and closed forms.

``make_figures(out_dir)`` writes every figure as PNG (``inertia-verify figures --out DIR`` on the
command line).  matplotlib is an optional extra: ``pip install "inertia-verify[plot]"``.
"""

from ._registry import FIGURES as FIGURES
from ._registry import FigureSpec as FigureSpec
from ._registry import figure_names as figure_names
from ._registry import figures_for_claim as figures_for_claim
from ._registry import make_figures as make_figures

__all__ = ["FIGURES", "FigureSpec", "figure_names", "figures_for_claim",
           "make_figures"]
