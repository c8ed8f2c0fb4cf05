"""The lecture's curve-fitting examples: small models fitted to a noisy curve.

Notebook 04 uses them to show what a batch size, an epoch, a learning rate and
the initial weights do: :func:`curve_network` is an :class:`course_utils.mlp.MLP`
of one hidden layer whose initial weights are scaled by one number, and
:func:`fit_curve` trains it with mini-batches, one shuffle per epoch
(:func:`epoch_orders`), recording every step. Notebook 06 uses two models whose
size is one number, to overfit and to cross-validate: :class:`PolynomialRegression`
and :class:`NetworkRegression` (an ``MLP`` again); :func:`model_mse` scores either.
The curves themselves are in :mod:`course_utils.data` (``curve_data``, ``noisy_sine``).
The networks' forward and backward passes are :class:`~course_utils.mlp.MLP`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mlp import MLP, train_epoch
from .optim import Adam, diverged, make_optimizer

__all__ = ["curve_network", "epoch_orders", "CurveRun", "fit_curve", "PolynomialRegression",
           "NetworkRegression", "model_mse"]


def curve_network(hidden: int = 16, scale: float = 1.0, seed: int = 0) -> MLP:
    """One input, a hidden layer of ``hidden`` tanh units, one output: ``MLP([1, hidden, 1])``.

    .. math::

        \\hat y = W^{(2)} \\tanh(W^{(1)} x + b^{(1)}) + b^{(2)}

    The initial weights are normal, ``scale`` times the usual size (1 over the
    square root of the number of inputs), the hidden biases too (so that the
    tanh bends spread over the inputs), the output bias 0: ``scale`` is the
    "initial value" knob of notebook 04.

    Examples
    --------
    >>> net = curve_network(hidden=4, seed=0)
    >>> [p.shape for p in net.parameters()]
    [(4, 1), (4,), (1, 4), (1,)]
    >>> net.forward(np.array([[0.0], [0.5]])).shape
    (2,)
    """
    net = MLP([1, hidden, 1], activation="tanh", output="identity")
    rng = np.random.default_rng(seed)
    net.weights[0] = scale * rng.normal(size=(hidden, 1))
    net.biases[0] = scale * rng.normal(size=hidden)
    net.weights[1] = scale * rng.normal(size=(1, hidden)) / np.sqrt(hidden)
    net.biases[1] = np.zeros(1)
    return net


def epoch_orders(n: int, epochs: int, seed: int = 0) -> np.ndarray:
    """The order the samples are visited in by :func:`fit_curve`, one shuffle per epoch: ``(epochs, n)``.

    The same permutations as :func:`course_utils.mlp.train_epoch` draws from
    ``numpy.random.default_rng(seed)``, for training the same way elsewhere (PyTorch).
    """
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n) for _ in range(epochs)]).reshape(epochs, n)


@dataclass
class CurveRun:
    """What :func:`fit_curve` went through."""

    batch_loss: np.ndarray  # the loss on each step's mini-batch, (steps,)
    epoch_loss: np.ndarray  # the loss on all the data, at the start and after each epoch
    steps_per_epoch: int
    diverged_at: int | None  # the step at which the loss blew up, or None


def fit_curve(net: MLP, x: np.ndarray, y: np.ndarray, *, batch_size: int, epochs: int, lr: float,
              optimizer: str = "SGD", seed: int = 0) -> CurveRun:
    """Train ``net`` (one input, one output) in place with mini-batches of ``batch_size`` samples.

    :func:`course_utils.mlp.train_epoch`, ``epochs`` times, recording the loss
    of every mini-batch and the loss on all the data after every epoch. An
    epoch is ``ceil(n / batch_size)`` steps, the samples shuffled once per epoch
    (:func:`epoch_orders`). Stops when the loss :func:`course_utils.optim.diverged`.
    """
    n = len(x)
    if not 1 <= batch_size <= n:
        raise ValueError(f"`batch_size` must be in [1, {n}], got {batch_size}")
    X, y = np.asarray(x, dtype=float)[:, None], np.asarray(y, dtype=float)
    opt = make_optimizer(optimizer, net.parameters(), lr)
    rng = np.random.default_rng(seed)
    batch_loss: list[float] = []
    epoch_loss = [net.loss_value(X, y)]
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            loss = train_epoch(net, X, y, opt, batch_size, rng, start_loss=epoch_loss[0],
                               batch_losses=batch_loss)
            if diverged(loss, epoch_loss[0]):
                return CurveRun(np.array(batch_loss), np.array(epoch_loss), -(-n // batch_size),
                                len(batch_loss))
            epoch_loss.append(net.loss_value(X, y))
    return CurveRun(np.array(batch_loss), np.array(epoch_loss), -(-n // batch_size), None)


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


def _views(flat: np.ndarray, params: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Views into ``flat`` shaped like ``[W(1), b(1), W(2), ...]``, as (weights, biases)."""
    views, start = [], 0
    for p in params:
        views.append(flat[start:start + p.size].reshape(p.shape))
        start += p.size
    return views[0::2], views[1::2]


class NetworkRegression:
    """One hidden layer of ``width`` tanh units and a linear output, trained by full-batch Adam.

    .. math:: \\hat y(x) = \\sum_{j=1}^{m} v_j \\tanh(w_j x + b_j) + c, \\qquad
              L = \\frac{1}{n}\\sum_i \\big(\\hat y(x_i) - y_i\\big)^2
                  + \\lambda \\big(\\lVert w\\rVert^2 + \\lVert v\\rVert^2\\big)

    The network is ``MLP([1, width, 1], activation="tanh", output="identity")``,
    trained by :class:`course_utils.optim.Adam`: ``max_iter`` steps on the whole
    training set, in float64, the rate falling from ``lr`` to 0 along half a
    cosine. Both are written out in ``fit`` for this one shape, with each
    layer's bias beside its weights (``[x, 1] @ [w; b]``) and Adam's bias
    corrections moved into the rate and ε (the reordering Kingma and Ba suggest
    at the end of section 2 of the Adam paper, ICLR 2015, to save work): 26
    NumPy calls a step, a quarter fewer than ``MLP.loss_and_gradients`` (with
    ``l2 = 2 λ``) and ``Adam.step`` make, without the Python around them, so a
    width-50 fit takes about 31 ms instead of 61 (the small-network demo of
    notebook 06 fits a network for each width a slider stops on). A test holds
    the first 300 steps to those of the ``MLP`` and ``Adam`` loop, within 1e-11
    of the largest parameter. Gradient descent whose steps shrink to zero,
    unlike a line-search method such as L-BFGS, makes no yes/no decisions and
    ends by settling, so the rounding of another CPU's arithmetic (about 1e-16
    a step) moved the fitted curve by at most about 1e-3 after 2,000 steps in
    the 120 configurations we tried under three OpenBLAS kernels, instead of
    sending the run elsewhere.
    The parameters after every step are kept, so ``predict(X, step=s)`` shows
    the network as it was after ``s`` steps (early stopping).

    Examples
    --------
    >>> from course_utils.data import noisy_sine
    >>> x, y = noisy_sine(20, noise=0.0)
    >>> net = NetworkRegression(width=10, max_iter=500).fit(x, y)
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

    def fit(self, X: np.ndarray, y: np.ndarray) -> NetworkRegression:
        x, y = _column(X), np.asarray(y, dtype=float)
        rng = np.random.default_rng(self.seed)
        m, n = self.width, len(x)  # the tanh kinks land at -b/w, spread over the data's range
        net = MLP([1, m, 1], activation="tanh", output="identity")
        net.weights[0] = rng.normal(0, 4.0, m)[:, None]
        net.biases[0] = rng.uniform(-4, 4, m)
        net.weights[1] = rng.normal(0, 1 / np.sqrt(m), m)[None, :]
        net.biases[1] = np.array([float(np.mean(y))])
        # One flat vector theta = [w, b, v, c] holds every parameter, and one every gradient; the
        # network's arrays are views into it: Adam updates all the numbers at once, a snapshot is one
        # copy. Each layer's weights and biases sit together: P1 = [w; b] (2 x m), P2 = [v; c].
        theta = self._theta = np.concatenate([p.ravel() for p in net.parameters()])
        gradient = np.empty_like(theta)
        net.weights, net.biases = _views(theta, net.parameters())
        self.net_ = net
        P1, P2, v = theta[:2 * m].reshape(2, m), theta[2 * m:].reshape(m + 1, 1), theta[2 * m:3 * m]
        G1, G2 = gradient[:2 * m].reshape(2, m), gradient[2 * m:].reshape(m + 1, 1)
        # the inputs with a column of ones, [x, 1], so that x w + b is one product; likewise [h, 1]
        X1 = np.column_stack([x, np.ones(n)])
        X1T = np.ascontiguousarray(X1.T)
        H1 = np.ones((n, m + 1))
        h, H1T = H1[:, :m], H1.T
        a, delta1, slope = np.empty((n, m)), np.empty((n, m)), np.empty((n, m))
        error, target = np.empty((n, 1)), y.reshape(-1, 1)
        decay = np.zeros_like(theta)  # 2 λ on the weights w and v, 0 on the biases
        decay[:m] = decay[2 * m:3 * m] = 2 * self.weight_decay
        adam = Adam([theta], lr=self.lr)  # for its constants: the update is written out below
        (beta1, beta2), eps = adam.betas, adam.eps
        mean, mean_sq = np.zeros_like(theta), np.zeros_like(theta)  # Adam's running means of g and g²
        step, denominator = np.empty_like(theta), np.empty_like(theta)
        steps = np.empty((self.max_iter + 1, theta.size))
        steps[0] = theta
        # The rate falls from lr to 0 along half a cosine: the last steps settle
        # instead of bouncing around the minimum, as Adam at a fixed rate does.
        rates = self.lr * 0.5 * (1 + np.cos(np.pi * np.arange(self.max_iter) / self.max_iter))
        dot, tanh, mul, add, sub = np.dot, np.tanh, np.multiply, np.add, np.subtract
        scale = 2.0 / n
        for t, rate in enumerate(rates.tolist(), start=1):
            # forward: h = tanh(x w + b), prediction = h v + c
            dot(X1, P1, out=a)
            tanh(a, out=h)
            dot(H1, P2, out=error)
            sub(error, target, out=error)
            mul(error, scale, out=error)  # delta2 = dL/d(prediction) = 2 (prediction - y) / n
            # backward: [dL/dv; dL/dc] = [h, 1]^T delta2, delta1 = delta2 v * (1 - h²), [dL/dw; dL/db] = [x, 1]^T delta1
            dot(H1T, error, out=G2)
            mul(error, v, out=delta1)
            mul(h, h, out=slope)
            sub(1.0, slope, out=slope)
            mul(delta1, slope, out=delta1)
            dot(X1T, delta1, out=G1)
            if self.weight_decay:  # + 2 λ w and 2 λ v
                mul(decay, theta, out=step)
                add(gradient, step, out=gradient)
            # Adam (optim.Adam's equations, with its bias corrections moved into the rate and ε, as
            # Kingma and Ba's paper suggests, end of section 2), for the gradient g:
            # mean += (1 - β1)(g - mean), mean_sq += (1 - β2)(g² - mean_sq),
            # theta -= rate √(1 - β2^t) / (1 - β1^t) · mean / (√mean_sq + ε √(1 - β2^t))
            sub(gradient, mean, out=step)
            mul(step, 1 - beta1, out=step)
            add(mean, step, out=mean)
            mul(gradient, gradient, out=step)
            sub(step, mean_sq, out=step)
            mul(step, 1 - beta2, out=step)
            add(mean_sq, step, out=mean_sq)
            root2 = (1 - beta2 ** t) ** 0.5
            np.sqrt(mean_sq, out=denominator)
            add(denominator, eps * root2, out=denominator)
            np.divide(mean, denominator, out=step)
            mul(step, rate * root2 / (1 - beta1 ** t), out=step)
            sub(theta, step, out=theta)
            steps[t] = theta
        self.history_ = steps  # the parameters after each step, step 0 = the start
        return self

    @property
    def steps_(self) -> int:
        """How many Adam steps the training took."""
        return len(self.history_) - 1

    def _network_at(self, step: int | None) -> MLP:
        """The trained network with its parameters as they were after ``step`` steps."""
        self._theta[...] = self.history_[-1 if step is None else min(int(step), self.steps_)]
        return self.net_

    def predict(self, X: np.ndarray, step: int | None = None) -> np.ndarray:
        """Predictions after ``step`` steps (default: the last)."""
        return self._network_at(step).forward(_column(X)[:, None])

    def error_curve(self, X: np.ndarray, y: np.ndarray, steps: np.ndarray | None = None) -> np.ndarray:
        """The mean squared error on ``(X, y)`` after each of ``steps`` (default: every step)."""
        steps = np.arange(self.steps_ + 1) if steps is None else np.asarray(steps, dtype=int)
        X, y = _column(X)[:, None], np.asarray(y, dtype=float)
        errors = np.array([self._network_at(s).loss_value(X, y) for s in steps])
        self._network_at(None)
        return errors

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """R² on ``(X, y)``, as scikit-learn's regressors score."""
        return _r2(y, self.predict(X))

    def __repr__(self) -> str:
        return f"NetworkRegression(width={self.width}, weight_decay={self.weight_decay:g})"
