"""What the playground can be set to: its input features, the controls' values, the presets.

One place for both halves of the playground: the session trains with these
settings, the view shows one control for each. NumPy only, no widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...data import PLAYGROUND_DATASETS
from ...optim import OPTIMIZERS

#: The seven input features, by name: (label, function of the coordinates c in [-6, 6]²).
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
MAX_CLASSES = 8  # of your own data: one colour each
LAYER_KEYS = [f"n{k}" for k in range(1, MAX_LAYERS + 1)]  # neurons of hidden layer k
ACTIVATION_KEYS = [f"g{k}" for k in range(1, MAX_LAYERS + 1)]  # its activation

DEFAULTS: dict[str, Any] = {
    "dataset": "circle", "ratio": 50, "noise": 0, "batch_size": 10,
    **{key: key in ("x1", "x2") for key in FEATURES},
    "layers": 2, "activation": "tanh",
    **{key: MAX_NEURONS for key in LAYER_KEYS},
    **{key: "tanh" for key in ACTIVATION_KEYS},
    "problem": "classification", "loss": "cross_entropy", "optimizer": "SGD", "lr": 0.03,
    "regularization": "none", "reg_rate": 0.0, "speed": 1,
    "show_test": False, "discretize": False, "preset": "",
}

#: The values of each menu, by setting (a session takes these and no others).
CHOICES: dict[str, list] = {
    "dataset": list(PLAYGROUND_DATASETS),  # or "your data", with your own
    "activation": [value for _, value in ACTIVATIONS],
    **{key: [value for _, value in ACTIVATIONS] for key in ACTIVATION_KEYS},
    "problem": ["classification", "regression"],
    "loss": ["cross_entropy", "squared"],
    "optimizer": list(OPTIMIZERS),
    "regularization": ["none", "L1", "L2"],
}
#: The range of each slider, inclusive.
RANGES: dict[str, tuple[int, int]] = {
    "ratio": (10, 90), "noise": (0, 50), "batch_size": (1, 30), "layers": (0, MAX_LAYERS),
    **{key: (1, MAX_NEURONS) for key in LAYER_KEYS}, "speed": (1, 10),
}

# What a change rebuilds: new data (and a new network), a new network, a new optimizer.
DATA_KEYS = {"dataset", "ratio", "noise", "problem"}
NET_KEYS = {"layers", "activation", "loss", *FEATURES, *LAYER_KEYS, *ACTIVATION_KEYS}
OPT_KEYS = {"optimizer", "lr"}
#: The settings a session trains with; the others (speed, show_test, discretize, preset) only
#: change what the view shows.
SESSION_KEYS = DATA_KEYS | NET_KEYS | OPT_KEYS | {"batch_size", "regularization", "reg_rate"}


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


#: The presets, by key; each changes the defaults as listed and starts the network again.
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


def preset_values(key: str, user: Any = None) -> dict[str, Any]:
    """Every setting of a preset: the defaults, changed as it says.

    With your own data (``user``, a :class:`~.session.UserData`) your data
    stay, and so does their problem type unless the preset asks for another
    that fits.
    """
    if key not in PRESETS:
        raise ValueError(f"`preset` must be one of {list(PRESETS)}, got {key!r}")
    preset = PRESETS[key].values
    values = {**DEFAULTS, **preset}
    if user is not None:
        values.pop("dataset")
        values.pop("noise")
        if "problem" not in preset or user.n_classes > 2:
            values["problem"] = user.problem
    return values


def with_activation(values: dict[str, Any]) -> dict[str, Any]:
    """``values``, where an ``activation`` also sets every layer's (``g1`` ... ``g6``) not given.

    The activation menu sets all layers; a layer's own menu then changes one.
    """
    if "activation" not in values:
        return values
    return {**{key: values["activation"] for key in ACTIVATION_KEYS}, **values}


def starting_values(values: dict[str, Any], preset: str | None = None, user: Any = None) -> dict[str, Any]:
    """Every setting at the start: the defaults, then your data's, the preset's, then ``values``."""
    unknown = set(values) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    start = dict(DEFAULTS)
    if user is not None:
        start.update(dataset="your data", problem=user.problem, noise=0)
    if preset:
        start.update(preset_values(preset, user), preset=preset)
    start.update(with_activation(values))
    return start


def check_setting(key: str, value: Any) -> None:
    """Raise an error that names the setting if ``value`` is not one it can take."""
    if key in CHOICES and value not in CHOICES[key] and not (key == "dataset" and value == "your data"):
        raise ValueError(f"`{key}` must be one of {CHOICES[key]}, got {value!r}")
    if key in RANGES:
        lo, hi = RANGES[key]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise ValueError(f"`{key}` must be an integer from {lo} to {hi}, got {value!r}")
    if key in ("lr", "reg_rate"):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value) or value < 0 or (key == "lr" and value == 0):
            raise ValueError(f"`{key}` must be a number {'> 0' if key == 'lr' else '>= 0'}, got {value!r}")
    if key in FEATURES or key in ("show_test", "discretize"):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"`{key}` must be True or False, got {value!r}")
