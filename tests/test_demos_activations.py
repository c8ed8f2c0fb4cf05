"""The demos of notebook 02: every activation in the dropdowns, the depth computation, softmax."""

import numpy as np
import pytest
import torch

from course_utils.activations import ACTIVATIONS, softmax
from course_utils.demos.activations import (
    ACTIVATION_CHOICES,
    DEPTH_CHOICES,
    activation_demo,
    depth_demo,
    gradient_through_depth,
    softmax_demo,
)

TORCH = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
         "leaky_relu": torch.nn.functional.leaky_relu, "gelu": torch.nn.functional.gelu}


@pytest.fixture(scope="module")
def one_activation_demo():
    return activation_demo()  # one demo whose menu every function goes through


@pytest.fixture(scope="module")
def one_depth_demo():
    return depth_demo()


@pytest.mark.parametrize("name", sorted(ACTIVATION_CHOICES.values()))
def test_activation_demo_every_function_at_the_extremes(name, one_activation_demo):
    demo = one_activation_demo
    demo.set(name=name)
    _, derivative = ACTIVATIONS[name]
    x = np.linspace(-2, 2, 9)  # the demo's nine inputs
    for w, b in [(-3.0, -6.0), (3.0, 6.0), (0.0, 0.0), (3.0, -6.0)]:
        demo.set(w=w, b=b)
        flat = int(np.sum(np.abs(derivative(w * x + b)) < 0.01))
        assert f"flat for {flat} of 9 inputs" in demo.status.value


def test_activation_demo_reports_saturation_and_dead_units():
    demo = activation_demo("sigmoid", w=3.0, b=6.0)
    assert "saturated" in demo.status.value
    demo.set(name="relu", w=1.0, b=-6.0)
    assert "flat for 9 of 9" in demo.status.value and "dead" in demo.status.value
    demo.set(name="leaky_relu")
    assert "flat for 0 of 9" in demo.status.value


@pytest.mark.parametrize("name", sorted(DEPTH_CHOICES.values()))
def test_depth_demo_every_function_at_the_extremes(name, one_depth_demo):
    demo = one_depth_demo
    demo.set(name=name)
    for depth, scale in [(1, 0.25), (40, 0.25), (40, 3.0), (1, 3.0)]:
        demo.set(depth=depth, scale=scale)
        slope = gradient_through_depth(name, depth, scale)["slope"].mean()
        assert f"{depth} layers" in demo.status.value and f"mean g′(a) = {slope:.3f}" in demo.status.value


def test_depth_demo_verdicts():
    demo = depth_demo("sigmoid", depth=40, scale=1.0)
    assert "(vanished)" in demo.status.value
    demo.set(name="relu", scale=3.0)
    assert "(exploded)" in demo.status.value
    demo.set(scale=1.4)
    assert "(about the same size)" in demo.status.value


@pytest.mark.parametrize("name", sorted(TORCH))
def test_gradient_through_depth_equals_autograd(name):
    """The hand-written backward pass equals autograd's, to rtol 1e-10 (float64)."""
    depth, width, batch = 6, 8, 5
    r = gradient_through_depth(name, depth, scale=1.3, width=width, batch=batch, seed=3)
    rng = np.random.default_rng(3)
    h = torch.tensor(rng.normal(size=(batch, width)), requires_grad=True)
    weights = torch.tensor(rng.normal(size=(depth, width, width)) * (1.3 / np.sqrt(width)))
    pre = []
    for k in range(depth):
        a = h @ weights[k].T
        a.retain_grad()
        pre.append(a)
        h = TORCH[name](a)
    h.sum().backward()
    expected = [np.sqrt(np.mean(a.grad.numpy() ** 2)) for a in pre]
    np.testing.assert_allclose(r["grad"], expected, rtol=1e-10)


def test_gradient_through_depth_bad_input():
    with pytest.raises(ValueError, match="`name` must be one of"):
        gradient_through_depth("swish", 3)
    with pytest.raises(ValueError, match="`depth` must be an integer >= 1"):
        gradient_through_depth("relu", 0)
    with pytest.raises(ValueError, match="`scale` must be a number > 0"):
        gradient_through_depth("relu", 3, scale=0.0)


def test_softmax_demo_bars_are_the_probabilities():
    demo = softmax_demo()
    temperature = demo.controls["temperature"]
    assert 10 ** temperature.min > 0  # the slider never reaches T = 0
    demo.set(z1=5.0, z2=-5.0, z3=0.0, z4=0.0, temperature=0.1)
    heights = [bar.get_height() for bar in demo.artists["bars_p"]]
    np.testing.assert_allclose(heights, softmax(np.array([5.0, -5.0, 0.0, 0.0]) / 0.1))
    assert "sum = 1.000" in demo.status.value and "<b>cat</b>" in demo.status.value


def test_demo_bad_arguments():
    with pytest.raises(ValueError, match="`name` must be one of"):
        activation_demo("swish")
    with pytest.raises(ValueError, match="`name` must be one of"):
        depth_demo("step")
    with pytest.raises(ValueError, match="`logits` must hold 4 numbers"):
        softmax_demo(logits=(1.0, 2.0))
