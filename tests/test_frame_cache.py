"""The frame cache: keys that match the browser's, and frames drawn ahead that are the frames a student gets."""

import ipywidgets as W
import numpy as np
import pytest

from course_utils.demos import all_demos
from course_utils.frame_cache import FrameCache, count, position, value_at
from course_utils.widgets import LivePlot, TrainingPlot

DEMOS = all_demos()
TRAINING_RUNS = ["generative.gan_lab_demo", "playground.playground_demo"]  # TrainingPlots: keys with a signature
CACHED = sorted(DEMOS)


@pytest.mark.parametrize("control", [
    W.FloatSlider(value=0.3, min=-1, max=2, step=0.1),
    W.FloatSlider(value=1e-3, min=0, max=0.01, step=1e-4),
    W.IntSlider(value=7, min=1, max=41, step=2),
    W.FloatLogSlider(value=10 ** -2.4, min=-5, max=-1.4, step=0.1),
    W.SelectionSlider(options=[("one", 1), ("two", 2), ("three", 3)], value=2),
    W.Dropdown(options=["a", "b", "c"], value="c"),
    W.Checkbox(value=True),
])
def test_value_at_inverts_position_at_every_position(control):
    positions = count(control)
    assert positions == (len(control.options) if hasattr(control, "options") else 2 if isinstance(
        control, W.Checkbox) else round((control.max - control.min) / control.step) + 1)
    for pos in range(positions):
        assert position(control, value_at(control, pos)) == pos
    assert 0 <= position(control) < positions


def test_a_wrong_key_is_refused_with_what_was_expected():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    with pytest.raises(ValueError, match="`key` must have 2 positions"):
        demo.cache.values_of("3")
    with pytest.raises(ValueError, match="integers joined by commas"):
        demo.cache.values_of("a,b")
    records, blobs = demo.cache.frames_for(["1,2,3", "40,41"])
    assert records[0] == {"key": "1,2,3", "error": True} and blobs[0] == b""
    assert records[1]["key"] == "40,41" and blobs[1][:3] == b"\xff\xd8\xff"


def test_a_control_without_positions_turns_the_cache_off():
    x = np.linspace(0, 1, 5)

    def draw(fig):
        return {"line": fig.add_subplot().plot(x, x)[0]}

    def update(artists, w, name):
        artists["line"].set_ydata(w * x)

    demo = LivePlot(draw, update, {"w": W.FloatSlider(value=1.0), "name": W.Text("a")})
    assert demo.cache is None
    with pytest.raises(TypeError, match="control 'name' cannot take part in a frame key"):
        FrameCache(demo, ["w"])
    with pytest.raises(ValueError, match="`axes` must name controls"):
        FrameCache(LivePlot(draw, lambda a, w: None, {"w": W.FloatSlider()}), ["v"])


def test_a_run_that_cannot_say_what_its_figure_shows_keeps_no_frames():
    class Counter:  # no signature, no scratch(): nothing can be drawn ahead
        n = 0

        def step(self, n):
            self.n += n

        def reset(self):
            self.n = 0

    demo = TrainingPlot(lambda fig: {"t": fig.text(0, 0, "")}, lambda a, k: None,
                        {"k": W.IntSlider(value=1)}, Counter(), chunk="k")
    assert demo.cache is None
    for name in TRAINING_RUNS:
        assert DEMOS[name]().cache is not None, name


def neighbours(demo, steps=(1, 2, -1)):
    """Keys one and two steps along each of the demo's sliders from where it is."""
    signature, bar, positions = demo.cache.key.rpartition("|")
    here = [int(p) for p in positions.split(",")]
    keys = []
    for i, (control, axis) in enumerate(zip(demo.cache.controls, demo.cache.axes)):
        for step in steps if axis else ():
            if 0 <= here[i] + step < count(control):
                keys.append(signature + bar + ",".join(str(p + step * (j == i)) for j, p in enumerate(here)))
    return keys


@pytest.mark.parametrize("name", CACHED)
def test_a_frame_drawn_ahead_is_the_frame_a_student_gets(name):
    """The browser shows frames drawn ahead in place of the kernel's: they must be the same picture.

    Each frame is drawn ahead after others (the figure is in another state), then the
    control is moved there: same bytes, same status. Back at the start, the first frame
    again: no update depends on the frames drawn before it.
    """
    demo = DEMOS[name]()
    assert demo.cache is not None, f"{name} keeps no frames"
    start = demo.cache.key
    demo.set(**demo.cache.values_of(start))  # a start off the sliders' grid (latent_demo's) onto it
    first, first_status = demo.image.value, demo.status.value
    keys = neighbours(demo)
    assert keys, "a demo with a frame cache has a slider to move"
    records, blobs = demo.cache.frames_for(keys, seconds=float("inf"))
    assert [r["key"] for r in records] == keys and not any(r.get("error") for r in records)
    for record, blob in zip(records, blobs):
        demo.cache.kept.clear()  # the kernel would send the kept frame again: here it must draw it
        demo.set(**demo.cache.values_of(record["key"]))
        assert demo.cache.key == record["key"]  # (a run not trained yet: moves keep its signature)
        assert demo.status.value == record["status"], record["key"]
        assert demo.image.value == blob, f"{name}: the frame drawn ahead of {record['key']} differs"
    demo.set(**demo.cache.values_of(start))
    assert (demo.image.value, demo.status.value) == (first, first_status)


def test_the_kernel_sends_a_kept_frame_again_without_drawing_it():
    demo = DEMOS["validation.network_demo"]()
    start = demo.cache.key
    keys = neighbours(demo)[:3]
    records, blobs = demo.cache.frames_for(keys, seconds=float("inf"))
    calls = []
    update = demo.update_fn
    demo.update_fn = lambda *args, **kwargs: calls.append(1) or update(*args, **kwargs)
    for record, blob in zip(records, blobs):
        demo.set(**demo.cache.values_of(record["key"]))
        assert (demo.image.value, demo.status.value) == (blob, record["status"])
    assert calls == [], "a frame the browser holds was drawn again"
    demo.set(**demo.cache.values_of(start))  # the kernel's first frame was never sent: drawn
    assert len(calls) == 1 and demo.cache.key in demo.cache.kept  # ...and kept, the browser has it now
    demo.set(**demo.cache.values_of(keys[-1]))
    assert len(calls) == 1
    png = demo._repr_mimebundle_()["image/png"]  # the figure catches up before the notebook's PNG
    assert len(calls) == 2 and demo._drawn == demo.values() and png


def test_a_frame_the_browser_shows_is_not_sent_back():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    start, (key, other) = demo.cache.key, neighbours(demo)[:2]
    (record, *_), (blob, *_) = demo.cache.frames_for([key, other], seconds=float("inf"))
    sent = []
    for widget in (demo.image, demo.status):
        widget.send_state = lambda key=None, widget=widget: sent.append((widget, key))
    demo.cache._on_msg(demo.cache, {"shown": key}, [])  # the browser showed it from its cache
    demo.set(**demo.cache.values_of(key))
    assert sent == [] and (demo.image.value, demo.status.value) == (blob, record["status"])
    demo.set(**demo.cache.values_of(other))  # kept, but the browser has not said it shows it
    assert {w for w, _ in sent} == {demo.image, demo.status}
    sent.clear()
    demo.cache._on_msg(demo.cache, {"shown": key}, [])
    demo.cache._on_msg(demo.cache, {"shown": None}, [])  # a new page: it shows nothing yet
    demo.set(**demo.cache.values_of(key))
    assert {w for w, _ in sent} == {demo.image, demo.status}
    sent.clear()
    demo.cache._on_msg(demo.cache, {"shown": other}, [])
    demo.set(**demo.cache.values_of(start))  # the word was for another frame, and it is used up
    demo.set(**demo.cache.values_of(other))
    assert [w for w, _ in sent].count(demo.image) == 2


def test_a_value_from_the_browser_is_not_echoed_back():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    w = demo.controls["w"]
    sent = []
    w._send = lambda msg, buffers=None: sent.append(msg["method"])
    w.set_state({"value": 1.5})  # what the browser's update does
    assert w.value == 1.5 and "echo_update" not in sent
    plain = W.FloatSlider()
    plain._send = lambda msg, buffers=None: sent.append(msg["method"])
    plain.set_state({"value": 0.5})
    assert sent == ["echo_update"], "ipywidgets echoes a plain slider: the test would not see a change"


def test_the_kernel_keeps_at_most_the_budget():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    demo.cache.budget = 3
    demo.cache.frames_for(neighbours(demo)[:5], seconds=float("inf"))
    demo.cache.budget = 3  # frames_for sets it from the drawing time
    demo.cache.keep("x", b"", "")
    assert list(demo.cache.kept)[-1] == "x" and len(demo.cache.kept) == 3


def test_the_key_follows_the_controls():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    before = demo.cache.key
    demo.set(w=demo.controls["w"].value + demo.controls["w"].step)
    after = [int(p) for p in demo.cache.key.split(",")]
    assert after[0] == int(before.split(",")[0]) + 1 and after[1:] == [int(p) for p in before.split(",")[1:]]


def test_the_browser_gets_the_frames_it_asks_for():
    demo = DEMOS["single_neuron.line_fit_demo"]()
    sent = []
    demo.cache.send = lambda content, buffers=None: sent.append((content, buffers))
    demo.cache._on_msg(demo.cache, {"want": neighbours(demo)}, [])
    (content, buffers), = sent
    assert len(content["frames"]) == len(buffers) >= 1
    assert all(b[:3] == b"\xff\xd8\xff" for b in buffers)
    demo.cache._on_msg(demo.cache, {"something": "else"}, [])
    assert len(sent) == 1


# -- training runs: frames drawn ahead on a scratch run ------------------------------------------
def run_state(demo):
    """What a training run is: its weights, history and settings (the playground's or the GAN's)."""
    if hasattr(demo, "session"):
        s = demo.session
        return (s.epoch, s.signature, s.net.theta.tobytes(), list(s.train_loss), list(s.test_loss),
                dict(s.settings), s.train.tobytes(), s.data_seed, s.net_seed)
    run, gan = demo.state, demo.state.gan
    params = [p.detach().numpy().tobytes() for p in (*gan.generator.parameters(), *gan.discriminator.parameters())]
    return (gan.steps, run.signature, params, {k: list(v) for k, v in gan.history.items()},
            [g["lr"] for g in (*gan.opt_d.param_groups, *gan.opt_g.param_groups)], gan.d_steps, gan.loss,
            gan.rng.get_state().numpy().tobytes(), list(run.coverage), run.data_name)


def widgets_state(demo):
    """Every widget value of the demo but the image and status: drawing ahead must change none."""
    from course_utils.widgets import widget_tree

    return [(type(w).__name__, getattr(w, "value", None), getattr(getattr(w, "layout", None), "display", None),
             getattr(w, "disabled", None)) for w in widget_tree(demo.widget) if w not in (demo.image, demo.status)]


@pytest.mark.parametrize("name", TRAINING_RUNS)
def test_drawing_ahead_leaves_the_run_and_the_widgets_as_they_were(name):
    """Train, draw frames ahead along every slider, train on: the same bits as training without them."""
    ahead, plain = DEMOS[name](), DEMOS[name]()
    for demo in (ahead, plain):
        demo.step(3)
    before, widgets = run_state(ahead), widgets_state(ahead)
    records, _ = ahead.cache.frames_for(neighbours(ahead), seconds=float("inf"))
    assert len(records) >= 6 and not any(r.get("error") for r in records)
    assert run_state(ahead) == before and widgets_state(ahead) == widgets
    for demo in (ahead, plain):
        demo.step(3)
    assert run_state(ahead)[2:] == run_state(plain)[2:], "the frames drawn ahead changed the run"
    assert ahead.image.value == plain.image.value


@pytest.mark.parametrize("name", TRAINING_RUNS)
def test_a_trained_run_s_frame_drawn_ahead_is_what_the_move_shows(name):
    """From a trained state: a move that starts the run again (the playground's sliders) or keeps
    it (a learning rate) shows the frame drawn ahead, though the key after it may differ."""
    for k in range(min(4, len(neighbours(DEMOS[name](), steps=(1,))))):  # the playground: data, batch, layers
        demo = DEMOS[name]()
        demo.step(4)
        key = neighbours(demo, steps=(1,))[k]
        (record,), (blob,) = demo.cache.frames_for([key], seconds=float("inf"))
        assert record["key"] == key and blob
        demo.cache.kept.clear()
        demo.set(**demo.cache.values_of(key))
        assert demo.image.value == blob, f"{name}: the frame drawn ahead of {key} differs"
        if "ms per epoch" not in record["status"]:  # (the playground's status shows a timing)
            assert demo.status.value == record["status"]


def test_a_kept_frame_the_browser_shows_is_not_sent_but_the_run_takes_the_move():
    demo = DEMOS["playground.playground_demo"]()
    demo.step(5)
    assert demo.cache.key.startswith("t")
    ratio = demo.controls["ratio"]
    values = {**demo.values(), "ratio": ratio.value + ratio.step}
    key = demo.cache.key_of(values)
    demo.cache.frames_for([key], seconds=float("inf"))
    demo.cache._on_msg(demo.cache, {"shown": key}, [])
    sent = []
    demo.image.send_state = lambda key=None: sent.append(key)
    demo.set(ratio=values["ratio"])  # the run starts again: a new signature, a key the browser did not say
    assert demo.session.settings["ratio"] == values["ratio"] and demo.session.epoch == 0
    assert demo.cache.key.startswith("f") and sent, "the browser's frame was under another key: sent"
    sent.clear()
    values["ratio"] += ratio.step
    key = demo.cache.key_of(values)
    (record,), (blob,) = demo.cache.frames_for([key], seconds=float("inf"))
    demo.cache._on_msg(demo.cache, {"shown": key}, [])
    demo.set(ratio=values["ratio"])
    assert sent == [] and demo.image.value == blob and demo.status.value == record["status"]
    assert demo.session.settings["ratio"] == values["ratio"] and "epoch <b>0</b>" in demo.epoch_label.value
    png = demo._repr_mimebundle_()["image/png"]  # the figure shows the run, not the last frame drawn ahead
    assert png and not demo._stale


def test_frames_asked_for_a_state_the_run_has_left_are_not_drawn():
    demo = DEMOS["generative.gan_lab_demo"]()
    keys = neighbours(demo)[:2]
    assert all(key.startswith("f|") for key in keys)
    demo.step()
    records, blobs = demo.cache.frames_for(keys, seconds=float("inf"))
    assert records == [{"key": key, "gone": True} for key in keys] and blobs == [b"", b""]
    assert demo.cache.generation == demo.signature() == "t1" and demo.cache.key.startswith("t1|")


def test_the_playground_s_loss_axis_follows_its_run_not_the_frames_drawn_ahead():
    demo = DEMOS["playground.playground_demo"]()
    demo.step(2)
    demo.artists["memo"].loss_top = 8.0  # as if the curve had gone up once: the axis stays that high
    demo.step(1)
    assert demo.artists["loss_ax"].get_ylim()[1] == 8.0
    demo.cache.frames_for(neighbours(demo), seconds=float("inf"))  # new networks, each its own axis
    demo.step(1)
    assert demo.artists["loss_ax"].get_ylim()[1] == 8.0


def test_frames_drawn_ahead_wait_while_the_plot_changes():
    """JupyterLab may deliver the frame cache's messages on a thread of their own (kernel subshells):
    drawing ahead takes the plot's lock, which a control's change holds while it redraws."""
    import threading

    demo = DEMOS["single_neuron.line_fit_demo"]()
    done = []
    with demo.lock:
        worker = threading.Thread(target=lambda: done.append(demo.cache.frames_for(neighbours(demo)[:1])))
        worker.start()
        worker.join(0.3)
        assert not done, "a frame was drawn while the plot was changing"
    worker.join(10)
    assert done and done[0][1][0][:3] == b"\xff\xd8\xff"


def test_the_browser_learns_how_long_a_frame_takes_the_kernel_along_each_slider():
    """``frame_ms`` (per control, the mean drawing time of the frames drawn ahead along it) tells the
    browser whether to hold a drag's positions back: along the small network's width every frame
    fits a network, along "stop after" none does (the run is kept), and the line fit only draws."""
    network, line = DEMOS["validation.network_demo"](), DEMOS["single_neuron.line_fit_demo"]()
    assert network.cache.frame_ms == [0.0] * len(network.controls)  # nothing drawn ahead yet
    here = [int(p) for p in network.cache.key.split(",")]

    def along(name):  # three keys along one slider, downwards ("stop after" starts at its maximum)
        i = network.cache.names.index(name)
        return [",".join(str(p - step * (j == i)) for j, p in enumerate(here)) for step in (1, 2, 3)]

    network.cache.frames_for(along("width") + along("stop_after"), seconds=float("inf"))
    line.cache.frames_for(neighbours(line)[:3], seconds=float("inf"))
    ms = dict(zip(network.cache.names, network.cache.frame_ms))
    assert ms["points"] == 0.0, "no frame was drawn along the points: none is counted"
    assert ms["width"] > 2 * ms["stop_after"] > 0, ms
    assert line.cache.frame_ms[0] > 0 and ms["width"] > 3 * line.cache.frame_ms[0]
