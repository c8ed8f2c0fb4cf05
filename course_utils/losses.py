"""Loss functions and their gradients, in NumPy: how wrong a prediction is, as one number.

The lecture's two popular losses: the **mean squared error** for regression
(a real-valued output) and the **cross-entropy** for classification. Each
function here has a ``*_gradient`` twin, the derivative of the loss with
respect to the prediction, which is where back-propagation starts.

All losses average over the samples (PyTorch's ``reduction="mean"``), and are
equal to ``torch.nn.functional.mse_loss``, ``binary_cross_entropy`` and
``cross_entropy`` (``tests/test_losses.py``).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, same_shape

#: PyTorch clamps ``log(p)`` at -100 in the binary cross-entropy, so that p = 0 costs 100, not infinity.
LOG_CLAMP = -100.0
#: ...and clamps ``p (1 - p)`` at 1e-12 in its gradient (a float32 constant, hence the cast).
BCE_GRAD_EPS = float(np.float32(1e-12))


def _pair(y_pred, y_true, name_pred: str, name_true: str) -> tuple[np.ndarray, np.ndarray]:
    a = as_float_array(y_pred, name_pred)
    b = as_float_array(y_true, name_true)
    same_shape(a, b, name_pred, name_true)
    return a, b


# -- mean squared error ----------------------------------------------------------------------
def mse(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean squared error, the regression loss.

    .. math::

        L = \\frac{1}{n} \\sum_{i=1}^{n} (\\hat y_i - y_i)^2

    Parameters
    ----------
    y_pred, y_true : array-like of the same shape
        Predictions and labels; the mean runs over every element.

    Returns
    -------
    float

    Examples
    --------
    >>> [round(mse([p], [32.0]), 2) for p in (12.1, 19.9, 31.4)]  # the lecture's loss table
    [396.01, 146.41, 0.36]
    """
    y_pred, y_true = _pair(y_pred, y_true, "y_pred", "y_true")
    return float(np.mean((y_pred - y_true) ** 2))


def mse_gradient(y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """Gradient of :func:`mse` with respect to the predictions.

    .. math::

        \\frac{\\partial L}{\\partial \\hat y_i} = \\frac{2}{n} (\\hat y_i - y_i)

    Examples
    --------
    >>> mse_gradient([12.0, 32.0], [32.0, 32.0]).tolist()
    [-20.0, 0.0]
    """
    y_pred, y_true = _pair(y_pred, y_true, "y_pred", "y_true")
    return 2.0 * (y_pred - y_true) / y_pred.size


# -- binary cross-entropy --------------------------------------------------------------------
def _probabilities(p, y) -> tuple[np.ndarray, np.ndarray]:
    p, y = _pair(p, y, "p", "y")
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"`p` must hold probabilities in [0, 1], got values from {p.min():.3g} "
                         f"to {p.max():.3g}; pass a sigmoid's output, not the logit")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"`y` must hold labels in [0, 1], got values from {y.min():.3g} to {y.max():.3g}")
    return p, y


def binary_cross_entropy(p: np.ndarray, y: np.ndarray) -> float:
    """Binary cross-entropy of predicted probabilities ``p`` against labels ``y`` (0 or 1).

    .. math::

        L = -\\frac{1}{n} \\sum_{i=1}^{n} \\big[ y_i \\log p_i + (1 - y_i) \\log(1 - p_i) \\big]

    As in PyTorch, each logarithm is clamped at -100, so a confident wrong
    answer (p = 0 for a label 1) costs 100 rather than infinity.

    Parameters
    ----------
    p : array-like
        Predicted probabilities of the class 1, in [0, 1] (a sigmoid's output).
    y : array-like of the same shape
        Labels, 0 or 1 (values in between are allowed, as in PyTorch).

    Examples
    --------
    >>> round(binary_cross_entropy([0.9, 0.2], [1, 0]), 4)
    0.1643
    """
    p, y = _probabilities(p, y)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_1mp = np.maximum(np.log1p(-p), LOG_CLAMP)
    return float(0.0 - np.mean(y * log_p + (1.0 - y) * log_1mp))  # 0.0 - ...: a perfect score is 0, not -0


def binary_cross_entropy_gradient(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`binary_cross_entropy` with respect to ``p``.

    .. math::

        \\frac{\\partial L}{\\partial p_i} = \\frac{1}{n} \\, \\frac{p_i - y_i}{p_i (1 - p_i)}

    (with ``p (1 - p)`` kept above 1e-12, as PyTorch does).

    Examples
    --------
    >>> binary_cross_entropy_gradient([0.5, 0.5], [1, 0]).tolist()
    [-1.0, 1.0]
    """
    p, y = _probabilities(p, y)
    return (p - y) / np.maximum(p * (1.0 - p), BCE_GRAD_EPS) / p.size


# -- cross-entropy over classes --------------------------------------------------------------
def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Logarithm of the softmax along the last axis, computed without overflow.

    .. math::

        \\log \\mathrm{softmax}(z)_k = z_k - m - \\log \\sum_j e^{z_j - m}, \\quad m = \\max_j z_j

    Subtracting the largest logit ``m`` changes nothing mathematically, but keeps
    every ``exp`` at most 1, so logits like 1000 do not overflow.

    Examples
    --------
    >>> np.round(np.exp(log_softmax(np.array([1000.0, 1000.0]))), 3).tolist()
    [0.5, 0.5]
    """
    z = as_float_array(logits, "logits")
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax along the last axis: turns scores into probabilities that sum to 1.

    Examples
    --------
    >>> np.round(softmax(np.array([2.0, 1.0, 0.1])), 3).tolist()
    [0.659, 0.242, 0.099]
    """
    return np.exp(log_softmax(logits))


def _logits_and_labels(logits, labels) -> tuple[np.ndarray, np.ndarray]:
    z = as_float_array(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"`logits` must be of shape (n_samples, n_classes), got {z.shape}")
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.shape[0] != z.shape[0]:
        raise ValueError(f"`labels` must be of shape (n_samples,) = ({z.shape[0]},), got {lab.shape}")
    if lab.dtype.kind not in "iu":
        if lab.dtype.kind == "f" and np.all(np.isfinite(lab)) and np.all(lab == np.round(lab)):
            lab = lab.astype(int)
        else:
            raise TypeError(f"`labels` must be integer class indices, got dtype {lab.dtype}")
    if np.any((lab < 0) | (lab >= z.shape[1])):
        raise ValueError(f"`labels` must lie in [0, {z.shape[1] - 1}] (n_classes = {z.shape[1]}), "
                         f"got values from {lab.min()} to {lab.max()}")
    return z, lab.astype(np.intp)


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Cross-entropy of class scores against integer labels, the classification loss.

    .. math::

        L = -\\frac{1}{n} \\sum_{i=1}^{n} \\log \\mathrm{softmax}(z_i)_{y_i}

    The mean over the batch of minus the log of the probability given to the
    true class. Computed through :func:`log_softmax`, so large logits are safe.

    Parameters
    ----------
    logits : array-like of shape (n_samples, n_classes)
        Raw scores (before the softmax), one row per sample.
    labels : array-like of int, shape (n_samples,)
        The true class of each sample, in ``0 .. n_classes - 1``.

    Examples
    --------
    >>> round(cross_entropy([[2.0, 1.0, 0.1]], [0]), 4)  # -log(0.659)
    0.417
    """
    z, lab = _logits_and_labels(logits, labels)
    return float(0.0 - np.mean(log_softmax(z)[np.arange(len(lab)), lab]))  # 0, not -0, when perfect


def cross_entropy_gradient(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits.

    .. math::

        \\frac{\\partial L}{\\partial z_{ik}} = \\frac{1}{n} \\big( \\mathrm{softmax}(z_i)_k - [k = y_i] \\big)

    The predicted probabilities minus the one-hot labels, over the batch size.

    Examples
    --------
    >>> np.round(cross_entropy_gradient([[0.0, 0.0]], [1]), 2).tolist()
    [[0.5, -0.5]]
    """
    z, lab = _logits_and_labels(logits, labels)
    grad = softmax(z)
    grad[np.arange(len(lab)), lab] -= 1.0
    return grad / len(lab)
