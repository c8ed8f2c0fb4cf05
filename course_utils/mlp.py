"""A deep neural network (multilayer perceptron) in NumPy, with backpropagation written out.

The lecture's "Deep Neural Networks (DNN)" slide, line for line. With
:math:`\\mathbf h^{(0)} = \\mathbf x` and layers :math:`k = 1, \\dots, L + 1`:

.. math::

    \\mathbf a^{(k)} = \\mathbf b^{(k)} + \\mathbf W^{(k)} \\mathbf h^{(k-1)}
    \\qquad \\text{(pre-activation)}

    \\mathbf h^{(k)} = \\mathbf g(\\mathbf a^{(k)}) \\quad (k \\le L), \\qquad
    \\mathbf f(\\mathbf x) = \\mathbf h^{(L+1)} = \\mathbf o(\\mathbf a^{(L+1)})

``W(k)`` has shape ``(n_k, n_{k-1})``, the lecture's orientation. The code
works on a whole batch at once: each row of ``X`` is one example, so the
pre-activations of the batch are ``H @ W.T + b``.

**Backpropagation** ("measure how small changes in weights affect the output")
runs the chain rule from the loss back to every weight. With
:math:`\\boldsymbol\\delta^{(k)} = \\partial L / \\partial \\mathbf a^{(k)}`:

.. math::

    \\frac{\\partial L}{\\partial \\mathbf W^{(k)}} = \\boldsymbol\\delta^{(k)}\\,\\mathbf h^{(k-1)\\top},
    \\qquad
    \\frac{\\partial L}{\\partial \\mathbf b^{(k)}} = \\boldsymbol\\delta^{(k)},
    \\qquad
    \\boldsymbol\\delta^{(k-1)} = \\left(\\mathbf W^{(k)\\top} \\boldsymbol\\delta^{(k)}\\right)
    \\odot \\mathbf g'(\\mathbf a^{(k-1)})

summed over the examples of the batch. ``tests/test_mlp.py`` checks every
gradient against PyTorch's autograd and against finite differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._validate import as_float_array

__all__ = ["MLP", "HIDDEN_ACTIVATIONS", "OUTPUTS", "LOSSES", "train_epoch", "fit"]


# -- activations, as (g(a), g'(a) written with h = g(a)) -------------------------------------------
def _sigmoid(a: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    """1 / (1 + e^-a), without overflow: e^-|a| never exceeds 1 (pass ``e`` if you have it)."""
    e = np.exp(-np.abs(a)) if e is None else e
    return np.where(a >= 0, 1.0, e) / (1.0 + e)  # 1 / (1 + e^-a) for a >= 0, e^a / (1 + e^a) below


def _normal_cdf(a: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # imported here: scipy takes ~0.4 s to import

    return 0.5 * (1.0 + erf(a / np.sqrt(2.0)))


#: Hidden-layer activations ``g``: the function, and its derivative ``g'(a)`` written with both the
#: pre-activation ``a`` and the output ``h = g(a)`` at hand (``1 - h²`` for tanh is cheaper than from
#: ``a``; GELU's needs ``a``). The same functions as :data:`course_utils.activations.ACTIVATIONS`,
#: without their argument checks (a training loop calls them thousands of times).
HIDDEN_ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray],
                                    Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, h: (h > 0).astype(h.dtype)),  # g'(0) = 0, as PyTorch
    "tanh": (np.tanh, lambda a, h: 1.0 - h * h),
    "sigmoid": (_sigmoid, lambda a, h: h * (1.0 - h)),
    "identity": (lambda a: a, lambda a, h: np.ones_like(h)),
    "leaky_relu": (lambda a: np.where(a > 0, a, 0.01 * a), lambda a, h: np.where(a > 0, 1.0, 0.01)),
    "gelu": (lambda a: a * _normal_cdf(a),
             lambda a, h: _normal_cdf(a) + a * np.exp(-0.5 * a * a) / np.sqrt(2.0 * np.pi)),
}

#: Output activations ``o`` and the loss each uses by default.
OUTPUTS = {"sigmoid": "cross_entropy", "softmax": "cross_entropy", "identity": "squared"}
#: Losses: the cross-entropy for classification, the (mean) squared error for regression.
LOSSES = ("cross_entropy", "squared")


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max(axis=1, keepdims=True))  # subtracting the max: no overflow
    return e / e.sum(axis=1, keepdims=True)


def _log_softmax(a: np.ndarray) -> np.ndarray:
    shifted = a - a.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _softplus(a: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    """log(1 + e^a), computed without overflow (``e`` = e^-|a|, if you have it)."""
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)) if e is None else e)


def _views(vector: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """Consecutive pieces of a flat ``vector``, each reshaped (a view: no copy), one per shape.

    >>> [v.tolist() for v in _views(np.arange(6.0), [(2, 2), (2,)])]
    [[[0.0, 1.0], [2.0, 3.0]], [4.0, 5.0]]
    """
    views, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(vector[start:start + size].reshape(shape))
        start += size
    return views


def _mean(a: np.ndarray) -> np.floating:
    """``np.mean(a)``, the same sum and division, without its Python overhead (training's hot path)."""
    return np.add.reduce(a, axis=None) / a.size


class MLP:
    """A fully connected network: ``layer_sizes[0]`` inputs, hidden layers, an output layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_{L+1}]``: the number of inputs, of neurons in each
        hidden layer, and of outputs; e.g. ``[2, 8, 8, 1]``. No hidden layer
        (``[2, 1]``) is a single neuron.
    activation : str or list of str, default "relu"
        The hidden layers' activation ``g``: ``"relu"``, ``"tanh"``,
        ``"sigmoid"``, ``"identity"``, ``"leaky_relu"`` (slope 0.01) or
        ``"gelu"``, or a list with one per hidden layer.
    output : {"sigmoid", "softmax", "identity"}, default "sigmoid"
        The output activation ``o`` and the task: ``"sigmoid"`` for two classes
        (one output, labels 0/1, binary cross-entropy), ``"softmax"`` for
        ``n_{L+1}`` classes (integer labels, cross-entropy), ``"identity"`` for
        regression (mean squared error).
    seed : int, default 0
        Seed of the initial weights: He normal (std :math:`\\sqrt{2/n_{k-1}}`)
        into ReLU layers, Glorot normal (std :math:`\\sqrt{2/(n_{k-1}+n_k)}`)
        otherwise; biases 0.
    loss : {"cross_entropy", "squared"}, optional
        Overrides the output's default loss: the squared error of the
        probabilities, as TensorFlow Playground uses, instead of the
        cross-entropy. Regression always uses the squared error.

    Attributes
    ----------
    weights : list of ndarray
        ``W(k)`` of shape ``(n_k, n_{k-1})``, for k = 1 ... L+1.
    biases : list of ndarray
        ``b(k)`` of shape ``(n_k,)``. Both lists hold arrays that may be
        replaced (keep the shapes).
    theta : ndarray of shape (n_parameters,)
        Every weight and bias in one vector, :math:`\\theta = [\\mathbf W^{(1)},
        \\mathbf b^{(1)}, \\mathbf W^{(2)}, \\dots]`, each matrix row by row: the
        arrays of ``weights`` and ``biases`` are views into it, so changing
        one changes the other (an array put in their place is not).
    grad : ndarray of shape (n_parameters,)
        The gradient :math:`\\partial L / \\partial \\theta` of :func:`train_epoch`'s
        last step, laid out as ``theta``.
    activations : list of str
        The activation of each hidden layer.

    Examples
    --------
    >>> net = MLP([2, 3, 1], activation="tanh", seed=0)
    >>> [W.shape for W in net.weights], [b.shape for b in net.biases]
    ([(3, 2), (1, 3)], [(3,), (1,)])
    >>> net.n_parameters
    13
    >>> net.forward(np.array([[0.5, -1.0], [2.0, 0.0]])).round(3)
    array([0.597, 0.708])
    >>> net.theta[:6] = 0.0  # W(1), the first 3 x 2 numbers of theta
    >>> net.weights[0]
    array([[0., 0.],
           [0., 0.],
           [0., 0.]])
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str | Sequence[str] = "relu",
                 output: str = "sigmoid", seed: int = 0, loss: str | None = None) -> None:
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"`layer_sizes` must be a list of integers such as [2, 8, 8, 1], "
                            f"got {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(f"`layer_sizes` needs at least an input and an output size, got {list(layer_sizes)}")
        for i, n in enumerate(layer_sizes):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"`layer_sizes[{i}]` must be an integer >= 1, got {n!r}")
        self.layer_sizes = [int(n) for n in layer_sizes]
        n_hidden = len(self.layer_sizes) - 2

        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"`activation` must be one name or a list of {n_hidden} (one per hidden "
                             f"layer), got {len(names)}")
        for name in names:
            if name not in HIDDEN_ACTIVATIONS:
                raise ValueError(f"`activation` must be one of {sorted(HIDDEN_ACTIVATIONS)}, got {name!r}")
        self.activations = names

        if output not in OUTPUTS:
            raise ValueError(f"`output` must be one of {sorted(OUTPUTS)}, got {output!r}")
        if output == "sigmoid" and self.layer_sizes[-1] != 1:
            raise ValueError(f"`output`='sigmoid' needs one output neuron (layer_sizes[-1] = 1), got "
                             f"{self.layer_sizes[-1]}; use 'softmax' for several classes")
        if output == "softmax" and self.layer_sizes[-1] < 2:
            raise ValueError("`output`='softmax' needs at least 2 outputs (one per class), got 1; "
                             "use 'sigmoid' for two classes with one output")
        self.output = output
        loss = OUTPUTS[output] if loss is None else loss
        if loss not in LOSSES:
            raise ValueError(f"`loss` must be one of {list(LOSSES)}, got {loss!r}")
        if output == "identity" and loss != "squared":
            raise ValueError("`loss`='cross_entropy' needs probabilities; a regression ('identity') "
                             "output uses loss='squared'")
        self.loss = loss

        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
        rng = np.random.default_rng(int(seed))
        # Every weight and bias is a view into one flat vector theta = [W(1), b(1), W(2), ...], and
        # every gradient that training computes a view into a second one, grad: an optimizer then
        # updates all the numbers with a few NumPy calls on one array, not a loop over the layers.
        shapes = [shape for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
                  for shape in ((n_out, n_in), (n_out,))]
        self.theta = np.zeros(sum(int(np.prod(shape)) for shape in shapes))
        self.grad = np.zeros_like(self.theta)
        params = _views(self.theta, shapes)
        self.weights: list[np.ndarray] = params[0::2]
        self.biases: list[np.ndarray] = params[1::2]  # zeros
        self._grads = _views(self.grad, shapes)
        for k, (W, n_in, n_out) in enumerate(zip(self.weights, self.layer_sizes[:-1], self.layer_sizes[1:])):
            relu_next = k < n_hidden and self.activations[k] == "relu"
            std = np.sqrt(2.0 / n_in) if relu_next else np.sqrt(2.0 / (n_in + n_out))
            W[...] = rng.normal(0.0, std, size=(n_out, n_in))

    # -- the pieces ----------------------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        """How many numbers the network learns: every weight and every bias."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def parameters(self) -> list[np.ndarray]:
        """``[W(1), b(1), W(2), b(2), ...]``: the arrays an optimizer updates in place.

        As built, they are views into :attr:`theta`, one after the other.
        """
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def _gradient_arrays(self) -> list[np.ndarray]:
        """Views into :attr:`grad` shaped like :meth:`parameters`, for ``loss_and_gradients(out=...)``.

        New arrays instead if weights were replaced by arrays of other shapes.
        """
        shapes = [p.shape for p in self.parameters()]
        if [g.shape for g in self._grads] != shapes:
            return [np.empty(shape) for shape in shapes]
        return self._grads

    def __repr__(self) -> str:
        return (f"MLP({self.layer_sizes}, activation={self.activations}, output={self.output!r}, "
                f"loss={self.loss!r})")

    # -- forward ---------------------------------------------------------------------------------
    def _check_X(self, X: Any) -> np.ndarray:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"`X` must have {self.layer_sizes[0]} features (columns), the network's "
                             f"input size layer_sizes[0], got shape {X.shape}")
        return X

    def _forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every layer's activation ``H = [h(0) = X, ..., h(L)]`` and pre-activation ``A = [a(1), ..., a(L+1)]``.

        No checks: the fast path that training uses.
        """
        H, A = [X], []
        # np.dot rather than @: the same numbers to the last bit, and about 0.4 µs less per product
        # on arrays this small, where a call's overhead costs more than its arithmetic
        for W, b, name in zip(self.weights, self.biases, self.activations):
            A.append(np.dot(H[-1], W.T) + b)  # a(k) = b(k) + W(k) h(k-1), one row per example
            H.append(HIDDEN_ACTIVATIONS[name][0](A[-1]))  # h(k) = g(a(k))
        A.append(np.dot(H[-1], self.weights[-1].T) + self.biases[-1])  # a(L+1)
        return H, A

    def forward_pass(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The forward pass, kept for backpropagation: ``H = [h(0) = X, ..., h(L)]``, ``A = [a(1), ..., a(L+1)]``.

        What notebook 03's exercise builds by hand; :meth:`backward_pass` takes it on.

        Examples
        --------
        >>> H, A = MLP([2, 3, 1], seed=0).forward_pass(np.ones((4, 2)))
        >>> [h.shape for h in H], [a.shape for a in A]
        ([(4, 2), (4, 3)], [(4, 3), (4, 1)])
        """
        return self._forward(self._check_X(X))

    def backward_pass(self, H: list[np.ndarray], A: list[np.ndarray],
                      delta_out: np.ndarray) -> list[np.ndarray]:
        """Backpropagation: ``[δ(1), ..., δ(L+1)]``, :math:`\\boldsymbol\\delta^{(k)} = \\partial L / \\partial \\mathbf a^{(k)}`.

        From :meth:`forward_pass`'s lists and :math:`\\boldsymbol\\delta^{(L+1)}` =
        ``delta_out`` (shape of ``A[-1]``), for any loss whose gradient with
        respect to the output pre-activation you have, by
        :math:`\\boldsymbol\\delta^{(k-1)} = (\\mathbf W^{(k)\\top} \\boldsymbol\\delta^{(k)}) \\odot \\mathbf g'(\\mathbf a^{(k-1)})`.

        Examples
        --------
        >>> net = MLP([2, 3, 1], activation="tanh", output="identity", seed=0)
        >>> H, A = net.forward_pass(np.ones((4, 2)))
        >>> [d.shape for d in net.backward_pass(H, A, np.ones((4, 1)))]
        [(4, 3), (4, 1)]
        """
        deltas = [np.asarray(delta_out, dtype=float)]
        for k in range(len(self.weights) - 1, 0, -1):  # delta(k-1) = (W(k)^T delta(k)) * g'(a(k-1))
            g_prime = HIDDEN_ACTIVATIONS[self.activations[k - 1]][1]
            deltas.append(np.dot(deltas[-1], self.weights[k]) * g_prime(A[k - 1], H[k]))
        return deltas[::-1]

    def _output(self, a_out: np.ndarray) -> np.ndarray:
        """f(x) = o(a(L+1)); one output (sigmoid or regression) as shape (n_samples,)."""
        if self.output == "sigmoid":
            return _sigmoid(a_out[:, 0])
        if self.output == "softmax":
            return _softmax(a_out)
        return a_out[:, 0] if a_out.shape[1] == 1 else a_out

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The network's output :math:`f(\\mathbf x)` for every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray
            Probabilities of class 1, shape ``(n_samples,)``, for a sigmoid output;
            class probabilities ``(n_samples, n_classes)`` for softmax; values for
            regression, ``(n_samples,)`` with one output, else ``(n_samples, n_outputs)``.
        """
        return self._output(self._forward(self._check_X(X))[1][-1])

    def hidden(self, X: np.ndarray) -> list[np.ndarray]:
        """The activations of every hidden layer, ``[h(1), ..., h(L)]``.

        ``h(k)`` has shape ``(n_samples, n_k)``: column ``j`` is what neuron ``j``
        of hidden layer ``k`` outputs for each example. An empty list when the
        network has no hidden layer; the output is :meth:`forward`.
        """
        return self._forward(self._check_X(X))[0][1:]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels (0/1 for sigmoid, the most probable class for softmax), or values (regression)."""
        out = self.forward(X)
        if self.output == "sigmoid":
            return (out >= 0.5).astype(np.int64)
        if self.output == "softmax":
            return out.argmax(axis=1)
        return out

    # -- loss and backpropagation ------------------------------------------------------------------
    def _check_y(self, y: Any, n_samples: int) -> np.ndarray:
        y = as_float_array(y, "y", allow_empty=True)
        n_out = self.layer_sizes[-1]
        if self.output == "identity" and n_out > 1:
            expected = (n_samples, n_out)
        else:
            expected = (n_samples,)
        if y.shape != expected:
            raise ValueError(f"`y` must be of shape {expected} (one label per row of `X`), got {y.shape}")
        if self.output == "sigmoid" and np.any((y < 0) | (y > 1)):
            raise ValueError(f"`y` must hold labels 0 or 1 for a sigmoid output, got values from "
                             f"{y.min():g} to {y.max():g}")
        if self.output == "softmax":
            if np.any((y < 0) | (y >= n_out) | (y != np.round(y))):
                raise ValueError(f"`y` must hold integer class labels 0 to {n_out - 1} for a softmax "
                                 f"output with {n_out} outputs, got values from {y.min():g} to {y.max():g}")
            return y.astype(np.int64)
        return y

    def _loss_and_delta(self, a_out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """The mean loss and delta(L+1) = dL/da(L+1), the start of backpropagation."""
        n = a_out.shape[0]
        if self.output == "sigmoid":
            z = a_out[:, 0]
            e = np.exp(-np.abs(z))  # both the sigmoid and the softplus need it
            p = _sigmoid(z, e)
            if self.loss == "cross_entropy":  # -[y log p + (1-y) log(1-p)] = softplus(z) - y z
                loss = _mean(_softplus(z, e) - y * z)
                delta = (p - y) / n
            else:  # (p - y)², through the sigmoid: dp/dz = p (1 - p)
                loss = _mean((p - y) ** 2)
                delta = 2.0 * (p - y) * p * (1.0 - p) / n
            return float(loss), delta[:, None]
        if self.output == "softmax":
            P = _softmax(a_out)
            rows = np.arange(n)
            if self.loss == "cross_entropy":  # -log P[y]
                loss = -_mean(_log_softmax(a_out)[rows, y])
                delta = P.copy()
                delta[rows, y] -= 1.0  # P - one_hot(y)
                return float(loss), delta / n
            one_hot = np.zeros_like(P)
            one_hot[rows, y] = 1.0
            loss = _mean((P - one_hot) ** 2)
            dP = 2.0 * (P - one_hot) / P.size
            return float(loss), P * (dP - np.sum(dP * P, axis=1, keepdims=True))  # softmax's Jacobian
        error = a_out - y.reshape(a_out.shape)
        return float(_mean(error * error)), 2.0 * error / error.size

    def _backward(self, H: list[np.ndarray], A: list[np.ndarray], delta: np.ndarray,
                  out: list[np.ndarray] | None = None) -> list[np.ndarray]:
        """``[dL/dW(1), dL/db(1), dL/dW(2), ...]`` (the order of :meth:`parameters`), from delta(L+1)
        back to layer 1; written into ``out``'s arrays if given."""
        deltas = self.backward_pass(H, A, delta)
        out = out or [None] * (2 * len(deltas))
        grads = []
        for d, h, dW, db in zip(deltas, H, out[0::2], out[1::2]):
            # dL/dW(k) = delta(k) h(k-1)^T and dL/db(k) = delta(k), each summed over the batch
            grads += [np.dot(d.T, h, out=dW), np.add.reduce(d, axis=0, out=db)]
        return grads

    def _penalty(self, l1: float, l2: float) -> float:
        total = 0.0
        if l1:
            total += l1 * sum([np.abs(W).sum() for W in self.weights])
        if l2:
            total += 0.5 * l2 * sum([(W * W).sum() for W in self.weights])
        return float(total)

    def _gradients(self, X: np.ndarray, y: np.ndarray, l1: float = 0.0, l2: float = 0.0,
                   out: list[np.ndarray] | None = None,
                   penalty: bool = True) -> tuple[float, list[np.ndarray]]:
        """:meth:`loss_and_gradients`: the loss and ``[dW(1), db(1), ...]``, without checks."""
        H, A = self._forward(X)
        loss, delta = self._loss_and_delta(A[-1], y)
        grads = self._backward(H, A, delta, out)
        if l1 or l2:
            if penalty:
                loss += self._penalty(l1, l2)
            for W, dW in zip(self.weights, grads[0::2]):
                if l1:
                    np.add(dW, l1 * np.sign(W), out=dW)
                if l2:
                    np.add(dW, l2 * W, out=dW)
        return loss, grads

    def gradients(self, X: np.ndarray, y: np.ndarray, l1: float = 0.0,
                  l2: float = 0.0) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """The mean loss over ``(X, y)`` and its gradient for every weight and bias, by backpropagation.

        .. math::

            L = \\frac1n \\sum_i \\ell(f(\\mathbf x_i), y_i)
                + \\lambda_1 \\sum_k \\lVert \\mathbf W^{(k)} \\rVert_1
                + \\frac{\\lambda_2}{2} \\sum_k \\lVert \\mathbf W^{(k)} \\rVert_2^2

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like
            Labels 0/1 (sigmoid), integer classes (softmax), or targets
            (regression, shaped like :meth:`forward`'s output).
        l1, l2 : float, default 0
            L1 and L2 regularisation rates :math:`\\lambda_1, \\lambda_2` (on the
            weights, not the biases).

        Returns
        -------
        loss : float
        dW : list of ndarray
            :math:`\\partial L / \\partial \\mathbf W^{(k)}`, each shaped like ``W(k)``.
        db : list of ndarray
            :math:`\\partial L / \\partial \\mathbf b^{(k)}`, each shaped like ``b(k)``.

        Examples
        --------
        >>> net = MLP([2, 2, 1], activation="tanh", seed=1)
        >>> loss, dW, db = net.gradients(np.array([[1.0, 2.0]]), np.array([1.0]))
        >>> round(loss, 4), [g.shape for g in dW]
        (0.5463, [(2, 2), (1, 2)])
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        if X.shape[0] == 0:
            raise ValueError("`X` must hold at least one example")
        for name, rate in (("l1", l1), ("l2", l2)):
            if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(rate) or rate < 0:
                raise ValueError(f"`{name}` must be a number >= 0, got {rate!r}")
        loss, grads = self._gradients(X, y, float(l1), float(l2))
        return loss, grads[0::2], grads[1::2]

    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray, l1: float = 0.0, l2: float = 0.0,
                           out: list[np.ndarray] | None = None,
                           penalty: bool = True) -> tuple[float, list[np.ndarray]]:
        """The loss and its gradients in the order of :meth:`parameters`: what an optimizer's ``step`` takes.

        :meth:`gradients` without its checks, for training loops that checked
        ``X`` and ``y`` once (as :func:`fit` does) and take thousands of steps.
        With ``out`` (arrays shaped like :meth:`parameters`, for instance views
        into one flat vector) the gradients are written there, as NumPy's
        ``out=`` does, instead of into new arrays. With ``penalty=False`` the
        loss leaves out the regularisation term (the gradients still have it):
        for a loop that only wants the gradients, the term's value is wasted work.

        Examples
        --------
        >>> net = MLP([2, 2, 1], activation="tanh", seed=1)
        >>> loss, grads = net.loss_and_gradients(np.array([[1.0, 2.0]]), np.array([1.0]))
        >>> round(loss, 4), [g.shape for g in grads]
        (0.5463, [(2, 2), (2,), (1, 2), (1,)])
        """
        return self._gradients(X, y, l1, l2, out, penalty)

    def to_torch(self):
        """The same network in PyTorch (float64), with the same weights: ``nn.Sequential`` of
        ``Linear`` layers and activation modules, the output activation left out (PyTorch's
        losses take the pre-activation: ``BCEWithLogitsLoss``, ``CrossEntropyLoss``).

        Examples
        --------
        >>> import torch
        >>> net = MLP([2, 3, 1], activation="tanh", output="identity", seed=0)
        >>> X = np.array([[0.5, -1.0], [2.0, 0.0]])
        >>> bool(np.allclose(net.to_torch()(torch.from_numpy(X))[:, 0].detach().numpy(), net.forward(X)))
        True
        """
        import torch

        modules = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                   "identity": torch.nn.Identity, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
                   "gelu": torch.nn.GELU}
        layers: list = []
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            linear = torch.nn.Linear(W.shape[1], W.shape[0]).double()
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            if k < len(self.activations):
                layers.append(modules[self.activations[k]]())
        return torch.nn.Sequential(*layers)

    def loss_value(self, X: np.ndarray, y: np.ndarray) -> float:
        """The mean loss (no regularisation) of the network on ``(X, y)``."""
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        return self._loss_and_delta(self._forward(X)[1][-1], y)[0]


# -- training ------------------------------------------------------------------------------------
def train_epoch(net: MLP, X: np.ndarray, y: np.ndarray, optimizer: Any, batch_size: int = 32,
                rng: np.random.Generator | None = None, l1: float = 0.0, l2: float = 0.0,
                *, start_loss: float = np.inf, batch_losses: list[float] | None = None) -> float:
    """One epoch of minibatch training: shuffle, then one optimizer step per batch.

    Parameters
    ----------
    net : MLP
    X, y : arrays
        Training data, already checked (see :meth:`MLP.gradients`).
    optimizer : object with ``step(grads)``
        Built on ``net.parameters()``, e.g. ``course_utils.optim.SGD(net.parameters(), lr=0.1)``;
        ``grads`` come in the same order, ``[dW(1), db(1), dW(2), ...]``: views into
        ``net.grad``, overwritten by the next step (copy them to keep them).
    batch_size : int, default 32
        Examples per step; the last batch of an epoch may be smaller.
    rng : numpy.random.Generator, optional
        Shuffles the examples (one ``rng.permutation`` per epoch); ``None`` keeps their order.
    l1, l2 : float
        Regularisation rates, as in :meth:`MLP.gradients`.
    start_loss : float, default inf
        The loss the run started from: a batch whose loss has
        :func:`course_utils.optim.diverged` from it ends the epoch before its
        step. With the default only a loss that is not finite does.
    batch_losses : list, optional
        Each step's mini-batch loss is appended to it.

    Returns
    -------
    float
        The mean of the batches' losses, or the loss that diverged.
    """
    from .optim import diverged

    n = len(X)
    if rng is not None:  # shuffled once, then each batch is a slice (a view, no copy)
        order = rng.permutation(n)
        X, y = X[order], y[order]
    losses = [] if batch_losses is None else batch_losses
    first = len(losses)
    grads = net._gradient_arrays()  # views into net.grad: each step overwrites the last's gradients
    for start in range(0, n, batch_size):
        loss, grads = net.loss_and_gradients(X[start:start + batch_size], y[start:start + batch_size],
                                             l1, l2, out=grads)
        if diverged(loss, start_loss):
            return float(loss)
        optimizer.step(grads)
        losses.append(loss)
    return float(np.mean(losses[first:]))


def fit(net: MLP, X: np.ndarray, y: np.ndarray, epochs: int = 10, batch_size: int = 32,
        optimizer: Any = None, lr: float = 0.01, seed: int = 0) -> list[float]:
    """Train ``net`` for some epochs of minibatch gradient descent; return each epoch's mean loss.

    Stops early when the loss :func:`course_utils.optim.diverged` (the last
    entry is then the loss that did).

    Parameters
    ----------
    optimizer : object with ``step(grads)``, optional
        Built on ``net.parameters()``; by default ``course_utils.optim.Adam`` with rate ``lr``.
    seed : int
        Seed of the shuffling.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> net = MLP([2, 4, 1], activation="tanh", seed=0)
    >>> history = fit(net, X, np.array([0, 1, 1, 0]), epochs=300, batch_size=4, lr=0.05)
    >>> net.predict(X).tolist()  # XOR
    [0, 1, 1, 0]
    """
    X = net._check_X(X)
    y = net._check_y(y, X.shape[0])
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"`epochs` must be an integer >= 1, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"`batch_size` must be an integer >= 1, got {batch_size!r}")
    if optimizer is None:
        from .optim import Adam

        optimizer = Adam(net.parameters(), lr=lr)
    held = getattr(optimizer, "params", None)
    if held is not None and (len(held) != len(net.parameters())
                             or any(p is not q for p, q in zip(held, net.parameters()))):
        raise ValueError("`optimizer` holds other arrays than net.parameters(): build it after "
                         "replacing any weights, e.g. Adam(net.parameters(), lr)")
    from .optim import diverged

    rng = np.random.default_rng(seed)
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        start = net.loss_value(X, y)
        for _ in range(epochs):
            history.append(train_epoch(net, X, y, optimizer, batch_size, rng, start_loss=start))
            if diverged(history[-1], start):
                break
    return history
