"""The single neuron of the lecture: a pre-activation, an activation, and learning w and b.

The lecture's neuron converts Celsius to Fahrenheit, ``a = 1.8 x + 32``.
Learning means finding ``w`` and ``b`` that make the mean squared error small,
by gradient descent:

.. math::

    L(w, b) = \\frac{1}{n} \\sum_i (w x_i + b - y_i)^2, \\qquad
    \\frac{\\partial L}{\\partial w} = \\frac{2}{n} \\sum_i (w x_i + b - y_i)\\, x_i, \\qquad
    \\frac{\\partial L}{\\partial b} = \\frac{2}{n} \\sum_i (w x_i + b - y_i).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, positive, same_shape
from .optim import diverged


def pre_activation(x: np.ndarray, w: float, b: float) -> np.ndarray:
    """The neuron's pre-activation :math:`a = w x + b`.

    Examples
    --------
    >>> pre_activation(np.array([0.0, 8.0]), 1.8, 32).tolist()
    [32.0, 46.4]
    """
    return w * np.asarray(x, dtype=float) + b


def mse_gradients(x: np.ndarray, y: np.ndarray, w: float, b: float) -> tuple[float, float]:
    """Gradients of the MSE of ``a = w x + b`` with respect to ``w`` and ``b``.

    Returns
    -------
    (dL/dw, dL/db) : tuple of float

    Examples
    --------
    >>> mse_gradients(np.array([0.0, 8.0]), np.array([32.0, 46.4]), 1.8, 32.0)
    (0.0, 0.0)
    """
    error = pre_activation(x, w, b) - y
    return float(2 * np.mean(error * x)), float(2 * np.mean(error))


@dataclass
class DescentHistory:
    """What :func:`gradient_descent` went through, one entry per step (the start included)."""

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged_at: int | None  # the step at which the loss blew up, or None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def gradient_descent(x: np.ndarray, y: np.ndarray, w0: float = 0.0, b0: float = 0.0,
                     lr: float = 0.005, steps: int = 1000) -> DescentHistory:
    """Full-batch gradient descent on the MSE of a single linear neuron.

    Each step: :math:`w \\leftarrow w - \\eta\\, \\partial L/\\partial w`,
    :math:`b \\leftarrow b - \\eta\\, \\partial L/\\partial b`. Stops early, with
    ``diverged_at`` set, when the loss :func:`course_utils.optim.diverged` (not finite, or
    10,000 times its start).

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)
        Inputs and labels.
    w0, b0 : float
        The initial value.
    lr : float
        The learning rate :math:`\\eta` (> 0).
    steps : int
        Number of updates.

    Examples
    --------
    >>> x, y = np.array([0.0, 8, 15, 22]), np.array([32.0, 46.4, 59, 71.6])
    >>> h = gradient_descent(x, y, lr=0.005, steps=5000)
    >>> round(float(h.w[-1]), 3), round(float(h.b[-1]), 3), h.diverged
    (1.8, 32.0, False)
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    same_shape(x, y, "x", "y")
    positive(lr, "lr")
    positive(steps, "steps", integer=True, allow_zero=True)
    for value, name in ((w0, "w0"), (b0, "b0")):
        as_float_array(value, name, ndim=0)
    w, b = float(w0), float(b0)
    ws, bs, losses = [w], [b], [float(np.mean((w * x + b - y) ** 2))]
    diverged_at = None
    for step in range(1, steps + 1):
        error = w * x + b - y
        grad_w, grad_b = 2 * np.mean(error * x), 2 * np.mean(error)
        w, b = w - lr * grad_w, b - lr * grad_b
        loss = float(np.mean((w * x + b - y) ** 2))
        if diverged(loss, losses[0]):
            diverged_at = step
            break
        ws.append(w)
        bs.append(b)
        losses.append(loss)
    return DescentHistory(np.array(ws), np.array(bs), np.array(losses), diverged_at)


def minibatch_sgd(x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int, lr: float = 0.002,
                  w0: float = 0.0, b0: float = 0.0, seed: int = 0) -> DescentHistory:
    """Mini-batch stochastic gradient descent on the MSE of a single linear neuron.

    An **epoch** is one pass over the training set: the samples are shuffled
    (a new order each epoch, from ``numpy.random.default_rng(seed)``) and cut
    into :math:`\\lceil n / B \\rceil` batches of ``batch_size`` :math:`B`, the
    last one smaller when :math:`B` does not divide :math:`n`. Each batch makes
    one step with the mean gradients over its own samples.

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)
        Inputs and labels.
    batch_size : int
        Samples per step (>= 1); ``batch_size >= n_samples`` is full-batch descent.
    epochs : int
        Passes over the data (>= 0).
    lr, w0, b0 : float
        Learning rate and initial value, as in :func:`gradient_descent`.
    seed : int
        Seeds the shuffling.

    Returns
    -------
    DescentHistory
        One entry per step, the start included; ``loss`` is the MSE over all
        samples. Stops early, with ``diverged_at`` set, like :func:`gradient_descent`.

    Examples
    --------
    >>> x, y = np.array([0.0, 8, 15, 22]), np.array([32.0, 46.4, 59, 71.6])
    >>> run = minibatch_sgd(x, y, batch_size=3, epochs=100, lr=0.002)
    >>> len(run.w) - 1  # 2 steps per epoch: a batch of 3, then a batch of 1
    200
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    same_shape(x, y, "x", "y")
    positive(batch_size, "batch_size", integer=True)
    positive(epochs, "epochs", integer=True, allow_zero=True)
    positive(lr, "lr")
    for value, name in ((w0, "w0"), (b0, "b0")):
        as_float_array(value, name, ndim=0)
    order_rng = np.random.default_rng(seed)
    w, b = float(w0), float(b0)
    ws, bs, losses = [w], [b], [float(np.mean((w * x + b - y) ** 2))]
    for _ in range(epochs):
        order = order_rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            grad_w, grad_b = mse_gradients(x[batch], y[batch], w, b)
            w, b = w - lr * grad_w, b - lr * grad_b
            loss = float(np.mean((w * x + b - y) ** 2))
            if diverged(loss, losses[0]):
                return DescentHistory(np.array(ws), np.array(bs), np.array(losses), len(ws))
            ws.append(w)
            bs.append(b)
            losses.append(loss)
    return DescentHistory(np.array(ws), np.array(bs), np.array(losses), None)
