"""Activation functions and their derivatives, in NumPy.

Each function mirrors its formula and has a partner ``*_derivative`` (for
softmax, :func:`softmax_jacobian`), the local factor that backpropagation
multiplies by. At a kink (ReLU at 0) the derivative takes PyTorch's value.

Every function takes an array of pre-activations ``a`` (or a number) and checks
it: text or other non-numbers raise a :class:`TypeError`, a NaN raises a
:class:`ValueError`; infinities are allowed where the limit is clear. The
element-wise functions map an empty array to an empty array, as NumPy does;
softmax needs at least one value along its axis.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import as_float_array, positive

__all__ = [
    "step", "step_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "relu", "relu_derivative", "leaky_relu", "leaky_relu_derivative", "gelu", "gelu_derivative",
    "softmax", "softmax_jacobian", "ACTIVATIONS",
]


def _pre_activation(a: object) -> np.ndarray:
    """``a`` as a float array (empty allowed, infinities allowed, NaN refused)."""
    a = as_float_array(a, "a", allow_empty=True, finite=False)
    if np.isnan(a).any():
        raise ValueError(f"`a` contains NaN (at index {_first_nan(a)}): a pre-activation should "
                         "never be NaN; look for a division by zero or an overflow before it")
    return a


def _first_nan(a: np.ndarray) -> tuple[int, ...] | int:
    where = tuple(int(i[0]) for i in np.nonzero(np.isnan(a)))
    return where[0] if len(where) == 1 else where


# -- (a) the step (threshold) function ------------------------------------------------------
def step(a: np.ndarray) -> np.ndarray:
    """The step (threshold) function: 1 where :math:`a \\ge 0`, else 0.

    .. math:: g(a) = \\begin{cases} 1 & a \\ge 0 \\\\ 0 & a < 0 \\end{cases}

    The activation of McCulloch and Pitts' neuron and of Rosenblatt's perceptron.
    Equal to ``torch.heaviside(a, torch.tensor(1.0))``.

    Examples
    --------
    >>> step(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 1.0, 1.0]
    """
    a = _pre_activation(a)
    return np.where(a >= 0, 1.0, 0.0)


def step_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`g'(a) = 0` for every :math:`a \\ne 0` (at 0 it is undefined; we return 0).

    A zero gradient everywhere is why a network of step functions cannot learn
    by gradient descent. PyTorch does not define it either (``heaviside`` has
    no derivative).

    Examples
    --------
    >>> step_derivative(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 0.0]
    """
    a = _pre_activation(a)
    return np.zeros_like(a)


# -- (b) sigmoid and tanh -------------------------------------------------------------------
def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic sigmoid :math:`g(a) = 1 / (1 + e^{-a})`, squashing any real into (0, 1).

    Computed without overflow for large negative ``a``.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    a = _pre_activation(a)
    e = np.exp(-np.abs(a))  # at most 1: never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))  # e^a / (1 + e^a) for a < 0


def sigmoid_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`g'(a) = g(a)\\,(1 - g(a))`, at most 0.25 (at ``a = 0``).

    Examples
    --------
    >>> sigmoid_derivative(np.array([0.0])).tolist()
    [0.25]
    """
    g = sigmoid(a)
    return g * (1.0 - g)


def tanh(a: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent, squashing any real into (-1, 1); a rescaled sigmoid.

    .. math:: \\tanh(a) = \\frac{e^{a} - e^{-a}}{e^{a} + e^{-a}} = 2\\,\\sigma(2a) - 1

    Examples
    --------
    >>> tanh(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    return np.tanh(_pre_activation(a))


def tanh_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`\\tanh'(a) = 1 - \\tanh^2(a)`, at most 1 (at ``a = 0``).

    Examples
    --------
    >>> tanh_derivative(np.array([0.0])).tolist()
    [1.0]
    """
    t = tanh(a)
    return 1.0 - t * t


# -- (c) ReLU and its relatives ---------------------------------------------------------------
def relu(a: np.ndarray) -> np.ndarray:
    """The rectified linear unit :math:`g(a) = \\max(0, a)`.

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 3.0]
    """
    a = _pre_activation(a)
    return np.maximum(a, 0.0)


def relu_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`g'(a) = 1` for :math:`a > 0`, else 0 (0 at the kink, as in PyTorch).

    Examples
    --------
    >>> relu_derivative(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 1.0]
    """
    a = _pre_activation(a)
    return np.where(a > 0, 1.0, 0.0)


def _slope(negative_slope: float) -> float:
    return float(positive(negative_slope, "negative_slope", allow_zero=True))


def leaky_relu(a: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU: :math:`g(a) = a` for :math:`a > 0`, else :math:`\\alpha a` (``negative_slope``).

    .. math:: g(a) = \\max(0, a) + \\alpha \\min(0, a)

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1).tolist()
    [-0.2, 0.0, 3.0]
    """
    a, alpha = _pre_activation(a), _slope(negative_slope)
    return np.where(a > 0, a, alpha * a)


def leaky_relu_derivative(a: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """:math:`g'(a) = 1` for :math:`a > 0`, else :math:`\\alpha` (also at the kink, as in PyTorch).

    Never exactly zero for :math:`\\alpha > 0`, so a leaky unit cannot die.

    Examples
    --------
    >>> leaky_relu_derivative(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1).tolist()
    [0.1, 0.1, 1.0]
    """
    a, alpha = _pre_activation(a), _slope(negative_slope)
    return np.where(a > 0, 1.0, alpha)


def _normal_cdf(a: np.ndarray) -> np.ndarray:
    """:math:`\\Phi(a) = \\tfrac12 (1 + \\mathrm{erf}(a / \\sqrt 2))`."""
    from scipy.special import erf  # imported here: scipy takes ~0.4 s to import

    return 0.5 * (1.0 + erf(a / np.sqrt(2.0)))


def gelu(a: np.ndarray) -> np.ndarray:
    """The Gaussian error linear unit :math:`g(a) = a\\,\\Phi(a)`, in its exact erf form.

    .. math:: g(a) = a\\,\\Phi(a) = \\frac{a}{2}\\left(1 + \\mathrm{erf}\\left(\\frac{a}{\\sqrt 2}\\right)\\right)

    :math:`\\Phi` is the standard normal CDF. A smooth ReLU, used in transformers;
    equal to ``torch.nn.functional.gelu(a)`` (``approximate='none'``).

    Examples
    --------
    >>> gelu(np.array([-np.inf, 0.0, 1.0])).round(4).tolist()
    [0.0, 0.0, 0.8413]
    """
    a = _pre_activation(a)
    with np.errstate(invalid="ignore"):  # -inf * 0 at a = -inf, replaced by the limit 0
        out = a * _normal_cdf(a)
    return np.where(np.isneginf(a), 0.0, out)


def gelu_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`g'(a) = \\Phi(a) + a\\,\\varphi(a)`, with :math:`\\varphi` the standard normal density.

    .. math:: \\varphi(a) = \\frac{1}{\\sqrt{2\\pi}} e^{-a^2/2}

    Slightly negative for :math:`a < 0` (down to about -0.13 near -1.41), above 1
    for moderate :math:`a > 0` (up to about 1.13).

    Examples
    --------
    >>> gelu_derivative(np.array([-np.inf, 0.0, np.inf])).tolist()
    [0.0, 0.5, 1.0]
    """
    a = _pre_activation(a)
    with np.errstate(over="ignore", invalid="ignore"):  # a² overflows only where φ(a) is 0
        density = np.exp(-0.5 * a * a) / np.sqrt(2.0 * np.pi)
        out = _normal_cdf(a) + a * density
    return np.where(np.isinf(a), np.where(a > 0, 1.0, 0.0), out)


# -- (d) softmax --------------------------------------------------------------------------------
def _softmax_input(a: object, axis: int) -> np.ndarray:
    a = as_float_array(a, "a", allow_empty=True, finite=False)
    if a.ndim == 0:
        raise ValueError("`a` must be a vector (or an array of vectors) of scores, got a single "
                         "number; softmax of one score is always 1")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"`axis` must be an integer, got {axis!r}")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"`axis` is {axis}, but `a` has shape {a.shape} ({a.ndim} dimension(s)); "
                         f"use an axis from {-a.ndim} to {a.ndim - 1}")
    if a.shape[axis] == 0:
        raise ValueError(f"`a` must hold at least one score along axis {axis}, got shape {a.shape}")
    if np.isnan(a).any():
        raise ValueError(f"`a` contains NaN (at index {_first_nan(a)}): softmax would be NaN "
                         "everywhere along that axis")
    if np.isposinf(a).any():
        raise ValueError("`a` contains +inf: softmax is undefined there (inf - inf); "
                         "use finite scores (-inf is fine: it gets probability 0)")
    if np.isneginf(a).all(axis=axis).any():
        raise ValueError(f"`a` has a slice along axis {axis} that is all -inf: "
                         "no score to give probability to")
    return a


def softmax(a: np.ndarray, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Turn scores (logits) into probabilities that are positive and sum to 1 along ``axis``.

    .. math:: \\mathrm{softmax}(\\mathbf a)_i = \\frac{e^{a_i / T}}{\\sum_j e^{a_j / T}}
              = \\frac{e^{(a_i - m)/T}}{\\sum_j e^{(a_j - m)/T}}, \\quad m = \\max_j a_j

    Subtracting the maximum changes nothing mathematically (it cancels) but keeps
    every exponent :math:`\\le 0`, so :math:`e^{\\cdot}` never overflows.

    Parameters
    ----------
    a : array-like with at least one dimension
        Scores; ``-inf`` is allowed (probability 0).
    axis : int, default -1
        The axis that holds one vector of scores; the probabilities sum to 1 along it.
    temperature : float > 0, default 1
        :math:`T`: below 1 sharpens the distribution toward the largest score,
        above 1 flattens it toward uniform.

    Returns
    -------
    ndarray of the shape of ``a``

    See Also
    --------
    torch.nn.functional.softmax : the same with ``dim=axis`` and ``T = 1``.

    Examples
    --------
    >>> softmax(np.array([1.0, 2.0, 3.0])).round(4).tolist()
    [0.09, 0.2447, 0.6652]
    >>> softmax(np.array([1000.0, 1001.0, 1002.0])).round(4).tolist()  # no overflow
    [0.09, 0.2447, 0.6652]
    """
    a = _softmax_input(a, axis)
    temperature = float(positive(temperature, "temperature"))
    shifted = (a - a.max(axis=axis, keepdims=True)) / temperature
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_jacobian(a: np.ndarray) -> np.ndarray:
    """The Jacobian of softmax over the last axis: :math:`J_{ij} = s_i(\\delta_{ij} - s_j)`.

    .. math:: J = \\mathrm{diag}(\\mathbf s) - \\mathbf s\\,\\mathbf s^\\top,
              \\quad \\mathbf s = \\mathrm{softmax}(\\mathbf a)

    Each output depends on every input, so softmax's derivative is a matrix,
    not a number per element. Its rows sum to 0: the probabilities' sum stays 1.

    Parameters
    ----------
    a : array-like of shape (..., n)
        One vector of scores, or a batch of them along the leading axes.

    Returns
    -------
    ndarray of shape (..., n, n)
        ``J[..., i, j]`` is :math:`\\partial s_i / \\partial a_j`.

    Examples
    --------
    >>> softmax_jacobian(np.array([0.0, 0.0])).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    s = softmax(a, axis=-1)
    return s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]


#: Every element-wise activation, by name: ``(function, derivative)``.
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "step": (step, step_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "gelu": (gelu, gelu_derivative),
}
