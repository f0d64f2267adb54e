"""The built-in models by name (``laws --model NAME``): the networks of :mod:`._models` and the
2025 building blocks of :mod:`._blocks`."""

from __future__ import annotations

from collections.abc import Sequence

from .._errors import InvalidArgument
from ._blocks import (attention_head, conv_relu, crossentropy_layer, multihead_attention,
                      residual_block)
from ._models import Model, deep_linear, deep_relu, matrix_factorisation, two_layer_relu

__all__ = ["builtin_model", "MODELS"]

#: Built-in model names accepted by :func:`builtin_model` (and ``laws --model``).
MODELS = ("linear", "relu", "relu-bias", "nmf", "resnet", "conv", "attention", "multihead",
          "crossentropy")


def builtin_model(name: str, widths: Sequence[int]) -> Model:
    """A built-in model by name: ``linear``, ``relu``, ``relu-bias``, ``nmf``, or one of the
    2025 building blocks ``resnet``, ``conv``, ``attention``, ``multihead``, ``crossentropy``
    (see :mod:`._blocks` for their widths).

    ``relu`` and ``relu-bias`` with 3 widths give :func:`two_layer_relu` (names ``U``, ``V``,
    ``b``), with 4 or more :func:`deep_relu` (names ``U1``, ``U2``, …, ``b1``, …).

    Parameters
    ----------
    name : str
        The model's name, as the command line's ``--model`` takes it.
    widths : sequence of int
        Its widths (how many, and what they mean, depends on the model).

    Returns
    -------
    Model

    Examples
    --------
    >>> builtin_model("relu", [2, 1, 2]).dimension
    4
    >>> builtin_model("relu-bias", [3, 4, 2, 3]).name
    'deep ReLU with bias (3, 4, 2, 3)'
    >>> builtin_model("conv", [2, 2])
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'widths' = [2, 2]: the conv model takes 4
    integers; n,c,p,s: outputs, channels, positions, kernel size; e.g. 2,2,3,2
    >>> builtin_model("mlp", [2, 2])
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'model' = 'mlp': unknown model; choose one
    of linear, relu, relu-bias, nmf, resnet, conv, attention, multihead, crossentropy, or give a
    model file
    """
    if name == "linear":
        return deep_linear(widths)
    if name in ("relu", "relu-bias"):
        bias = name == "relu-bias"
        if not isinstance(widths, str) and hasattr(widths, "__len__") and len(widths) == 3:
            return two_layer_relu(widths, bias=bias)
        return deep_relu(widths, bias=bias)
    if name == "nmf":
        return matrix_factorisation(widths)
    makers = {"resnet": residual_block, "conv": conv_relu, "attention": attention_head,
              "multihead": multihead_attention, "crossentropy": crossentropy_layer}
    if name in makers:
        return makers[name](widths)
    raise InvalidArgument("model", name, "unknown model",
                          f"choose one of {', '.join(MODELS)}, or give a model file")
