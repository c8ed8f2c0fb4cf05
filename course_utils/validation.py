"""Measuring success on data the model has not seen: hold-out test sets and k-fold cross-validation.

The lecture's "Cross Validation" slide, from scratch:

- if the data set is large (in the thousands), set aside about 1,000 random
  examples as the test set (:func:`train_test_split`, :func:`validation_plan`);
- otherwise, break the data set into 10 parts and use each part in turn as the
  test set, training on the other 9 (:func:`k_fold_indices`,
  :func:`stratified_k_fold_indices`, :func:`cross_validate`);
- to choose a model's size from the k fold scores, prefer the simplest model
  within one standard error of the best (:func:`one_standard_error_rule`).

The folds are the same as scikit-learn's ``KFold`` and ``StratifiedKFold`` for
the same settings (shuffled ones included: both draw from
``numpy.random.RandomState(seed)``), and :func:`train_test_split` picks the
same rows as scikit-learn's; ``tests/test_validation.py`` checks it.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "train_test_indices",
    "train_test_split",
    "validation_plan",
    "k_fold_indices",
    "stratified_k_fold_indices",
    "fold_labels",
    "cross_validate",
    "CrossValidation",
    "ValidationPlan",
    "one_standard_error_rule",
    "OneStandardError",
]

Folds = list[tuple[np.ndarray, np.ndarray]]


# -- argument checks ------------------------------------------------------------------------------
def _count(value: Any, name: str, minimum: int) -> int:
    """An integer >= minimum, or an error that names the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    if value < minimum:
        extra = " (is the data empty?)" if name == "n_samples" else ""
        raise ValueError(f"`{name}` must be at least {minimum}, got {value}{extra}")
    return int(value)


def _k(k: Any, n_samples: int) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"`k` must be an integer number of folds, got {k!r}")
    if k < 2:
        raise ValueError(f"`k` must be at least 2 (one fold to test on, the others to train on), got {k}")
    if k > n_samples:
        raise ValueError(f"`k` = {k} cannot be greater than the number of samples, {n_samples}: "
                         "every fold needs at least one sample")
    return int(k)


def _random_state(shuffle: bool, seed: int | None) -> np.random.RandomState | None:
    """The generator of a shuffled split, as scikit-learn makes it (``RandomState(seed)``)."""
    if not isinstance(shuffle, bool):
        raise TypeError(f"`shuffle` must be True or False, got {shuffle!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                             or seed < 0):
        raise TypeError(f"`seed` must be a non-negative integer or None, got {seed!r}")
    if not shuffle:
        if seed is not None:
            raise ValueError("`seed` has no effect when `shuffle` is False: "
                             "pass shuffle=True, or leave seed=None")
        return None
    # The legacy generator on purpose: it is the one scikit-learn's splitters use,
    # so the same seed gives the same folds.
    return np.random.RandomState(seed)


def _n_rows(array: Any, name: str) -> int:
    if array is None or isinstance(array, (str, bytes)) or not hasattr(array, "__len__"):
        raise TypeError(f"`{name}` must be an array with one row per sample, got {array!r}")
    n = len(array)
    if n == 0:
        raise ValueError(f"`{name}` must not be empty")
    return n


# -- hold-out -------------------------------------------------------------------------------------
def train_test_indices(n_samples: int, test_size: float | int = 0.25,
                       seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of a random hold-out split: ``test_size`` rows to test on, the rest to train on.

    The rows are shuffled by a random permutation; the first ``n_test`` of it
    are the test set.

    Parameters
    ----------
    n_samples : int
        How many samples there are.
    test_size : float in (0, 1) or int, default 0.25
        The fraction of the samples to hold out (rounded up), or their number.
    seed : int or None
        Seed of the permutation; an int gives the same split every time.

    Returns
    -------
    train, test : ndarray of int
        Disjoint indices that together cover ``range(n_samples)``, in the
        permutation's order. Equal to the rows scikit-learn's
        ``train_test_split(..., test_size=test_size, random_state=seed)`` picks.

    Examples
    --------
    >>> train, test = train_test_indices(10, test_size=0.3, seed=0)
    >>> test.tolist(), sorted(train.tolist())
    ([2, 8, 4], [0, 1, 3, 5, 6, 7, 9])
    """
    n_samples = _count(n_samples, "n_samples", 2)
    if isinstance(test_size, bool) or not isinstance(test_size, (numbers.Integral, numbers.Real)):
        raise TypeError(f"`test_size` must be a fraction or a number of samples, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n_samples - 1:
            raise ValueError(f"`test_size` = {n_test} samples must be between 1 and {n_samples - 1} "
                             f"(some samples must be left to train on)")
    else:
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"`test_size` as a fraction must lie strictly between 0 and 1, "
                             f"got {test_size}")
        n_test = math.ceil(test_size * n_samples)
        if n_test >= n_samples:
            raise ValueError(f"`test_size` = {test_size} of {n_samples} samples leaves none to train on")
    rng = _random_state(True, seed)
    permutation = rng.permutation(n_samples)
    return permutation[n_test:], permutation[:n_test]


def train_test_split(X: Any, y: Any = None, *, test_size: float | int = 0.25,
                     seed: int | None = None) -> tuple[np.ndarray, ...]:
    """Split ``X`` (and ``y``) into a training set and a held-out test set.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        The inputs.
    y : array-like of shape (n_samples,), optional
        The labels.
    test_size, seed
        As in :func:`train_test_indices`.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        (only ``X_train, X_test`` when ``y`` is None), the same rows as
        scikit-learn's ``train_test_split`` with ``random_state=seed``.

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.array([0, 1, 0, 1, 1])
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=2, seed=1)
    >>> X_test.tolist(), y_test.tolist(), len(X_train)
    ([[4, 5], [2, 3]], [0, 1], 3)
    """
    n = _n_rows(X, "X")
    X = np.asarray(X)
    if y is not None:
        if _n_rows(y, "y") != n:
            raise ValueError(f"`X` and `y` must have the same number of rows, got {n} and {len(y)}")
        y = np.asarray(y)
    train, test = train_test_indices(n, test_size, seed)
    if y is None:
        return X[train], X[test]
    return X[train], X[test], y[train], y[test]


class ValidationPlan(NamedTuple):
    """How to measure success on a data set: a hold-out test set, or k-fold cross-validation."""

    method: str  # "hold-out" or "k-fold"
    n_test: int  # samples in each test set
    k: int  # number of fits: 1 for a hold-out


def validation_plan(n_samples: int, *, holdout: int = 1000, large: int = 5000,
                    k: int = 10) -> ValidationPlan:
    """The lecture's rule: hold out ~1,000 random examples if the data set is large, else 10-fold CV.

    "Large" is read as at least ``large`` samples (5,000 by default), so that
    holding out 1,000 still leaves at least 80 % of the data to train on. With
    fewer samples than ``k``, every sample is its own fold (leave-one-out).

    Examples
    --------
    >>> validation_plan(60_000)
    ValidationPlan(method='hold-out', n_test=1000, k=1)
    >>> validation_plan(300)
    ValidationPlan(method='k-fold', n_test=30, k=10)
    """
    n_samples = _count(n_samples, "n_samples", 2)
    holdout = _count(holdout, "holdout", 1)
    large = _count(large, "large", holdout + 1)
    if n_samples >= large:
        return ValidationPlan("hold-out", holdout, 1)
    k = _k(min(k, n_samples), n_samples)  # fewer samples than folds: leave-one-out
    return ValidationPlan("k-fold", math.ceil(n_samples / k), k)


# -- k folds --------------------------------------------------------------------------------------
def _folds_from_labels(labels: np.ndarray, k: int) -> Folds:
    """(train, test) index pairs from each sample's test-fold number."""
    return [(np.flatnonzero(labels != fold), np.flatnonzero(labels == fold)) for fold in range(k)]


def k_fold_indices(n_samples: int, k: int = 10, shuffle: bool = False,
                   seed: int | None = None) -> Folds:
    """Break ``n_samples`` samples into ``k`` blocks; each block in turn is the test set.

    Without shuffling the blocks are contiguous: block :math:`i` holds the
    samples from :math:`s_i` to :math:`s_{i+1} - 1`, where the first
    :math:`n \\bmod k` blocks have :math:`\\lfloor n/k \\rfloor + 1` samples and
    the others :math:`\\lfloor n/k \\rfloor`. With ``shuffle=True`` the samples
    are first put in a random order (``RandomState(seed).permutation``).

    Parameters
    ----------
    n_samples : int
        How many samples there are.
    k : int, default 10
        The number of folds, ``2 <= k <= n_samples``.
    shuffle : bool, default False
        Shuffle the samples before cutting them into blocks.
    seed : int or None
        Seed of the shuffle (only with ``shuffle=True``).

    Returns
    -------
    list of k (train, test) pairs of sorted index arrays
        The same as ``list(sklearn.model_selection.KFold(k, shuffle=shuffle,
        random_state=seed).split(X))``. Every index is in exactly one test set.

    See Also
    --------
    stratified_k_fold_indices : folds that keep the class proportions.
    fold_labels : each sample's test fold, checking that the folds partition the data.

    Examples
    --------
    >>> for train, test in k_fold_indices(7, k=3):
    ...     print("train", train, "test", test)
    train [3 4 5 6] test [0 1 2]
    train [0 1 2 5 6] test [3 4]
    train [0 1 2 3 4] test [5 6]
    """
    n_samples = _count(n_samples, "n_samples", 1)
    k = _k(k, n_samples)
    rng = _random_state(shuffle, seed)
    order = rng.permutation(n_samples) if rng is not None else np.arange(n_samples)
    sizes = np.full(k, n_samples // k)
    sizes[: n_samples % k] += 1
    labels = np.empty(n_samples, dtype=int)
    labels[order] = np.repeat(np.arange(k), sizes)  # the sample at position j of `order` goes to its block
    return _folds_from_labels(labels, k)


def stratified_k_fold_indices(y: Any, k: int = 10, shuffle: bool = False,
                              seed: int | None = None) -> Folds:
    """k folds that each keep (as nearly as possible) the class proportions of ``y``.

    The rule is scikit-learn's ``StratifiedKFold``: sort the labels and deal
    them round-robin, like cards, to the ``k`` folds; that fixes how many
    samples of each class every fold gets. Then, class by class (in order of
    first appearance), the samples of the class are given to folds 0, 1, ...
    in data order, in those numbers (with ``shuffle=True`` the fold numbers of
    each class are shuffled by ``RandomState(seed)`` first).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels (numbers or strings).
    k : int, default 10
        The number of folds; at most the size of the largest class.
    shuffle, seed
        As in :func:`k_fold_indices`.

    Returns
    -------
    list of k (train, test) pairs of sorted index arrays
        The same as ``list(StratifiedKFold(k, shuffle=shuffle,
        random_state=seed).split(X, y))``.

    Warns
    -----
    UserWarning
        If the smallest class has fewer than ``k`` members (some folds miss it).

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    >>> for train, test in stratified_k_fold_indices(y, k=3):
    ...     print("test", test, "labels", y[test])
    test [0 1 6] labels [0 0 1]
    test [2 3 7] labels [0 0 1]
    test [4 5 8] labels [0 0 1]
    """
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"`y` must be an array of class labels, got {y!r}")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"`y` must be of shape (n_samples,), got {y.shape}")
    n_samples = _count(len(y), "n_samples", 1)
    k = _k(k, n_samples)
    rng = _random_state(shuffle, seed)

    _, first_seen, inverse = np.unique(y, return_index=True, return_inverse=True)
    appearance = np.argsort(np.argsort(first_seen))  # class -> its rank by first appearance
    codes = appearance[inverse.ravel()]
    counts = np.bincount(codes)
    if np.all(counts < k):
        raise ValueError(f"`k` = {k} is greater than the number of members of every class "
                         f"(the largest class has {counts.max()})")
    if counts.min() < k:
        warnings.warn(f"The least populated class in `y` has only {counts.min()} members, "
                      f"fewer than `k` = {k}: some folds will not contain it.",
                      UserWarning, stacklevel=2)
    n_classes = len(counts)
    dealt = np.sort(codes)
    per_fold = np.array([np.bincount(dealt[fold::k], minlength=n_classes) for fold in range(k)])

    labels = np.empty(n_samples, dtype=int)
    for c in range(n_classes):
        folds_for_class = np.repeat(np.arange(k), per_fold[:, c])
        if rng is not None:
            rng.shuffle(folds_for_class)
        labels[codes == c] = folds_for_class
    return _folds_from_labels(labels, k)


def fold_labels(test_folds: Sequence[Any], n_samples: int) -> np.ndarray:
    """Each sample's test fold, after checking that the test folds partition ``range(n_samples)``.

    Parameters
    ----------
    test_folds : sequence of index arrays, or of (train, test) pairs
        The test indices of each fold (or the pairs :func:`k_fold_indices` returns).
    n_samples : int
        How many samples there are.

    Returns
    -------
    ndarray of int, shape (n_samples,)
        ``labels[i]`` is the fold whose test set holds sample ``i``.

    Raises
    ------
    ValueError
        If an index is out of range, in two test folds, or in none.

    Examples
    --------
    >>> fold_labels([[0, 1], [2], [3]], 4)
    array([0, 0, 1, 2])
    >>> fold_labels([[0, 1], [1, 2]], 3)
    Traceback (most recent call last):
    ...
    ValueError: sample 1 is in the test sets of folds 0 and 1; every sample must be tested exactly once
    """
    n_samples = _count(n_samples, "n_samples", 1)
    if isinstance(test_folds, (str, bytes)) or not hasattr(test_folds, "__len__") or not len(test_folds):
        raise ValueError(f"`test_folds` must be a non-empty list of index arrays, got {test_folds!r}")
    labels = np.full(n_samples, -1)
    for fold, item in enumerate(test_folds):
        if isinstance(item, tuple) and len(item) == 2 and all(hasattr(part, "__len__") for part in item):
            item = item[1]  # a (train, test) pair
        test = np.asarray(item)
        if test.size and not np.issubdtype(test.dtype, np.integer):
            raise TypeError(f"`test_folds[{fold}]` must hold integer indices, got dtype {test.dtype}")
        test = test.astype(int).ravel()
        outside = test[(test < 0) | (test >= n_samples)]
        if outside.size:
            raise ValueError(f"`test_folds[{fold}]` holds index {outside[0]}, outside 0..{n_samples - 1}")
        values, counts = np.unique(test, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(f"`test_folds[{fold}]` holds index {values[counts > 1][0]} twice")
        taken = test[labels[test] >= 0]
        if taken.size:
            raise ValueError(f"sample {taken[0]} is in the test sets of folds {labels[taken[0]]} and "
                             f"{fold}; every sample must be tested exactly once")
        labels[test] = fold
    missing = np.flatnonzero(labels < 0)
    if missing.size:
        raise ValueError(f"{missing.size} sample(s) are in no test set, the first being {missing[0]}; "
                         "every sample must be tested exactly once")
    return labels


# -- cross-validation -----------------------------------------------------------------------------
@dataclass
class CrossValidation:
    """What :func:`cross_validate` measured, fold by fold."""

    scores: np.ndarray  # the test score of each fold
    train_scores: np.ndarray  # the same model's score on its own training set
    folds: Folds = field(repr=False)
    models: list | None = field(default=None, repr=False)  # the trained models, if asked for

    @property
    def mean(self) -> float:
        """The cross-validation estimate: the mean of the per-fold test scores."""
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        """The spread of the per-fold test scores (standard deviation)."""
        return float(np.std(self.scores))


def cross_validate(make_model: Callable[[], Any], X: Any, y: Any, k: int = 10, *,
                   shuffle: bool = False, seed: int | None = None, stratify: bool = False,
                   folds: Folds | None = None,
                   scoring: Callable[[Any, np.ndarray, np.ndarray], float] | None = None,
                   return_models: bool = False) -> CrossValidation:
    """Train a fresh model on each fold's training part and score it on the fold's test block.

    .. math::

        \\mathrm{CV} = \\frac{1}{k}\\sum_{i=1}^{k} \\mathrm{score}\\big(f_{-i},\\ \\text{block}_i\\big)

    where :math:`f_{-i}` is the model trained on every block but block :math:`i`.

    Parameters
    ----------
    make_model : callable with no arguments
        Returns a new, untrained model with ``fit(X, y)`` and (unless
        ``scoring`` is given) ``score(X, y)``, as scikit-learn's estimators do.
    X : array-like of shape (n_samples, ...)
    y : array-like of shape (n_samples,)
    k : int, default 10
        Number of folds.
    shuffle, seed
        As in :func:`k_fold_indices`.
    stratify : bool, default False
        Use :func:`stratified_k_fold_indices` (for class labels).
    folds : list of (train, test) index pairs, optional
        Folds to use instead of making them (then ``k``, ``shuffle``,
        ``seed`` and ``stratify`` are not used).
    scoring : callable ``scoring(model, X, y) -> float``, optional
        How to score a trained model (a scikit-learn scorer fits); the
        default is ``model.score(X, y)``.
    return_models : bool, default False
        Keep the ``k`` trained models in the result (scikit-learn's
        ``return_estimator``). Off by default: each is dropped once scored,
        so a cross-validation holds one model in memory at a time.

    Returns
    -------
    CrossValidation
        ``scores`` (one per fold), ``train_scores``, ``folds``, ``models``
        (``None`` unless ``return_models``), and the properties ``mean`` and ``std``.

    Examples
    --------
    >>> class Mean:  # predicts the mean label it was trained on
    ...     def fit(self, X, y):
    ...         self.value = np.mean(y)
    ...         return self
    ...     def score(self, X, y):  # minus the mean squared error: higher is better
    ...         return -np.mean((y - self.value) ** 2)
    >>> result = cross_validate(Mean, np.zeros((4, 1)), np.array([1.0, 1.0, 3.0, 3.0]), k=2)
    >>> result.scores.tolist(), result.mean
    ([-4.0, -4.0], -4.0)
    """
    if not callable(make_model):
        raise TypeError(f"`make_model` must be a function that returns a new model, got {make_model!r}")
    n = _n_rows(X, "X")
    if _n_rows(y, "y") != n:
        raise ValueError(f"`X` and `y` must have the same number of rows, got {n} and {len(y)}")
    X, y = np.asarray(X), np.asarray(y)
    if scoring is not None and not callable(scoring):
        raise TypeError(f"`scoring` must be a function scoring(model, X, y), got {scoring!r}")
    if folds is None:
        folds = (stratified_k_fold_indices(y, k, shuffle, seed) if stratify
                 else k_fold_indices(n, k, shuffle, seed))
    else:
        folds = [(np.asarray(train), np.asarray(test)) for train, test in folds]
        if not folds:
            raise ValueError("`folds` must hold at least one (train, test) pair")

    score = scoring or (lambda model, X_part, y_part: model.score(X_part, y_part))
    scores, train_scores, models, previous = [], [], [], None
    for number, (train, test) in enumerate(folds):
        if len(train) == 0 or len(test) == 0:
            raise ValueError(f"fold {number} has an empty training or test set")
        model = make_model()
        if model is previous:
            raise ValueError("`make_model` returned the same model twice: it must build a new one "
                             "each call (e.g. `lambda: Model()`, not a model object)")
        for method in ("fit",) if scoring is not None else ("fit", "score"):
            if not callable(getattr(model, method, None)):
                raise TypeError(f"the model from `make_model` has no `{method}` method: "
                                f"got {type(model).__name__}")
        model.fit(X[train], y[train])
        scores.append(float(score(model, X[test], y[test])))
        train_scores.append(float(score(model, X[train], y[train])))
        if return_models:
            models.append(model)
        previous = model
    return CrossValidation(np.array(scores), np.array(train_scores), folds,
                           models if return_models else None)


class OneStandardError(NamedTuple):
    """What :func:`one_standard_error_rule` chose."""

    choice: int  # the row chosen: the simplest one within one standard error of the best
    threshold: float  # the best mean error plus its standard error


def one_standard_error_rule(fold_errors: Any) -> OneStandardError:
    """The simplest candidate whose cross-validated error is within one standard error of the best.

    Row :math:`j` of ``fold_errors`` holds candidate :math:`j`'s test errors on
    the :math:`k` folds. Its CV estimate is their mean :math:`\\bar e_j`; the
    standard error of that mean comes from the spread of the folds,

    .. math::

        \\mathrm{SE}_j = \\frac{s_j}{\\sqrt{k}}, \\qquad
        s_j^2 = \\frac{1}{k-1}\\sum_{i=1}^{k} \\big(e_{ji} - \\bar e_j\\big)^2 .

    With :math:`b` the candidate of lowest mean error, the rule picks the first
    (simplest) :math:`j` with :math:`\\bar e_j \\le \\bar e_b + \\mathrm{SE}_b`
    (Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*,
    2nd ed., section 7.10): a difference smaller than one standard error is
    within the noise of the estimate, so it does not pay for a larger model.

    Parameters
    ----------
    fold_errors : array-like of shape (n_candidates, k)
        Errors (lower is better), one row per candidate ordered from the
        simplest to the most complex (e.g. polynomial degrees 0, 1, 2, ...),
        one column per fold; ``k >= 2``. Negate scores where higher is better.

    Returns
    -------
    OneStandardError
        ``choice``, the index of the chosen row, and ``threshold``,
        :math:`\\bar e_b + \\mathrm{SE}_b`.

    See Also
    --------
    cross_validate : the fold scores of one candidate (its ``scores``).

    Examples
    --------
    >>> fold_errors = [[0.50, 0.70], [0.30, 0.50], [0.28, 0.48], [0.40, 0.60]]
    >>> one_standard_error_rule(fold_errors)
    OneStandardError(choice=1, threshold=0.48)

    Row 2 has the lowest mean error (0.38), but row 1 (0.40) is within one
    standard error (0.1) of it, and simpler.
    """
    if fold_errors is None or isinstance(fold_errors, (str, bytes)):
        raise TypeError(f"`fold_errors` must be an array of shape (n_candidates, k), got {fold_errors!r}")
    errors = np.asarray(fold_errors, dtype=float)
    if errors.ndim != 2 or errors.shape[0] < 1 or errors.shape[1] < 2:
        raise ValueError(f"`fold_errors` needs to be of shape (n_candidates, k) with k >= 2 folds, "
                         f"got {errors.shape}")
    if not np.all(np.isfinite(errors)):
        raise ValueError("`fold_errors` must hold finite numbers (a fold's error is NaN or infinite)")
    means = errors.mean(axis=1)
    best = int(np.argmin(means))
    standard_error = errors[best].std(ddof=1) / math.sqrt(errors.shape[1])
    threshold = float(means[best] + standard_error)
    choice = int(np.flatnonzero(means <= threshold)[0])
    return OneStandardError(choice, threshold)
