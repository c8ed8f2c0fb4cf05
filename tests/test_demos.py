"""Every demo builds, reacts to each control at its extremes, and never raises."""

import numpy as np
import pytest

from course_utils.demos import all_demos
from course_utils.demos.single_neuron import descent_demo

DEMOS = all_demos()


def test_demos_are_found():
    assert {"single_neuron.line_fit_demo", "single_neuron.descent_demo"} <= set(DEMOS)


# The playground has its own sweep in test_playground.py (and its session in test_playground_session.py).
@pytest.mark.parametrize("name", sorted(set(DEMOS) - {"playground.playground_demo"}))
def test_every_control_at_its_extremes(name):
    demo = DEMOS[name]()
    assert demo.frames == 1 and demo.image.value
    for control_name, control in demo.controls.items():
        if hasattr(control, "min"):
            for value in (control.min, control.max):
                frames = demo.frames
                demo.set(**{control_name: value})  # raises if the update fails
                assert demo.frames == frames + 1 and demo.image.value[:3] in (b"\x89PN", b"\xff\xd8\xff")
                assert "nan" not in demo.status.value.lower(), (control_name, value, demo.status.value)
    assert demo.frames == 1 + 2 * sum(hasattr(c, "min") for c in demo.controls.values())


def test_descent_demo_says_diverged():
    demo = descent_demo(lr=0.009)
    assert "diverged" in demo.status.value
    demo.set(lr=0.001)
    assert "diverged" not in demo.status.value and "w = " in demo.status.value


def test_descent_demo_path_ends_at_the_learned_weights():
    demo = descent_demo(lr=0.005, steps=5000)
    w_path, b_path = demo.artists["path"].get_data()
    assert abs(w_path[-1] - 1.8) < 0.01 and abs(b_path[-1] - 32) < 0.01
    assert np.isfinite(w_path).all()


def test_the_seed_of_setup_reaches_the_demos():
    from course_utils.demos.playground import playground
    from course_utils.notebook import seed_everything

    seed_everything(5)
    try:
        chosen = playground().session.coords
        assert np.array_equal(chosen, playground(seed=5).session.coords)
        assert not np.array_equal(chosen, playground(seed=0).session.coords)
    finally:
        seed_everything(0)


#: JupyterLab's output column at 1366x768 with the file browser open; a wider image is scaled down to it.
COLUMN_PX = 934
#: The smallest text a student should have to read, in screen pixels.
MIN_TEXT_PX = 9


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_text_of_a_demo_is_at_least_9_px_on_screen(name):
    from matplotlib.text import Text

    demo = DEMOS[name]()
    fig = demo.fig
    width_px = fig.get_figwidth() * fig.dpi
    scale = min(1.0, COLUMN_PX / width_px)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    small = [(round(t.get_fontsize() * fig.dpi / 72 * scale, 1), t.get_text()[:30]) for t in texts
             if t.get_fontsize() * fig.dpi / 72 * scale < MIN_TEXT_PX]
    assert texts and not small, f"{name}: {width_px:.0f} px wide, shown at {scale:.0%}; too small (px, text): {small}"
