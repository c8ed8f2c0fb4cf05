"""The frame cache: keys that match the browser's, and frames drawn ahead that are the frames a student gets."""

import ipywidgets as W
import numpy as np
import pytest

from course_utils.demos import all_demos
from course_utils.frame_cache import FrameCache, count, position, value_at
from course_utils.widgets import LivePlot

DEMOS = all_demos()
TRAINING_RUNS = {"playground.playground_demo", "generative.gan_lab_demo"}  # TrainingPlots: no frame cache
CACHED = sorted(set(DEMOS) - TRAINING_RUNS)


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


def test_training_runs_keep_no_frames():
    for name in sorted(TRAINING_RUNS):
        assert DEMOS[name]().cache is None, name


def neighbours(demo, steps=(1, 2, -1)):
    """Keys one and two steps along each of the demo's sliders from where it is."""
    here = [int(p) for p in demo.cache.key.split(",")]
    keys = []
    for i, (control, axis) in enumerate(zip(demo.cache.controls, demo.cache.axes)):
        for step in steps if axis else ():
            if 0 <= here[i] + step < count(control):
                keys.append(",".join(str(p + step * (j == i)) for j, p in enumerate(here)))
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
        assert demo.cache.key == record["key"]
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
