"""Demos of notebook 04, losses and optimizers.

- :func:`cross_entropy_demo`: move the probability a classifier gives the true class, see the loss.
- :func:`optimizer_race_demo`: SGD, momentum, Nesterov, RMSProp and Adam race on 2-D loss surfaces.
- :func:`minibatch_demo`: curve fitting with a small network; batch size, epochs, learning rate.
- :func:`initial_value_demo`: the same network and data, started from other initial weights.

They are views over :mod:`course_utils.surfaces` (the race) and
:mod:`course_utils.curve_fitting` (the network and its training).
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection

from ..curve_fitting import curve_network, fit_curve
from ..data import curve_data
from ..losses import cross_entropy
from ..notebook import session_seed
from ..optim import OPTIMIZERS
from ..plotting import COLORS
from ..surfaces import SURFACES, Surface, race
from ..widgets import LivePlot, slider

__all__ = ["cross_entropy_demo", "optimizer_race_demo", "minibatch_demo", "initial_value_demo"]

RACE_COLORS = dict(zip(OPTIMIZERS, (COLORS["black"], COLORS["sky"], COLORS["blue"],
                                    COLORS["orange"], COLORS["vermillion"])))
#: Each racer's checkbox, by the keyword the race's ``update`` receives it as.
RACER_KEYS = dict(zip(OPTIMIZERS, ("sgd", "momentum", "nesterov", "rmsprop", "adam")))
SGD_FAMILY = ("SGD", "SGD w/ momentum", "SGD w/ Nesterov")
LR_EXPONENTS = np.round(np.arange(-4.0, 0.001, 0.05), 2)  # the learning-rate sliders' positions


def sgd_rate_limit(surface: Surface) -> float:
    """The smallest slider rate at which the whole SGD family leaves the box at its first step.

    From the surface's suggested start. Above it every position shows the same race
    (three racers gone at step 1), so the slider of the SGD family ends there.

    Examples
    --------
    >>> round(float(np.log10(sgd_rate_limit(SURFACES["Rosenbrock"]))), 2)
    -1.4
    """
    for exponent in LR_EXPONENTS:
        runs = race(surface, surface.start, 1, 10.0 ** exponent, surface.lr_adaptive, names=SGD_FAMILY)
        if all(run.diverged for run in runs.values()):
            return float(10.0 ** exponent)
    return 1.0






# -- 2-D loss surfaces ------------------------------------------------------------------------
















def _surface_picture(surface: Surface, n: int = 201):
    """The log-loss image and its contour lines (as segments) over the box."""
    import contourpy

    grid = np.linspace(-2, 2, n)
    X, Y = np.meshgrid(grid, grid)
    Z = np.log10(surface.f(X, Y) - surface.f_min + 1e-2)
    levels = np.linspace(Z.min(), Z.max(), 16)[1:-1]
    gen = contourpy.contour_generator(X, Y, Z)
    segments = [line for level in levels for line in gen.lines(level)]
    return Z, segments


def _race_controls(s: Surface, steps: int, racers: Sequence[str]) -> dict[str, W.ValueWidget]:
    """The race's controls, set to surface ``s``'s suggestions: a checkbox per racer."""
    unknown = set(racers) - set(OPTIMIZERS)
    if unknown:
        raise ValueError(f"`racers` must be names from {list(OPTIMIZERS)}, got {sorted(unknown)}")
    style = {"description_width": "initial"}
    controls = {
        "surface": W.Dropdown(options=list(SURFACES), value=s.name, description="loss surface",
                              style=style),
        "lr_sgd": W.FloatLogSlider(value=s.lr_sgd, base=10, min=-4, max=0, step=0.05,
                                   description="η: SGD family", readout_format=".4f",
                                   style=style),
        "lr_adaptive": W.FloatLogSlider(value=s.lr_adaptive, base=10, min=-4, max=0, step=0.05,
                                        description="η: RMSProp, Adam", readout_format=".4f",
                                        style=style),
        "steps": W.IntSlider(value=steps, min=10, max=1000, step=10, description="steps", style=style),
        "x0": slider(s.start[0], -2.0, 2.0, 0.01, "start x"),
        "y0": slider(s.start[1], -2.0, 2.0, 0.01, "start y"),
    }
    for name, key in RACER_KEYS.items():  # a checkbox each: what races is plain to see
        controls[key] = W.Checkbox(value=name in racers, description=name, indent=False)
    return controls


def _show_racer(name: str, run, rate: str, path_line, end, curve, text) -> str | None:
    """Draw one racer's path, end point, loss curve and board entry; its line of the status, if racing."""
    for artist in (path_line, end, curve):
        artist.set_visible(run is not None)
    if run is None:
        text.set_text(f"{rate}: not racing")
        return None
    every = max(1, len(run.path) // 400)  # a few hundred points draw as well as 1000
    shown = np.r_[run.path[::every], run.path[-1:]]
    path_line.set_data(shown[:, 0], shown[:, 1])
    end.set_data([shown[-1, 0]], [shown[-1, 1]])
    end.set_marker("X" if run.diverged else "o")
    curve.set_data(np.arange(1, len(run.gap)), np.clip(run.gap[1:], 1e-12, 1e12))
    if run.diverged:
        text.set_text(f"{rate}: diverged at step {run.diverged_at}")
        return f'<b style="color:#D55E00">{name}: diverged</b> at step {run.diverged_at}'
    x, y = run.path[-1]
    text.set_text(f"{rate}: f − f* = {run.gap[-1]:.1e}\nat ({round(x, 2) + 0:.2f}, {round(y, 2) + 0:.2f})")
    return f"{name}: f − f* = {run.gap[-1]:.2e}"


def optimizer_race_demo(surface: str = "Rosenbrock", steps: int = 300,
                        racers: Sequence[str] = tuple(OPTIMIZERS)) -> LivePlot:
    """Race the optimizers on a 2-D loss surface; their paths drawn on its contour plot.

    Controls: the surface, the two learning rates (SGD family; RMSProp and Adam),
    the number of steps, the start point and which optimizers race (a checkbox
    each). Choosing a surface moves the start point and the rates to that
    surface's suggestions; the SGD family's rate ends where all three leave the
    box at the first step (:func:`sgd_rate_limit`), past which nothing changes.
    A racer that leaves the box is reported as diverged, with the step.
    """
    if surface not in SURFACES:
        raise ValueError(f"`surface` must be one of {list(SURFACES)}, got {surface!r}")
    pictures: dict[str, tuple] = {}
    scenery: dict = {}  # the surface's picture, contours, formula and minimum; the demo, once built

    def picture(name):
        if name not in pictures:
            pictures[name] = _surface_picture(SURFACES[name])
        return pictures[name]

    def draw(fig):
        ax, ax_loss, ax_board = fig.subplots(1, 3, width_ratios=[1.25, 1.0, 0.55])
        ax.set(xlim=(-2, 2), ylim=(-2, 2), xlabel="x", ylabel="y", aspect="equal",
               title="Paths on the loss surface")
        ax.grid(False)
        image = ax.imshow(picture(surface)[0], extent=(-2, 2, -2, 2), origin="lower", cmap="Greys",
                          alpha=0.55, interpolation="bilinear")
        lines = LineCollection([], colors="0.35", linewidths=0.6)
        ax.add_collection(lines)
        formula = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
                          bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        minimum, = ax.plot([], [], "*", color=COLORS["yellow"], mec="black", ms=15, label="minimum")
        start, = ax.plot([], [], "o", color="white", mec="black", ms=8, label="start")
        paths = {n: ax.plot([], [], "-", color=c, lw=1.6)[0] for n, c in RACE_COLORS.items()}
        ends = {n: ax.plot([], [], "o", color=c, mec="black", ms=6)[0] for n, c in RACE_COLORS.items()}
        ax_loss.set(xscale="log", yscale="log", xlim=(1, 1000), ylim=(1e-8, 1e5),
                    xlabel="step (log scale)", ylabel="f − f(minimum)", title="Loss above the minimum")
        curves = {n: ax_loss.plot([], [], color=c, lw=1.6, label=n)[0] for n, c in RACE_COLORS.items()}
        ax_board.axis("off")
        ax_board.set(xlim=(0, 1), ylim=(0, 1))
        ax_board.set_title("Result", loc="left")
        board = {}
        for i, (n, c) in enumerate(RACE_COLORS.items()):
            ax_board.text(0.0, 0.95 - 0.19 * i, n, color=c, weight="bold", fontsize=10, va="top")
            board[n] = ax_board.text(0.0, 0.95 - 0.19 * i - 0.07, "", color=c, fontsize=9, va="top")
        # drawn into the cached background: they change only with the surface
        scenery.update(image=image, lines=lines, formula=formula, minimum=minimum)
        return {"start": start, "paths": paths, "ends": ends, "curves": curves, "board": board}

    def update(artists, surface, lr_sgd, lr_adaptive, steps, x0, y0, **racing):
        racers = [name for name, key in RACER_KEYS.items() if racing[key]]
        s = SURFACES[surface]
        if scenery.get("surface") != surface:  # a new surface: redraw the background once
            Z, segments = picture(surface)
            scenery["image"].set_data(Z)
            scenery["image"].set_clim(Z.min(), Z.max())
            scenery["lines"].set_segments(segments)
            scenery["formula"].set_text(f"{s.name}: f = {s.formula}")
            scenery["minimum"].set_data([s.minimum[0]], [s.minimum[1]])
            scenery["surface"] = surface
            if "demo" in scenery:  # (the first frame draws everything anyway)
                scenery["demo"].redraw_background()
        artists["start"].set_data([x0], [y0])
        runs = race(s, (x0, y0), steps, lr_sgd, lr_adaptive, names=racers)
        report = []
        for name in OPTIMIZERS:
            drawn = (artists[k][name] for k in ("paths", "ends", "curves", "board"))
            rate = f"η {lr_sgd if name in SGD_FAMILY else lr_adaptive:.2g}"  # the rate is part of the race
            line = _show_racer(name, runs.get(name), rate, *drawn)
            if line:
                report.append(line)
        if not report:
            return "choose at least one optimizer to race"
        return f"after {steps} steps: " + "; ".join(report)

    controls = _race_controls(SURFACES[surface], steps, racers)
    limits: dict[str, float] = {}

    def end_sgd_slider(name):  # where the SGD family's picture stops changing
        if name not in limits:
            limits[name] = sgd_rate_limit(SURFACES[name])
        controls["lr_sgd"].max = float(np.log10(limits[name]))

    end_sgd_slider(surface)
    demo = LivePlot(draw, update, controls, figsize=(11.0, 4.3), kind="retrain", title="Optimizer race")
    scenery["demo"] = demo
    for key in RACER_KEYS.values():
        controls[key].layout.width = "auto"

    def suggested_settings(change):  # a new surface comes with its own start point and rates
        t = SURFACES[change["new"]]
        end_sgd_slider(change["new"])
        demo.set(lr_sgd=t.lr_sgd, lr_adaptive=t.lr_adaptive, x0=t.start[0], y0=t.start[1])

    controls["surface"].observe(suggested_settings, names="value")
    return demo


# -- curve fitting with a small network ----------------------------------------------------------










def minibatch_demo(batch_size: int = 8, epochs: int = 100, lr: float = 0.1, seed: int | None = None) -> LivePlot:
    """SGD, mini-batch and full-batch gradient descent on the same curve-fitting problem.

    Left, the data and the network's fit; right, the loss on each step's
    mini-batch (noisy, thin) and on all the data after each epoch (smooth),
    both against epochs, so batch sizes compare at equal passes over the data.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    x, y = curve_data()
    grid = np.linspace(-1.1, 1.1, 200)

    def draw(fig):
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        ax.set(xlim=(-1.1, 1.1), ylim=(-1.8, 1.8), xlabel="x", ylabel="y", title="Curve fitting")
        ax.plot(grid, np.sin(np.pi * grid), "--", color="grey", lw=1, label="true curve sin(πx)")
        ax.plot(x, y, "o", color=COLORS["black"], ms=5, label="data (32 points)")
        fit, = ax.plot(grid, 0 * grid, color=COLORS["blue"], label="network")
        ax.legend(loc="lower right", fontsize=9)
        ax_loss.set(yscale="log", xlim=(0, 100), ylim=(3e-3, 30), xlabel="epoch", ylabel="MSE",
                    title="Loss during training")
        noisy, = ax_loss.plot([], [], color=COLORS["sky"], lw=0.6, alpha=0.8, label="loss on each mini-batch")
        smooth, = ax_loss.plot([], [], "-", color=COLORS["vermillion"], lw=2,
                               label="loss on all data, per epoch")
        ax_loss.legend(loc="upper right", fontsize=9)
        note = ax_loss.text(0.03, 0.04, "", transform=ax_loss.transAxes, fontsize=10,
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        alarm = ax_loss.text(0.5, 0.55, "", transform=ax_loss.transAxes, ha="center",
                             color=COLORS["vermillion"], fontsize=13, weight="bold")
        return {"fit": fit, "noisy": noisy, "smooth": smooth, "note": note, "alarm": alarm}

    def update(artists, batch_size, epochs, lr, seed):
        net = curve_network(seed=0)
        run = fit_curve(net, x, y, batch_size=batch_size, epochs=epochs, lr=lr, seed=seed)
        per_epoch = run.steps_per_epoch
        steps = len(run.batch_loss)
        every = max(1, steps // 800)  # enough points to show the noise
        artists["noisy"].set_data(((np.arange(steps) + 1) / per_epoch)[::every],
                                  np.clip(run.batch_loss, 1e-6, 1e6)[::every])
        artists["smooth"].set_data(np.arange(len(run.epoch_loss)), np.clip(run.epoch_loss, 1e-6, 1e6))
        kind = ("SGD (one sample per step)" if batch_size == 1 else
                "full batch" if batch_size == len(x) else "mini-batch")
        counted = (f"{kind}: 1 epoch = ⌈32 / {batch_size}⌉ = {per_epoch} step{'s' * (per_epoch > 1)}\n"
                   f"{epochs} epochs = {epochs * per_epoch} steps")
        if run.diverged_at is not None:
            artists["fit"].set_visible(False)
            artists["note"].set_text(counted)
            artists["alarm"].set_text(f"diverged at step {run.diverged_at}")
            return (f'<b style="color:#D55E00">diverged</b> at step {run.diverged_at}: '
                    f"the learning rate {lr:.3g} is too large for batches of {batch_size}")
        artists["fit"].set_visible(True)
        artists["fit"].set_ydata(net.forward(grid[:, None]))
        artists["alarm"].set_text("")
        artists["note"].set_text(counted)
        return (f"batch size {batch_size}: {per_epoch} steps per epoch, {epochs * per_epoch} steps; "
                f"final MSE on all data = {run.epoch_loss[-1]:.4f}")

    style = {"description_width": "initial"}
    controls = {
        "batch_size": W.IntSlider(value=batch_size, min=1, max=len(x), description="batch size",
                                  style=style),
        "epochs": W.IntSlider(value=epochs, min=1, max=100, description="epochs", style=style),
        "lr": W.FloatLogSlider(value=lr, base=10, min=-3, max=0.5, step=0.05,
                               description="learning rate η", readout_format=".3f", style=style),
        "seed": W.IntSlider(value=seed, min=0, max=9, description="shuffle seed", style=style),
    }
    return LivePlot(draw, update, controls, figsize=(10.0, 4.0), kind="retrain",
                    title="Batch size, epochs, learning rate (SGD on a tiny network)")


def initial_value_demo(scale: float = 1.0, seed: int | None = None, epochs: int = 100) -> LivePlot:
    """The same network, data and training, from other initial weights (their size and seed).

    Left, the function before training (dashed) and after (solid); right, the
    loss per epoch. Tiny weights start flat and learn slowly; huge ones start
    saturated and jagged.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    x, y = curve_data()
    grid = np.linspace(-1.1, 1.1, 200)

    def draw(fig):
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        ax.set(xlim=(-1.1, 1.1), ylim=(-2.5, 2.5), xlabel="x", ylabel="y",
               title="Before and after training")
        ax.plot(x, y, "o", color=COLORS["black"], ms=5, label="data")
        before, = ax.plot(grid, 0 * grid, "--", color=COLORS["orange"], label="initial network")
        after, = ax.plot(grid, 0 * grid, color=COLORS["blue"], label=f"after {epochs} epochs")
        ax.legend(loc="lower right", fontsize=9)
        ax_loss.set(yscale="log", ylim=(3e-3, 100), xlim=(0, epochs), xlabel="epoch",
                    ylabel="MSE on all data", title="Loss per epoch (Adam, batch 8)")
        curve, = ax_loss.plot([], [], color=COLORS["vermillion"])
        return {"before": before, "after": after, "curve": curve}

    def update(artists, scale, seed):
        net = curve_network(scale=scale, seed=seed)
        artists["before"].set_ydata(np.clip(net.forward(grid[:, None]), -10, 10))
        run = fit_curve(net, x, y, batch_size=8, epochs=epochs, lr=0.01, optimizer="Adam")
        artists["after"].set_ydata(np.clip(net.forward(grid[:, None]), -10, 10))
        artists["curve"].set_data(np.arange(len(run.epoch_loss)), np.clip(run.epoch_loss, 1e-6, 1e6))
        return (f"weight scale {scale:.3g}, seed {seed}: MSE {run.epoch_loss[0]:.3f} at the start, "
                f"{run.epoch_loss[-1]:.4f} after {epochs} epochs")

    controls = {
        "scale": W.FloatLogSlider(value=scale, base=10, min=-2, max=1, step=0.05,
                                  description="initial weight scale", readout_format=".3f",
                                  style={"description_width": "initial"}),
        "seed": W.IntSlider(value=seed, min=0, max=20, description="seed",
                            style={"description_width": "initial"}),
    }
    return LivePlot(draw, update, controls, figsize=(10.0, 3.8), kind="retrain",
                    title="The initial value")


# -- cross-entropy -----------------------------------------------------------------------------
def cross_entropy_demo(p_true: float = 0.7, true_class: int = 3) -> LivePlot:
    """A 10-class classifier's output for an image of a ``true_class``; move the probability of it.

    The other classes share what is left in fixed proportions. Left, the
    predicted probabilities; right, the cross-entropy ``-log p`` as a function
    of the true class's probability, with the current point.
    """
    others = np.random.default_rng(4).dirichlet(np.ones(9))  # how the rest is shared
    p_grid = np.linspace(0.001, 1, 300)

    def draw(fig):
        ax, ax_ce = fig.subplots(1, 2)
        ax.set(ylim=(0, 1), xticks=range(10), xlabel="class (digit)", ylabel="predicted probability",
               title=f"Classifier's output, true class {true_class}")
        bars = ax.bar(range(10), np.zeros(10), color=[COLORS["orange"] if k == true_class else COLORS["blue"]
                                                      for k in range(10)])
        ax_ce.plot(p_grid, -np.log(p_grid), color=COLORS["blue"])
        ax_ce.set(xlim=(0, 1), ylim=(0, 5), xlabel="p: probability given to the true class",
                  ylabel="cross-entropy −log p", title="Cross-entropy loss")
        point, = ax_ce.plot([], [], "o", color=COLORS["orange"], mec="black", ms=10)
        text = ax_ce.text(0.35, 4.3, "", fontsize=12)
        return {"bars": list(bars), "point": point, "text": text}

    def update(artists, p_true):
        probs = np.insert((1 - p_true) * others, true_class, p_true)
        for bar, p in zip(artists["bars"], probs):
            bar.set_height(p)
        with np.errstate(divide="ignore"):
            logits = np.log(probs)  # scores whose softmax is probs
        loss = cross_entropy(np.maximum(logits, -1e3)[None, :], [true_class])
        artists["point"].set_data([p_true], [loss])
        artists["text"].set_text(f"p = {p_true:.2f}\nloss = −log p = {loss:.3f}")
        return f"p(true class) = {p_true:.2f} → cross-entropy = <b>{loss:.3f}</b>"

    return LivePlot(draw, update, {"p_true": slider(p_true, 0.01, 1.0, 0.01, "p(true class)")},
                    figsize=(8.0, 3.3), title="Cross-entropy of one prediction")
