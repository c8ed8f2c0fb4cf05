"""Activation functions and their derivatives, in NumPy."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic sigmoid :math:`g(a) = 1 / (1 + e^{-a})`, squashing any real into (0, 1).

    Computed without overflow for large negative ``a``.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    a = as_float_array(a, "a", allow_empty=True, finite=False)
    if np.isnan(a).any():
        raise ValueError("`a` contains NaN")
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    ez = np.exp(a[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_derivative(a: np.ndarray) -> np.ndarray:
    """:math:`g'(a) = g(a)\\,(1 - g(a))`, at most 0.25 (at ``a = 0``).

    Examples
    --------
    >>> sigmoid_derivative(np.array([0.0])).tolist()
    [0.25]
    """
    g = sigmoid(a)
    return g * (1.0 - g)
