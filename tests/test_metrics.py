import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import metrics
from course_utils.metrics import UndefinedMetricWarning

SIX_TRUE = [1, 0, 1, 0, 0, 1]  # the lecture's six images: TP, TN, FN, FP, FP, TP
SIX_PRED = [1, 0, 0, 1, 1, 1]


@st.composite
def labels_and_scores(draw, min_size=2, max_size=40, both_classes=True):
    """0/1 labels and scores with many ties (scores take few distinct values)."""
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if both_classes:
        i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        y[i], y[j] = 0, 1
    levels = draw(st.integers(1, 12))
    scores = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n)), float)
    scale = draw(st.sampled_from([1.0, 0.1, 1 / 3, -7.5]))
    return y, scores * scale


@st.composite
def labels_and_decisions(draw):
    n = draw(st.integers(1, 40))
    pair = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    return np.array(draw(pair)), np.array(draw(pair))


# -- against scikit-learn ---------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(data=labels_and_scores())
def test_roc_auc_equals_sklearn_with_ties(data):
    """roc_auc equals sklearn.metrics.roc_auc_score to 1e-12 absolute, scores with ties."""
    y, s = data
    assert abs(metrics.roc_auc(y, s) - skm.roc_auc_score(y, s)) <= 1e-12


@settings(max_examples=200, deadline=None)
@given(data=labels_and_scores(both_classes=False, min_size=1))
def test_average_precision_equals_sklearn_with_ties(data):
    """average_precision equals sklearn.metrics.average_precision_score to 1e-12, ties included."""
    y, s = data
    if not y.any():
        y[0] = 1  # at least one positive; all-positive is allowed
    assert abs(metrics.average_precision(y, s) - skm.average_precision_score(y, s)) <= 1e-12


@settings(max_examples=40, deadline=None)
@given(data=labels_and_scores())
def test_curves_equal_sklearn(data):
    """Our curves equal sklearn's with drop_intermediate=False, to 1e-12 (thresholds exactly)."""
    y, s = data
    for ours, theirs in zip(metrics.roc_curve(y, s), skm.roc_curve(y, s, drop_intermediate=False)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(metrics.precision_recall_curve(y, s), skm.precision_recall_curve(y, s)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(data=labels_and_scores())
def test_auc_is_the_probability_a_positive_outranks_a_negative(data):
    """AUC = P(s+ > s-) + P(s+ = s-) / 2 over all pairs, to 1e-12."""
    y, s = data
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    pairs = np.mean((pos > neg) + 0.5 * (pos == neg))
    assert abs(metrics.roc_auc(y, s) - pairs) <= 1e-12


@settings(max_examples=60, deadline=None)
@given(data=labels_and_decisions())
def test_decision_metrics_equal_sklearn(data):
    """Confusion matrix exactly, the rates to 1e-12, against sklearn (zero_division=0 both sides)."""
    y, p = data
    np.testing.assert_array_equal(metrics.confusion_matrix(y, p), skm.confusion_matrix(y, p, labels=[0, 1]))
    assert metrics.accuracy(y, p) == pytest.approx(skm.accuracy_score(y, p), abs=1e-12)
    for ours, theirs in [(metrics.precision, skm.precision_score), (metrics.recall, skm.recall_score),
                         (metrics.f1, skm.f1_score)]:
        assert ours(y, p, zero_division=0.0) == pytest.approx(theirs(y, p, zero_division=0.0), abs=1e-12)
    # specificity is the recall of the negative class
    assert metrics.specificity(y, p, zero_division=0.0) == pytest.approx(
        skm.recall_score(y, p, pos_label=0, zero_division=0.0), abs=1e-12)


def test_mean_average_precision_equals_sklearn_macro():
    """mAP equals sklearn's macro average_precision_score to 1e-12 (digits-like, 5 classes)."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = np.r_[np.arange(5), rng.integers(0, 5, 60)]
        scores = rng.integers(0, 6, size=(65, 5)) / 5  # ties
        assert abs(metrics.mean_average_precision(y, scores)
                   - skm.average_precision_score(y, scores, average="macro")) <= 1e-12


# -- the lecture's example --------------------------------------------------------------------
def test_six_images():
    assert metrics.confusion_matrix(SIX_TRUE, SIX_PRED).tolist() == [[1, 2], [1, 2]]
    assert metrics.specificity(SIX_TRUE, SIX_PRED) == 1 / 3
    assert metrics.recall(SIX_TRUE, SIX_PRED) == 2 / 3
    assert metrics.precision(SIX_TRUE, SIX_PRED) == 2 / 4
    assert metrics.accuracy(SIX_TRUE, SIX_PRED) == 3 / 6


def test_booleans_and_float_labels_accepted():
    t, p = np.array(SIX_TRUE, bool), np.array(SIX_PRED, float)
    assert metrics.confusion_matrix(t, p).tolist() == [[1, 2], [1, 2]]
    assert metrics.roc_auc(t, [0.9, 0.1, 0.2, 0.8, 0.7, 0.95]) == metrics.roc_auc(SIX_TRUE, [0.9, 0.1, 0.2, 0.8, 0.7, 0.95])


def test_roc_endpoints_and_perfect_scores():
    fpr, tpr, thr = metrics.roc_curve([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1) and thr[0] == np.inf
    assert metrics.roc_auc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]) == 1.0
    assert metrics.roc_auc([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]) == 0.0
    assert metrics.roc_auc([0, 1, 0, 1], [0.5] * 4) == 0.5
    assert metrics.average_precision([1, 1, 1], [0.1, 0.5, 0.2]) == 1.0


# -- undefined cases: a warning with a documented value, or an error ---------------------------
@pytest.mark.parametrize("func, y, p", [
    (metrics.precision, [1, 0], [0, 0]),       # no predicted positives
    (metrics.recall, [0, 0], [1, 0]),          # no positives
    (metrics.specificity, [1, 1], [1, 0]),     # no negatives
    (metrics.f1, [0, 0], [0, 0]),              # neither
])
def test_undefined_rates_warn_and_return_the_documented_value(func, y, p):
    with pytest.warns(UndefinedMetricWarning, match="undefined"):
        assert func(y, p) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert func(y, p, zero_division=1.0) == 1.0
    with pytest.raises(ValueError, match="`zero_division`"):
        func(y, p, zero_division="nan")


@pytest.mark.parametrize("func", [metrics.roc_curve, metrics.roc_auc])
@pytest.mark.parametrize("y", [[0, 0, 0], [1, 1, 1]])
def test_roc_with_one_class_raises(func, y):
    with pytest.raises(ValueError, match="only one class"):
        func(y, [0.1, 0.2, 0.3])


@pytest.mark.parametrize("func", [metrics.precision_recall_curve, metrics.average_precision])
def test_pr_without_positives_raises(func):
    with pytest.raises(ValueError, match="no positives"):
        func([0, 0, 0], [0.1, 0.2, 0.3])


# -- bad inputs name the argument -------------------------------------------------------------
def test_bad_inputs():
    with pytest.raises(ValueError, match=r"`y_true` must hold binary labels 0 and 1.*\[2\.0\]"):
        metrics.accuracy([0, 2], [0, 1])
    with pytest.raises(ValueError, match="`y_pred` must hold binary labels"):
        metrics.precision([0, 1], [0.5, 1])
    with pytest.raises(ValueError, match=r"`y_true` and `y_pred` must have the same shape, got \(2,\) and \(3,\)"):
        metrics.confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"`y_score` must be of shape \(n_samples,\), got \(3, 2\)"):
        metrics.roc_auc([0, 1, 1], np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"`y_true` must be of shape \(n_samples,\)"):
        metrics.recall([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="`y_score` contains NaN"):
        metrics.roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="`y_true` must not be empty"):
        metrics.accuracy([], [])
    with pytest.raises(TypeError, match="`y_true`"):
        metrics.accuracy("01", [0, 1])
    with pytest.raises(ValueError, match=r"`y_score` must be of shape \(n_samples, n_classes\)"):
        metrics.mean_average_precision([0, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"missing \[2\]"):
        metrics.mean_average_precision([0, 1, 1], np.ones((3, 3)))
