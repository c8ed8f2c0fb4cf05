"""The demos of notebook 05 show what course_utils.metrics computes, and their formulas are right."""

import numpy as np
import pytest

from course_utils import metrics
from course_utils.data import breast_cancer_scores
from course_utils.demos.metrics import (
    imbalance_demo,
    pr_curve_at_proportion,
    rates_at_proportion,
    threshold_demo,
)


@pytest.fixture(scope="module")
def classifier():
    return breast_cancer_scores()


def repeat_negatives(y, s, k):
    keep = np.r_[np.flatnonzero(y == 1), np.repeat(np.flatnonzero(y == 0), k)]
    return y[keep], s[keep]


def test_classifier_is_imperfect_but_useful(classifier):
    y, s = classifier
    assert len(y) == 171 and y.sum() == 64
    assert 0.8 < metrics.roc_auc(y, s) < 0.9


@pytest.mark.parametrize("k", [1, 3, 30])
def test_formulas_equal_metrics_on_repeated_negatives(classifier, k):
    """Precision, accuracy and the PR curve at proportion p equal the metrics on data with that p (1e-12)."""
    y, s = classifier
    y_k, s_k = repeat_negatives(y, s, k)
    p = y_k.mean()
    decided = s_k >= 0.5
    tpr, fpr = metrics.recall(y_k, decided), 1 - metrics.specificity(y_k, decided)
    prec, acc = rates_at_proportion(tpr, fpr, p)
    assert abs(prec - metrics.precision(y_k, decided)) < 1e-12
    assert abs(acc - metrics.accuracy(y_k, decided)) < 1e-12
    fpr_c, tpr_c, _ = metrics.roc_curve(y, s)
    ours = pr_curve_at_proportion(fpr_c, tpr_c, p)
    direct = metrics.precision_recall_curve(y_k, s_k)[:2]
    for a, b in zip(ours, direct):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_threshold_demo_moves_and_reports(classifier):
    demo = threshold_demo(*classifier)
    first = demo.image.value
    assert "accuracy <b>0.772</b>" in demo.status.value
    demo.set(threshold=0.53)  # what the browser test does: three steps to the right
    assert demo.image.value != first
    x, y = demo.artists["roc_point"].get_data()
    decided = classifier[1] >= 0.53
    assert (x[0], y[0]) == (1 - metrics.specificity(classifier[0], decided), metrics.recall(classifier[0], decided))
    demo.set(threshold=1.0)
    assert "precision <b>undefined</b>" in demo.status.value
    assert f"accuracy <b>{np.mean(classifier[0] == 0):.3f}</b>" in demo.status.value  # all said negative
    assert demo.artists["cells"]["TP"].get_text() == "TP = 0"


def test_imbalance_demo_shows_the_paradox(classifier):
    demo = imbalance_demo(*classifier)
    first = demo.image.value
    demo.set(proportion=0.40)  # the browser test's poke: three steps of the first slider
    assert demo.image.value != first
    demo.set(proportion=0.02)
    assert "(always negative: <b>0.980</b>)" in demo.status.value
    assert "AUC 0.834" in demo.status.value
