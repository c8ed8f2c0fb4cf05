"""The demos of notebook 00 show what they claim: the gate's name, the perceptron converging or not."""

import numpy as np
import pytest

from course_utils.demos.history import gates_demo, half_plane, perceptron_demo


@pytest.mark.parametrize("threshold, x2, gate", [
    (2.0, "excitatory", "AND"), (1.0, "excitatory", "OR"), (0.0, "inhibitory", "NOT x₂"),
    (-1.0, "excitatory", "TRUE"), (3.5, "excitatory", "FALSE"),
])
def test_gates_demo_names_the_gate(threshold, x2, gate):
    demo = gates_demo(threshold=threshold, x2=x2)
    assert f"computes <b>{gate}</b>" in demo.status.value
    assert demo.artists["name"].get_text() == f"computes {gate}"


def test_gates_demo_region_is_empty_above_every_sum():
    demo = gates_demo(threshold=3.5)
    assert len(demo.artists["region"].get_xy()) <= 1  # matplotlib closes an empty polygon


def test_perceptron_demo_converges_on_separable_points():
    demo = perceptron_demo(updates=0)
    assert "30 of 30 points on the wrong side" in demo.status.value
    demo.set(updates=40)
    assert "Converged" in demo.status.value and "0 of 30" in demo.status.value
    assert not demo.artists["wrong"].get_xdata().size


def test_perceptron_demo_never_converges_on_xor():
    demo = perceptron_demo(updates=40, data="XOR")
    assert "Still not converged" in demo.status.value
    assert demo.artists["wrong"].get_xdata().size >= 1


def test_perceptron_demo_moves_the_line():
    demo = perceptron_demo(updates=1)
    before = np.array(demo.artists["line"].get_data())
    demo.set(updates=2)
    assert not np.allclose(before, np.array(demo.artists["line"].get_data()))


def test_half_plane():
    square = (0, 1, 0, 1)
    assert half_plane([1.0, 1.0], -5.0, square).shape == (0, 2)  # misses the box
    assert len(half_plane([1.0, 1.0], 5.0, square)) == 4  # the whole box
    triangle = half_plane([1.0, 1.0], -1.5, square)
    assert sorted(map(tuple, triangle.round(6).tolist())) == [(0.5, 1.0), (1.0, 0.5), (1.0, 1.0)]


def test_bad_data_name():
    with pytest.raises(ValueError, match="`data` must be one of"):
        perceptron_demo(data="MNIST")


def test_perceptron_slider_ends_where_the_picture_stops_changing():
    demo = perceptron_demo()
    slider = demo.controls["updates"]
    for data in ("separable points", "AND", "OR"):
        demo.set(data=data)
        frames = []
        for k in range(slider.max + 1):
            demo.set(updates=k)
            frames.append(demo.image.value)
        assert len(set(frames)) == len(frames), data  # every position its own picture
        assert "Converged" in demo.status.value and f"after {slider.max} updates" in demo.status.value
    demo.set(data="XOR")
    assert slider.max == 40  # never converges: all the way


def test_perceptron_mistakes_axis_spans_the_slider():
    demo = perceptron_demo()
    for data in ("separable points", "AND", "XOR"):
        demo.set(data=data)
        assert demo.artists["ax_err"].get_xlim() == (0, demo.controls["updates"].max), data
