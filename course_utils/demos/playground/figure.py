"""The playground's picture of a session: the network, the output over the plane, the losses.

:func:`draw` builds the figure once and returns its artists; :func:`paint`
sets them from a :class:`~.session.PlaygroundSession`. Every neuron is a small
heatmap of what it computes over the plane, every weight a line (blue
positive, orange negative, its width its size), as in TensorFlow Playground.
:func:`paste` copies a heatmap into the canvas's pixels, which the view uses
to draw a frame several times faster than matplotlib would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection

from ...plotting import COLORS
from .settings import ACTIVATIONS, FEATURES, MAX_CLASSES, MAX_LAYERS, MAX_NEURONS

# -- colours -------------------------------------------------------------------------------------
NEGATIVE, POSITIVE = COLORS["orange"], COLORS["blue"]  # TensorFlow Playground's, colour-blind safe


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _diverging_lut(n: int = 256) -> np.ndarray:
    """RGB uint8 colours from orange (-1) through white (0) to blue (+1)."""
    t = np.linspace(-1, 1, n)[:, None]
    white = np.full(3, 255.0)
    lut = np.where(t < 0, white + (-t) * (_rgb(NEGATIVE) - white), white + t * (_rgb(POSITIVE) - white))
    return lut.round().astype(np.uint8)


LUT = _diverging_lut()
CLASS_COLOURS = [COLORS[k] for k in ("orange", "blue", "green", "vermillion", "sky", "purple",
                                     "yellow", "black")]
assert len(CLASS_COLOURS) == MAX_CLASSES


def _colour(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] (clipped; NaN is white) to RGB through the orange-white-blue scale."""
    v = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    return LUT[((np.clip(v, -1, 1) + 1) * 127.5).astype(np.intp)]


# -- the plane ---------------------------------------------------------------------------------------
GRID_NEURON, GRID_OUTPUT = 40, 100  # heatmap sizes: a neuron's, the output's
POINT_GROUPS = 11  # classes (up to 8), or 11 shades of a regression target
OUTPUT_STRENGTH = 0.65  # the output heatmap's colours, paler than the points'


def _grid(n: int) -> np.ndarray:
    g = np.linspace(-6, 6, n)
    gx, gy = np.meshgrid(g, g)  # row i is the height gy[i]: imshow with origin="lower"
    return np.c_[gx.ravel(), gy.ravel()]


_FEATURE_PICTURES: dict[str, np.ndarray] = {}


def _feature_picture(key: str) -> np.ndarray:
    """A feature over the plane, as colours (computed once)."""
    if key not in _FEATURE_PICTURES:
        value = FEATURES[key][1](_grid(GRID_NEURON))
        value = value / (np.abs(value).max() or 1.0)
        _FEATURE_PICTURES[key] = _colour(value.reshape(GRID_NEURON, GRID_NEURON))
    return _FEATURE_PICTURES[key]


# -- the figure's layout ---------------------------------------------------------------------------
FIGSIZE = (12.0, 5.0)
SQUARE = 0.62  # a neuron's heatmap, in the network panel's units (1 unit = 1 row)
OUT_SQUARE = 0.95
X_OUT = 8.3  # the output column
ROW_TOP = 7.9


def _row_y(j: int) -> float:
    return ROW_TOP - j


def _column_x(n_hidden: int) -> np.ndarray:
    """x of the features, each hidden layer, and the output."""
    return np.linspace(0.0, X_OUT, n_hidden + 2)


def _set_extent(image: Any, extent: tuple[float, float, float, float]) -> None:
    """``image.set_extent`` only when it changes: it is slow (it updates the axes' data limits)."""
    if tuple(image.get_extent()) != tuple(extent):
        image.set_extent(extent)


class _Static:
    """Artists that change rarely (with the features or the problem type): drawn into the cached background.

    Not a dict or a namespace, so that :class:`~course_utils.widgets.LivePlot` does not count them as moving.
    """


@dataclass
class _Memo:
    """What the figure last showed, so that slow changes are made only when needed."""

    background: tuple | None = None  # the features and problem type in the background
    segments: tuple | None = None  # the architecture the weight lines were laid out for
    loss_net: Any = None  # the network the loss axis was scaled for
    loss_top: float = 1.0  # the top of the loss axis


def draw(fig: Any, axis_labels: tuple[str, str] = ("x₁", "x₂")) -> dict:
    """Build the figure once: the network panel, the output panel, the loss curves, the confusion matrix.

    Artists that change on every frame are returned in the dict (drawn on the
    cached background); those that change only with the architecture, the
    features or the problem are kept in ``a["static"]`` (part of the
    background, redrawn when they change).
    """
    fig.set_layout_engine("none")
    a: dict[str, Any] = {"memo": _Memo()}
    static = _Static()
    a["static"] = static
    # the network: features, neurons and output as small heatmaps, weights as lines
    ax = fig.add_axes((0.0, 0.0, 0.47, 1.0))
    span_y = (0.2, 9.0)
    span_x = (-1.45, -1.45 + (span_y[1] - span_y[0]) * 0.47 * FIGSIZE[0] / FIGSIZE[1])
    ax.set(xlim=span_x, ylim=span_y)
    ax.set_axis_off()
    a["lines"] = LineCollection([], zorder=1)
    ax.add_collection(a["lines"])

    def square(x, y, size=SQUARE):
        return ax.imshow(np.zeros((2, 2, 3), dtype=np.uint8), origin="lower", interpolation="nearest",
                         extent=(x - size / 2, x + size / 2, y - size / 2, y + size / 2), zorder=2)

    static.features = [square(0.0, _row_y(j)) for j in range(len(FEATURES))]
    static.feature_labels = [ax.text(-0.4, _row_y(j), label, ha="right", va="center", fontsize=9)
                             for j, (label, _) in enumerate(FEATURES.values())]
    a["neurons"] = [[square(0.0, _row_y(j)) for j in range(MAX_NEURONS)] for _ in range(MAX_LAYERS)]
    static.headers = [ax.text(0, 8.65, "inputs", ha="center", va="center", fontsize=8.5),
                      ax.text(X_OUT, 8.65, "output", ha="center", va="center", fontsize=8.5)]
    # the hidden layers' headers move with the architecture: drawn each frame, like the neurons
    a["layer_headers"] = [ax.text(0, 8.65, "", ha="center", va="center", fontsize=8.5)
                          for _ in range(MAX_LAYERS)]
    a["mini_output"] = square(X_OUT, _row_y(0), OUT_SQUARE)
    ax.set(xlim=span_x, ylim=span_y)  # imshow moved them
    ax.text(span_x[0] + 0.1, 0.45, "lines: weights (blue +, orange −; width ∝ size)",
            fontsize=8.5, color="#444444")

    # the output: a heatmap of f(x) with the data
    out = fig.add_axes((0.505, 0.13, 0.262, 0.262 * FIGSIZE[0] / FIGSIZE[1]))
    out.set(xlabel=axis_labels[0], ylabel=axis_labels[1])
    out.grid(False)
    a["out_ax"] = out
    a["output"] = out.imshow(np.zeros((2, 2, 3), dtype=np.uint8), origin="lower", interpolation="bilinear",
                             extent=(-6, 6, -6, 6), aspect="auto")
    # points as markers grouped by colour: much faster to draw than a scatter of 500 colours
    a["train_points"] = [out.plot([], [], "o", ms=4.2, mec="white", mew=0.6, zorder=3)[0]
                         for _ in range(POINT_GROUPS)]
    a["test_points"] = [out.plot([], [], "o", ms=4.2, mec="black", mew=0.9, zorder=3)[0]
                        for _ in range(POINT_GROUPS)]
    a["out_title"] = out.text(0.5, 1.03, "", transform=out.transAxes, ha="center", va="bottom",
                              fontsize=10)
    a["diverged"] = out.text(0.5, 0.5, "", transform=out.transAxes, ha="center", va="center",
                             fontsize=22, weight="bold", color=COLORS["vermillion"],
                             bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})

    # the loss curves
    curve = fig.add_axes((0.835, 0.6, 0.155, 0.33))
    curve.set(xlabel="epoch", title="Loss")
    curve.title.set_fontsize(10)
    curve.tick_params(labelsize=8.5)
    curve.xaxis.label.set_fontsize(9)
    a["loss_ax"] = curve
    a["train_curve"], = curve.plot([], [], color=COLORS["black"], lw=1.5, label="training")
    a["test_curve"], = curve.plot([], [], color=COLORS["vermillion"], lw=1.5, label="test")
    curve.legend(fontsize=8.5, loc="upper right")

    # accuracy and the confusion matrix of the test data
    conf = fig.add_axes((0.855, 0.12, 0.125, 0.125 * FIGSIZE[0] / FIGSIZE[1]))
    conf.set(xlim=(-0.5, 1.5), ylim=(1.5, -0.5))
    conf.set_axis_off()
    a["conf_ax"] = conf
    a["conf_image"] = conf.imshow(np.zeros((2, 2, 3), dtype=np.uint8), extent=(-0.5, 1.5, 1.5, -0.5),
                                  interpolation="nearest", aspect="auto")
    a["conf_counts"] = [conf.text(0, 0, "", ha="center", va="center", fontsize=8.5)
                        for _ in range(MAX_CLASSES ** 2)]
    a["conf_title"] = conf.text(0.5, 1.04, "", transform=conf.transAxes, ha="center", va="bottom",
                                fontsize=9.5, weight="bold")
    static.conf_ticks = ([conf.text(0, 0, "", ha="center", va="top", fontsize=8.5)
                          for _ in range(MAX_CLASSES)]
                         + [conf.text(0, 0, "", ha="right", va="center", fontsize=8.5)
                            for _ in range(MAX_CLASSES)])
    static.conf_labels = [
        conf.text(0.5, -0.2, "predicted →", transform=conf.transAxes, ha="center", va="top", fontsize=8.5),
        conf.text(-0.34, 0.5, "true →", transform=conf.transAxes, ha="right", va="center", fontsize=8.5,
                  rotation=90)]
    return a


def paint(a: dict, s: Any, show_test: bool = False, discretize: bool = False) -> bool:
    """Set every artist of :func:`draw`'s ``a`` from the session ``s``.

    The moving artists change each frame, the static ones only when the
    features or the problem type change: then this returns True, and the
    cached background must be drawn again.
    """
    n_hidden = s.net.layer_sizes[1:-1] if s.net is not None else []
    xs = _column_x(len(n_hidden))
    stale = _paint_static(a, s)
    names = {value: label for label, value in ACTIVATIONS}
    for k, header in enumerate(a["layer_headers"]):
        header.set_visible(k < len(n_hidden))
        if k < len(n_hidden):
            header.set_text(f"layer {k + 1}\n{n_hidden[k]} · {names[s.net.activations[k]]}")
            header.set_x(xs[k + 1])

    hidden = s.hidden(_grid(GRID_NEURON)) if s.net is not None else []
    for k in range(MAX_LAYERS):
        for j in range(MAX_NEURONS):
            image = a["neurons"][k][j]
            if k < len(n_hidden) and j < n_hidden[k]:
                values = hidden[k][:, j]
                values = values / (np.nanmax(np.abs(values)) or 1.0)
                image.set_data(_colour(values.reshape(GRID_NEURON, GRID_NEURON)))
                x, y = xs[k + 1], _row_y(j)
                _set_extent(image, (x - SQUARE / 2, x + SQUARE / 2, y - SQUARE / 2, y + SQUARE / 2))
                image.set_visible(True)
            else:
                image.set_visible(False)

    # the output over the plane, big and small
    big = None
    if s.net is not None:
        big = _output_rgb(s, _grid(GRID_OUTPUT), GRID_OUTPUT, discretize)
        a["output"].set_data(big)
        a["mini_output"].set_data(big[::2, ::2])
    for image in (a["output"], a["mini_output"]):
        image.set_visible(big is not None)
    _paint_lines(a, s, xs, n_hidden)

    # the data: training points always, test points on request
    groups = _point_groups(s)
    shown = _display_coords(s, s.coords)
    for key, mask, show in (("train_points", s.train, True), ("test_points", ~s.train, show_test)):
        for g, line in enumerate(a[key]):
            chosen = mask & (groups == g)
            line.set_data(shown[chosen, 0], shown[chosen, 1])
            line.set_markerfacecolor(_group_colour(s, g))
            if key == "train_points":  # pale regression targets need a darker edge than white
                line.set_markeredgecolor("#777777" if s.problem == "regression" else "white")
            line.set_visible(show and bool(chosen.any()))
    extent = _extent(s)
    _set_extent(a["output"], extent)
    out_ax = a["out_ax"]
    if tuple(out_ax.get_xlim()) != (extent[0], extent[1]):
        out_ax.set(xlim=extent[:2], ylim=extent[2:])

    if s.diverged_at:
        a["out_title"].set_text("loss: —")
    elif s.net is not None and s.train_loss:
        a["out_title"].set_text(f"loss: test {s.test_loss[-1]:.3f}, training {s.train_loss[-1]:.3f}")
    else:
        a["out_title"].set_text("")
    a["diverged"].set_text(f"diverged\nat epoch {s.diverged_at}" if s.diverged_at else
                           ("no input feature" if s.net is None else ""))
    a["diverged"].set_visible(bool(a["diverged"].get_text()))
    _paint_curves(a, s)
    _paint_confusion(a, s)
    return stale


def _paint_static(a: dict, s: Any) -> bool:
    """Feature heatmaps and labels, the confusion matrix's labels: part of the background.

    Returns True when they changed (a feature is ticked, the problem type changes).
    """
    static = a["static"]
    for j, key in enumerate(FEATURES):
        used = key in s.features
        static.features[j].set_data(_feature_picture(key))
        static.features[j].set_alpha(1.0 if used else 0.25)
        static.feature_labels[j].set_alpha(1.0 if used else 0.4)
    classify = s.problem == "classification" and s.net is not None
    for label in static.conf_labels:
        label.set_visible(classify)
    names = s.user.class_names if s.user is not None else ["0", "1"]
    k = len(names)
    for index, tick in enumerate(static.conf_ticks):
        i = index % MAX_CLASSES
        shown = classify and i < k
        tick.set_visible(shown)
        if shown:
            tick.set(text=names[i][:6], color=CLASS_COLOURS[i], weight="bold")
            tick.set_position((i, k - 0.5 + 0.07 * k) if index < MAX_CLASSES else (-0.5 - 0.07 * k, i))
    signature = (tuple(s.features), classify)
    if signature == a["memo"].background:
        return False
    a["memo"].background = signature
    return True


def _extent(s: Any) -> tuple[float, float, float, float]:
    """The output panel's limits: [-6, 6]², or your data's square in your units."""
    if s.user is None:
        return (-6.0, 6.0, -6.0, 6.0)
    (cx, cy), h = s.user.centre, s.user.half
    return (cx - h, cx + h, cy - h, cy + h)


def _display_coords(s: Any, coords: np.ndarray) -> np.ndarray:
    if s.user is None:
        return coords
    return coords * s.user.half / 6 + s.user.centre


def _point_groups(s: Any) -> np.ndarray:
    """Each point's colour group: its class, or (regression) its value in 11 steps from -1 to 1."""
    if s.problem == "regression":
        return np.round((np.clip(s.y, -1, 1) + 1) * 5).astype(int)
    return s.y.astype(int)


def _group_colour(s: Any, group: int) -> str | np.ndarray:
    if s.problem == "regression":
        return _colour(np.array([group / 5 - 1]))[0] / 255.0
    return CLASS_COLOURS[group % MAX_CLASSES]


def _output_rgb(s: Any, coords: np.ndarray, n: int, discrete: bool) -> np.ndarray:
    """The output over the plane as colours: paler than the points, so that they stand out."""
    out = s.output(coords)
    if out.ndim == 2:  # several classes: the winner's colour, faded where unsure
        k = out.shape[1]
        palette = np.array([_rgb(c) for c in CLASS_COLOURS[:k]])
        probs = np.nan_to_num(out, nan=1.0 / k)
        winner = probs.argmax(axis=1)
        strength = np.ones(len(out)) if discrete else (probs.max(axis=1) - 1 / k) / (1 - 1 / k)
        strength = OUTPUT_STRENGTH * strength[:, None]
        rgb = 255.0 * (1 - strength) + strength * palette[winner]
        return rgb.reshape(n, n, 3).round().astype(np.uint8)
    value = 2 * out - 1 if s.net.output == "sigmoid" else out
    if discrete:
        value = np.where(value >= 0, 1.0, -1.0)
    return _colour(OUTPUT_STRENGTH * np.clip(value, -1, 1).reshape(n, n))


def _paint_lines(a: dict, s: Any, xs: np.ndarray, n_hidden: list[int]) -> None:
    """One line per weight, from a neuron's right edge to the next layer's neuron."""
    lines = a["lines"]
    if s.net is None:
        lines.set_segments([])
        return
    feature_rows = [list(FEATURES).index(k) for k in s.features]
    columns = [feature_rows] + [list(range(n)) for n in n_hidden]
    segments, weights = [], []
    for k, weight in enumerate(s.net.weights):
        last = k == len(s.net.weights) - 1
        x0 = xs[k] + SQUARE / 2
        x1 = X_OUT - OUT_SQUARE / 2 if last else xs[k + 1] - SQUARE / 2
        if last:  # one line per neuron into the output (several classes: their mean weight)
            weight = weight.mean(axis=0, keepdims=True)
        for i, row in enumerate(columns[k]):
            for j in range(weight.shape[0]):
                segments.append(((x0, _row_y(row)), (x1, _row_y(j))))
                weights.append(weight[j, i])
    w = np.nan_to_num(np.array(weights))
    key = (tuple(s.features), tuple(n_hidden))
    if key != a["memo"].segments:  # set_segments is slow: only when the architecture changes
        a["memo"].segments = key
        lines.set_segments(segments)
    lines.set_linewidths(np.clip(0.3 + 1.2 * np.abs(w), 0.3, 5.0))
    colours = np.where(w[:, None] >= 0, _rgb(POSITIVE) / 255, _rgb(NEGATIVE) / 255)
    lines.set_colors(np.c_[colours, np.full(len(w), 0.75)])


def _paint_curves(a: dict, s: Any) -> None:
    memo = a["memo"]
    if s.net is not None and s.net is not memo.loss_net:  # a new network: a round height above its start
        memo.loss_net = s.net
        top = max(s.train_loss[0], s.test_loss[0])
        memo.loss_top = next((h for h in (0.25, 0.5, 1.0, 2.0, 4.0) if h >= 1.2 * top), 8.0)
    epochs = np.arange(len(s.train_loss))
    a["train_curve"].set_data(epochs, s.train_loss)
    a["test_curve"].set_data(epochs, s.test_loss)
    right = next(n for n in (50, 100, 200, 500, 1000, 2000, 5000, 10**4, 10**5, 10**6, 10**9)
                 if n >= max(s.epoch, 1))
    finite = [x for x in (s.train_loss[-1:] + s.test_loss[-1:]) if np.isfinite(x)]
    while finite and max(finite) > memo.loss_top and memo.loss_top < 1e6:  # the curve left the axes
        memo.loss_top *= 2
    limits = (0.0, float(right), 0.0, float(memo.loss_top))
    ax = a["loss_ax"]
    if (*ax.get_xlim(), *ax.get_ylim()) != limits:
        ax.set(xlim=limits[:2], ylim=limits[2:])


def _paint_confusion(a: dict, s: Any) -> None:
    k = s.n_classes
    texts = a["conf_counts"]
    classify = s.problem == "classification" and s.net is not None
    a["conf_image"].set_visible(classify)
    if not classify:
        for t in texts:
            t.set_visible(False)
        a["conf_title"].set_text(f"regression\ntest R² = {s.r_squared():.3f}" if s.net is not None
                                 and s.diverged_at is None else "")
        return
    confusion = s.confusion()
    a["conf_title"].set_text(f"test accuracy {s.accuracy():.1%}")
    share = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    rgb = 255.0 + share[..., None] * (_rgb(COLORS["blue"]) - 255.0) * 0.8
    a["conf_image"].set_data(rgb.round().astype(np.uint8))
    _set_extent(a["conf_image"], (-0.5, k - 0.5, k - 0.5, -0.5))
    if a["conf_ax"].get_xlim()[1] != k - 0.5:
        a["conf_ax"].set(xlim=(-0.5, k - 0.5), ylim=(k - 0.5, -0.5))
    for index, t in enumerate(texts):
        i, j = divmod(index, k)
        if i < k:
            t.set_text(f"{confusion[i, j]}")
            t.set_position((j, i))
            t.set_color("white" if share[i, j] > 0.6 else "black")
        t.set_visible(i < k)


def paste(image: Any, pixels: np.ndarray, frame: bool = False) -> None:
    """Copy an RGB image into the canvas's ``pixels`` at its extent, pixel for pixel (nearest neighbour).

    What ``draw_artist`` does with ``interpolation="nearest"``, without
    matplotlib's general resampling, which costs about 1 ms per small image.
    ``frame`` adds a thin grey edge, so that a mostly white neuron still shows its square.
    """
    if not image.get_visible():
        return
    x0, x1, y0, y1 = image.get_extent()
    (px0, py0), (px1, py1) = image.axes.transData.transform([(x0, y0), (x1, y1)])
    left, right = sorted((int(round(px0)), int(round(px1))))
    height = pixels.shape[0]  # the canvas's rows run from the top down
    top, bottom = sorted((height - int(round(py0)), height - int(round(py1))))
    if right <= left or bottom <= top:
        return
    data = np.asarray(image.get_array())
    if (py1 > py0) == (image.origin == "lower"):  # the first row belongs at the bottom
        data = data[::-1]
    rows = np.arange(bottom - top) * data.shape[0] // (bottom - top)
    cols = np.arange(right - left) * data.shape[1] // (right - left)
    pixels[top:bottom, left:right, :3] = data[rows[:, None], cols, :3]
    pixels[top:bottom, left:right, 3] = 255
    if frame:
        for edge in (pixels[top, left:right], pixels[bottom - 1, left:right],
                     pixels[top:bottom, left], pixels[top:bottom, right - 1]):
            edge[:, :3] = 190
