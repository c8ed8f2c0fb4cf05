"""The playground's session: training without widgets or figures (fast), every setting, your own data."""

import subprocess
import sys

import numpy as np
import pytest

from course_utils.data import PLAYGROUND_DATASETS
from course_utils.demos.playground.session import PlaygroundSession, UserData
from course_utils.demos.playground.settings import (
    CHOICES,
    FEATURES,
    LEARNING_RATES,
    PRESETS,
    RANGES,
    REG_RATES,
    SESSION_KEYS,
    preset_values,
)
from course_utils.optim import OPTIMIZERS


def test_imports_without_widgets_or_pyplot():
    code = ("import sys; import course_utils.demos.playground.session; "
            "assert 'ipywidgets' not in sys.modules and 'matplotlib.pyplot' not in sys.modules, "
            "sorted(m for m in sys.modules if m.startswith(('ipywidgets', 'matplotlib')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_xor_needs_a_hidden_layer():
    session = PlaygroundSession(preset="xor_hidden")
    assert session.net.layer_sizes == [2, 4, 1] and session.settings["dataset"] == "xor"
    while session.accuracy() < 0.9 and session.epoch < 300:
        session.step(10)
    assert session.accuracy() >= 0.9 and session.epoch <= 300
    linear = PlaygroundSession(preset="xor_linear")
    linear.step(300)
    assert linear.accuracy() < 0.7  # one straight boundary cannot split XOR


def test_step_records_the_losses_and_learns_the_circle():
    session = PlaygroundSession()
    assert session.epoch == 0 and len(session.train_loss) == len(session.test_loss) == 1
    loss = session.step(150)
    assert loss == session.train_loss[-1] and session.epoch == 150 and len(session.test_loss) == 151
    assert session.train_loss[-1] < 0.1 < session.train_loss[0]
    assert session.accuracy() > 0.95 and session.accuracy("train") > 0.95
    confusion = session.confusion()
    assert confusion.shape == (2, 2) and confusion.sum() == (~session.train).sum() == 250
    assert session.step(0) == loss and session.epoch == 150


def test_same_seed_same_numbers_and_reset_restart_regenerate():
    a, b = PlaygroundSession(seed=3), PlaygroundSession(seed=3)
    a.step(5)
    b.step(5)
    assert a.train_loss == b.train_loss and np.array_equal(a.coords, b.coords)
    first = a.train_loss[0]
    a.restart()  # the same initial weights
    assert a.epoch == 0 and a.train_loss == [first]
    a.reset()  # the next seed's
    assert a.epoch == 0 and a.train_loss[0] != first and np.array_equal(a.coords, b.coords)
    a.regenerate()
    assert not np.array_equal(a.coords, b.coords)
    assert not np.array_equal(PlaygroundSession(seed=4).coords, b.coords)


def test_set_rebuilds_only_what_depends_on_the_change():
    session = PlaygroundSession()
    session.step(5)
    weights = session.net.weights[0].copy()
    assert session.set(lr=0.1, batch_size=20) == {"lr", "batch_size"}
    assert session.epoch == 5 and np.array_equal(session.net.weights[0], weights)  # weights kept
    assert session.optimizer.lr == 0.1
    assert session.set(lr=0.1) == set()
    coords = session.coords
    session.set(layers=3, n3=2)  # a new network, the same data
    assert session.epoch == 0 and session.net.layer_sizes == [2, 8, 8, 2, 1] and session.coords is coords
    session.set(ratio=80)  # new data (another split), a new network
    assert session.train.sum() == 400 and session.coords is not coords
    session.set(x1=False, x2=False, x1_x2=True)
    assert session.features == ["x1_x2"] and session.net.layer_sizes[0] == 1
    session.set(x1_x2=False)
    assert session.net is None and np.isnan(session.step(3)) and session.epoch == 0
    assert np.isnan(session.accuracy()) and np.isnan(session.r_squared())


def test_a_rate_too_high_diverges_stops_and_a_new_rate_starts_again():
    session = PlaygroundSession(preset="rate_too_high")
    assert np.isnan(session.step(30))
    at = session.diverged_at
    assert at is not None and session.epoch == at and np.isnan(session.test_loss[-1])
    session.step(5)
    assert session.epoch == at  # no more training
    session.set(lr=0.1)  # a new rate after a blow-up: a new network
    assert session.diverged_at is None and session.epoch == 0
    session.step(20)
    assert session.train_loss[-1] < 0.01 and session.r_squared() > 0.9


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_learning_rate_and_optimizer(optimizer):
    session = PlaygroundSession(activation="relu", **{f"g{k}": "relu" for k in range(1, 7)})
    for lr in (LEARNING_RATES[0], LEARNING_RATES[-1]):
        session.set(optimizer=optimizer, lr=lr)
        session.reset()
        session.step(5)
        assert session.diverged_at or (session.epoch == 5 and np.isfinite(session.train_loss[-1]))


def values_to_try(key, start):
    """Every menu entry, a slider's ends, a feature switched, the rates' extremes."""
    if key in CHOICES:
        return CHOICES[key]
    if key in RANGES:
        return list(RANGES[key])
    if key in FEATURES:
        return [not start]
    rates = LEARNING_RATES if key == "lr" else REG_RATES
    return [rates[0], rates[-1]]


def test_every_setting_at_every_value_trains():
    """On a session of six layers, so that every layer's settings count."""
    session = PlaygroundSession(layers=6)
    for key in sorted(SESSION_KEYS):
        start = session.settings[key]
        for value in values_to_try(key, start):
            session.set(**{key: value})
            epoch = session.epoch
            session.step(2)
            assert session.settings[key] == value
            assert (session.net is None or session.diverged_at or (session.epoch == epoch + 2
                    and np.isfinite(session.train_loss[-1]))), (key, value)
        session.set(**{key: start})


@pytest.mark.parametrize("dataset", sorted(PLAYGROUND_DATASETS))
def test_regression_and_classification_on_every_data_set(dataset):
    session = PlaygroundSession()
    for problem in ("classification", "regression"):
        session.set(dataset=dataset, problem=problem)
        epoch = session.epoch
        session.step(3)
        assert session.epoch == epoch + 3 and np.isfinite(session.train_loss[-1])
        assert session.net.output == ("sigmoid" if problem == "classification" else "identity")
        if problem == "regression":  # the labels as -1 and 1, or the values in [-1, 1]
            assert session.y.min() < 0 and np.abs(session.y).max() <= 1
            assert np.isnan(session.accuracy()) and np.isfinite(session.r_squared())
        else:
            assert set(np.unique(session.y)) == {0.0, 1.0} and 0 <= session.accuracy() <= 1


def test_activation_sets_every_layer_unless_one_is_given():
    session = PlaygroundSession(layers=3, activation="relu", g3="sigmoid")
    assert session.net.activations == ["relu", "relu", "sigmoid"]
    session.set(activation="tanh")
    assert session.net.activations == ["tanh", "tanh", "tanh"]
    session.set(g2="identity")
    assert session.net.activations == ["tanh", "identity", "tanh"]
    session.set(activation="tanh", g1="relu")  # the menu unchanged: only layer 1
    assert session.net.activations == ["relu", "identity", "tanh"]


def test_regularisation_shrinks_the_weights_and_the_loss_can_be_squared():
    session = PlaygroundSession(dataset="xor")
    norms = []
    for regularization in ("none", "L2", "L1"):
        session.set(regularization=regularization, reg_rate=0.1)
        session.reset()
        session.step(30)
        norms.append(sum(np.abs(W).sum() for W in session.net.weights))
    assert norms[1] < norms[0] and norms[2] < norms[0]
    session.set(loss="squared")
    assert session.net.loss == "squared" and session.epoch == 0


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_presets_train(key):
    session = PlaygroundSession(preset=key)
    for name, value in PRESETS[key].values.items():
        if name in SESSION_KEYS:
            assert session.settings[name] == value
    session.step(20)
    assert session.diverged_at or (session.epoch == 20 and np.isfinite(session.train_loss[-1]))


# -- your own data -----------------------------------------------------------------------------------
def three_animals():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(5, 1, (40, 2)), rng.normal([0, 5], 1, (40, 2))] * 100
    return X, np.repeat(["cat", "dog", "bird"], 40)


def test_your_own_data_with_named_classes():
    X, y = three_animals()
    session = PlaygroundSession(X, y, optimizer="Adam", lr=0.03)
    assert session.settings["dataset"] == "your data" and session.user.class_names == ["bird", "cat", "dog"]
    assert session.net.output == "softmax" and session.net.layer_sizes[-1] == 3
    assert np.abs(session.coords).max() <= 6
    session.step(60)
    assert session.accuracy() > 0.9 and session.confusion().shape == (3, 3)
    with pytest.raises(ValueError, match="`problem` must be 'classification' for 3 classes"):
        session.set(problem="regression")
    assert preset_values("regression_plane", session.user)["problem"] == "classification"
    session.set(**{k: v for k, v in preset_values("spiral_depth", session.user).items()
                   if k in SESSION_KEYS})  # presets keep your data
    assert session.settings["dataset"] == "your data" and session.net.layer_sizes[-1] == 3


def test_your_own_regression_and_binary_data():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (100, 2))
    session = PlaygroundSession(X, 3 * X[:, 0] - X[:, 1] + 10, lr=0.01)
    assert session.problem == "regression" and session.net.output == "identity"
    assert session.y.min() == -1 and session.y.max() == 1  # targets scaled to [-1, 1]
    session.step(30)
    assert np.isfinite(session.train_loss[-1])
    assert PlaygroundSession(X, X[:, 0], preset="overfitting").problem == "regression"  # data stay
    binary = PlaygroundSession(X, (X[:, 0] > 0).astype(int))
    assert binary.net.output == "sigmoid"
    binary.set(problem="regression")
    assert binary.net.output == "identity" and set(np.unique(binary.y)) == {-1.0, 1.0}


#: Bad data of one's own, and the error each must raise (the view's test passes them through playground()).
BAD_USER_DATA = [
    (np.zeros((10, 3)), np.zeros(10), "`X` must be of shape"),
    (np.zeros((10, 2)), np.zeros(9), "`y` must be of shape"),
    (np.zeros((10, 2)), np.ones(10), "`y` must hold 2 to 8 classes"),
    (np.full((10, 2), np.nan), np.arange(10) % 2, "`X` contains NaN"),
    (np.zeros((3, 2)), np.array([0, 1, 0]), "at least 4 points"),
]


@pytest.mark.parametrize(("X", "y", "match"), BAD_USER_DATA)
def test_your_data_bad_inputs(X, y, match):
    with pytest.raises(ValueError, match=match):
        UserData(X, y)


@pytest.mark.parametrize(("settings", "error", "match"), [
    ({"show_test": True}, TypeError, "unknown session setting"),
    ({"hidden_layers": 3}, TypeError, "unknown session setting"),
    ({"layers": 7}, ValueError, "`layers` must be an integer from 0 to 6"),
    ({"dataset": "moons"}, ValueError, "`dataset` must be one of"),
    ({"dataset": "your data"}, ValueError, "`dataset` must be 'your data' with your own"),
    ({"optimizer": "LBFGS"}, ValueError, "`optimizer`"),
    ({"lr": 0}, ValueError, "`lr` must be a number > 0"),
    ({"x1": 1}, ValueError, "`x1` must be True or False"),
    ({"preset": "nope"}, ValueError, "`preset`"),
    ({"seed": -1}, ValueError, "`seed`"),
])
def test_bad_settings(settings, error, match):
    with pytest.raises(error, match=match):
        PlaygroundSession(**settings)


def test_bad_arguments_of_the_methods():
    session = PlaygroundSession()
    with pytest.raises(ValueError, match="`epochs`"):
        session.step(-1)
    with pytest.raises(ValueError, match="`on`"):
        session.accuracy(on="validation")
    with pytest.raises(TypeError, match="unknown session setting"):
        session.set(speed=3)
    with pytest.raises(ValueError, match="`noise`"):
        session.set(noise=80)
