"""Demos of notebook 00, what deep learning is: the McCulloch-Pitts neuron as a logic gate, the perceptron learning."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.patches import Polygon, Rectangle

from ..perceptron import (
    gate_data,
    gate_name,
    linearly_separable,
    mcculloch_pitts,
    train_perceptron,
    truth_table,
)
from ..plotting import COLORS
from ..widgets import LivePlot, slider

__all__ = ["gates_demo", "perceptron_demo"]

#: The perceptron demo's data sets, by the name shown in its menu.
DATASETS = ("separable points", "AND", "OR", "XOR")


def half_plane(normal, offset: float, box: tuple[float, float, float, float]) -> np.ndarray:
    """The corners of ``{x in box : normal · x + offset >= 0}``, a convex polygon (possibly empty).

    ``box`` is ``(x_min, x_max, y_min, y_max)``. The box is clipped by the line
    (one step of Sutherland-Hodgman clipping).

    Examples
    --------
    >>> half_plane([1.0, 0.0], -1.0, (0, 2, 0, 2)).tolist()  # x >= 1
    [[1.0, 0.0], [2.0, 0.0], [2.0, 2.0], [1.0, 2.0]]
    """
    x0, x1, y0, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
    side = corners @ np.asarray(normal, dtype=float) + offset
    kept = []
    for i in range(4):
        j = (i + 1) % 4
        if side[i] >= 0:
            kept.append(corners[i])
        if (side[i] >= 0) != (side[j] >= 0):  # the edge crosses the line
            t = side[i] / (side[i] - side[j])
            kept.append(corners[i] + t * (corners[j] - corners[i]))
    return np.array(kept).reshape(-1, 2)


def _line_in_box(normal, offset: float, box) -> tuple[np.ndarray, np.ndarray]:
    """Two points of the line ``normal · x + offset = 0`` spanning the box (NaNs if it misses it)."""
    x0, x1, y0, y1 = box
    n1, n2 = normal
    if abs(n2) > abs(n1):
        xs = np.array([x0, x1])
        return xs, -(n1 * xs + offset) / n2
    ys = np.array([y0, y1])
    return -(n2 * ys + offset) / n1, ys


def gates_demo(threshold: float = 2.0, x2: str = "excitatory") -> LivePlot:
    """The McCulloch-Pitts neuron with two inputs: a threshold slider turns it into AND, OR, NOT...

    Left, the four possible inputs, filled where the unit fires, and the region
    where the excitatory sum reaches the threshold; right, the truth table and
    the name of the gate the unit computes.
    """
    inputs = truth_table(2)
    box = (-0.45, 1.45, -0.45, 1.45)

    def draw(fig):
        ax, ax_table = fig.subplots(1, 2, width_ratios=[1, 1.25])
        ax.set(xlim=box[:2], ylim=box[2:], xticks=[0, 1], yticks=[0, 1], aspect="equal",
               xlabel="input x₁", ylabel="input x₂", title="Where the unit fires")
        region = Polygon(np.zeros((0, 2)), closed=True, facecolor=COLORS["sky"], alpha=0.35,
                         edgecolor="none", label="sum ≥ θ")
        ax.add_patch(region)
        veto = Rectangle((box[0], 0.5), box[1] - box[0], box[3] - 0.5, facecolor="none",
                         edgecolor=COLORS["vermillion"], hatch="//", lw=0, label="vetoed by x₂")
        ax.add_patch(veto)
        line, = ax.plot([], [], color=COLORS["blue"], lw=1.5, ls="--", label="sum = θ")
        fires, = ax.plot([], [], "o", ms=13, color=COLORS["blue"], mec="black", label="fires: y = 1")
        silent, = ax.plot([], [], "o", ms=13, color="white", mec="black", label="silent: y = 0")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
        ax_table.set_axis_off()
        ax_table.set(xlim=(0, 1), ylim=(0, 1))
        ax_table.set_title("Truth table")
        columns = {"x₁": 0.2, "x₂": 0.35, "sum": 0.55, "y": 0.75}
        rows_y = 0.76 - 0.085 * np.arange(4)
        for label, x in columns.items():  # the static part: headers and the inputs
            ax_table.text(x, 0.88, label, ha="center", weight="bold")
        ax_table.plot([0.1, 0.85], [0.83, 0.83], color="black", lw=0.8)
        for (a, b), y in zip(inputs, rows_y):
            ax_table.text(columns["x₁"], y, str(a), ha="center", va="center")
            ax_table.text(columns["x₂"], y, str(b), ha="center", va="center")
        sums = [ax_table.text(columns["sum"], y, "", ha="center", va="center") for y in rows_y]
        # the output column as markers, like the left panel (and much cheaper to redraw than text)
        y_fires, = ax_table.plot([], [], "o", ms=11, color=COLORS["blue"], mec="black")
        y_silent, = ax_table.plot([], [], "o", ms=11, color="white", mec="black")
        ax_table.text(0.5, 0.3, "y = 1 if sum ≥ θ\n"  # static: drawn once, in the background
                      "sum = x₁ + x₂ (x₂ excitatory)\nsum = x₁, and x₂ = 1 vetoes (x₂ inhibitory)",
                      ha="center", va="center", fontsize=9, linespacing=1.4, color="0.3")
        rule = ax_table.text(0.5, 0.13, "", ha="center", va="center", fontsize=11)
        name = ax_table.text(0.5, 0.03, "", fontsize=13, weight="bold", ha="center",
                             color=COLORS["blue"])
        return {"region": region, "veto": veto, "line": line, "fires": fires, "silent": silent,
                "sums": sums, "y_fires": y_fires, "y_silent": y_silent, "rule": rule, "name": name,
                "rows_y": rows_y, "y_column": columns["y"]}

    def update(artists, threshold, x2):
        inhibitory = np.array([False, x2 == "inhibitory"])
        outputs = mcculloch_pitts(inputs, threshold, inhibitory=inhibitory)
        excitation = inputs[:, ~inhibitory].sum(axis=1)
        normal = np.array([1.0, 0.0]) if inhibitory[1] else np.array([1.0, 1.0])
        artists["region"].set_xy(half_plane(normal, -threshold, box))
        artists["line"].set_data(*_line_in_box(normal, -threshold, box))
        artists["veto"].set_visible(bool(inhibitory[1]))
        artists["fires"].set_data(inputs[outputs == 1, 0], inputs[outputs == 1, 1])
        artists["silent"].set_data(inputs[outputs == 0, 0], inputs[outputs == 0, 1])
        for text, value in zip(artists["sums"], excitation):
            text.set_text(str(value))
        rows_y, column = artists["rows_y"], artists["y_column"]
        artists["y_fires"].set_data(np.full((outputs == 1).sum(), column), rows_y[outputs == 1])
        artists["y_silent"].set_data(np.full((outputs == 0).sum(), column), rows_y[outputs == 0])
        artists["rule"].set_text(f"θ = {threshold:g}")
        gate = gate_name(outputs)
        artists["name"].set_text(f"computes {gate}")
        return f"θ = {threshold:g}, x₂ {x2}: the unit computes <b>{gate}</b>"

    controls = {
        "threshold": slider(threshold, -1.0, 3.5, 0.25, "threshold θ"),
        "x2": W.ToggleButtons(options=["excitatory", "inhibitory"], value=x2,
                              description="synapse of x₂", style={"description_width": "initial"}),
    }
    return LivePlot(draw, update, controls, figsize=(7.6, 3.5), title="The McCulloch-Pitts neuron (1943)")


def _dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "separable points":
        return linearly_separable(30, margin=0.5, seed=1)
    return gate_data(name)


def perceptron_demo(updates: int = 3, data: str = "separable points", max_updates: int = 40) -> LivePlot:
    """Rosenblatt's learning rule, one update at a time: the line moves toward each misclassified point.

    The slider sets how many updates have been applied (each corrects one
    mistake); on data a line separates, it ends at the update that leaves no
    mistake, after which nothing would change. Left, the data, the line ``w·x + b = 0`` with its positive side
    shaded, the weight vector ``w`` (normal to the line) and the point the last
    update corrected; right, how many points are on the wrong side after each update.
    """
    if data not in DATASETS:
        raise ValueError(f"`data` must be one of {DATASETS}, got {data!r}")
    runs = {}

    def run_for(name):
        if name not in runs:  # the whole run is cheap; the slider only picks a row of it
            X, y = _dataset(name)
            run = train_perceptron(X, y, lr=1.0, epochs=max_updates + 1)
            wrong = np.array([(y * (X @ w + b) <= 0).sum() for w, b in zip(run.w, run.b)])
            runs[name] = (X, y, run, wrong)
        return runs[name]

    def draw(fig):
        ax, ax_err = fig.subplots(1, 2, width_ratios=[1.2, 1])
        ax.set(aspect="equal", xlabel="x₁", ylabel="x₂", title="The perceptron's line")
        region = Polygon(np.zeros((0, 2)), closed=True, facecolor=COLORS["sky"], alpha=0.25,
                         edgecolor="none")
        ax.add_patch(region)
        last, = ax.plot([], [], "o", ms=20, color=COLORS["yellow"], mec="black",
                        label="last corrected")
        line, = ax.plot([], [], color=COLORS["blue"], lw=2, label="w·x + b = 0")
        pos, = ax.plot([], [], "o", color=COLORS["blue"], mec="black", label="y = +1")
        neg, = ax.plot([], [], "s", color=COLORS["orange"], mec="black", label="y = −1")
        wrong, = ax.plot([], [], "o", ms=15, mfc="none", mec=COLORS["vermillion"], mew=2,
                         label="wrong side")
        arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0),
                            arrowprops={"arrowstyle": "-|>", "color": COLORS["green"], "lw": 2})
        note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=11,
                       bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
        ax_err.set(xlim=(0, max_updates), xlabel="updates applied",
                   ylabel="points on the wrong side", title="Mistakes left")
        future, = ax_err.plot([], [], color="grey", lw=1, alpha=0.5, drawstyle="steps-post",
                              label="updates to come")
        curve, = ax_err.plot([], [], color=COLORS["vermillion"], drawstyle="steps-post",
                             label="so far")
        now, = ax_err.plot([], [], "o", color="black")
        ax_err.legend(loc="upper right", fontsize=9)
        return {"ax": ax, "ax_err": ax_err, "region": region, "last": last, "line": line, "pos": pos,
                "neg": neg, "wrong": wrong, "arrow": arrow, "note": note, "future": future,
                "curve": curve, "now": now}

    def update(artists, updates, data):
        X, y, run, wrong = run_for(data)
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        box = (lo[0], hi[0], lo[1], hi[1])
        artists["ax"].set(xlim=box[:2], ylim=box[2:])
        artists["ax_err"].set_ylim(-0.5, 1.3 * len(y) + 0.5)  # room for the legend
        artists["ax_err"].set_xlim(0, run.n_updates if run.converged else max_updates)  # the slider's range
        k = min(int(updates), run.n_updates)
        w, b = run.w[k], run.b[k]
        artists["pos"].set_data(X[y > 0, 0], X[y > 0, 1])
        artists["neg"].set_data(X[y < 0, 0], X[y < 0, 1])
        bad = y * (X @ w + b) <= 0
        artists["wrong"].set_data(X[bad, 0], X[bad, 1])
        if k > 0:
            i = run.sample[k - 1]
            artists["last"].set_data([X[i, 0]], [X[i, 1]])
        else:
            artists["last"].set_data([], [])
        shown = np.arange(min(max_updates, len(wrong) - 1) + 1)
        artists["future"].set_data(shown, wrong[shown])
        artists["curve"].set_data(shown[:k + 1], wrong[:k + 1])
        artists["now"].set_data([k], [wrong[k]])
        if not np.any(w):  # w = 0: no line (every point lies "on" it)
            artists["region"].set_xy(np.zeros((0, 2)))
            artists["line"].set_data([], [])
            artists["arrow"].set_visible(False)
            artists["note"].set_text("w = 0: no line yet" if k == 0 else "w = 0 again: back to the start")
        else:
            artists["region"].set_xy(half_plane(w, b, box))
            artists["line"].set_data(*_line_in_box(w, b, box))
            centre = X.mean(axis=0)
            foot = centre - (w @ centre + b) / (w @ w) * w  # the point of the line nearest the centre
            tip = foot + 0.2 * (hi - lo).max() * w / np.linalg.norm(w)
            artists["arrow"].xy, artists["arrow"].xyann = tuple(tip), tuple(foot)
            artists["arrow"].set_visible(True)
            artists["note"].set_text("")
        epoch = run.epoch[k - 1] if k > 0 else 0
        where = (f"after {k} update{'s' * (k != 1)} (epoch {epoch}): w = ({w[0]:.2f}, {w[1]:.2f}), "
                 f"b = {b:.2f}; {int(bad.sum())} of {len(y)} points on the wrong side")
        if run.converged and k == run.n_updates:
            return where + f". <b>Converged</b> after {run.n_updates} updates: every point is right."
        if not run.converged and k == int(updates) == max_updates:
            return where + ". <b>Still not converged</b>: no line separates these points."
        return where
    controls = {
        "updates": W.IntSlider(value=updates, min=0, max=max_updates, step=1, description="updates applied",
                               style={"description_width": "initial"}),
        "data": W.Dropdown(options=list(DATASETS), value=data, description="data",
                           style={"description_width": "initial"}),
    }

    def stop_where_it_stops(change=None):
        # past convergence every update is the same picture: the slider ends at the last one
        run = run_for(controls["data"].value)[2]
        controls["updates"].max = run.n_updates if run.converged else max_updates

    stop_where_it_stops()
    controls["data"].observe(stop_where_it_stops, names="value")  # before the demo's own observer
    return LivePlot(draw, update, controls, figsize=(9.0, 3.9), title="Rosenblatt's perceptron (1958)")
