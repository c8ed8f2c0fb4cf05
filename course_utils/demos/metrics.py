"""Demos of notebook 05, classification metrics: move a threshold, change the class proportion.

Both demos show a real classifier: a logistic regression that sees two of the
30 measurements of scikit-learn's breast-cancer data (mean texture and mean
symmetry), so that it makes mistakes worth looking at. The positive class is
*malignant*.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from ..data import breast_cancer_scores
from ..metrics import (
    accuracy,
    average_precision,
    confusion_matrix,
    f1,
    precision,
    precision_recall_curve,
    recall,
    roc_auc,
    roc_curve,
    specificity,
)
from ..plotting import COLORS
from ..widgets import LivePlot, slider

__all__ = ["rates_at_proportion", "pr_curve_at_proportion", "threshold_demo",
           "imbalance_demo"]





def _fmt(value: float) -> str:
    return "undefined" if np.isnan(value) else f"{value:.3f}"


def threshold_demo(y_true: np.ndarray | None = None, y_score: np.ndarray | None = None,
                   threshold: float = 0.5) -> LivePlot:
    """One threshold on the scores: its confusion matrix, its point on the ROC and PR curves.

    A sample is called positive when its score is at least the threshold. Every
    metric is recomputed from the confusion matrix with :mod:`course_utils.metrics`
    at each move; a metric whose denominator is zero is shown as "undefined".
    """
    if y_true is None or y_score is None:
        y_true, y_score = breast_cancer_scores()
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    fpr_curve, tpr_curve, _ = roc_curve(y_true, y_score)
    prec_curve, rec_curve, _ = precision_recall_curve(y_true, y_score)
    auc, ap = roc_auc(y_true, y_score), average_precision(y_true, y_score)
    bins = np.linspace(0, 1, 26)
    undefined = float("nan")

    def draw(fig):
        grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1])
        ax_hist, ax_cm = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        ax_roc, ax_pr = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])

        ax_hist.hist(y_score[y_true == 0], bins=bins, alpha=0.6, color=COLORS["blue"],
                     label="negatives (benign)")
        ax_hist.hist(y_score[y_true == 1], bins=bins, alpha=0.6, color=COLORS["orange"],
                     label="positives (malignant)")
        ax_hist.set(xlim=(0, 1), xlabel="score: predicted P(malignant)", ylabel="test samples",
                    title="Scores; positive if score ≥ threshold")
        line = ax_hist.axvline(threshold, color=COLORS["black"], lw=2, label="threshold")
        ax_hist.legend(loc="upper right", fontsize=9)

        # The cells are coloured by kind, not by count: right decisions green, errors orange.
        ax_cm.imshow([[0, 1], [1, 0]], cmap=ListedColormap(["#CDEBE1", "#F8E1B4"]), vmin=0, vmax=1)
        ax_cm.set(xticks=[0, 1], yticks=[0, 1], xticklabels=["0", "1"],
                  yticklabels=["0 (benign)", "1 (malignant)"], xlabel="decision", ylabel="truth",
                  title="Confusion matrix")
        ax_cm.grid(False)
        names = [["TN", "FP"], ["FN", "TP"]]
        cells = {names[i][j]: ax_cm.text(j, i, "", ha="center", va="center", fontsize=12)
                 for i in range(2) for j in range(2)}

        ax_roc.plot(fpr_curve, tpr_curve, color=COLORS["blue"], label=f"ROC, AUC = {auc:.3f}")
        ax_roc.plot([0, 1], [0, 1], ":", color="grey", lw=1, label="guessing")
        roc_point, = ax_roc.plot([], [], "o", color=COLORS["vermillion"], ms=9, mec="black",
                                 label="this threshold")
        ax_roc.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="false positive rate (1 − specificity)",
                   ylabel="true positive rate (recall)", title="ROC curve")
        ax_roc.legend(loc="lower right", fontsize=9)

        ax_pr.step(rec_curve, prec_curve, where="post", color=COLORS["green"],
                   label=f"PR, AP = {ap:.3f}")
        ax_pr.axhline(y_true.mean(), ls=":", color="grey", lw=1, label="guessing")
        pr_point, = ax_pr.plot([], [], "o", color=COLORS["vermillion"], ms=9, mec="black")
        ax_pr.set(xlim=(-0.02, 1.02), ylim=(0, 1.04), xlabel="recall", ylabel="precision",
                  title="Precision-recall curve")
        # below the guessing line (the share of positives, 0.37); the threshold's dot is in the ROC's legend
        ax_pr.legend(loc="lower left", fontsize=9)
        note = ax_pr.text(0.5, 0.5, "", transform=ax_pr.transAxes, ha="center", va="center",
                          color=COLORS["vermillion"], fontsize=11)
        return {"line": line, "cells": cells, "roc_point": roc_point,
                "pr_point": pr_point, "note": note}

    def update(artists, threshold):
        y_pred = y_score >= threshold
        cm = confusion_matrix(y_true, y_pred)
        for (name, text), count in zip(artists["cells"].items(), cm.ravel()):
            text.set_text(f"{name} = {count}")
        artists["line"].set_xdata([threshold, threshold])
        rec = recall(y_true, y_pred)
        spec = specificity(y_true, y_pred)
        prec = precision(y_true, y_pred, zero_division=undefined)
        artists["roc_point"].set_data([1 - spec], [rec])
        if np.isnan(prec):
            artists["pr_point"].set_data([], [])
            artists["note"].set_text("no predicted positives:\nprecision undefined")
        else:
            artists["pr_point"].set_data([rec], [prec])
            artists["note"].set_text("")
        return (f"threshold {threshold:.2f}: accuracy <b>{accuracy(y_true, y_pred):.3f}</b>, "
                f"precision <b>{_fmt(prec)}</b>, recall <b>{rec:.3f}</b>, "
                f"specificity <b>{spec:.3f}</b>, F1 <b>{_fmt(f1(y_true, y_pred, zero_division=undefined))}</b>")

    controls = {"threshold": slider(threshold, 0.0, 1.0, 0.01, "threshold on P(malignant)")}
    demo = LivePlot(draw, update, controls, figsize=(8.0, 5.0),
                    title="Move the threshold: confusion matrix, ROC and PR point")
    # as wide as the figure: a track of about 530 px, some 5 px a step
    controls["threshold"].layout.width, controls["threshold"].layout.max_width = "100%", "800px"
    return demo


def rates_at_proportion(tpr, fpr, proportion) -> tuple[np.ndarray, np.ndarray]:
    """Precision and accuracy of a classifier with rates (TPR, FPR) when a fraction ``proportion`` is positive.

    Arguments broadcast: a curve at one proportion, or one point at many proportions.

    .. math::

        \\text{precision} = \\frac{p\\,\\mathrm{TPR}}{p\\,\\mathrm{TPR} + (1 - p)\\,\\mathrm{FPR}},
        \\qquad \\text{accuracy} = p\\,\\mathrm{TPR} + (1 - p)(1 - \\mathrm{FPR}).

    Precision is NaN where nothing is called positive (TPR = FPR = 0): undefined.

    Examples
    --------
    >>> prec, acc = rates_at_proportion(np.array([0.8]), np.array([0.1]), 0.5)
    >>> round(float(prec[0]), 4), round(float(acc[0]), 4)
    (0.8889, 0.85)
    """
    tpr, fpr = np.asarray(tpr, dtype=float), np.asarray(fpr, dtype=float)
    proportion = np.asarray(proportion, dtype=float)
    called_positive = proportion * tpr + (1 - proportion) * fpr
    safe = np.where(called_positive > 0, called_positive, 1.0)
    prec = np.where(called_positive > 0, proportion * tpr / safe, np.nan)
    return prec, proportion * tpr + (1 - proportion) * (1 - fpr)


def pr_curve_at_proportion(fpr, tpr, proportion: float) -> tuple[np.ndarray, np.ndarray]:
    """The precision-recall curve of a ROC curve ``(fpr, tpr)`` when a fraction ``proportion`` is positive.

    Takes the output of :func:`course_utils.metrics.roc_curve` (first point
    (0, 0)) and returns ``(precision, recall)`` in the order of
    :func:`course_utils.metrics.precision_recall_curve`: increasing thresholds,
    then the point (recall 0, precision 1).

    Examples
    --------
    >>> prec, rec = pr_curve_at_proportion(np.array([0, 0, 0.5, 1]), np.array([0, 0.5, 1, 1]), 0.5)
    >>> prec.round(3).tolist(), rec.tolist()
    ([0.5, 0.667, 1.0, 1.0], [1.0, 1.0, 0.5, 0.0])
    """
    prec, _ = rates_at_proportion(np.asarray(tpr)[1:], np.asarray(fpr)[1:], proportion)
    return np.r_[prec[::-1], 1.0], np.r_[np.asarray(tpr, dtype=float)[1:][::-1], 0.0]


def imbalance_demo(y_true: np.ndarray | None = None, y_score: np.ndarray | None = None,
                   proportion: float = 0.37, threshold: float = 0.5,
                   population: int = 10_000) -> LivePlot:
    """The same classifier in populations where a fraction ``proportion`` is positive.

    The classifier's rates (TPR, FPR at each threshold) are measured on the test
    set; they do not depend on the proportion, so neither does the ROC curve.
    Accuracy and precision do: the figure shows them, the "always negative"
    classifier's accuracy, and the precision-recall curve, for a population of
    ``population`` people.
    """
    if y_true is None or y_score is None:
        y_true, y_score = breast_cancer_scores()
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    fpr_curve, tpr_curve, _ = roc_curve(y_true, y_score)
    auc = roc_auc(y_true, y_score)
    props = np.linspace(0.0, 1.0, 101)

    def rates(threshold):
        y_pred = y_score >= threshold
        return recall(y_true, y_pred), 1 - specificity(y_true, y_pred)

    def draw(fig):
        ax_acc, ax_roc, ax_pr = fig.subplots(1, 3)
        ax_acc.plot(props, 1 - props, color=COLORS["black"], ls="--", label='"always negative"')
        acc_line, = ax_acc.plot([], [], color=COLORS["blue"], label="our classifier")
        prec_line, = ax_acc.plot([], [], color=COLORS["green"], label="its precision")
        marker = ax_acc.axvline(proportion, color=COLORS["vermillion"], lw=1.5)
        dots, = ax_acc.plot([], [], "o", color=COLORS["vermillion"], mec="black", ms=7)
        ax_acc.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="proportion of positives p",
                   ylabel="accuracy or precision", title="Accuracy depends on p")
        ax_acc.legend(loc="lower left", fontsize=8)

        ax_roc.plot(fpr_curve, tpr_curve, color=COLORS["blue"], label=f"AUC = {auc:.3f} for every p")
        ax_roc.plot([0, 1], [0, 1], ":", color="grey", lw=1)
        roc_point, = ax_roc.plot([], [], "o", color=COLORS["vermillion"], ms=8, mec="black")
        ax_roc.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="false positive rate",
                   ylabel="true positive rate", title="ROC: the same for every p")
        ax_roc.legend(loc="lower right", fontsize=8)

        pr_curve, = ax_pr.step([], [], where="post", color=COLORS["green"])
        baseline, = ax_pr.plot([0, 1], [proportion] * 2, ":", color="grey", lw=1, label="guessing (= p)")
        pr_point, = ax_pr.plot([], [], "o", color=COLORS["vermillion"], ms=8, mec="black")
        ax_pr.set(xlim=(-0.02, 1.02), ylim=(0, 1.04), xlabel="recall", ylabel="precision",
                  title="Precision-recall at p")
        ap_text = ax_pr.text(0.97, 0.97, "", transform=ax_pr.transAxes, ha="right", va="top",
                             fontsize=10)
        ax_pr.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=8)
        return {"acc_line": acc_line, "prec_line": prec_line, "marker": marker, "dots": dots,
                "roc_point": roc_point,
                "pr_curve": pr_curve, "baseline": baseline, "pr_point": pr_point, "ap_text": ap_text}

    def update(artists, proportion, threshold):
        tpr, fpr = rates(threshold)
        prec_p, acc_p = rates_at_proportion(tpr, fpr, props)  # every p at once
        artists["acc_line"].set_data(props, acc_p)
        artists["prec_line"].set_data(props, prec_p)
        artists["marker"].set_xdata([proportion, proportion])
        acc_here = rates_at_proportion(tpr, fpr, proportion)[1]
        artists["dots"].set_data([proportion, proportion], [acc_here, 1 - proportion])
        artists["roc_point"].set_data([fpr], [tpr])

        prec_curve, rec_curve = pr_curve_at_proportion(fpr_curve, tpr_curve, proportion)
        ap = float(-np.sum(np.diff(rec_curve) * prec_curve[:-1]))
        artists["pr_curve"].set_data(rec_curve, prec_curve)
        artists["baseline"].set_ydata([proportion, proportion])
        prec, acc = (float(v[0]) for v in rates_at_proportion([tpr], [fpr], proportion))
        artists["pr_point"].set_data(([tpr], [prec]) if np.isfinite(prec) else ([], []))
        artists["ap_text"].set_text(f"AP = {ap:.3f}")

        n_pos = proportion * population
        counts = (f"of {population:,}: {n_pos:,.0f} positive; expected TP {n_pos * tpr:,.0f}, "
                  f"FP {(population - n_pos) * fpr:,.0f}")
        return (f"p = {proportion:.2f}, threshold {threshold:.2f}: accuracy <b>{acc:.3f}</b> "
                f'(always negative: <b>{1 - proportion:.3f}</b>), precision <b>{_fmt(prec)}</b>, '
                f"recall <b>{tpr:.3f}</b>, AP <b>{ap:.3f}</b>, AUC {auc:.3f}<br>{counts}")

    controls = {"proportion": slider(proportion, 0.01, 0.99, 0.01, "proportion of positives p"),
                "threshold": slider(threshold, 0.0, 1.0, 0.01, "threshold on P(malignant)")}
    demo = LivePlot(draw, update, controls, figsize=(10.0, 3.5),
                    title="Class imbalance: accuracy's paradox")
    for control in controls.values():  # two in a row of 930 px, each track about 190 px
        control.layout.width = "460px"
    return demo
