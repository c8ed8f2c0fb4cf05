"""Classification metrics from scratch: the confusion matrix, the rates built on it, ROC and PR curves.

A binary classifier's decisions, compared with the truth, fall into four
counts: true negatives ``tn``, false positives ``fp`` (false alarms, type I
errors), false negatives ``fn`` (misses, type II errors) and true positives
``tp``. Every measure of the lecture is a ratio of these counts:

.. math::

    \\text{specificity} = \\frac{tn}{tn + fp}, \\quad
    \\text{recall} = \\frac{tp}{tp + fn}, \\quad
    \\text{precision} = \\frac{tp}{tp + fp}, \\quad
    \\text{accuracy} = \\frac{tp + tn}{n}.

A classifier that outputs a *score* instead of a decision gives one confusion
matrix per threshold; the ROC and precision-recall curves trace them all.

Labels are 0/1 (or booleans), 1 being the positive class. A ratio whose
denominator is zero (no predicted positives for the precision, no positives
for the recall...) is *undefined*: these functions then warn with
:class:`UndefinedMetricWarning` and return 0.0, as scikit-learn does, unless
``zero_division`` says which value to return. The curves and their areas raise
a ``ValueError`` when they are undefined (only one class in ``y_true``).
Nothing returns NaN unless asked to.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validate import as_float_array, same_shape

__all__ = [
    "UndefinedMetricWarning", "confusion_matrix", "accuracy", "precision", "recall",
    "specificity", "f1", "roc_curve", "roc_auc", "precision_recall_curve",
    "average_precision", "mean_average_precision",
]


class UndefinedMetricWarning(RuntimeWarning):
    """A metric's denominator was zero; the value returned is the ``zero_division`` one."""


# -- inputs ------------------------------------------------------------------------------------
def _labels(value, name: str) -> np.ndarray:
    """1-D binary labels as an int array of 0 and 1, or an error naming ``name``."""
    arr = as_float_array(value, name)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be of shape (n_samples,), got {arr.shape}")
    bad = np.setdiff1d(np.unique(arr), [0.0, 1.0])
    if bad.size:
        raise ValueError(f"`{name}` must hold binary labels 0 and 1 (or booleans), "
                         f"got the value(s) {bad[:5].tolist()}")
    return arr.astype(np.int64)


def _labels_and_scores(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    y_true = _labels(y_true, "y_true")
    y_score = as_float_array(y_score, "y_score")
    if y_score.ndim != 1:
        raise ValueError(f"`y_score` must be of shape (n_samples,), got {y_score.shape}")
    same_shape(y_true, y_score, "y_true", "y_score")
    return y_true, y_score


def _counts(y_true, y_pred) -> tuple[int, int, int, int]:
    tn, fp, fn, tp = confusion_matrix(y_true, y_pred).ravel()
    return int(tn), int(fp), int(fn), int(tp)


def _ratio(numerator: int, denominator: int, zero_division, what: str) -> float:
    """``numerator / denominator``, or the ``zero_division`` value (with a warning if "warn")."""
    if denominator:
        return numerator / denominator
    if isinstance(zero_division, str):
        if zero_division != "warn":
            raise ValueError(f"`zero_division` must be 'warn' or a number, got {zero_division!r}")
        warnings.warn(f"{what}; returning 0.0. Pass zero_division= to choose the value.",
                      UndefinedMetricWarning, stacklevel=3)
        return 0.0
    return float(zero_division)


# -- one decision per sample -------------------------------------------------------------------
def confusion_matrix(y_true, y_pred) -> np.ndarray:
    """The 2x2 confusion matrix ``[[tn, fp], [fn, tp]]``: rows are the truth, columns the decision.

    The layout of :func:`sklearn.metrics.confusion_matrix` with ``labels=[0, 1]``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True labels and decisions, 0/1 or booleans (1 = positive).

    Returns
    -------
    ndarray of shape (2, 2), int

    Examples
    --------
    The lecture's six images (TP, TN, FN, FP, FP, TP):

    >>> confusion_matrix([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1]).tolist()
    [[1, 2], [1, 2]]
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    same_shape(y_true, y_pred, "y_true", "y_pred")
    return np.bincount(2 * y_true + y_pred, minlength=4).reshape(2, 2)


def accuracy(y_true, y_pred) -> float:
    """Fraction of correct decisions, :math:`(tp + tn) / n = 1 - P(\\text{error})`.

    Examples
    --------
    >>> accuracy([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1])
    0.5
    """
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return (tp + tn) / (tn + fp + fn + tp)


def precision(y_true, y_pred, *, zero_division="warn") -> float:
    """Fraction of positive decisions that are right, :math:`tp / (tp + fp)`.

    Undefined when nothing is predicted positive: then ``zero_division`` is
    returned ("warn": 0.0 with an :class:`UndefinedMetricWarning`).

    Examples
    --------
    >>> precision([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1])
    0.5
    >>> precision([1, 0], [0, 0], zero_division=1.0)
    1.0
    """
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tp, tp + fp, zero_division, "precision is undefined: no predicted positives")


def recall(y_true, y_pred, *, zero_division="warn") -> float:
    """Sensitivity, the true positive rate: fraction of positives found, :math:`tp / (tp + fn)`.

    Also called the detection probability :math:`P_D` or power, :math:`1 - \\beta`.
    Undefined when ``y_true`` has no positives (see :func:`precision`).

    Examples
    --------
    >>> round(recall([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1]), 4)
    0.6667
    """
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tp, tp + fn, zero_division, "recall is undefined: no positives in y_true")


def specificity(y_true, y_pred, *, zero_division="warn") -> float:
    """The true negative rate: fraction of negatives called negative, :math:`tn / (tn + fp)`.

    Equal to :math:`1 - P_{FA}`, one minus the false positive rate :math:`\\alpha`.
    Undefined when ``y_true`` has no negatives (see :func:`precision`).

    Examples
    --------
    >>> round(specificity([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1]), 4)
    0.3333
    """
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tn, tn + fp, zero_division, "specificity is undefined: no negatives in y_true")


def f1(y_true, y_pred, *, zero_division="warn") -> float:
    """Harmonic mean of precision and recall, :math:`2\\,tp / (2\\,tp + fp + fn)`.

    Undefined when there are neither positives nor positive decisions.

    Examples
    --------
    >>> round(f1([1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1]), 4)
    0.5714
    """
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(2 * tp, 2 * tp + fp + fn, zero_division,
                  "F1 is undefined: no positives and no predicted positives")


# -- one score per sample: every threshold at once ----------------------------------------------
def _counts_at_thresholds(y_true: np.ndarray, y_score: np.ndarray):
    """False and true positive counts when deciding ``score >= t``, for each distinct score ``t``.

    Thresholds come out in decreasing order. Tied scores share one threshold,
    so ties move the curve diagonally, as in scikit-learn.
    """
    order = np.argsort(-y_score, kind="mergesort")
    y_true, y_score = y_true[order], y_score[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(y_score)), y_true.size - 1]
    tps = np.cumsum(y_true)[last_of_tie]
    fps = last_of_tie + 1 - tps
    return fps, tps, y_score[last_of_tie]


def _both_classes(y_true: np.ndarray, what: str) -> None:
    if y_true.min() == y_true.max():
        raise ValueError(f"{what} is undefined when `y_true` holds only one class "
                         f"(all {int(y_true[0])}): it needs positives and negatives.")


def roc_curve(y_true, y_score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The receiver operating characteristic: true against false positive rate, at every threshold.

    Deciding "positive" when ``y_score >= t``, for every distinct score ``t``:

    .. math::

        \\mathrm{FPR}(t) = \\frac{fp(t)}{\\#\\,\\text{negatives}}, \\qquad
        \\mathrm{TPR}(t) = \\frac{tp(t)}{\\#\\,\\text{positives}}.

    Every distinct score gives a point (this equals scikit-learn's
    ``roc_curve(..., drop_intermediate=False)``; scikit-learn by default drops
    the points on straight segments, which leaves the area unchanged). A first
    threshold ``inf`` adds the point (0, 0), where nothing is called positive.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, 0/1 or booleans; both classes must occur.
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning "more positive" (probabilities or not).

    Returns
    -------
    fpr, tpr : ndarray of shape (n_thresholds + 1,)
        Increasing rates, from (0, 0) to (1, 1).
    thresholds : ndarray of shape (n_thresholds + 1,)
        Decreasing: ``inf``, then the distinct scores.

    Raises
    ------
    ValueError
        If ``y_true`` holds only one class (a rate would divide by zero).

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    y_true, y_score = _labels_and_scores(y_true, y_score)
    _both_classes(y_true, "The ROC curve")
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score)
    fpr = np.r_[0, fps] / fps[-1]
    tpr = np.r_[0, tps] / tps[-1]
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve, by the trapezoidal rule.

    .. math::

        \\mathrm{AUC} = \\sum_k \\tfrac{1}{2}\\,(\\mathrm{FPR}_k - \\mathrm{FPR}_{k-1})
        (\\mathrm{TPR}_k + \\mathrm{TPR}_{k-1})
        = P(s^+ > s^-) + \\tfrac{1}{2} P(s^+ = s^-),

    the probability that a random positive scores above a random negative,
    ties counting half. 0.5 is guessing, 1 a perfect ranking.

    Raises
    ------
    ValueError
        If ``y_true`` holds only one class.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def precision_recall_curve(y_true, y_score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision against recall at every threshold, as :func:`sklearn.metrics.precision_recall_curve`.

    Deciding "positive" when ``y_score >= t``:

    .. math::

        P(t) = \\frac{tp(t)}{tp(t) + fp(t)}, \\qquad R(t) = \\frac{tp(t)}{\\#\\,\\text{positives}}.

    Returns
    -------
    precision, recall : ndarray of shape (n_thresholds + 1,)
        At increasing thresholds; the last point is (recall 0, precision 1),
        where nothing is called positive, by convention.
    thresholds : ndarray of shape (n_thresholds,)
        The distinct scores, increasing.

    Raises
    ------
    ValueError
        If ``y_true`` has no positives (the recall would divide by zero).

    Examples
    --------
    >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> p.round(3).tolist(), r.tolist(), t.tolist()
    ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    y_true, y_score = _labels_and_scores(y_true, y_score)
    if not y_true.any():
        raise ValueError("The precision-recall curve is undefined when `y_true` has no "
                         "positives (all 0): the recall would divide by zero.")
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score)
    precision = tps / (tps + fps)  # tps + fps >= 1: each threshold is a score
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(y_true, y_score) -> float:
    """Average precision (AP): the precision averaged over the recall levels reached.

    .. math::

        \\mathrm{AP} = \\sum_n (R_n - R_{n-1})\\, P_n,

    the area under the precision-recall step curve, without interpolation
    (as :func:`sklearn.metrics.average_precision_score`). A random ranking
    scores about the fraction of positives; a perfect one scores 1.

    Raises
    ------
    ValueError
        If ``y_true`` has no positives.

    Examples
    --------
    >>> round(average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def mean_average_precision(y_true, y_score) -> float:
    """mAP: the average precision of each class against the rest, averaged over the classes.

    .. math::

        \\mathrm{mAP} = \\frac{1}{K} \\sum_{k=1}^{K} \\mathrm{AP}_k,

    where :math:`\\mathrm{AP}_k` ranks all samples by ``y_score[:, k]`` and
    counts class ``k`` as positive (one-vs-rest). Equals scikit-learn's
    ``average_precision_score(y_true, y_score, average="macro")``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class indices 0 .. K-1; every class must occur.
    y_score : array-like of shape (n_samples, K)
        One score per class (e.g. predicted probabilities).

    Examples
    --------
    >>> y = [0, 0, 1, 1, 2, 2]
    >>> scores = [[.7, .2, .1], [.4, .3, .3], [.1, .8, .1], [.2, .3, .5], [.4, .4, .2], [.1, .2, .7]]
    >>> round(mean_average_precision(y, scores), 4)
    0.7778
    """
    y_score = as_float_array(y_score, "y_score")
    if y_score.ndim != 2:
        raise ValueError(f"`y_score` must be of shape (n_samples, n_classes), got {y_score.shape}")
    y_true = as_float_array(y_true, "y_true")
    if y_true.shape != y_score.shape[:1]:
        raise ValueError(f"`y_true` must be of shape ({y_score.shape[0]},) to match `y_score` "
                         f"{y_score.shape}, got {y_true.shape}")
    n_classes = y_score.shape[1]
    missing = sorted(set(range(n_classes)) - set(y_true.tolist()))
    if missing or np.any(y_true != np.round(y_true)) or y_true.min() < 0 or y_true.max() >= n_classes:
        raise ValueError(f"`y_true` must hold every class index 0 .. {n_classes - 1} (one per "
                         f"column of `y_score`) and nothing else; missing {missing[:5]}")
    return float(np.mean([average_precision(y_true == k, y_score[:, k]) for k in range(n_classes)]))
