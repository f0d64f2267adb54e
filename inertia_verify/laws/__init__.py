"""Conservation laws of gradient and momentum flows of a model, for every loss (Marcotte,
Gribonval, Peyré 2023 and 2024): check a candidate, count them, find the polynomial ones.

>>> from inertia_verify.laws import deep_linear, count_laws
>>> count_laws(deep_linear([3, 2, 4])).n_laws
3
"""

from ._blocks import attention_head as attention_head
from ._blocks import conv_relu as conv_relu
from ._blocks import crossentropy_layer as crossentropy_layer
from ._blocks import multihead_attention as multihead_attention
from ._blocks import residual_block as residual_block
from ._criterion import LawCheck as LawCheck
from ._drift import DriftRun as DriftRun
from ._drift import law_drift as law_drift
from ._criterion import check_law as check_law
from ._flows import Flow as Flow
from ._flows import make_flow as make_flow
from ._lie import LawCount as LawCount
from ._lie import count_laws as count_laws
from ._builtin import MODELS as MODELS
from ._models import Model as Model
from ._builtin import builtin_model as builtin_model
from ._model_files import load_model as load_model
from ._models import deep_linear as deep_linear
from ._models import deep_relu as deep_relu
from ._known import known_laws as known_laws
from ._known import law_rank as law_rank
from ._paths import MAX_PATH_PARAMETERS as MAX_PATH_PARAMETERS
from ._paths import MAX_PATHS as MAX_PATHS
from ._paths import PathProducts as PathProducts
from ._models import matrix_factorisation as matrix_factorisation
from ._models import two_layer_relu as two_layer_relu
from ._polynomial import PolynomialLaws as PolynomialLaws
from ._polynomial import find_laws as find_laws
from ._sign import SignLawCount as SignLawCount
from ._sign import count_sign_laws as count_sign_laws

__all__ = ["LawCheck", "check_law", "Flow", "make_flow", "LawCount", "count_laws", "MODELS",
           "Model", "builtin_model", "load_model", "deep_linear", "deep_relu", "matrix_factorisation",
           "two_layer_relu", "known_laws", "law_rank", "PathProducts", "MAX_PATHS",
           "MAX_PATH_PARAMETERS", "PolynomialLaws", "find_laws", "residual_block", "conv_relu",
           "attention_head", "multihead_attention", "crossentropy_layer", "SignLawCount",
           "count_sign_laws", "DriftRun", "law_drift"]
