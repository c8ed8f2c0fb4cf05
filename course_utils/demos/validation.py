"""Demos of notebook 06, overfitting and cross-validation, and the small models they train.

The data is the classic curve-fitting toy: :math:`y = \\sin(3x) + \\varepsilon` with
:math:`x` uniform on :math:`[-1, 1]` and Gaussian noise :math:`\\varepsilon` of
standard deviation ``noise``. Two models whose size is one number:

- :class:`PolynomialRegression`, :math:`\\hat y = \\sum_{j=0}^{d} w_j P_j(x)`
  fitted by least squares (``P_j`` are Legendre polynomials, the same
  functions as :math:`1, x, \\ldots, x^d` but better conditioned);
- :class:`NetworkRegression`, one hidden layer of ``width`` tanh units trained by
  full-batch Adam on the mean squared error plus a weight decay.

Both follow scikit-learn's ``fit`` / ``predict`` / ``score`` convention, so
:func:`course_utils.validation.cross_validate` can train them fold by fold.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import ListedColormap

from ..curve_fitting import NetworkRegression, PolynomialRegression, model_mse
from ..data import noisy_sine, true_function
from ..notebook import session_seed
from ..plotting import COLORS
from ..validation import k_fold_indices
from ..widgets import LivePlot, slider

__all__ = ["overfitting_demo", "network_demo", "k_fold_demo"]

#: Seed of the demos' test data (their training data use noisy_sine's default seed, 0).
TEST_SEED = 1
#: The largest training set the demos draw (the first ``n`` of these are used).
MAX_POINTS = 100
#: Errors are drawn on a log scale between these values.
ERROR_FLOOR, ERROR_CEIL = 1e-3, 1e3
















class _AtStep:
    """A trained :class:`NetworkRegression` seen as it was after ``step`` steps."""

    def __init__(self, net: NetworkRegression, step: int) -> None:
        self.net, self.step = net, step

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.net.predict(X, self.step)


# -- drawing helpers ------------------------------------------------------------------------------
def _data_axes(ax, title: str):
    """The left panel: the true curve, and empty artists for the data and the fit."""
    grid = np.linspace(-1, 1, 400)
    ax.set(xlim=(-1.05, 1.05), ylim=(-2.5, 2.5), xlabel="x", ylabel="y", title=title)
    ax.plot(grid, true_function(grid), "--", color="grey", lw=1.2, label="true curve sin(3x)")
    test, = ax.plot([], [], "o", ms=3.5, mfc="none", color=COLORS["orange"], alpha=0.7,
                    label="test data (not trained on)")
    train, = ax.plot([], [], "o", color=COLORS["black"], ms=6, label="training data")
    fit, = ax.plot(grid, 0 * grid, color=COLORS["blue"], label="fitted model")
    ax.legend(loc="lower right", fontsize=8)
    return grid, {"train": train, "test": test, "fit": fit}


def _error_axes(ax, xlabel: str, title: str, markers: bool = True):
    ax.set(yscale="log", ylim=(ERROR_FLOOR, ERROR_CEIL), xlabel=xlabel,
           ylabel="mean squared error", title=title)
    train, = ax.plot([], [], "o-" if markers else "-", ms=4, color=COLORS["blue"],
                     label="training error")
    test, = ax.plot([], [], "s-" if markers else "-", ms=4, color=COLORS["vermillion"],
                    label="test error")
    floor = ax.axhline(np.nan, color="grey", ls=":", lw=1.2, label="noise² (best possible)")
    now = ax.axvline(0, color=COLORS["black"], lw=1, alpha=0.6)
    ax.legend(loc="upper left", fontsize=8)
    return {"train_curve": train, "test_curve": test, "floor": floor, "now": now}


def _clip(errors: np.ndarray) -> np.ndarray:
    return np.clip(errors, ERROR_FLOOR, ERROR_CEIL)


def _error(value: float) -> str:
    return "0" if value < 1e-12 else f"{value:.3g}"  # not 6.2e-31: that is rounding noise


def _errors_text(train: float, test: float) -> str:
    return f"training MSE {_error(train)}, test MSE {_error(test)}"


# -- the demos ------------------------------------------------------------------------------------
def overfitting_demo(degree: int = 3, points: int = 15, noise: float = 0.3,
                     max_degree: int = 15) -> LivePlot:
    """Polynomial curve fitting: the fit, its training and test error, and the U-shaped test error.

    Left, the training points, a fixed test set, the true curve and the fitted
    polynomial; right, training and test error for every degree from 0 to
    ``max_degree`` (the current one marked).
    """
    x_test, y_test = noisy_sine(500, noise=1.0, seed=TEST_SEED)
    z_test = y_test - true_function(x_test)  # noise of size 1, scaled below
    degrees = np.arange(max_degree + 1)

    def draw(fig):
        ax, ax_err = fig.subplots(1, 2)
        grid, artists = _data_axes(ax, "The fit")
        artists["grid"] = grid
        artists["text"] = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top", fontsize=9)
        ax_err.set_xlim(-0.5, max_degree + 0.5)
        artists.update(_error_axes(ax_err, "polynomial degree", "Error against model size"))
        return artists

    def update(artists, degree, points, noise):
        x, y = noisy_sine(points, noise)
        yt = true_function(x_test) + noise * z_test
        train_err, test_err = np.empty(len(degrees)), np.empty(len(degrees))
        for d in degrees:
            model = PolynomialRegression(int(d)).fit(x, y)
            train_err[d], test_err[d] = model_mse(model, x, y), model_mse(model, x_test, yt)
            if d == degree:
                artists["fit"].set_ydata(model.predict(artists["grid"]))
        artists["train"].set_data(x, y)
        artists["test"].set_data(x_test[:150], yt[:150])
        artists["train_curve"].set_data(degrees, _clip(train_err))
        artists["test_curve"].set_data(degrees, _clip(test_err))
        artists["floor"].set_ydata([max(noise ** 2, ERROR_FLOOR)] * 2)
        artists["now"].set_xdata([degree, degree])
        best = int(np.argmin(test_err))
        artists["text"].set_text(f"degree {degree}, {points} points\n"
                                 f"{_errors_text(train_err[degree], test_err[degree])}")
        note = " (it passes through every training point)" if degree >= points - 1 else ""
        return (f"degree {degree}: {_errors_text(train_err[degree], test_err[degree])}{note}; "
                f"the lowest test error is at degree <b>{best}</b>")

    controls = {"degree": _int_slider(degree, 0, max_degree, "polynomial degree"),
                "points": _int_slider(points, 5, MAX_POINTS, "training points"),
                "noise": slider(noise, 0.0, 1.0, 0.05, "noise (std)")}
    return LivePlot(draw, update, controls, figsize=(9.5, 4.0),
                    title="Overfitting: fit a polynomial to noisy data", kind="retrain")


#: How many trained networks :func:`network_demo` keeps (at width 100, 2,000 steps: 5 MB each).
RUNS_KEPT = 4


def network_demo(width: int = 50, stop_after: int = 2000, points: int = 15, noise: float = 0.3,
                 weight_decay: float = 1e-6, max_steps: int = 2000) -> LivePlot:
    """A one-hidden-layer network fitted to the same data: width, early stopping, weight decay.

    Left, the network after ``stop_after`` Adam steps; right, training and
    test error after every step of the run (the current step marked). Moving
    only "stop after" reuses the run; the last few runs are kept (the frame
    cache draws frames of several widths in turn).
    """
    x_test, y_test = noisy_sine(200, noise=1.0, seed=TEST_SEED)
    z_test = y_test - true_function(x_test)
    runs: dict = {}  # (width, points, noise, weight decay) -> run, the most recent last

    def run_for(width, points, noise, weight_decay):
        key = (width, points, noise, weight_decay)
        if key in runs:
            runs[key] = runs.pop(key)
            return runs[key]
        x, y = noisy_sine(points, noise)
        yt = true_function(x_test) + noise * z_test
        net = NetworkRegression(width, weight_decay, max_iter=max_steps).fit(x, y)
        steps = np.unique(np.linspace(0, net.steps_, 121).astype(int))  # enough for the curves
        runs[key] = dict(net=net, x=x, y=y, yt=yt, steps=steps,
                         train=net.error_curve(x, y, steps), test=net.error_curve(x_test, yt, steps))
        while len(runs) > RUNS_KEPT:
            runs.pop(next(iter(runs)))
        return runs[key]

    def draw(fig):
        ax, ax_err = fig.subplots(1, 2)
        grid, artists = _data_axes(ax, "The network's fit")
        artists["grid"] = grid
        artists["text"] = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top", fontsize=9)
        ax_err.set_xlim(0, max_steps)
        artists.update(_error_axes(ax_err, "Adam step (full batch)", "Error during training", markers=False))
        artists["ax_err"] = ax_err
        return artists

    def update(artists, width, stop_after, points, noise, weight_decay):
        last = run_for(width, points, noise, weight_decay)
        net, x, y, yt, steps = last["net"], last["x"], last["y"], last["yt"], last["steps"]
        step = min(stop_after, net.steps_)
        artists["fit"].set_ydata(net.predict(artists["grid"], step))
        artists["train"].set_data(x, y)
        artists["test"].set_data(x_test[:150], yt[:150])
        artists["train_curve"].set_data(steps, _clip(last["train"]))
        artists["test_curve"].set_data(steps, _clip(last["test"]))
        artists["floor"].set_ydata([max(noise ** 2, ERROR_FLOOR)] * 2)
        artists["now"].set_xdata([step, step])
        train_err = model_mse(_AtStep(net, step), x, y)
        test_err = model_mse(_AtStep(net, step), x_test, yt)
        best = int(steps[np.argmin(last["test"])])
        artists["text"].set_text(f"{width} hidden units, step {step}\n{_errors_text(train_err, test_err)}")
        return (f"{width} tanh units, weight decay {weight_decay:.1e}, after {step} steps: "
                f"{_errors_text(train_err, test_err)}; the lowest test error was near step <b>{best}</b>")

    import ipywidgets as W

    controls = {
        "width": _int_slider(width, 1, 100, "hidden units (width)"),
        "stop_after": _int_slider(stop_after, 0, max_steps, "stop after (steps)"),
        "points": _int_slider(points, 5, 60, "training points"),
        "noise": slider(noise, 0.0, 1.0, 0.05, "noise (std)"),
        "weight_decay": W.FloatLogSlider(value=weight_decay, base=10, min=-6, max=0, step=0.25,
                                         description="weight decay λ", readout_format=".1e",
                                         style={"description_width": "initial"}),
    }
    demo = LivePlot(draw, update, controls, figsize=(9.5, 4.0),
                    title="Overfitting: a small network trained on noisy data", kind="retrain")
    for control in controls.values():  # two in a row of 930 px, each track 120 px or more
        control.layout.width = "360px"
    return demo


def k_fold_demo(k: int = 10, degree: int = 3, shuffle: bool = True, points: int = 40,
                noise: float = 0.3, seed: int | None = None) -> LivePlot:
    """k-fold cross-validation drawn from the actual folds, with the per-fold test errors.

    Left, one row per fold: each sample's cell is orange when it is in that
    fold's test block, blue when it is trained on. Right, the test error of a
    polynomial of the chosen degree, trained on the blue cells of the row and
    tested on the orange ones, with the mean and the spread (± one standard
    deviation) over the folds. ``k = points`` is leave-one-out.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    import ipywidgets as W

    x, y = noisy_sine(points, noise, seed=seed)
    cmap = ListedColormap([COLORS["sky"], COLORS["orange"]])
    lo, hi = ERROR_FLOOR, ERROR_CEIL / 10
    max_labels = 10

    def draw(fig):
        # Rows live in [0, 1] whatever k is, so the axes never change and only the artists move.
        ax, ax_err = fig.subplots(1, 2, sharey=True, width_ratios=[1.6, 1])
        image = ax.imshow(np.zeros((k, points)), cmap=cmap, vmin=0, vmax=1, aspect="auto",
                          interpolation="nearest", extent=(-0.5, points - 0.5, 1, 0))
        ax.set(xlim=(-0.5, points - 0.5), ylim=(1, 0), xlabel="sample index (data order)",
               title="Each fold: test block (orange), training data (blue)")
        ax.set_ylabel("fold", labelpad=22)
        ax.set_yticks([])
        ax.grid(False)
        labels = [ax.text(-0.01, 0, "", transform=ax.get_yaxis_transform(), ha="right",
                          va="center", fontsize=9) for _ in range(max_labels + 1)]
        ax_err.set(xscale="log", xlim=(lo, hi), xlabel="test MSE of the fold",
                   title="Test error per fold")
        band = PolyCollection([], facecolor=COLORS["black"], alpha=0.12, label="mean ± std")
        ax_err.add_collection(band)
        bars = PolyCollection([], facecolor=COLORS["vermillion"], edgecolor="white", lw=0.5,
                              label="one fold")
        ax_err.add_collection(bars)
        mean = ax_err.axvline(1, color=COLORS["black"], lw=1.5, label="mean")
        ax_err.legend(loc="lower right", fontsize=8)
        cells, = ax.plot([], [], color="white", lw=0.6)  # the cell borders, over the image
        return {"image": image, "cells": cells, "labels": labels, "band": band, "bars": bars,
                "mean": mean}

    def update(artists, k, degree, shuffle):
        folds = k_fold_indices(points, k, shuffle=shuffle, seed=seed if shuffle else None)
        cells = np.zeros((k, points))
        errors = np.empty(k)
        for i, (train, test) in enumerate(folds):
            cells[i, test] = 1
            model = PolynomialRegression(degree).fit(x[train], y[train])
            errors[i] = model_mse(model, x[test], y[test])
        artists["image"].set_data(cells)
        rows, cols = np.arange(1, k) / k, np.arange(points - 1) + 0.5
        artists["cells"].set_data(
            np.r_[np.c_[np.full(k - 1, -0.5), np.full(k - 1, points - 0.5), np.full(k - 1, np.nan)].ravel(),
                  np.c_[cols, cols, np.full(points - 1, np.nan)].ravel()],
            np.r_[np.c_[rows, rows, np.full(k - 1, np.nan)].ravel(),
                  np.c_[np.zeros(points - 1), np.ones(points - 1), np.full(points - 1, np.nan)].ravel()])
        every = -(-k // max_labels)  # label at most max_labels rows
        shown = list(range(0, k, every))
        for text, row in zip(artists["labels"], shown + [None] * len(artists["labels"])):
            text.set_visible(row is not None)
            if row is not None:
                text.set_text(str(row + 1))
                text.set_y((row + 0.5) / k)
        height = 0.7 / k
        bars = np.clip(errors, lo, hi)
        artists["bars"].set_verts([[(lo, c - height / 2), (e, c - height / 2), (e, c + height / 2),
                                    (lo, c + height / 2)] for c, e in zip((np.arange(k) + 0.5) / k, bars)])
        m, s = errors.mean(), errors.std()
        left, right = np.clip([m - s, m + s], lo, hi)
        artists["band"].set_verts([[(left, 0), (right, 0), (right, 1), (left, 1)]])
        artists["mean"].set_xdata([np.clip(m, lo, hi)] * 2)
        sizes = sorted({len(test) for _, test in folds})
        kind = "leave-one-out" if k == points else ("shuffled" if shuffle else "contiguous")
        plural = "s" if sizes[-1] > 1 else ""
        return (f"{k} folds of {' or '.join(map(str, sizes))} sample{plural} ({kind}); degree-{degree} "
                f"polynomial: test MSE per fold {errors.min():.3g} to {errors.max():.3g}, "
                f"mean <b>{m:.3g}</b> ± {s:.3g}")

    controls = {
        "k": _int_slider(k, 2, points, "k (folds)"),
        "degree": _int_slider(degree, 0, 10, "polynomial degree"),
        "shuffle": W.Checkbox(value=shuffle, description="shuffle before cutting",
                              style={"description_width": "initial"}),
    }
    return LivePlot(draw, update, controls, figsize=(9.5, 4.0), image_format="png",
                    title=f"k-fold cross-validation of {points} samples, fold by fold", kind="retrain")


def _int_slider(value: int, lo: int, hi: int, label: str):
    import ipywidgets as W

    if not lo <= value <= hi:
        raise ValueError(f"`{label}` must lie in [{lo}, {hi}], got {value}")
    return W.IntSlider(value=value, min=lo, max=hi, step=1, description=label,
                       continuous_update=True, style={"description_width": "initial"},
                       layout=W.Layout(width="100%"))
