"""The lecture's curve-fitting examples: small models fitted to a noisy curve.

Notebook 04 uses them to show what a batch size, an epoch, a learning rate and
the initial weights do: :class:`TinyNet` is a network of one hidden layer (its
backpropagation written out), and :func:`fit_curve` trains it with mini-batches,
one shuffle per epoch (:func:`epoch_orders`). Notebook 06 uses two models whose
size is one number, to overfit and to cross-validate: :class:`PolynomialRegression`
and :class:`TinyNetwork`; :func:`model_mse` scores either. The curves themselves
are in :mod:`course_utils.data` (``curve_data``, ``noisy_sine``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import mse
from .optim import make_optimizer

__all__ = ["TinyNet", "epoch_orders", "CurveRun", "fit_curve", "PolynomialRegression", "TinyNetwork",
           "model_mse"]




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


# -- models whose size is one number (notebook 06) ---------------------------------------------------
def model_mse(model, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of a fitted model on ``(X, y)``: a ``scoring`` for ``cross_validate``."""
    return float(np.mean((model.predict(X) - np.asarray(y, dtype=float)) ** 2))


def _column(X: np.ndarray) -> np.ndarray:
    """Inputs as a 1-D array of x values (accepts shape (n,) or (n, 1))."""
    x = np.asarray(X, dtype=float)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"`X` must be of shape (n_samples,) or (n_samples, 1), got {x.shape}")
    return x


def _r2(y: np.ndarray, prediction: np.ndarray) -> float:
    y = np.asarray(y, dtype=float)
    return float(1 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2))


class PolynomialRegression:
    """A polynomial of degree ``degree`` fitted by least squares.

    .. math:: \\hat y(x) = \\sum_{j=0}^{d} w_j P_j(x), \\qquad
              w = \\arg\\min_w \\sum_i \\big(\\hat y(x_i) - y_i\\big)^2

    With as many coefficients as points (``degree = n - 1``) it passes through
    every training point: zero training error. With more, ``lstsq`` picks the
    smallest coefficients that do.

    Examples
    --------
    >>> model = PolynomialRegression(1).fit(np.array([0.0, 1.0]), np.array([1.0, 3.0]))
    >>> model.predict(np.array([0.5])).round(6).tolist()
    [2.0]
    """

    def __init__(self, degree: int = 3) -> None:
        if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
            raise ValueError(f"`degree` must be an integer >= 0, got {degree!r}")
        self.degree = int(degree)

    def fit(self, X: np.ndarray, y: np.ndarray) -> PolynomialRegression:
        x = _column(X)
        design = np.polynomial.legendre.legvander(x, self.degree)
        self.coef_ = np.linalg.lstsq(design, np.asarray(y, dtype=float), rcond=None)[0]
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.polynomial.legendre.legval(_column(X), self.coef_)

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """R² on ``(X, y)``, as scikit-learn's regressors score."""
        return _r2(y, self.predict(X))

    def __repr__(self) -> str:
        return f"PolynomialRegression(degree={self.degree})"


class TinyNetwork:
    """One hidden layer of ``width`` tanh units and a linear output, trained by full-batch Adam.

    .. math:: \\hat y(x) = \\sum_{j=1}^{m} v_j \\tanh(w_j x + b_j) + c, \\qquad
              L = \\frac{1}{n}\\sum_i \\big(\\hat y(x_i) - y_i\\big)^2
                  + \\lambda \\big(\\lVert w\\rVert^2 + \\lVert v\\rVert^2\\big)

    The gradient is written out by hand (backpropagation through one layer);
    :class:`course_utils.optim.Adam` takes ``max_iter`` steps on the whole
    training set, in float64, its rate falling from ``lr`` to 0 along half a
    cosine. Gradient descent whose steps shrink to zero, unlike a line-search
    method such as L-BFGS, makes no yes/no decisions and ends by settling, so
    the rounding of another CPU's arithmetic (about 1e-16) stays in the last
    digits instead of sending the run elsewhere. The parameters after every step are kept,
    so ``predict(X, step=s)`` shows the network as it was after ``s`` steps
    (early stopping).

    Examples
    --------
    >>> from course_utils.data import noisy_sine
    >>> x, y = noisy_sine(20, noise=0.0)
    >>> net = TinyNetwork(width=10, max_iter=500).fit(x, y)
    >>> bool(model_mse(net, x, y) < 0.01)
    True
    """

    def __init__(self, width: int = 20, weight_decay: float = 0.0, max_iter: int = 2000,
                 seed: int = 0, lr: float = 0.05) -> None:
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
            raise ValueError(f"`width` must be a positive integer, got {width!r}")
        if not np.isfinite(weight_decay) or weight_decay < 0:
            raise ValueError(f"`weight_decay` must be >= 0, got {weight_decay!r}")
        if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
            raise ValueError(f"`max_iter` must be a positive integer, got {max_iter!r}")
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"`lr` must be a positive number, got {lr!r}")
        self.width, self.weight_decay = int(width), float(weight_decay)
        self.max_iter, self.seed, self.lr = int(max_iter), seed, float(lr)

    def _unpack(self, params: np.ndarray) -> tuple[np.ndarray, ...]:
        m = self.width
        return params[..., :m], params[..., m:2 * m], params[..., 2 * m:3 * m], params[..., 3 * m]

    def _loss_and_gradient(self, params: np.ndarray, x: np.ndarray, y: np.ndarray):
        w, b, v, c = self._unpack(params)
        hidden = np.tanh(np.outer(x, w) + b)
        error = hidden @ v + c - y
        decay = self.weight_decay
        loss = np.mean(error ** 2) + decay * (w @ w + v @ v)
        d_out = 2 * error / len(x)  # dL/d(prediction)
        d_hidden = np.outer(d_out, v) * (1 - hidden ** 2)  # back through tanh
        grad = np.concatenate([x @ d_hidden + 2 * decay * w, d_hidden.sum(axis=0),
                               hidden.T @ d_out + 2 * decay * v, [d_out.sum()]])
        return loss, grad

    def fit(self, X: np.ndarray, y: np.ndarray) -> TinyNetwork:
        from .optim import Adam

        x, y = _column(X), np.asarray(y, dtype=float)
        rng = np.random.default_rng(self.seed)
        m = self.width  # the tanh kinks land at -b/w, spread over the data's range
        params = np.concatenate([rng.normal(0, 4.0, m), rng.uniform(-4, 4, m),
                                 rng.normal(0, 1 / np.sqrt(m), m), [float(np.mean(y))]])
        steps = np.empty((self.max_iter + 1, params.size))
        steps[0] = params
        adam = Adam([params], lr=self.lr)
        for t in range(1, self.max_iter + 1):
            # The rate falls from lr to 0 along half a cosine: the last steps settle
            # instead of bouncing around the minimum, as Adam at a fixed rate does.
            adam.lr = self.lr * 0.5 * (1 + np.cos(np.pi * (t - 1) / self.max_iter))
            adam.step([self._loss_and_gradient(params, x, y)[1]])
            steps[t] = params
        self.history_ = steps  # the parameters after each step, step 0 = the start
        return self

    @property
    def steps_(self) -> int:
        """How many Adam steps the training took."""
        return len(self.history_) - 1

    def predict(self, X: np.ndarray, step: int | None = None) -> np.ndarray:
        """Predictions after ``step`` steps (default: the last)."""
        params = self.history_[-1 if step is None else min(int(step), self.steps_)]
        w, b, v, c = self._unpack(params)
        return np.tanh(np.outer(_column(X), w) + b) @ v + c

    def error_curve(self, X: np.ndarray, y: np.ndarray, steps: np.ndarray | None = None) -> np.ndarray:
        """The mean squared error on ``(X, y)`` after each of ``steps`` (default: every step)."""
        steps = np.arange(self.steps_ + 1) if steps is None else np.asarray(steps, dtype=int)
        w, b, v, c = self._unpack(self.history_[steps])
        hidden = np.tanh(_column(X)[None, :, None] * w[:, None, :] + b[:, None, :])
        prediction = np.matmul(hidden, v[:, :, None])[..., 0] + c[:, None]
        return np.mean((prediction - np.asarray(y, dtype=float)) ** 2, axis=1)

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """R² on ``(X, y)``, as scikit-learn's regressors score."""
        return _r2(y, self.predict(X))

    def __repr__(self) -> str:
        return f"TinyNetwork(width={self.width}, weight_decay={self.weight_decay:g})"
