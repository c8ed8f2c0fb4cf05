import base64
import io

import ipywidgets as W
import numpy as np
import pytest
from PIL import Image

from course_utils.widgets import CSS_CLASS, LivePlot, naive_frame, slider

X = np.linspace(-3, 3, 50)


def draw(fig):
    ax = fig.add_subplot(xlim=(-3, 3), ylim=(-3, 3))
    ax.set_title("static title")
    return {"line": ax.plot(X, X)[0], "ax": ax}


def update(artists, w, zoom=1.0):
    artists["line"].set_ydata(w * X)
    artists["ax"].set_ylim(-3 * zoom, 3 * zoom)
    return f"w={w:.1f}"


def make(**kw):
    controls = {"w": slider(1.0, -2, 2, 0.1, "w"), "zoom": slider(1.0, 0.5, 2, 0.5, "zoom")}
    return LivePlot(draw, update, controls, **kw)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def test_first_state_is_drawn_and_shown_without_a_kernel():
    demo = make(title="t")
    bundle = demo._repr_mimebundle_()
    assert set(bundle) >= {"image/png", "text/plain", "application/vnd.jupyter.widget-view+json"}
    stored = base64.b64decode(bundle["image/png"])  # a PNG of the frame the widget shows (a JPEG)
    assert stored.startswith(b"\x89PNG") and bytes(demo.image.value[:2]) == b"\xff\xd8"
    assert np.abs(pixels(stored).astype(int) - pixels(demo.image.value)).mean() < 2
    assert bundle["text/plain"] == "LivePlot('t', controls=['w', 'zoom'])"
    assert pixels(demo.image.value).shape == (400, 600, 3)
    assert CSS_CLASS in demo.widget._dom_classes


def test_moving_a_control_changes_the_image_and_status():
    demo = make()
    before = demo.image.value
    demo.controls["w"].value = -1.0  # as the browser does: a trait change
    assert demo.frames == 2 and demo.image.value != before and demo.status.value == "w=-1.0"


def test_blitted_frame_equals_a_full_redraw():
    """The cached background plus the moving artists is the same picture as drawing all again."""
    demo = make()
    demo.set(w=0.5)
    blitted = pixels(demo.image.value)
    demo.redraw_background()
    demo.refresh()
    np.testing.assert_array_equal(blitted, pixels(demo.image.value))


def test_limit_change_redraws_the_background():
    demo = make()
    demo.set(zoom=2.0)
    zoomed = pixels(demo.image.value)
    demo.redraw_background()
    demo.refresh()
    np.testing.assert_array_equal(zoomed, pixels(demo.image.value))


def test_update_error_is_shown_and_raised():
    def broken(artists, w):
        if w > 0:
            raise RuntimeError("boom")

    demo = LivePlot(draw, broken, {"w": slider(0.0, -1, 1, 0.1, "w")})
    with pytest.raises(RuntimeError, match="boom"):
        demo.set(w=0.5)
    assert "course-liveplot-error" in demo.status.value and "boom" in demo.error


def test_naive_frame_draws_the_same_content():
    png = naive_frame(draw, update, {"w": 0.5})
    height, width = pixels(png).shape[:2]  # "tight" bounding box, as the inline backend saves
    assert abs(height - 400) < 40 and abs(width - 600) < 40


def test_bad_arguments():
    with pytest.raises(TypeError, match="controls"):
        LivePlot(draw, update, {})
    with pytest.raises(TypeError, match=r"controls\['w'\]"):
        LivePlot(draw, update, {"w": 3})
    with pytest.raises(TypeError, match="draw"):
        LivePlot(None, update, {"w": slider(0, -1, 1, 0.1, "w")})
    with pytest.raises(ValueError, match="kind"):
        LivePlot(draw, update, {"w": slider(0, -1, 1, 0.1, "w")}, kind="fast")
    with pytest.raises(KeyError, match="unknown control"):
        make().set(v=1)
    with pytest.raises(ValueError, match="`value`"):
        slider(5, 0, 1, 0.1, "s")


def test_wide_figure_puts_controls_on_top():
    demo = LivePlot(draw, update, {"w": slider(1.0, -2, 2, 0.1, "w")}, figsize=(9, 3))
    assert isinstance(demo.widget, W.VBox)


def test_changed_names_the_controls_that_moved():
    demo = make()
    assert demo.changed == {"w", "zoom"}  # the first frame: every control is new
    seen = []
    demo.update_fn = lambda artists, **values: seen.append(set(demo.changed))  # what update sees
    demo.controls["zoom"].value = 2.0  # as the browser does
    demo.set(w=0.5, zoom=2.0)  # zoom does not move
    demo.refresh()  # nothing moved
    assert seen == [{"zoom"}, {"w"}, set()]


def test_arrange_is_the_layout_hook():
    class Bare(LivePlot):
        def arrange(self):
            return W.VBox([self.image, *self.controls.values(), self.status])

    demo = Bare(draw, update, {"w": slider(1.0, -2, 2, 0.1, "w")}, figsize=(9, 3))
    assert demo.widget.children[0] is demo.image and demo.controls["w"].layout.width == "100%"
    assert CSS_CLASS in demo.widget._dom_classes and demo.frames == 1
