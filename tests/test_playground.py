"""The playground: its data sets, every control at its extremes, presets, Play / Step / Reset, your own data."""

import base64

import ipywidgets as W
import numpy as np
import pytest

from course_utils.data import PLAYGROUND_DATASETS, playground_data
from course_utils.demos.playground import (
    FEATURES,
    LEARNING_RATES,
    MAX_LAYERS,
    PRESETS,
    playground,
    playground_demo,
)
from course_utils.optim import OPTIMIZERS


@pytest.fixture(scope="module")
def pg():
    return playground_demo()  # the benchmark's and the demo list's builder: the default setting


# -- data ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PLAYGROUND_DATASETS))
def test_data_sets(name):
    X, y = playground_data(name, 200, noise=0.0, seed=3)
    assert X.shape == (200, 2) and y.shape == (200,)
    assert np.abs(X).max() <= 6.5
    if PLAYGROUND_DATASETS[name] == "classification":
        assert set(np.unique(y)) == {0.0, 1.0} and 60 <= y.sum() <= 140
    else:
        assert -1 <= y.min() < 0 < y.max() <= 1
    again, _ = playground_data(name, 200, noise=0.0, seed=3)
    assert np.array_equal(X, again)


def test_data_without_noise_follow_their_rule():
    X, y = playground_data("circle", 300)
    assert np.array_equal(y == 1, np.hypot(X[:, 0], X[:, 1]) < 2.5)
    X, y = playground_data("xor", 300)
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] >= 0)
    _, noisy = playground_data("xor", 300, noise=0.5)
    assert 0.1 < np.mean(noisy != y) < 0.5  # noise moves the labels
    X, y = playground_data("plane", 300)
    assert np.allclose(y, np.clip(X.sum(axis=1) / 10, -1, 1))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"name": "moons"}, "`name`"), ({"name": "xor", "n_samples": 1}, "`n_samples`"),
    ({"name": "xor", "noise": 0.6}, "`noise`")])
def test_data_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        playground_data(**kwargs)


# -- the widget ------------------------------------------------------------------------------------
def sliders_in_order(widget):
    """Sliders in the order the browser shows them (depth first through the boxes)."""
    found = []
    if isinstance(widget, (W.IntSlider, W.FloatSlider, W.FloatLogSlider)):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += sliders_in_order(child)
    return found


def test_default_and_layout(pg):
    assert repr(pg) == "Playground(data='circle', hidden=[8, 8], epoch=0)"
    assert pg.session.net.layer_sizes == [2, 8, 8, 1] and len(pg.session.coords) == 500
    assert "course-liveplot" in pg.widget._dom_classes
    assert pg.image.value and pg.image.format == "jpeg"
    bundle = pg._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == repr(pg)
    first = sliders_in_order(pg.widget)[0]
    assert first is pg.controls["ratio"]  # the browser test moves it: the picture must change
    before = pg.image.value
    pg.set(ratio=60)
    assert pg.image.value != before and pg.session.train.sum() == 300
    pg.set(ratio=50)


def test_every_control_at_its_extremes_gives_a_picture(pg):
    """Sliders at their min and max, every menu entry (the rates at their extremes), every box."""
    for name, control in pg.controls.items():
        start = control.value
        if hasattr(control, "min"):
            values = [control.min, control.max]
        elif isinstance(control, W.Checkbox):
            values = [not control.value]
        else:
            values = [value for _, value in control._options_full]
            if name in ("lr", "reg_rate"):
                values = [values[0], values[-1]]
        for value in values:
            pg.set(**{name: value})
            assert pg.image.value
            assert ("diverged" in pg.status.value or "epoch" in pg.status.value
                    or "no input feature" in pg.status.value), (name, value, pg.status.value)
        pg.set(**{name: start})
    pg.set(preset="")
    epoch = pg.session.epoch
    pg.step()
    assert pg.session.epoch == epoch + 1 and pg.status.value.startswith(f"epoch {pg.session.epoch:,} · training loss ")


def test_six_layers_of_eight_and_none(pg):
    pg.set(layers=MAX_LAYERS)
    pg.set(**{f"n{k}": 8 for k in range(1, MAX_LAYERS + 1)})
    pg.step()
    assert pg.session.net.layer_sizes == [2, 8, 8, 8, 8, 8, 8, 1]
    assert sum(image.get_visible() for layer in pg.artists["neurons"] for image in layer) == 48
    pg.set(layers=0)
    pg.step()
    assert pg.session.net.layer_sizes == [2, 1] and pg.session.epoch == 1
    assert not any(image.get_visible() for layer in pg.artists["neurons"] for image in layer)
    pg.set(layers=2)


def test_no_feature_says_so():
    demo = playground(**{key: False for key in FEATURES})
    demo.step()
    assert "no input feature" in demo.status.value and demo.session.epoch == 0


def test_play_ticks_train_a_chunk():
    demo = playground(speed=3)
    demo.set(play=1)
    assert demo.session.epoch == 3
    demo.set(play=2)
    assert demo.session.epoch == 6 and len(demo.session.train_loss) == 7
    demo.set(play=0)  # the Play widget's stop button
    assert demo.session.epoch == 6


def test_play_ticks_that_queued_up_are_skipped():
    demo = playground()
    demo.play.value = 1  # as the browser does: through the observer
    assert demo.session.epoch == 1
    demo.play.value = 2  # arrives right after the last frame: it waited in the queue
    assert demo.session.epoch == 1
    demo._frame_end -= 1.0
    demo.play.value = 3
    assert demo.session.epoch == 2


def test_buttons_step_reset_regenerate():
    demo = playground()
    weights = demo.session.net.weights[0].copy()
    demo.step_button.click()
    assert demo.session.epoch == 1
    demo.reset_button.click()
    assert demo.session.epoch == 0 and not np.array_equal(weights, demo.session.net.weights[0])
    coords = demo.session.coords.copy()
    demo.regenerate_button.click()
    assert not np.array_equal(coords, demo.session.coords)


def test_training_learns_the_circle():
    demo = playground(epochs=150)
    assert demo.session.train_loss[-1] < 0.1 < demo.session.train_loss[0]
    assert demo.session.accuracy() > 0.95
    assert "test accuracy" in demo.status.value


@pytest.fixture(scope="module")
def menu():
    return playground()  # one playground whose preset menu every preset test goes through


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_presets(key, menu):
    """Each preset, chosen after the others (in name order), sets every control it names."""
    demo = menu
    demo.controls["preset"].value = key  # as a student would choose it
    demo.train(20)
    assert demo.session.diverged_at or (demo.session.epoch >= 20 and np.isfinite(demo.session.train_loss[-1]))
    assert PRESETS[key].comment[:20] in demo.comment.value.replace("&#x27;", "'")
    for name, value in PRESETS[key].values.items():
        assert demo.controls[name].value == value


def test_switching_presets_from_the_menu():
    demo = playground()
    demo.apply_preset("xor_hidden")
    assert demo.session.net.layer_sizes == [2, 4, 1] and demo.controls["dataset"].value == "xor"
    demo.apply_preset("circle_squares")
    assert demo.session.features == ["x1_sq", "x2_sq"] and demo.session.net.layer_sizes == [2, 1]


def test_a_rate_too_high_diverges_and_stops():
    demo = playground(preset="rate_too_high", epochs=30)
    at = demo.session.diverged_at
    assert at is not None and demo.session.epoch == at
    assert "diverged" in demo.status.value and demo.artists["diverged"].get_visible()
    demo.step()
    assert demo.session.epoch == at  # no more training
    demo.set(lr=0.1)  # a new rate starts again
    demo.train(20)
    assert demo.session.diverged_at is None and demo.session.train_loss[-1] < 0.01


def test_every_learning_rate_and_optimizer():
    demo = playground(activation="relu", **{f"g{k}": "relu" for k in range(1, 7)})
    for optimizer in OPTIMIZERS:
        for lr in (LEARNING_RATES[0], LEARNING_RATES[-1]):
            demo.set(optimizer=optimizer, lr=lr)
            demo.reset()
            demo.train(5)
            assert demo.session.diverged_at or (demo.session.epoch == 5 and np.isfinite(demo.session.train_loss[-1]))


def test_the_activation_menu_sets_every_layer(pg):
    pg.set(activation="relu")
    assert all(pg.controls[f"g{k}"].value == "relu" for k in range(1, 7))
    assert pg.session.net.activations == ["relu", "relu"]
    pg.set(g2="sigmoid")
    assert pg.session.net.activations == ["relu", "sigmoid"]
    pg.set(activation="tanh")


def test_regularisation_and_losses():
    demo = playground(dataset="xor")
    norms = []
    for regularization in ("none", "L2", "L1"):
        demo.set(regularization=regularization, reg_rate=0.1)
        demo.reset()
        demo.train(30)
        norms.append(sum(np.abs(W).sum() for W in demo.session.net.weights))
    assert norms[1] < norms[0] and norms[2] < norms[0]
    demo.set(loss="squared")
    assert demo.session.net.loss == "squared"


def test_show_test_data_and_discretise(pg):
    pg.set(show_test=False)
    assert not any(line.get_visible() for line in pg.artists["test_points"])
    pg.set(show_test=True)
    assert any(line.get_visible() for line in pg.artists["test_points"])
    pg.set(discretize=True)
    colours = np.unique(pg.artists["output"].get_array().reshape(-1, 3), axis=0)
    assert len(colours) == 2
    pg.set(discretize=False, show_test=False)


def test_regression_and_classification_on_every_data_set():
    demo = playground()
    for dataset in PLAYGROUND_DATASETS:
        for problem in ("classification", "regression"):
            demo.set(dataset=dataset, problem=problem)
            epoch = demo.session.epoch
            demo.train(3)
            assert demo.session.epoch == epoch + 3 and np.isfinite(demo.session.train_loss[-1])
            kind = demo.session.net.output
            assert kind == ("sigmoid" if problem == "classification" else "identity")
            assert ("R²" in demo.artists["conf_title"].get_text()) == (problem == "regression")


# -- your own data -----------------------------------------------------------------------------------
def test_your_own_data_with_named_classes():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(5, 1, (40, 2)), rng.normal([0, 5], 1, (40, 2))] * 100
    y = np.repeat(["cat", "dog", "bird"], 40)
    demo = playground(X, y, optimizer="Adam", lr=0.03, epochs=60, axis_labels=("length (cm)", "width (cm)"))
    assert demo.artists["out_ax"].get_xlabel() == "length (cm)"
    assert repr(demo).startswith("Playground(data='your data'")
    assert demo.session.net.output == "softmax" and demo.session.net.layer_sizes[-1] == 3
    assert demo.session.accuracy() > 0.9 and demo.session.confusion().shape == (3, 3)
    assert demo.controls["problem"].disabled and demo.controls["dataset"].disabled
    lo, hi = demo.artists["out_ax"].get_xlim()
    assert lo < X[:, 0].min() and hi > X[:, 0].max()
    demo.apply_preset("spiral_depth")  # presets keep your data
    assert demo.controls["dataset"].value == "your data" and demo.session.net.layer_sizes[-1] == 3


def test_your_own_regression_and_binary_data():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (100, 2))
    demo = playground(X, 3 * X[:, 0] - X[:, 1] + 10, epochs=30, lr=0.01)
    assert demo.session.problem == "regression" and demo.session.net.output == "identity"
    assert np.isfinite(demo.session.train_loss[-1])
    assert playground(X, X[:, 0], preset="overfitting").session.problem == "regression"  # data stay
    binary = playground(X, (X[:, 0] > 0).astype(int), epochs=30)
    assert binary.session.net.output == "sigmoid"
    binary.set(problem="regression")
    assert binary.session.net.output == "identity"


@pytest.mark.parametrize(("X", "y", "match"), [
    (np.zeros((10, 3)), np.zeros(10), "`X` must be of shape"),
    (np.zeros((10, 2)), np.zeros(9), "`y` must be of shape"),
    (np.zeros((10, 2)), np.ones(10), "`y` must hold 2 to 8 classes"),
    (np.full((10, 2), np.nan), np.arange(10) % 2, "`X` contains NaN"),
    (np.zeros((3, 2)), np.array([0, 1, 0]), "at least 4 points"),
])
def test_your_data_bad_inputs(X, y, match):
    with pytest.raises(ValueError, match=match):
        playground(X, y)


def test_close_closes_every_widget():
    demo = playground()
    widgets = [demo.widget, demo.play, demo.image, demo.controls["ratio"], demo.controls["ratio"].layout]
    demo.close()
    assert all(w.comm is None for w in widgets)


def test_bad_settings():
    with pytest.raises(TypeError, match="unknown playground setting"):
        playground(hidden_layers=3)
    with pytest.raises(ValueError, match="`preset`"):
        playground(preset="nope")
    with pytest.raises(ValueError, match="`epochs`"):
        playground().train(-1)
    with pytest.raises(ValueError, match="`axis_labels`"):
        playground(axis_labels=("x",))


# -- speed (numbers are checked by the benchmark, not here) ----------------------------------------
