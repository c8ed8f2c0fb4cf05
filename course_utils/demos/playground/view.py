"""The playground of notebook 03: TensorFlow Playground inside Jupyter, on our own NumPy network.

Everything `playground.tensorflow.org <https://playground.tensorflow.org>`_ offers
(its data sets, the train/test ratio, noise, batch size, seven input features,
up to six hidden layers of eight neurons, the activation, learning rate, L1/L2
regularisation, classification or regression, Play / Pause / Step / Reset, the
output as a heatmap with the data on it, every neuron's own heatmap with the
weights drawn as lines, loss curves, "show test data", "discretise output"),
plus what its users ask for: cross-entropy or squared loss, five optimizers,
an activation per layer, accuracy and the confusion matrix, presets with a
line of commentary, and the student's own data, ``playground(X, y)``.

The network is :class:`course_utils.mlp.MLP` and the optimizers are
:mod:`course_utils.optim`. A :class:`Playground` is a
:class:`course_utils.widgets.LivePlot` (so the benchmark and the tests drive
it like every demo) with its own layout, buttons and a training state that
persists between updates. Play is an ``ipywidgets.Play``: its value ticks in
the browser, and each tick trains one chunk (a few epochs) and redraws, so the
kernel stays responsive and needs no thread.
"""

from __future__ import annotations

import base64
import html
import io
import time
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from PIL import Image as PILImage

from .._validate import as_float_array
from ..data import PLAYGROUND_DATASETS, playground_data
from ..mlp import MLP, train_epoch
from ..notebook import session_seed
from ..optim import OPTIMIZERS
from ..plotting import COLORS
from ..widgets import LivePlot, png_bytes

__all__ = ["playground_demo", "playground", "Playground", "PRESETS",
           "FEATURES"]

# -- data sets, as TensorFlow Playground makes them (points in [-6, 6]²) -----------------------------




# -- input features ----------------------------------------------------------------------------------
#: The seven input features, by control name: (label, function of the coordinates c in [-6, 6]²).
FEATURES = {
    "x1": ("x₁", lambda c: c[:, 0]),
    "x2": ("x₂", lambda c: c[:, 1]),
    "x1_sq": ("x₁²", lambda c: c[:, 0] ** 2),
    "x2_sq": ("x₂²", lambda c: c[:, 1] ** 2),
    "x1_x2": ("x₁x₂", lambda c: c[:, 0] * c[:, 1]),
    "sin_x1": ("sin x₁", lambda c: np.sin(c[:, 0])),
    "sin_x2": ("sin x₂", lambda c: np.sin(c[:, 1])),
}

ACTIVATIONS = [("Tanh", "tanh"), ("ReLU", "relu"), ("Sigmoid", "sigmoid"), ("Linear", "identity")]
LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REG_RATES = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
MAX_LAYERS, MAX_NEURONS = 6, 8
#: A training loss this many times its initial value, or one that is not finite, counts as "diverged".
DIVERGED_FACTOR = 100.0

DEFAULTS: dict[str, Any] = {
    "dataset": "circle", "ratio": 50, "noise": 0, "batch_size": 10,
    **{key: key in ("x1", "x2") for key in FEATURES},
    "layers": 2, "activation": "tanh",
    **{f"n{k}": MAX_NEURONS for k in range(1, MAX_LAYERS + 1)},
    **{f"g{k}": "tanh" for k in range(1, MAX_LAYERS + 1)},
    "problem": "classification", "loss": "cross_entropy", "optimizer": "SGD", "lr": 0.03,
    "regularization": "none", "reg_rate": 0.0, "speed": 1,
    "show_test": False, "discretize": False, "preset": "",
}


@dataclass(frozen=True)
class Preset:
    """A setting of the playground and one line on what it shows."""

    label: str
    comment: str
    values: dict = field(default_factory=dict)


def _layers(*widths: int, act: str = "tanh") -> dict:
    out: dict[str, Any] = {"layers": len(widths), "activation": act}
    for k in range(1, MAX_LAYERS + 1):
        out[f"n{k}"] = widths[k - 1] if k <= len(widths) else MAX_NEURONS
        out[f"g{k}"] = act
    return out


_ONLY_X = {key: key in ("x1", "x2") for key in FEATURES}
#: The presets, by key; each changes the defaults as listed and resets the network.
PRESETS: dict[str, Preset] = {
    "xor_linear": Preset(
        "XOR without a hidden layer",
        "No hidden layer: the output is one straight boundary, and no line splits XOR. "
        "Press Play: the accuracy stays near 50%.",
        {"dataset": "xor", **_layers(), "lr": 0.03}),
    "xor_hidden": Preset(
        "XOR needs a hidden layer",
        "XOR needs a hidden layer: four tanh neurons, each a line, combine into the four quadrants.",
        {"dataset": "xor", **_layers(4), "lr": 0.1}),
    "xor_feature": Preset(
        "...or the right feature",
        "Or the right feature: x₁x₂ is positive exactly where XOR says 1, so one neuron suffices.",
        {"dataset": "xor", **_layers(), **{k: k == "x1_x2" for k in FEATURES}, "lr": 0.1}),
    "circle_squares": Preset(
        "A circle from x₁² and x₂²",
        "In the features x₁² and x₂² the circle x₁² + x₂² = r² is a straight line: no hidden layer needed.",
        {"dataset": "circle", **_layers(), **{k: k in ("x1_sq", "x2_sq") for k in FEATURES}, "lr": 0.1}),
    "spiral_depth": Preset(
        "The spiral needs depth",
        "The spiral needs depth: from x₁ and x₂ alone, six ReLU layers of eight wind the boundary round "
        "the arms in about 100 epochs (Adam). Set one hidden layer: it stays near 55%.",
        {"dataset": "spiral", **_layers(8, 8, 8, 8, 8, 8, act="relu"), "optimizer": "Adam", "lr": 0.01}),
    "rate_too_high": Preset(
        "A rate that is too high",
        "A rate that is too high: each step overshoots the minimum by more than the last, the squared "
        "error explodes and training stops: diverged. Try 0.1.",
        {"dataset": "plane", "problem": "regression", **_layers(), "lr": 1.0, "batch_size": 30}),
    "overfitting": Preset(
        "Overfitting",
        "Overfitting: little data (10% for training), much noise (50%), a big network: the training "
        "loss keeps falling while the test loss rises. The test points are shown.",
        {"dataset": "circle", "ratio": 10, "noise": 50, **_layers(8, 8, 8, 8, 8, 8, act="relu"),
         "optimizer": "Adam", "lr": 0.01, "show_test": True}),
    "regularized": Preset(
        "...tamed by L2 regularisation",
        "The same, with L2 regularisation at 0.01: smaller weights, a smoother boundary, a lower "
        "test loss than without.",
        {"dataset": "circle", "ratio": 10, "noise": 50, **_layers(8, 8, 8, 8, 8, 8, act="relu"),
         "optimizer": "Adam", "lr": 0.01, "show_test": True, "regularization": "L2",
         "reg_rate": 0.01}),
    "vanishing": Preset(
        "Deep sigmoids hardly learn",
        "Six layers of sigmoids with plain SGD: each layer multiplies the gradient by at most 0.25, so "
        "the first layers hardly change and the loss stays near 0.69 (vanishing gradients). Try ReLU.",
        {"dataset": "circle", **_layers(8, 8, 8, 8, 8, 8, act="sigmoid"), "lr": 0.3}),
    "squared_loss": Preset(
        "Squared error instead of cross-entropy",
        "The squared error (p − y)² of a sigmoid output: its gradient 2(p − y)·p(1 − p) fades where the "
        "sigmoid saturates, cross-entropy's p − y does not. Compare the accuracy at epoch 50 with "
        "cross-entropy's.",
        {"dataset": "xor", **_layers(8, 8), "loss": "squared"}),
    "regression_plane": Preset(
        "Regression on a plane",
        "Regression: the label is (x₁ + x₂)/10, a plane, so one linear output neuron fits it exactly.",
        {"dataset": "plane", "problem": "regression", **_layers(), "lr": 0.01}),
}

DATA_KEYS = {"dataset", "ratio", "noise", "problem"}
NET_KEYS = ({"layers", "activation", "loss"} | set(FEATURES)
            | {f"n{k}" for k in range(1, MAX_LAYERS + 1)} | {f"g{k}" for k in range(1, MAX_LAYERS + 1)})
OPT_KEYS = {"optimizer", "lr"}

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


def _colour(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] (clipped; NaN is white) to RGB through the orange-white-blue scale."""
    v = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    return LUT[((np.clip(v, -1, 1) + 1) * 127.5).astype(np.intp)]


# -- the data a playground trains on ----------------------------------------------------------------
class _UserData:
    """The student's own ``(X, y)``: classes when ``y`` has few distinct labels, else regression."""

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
        if integer and 2 <= len(classes) <= len(CLASS_COLOURS):
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
            raise ValueError(f"`y` must hold 2 to {len(CLASS_COLOURS)} classes, or numbers for regression, "
                             f"got {len(classes)} distinct value(s)")
        self.X = X
        centre = (X.max(axis=0) + X.min(axis=0)) / 2
        half = max(float(np.max(X.max(axis=0) - X.min(axis=0))) / 2 * 1.1, 1e-12)
        self.centre, self.half = centre, half  # coordinates c = 6 (X - centre) / half lie in [-6, 6]

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.problem == "classification" else 2


GRID_NEURON, GRID_OUTPUT = 40, 100
POINT_GROUPS = 11  # classes (up to 8), or 11 shades of a regression target
OUTPUT_STRENGTH = 0.65  # the output heatmap's colours, paler than the points'


_BLAS: list = []


def _one_blas_thread() -> Any:
    """A context in which NumPy's BLAS uses one thread (threadpoolctl ships with scikit-learn)."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


class _Static:
    """Artists that change rarely (with the features or the problem type): drawn into the cached background.

    Not a dict or a namespace, so that :class:`LivePlot` does not count them as moving.
    """


def _widgets_in(widget: W.Widget) -> list[W.Widget]:
    """A widget and every widget inside it: its children (boxes), its layout and style models."""
    found = [widget] + [getattr(widget, part) for part in ("layout", "style")
                        if isinstance(getattr(widget, part, None), W.Widget)]
    for child in getattr(widget, "children", ()):
        found += _widgets_in(child)
    return found


def _set_extent(image: Any, extent: tuple[float, float, float, float]) -> None:
    """``image.set_extent`` only when it changes: it is slow (it updates the axes' data limits)."""
    if tuple(image.get_extent()) != tuple(extent):
        image.set_extent(extent)


_FEATURE_PICTURES: dict[str, np.ndarray] = {}


def _feature_picture(key: str) -> np.ndarray:
    """A feature over the plane, as colours (computed once)."""
    if key not in _FEATURE_PICTURES:
        value = FEATURES[key][1](_grid(GRID_NEURON))
        value = value / (np.abs(value).max() or 1.0)
        _FEATURE_PICTURES[key] = _colour(value.reshape(GRID_NEURON, GRID_NEURON))
    return _FEATURE_PICTURES[key]


def _grid(n: int) -> np.ndarray:
    g = np.linspace(-6, 6, n)
    gx, gy = np.meshgrid(g, g)  # row i is the height gy[i]: imshow with origin="lower"
    return np.c_[gx.ravel(), gy.ravel()]


# -- the figure -------------------------------------------------------------------------------------
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


@dataclass
class _State:
    """What persists between two updates: the data, the network, its optimizer, the history."""

    coords: np.ndarray | None = None  # every point, in [-6, 6]²
    y: np.ndarray | None = None
    train: np.ndarray | None = None  # boolean mask of the training points
    problem: str = "classification"
    n_classes: int = 2
    features: list = field(default_factory=list)
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    net: MLP | None = None
    optimizer: Any = None
    epoch: int = 0
    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    diverged_at: int | None = None
    loss_top: float = 1.0
    seconds_per_epoch: float = 0.0


class Playground(LivePlot):
    """TensorFlow Playground in Jupyter, on :class:`course_utils.mlp.MLP`.

    Build it with :func:`playground`. Drive it from code as the tests do:
    ``pg.set(dataset="spiral", layers=4)``, ``pg.step()``, ``pg.train(100)``,
    ``pg.reset()``, ``pg.regenerate()``, ``pg.apply_preset("spiral_depth")``.

    Attributes
    ----------
    state : the data, ``state.net`` (the MLP), ``state.epoch``, the loss history.
    play : ipywidgets.Play
        Its ticks train one chunk (``speed`` epochs) each.
    """

    def __init__(self, X: Any = None, y: Any = None, *, preset: str | None = None, seed: int = 0,
                 epochs: int = 0, axis_labels: tuple[str, str] = ("x₁", "x₂"), **values: Any) -> None:
        self.user = None if X is None and y is None else _UserData(X, y)
        if len(axis_labels) != 2 or not all(isinstance(t, str) for t in axis_labels):
            raise ValueError(f"`axis_labels` must be two strings, got {axis_labels!r}")
        self.axis_labels = tuple(axis_labels)
        if preset is not None and preset not in PRESETS:
            raise ValueError(f"`preset` must be one of {list(PRESETS)}, got {preset!r}")
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
        start = dict(DEFAULTS)
        if self.user is not None:
            start.update(dataset="your data", problem=self.user.problem, noise=0)
        if preset:
            start.update(self._preset_values(preset), preset=preset)
        start.update(values)
        self.net_seed = self.data_seed = int(seed)
        self.state = _State()
        self._last: dict[str, Any] | None = None
        self._quiet = False
        self._pending_epochs = 0
        self._static_signature: tuple | None = None
        self._segments_key: tuple | None = None
        self._frame_end = 0.0
        controls = self._make_controls(start)
        widths = {key: control.layout.width for key, control in controls.items()}
        super().__init__(self._draw, self._update, controls, figsize=FIGSIZE, kind="retrain",
                         title="Playground")
        self.image.format = "jpeg"
        for key, width in widths.items():  # LivePlot widened every control for its own layout
            self.controls[key].layout.width = width
        self._layout()
        if epochs:
            self.train(epochs)

    # -- controls ------------------------------------------------------------------------------------
    def _make_controls(self, v: dict[str, Any]) -> dict[str, W.ValueWidget]:
        style = {"description_width": "initial"}

        def islider(key, lo, hi, label, step=1):
            return W.IntSlider(value=v[key], min=lo, max=hi, step=step, description=label, style=style,
                               layout=W.Layout(width="230px"))

        def dropdown(key, options, label, width="230px"):
            return W.Dropdown(options=options, value=v[key], description=label, style=style,
                              layout=W.Layout(width=width))

        datasets = ["your data"] if self.user else list(PLAYGROUND_DATASETS)
        problems = (["classification"] if self.user and self.user.n_classes > 2
                    else ["classification", "regression"])
        c: dict[str, W.ValueWidget] = {
            "ratio": islider("ratio", 10, 90, "training data %", 10),
            "noise": islider("noise", 0, 50, "noise %", 5),
            "batch_size": islider("batch_size", 1, 30, "batch size"),
            "dataset": dropdown("dataset", datasets, "data"),
        }
        for key, (label, _) in FEATURES.items():
            c[key] = W.Checkbox(value=v[key], description=label, indent=False,
                                layout=W.Layout(width="80px"))
        c["layers"] = islider("layers", 0, MAX_LAYERS, "hidden layers")
        c["activation"] = dropdown("activation", ACTIVATIONS, "activation (all)")
        for k in range(1, MAX_LAYERS + 1):
            c[f"n{k}"] = W.IntSlider(value=v[f"n{k}"], min=1, max=MAX_NEURONS, description=f"layer {k}",
                                     style={"description_width": "45px"}, layout=W.Layout(width="165px"))
            c[f"g{k}"] = dropdown(f"g{k}", ACTIVATIONS, "", "85px")
        c["problem"] = dropdown("problem", problems, "problem")
        c["loss"] = dropdown("loss", [("cross-entropy", "cross_entropy"), ("squared error", "squared")],
                             "loss")
        c["optimizer"] = dropdown("optimizer", list(OPTIMIZERS), "optimizer")
        c["lr"] = dropdown("lr", [(f"{r:g}", r) for r in LEARNING_RATES], "learning rate")
        c["regularization"] = dropdown("regularization", ["none", "L1", "L2"], "regularisation")
        c["reg_rate"] = dropdown("reg_rate", [(f"{r:g}", r) for r in REG_RATES], "regularisation rate")
        c["speed"] = islider("speed", 1, 10, "epochs per frame")
        c["show_test"] = W.Checkbox(value=v["show_test"], description="show test data", indent=False)
        c["discretize"] = W.Checkbox(value=v["discretize"], description="discretise output", indent=False)
        c["preset"] = dropdown("preset", [("— choose —", "")] + [(p.label, k) for k, p in PRESETS.items()],
                               "preset", "330px")
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=100, show_repeat=False,
                           description="play", layout=W.Layout(width="auto"))
        c["play"] = self.play
        if self.user:
            c["dataset"].disabled = c["noise"].disabled = True
        if len(problems) == 1:
            c["problem"].disabled = True
        return c

    def _layout(self) -> None:
        """Our own arrangement of the controls, like TensorFlow Playground's: a top bar, then columns."""
        c = self.controls
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="new initial weights",
                                     layout=W.Layout(width="90px"))
        self.step_button = W.Button(description="Step", icon="step-forward", tooltip="train one chunk",
                                    layout=W.Layout(width="90px"))
        self.regenerate_button = W.Button(description="Regenerate", icon="refresh",
                                          tooltip="new random data", layout=W.Layout(width="120px"))
        self.reset_button.on_click(lambda _: self.reset())
        self.step_button.on_click(lambda _: self.step())
        self.regenerate_button.on_click(lambda _: self.regenerate())
        self.epoch_label = W.HTML(self._epoch_html(), layout=W.Layout(width="130px"))
        self.comment = W.HTML(self._comment_html(), layout=W.Layout(width="100%"))

        def column(title, children, width="240px"):
            return W.VBox([W.HTML(f"<b>{title}</b>")] + children, layout=W.Layout(width=width))

        self.layer_rows = [W.HBox([c[f"n{k}"], c[f"g{k}"]]) for k in range(1, MAX_LAYERS + 1)]
        features = [W.HBox([c[a], c[b]]) for a, b in (("x1", "x2"), ("x1_sq", "x2_sq"),
                                                       ("x1_x2", "sin_x1"))] + [c["sin_x2"]]
        top = W.HBox([self.reset_button, self.play, self.step_button, self.epoch_label, c["preset"]],
                     layout=W.Layout(align_items="center", flex_flow="row wrap"))
        columns = W.HBox([
            column("Data", [c["dataset"], c["ratio"], c["noise"], c["batch_size"], self.regenerate_button]),
            column("Features", features, "180px"),
            column("Hidden layers", [c["layers"], c["activation"], *self.layer_rows], "250px"),
            column("Training", [c["problem"], c["loss"], c["optimizer"], c["lr"], c["regularization"],
                                c["reg_rate"], c["speed"]]),
            column("Output", [c["show_test"], c["discretize"]], "150px"),
        ], layout=W.Layout(flex_flow="row wrap"))
        self.image.layout = W.Layout(width="100%", max_width=f"{FIGSIZE[0] * 100:.0f}px")
        livebox = self.widget
        self.widget = W.VBox([W.HTML("<b>Playground</b>: a deep network learns to separate the points; "
                                     "press ▶ to train."), top, self.comment, columns, self.image,
                              self.status])
        self.widget.add_class("course-liveplot")
        kept = {id(w) for w in _widgets_in(self.widget)}
        for old in _widgets_in(livebox):  # LivePlot's own boxes: closed, so the notebook does not store them
            if id(old) not in kept:
                old.close()
        self._show_layer_rows(c["layers"].value)

    def _show_layer_rows(self, n_layers: int) -> None:
        for k, row in enumerate(getattr(self, "layer_rows", [])):
            row.layout.display = "flex" if k < n_layers else "none"

    def close(self) -> None:
        """Close every widget of the playground (it stops being shown and synced)."""
        for widget in _widgets_in(self.widget):
            widget.close()

    def _preset_values(self, key: str) -> dict[str, Any]:
        """Every setting of a preset (the defaults, changed as it says); with your own data, your
        data stay, and so does its problem type unless the preset asks for another that fits."""
        preset = PRESETS[key].values
        values = {**DEFAULTS, **preset}
        if self.user is not None:
            values.pop("dataset")
            values.pop("noise")
            if "problem" not in preset or self.user.n_classes > 2:
                values["problem"] = self.user.problem
        return values

    def _on_change(self, change: dict) -> None:
        if self._quiet:
            return
        if change.get("owner") is self.play and time.perf_counter() - self._frame_end < 0.02:
            return  # a Play tick that waited while the last frame was drawn: skip it, do not pile up
        super()._on_change(change)
        self._frame_end = time.perf_counter()

    def _set_quietly(self, values: dict[str, Any]) -> None:
        """Move controls without triggering an update each (a preset moves many at once)."""
        self._quiet = True
        try:
            for key, value in values.items():
                self.controls[key].value = value
        finally:
            self._quiet = False

    # -- buttons, also for code --------------------------------------------------------------------
    def step(self) -> None:
        """Train one chunk (``speed`` epochs) and redraw, as the Step button does."""
        self._pending_epochs += self.controls["speed"].value
        self.refresh()

    def train(self, epochs: int) -> None:
        """Train ``epochs`` epochs, then redraw once."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"`epochs` must be an integer >= 0, got {epochs!r}")
        self._pending_epochs += int(epochs)
        self.refresh()

    def reset(self) -> None:
        """New initial weights (the next seed), epoch 0, as the Reset button does."""
        self.net_seed += 1
        self._build_network(self.values())
        self.refresh()

    def regenerate(self) -> None:
        """New random data (the next seed) and a fresh network, as the Regenerate button does."""
        self.data_seed += 1
        values = self.values()
        self._build_data(values)
        self._build_network(values)
        self.refresh()

    def apply_preset(self, key: str) -> None:
        """Switch to a preset (see :data:`PRESETS`), as the preset menu does."""
        if key not in PRESETS:
            raise ValueError(f"`key` must be one of {list(PRESETS)}, got {key!r}")
        self.set(preset=key)

    # -- the training state -------------------------------------------------------------------------
    def _build_data(self, v: dict[str, Any]) -> None:
        s = self.state
        if self.user is not None:
            coords = 6 * (self.user.X - self.user.centre) / self.user.half
            y = self.user.y.copy()
            native = self.user.problem
            s.n_classes = self.user.n_classes
        else:
            coords, y = playground_data(v["dataset"], 500, v["noise"] / 100, seed=self.data_seed)
            native = PLAYGROUND_DATASETS[v["dataset"]]
            s.n_classes = 2
        s.problem = v["problem"]
        if s.problem == "classification" and native == "regression":
            y = (y > 0).astype(float)  # classes: the sign of the value
        elif s.problem == "regression" and native == "classification":
            if s.n_classes > 2:
                raise ValueError("regression needs two classes or numbers")
            y = 2 * y - 1  # the labels -1 and 1 as numbers
        split = np.random.default_rng(self.data_seed + 1).permutation(len(y))
        n_train = min(max(1, round(len(y) * v["ratio"] / 100)), len(y) - 1)
        s.train = np.zeros(len(y), dtype=bool)
        s.train[split[:n_train]] = True
        s.coords, s.y = coords, y

    def _features(self, coords: np.ndarray, keys: list[str]) -> np.ndarray:
        return np.column_stack([FEATURES[k][1](coords) for k in keys]) if keys else np.zeros((len(coords), 0))

    def _build_network(self, v: dict[str, Any]) -> None:
        s = self.state
        s.features = [k for k in FEATURES if v[k]]
        s.epoch, s.train_loss, s.test_loss, s.diverged_at = 0, [], [], None
        s.seconds_per_epoch = 0.0
        if not s.features:
            s.net = s.optimizer = None
            return
        raw = self._features(s.coords[s.train], s.features)
        s.mean, s.std = raw.mean(axis=0), raw.std(axis=0)
        s.std[s.std < 1e-9] = 1.0  # standardised inputs: mean 0, standard deviation 1
        widths = [v[f"n{k}"] for k in range(1, v["layers"] + 1)]
        acts = [v[f"g{k}"] for k in range(1, v["layers"] + 1)]
        if s.problem == "regression":
            output, n_out, loss = "identity", 1, "squared"
        elif s.n_classes > 2:
            output, n_out, loss = "softmax", s.n_classes, v["loss"]
        else:
            output, n_out, loss = "sigmoid", 1, v["loss"]
        s.net = MLP([len(s.features), *widths, n_out], activation=acts, output=output, seed=self.net_seed,
                    loss=loss)
        self._build_optimizer(v)
        self._record_losses()
        top = max(s.train_loss[0], s.test_loss[0])  # the loss axis: a round height above the start
        s.loss_top = next((h for h in (0.25, 0.5, 1.0, 2.0, 4.0) if h >= 1.2 * top), 8.0)

    def _build_optimizer(self, v: dict[str, Any]) -> None:
        s = self.state
        if s.net is not None:
            s.optimizer = OPTIMIZERS[v["optimizer"]](s.net.parameters(), v["lr"])

    def _inputs(self, coords: np.ndarray) -> np.ndarray:
        s = self.state
        return (self._features(coords, s.features) - s.mean) / s.std

    def _labels(self, mask: np.ndarray) -> np.ndarray:
        y = self.state.y[mask]
        return y.astype(np.int64) if self.state.net.output == "softmax" else y

    def _record_losses(self) -> None:
        s = self.state
        with np.errstate(all="ignore"):
            for mask, history in ((s.train, s.train_loss), (~s.train, s.test_loss)):
                _, a_out = s.net._forward(self._inputs(s.coords[mask]))
                history.append(s.net._loss_and_delta(a_out, self._labels(mask))[0] if mask.any() else np.nan)

    def _train_epochs(self, epochs: int, v: dict[str, Any]) -> None:
        s = self.state
        if s.net is None or s.diverged_at is not None or epochs <= 0:
            return
        X, y = self._inputs(s.coords[s.train]), self._labels(s.train)
        l1 = v["reg_rate"] if v["regularization"] == "L1" else 0.0
        l2 = v["reg_rate"] if v["regularization"] == "L2" else 0.0
        rng = np.random.default_rng([self.net_seed, s.epoch])
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                loss = train_epoch(s.net, X, y, s.optimizer, v["batch_size"], rng, l1, l2)
                s.epoch += 1
                weights_ok = all(np.isfinite(W).all() for W in s.net.weights)
                if not np.isfinite(loss) or loss > DIVERGED_FACTOR * s.train_loss[0] or not weights_ok:
                    s.diverged_at = s.epoch
                    s.train_loss.append(np.nan)
                    s.test_loss.append(np.nan)
                    self.play.playing = False
                    break
                self._record_losses()
        s.seconds_per_epoch = (time.perf_counter() - start) / epochs

    # -- update: what changed, then redraw ------------------------------------------------------------
    def _update(self, artists: dict, **v: Any) -> str:
        last = self._last
        changed = set(v) if last is None else {k for k in v if v[k] != last[k]}
        if last is not None and "preset" in changed and v["preset"]:
            new = self._preset_values(v["preset"])
            self._set_quietly({k: val for k, val in new.items() if k in self.controls and k != "preset"})
            v = self.values()
            changed = set(v)
        elif last is not None and "activation" in changed:
            self._set_quietly({f"g{k}": v["activation"] for k in range(1, MAX_LAYERS + 1)})
            v = self.values()
        self._last = dict(v)
        self._show_layer_rows(v["layers"])
        if "loss" in self.controls:
            self.controls["loss"].disabled = v["problem"] == "regression"

        s = self.state
        if changed & DATA_KEYS:
            self._build_data(v)
        if changed & (DATA_KEYS | NET_KEYS):
            self._build_network(v)
        elif changed & OPT_KEYS:
            if s.diverged_at is not None:
                self._build_network(v)  # a new rate after a blow-up: start again
            else:
                self._build_optimizer(v)
        epochs = self._pending_epochs + (v["speed"] if last is not None and "play" in changed
                                         and v["play"] > 0 else 0)
        self._pending_epochs = 0
        self._train_epochs(epochs, v)
        if hasattr(self, "epoch_label"):
            self.epoch_label.value = self._epoch_html()
            self.comment.value = self._comment_html()
        with np.errstate(all="ignore"):
            self._paint(artists, v)
        return self._status(v)

    def _epoch_html(self) -> str:
        return f"<span style='font-size:1.3em'>epoch <b>{self.state.epoch:,}</b></span>"

    def _comment_html(self) -> str:
        key = self.controls["preset"].value if hasattr(self, "controls") else ""
        if not key:
            return ""
        return f"<i>{html.escape(PRESETS[key].comment)}</i>"

    def _status(self, v: dict[str, Any]) -> str:
        s = self.state
        if s.net is None:
            return '<b style="color:#D55E00">no input feature</b>: tick at least one feature'
        if s.diverged_at is not None:
            return (f'<b style="color:#D55E00">diverged</b> at epoch {s.diverged_at}: the learning rate '
                    f'{v["lr"]:g} is too large for {v["optimizer"]}. Lower it (or press Reset).')
        parts = [f"epoch {s.epoch}", f"training loss {s.train_loss[-1]:.3f}",
                 f"test loss {s.test_loss[-1]:.3f}"]
        if s.problem == "classification":
            parts.append(f"test accuracy {self._accuracy()[0]:.1%}")
        parts.append(f"{s.net.n_parameters} parameters")
        if s.seconds_per_epoch:
            parts.append(f"{s.seconds_per_epoch * 1e3:.1f} ms per epoch")
        return " · ".join(parts)

    def _r_squared(self) -> float:
        """The share of the test targets' variance the network explains (regression)."""
        s = self.state
        test = ~s.train
        prediction = s.net._output(s.net._forward(self._inputs(s.coords[test]))[1])
        y = s.y[test]
        return float(1 - np.mean((prediction - y) ** 2) / max(np.var(y), 1e-12))

    def _accuracy(self) -> tuple[float, np.ndarray]:
        """Test accuracy and the confusion matrix (rows: true class, columns: predicted)."""
        s = self.state
        test = ~s.train
        k = max(s.n_classes, 2)
        if not test.any() or s.net is None or s.problem != "classification":
            return float("nan"), np.zeros((k, k), dtype=int)
        out = s.net._output(s.net._forward(self._inputs(s.coords[test]))[1])
        pred = out.argmax(axis=1) if out.ndim == 2 else (out >= 0.5).astype(int)
        true = s.y[test].astype(int)
        confusion = np.bincount(true * k + pred, minlength=k * k).reshape(k, k)
        return float(np.mean(pred == true)), confusion

    # -- the figure ----------------------------------------------------------------------------------
    def _draw(self, fig) -> dict:
        """Build the figure once: the network panel, the output panel, the loss curves, the confusion matrix.

        Artists that change on every frame are returned in the dict (drawn on the
        cached background); those that change only with the architecture, the
        features or the problem are kept in ``a["static"]`` (part of the
        background, redrawn when they change).
        """
        fig.set_layout_engine("none")
        a: dict[str, Any] = {}
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
                fontsize=8, color="#444444")

        # the output: a heatmap of f(x) with the data
        out = fig.add_axes((0.505, 0.13, 0.262, 0.262 * FIGSIZE[0] / FIGSIZE[1]))
        out.set(xlabel=self.axis_labels[0], ylabel=self.axis_labels[1])
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
        curve.tick_params(labelsize=8)
        curve.xaxis.label.set_fontsize(9)
        a["loss_ax"] = curve
        a["train_curve"], = curve.plot([], [], color=COLORS["black"], lw=1.5, label="training")
        a["test_curve"], = curve.plot([], [], color=COLORS["vermillion"], lw=1.5, label="test")
        curve.legend(fontsize=8, loc="upper right")

        # accuracy and the confusion matrix of the test data
        conf = fig.add_axes((0.855, 0.12, 0.125, 0.125 * FIGSIZE[0] / FIGSIZE[1]))
        conf.set(xlim=(-0.5, 1.5), ylim=(1.5, -0.5))
        conf.set_axis_off()
        a["conf_ax"] = conf
        a["conf_image"] = conf.imshow(np.zeros((2, 2, 3), dtype=np.uint8), extent=(-0.5, 1.5, 1.5, -0.5),
                                      interpolation="nearest", aspect="auto")
        a["conf_counts"] = [conf.text(0, 0, "", ha="center", va="center", fontsize=8)
                            for _ in range(len(CLASS_COLOURS) ** 2)]
        a["conf_title"] = conf.text(0.5, 1.04, "", transform=conf.transAxes, ha="center", va="bottom",
                                    fontsize=9.5, weight="bold")
        static.conf_ticks = ([conf.text(0, 0, "", ha="center", va="top", fontsize=7.5)
                              for _ in range(len(CLASS_COLOURS))]
                             + [conf.text(0, 0, "", ha="right", va="center", fontsize=7.5)
                                for _ in range(len(CLASS_COLOURS))])
        static.conf_labels = [
            conf.text(0.5, -0.2, "predicted →", transform=conf.transAxes, ha="center", va="top", fontsize=8),
            conf.text(-0.34, 0.5, "true →", transform=conf.transAxes, ha="right", va="center", fontsize=8,
                      rotation=90)]
        return a

    def _paint(self, a: dict, v: dict[str, Any]) -> None:
        """Set every artist from the state (the moving ones each frame, the static ones when they change)."""
        s = self.state
        n_hidden = s.net.layer_sizes[1:-1] if s.net is not None else []
        xs = _column_x(len(n_hidden))
        self._paint_static(a["static"], xs, n_hidden)
        names = {value: label for label, value in ACTIVATIONS}
        for k, header in enumerate(a["layer_headers"]):
            header.set_visible(k < len(n_hidden))
            if k < len(n_hidden):
                header.set_text(f"layer {k + 1}\n{n_hidden[k]} · {names[s.net.activations[k]]}")
                header.set_x(xs[k + 1])

        hidden = []
        if s.net is not None:
            hidden = s.net._forward(self._inputs(_grid(GRID_NEURON)))[0][1:]
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
            big = self._output_rgb(self._inputs(_grid(GRID_OUTPUT)), GRID_OUTPUT, v["discretize"])
            a["output"].set_data(big)
            a["mini_output"].set_data(big[::2, ::2])
        for image in (a["output"], a["mini_output"]):
            image.set_visible(big is not None)
        self._paint_lines(a["lines"], xs, n_hidden)

        # the data: training points always, test points on request
        groups = self._point_groups()
        shown = self._display_coords(s.coords)
        for key, mask, show in (("train_points", s.train, True), ("test_points", ~s.train, v["show_test"])):
            for g, line in enumerate(a[key]):
                chosen = mask & (groups == g)
                line.set_data(shown[chosen, 0], shown[chosen, 1])
                line.set_markerfacecolor(self._group_colour(g))
                if key == "train_points":  # pale regression targets need a darker edge than white
                    line.set_markeredgecolor("#777777" if s.problem == "regression" else "white")
                line.set_visible(show and bool(chosen.any()))
        extent = self._extent()
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
        self._paint_curves(a)
        self._paint_confusion(a)

    def _paint_static(self, static: _Static, xs: np.ndarray, n_hidden: list[int]) -> None:
        """Feature heatmaps and labels, the confusion matrix's labels: part of the background, redrawn
        when they change (a feature is ticked, the problem type changes)."""
        s = self.state
        for j, key in enumerate(FEATURES):
            used = key in s.features
            static.features[j].set_data(_feature_picture(key))
            static.features[j].set_alpha(1.0 if used else 0.25)
            static.feature_labels[j].set_alpha(1.0 if used else 0.4)
        classify = s.problem == "classification" and s.net is not None
        for label in static.conf_labels:
            label.set_visible(classify)
        names = self.user.class_names if self.user is not None else ["0", "1"]
        k = len(names)
        for index, tick in enumerate(static.conf_ticks):
            i = index % len(CLASS_COLOURS)
            shown = classify and i < k
            tick.set_visible(shown)
            if shown:
                tick.set(text=names[i][:6], color=CLASS_COLOURS[i], weight="bold")
                tick.set_position((i, k - 0.5 + 0.07 * k) if index < len(CLASS_COLOURS) else
                                  (-0.5 - 0.07 * k, i))
        signature = (tuple(s.features), classify)
        if signature != self._static_signature:
            self._static_signature = signature
            self.redraw_background()

    def _extent(self) -> tuple[float, float, float, float]:
        if self.user is None:
            return (-6.0, 6.0, -6.0, 6.0)
        (cx, cy), h = self.user.centre, self.user.half
        return (cx - h, cx + h, cy - h, cy + h)

    def _display_coords(self, coords: np.ndarray) -> np.ndarray:
        if self.user is None:
            return coords
        return coords * self.user.half / 6 + self.user.centre

    def _point_groups(self) -> np.ndarray:
        """Each point's colour group: its class, or (regression) its value in 11 steps from -1 to 1."""
        s = self.state
        if s.problem == "regression":
            return np.round((np.clip(s.y, -1, 1) + 1) * 5).astype(int)
        return s.y.astype(int)

    def _group_colour(self, group: int) -> str | np.ndarray:
        if self.state.problem == "regression":
            return _colour(np.array([group / 5 - 1]))[0] / 255.0
        return CLASS_COLOURS[group % len(CLASS_COLOURS)]

    def _output_rgb(self, inputs: np.ndarray, n: int, discrete: bool) -> np.ndarray:
        """The output over the plane as colours: paler than the points, so that they stand out."""
        net = self.state.net
        out = net._output(net._forward(inputs)[1])
        if out.ndim == 2:  # several classes: the winner's colour, faded where unsure
            k = out.shape[1]
            palette = np.array([_rgb(c) for c in CLASS_COLOURS[:k]])
            probs = np.nan_to_num(out, nan=1.0 / k)
            winner = probs.argmax(axis=1)
            strength = np.ones(len(out)) if discrete else (probs.max(axis=1) - 1 / k) / (1 - 1 / k)
            strength = OUTPUT_STRENGTH * strength[:, None]
            rgb = 255.0 * (1 - strength) + strength * palette[winner]
            return rgb.reshape(n, n, 3).round().astype(np.uint8)
        value = 2 * out - 1 if net.output == "sigmoid" else out
        if discrete:
            value = np.where(value >= 0, 1.0, -1.0)
        return _colour(OUTPUT_STRENGTH * np.clip(value, -1, 1).reshape(n, n))

    def _paint_lines(self, lines: LineCollection, xs: np.ndarray, n_hidden: list[int]) -> None:
        """One line per weight, from a neuron's right edge to the next layer's neuron."""
        s = self.state
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
        key = (id(lines), tuple(s.features), tuple(n_hidden))
        if key != self._segments_key:  # set_segments is slow: only when the architecture changes
            self._segments_key = key
            lines.set_segments(segments)
        lines.set_linewidths(np.clip(0.3 + 1.2 * np.abs(w), 0.3, 5.0))
        colours = np.where(w[:, None] >= 0, _rgb(POSITIVE) / 255, _rgb(NEGATIVE) / 255)
        lines.set_colors(np.c_[colours, np.full(len(w), 0.75)])

    def _paint_curves(self, a: dict) -> None:
        s = self.state
        epochs = np.arange(len(s.train_loss))
        a["train_curve"].set_data(epochs, s.train_loss)
        a["test_curve"].set_data(epochs, s.test_loss)
        right = next(n for n in (50, 100, 200, 500, 1000, 2000, 5000, 10**4, 10**5, 10**6, 10**9)
                     if n >= max(s.epoch, 1))
        finite = [x for x in (s.train_loss[-1:] + s.test_loss[-1:]) if np.isfinite(x)]
        while finite and max(finite) > s.loss_top and s.loss_top < 1e6:  # the curve left the axes
            s.loss_top *= 2
        limits = (0.0, float(right), 0.0, float(s.loss_top))
        ax = a["loss_ax"]
        if (*ax.get_xlim(), *ax.get_ylim()) != limits:
            ax.set(xlim=limits[:2], ylim=limits[2:])

    def _paint_confusion(self, a: dict) -> None:
        s = self.state
        k = s.n_classes
        texts = a["conf_counts"]
        classify = s.problem == "classification" and s.net is not None
        a["conf_image"].set_visible(classify)
        if not classify:
            for t in texts:
                t.set_visible(False)
            a["conf_title"].set_text(f"regression\ntest R² = {self._r_squared():.3f}" if s.net is not None
                                     and s.diverged_at is None else "")
            return
        accuracy, confusion = self._accuracy()
        a["conf_title"].set_text(f"test accuracy {accuracy:.1%}")
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

    # -- rendering ---------------------------------------------------------------------------------
    def refresh(self, full: bool = False) -> None:
        """As :meth:`LivePlot.refresh`, with NumPy's BLAS on one thread.

        The playground's matrices are tiny: a second BLAS thread only spins,
        and doubles the CPU time of a frame.
        """
        with _one_blas_thread():
            super().refresh(full)

    def render(self) -> bytes:
        """Paint the moving artists on the cached background; return JPEG bytes.

        As :meth:`LivePlot.render`, with two shortcuts that make a frame several
        times cheaper: the big output heatmap is copied into the canvas's pixels
        (scaled by repetition) instead of being resampled by matplotlib, and the
        frame is sent as a JPEG, which encodes a heatmap much faster than PNG.
        """
        canvas = self.fig.canvas
        self.restore_background()
        a = self.artists
        under = [a["output"], a["conf_image"]]  # under the points and the counts
        over = [a["mini_output"], *(image for layer in a["neurons"] for image in layer)]  # over the lines
        for image in under:
            self._paste(image)
        pasted = {id(image) for image in under + over}
        for artist in self._moving:
            if artist.get_visible() and id(artist) not in pasted:
                self.fig.draw_artist(artist)
        for image in over:
            self._paste(image, frame=True)
        buf = io.BytesIO()
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB").save(buf, format="jpeg",
                                                                                 quality=90)
        return buf.getvalue()

    def _paste(self, image: Any, frame: bool = False) -> None:
        """Copy an RGB image into the canvas at its extent, pixel for pixel (nearest neighbour).

        What ``draw_artist`` does with ``interpolation="nearest"``, without
        matplotlib's general resampling, which costs about 1 ms per small image.
        """
        if not image.get_visible():
            return
        pixels = np.asarray(self.fig.canvas.buffer_rgba())
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
        if frame:  # a thin grey edge, so that a mostly white neuron still shows its square
            for edge in (pixels[top, left:right], pixels[bottom - 1, left:right],
                         pixels[top:bottom, left], pixels[top:bottom, right - 1]):
                edge[:, :3] = 190

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        data = super()._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(png_bytes(self.fig.canvas.buffer_rgba())).decode("ascii")
        return data

    def __repr__(self) -> str:
        s = self.state
        layers = s.net.layer_sizes[1:-1] if s.net is not None else []
        data = "your data" if self.user is not None else self.controls["dataset"].value
        return f"Playground(data={data!r}, hidden={layers}, epoch={s.epoch})"


def playground(X: Any = None, y: Any = None, *, preset: str | None = None, epochs: int = 0,
               seed: int | None = None, axis_labels: tuple[str, str] = ("x₁", "x₂"), **settings: Any) -> Playground:
    """TensorFlow Playground in Jupyter, on our NumPy network; on its data sets or on yours.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2), optional
        Your own points; with ``y``, the playground trains on them instead of
        its own data sets.
    y : array-like of shape (n_samples,), optional
        Class labels (2 to 8 distinct values, numbers or names) or numbers to
        regress.
    preset : str, optional
        A key of :data:`PRESETS`, e.g. ``"spiral_depth"``.
    epochs : int, default 0
        Epochs to train before the first picture.
    seed : int, optional
        Seed of the data and of the initial weights (Reset and Regenerate move on from it);
        by default the seed given to :func:`course_utils.notebook.setup`.
    axis_labels : (str, str)
        The output panel's axis labels, e.g. your columns' names and units.
    **settings
        Any control by name, e.g. ``dataset="xor", layers=1, n1=4, lr=0.1``.

    Examples
    --------
    >>> pg = playground(dataset="xor", layers=1, n1=4, lr=0.1, epochs=30)
    >>> pg
    Playground(data='xor', hidden=[4], epoch=30)
    >>> pg.state.net.layer_sizes
    [2, 4, 1]
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    return Playground(X, y, preset=preset, epochs=epochs, seed=seed, axis_labels=axis_labels, **settings)


#: The presets' menu, reachable from the builder: ``playground.presets``.
playground.presets = PRESETS


def playground_demo(preset: str | None = None, epochs: int = 0, **settings: Any) -> Playground:
    """The playground at its default setting (the circle, two hidden layers of 8), for the demo list."""
    return playground(preset=preset, epochs=epochs, **settings)


# -- speed ------------------------------------------------------------------------------------------
