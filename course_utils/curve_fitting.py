"""The lecture's curve-fitting example: noisy data, a network of one hidden layer, training by epochs.

Notebook 04 uses it to show what a batch size, an epoch, a learning rate and
the initial weights do: :func:`curve_data` makes the data, :class:`TinyNet` is
the network (its backpropagation written out), and :func:`fit_curve` trains it
with mini-batches, one shuffle per epoch (:func:`epoch_orders`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import mse
from .optim import make_optimizer

__all__ = ["curve_data", "TinyNet", "epoch_orders", "CurveRun", "fit_curve"]


def curve_data(n: int = 32, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy curve to fit: ``y = sin(pi x) + noise``, with ``n`` points ``x`` in [-1, 1].

    Examples
    --------
    >>> x, y = curve_data()
    >>> x.shape, y.shape
    ((32,), (32,))
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    return x, np.sin(np.pi * x) + noise * rng.normal(size=n)


class TinyNet:
    """A network with one input, a hidden layer of ``hidden`` tanh units and one output.

    .. math::

        \\hat y = W^{(2)} \\tanh(W^{(1)} x + b^{(1)}) + b^{(2)}

    Its parameters are in the order and shapes of PyTorch's
    ``Sequential(Linear(1, hidden), Tanh(), Linear(hidden, 1))``:
    ``[W1 (hidden, 1), b1 (hidden,), W2 (1, hidden), b2 (1,)]``. The initial
    weights are normal, ``scale`` times the usual size (1 over the square root
    of the number of inputs); the biases of the hidden layer too, the output bias 0.

    Examples
    --------
    >>> net = TinyNet(hidden=4, seed=0)
    >>> [p.shape for p in net.params]
    [(4, 1), (4,), (1, 4), (1,)]
    >>> net(np.array([0.0, 0.5])).shape
    (2,)
    """

    def __init__(self, hidden: int = 16, scale: float = 1.0, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.params = [scale * rng.normal(size=(hidden, 1)), scale * rng.normal(size=hidden),
                       scale * rng.normal(size=(1, hidden)) / np.sqrt(hidden), np.zeros(1)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        W1, b1, W2, b2 = self.params
        return (np.tanh(x[:, None] @ W1.T + b1) @ W2.T + b2)[:, 0]

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """The MSE on ``(x, y)`` and its gradients, by back-propagation, in the order of ``params``."""
        W1, b1, W2, b2 = self.params
        h = np.tanh(x[:, None] @ W1.T + b1)  # (n, hidden)
        out = h @ W2.T + b2  # (n, 1)
        error = out - y[:, None]
        d_out = 2 * error / len(error)  # dL/d(out): losses.mse_gradient, without its argument checks
        d_a = (d_out @ W2) * (1 - h ** 2)  # back through W2 and tanh
        grads = [d_a.T @ x[:, None], d_a.sum(axis=0), d_out.T @ h, d_out.sum(axis=0)]
        return float(np.mean(error ** 2)), grads

    def to_torch(self):
        """The same network in PyTorch (float64), with the same weights."""
        import torch

        model = torch.nn.Sequential(torch.nn.Linear(1, self.params[0].shape[0]), torch.nn.Tanh(),
                                    torch.nn.Linear(self.params[0].shape[0], 1)).double()
        with torch.no_grad():
            for p, value in zip(model.parameters(), self.params):
                p.copy_(torch.from_numpy(value))
        return model


def epoch_orders(n: int, epochs: int, seed: int = 0) -> np.ndarray:
    """The order the samples are visited in, one shuffle per epoch: shape ``(epochs, n)``."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n) for _ in range(epochs)]).reshape(epochs, n)


@dataclass
class CurveRun:
    """What :func:`fit_curve` went through."""

    batch_loss: np.ndarray  # the loss on each step's mini-batch, (steps,)
    epoch_loss: np.ndarray  # the loss on all the data, at the start and after each epoch
    steps_per_epoch: int
    diverged_at: int | None  # the step at which the loss blew up, or None


def fit_curve(net: TinyNet, x: np.ndarray, y: np.ndarray, *, batch_size: int, epochs: int, lr: float,
              optimizer: str = "SGD", seed: int = 0) -> CurveRun:
    """Train ``net`` in place with mini-batches of ``batch_size`` samples for ``epochs`` epochs.

    One step per mini-batch; an epoch is ``ceil(n / batch_size)`` steps, the
    samples shuffled once per epoch (:func:`epoch_orders`). Stops if the loss
    blows up (above 1e6 or not finite).
    """
    n = len(x)
    if not 1 <= batch_size <= n:
        raise ValueError(f"`batch_size` must be in [1, {n}], got {batch_size}")
    opt = make_optimizer(optimizer, net.params, lr)
    per_epoch = -(-n // batch_size)
    batch_loss, epoch_loss = [], [net.loss_and_gradients(x, y)[0]]
    with np.errstate(all="ignore"):
        for order in epoch_orders(n, epochs, seed):
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                loss, grads = net.loss_and_gradients(x[batch], y[batch])
                if not loss < 1e6:  # also catches NaN
                    return CurveRun(np.array(batch_loss), np.array(epoch_loss), per_epoch, len(batch_loss))
                opt.step(grads)
                batch_loss.append(loss)
            epoch_loss.append(mse(net(x), y) if np.all(np.isfinite(net(x))) else np.inf)
    return CurveRun(np.array(batch_loss), np.array(epoch_loss), per_epoch, None)
