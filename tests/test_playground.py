"""The playground's view: its data sets, every control at its extremes, presets, Play / Step / Reset, your own data.

The training behind it is tested on the session alone, faster, in test_playground_session.py.
"""

import base64

import ipywidgets as W
import numpy as np
import pytest
from test_playground_session import BAD_USER_DATA  # the shared cases

from course_utils.data import PLAYGROUND_DATASETS, playground_data
from course_utils.demos.playground import (
    FEATURES,
    MAX_LAYERS,
    PRESETS,
    PlaygroundSession,
    playground,
    playground_demo,
)


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
    assert "test accuracy" in pg.status.value and "epoch <b>0</b>" in pg.epoch_label.value
    bundle = pg._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == repr(pg)
    first = sliders_in_order(pg.widget)[0]
    assert first is pg.controls["ratio"]  # the browser test moves it: the picture must change
    assert first.layout.width == "336px"  # the playground's own layout, not LivePlot's
    before = pg.image.value
    pg.set(ratio=60)
    assert pg.image.value != before and pg.session.train.sum() == 300
    pg.set(ratio=50)


def extremes(control):
    """A slider's ends, a box switched, a menu's first and last entries: those other than its value."""
    if isinstance(control, W.Checkbox):
        return [not control.value]
    if hasattr(control, "min"):
        ends = [control.min, control.max]
    else:
        ends = [control._options_full[0][1], control._options_full[-1][1]]
    return [value for value in ends if value != control.value]


def test_every_control_at_its_extremes_gives_a_picture(pg):
    """Each extreme a frame of its own, every other control at its start; each reaches the session.

    Every entry of every menu trains in test_playground_session.py; here the
    data sets and the presets have tests of their own below.
    """
    back: dict = {}  # the last control's start, restored in the next frame
    for name, control in pg.controls.items():
        start = control.value
        for value in extremes(control):
            frames = pg.frames
            pg.set(**{**back, name: value})
            back = {}
            assert pg.frames == frames + 1 and pg.image.value
            assert ("diverged" in pg.status.value or "epoch" in pg.status.value
                    or "no input feature" in pg.status.value), (name, value, pg.status.value)
            if name in pg.session.settings and name != "preset":
                assert pg.session.settings[name] == value, name
        back = {name: start}
    pg.set(**{**back, "preset": ""})
    epoch = pg.session.epoch
    pg.step()
    assert pg.session.epoch == epoch + 1
    assert pg.status.value.startswith(f"epoch {pg.session.epoch:,} · training loss ")


def test_six_layers_of_eight_and_none(pg):
    pg.set(layers=MAX_LAYERS)
    pg.set(**{f"n{k}": 8 for k in range(1, MAX_LAYERS + 1)})
    pg.step()
    assert pg.session.net.layer_sizes == [2, 8, 8, 8, 8, 8, 8, 1]
    assert sum(image.get_visible() for layer in pg.artists["neurons"] for image in layer) == 48
    assert all(row.layout.display == "flex" for row in pg.layer_rows)
    pg.set(layers=0)
    pg.step()
    assert pg.session.net.layer_sizes == [2, 1] and pg.session.epoch == 1
    assert not any(image.get_visible() for layer in pg.artists["neurons"] for image in layer)
    assert all(row.layout.display == "none" for row in pg.layer_rows)
    pg.set(layers=2)


def test_no_feature_says_so(pg):
    pg.set(**{key: False for key in FEATURES})
    pg.step()
    assert "no input feature" in pg.status.value and pg.session.epoch == 0
    assert pg.artists["diverged"].get_text() == "no input feature"
    pg.set(x1=True, x2=True)
    assert pg.session.features == ["x1", "x2"]


def test_the_view_trains_its_session_with_the_same_numbers():
    demo = playground(dataset="xor", layers=1, n1=4, lr=0.1, epochs=30, seed=2)
    alone = PlaygroundSession(dataset="xor", layers=1, n1=4, lr=0.1, seed=2)
    alone.step(30)
    assert demo.session.train_loss == alone.train_loss and demo.session.test_loss == alone.test_loss
    assert f"test accuracy {alone.accuracy():.1%}" in demo.status.value
    assert demo.artists["conf_title"].get_text() == f"test accuracy {alone.accuracy():.1%}"
    assert f"epoch <b>{alone.epoch}</b>" in demo.epoch_label.value


def test_play_ticks_train_a_chunk(pg):
    pg.set(speed=3, ratio=60)  # a new split: epoch 0
    pg.play.value = 1
    assert pg.session.epoch == 3
    pg._frame_end -= 1.0  # the next tick comes a second later
    pg.play.value = 2
    assert pg.session.epoch == 6 and len(pg.session.train_loss) == 7
    pg.play.value = 0  # the Play widget's stop button
    assert pg.session.epoch == 6
    pg.set(speed=1, ratio=50)


def test_play_ticks_that_queued_up_are_skipped(pg):
    pg.set(ratio=60)
    pg.play.value = 1  # as the browser does: through the observer
    assert pg.session.epoch == 1
    pg.play.value = 2  # arrives right after the last frame: it waited in the queue
    assert pg.session.epoch == 1
    pg._frame_end -= 1.0
    pg.play.value = 3
    assert pg.session.epoch == 2
    pg.play.value = 0
    pg.set(ratio=50)


def test_buttons_step_reset_regenerate(pg):
    demo = pg
    weights = demo.session.net.weights[0].copy()
    demo.step_button.click()
    assert demo.session.epoch == 1
    demo.reset_button.click()
    assert demo.session.epoch == 0 and not np.array_equal(weights, demo.session.net.weights[0])
    coords = demo.session.coords.copy()
    demo.regenerate_button.click()
    assert not np.array_equal(coords, demo.session.coords)


@pytest.fixture(scope="module")
def menu():
    return playground()  # one playground whose preset menu every preset test goes through


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_presets(key, menu):
    """Each preset, chosen after the others (in name order), sets every control it names and starts again."""
    demo = menu
    demo.train(3)
    demo.controls["preset"].value = key  # as a student would choose it
    assert PRESETS[key].comment[:20] in demo.comment.value.replace("&#x27;", "'")
    for name, value in PRESETS[key].values.items():
        assert demo.controls[name].value == value
    fresh = PlaygroundSession(preset=key, seed=demo.session.data_seed)
    assert demo.session.settings == fresh.settings
    assert demo.session.epoch == 0 and demo.session.train_loss == fresh.train_loss


def test_switching_presets_from_the_menu(menu):
    demo = menu
    demo.apply_preset("xor_hidden")
    assert demo.session.net.layer_sizes == [2, 4, 1] and demo.controls["dataset"].value == "xor"
    demo.apply_preset("circle_squares")
    assert demo.session.features == ["x1_sq", "x2_sq"] and demo.session.net.layer_sizes == [2, 1]
    start = demo.session.train_loss[:1]
    demo.train(5)
    demo.set(preset="")
    demo.apply_preset("circle_squares")  # the same settings again: the network starts again
    assert demo.session.epoch == 0 and demo.session.train_loss == start


def test_a_rate_too_high_diverges_and_stops(menu):
    demo = menu
    demo.apply_preset("rate_too_high")
    demo.play.playing = True
    demo.train(30)
    at = demo.session.diverged_at
    assert at is not None and demo.session.epoch == at and not demo.play.playing  # Play stops
    assert "diverged" in demo.status.value and demo.artists["diverged"].get_visible()
    demo.step()
    assert demo.session.epoch == at  # no more training
    demo.set(lr=0.1)  # a new rate starts again
    demo.train(20)
    assert demo.session.diverged_at is None and demo.session.train_loss[-1] < 0.01
    assert "diverged" not in demo.status.value and not demo.artists["diverged"].get_visible()


def test_the_activation_menu_sets_every_layer(pg):
    pg.set(activation="relu")
    assert all(pg.controls[f"g{k}"].value == "relu" for k in range(1, 7))
    assert pg.session.net.activations == ["relu", "relu"]
    pg.set(g2="sigmoid")
    assert pg.session.net.activations == ["relu", "sigmoid"]
    pg.set(activation="tanh")
    built = playground(activation="relu")  # from code, as from the menu
    assert built.session.net.activations == ["relu", "relu"] and built.controls["g6"].value == "relu"


def test_show_test_data_and_discretise(pg):
    pg.set(show_test=False)
    assert not any(line.get_visible() for line in pg.artists["test_points"])
    pg.set(show_test=True)
    assert any(line.get_visible() for line in pg.artists["test_points"])
    pg.set(discretize=True)
    colours = np.unique(pg.artists["output"].get_array().reshape(-1, 3), axis=0)
    assert len(colours) == 2
    pg.set(discretize=False, show_test=False)


def test_regression_and_classification_on_every_data_set(pg):
    for problem in ("regression", "classification"):
        for dataset in PLAYGROUND_DATASETS:
            pg.set(dataset=dataset, problem=problem)
            kind = pg.session.net.output
            assert kind == ("sigmoid" if problem == "classification" else "identity")
            assert ("R²" in pg.artists["conf_title"].get_text()) == (problem == "regression")
            assert pg.controls["loss"].disabled == (problem == "regression")
    pg.set(dataset="circle")


# -- your own data -----------------------------------------------------------------------------------
def test_your_own_data_with_named_classes():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(5, 1, (40, 2)), rng.normal([0, 5], 1, (40, 2))] * 100
    y = np.repeat(["cat", "dog", "bird"], 40)
    demo = playground(X, y, optimizer="Adam", lr=0.03, epochs=5, axis_labels=("length (cm)", "width (cm)"))
    assert demo.artists["out_ax"].get_xlabel() == "length (cm)"
    assert repr(demo).startswith("Playground(data='your data'")
    assert demo.session.net.output == "softmax" and demo.session.net.layer_sizes[-1] == 3
    assert sum(t.get_visible() for t in demo.artists["conf_counts"]) == 9  # a 3 x 3 confusion matrix
    assert [t.get_text() for t in demo.artists["static"].conf_ticks[:3]] == ["bird", "cat", "dog"]
    assert demo.controls["problem"].disabled and demo.controls["dataset"].disabled
    lo, hi = demo.artists["out_ax"].get_xlim()
    assert lo < X[:, 0].min() and hi > X[:, 0].max()
    demo.apply_preset("spiral_depth")  # presets keep your data
    assert demo.controls["dataset"].value == "your data" and demo.session.net.layer_sizes[-1] == 3


def test_your_own_regression_and_binary_data():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (100, 2))
    demo = playground(X, 3 * X[:, 0] - X[:, 1] + 10, lr=0.01)
    assert demo.session.problem == "regression" and "R²" in demo.artists["conf_title"].get_text()
    binary = playground(X, (X[:, 0] > 0).astype(int))
    assert binary.session.net.output == "sigmoid" and not binary.controls["problem"].disabled
    binary.set(problem="regression")
    assert binary.session.net.output == "identity"


@pytest.mark.parametrize(("X", "y", "match"), BAD_USER_DATA)
def test_your_data_bad_inputs(X, y, match):
    with pytest.raises(ValueError, match=match):
        playground(X, y)


def test_close_closes_every_widget():
    demo = playground()
    widgets = [demo.widget, demo.play, demo.image, demo.controls["ratio"], demo.controls["ratio"].layout]
    demo.close()
    assert all(w.comm is None for w in widgets)


def test_bad_settings(pg):
    with pytest.raises(TypeError, match="unknown playground setting"):
        playground(hidden_layers=3)
    with pytest.raises(ValueError, match="`preset`"):
        playground(preset="nope")
    with pytest.raises(ValueError, match="`epochs`"):
        pg.train(-1)
    with pytest.raises(ValueError, match="`axis_labels`"):
        playground(axis_labels=("x",))
