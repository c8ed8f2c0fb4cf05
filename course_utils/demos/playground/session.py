"""The playground without its pictures: data, features, a network, its optimizer, and training.

A :class:`PlaygroundSession` is what the playground trains, step by step, and
what its pictures show. It needs no widget and no figure, so it can be read,
driven and tested on its own::

    session = PlaygroundSession(dataset="xor", layers=1, n1=4, lr=0.1)
    session.step(100)          # 100 epochs; returns the training loss
    session.accuracy()         # on the test points, as the playground shows it
    session.set(layers=2)      # a new network, from epoch 0

The network is :class:`course_utils.mlp.MLP`, trained by
:func:`course_utils.mlp.train_epoch` with an optimizer of
:mod:`course_utils.optim`. Seeds make every run repeatable: the data come
from ``seed``, their split into training and test points from ``seed + 1``,
the initial weights from ``seed`` again, and the order of the examples in an
epoch from the seed of the weights and the epoch's number.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..._validate import as_float_array
from ...data import PLAYGROUND_DATASETS, playground_data
from ...mlp import MLP, train_epoch
from ...optim import OPTIMIZERS, diverged
from .settings import (
    DATA_KEYS,
    FEATURES,
    MAX_CLASSES,
    NET_KEYS,
    OPT_KEYS,
    SESSION_KEYS,
    check_setting,
    starting_values,
    with_activation,
)

__all__ = ["PlaygroundSession", "UserData"]

_BLAS: list = []


def one_blas_thread() -> Any:
    """A context in which NumPy's BLAS uses one thread (threadpoolctl ships with scikit-learn).

    The playground's matrices are tiny: a second BLAS thread only spins, and
    doubles the CPU time of an epoch.
    """
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


class UserData:
    """The student's own ``(X, y)``: classes when ``y`` has few distinct labels, else regression.

    Attributes
    ----------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Class indices 0, 1, ... (classification), or the targets scaled to [-1, 1] (regression).
    problem : {"classification", "regression"}
    class_names : list of str
    centre, half : the middle of the points and half the side of a square around them; the
        network sees the coordinates ``c = 6 (X - centre) / half``, which lie in [-6, 6]².
    """

    def __init__(self, X: Any, y: Any) -> None:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != 2:
            raise ValueError(f"`X` must be of shape (n_samples, 2): the playground draws two inputs, "
                             f"got {X.shape}")
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(f"`y` must be of shape ({len(X)},), one label per row of `X`, got {y.shape}")
        if len(X) < 4:
            raise ValueError(f"`X` must hold at least 4 points (some to train, some to test), got {len(X)}")
        numeric = y.dtype.kind in "biuf"
        if numeric:
            y_float = as_float_array(y, "y")
        classes = np.unique(y)
        integer = not numeric or np.all(np.equal(np.mod(y_float, 1), 0))
        if integer and 2 <= len(classes) <= MAX_CLASSES:
            self.problem = "classification"
            self.class_names = [str(c) for c in classes]
            self.y = np.searchsorted(classes, y).astype(float)
        elif numeric and len(classes) > 1:
            self.problem = "regression"
            self.class_names = ["low", "high"]
            low, high = float(y_float.min()), float(y_float.max())
            self.y = 2 * (y_float - low) / (high - low) - 1  # targets scaled to [-1, 1]
            self.y_range = (low, high)
        else:
            raise ValueError(f"`y` must hold 2 to {MAX_CLASSES} classes, or numbers for regression, "
                             f"got {len(classes)} distinct value(s)")
        self.X = X
        centre = (X.max(axis=0) + X.min(axis=0)) / 2
        half = max(float(np.max(X.max(axis=0) - X.min(axis=0))) / 2 * 1.1, 1e-12)
        self.centre, self.half = centre, half

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.problem == "classification" else 2


def feature_columns(coords: np.ndarray, keys: list[str]) -> np.ndarray:
    """The input features ``keys`` (see :data:`FEATURES`) of points, one column each."""
    return np.column_stack([FEATURES[k][1](coords) for k in keys]) if keys else np.zeros((len(coords), 0))


class PlaygroundSession:
    """One run of the playground: its data, features, network, optimizer and loss history.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2), optional
        Your own points; with ``y``, the session trains on them instead of a
        data set of :data:`course_utils.data.PLAYGROUND_DATASETS`.
    y : array-like of shape (n_samples,), optional
        Class labels (2 to 8 distinct values) or numbers to regress.
    preset : str, optional
        A key of :data:`~.settings.PRESETS`: its settings, before ``settings``.
    seed : int, default 0
        Seed of the data, their split and the initial weights.
    **settings
        Any setting the playground's controls have, except those that only
        change the picture: ``dataset``, ``ratio`` (% of the points to train
        on), ``noise`` (%), ``batch_size``, the features ``x1``, ``x2``,
        ``x1_sq``, ``x2_sq``, ``x1_x2``, ``sin_x1``, ``sin_x2`` (True/False),
        ``layers`` (hidden layers, 0 to 6), ``n1`` ... ``n6`` (their neurons),
        ``g1`` ... ``g6`` (their activations), ``activation`` (every layer's,
        unless ``g1`` ... are given), ``problem``,
        ``loss``, ``optimizer``, ``lr``, ``regularization`` ("none", "L1",
        "L2") and ``reg_rate``. The defaults are the playground's: the circle,
        x₁ and x₂, two tanh layers of 8, SGD at 0.03.

    Attributes
    ----------
    settings : dict
        The current settings (change them with :meth:`set`).
    net : course_utils.mlp.MLP or None
        The network; None when no feature is chosen.
    coords : ndarray of shape (n_points, 2)
        Every point, in the network's coordinates [-6, 6]².
    y : ndarray of shape (n_points,)
        Labels 0, 1, ... (classification) or targets in [-1, 1] (regression).
    train : ndarray of bool, shape (n_points,)
        Which points are training points; the others are test points.
    features : list of str
        The chosen features, in the order of the network's inputs.
    epoch : int
        Epochs trained since the network was built.
    train_loss, test_loss : list of float
        The loss before training and after each epoch (NaN from a blow-up on).
    diverged_at : int or None
        The epoch at which training blew up; training stops there.
    signature : str
        With the settings, what fixes the picture of the session (see :meth:`scratch`).

    Examples
    --------
    >>> session = PlaygroundSession(dataset="xor", layers=1, n1=4, lr=0.1)
    >>> session
    PlaygroundSession(data='xor', hidden=[4], epoch=0)
    >>> loss = session.step(30)
    >>> session.epoch, len(session.train_loss), loss == session.train_loss[-1]
    (30, 31, True)
    >>> session.net.layer_sizes
    [2, 4, 1]
    """

    def __init__(self, X: Any = None, y: Any = None, *, preset: str | None = None, seed: int = 0,
                 **settings: Any) -> None:
        self.user = None if X is None and y is None else UserData(X, y)
        not_ours = set(settings) - SESSION_KEYS
        if not_ours:
            raise TypeError(f"unknown session setting(s) {sorted(not_ours)}; known: {sorted(SESSION_KEYS)}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"`seed` must be an integer >= 0, got {seed!r}")
        start = starting_values(settings, preset, self.user)
        self.settings = {key: value for key, value in start.items() if key in SESSION_KEYS}
        for key, value in self.settings.items():
            self._check(key, value)
        self.net_seed = self.data_seed = int(seed)
        self.seconds_per_epoch = 0.0
        self._trainings = 0  # calls of step() that trained: each trained state has a number of its own
        self._build_data()
        self._build_network()

    def _check(self, key: str, value: Any) -> None:
        check_setting(key, value)
        if key == "dataset" and (value == "your data") != (self.user is not None):
            raise ValueError("`dataset` must be 'your data' with your own X and y, and one of "
                             f"{list(PLAYGROUND_DATASETS)} without, got {value!r}")
        if key == "problem" and value == "regression" and self.user is not None and self.user.n_classes > 2:
            raise ValueError(f"`problem` must be 'classification' for {self.user.n_classes} classes: "
                             "regression needs two classes or numbers")

    # -- changing it ------------------------------------------------------------------------------
    def set(self, **changes: Any) -> set[str]:
        """Change settings, and rebuild what depends on them; return the names that changed.

        New data (dataset, ratio, noise, problem) mean a new network; a new
        architecture, feature or loss means a new network (epoch 0, the same
        seed); a new optimizer or rate keeps the weights, unless training had
        diverged. The batch size and the regularisation apply from the next epoch.
        ``activation`` sets every layer's activation, unless ``g1`` ... ``g6`` are given.
        """
        unknown = set(changes) - SESSION_KEYS
        if unknown:
            raise TypeError(f"unknown session setting(s) {sorted(unknown)}; known: {sorted(SESSION_KEYS)}")
        if changes.get("activation", self.settings["activation"]) != self.settings["activation"]:
            changes = with_activation(changes)
        for key, value in changes.items():
            self._check(key, value)
        changed = {key for key, value in changes.items() if self.settings[key] != value}
        self.settings.update(changes)
        if changed & DATA_KEYS:
            self._build_data()
        if changed & (DATA_KEYS | NET_KEYS):
            self._build_network()
        elif changed & OPT_KEYS:
            if self.diverged_at is not None:
                self._build_network()  # a new rate after a blow-up: start again
            else:
                self._build_optimizer()
        return changed

    def reset(self) -> None:
        """New initial weights (the next seed), epoch 0, as the playground's Reset button does."""
        self.net_seed += 1
        self._build_network()

    def regenerate(self) -> None:
        """New random data (the next seed) and a new network, as the Regenerate button does."""
        self.data_seed += 1
        self._build_data()
        self._build_network()

    def restart(self) -> None:
        """Back to epoch 0 with the same initial weights (as choosing a preset does)."""
        self._build_network()

    # -- for the frame cache -----------------------------------------------------------------------
    @property
    def signature(self) -> str:
        """A name for the state of the session that, with its settings, fixes its picture.

        Before training (epoch 0) the network is the one its settings and seeds
        build: ``"f<data seed>.<net seed>"``. After training it is ``"t<n>"``, n
        counting the calls of :meth:`step` that trained: a setting that keeps the
        weights (the optimizer, the batch size) keeps it too.

        Examples
        --------
        >>> session = PlaygroundSession(dataset="xor", layers=1, n1=4)
        >>> session.signature, session.step(3) > 0, session.signature
        ('f0.0', True, 't1')
        >>> _ = session.set(n1=5); session.signature
        'f0.0'
        """
        return f"f{self.data_seed}.{self.net_seed}" if self.epoch == 0 else f"t{self._trainings}"

    @contextmanager
    def scratch(self) -> Iterator[PlaygroundSession]:
        """Within it the settings may change (:meth:`set`); on exit the session is back as it was.

        A change of settings replaces the data, the network or the optimizer with
        new ones (and starts a new loss history); on exit the same objects are
        back, untouched, and the settings' values too. Not for :meth:`step`,
        which changes the weights in place.

        Examples
        --------
        >>> session = PlaygroundSession(dataset="xor", layers=1, n1=4)
        >>> net = session.net
        >>> with session.scratch():
        ...     _ = session.set(n1=6, ratio=70)
        ...     session.net.layer_sizes
        [2, 6, 1]
        >>> session.net is net, session.settings["n1"], int(session.train.sum())
        (True, 4, 250)
        """
        saved, settings = dict(self.__dict__), dict(self.settings)
        try:
            yield self
        finally:
            self.__dict__.clear()
            self.__dict__.update(saved)
            self.settings.clear()
            self.settings.update(settings)

    # -- building -----------------------------------------------------------------------------------
    def _build_data(self) -> None:
        v = self.settings
        if self.user is not None:
            coords = 6 * (self.user.X - self.user.centre) / self.user.half
            y = self.user.y.copy()
            native = self.user.problem
            self.n_classes = self.user.n_classes
        else:
            coords, y = playground_data(v["dataset"], 500, v["noise"] / 100, seed=self.data_seed)
            native = PLAYGROUND_DATASETS[v["dataset"]]
            self.n_classes = 2
        self.problem = v["problem"]
        if self.problem == "classification" and native == "regression":
            y = (y > 0).astype(float)  # classes: the sign of the value
        elif self.problem == "regression" and native == "classification":
            y = 2 * y - 1  # the labels 0 and 1 as the numbers -1 and 1
        split = np.random.default_rng(self.data_seed + 1).permutation(len(y))
        n_train = min(max(1, round(len(y) * v["ratio"] / 100)), len(y) - 1)
        self.train = np.zeros(len(y), dtype=bool)
        self.train[split[:n_train]] = True
        self.coords, self.y = coords, y

    def _build_network(self) -> None:
        v = self.settings
        self.features = [k for k in FEATURES if v[k]]
        self.epoch, self.train_loss, self.test_loss, self.diverged_at = 0, [], [], None
        self.seconds_per_epoch = 0.0
        if not self.features:
            self.net = self.optimizer = None
            return
        raw = feature_columns(self.coords[self.train], self.features)
        self.mean, self.std = raw.mean(axis=0), raw.std(axis=0)
        self.std[self.std < 1e-9] = 1.0  # standardised inputs: mean 0, standard deviation 1
        widths = [v[f"n{k}"] for k in range(1, v["layers"] + 1)]
        activations = [v[f"g{k}"] for k in range(1, v["layers"] + 1)]
        if self.problem == "regression":
            output, n_out, loss = "identity", 1, "squared"
        elif self.n_classes > 2:
            output, n_out, loss = "softmax", self.n_classes, v["loss"]
        else:
            output, n_out, loss = "sigmoid", 1, v["loss"]
        self.net = MLP([len(self.features), *widths, n_out], activation=activations, output=output,
                       seed=self.net_seed, loss=loss)
        self._build_optimizer()
        # the inputs and labels of the training and the test points, once per network
        self._data = {part: (self.inputs(self.coords[mask]), self._labels(mask))
                      for part, mask in (("train", self.train), ("test", ~self.train))}
        self._record_losses()

    def _build_optimizer(self) -> None:
        if self.net is not None:
            self.optimizer = OPTIMIZERS[self.settings["optimizer"]](self.net.parameters(), self.settings["lr"])

    def _labels(self, mask: np.ndarray) -> np.ndarray:
        y = self.y[mask]
        return y.astype(np.int64) if self.net.output == "softmax" else y

    def _record_losses(self) -> None:
        with np.errstate(all="ignore"):
            for part, history in (("train", self.train_loss), ("test", self.test_loss)):
                X, y = self._data[part]
                history.append(self.net.loss_value(X, y) if len(y) else np.nan)

    @property
    def diverged(self) -> bool:
        """Whether training has diverged (:attr:`diverged_at` is set); ``reset()`` starts again."""
        return self.diverged_at is not None

    # -- training ---------------------------------------------------------------------------------
    def step(self, epochs: int = 1) -> float:
        """Train ``epochs`` epochs (fewer if training diverges); return the last training loss.

        Each epoch shuffles the training points and takes one optimizer step
        per batch of ``batch_size``; then the loss on the training and the test
        points is appended to :attr:`train_loss` and :attr:`test_loss`. A loss
        that :func:`course_utils.optim.diverged` from the initial one (not finite,
        or 10,000 times it), or weights that are no longer finite, stop training:
        :attr:`diverged_at` says when.

        Returns
        -------
        float
            The training loss after the last epoch; NaN without a network or
            after a blow-up.
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"`epochs` must be an integer >= 0, got {epochs!r}")
        if self.net is None or self.diverged_at is not None or epochs == 0:
            return self.train_loss[-1] if self.train_loss else float("nan")
        v = self.settings
        X, y = self._data["train"]
        l1 = v["reg_rate"] if v["regularization"] == "L1" else 0.0
        l2 = v["reg_rate"] if v["regularization"] == "L2" else 0.0
        rng = np.random.default_rng([self.net_seed, self.epoch])
        self._trainings += 1
        start = time.perf_counter()
        with np.errstate(all="ignore"), one_blas_thread():
            for _ in range(epochs):
                loss = train_epoch(self.net, X, y, self.optimizer, v["batch_size"], rng, l1, l2,
                                   start_loss=self.train_loss[0])
                self.epoch += 1
                weights_ok = all(np.isfinite(W).all() for W in self.net.weights)
                if diverged(loss, self.train_loss[0]) or not weights_ok:
                    self.diverged_at = self.epoch
                    self.train_loss.append(np.nan)
                    self.test_loss.append(np.nan)
                    break
                self._record_losses()
        self.seconds_per_epoch = (time.perf_counter() - start) / epochs
        return self.train_loss[-1]

    # -- what it has learned --------------------------------------------------------------------------
    def inputs(self, coords: np.ndarray) -> np.ndarray:
        """The network's inputs for points in [-6, 6]²: the chosen features, standardised."""
        return (feature_columns(coords, self.features) - self.mean) / self.std

    def output(self, coords: np.ndarray) -> np.ndarray:
        """The network's output :math:`f(\\mathbf x)` at points in [-6, 6]² (see :meth:`MLP.forward`)."""
        return self.net.forward(self.inputs(coords))

    def hidden(self, coords: np.ndarray) -> list[np.ndarray]:
        """Every hidden layer's activations at points in [-6, 6]² (see :meth:`MLP.hidden`)."""
        return self.net.hidden(self.inputs(coords))

    def _mask(self, on: str) -> np.ndarray:
        if on not in ("train", "test"):
            raise ValueError(f"`on` must be 'train' or 'test', got {on!r}")
        return self.train if on == "train" else ~self.train

    def confusion(self, on: str = "test") -> np.ndarray:
        """The confusion matrix on the test (or training) points: rows true class, columns predicted.

        All zeros for regression or without a network.
        """
        mask = self._mask(on)
        k = max(self.n_classes, 2)
        if not mask.any() or self.net is None or self.problem != "classification":
            return np.zeros((k, k), dtype=int)
        out = self.output(self.coords[mask])
        predicted = out.argmax(axis=1) if out.ndim == 2 else (out >= 0.5).astype(int)
        true = self.y[mask].astype(int)
        return np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)

    def accuracy(self, on: str = "test") -> float:
        """The share of the test (or training) points classified right; NaN for regression.

        .. math:: \\text{accuracy} = \\frac{\\text{trace}(C)}{\\sum_{ij} C_{ij}}

        with :math:`C` the :meth:`confusion` matrix.
        """
        confusion = self.confusion(on)
        total = confusion.sum()
        return float(np.trace(confusion) / total) if total else float("nan")

    def r_squared(self, on: str = "test") -> float:
        """The share of the targets' variance the network explains (regression).

        .. math:: R^2 = 1 - \\frac{\\frac1n \\sum_i (f(\\mathbf x_i) - y_i)^2}{\\operatorname{Var}(y)}
        """
        mask = self._mask(on)
        if self.net is None or not mask.any():
            return float("nan")
        prediction = self.output(self.coords[mask])
        y = self.y[mask]
        return float(1 - np.mean((prediction - y) ** 2) / max(np.var(y), 1e-12))

    def __repr__(self) -> str:
        layers = self.net.layer_sizes[1:-1] if self.net is not None else []
        data = "your data" if self.user is not None else self.settings["dataset"]
        return f"{type(self).__name__}(data={data!r}, hidden={layers}, epoch={self.epoch})"
