"""The first artificial neurons: McCulloch and Pitts' threshold unit (1943), Rosenblatt's perceptron (1958).

A McCulloch-Pitts unit adds up binary inputs and fires when the sum reaches a
threshold; the threshold alone makes it an AND or an OR gate. Rosenblatt's
perceptron has real-valued weights and *learns* them from labelled examples,
one mistake at a time. Both draw a straight line through the input space, so
neither can compute XOR.

Labels of the perceptron are the signs :math:`y \\in \\{-1, +1\\}` (labels
``{0, 1}`` are accepted and read as ``{-1, +1}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from ._validate import as_float_array, positive

__all__ = [
    "truth_table", "mcculloch_pitts", "gate_name", "gate_data", "as_signs",
    "perceptron_predict", "perceptron_loss", "perceptron_update", "train_perceptron",
    "PerceptronRun", "linearly_separable",
]

#: The name of each Boolean function of two inputs, by its outputs on the
#: rows (x1, x2) = (0, 0), (0, 1), (1, 0), (1, 1) of :func:`truth_table`.
GATE_NAMES = {
    (0, 0, 0, 0): "FALSE", (1, 1, 1, 1): "TRUE",
    (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR", (1, 1, 1, 0): "NAND", (1, 0, 0, 0): "NOR",
    (0, 1, 1, 0): "XOR", (1, 0, 0, 1): "XNOR",
    (0, 0, 1, 1): "x₁", (0, 1, 0, 1): "x₂", (1, 1, 0, 0): "NOT x₁", (1, 0, 1, 0): "NOT x₂",
    (0, 0, 1, 0): "x₁ AND NOT x₂", (0, 1, 0, 0): "NOT x₁ AND x₂",
    (1, 0, 1, 1): "x₁ OR NOT x₂", (1, 1, 0, 1): "NOT x₁ OR x₂",
}


def truth_table(n_inputs: int = 2) -> np.ndarray:
    """Every combination of ``n_inputs`` binary inputs, one per row, in counting order.

    Examples
    --------
    >>> truth_table(2).tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    positive(n_inputs, "n_inputs", integer=True)
    return np.array(list(product((0, 1), repeat=n_inputs)), dtype=int)


def mcculloch_pitts(x, threshold: float, inhibitory=None) -> np.ndarray:
    """The McCulloch-Pitts neuron (1943): fire when enough excitatory inputs are on and no inhibitory one is.

    .. math::

        y = \\begin{cases} 1 & \\text{if } \\sum_{i \\in E} x_i \\ge \\theta
            \\text{ and } x_j = 0 \\text{ for every } j \\in I,\\\\
            0 & \\text{otherwise,} \\end{cases}

    with binary inputs :math:`x_i \\in \\{0, 1\\}`, the excitatory inputs
    :math:`E`, the inhibitory inputs :math:`I` (one active inhibitory input
    vetoes firing, as in the 1943 paper) and the threshold :math:`\\theta`.
    Every excitatory input counts with weight 1; the threshold alone decides
    the gate: with two inputs, :math:`\\theta = 2` is AND and :math:`\\theta = 1`
    is OR; one inhibitory input and :math:`\\theta = 0` is NOT.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_inputs) or (n_inputs,)
        Binary inputs, 0 or 1.
    threshold : float
        :math:`\\theta`, the number of active excitatory inputs needed to fire.
    inhibitory : array-like of bool of shape (n_inputs,), optional
        Which inputs are inhibitory (default: none).

    Returns
    -------
    ndarray of int of shape (n_samples,), or an int for a single input row
        1 where the unit fires, else 0.

    Examples
    --------
    >>> x = truth_table(2)
    >>> mcculloch_pitts(x, threshold=2).tolist()  # AND
    [0, 0, 0, 1]
    >>> mcculloch_pitts(x, threshold=1).tolist()  # OR
    [0, 1, 1, 1]
    >>> mcculloch_pitts([[0], [1]], threshold=0, inhibitory=[True]).tolist()  # NOT
    [1, 0]
    """
    arr = as_float_array(x, "x")
    single = arr.ndim == 1
    rows = arr.reshape(1, -1) if single else arr
    if rows.ndim != 2:
        raise ValueError(f"`x` must be of shape (n_samples, n_inputs), got {arr.shape}")
    if not np.isin(rows, (0.0, 1.0)).all():
        raise ValueError("`x` must hold binary inputs, 0 or 1")
    theta = float(as_float_array(threshold, "threshold", ndim=0))
    if inhibitory is None:
        mask = np.zeros(rows.shape[1], dtype=bool)
    else:
        mask = np.asarray(inhibitory)
        if mask.dtype != bool or mask.shape != (rows.shape[1],):
            raise ValueError(f"`inhibitory` must be {rows.shape[1]} booleans (one per input), "
                             f"got {inhibitory!r}")
    excitation = rows[:, ~mask].sum(axis=1)
    vetoed = rows[:, mask].any(axis=1)
    fires = ((excitation >= theta) & ~vetoed).astype(int)
    return int(fires[0]) if single else fires


def gate_name(outputs) -> str:
    """The name of the two-input Boolean function with these four outputs (rows of :func:`truth_table`).

    Examples
    --------
    >>> gate_name([0, 1, 1, 0])
    'XOR'
    """
    key = tuple(int(v) for v in np.asarray(outputs).ravel())
    if key not in GATE_NAMES:
        raise ValueError(f"`outputs` must be four values 0 or 1, got {outputs!r}")
    return GATE_NAMES[key]


def gate_data(gate: str) -> tuple[np.ndarray, np.ndarray]:
    """The four input rows of a two-input gate and its outputs as signs (-1 for 0, +1 for 1).

    Examples
    --------
    >>> X, y = gate_data("XOR")
    >>> y.tolist()
    [-1.0, 1.0, 1.0, -1.0]
    """
    by_name = {name: outputs for outputs, name in GATE_NAMES.items()}
    if gate not in by_name:
        raise ValueError(f"`gate` must be one of {sorted(by_name)}, got {gate!r}")
    return truth_table(2).astype(float), 2.0 * np.array(by_name[gate]) - 1.0


def as_signs(y) -> np.ndarray:
    """Labels as signs: ``{-1, +1}`` stay, ``{0, 1}`` become ``{-1, +1}``.

    Examples
    --------
    >>> as_signs([0, 1, 1]).tolist()
    [-1.0, 1.0, 1.0]
    """
    arr = as_float_array(y, "y", ndim=1)
    values = set(np.unique(arr).tolist())
    if values <= {-1.0, 1.0}:
        return arr
    if values <= {0.0, 1.0}:
        return 2.0 * arr - 1.0
    raise ValueError(f"`y` must hold labels -1/+1 (or 0/1), got the values {sorted(values)}")


def _check_xwb(X, w, b) -> tuple[np.ndarray, np.ndarray, float]:
    X = as_float_array(X, "X", ndim=2)
    w = as_float_array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"`w` must have one weight per column of `X` ({X.shape[1]}), got {w.shape[0]}")
    return X, w, float(as_float_array(b, "b", ndim=0))


def perceptron_predict(X, w, b: float) -> np.ndarray:
    """Rosenblatt's perceptron output: the sign of the pre-activation.

    .. math:: \\hat y = \\operatorname{sign}(\\mathbf{w}^\\top \\mathbf{x} + b),

    with +1 where :math:`\\mathbf{w}^\\top \\mathbf{x} + b > 0` and -1 elsewhere
    (as :meth:`sklearn.linear_model.Perceptron.predict`).

    Examples
    --------
    >>> perceptron_predict([[2.0, 0.0], [0.0, 0.0]], w=[1.0, 1.0], b=-1.0).tolist()
    [1.0, -1.0]
    """
    X, w, b = _check_xwb(X, w, b)
    return np.where(X @ w + b > 0, 1.0, -1.0)


def perceptron_loss(X, y, w, b: float) -> float:
    """The perceptron criterion: how far, on average, the misclassified points lie on the wrong side.

    .. math:: L(D, \\mathbf{w}, b) = \\frac{1}{n}\\sum_{i=1}^{n}
              \\max\\bigl(0,\\; -y_i(\\mathbf{w}^\\top \\mathbf{x}_i + b)\\bigr)

    Its gradient for one misclassified sample is
    :math:`-y_i(\\mathbf{x}_i, 1)`, so a step of stochastic gradient descent
    with learning rate :math:`\\eta` is exactly the perceptron's learning rule
    (:func:`perceptron_update`).

    Examples
    --------
    >>> perceptron_loss([[1.0, 0.0], [0.0, 1.0]], [1, -1], w=[-1.0, 1.0], b=0.0)
    1.0
    """
    X, w, b = _check_xwb(X, w, b)
    y = as_signs(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of `X` ({X.shape[0]}), got {y.shape[0]}")
    return float(np.mean(np.maximum(0.0, -y * (X @ w + b))))


def perceptron_update(w, b: float, x, y: float, lr: float = 1.0) -> tuple[np.ndarray, float]:
    """One step of Rosenblatt's learning rule, for one sample ``(x, y)``.

    .. math::

        \\text{if } y\\,(\\mathbf{w}^\\top \\mathbf{x} + b) \\le 0:\\qquad
        \\mathbf{w} \\leftarrow \\mathbf{w} + \\eta\\, y\\, \\mathbf{x},\\qquad
        b \\leftarrow b + \\eta\\, y ;

    a correctly classified sample leaves the weights unchanged. A point *on*
    the line (pre-activation 0) counts as a mistake, as in scikit-learn, so
    the first sample always moves the all-zero initial weights.

    Returns
    -------
    (w, b) : the new weights (a new array) and bias.

    Examples
    --------
    >>> w, b = perceptron_update([0.0, 0.0], 0.0, x=[2.0, 1.0], y=1)
    >>> w.tolist(), b
    ([2.0, 1.0], 1.0)
    """
    w = as_float_array(w, "w", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"`x` must have one value per weight ({w.shape[0]}), got shape {x.shape}")
    if y not in (-1, 1):
        raise ValueError(f"`y` must be -1 or +1, got {y!r}")
    positive(lr, "lr")
    b = float(b)
    if y * (w @ x + b) <= 0:
        return w + (lr * y) * x, float(b + lr * y)
    return w.copy(), b


@dataclass(frozen=True)
class PerceptronRun:
    """The weights of a perceptron after each of its updates.

    Attributes
    ----------
    w : ndarray of shape (n_updates + 1, n_features)
        ``w[k]`` are the weights after ``k`` updates (``w[0]`` the initial ones).
    b : ndarray of shape (n_updates + 1,)
        The bias after each update.
    sample : ndarray of int of shape (n_updates,)
        The index of the misclassified sample that update ``k + 1`` corrected.
    epoch : ndarray of int of shape (n_updates,)
        The epoch (from 1) in which each update happened.
    mistakes : ndarray of int of shape (n_epochs,)
        How many updates each epoch made.
    converged : bool
        Whether the last epoch made no mistake (every sample right).
    """

    w: np.ndarray
    b: np.ndarray
    sample: np.ndarray
    epoch: np.ndarray
    mistakes: np.ndarray
    converged: bool

    @property
    def n_updates(self) -> int:
        """How many times the weights changed."""
        return len(self.sample)


def train_perceptron(X, y, lr: float = 1.0, epochs: int = 100, w0=None, b0: float = 0.0) -> PerceptronRun:
    """Rosenblatt's perceptron: visit the samples in order, correct each mistake, repeat.

    Each epoch visits every sample once, in the order given, and applies
    :func:`perceptron_update`. Training stops after the first epoch without a
    mistake (the data are then separated), or after ``epochs`` epochs. On
    linearly separable data it always stops: with :math:`R = \\max_i \\lVert
    (\\mathbf{x}_i, 1) \\rVert` and any separating unit vector with margin
    :math:`\\gamma`, it makes at most :math:`(R/\\gamma)^2` updates (Novikoff,
    1962). On XOR it never does.

    Agreement with scikit-learn: from ``w0 = 0``, ``b0 = 0``, this is what
    ``sklearn.linear_model.Perceptron(eta0=lr, shuffle=False, tol=None,
    max_iter=epochs, penalty=None, fit_intercept=True)`` computes on dense
    float64 data, whose ``coef_`` and ``intercept_`` equal the last ``w`` and
    ``b`` (sklearn encodes ``classes_[1]`` as +1, updates when
    :math:`y\\,a \\le 0`, and moves the intercept by the same :math:`\\eta y`).
    ``shuffle=False`` keeps the order; ``tol=None`` stops its early stopping on
    the loss; ``penalty=None`` (the default) leaves the weights unshrunk.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels -1/+1 (or 0/1).
    lr : float, default 1.0
        The learning rate :math:`\\eta`. From zero initial weights it only
        scales ``w`` and ``b``: the line, and the sequence of mistakes, are the same.
    epochs : int, default 100
        The most passes over the data.
    w0 : array-like of shape (n_features,), optional
        Initial weights (default zeros).
    b0 : float, default 0.0
        Initial bias.

    Examples
    --------
    >>> X, y = gate_data("AND")
    >>> run = train_perceptron(X, y)
    >>> run.converged, run.n_updates, run.w[-1].tolist(), float(run.b[-1])
    (True, 18, [3.0, 2.0], -4.0)
    >>> train_perceptron(*gate_data("XOR"), epochs=50).converged
    False
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_signs(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of `X` ({X.shape[0]}), got {y.shape[0]}")
    positive(lr, "lr")
    positive(epochs, "epochs", integer=True)
    w = np.zeros(X.shape[1]) if w0 is None else as_float_array(w0, "w0", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"`w0` must have one weight per column of `X` ({X.shape[1]}), got {w.shape[0]}")
    b = float(b0)
    ws, bs, samples, in_epoch, mistakes = [w.copy()], [b], [], [], []
    for epoch in range(1, epochs + 1):
        count = 0
        for i in range(X.shape[0]):
            if y[i] * (X[i] @ w + b) <= 0:  # a mistake (or on the line): the learning rule
                w = w + (lr * y[i]) * X[i]
                b = float(b + lr * y[i])
                ws.append(w.copy())
                bs.append(b)
                samples.append(i)
                in_epoch.append(epoch)
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return PerceptronRun(w=np.array(ws), b=np.array(bs), sample=np.array(samples, dtype=int),
                         epoch=np.array(in_epoch, dtype=int), mistakes=np.array(mistakes, dtype=int),
                         converged=mistakes[-1] == 0)


def linearly_separable(n_samples: int = 30, margin: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [0, 4]², labelled by the side of the line x₁ + x₂/2 = 3 they fall on.

    Points closer than ``margin`` to the line are left out, so a line with
    that margin separates the two classes.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), labels -1/+1

    Examples
    --------
    >>> X, y = linearly_separable(10, seed=1)
    >>> X.shape, sorted(set(y.tolist()))
    ((10, 2), [-1.0, 1.0])
    """
    positive(n_samples, "n_samples", integer=True)
    positive(margin, "margin", allow_zero=True)
    if margin > 1.5:
        raise ValueError(f"`margin` must be at most 1.5 (the square holds few points farther), got {margin}")
    rng = np.random.default_rng(seed)
    kept: list[np.ndarray] = []
    while sum(len(k) for k in kept) < n_samples:
        points = rng.uniform(0.0, 4.0, size=(4 * n_samples, 2))
        distance = (points[:, 0] + 0.5 * points[:, 1] - 3.0) / np.hypot(1.0, 0.5)
        kept.append(points[np.abs(distance) >= margin])
    X = np.concatenate(kept)[:n_samples]
    y = np.where(X[:, 0] + 0.5 * X[:, 1] - 3.0 > 0, 1.0, -1.0)
    return X, y
