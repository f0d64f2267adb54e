"""The building blocks of Marcotte, Peyré, Gribonval 2025 ("Transformative or Conservative?"),
as models φ(θ) whose laws hold for every loss.

* ``resnet`` (n, r): the residual block x ↦ x + U σ(Vᵀx + b), x ∈ ℝⁿ, r neurons.  The skip
  connection adds x, which does not depend on θ, so on a region of fixed activations the block
  depends on θ through exactly the path products of the block without the skip: its φ *is* the
  two-layer ReLU φ with widths (n, r, n), and so are its laws.
* ``conv`` (n, c, p, s): a convolutional ReLU layer with c output channels, each a kernel of
  size s (input channels × kernel width, flattened) and a bias, applied at p positions, followed
  by a linear layer U ∈ ℝ^{n×(c·p)}.  On a region of fixed activations the output is
  Σ_{c,p} U[a, (c,p)] (K_c · patch_p(x) + b_c), so φ is the path products U[a,(c,p)]·K[c,t] and
  U[a,(c,p)]·b_c: weight sharing makes every position of a channel share its kernel.  Stated
  laws: per channel, ‖K_c‖² + b_c² − Σ_p ‖U[:, (c,p)]‖².
* ``attention`` (d, k, dv): one head, queries and keys Q, K ∈ ℝ^{d×k}, values and output
  V, O ∈ ℝ^{d×dv}; the head depends on θ through QKᵀ (inside the softmax) and VOᵀ, so
  φ = (QKᵀ, VOᵀ).  Stated laws: the entries of QᵀQ − KᵀK and VᵀV − OᵀO.
* ``multihead`` (H, d, k, dv): H such heads, φ = (Q_h K_hᵀ, V_h O_hᵀ)_{h=1..H} (each head has its
  own softmax, and O_h is the block of the output projection acting on head h).
* ``crossentropy`` (c, d): a linear layer W ∈ ℝ^{c×d} followed by softmax/cross-entropy.  That
  loss is unchanged when a constant is added to every logit, so it depends on W only through the
  centred logits: φ(W) = (I − 𝟙𝟙ᵀ/c) W.  Stated laws: the column sums Σ_i W_ij.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

from .._errors import InvalidArgument
from ._models import Model, _matrix, two_layer_relu
from ._paths import PathProducts

__all__ = ["BLOCKS", "residual_block", "conv_relu", "attention_head", "multihead_attention",
           "crossentropy_layer"]

#: name: (number of widths, what they are)
BLOCKS = {"resnet": (2, "n,r: input width n, r neurons; e.g. 3,2"),
          "conv": (4, "n,c,p,s: outputs, channels, positions, kernel size; e.g. 2,2,3,2"),
          "attention": (3, "d,k,dv: model width, query/key width, value width; e.g. 3,2,2"),
          "multihead": (4, "H,d,k,dv: heads, then as attention; e.g. 2,3,2,1"),
          "crossentropy": (2, "c,d: classes, inputs; e.g. 3,4")}


def _check(name: str, widths: object) -> tuple[int, ...]:
    count, example = BLOCKS[name]
    if isinstance(widths, str) or not hasattr(widths, "__len__"):
        raise InvalidArgument("widths", widths, "must be a list of integers", example)
    values = tuple(widths)
    if len(values) != count or not all(isinstance(w, int) and not isinstance(w, bool)
                                       for w in values):
        raise InvalidArgument("widths", widths, f"the {name} model takes {count} integers",
                              example)
    bad = [w for w in values if w < 1]
    if bad:
        raise InvalidArgument("widths", widths, f"widths must be positive, got {bad[0]}",
                              example)
    if any(w > 30 for w in values):
        raise InvalidArgument("widths", widths, "widths above 30 are out of reach here",
                              "use widths up to about 10")
    return values


def residual_block(widths: Sequence[int], *, bias: bool = True) -> Model:
    """The residual ReLU block x ↦ x + U σ(Vᵀx + b); widths (n, r).

    Parameters
    ----------
    widths : sequence of int
        ``(n, r)``: input width n, r neurons; each from 1 to 30.
    bias : bool
        Whether the neurons have a bias b.

    Returns
    -------
    Model
        Its φ is the two-layer ReLU φ with widths (n, r, n): the skip does not depend on θ.

    Examples
    --------
    >>> residual_block([2, 1]).name
    'residual ReLU block (2, 1): x + U σ(Vᵀx + b)'
    """
    n, r = _check("resnet", widths)
    block = two_layer_relu([n, r, n], bias=bias)
    return Model(f"residual ReLU block {(n, r)}: x + U σ(Vᵀx{' + b' if bias else ''})",
                 block.parameters, block.components, widths=(n, r, n))


def conv_relu(widths: Sequence[int]) -> Model:
    """A convolutional ReLU layer then a linear layer, on a region of fixed activations;
    widths (n, c, p, s).  ``K_c_t`` is weight t of channel c's kernel, ``b_c`` its bias,
    ``U_a_c_p`` the weight from channel c at position p to output a.

    Parameters
    ----------
    widths : sequence of int
        ``(n, c, p, s)``: n outputs, c channels, p positions, kernel size s; each from 1 to 30.

    Returns
    -------
    Model
        φ: the path products through each channel's shared kernel and bias.

    Examples
    --------
    >>> m = conv_relu([1, 1, 2, 1])
    >>> m.parameters
    (U_0_0_0, U_0_0_1, K_0_0, b_0)
    >>> tuple(m.components)
    (K_0_0*U_0_0_0, U_0_0_0*b_0, K_0_0*U_0_0_1, U_0_0_1*b_0)
    """
    n, c, p, s = _check("conv", widths)
    names = ([f"U_{a}_{ch}_{q}" for a in range(n) for ch in range(c) for q in range(p)]
             + [f"K_{ch}_{t}" for ch in range(c) for t in range(s)]
             + [f"b_{ch}" for ch in range(c)])
    parameters = tuple(sympy.Symbol(x, real=True) for x in names)
    u = lambda a, ch, q: (a * c + ch) * p + q  # noqa: E731
    kernel = lambda ch, t: n * c * p + ch * s + t  # noqa: E731
    bias = lambda ch: n * c * p + c * s + ch  # noqa: E731
    factors, balances = [], []
    for ch in range(c):
        inputs = [kernel(ch, t) for t in range(s)] + [bias(ch)]
        factors += [(u(a, ch, q), x) for a in range(n) for q in range(p) for x in inputs]
        signs = np.zeros(len(parameters), dtype=np.int64)
        signs[inputs] = 1
        signs[[u(a, ch, q) for a in range(n) for q in range(p)]] = -1
        balances.append(signs)
    return Model(f"conv ReLU (n, c, p, s) = {(n, c, p, s)}", parameters,
                 PathProducts(parameters, factors, balances), widths=(n, c, p, s))


def _head(d, k, dv, suffix=""):
    Q, K = _matrix(f"Q{suffix}", d, k, False), _matrix(f"K{suffix}", d, k, False)
    V, O = _matrix(f"V{suffix}", d, dv, False), _matrix(f"O{suffix}", d, dv, False)
    components = [sympy.expand(e) for e in Q * K.T] + [sympy.expand(e) for e in V * O.T]
    return (Q, K, V, O), components


def attention_head(widths: Sequence[int]) -> Model:
    """One attention head through φ = (QKᵀ, VOᵀ); widths (d, k, dv).

    Parameters
    ----------
    widths : sequence of int
        ``(d, k, dv)``: model width d, key width k, value width dv; each from 1 to 30.

    Returns
    -------
    Model
        Parameters ``Q_a_b``, ``K_a_b``, ``V_a_b``, ``O_a_b``; φ = (QKᵀ, VOᵀ) entrywise.

    Examples
    --------
    >>> m = attention_head([1, 1, 1])
    >>> tuple(m.components)
    (K_0_0*Q_0_0, O_0_0*V_0_0)
    """
    d, k, dv = _check("attention", widths)
    mats, components = _head(d, k, dv)
    parameters = tuple(s for m in mats for s in m)
    return Model(f"attention head (d, k, dv) = {(d, k, dv)}", parameters, tuple(components),
                 widths=(d, k, dv))


def multihead_attention(widths: Sequence[int]) -> Model:
    """H attention heads, φ = (Q_h K_hᵀ, V_h O_hᵀ)_h; widths (H, d, k, dv).  Parameters of head
    h carry the suffix h: ``Q0_a_b``, ``K0_a_b``, ...

    Parameters
    ----------
    widths : sequence of int
        ``(H, d, k, dv)``: H heads of model width d, key width k, value width dv; each from 1 to 30.

    Returns
    -------
    Model
        φ = (Q_h K_hᵀ, V_h O_hᵀ) for h = 0, ..., H − 1.

    Examples
    --------
    >>> multihead_attention([2, 1, 1, 1]).dimension
    8
    """
    heads, d, k, dv = _check("multihead", widths)
    parameters, components = [], []
    for h in range(heads):
        mats, comps = _head(d, k, dv, str(h))
        parameters += [s for m in mats for s in m]
        components += comps
    return Model(f"multi-head attention (H, d, k, dv) = {(heads, d, k, dv)}",
                 tuple(parameters), tuple(components), widths=(heads, d, k, dv))


def crossentropy_layer(widths: Sequence[int]) -> Model:
    """A linear layer W ∈ ℝ^{c×d} under softmax/cross-entropy: φ(W) = centred logits
    (I − 𝟙𝟙ᵀ/c)W; widths (c, d).

    Parameters
    ----------
    widths : sequence of int
        ``(c, d)``: c classes, d inputs; each from 1 to 30.

    Returns
    -------
    Model
        Parameters ``W_i_j``; φ = the centred logits' coefficients.

    Examples
    --------
    >>> crossentropy_layer([2, 1]).components
    (W_0_0/2 - W_1_0/2, -W_0_0/2 + W_1_0/2)
    """
    c, d = _check("crossentropy", widths)
    W = _matrix("W", c, d, False)
    centred = (sympy.eye(c) - sympy.ones(c, c) / c) * W
    return Model(f"softmax cross-entropy layer (c, d) = {(c, d)}", tuple(W),
                 tuple(sympy.expand(e) for e in centred), widths=(c, d))


def block_laws(model: Model) -> list[sympy.Expr] | None:
    """The laws the 2025 paper states for a block (None for other models)."""
    name = model.name
    if name.startswith(("conv ReLU", "residual ReLU block")):
        return model.paths.laws()
    if name.startswith(("attention head", "multi-head attention")):
        heads = model.widths[0] if name.startswith("multi") else 1
        d, k, dv = model.widths[-3:]
        sym = model.symbols()
        laws = []
        for h in range(heads):
            tag = str(h) if heads > 1 or name.startswith("multi") else ""
            for a, b, size in (("Q", "K", k), ("V", "O", dv)):
                A = sympy.Matrix(d, size, lambda i, j: sym[f"{a}{tag}_{i}_{j}"])
                B = sympy.Matrix(d, size, lambda i, j: sym[f"{b}{tag}_{i}_{j}"])
                G = A.T * A - B.T * B
                laws += [sympy.expand(G[i, j]) for i in range(size) for j in range(i, size)]
        return laws
    if name.startswith("softmax cross-entropy"):
        c, d = model.widths
        sym = model.symbols()
        return [sympy.Add(*[sym[f"W_{i}_{j}"] for i in range(c)]) for j in range(d)]
    return None
