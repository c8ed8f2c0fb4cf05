"""The activations and their derivatives against PyTorch, finite differences and bad inputs."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from course_utils import activations as act
from course_utils.activations import (
    ACTIVATIONS,
    leaky_relu,
    leaky_relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_jacobian,
)

reals = arrays(np.float64, st.integers(1, 50), elements=st.floats(-800, 800, allow_nan=False))

#: PyTorch's version of each element-wise activation (None: PyTorch has no derivative for it).
TORCH = {
    "step": lambda t: torch.heaviside(t, torch.tensor(1.0, dtype=t.dtype)),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=0.01),
    "gelu": lambda t: F.gelu(t, approximate="none"),
}
SMOOTH = {"sigmoid", "tanh", "gelu"}


def test_every_activation_has_a_torch_twin():
    assert set(ACTIVATIONS) == set(TORCH)


@settings(max_examples=60, deadline=None)
@given(a=reals)
def test_sigmoid_and_derivative_equal_torch(a):
    """Equal to torch.sigmoid and its autograd derivative, to 1e-12 absolute (float64)."""
    at = torch.tensor(a, requires_grad=True)
    out = torch.sigmoid(at)
    out.sum().backward()
    np.testing.assert_allclose(sigmoid(a), out.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sigmoid_derivative(a), at.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@settings(max_examples=40, deadline=None)
@given(a=reals)
def test_activation_and_derivative_equal_torch(name, a):
    """Function equal to torch.nn.functional's, derivative equal to autograd's (float64).

    Tolerance: rtol 1e-12 and atol 1e-12. The inputs include the kink at 0,
    where ReLU's derivative is 0 and leaky ReLU's is its slope, as in PyTorch.
    """
    function, derivative = ACTIVATIONS[name]
    a = np.append(a, 0.0)
    at = torch.tensor(a, requires_grad=name != "step")
    out = TORCH[name](at)
    np.testing.assert_allclose(function(a), out.detach().numpy(), rtol=1e-12, atol=1e-12)
    if name == "step":  # torch.heaviside has no derivative: compare with its value, zero
        assert not derivative(a).any()
        return
    out.sum().backward()
    np.testing.assert_allclose(derivative(a), at.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_by_finite_differences(name):
    """Central differences (h = 1e-6) on [-10, 10], off the kink at 0: rtol 1e-6, atol 1e-8."""
    function, derivative = ACTIVATIONS[name]
    a = np.linspace(-10, 10, 401)
    if name not in SMOOTH:
        a = a[np.abs(a) > 1e-3]
    h = 1e-6
    numeric = (function(a + h) - function(a - h)) / (2 * h)
    np.testing.assert_allclose(derivative(a), numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_derivative_peaks_at_a_quarter():
    a = np.linspace(-10, 10, 2001)
    assert sigmoid_derivative(a).max() == 0.25
    np.testing.assert_allclose(act.tanh(a), 2 * sigmoid(2 * a) - 1, atol=1e-15)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2, 1.0])
def test_leaky_relu_slopes_equal_torch(slope):
    """Any slope: equal to F.leaky_relu and its autograd derivative, to 1e-12."""
    a = np.linspace(-5, 5, 101)
    at = torch.tensor(a, requires_grad=True)
    out = F.leaky_relu(at, negative_slope=slope)
    out.sum().backward()
    np.testing.assert_allclose(leaky_relu(a, slope), out.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(leaky_relu_derivative(a, slope), at.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_extremes_without_warnings(name):
    """Huge and infinite inputs give the limits, with no overflow, division or invalid-value warning."""
    function, derivative = ACTIVATIONS[name]
    a = np.array([-np.inf, -1e300, -1e4, 0.0, 1e4, 1e300, np.inf])
    with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        out, slope = function(a), derivative(a)
    assert not np.isnan(out).any() and not np.isnan(slope).any()
    assert np.isfinite(slope).all()


def test_scalars_and_empty_arrays():
    for name, (function, derivative) in ACTIVATIONS.items():
        assert function(np.empty(0)).shape == (0,), name
        assert derivative([]).shape == (0,), name
        assert function(0.5).shape == (), name
        assert function([[0.5, -1.0]]).shape == (1, 2), name


# -- softmax --------------------------------------------------------------------------------
scores = arrays(np.float64, array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
                elements=st.floats(-500, 500, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(a=scores, data=st.data())
def test_softmax_equals_torch(a, data):
    """Equal to F.softmax(a / T, dim=axis) on any axis and temperature: rtol 1e-12, atol 1e-15."""
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    temperature = data.draw(st.floats(0.05, 20))
    expected = F.softmax(torch.tensor(a) / temperature, dim=axis).numpy()
    got = softmax(a, axis=axis, temperature=temperature)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(a=arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50, allow_nan=False)))
def test_softmax_jacobian_equals_autograd(a):
    """Equal to torch.autograd.functional.jacobian of F.softmax, to 1e-12 absolute."""
    expected = torch.autograd.functional.jacobian(lambda t: F.softmax(t, dim=-1), torch.tensor(a))
    np.testing.assert_allclose(softmax_jacobian(a), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_softmax_jacobian_by_finite_differences_and_batches():
    """Central differences, h = 1e-6: atol 1e-8. A batch gives one Jacobian per row."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=5) * 3
    h = 1e-6
    numeric = np.stack([(softmax(a + h * e) - softmax(a - h * e)) / (2 * h) for e in np.eye(5)],
                       axis=1)
    np.testing.assert_allclose(softmax_jacobian(a), numeric, atol=1e-8)
    batch = rng.normal(size=(3, 4))
    jac = softmax_jacobian(batch)
    assert jac.shape == (3, 4, 4)
    np.testing.assert_allclose(jac[1], softmax_jacobian(batch[1]), atol=1e-15)
    np.testing.assert_allclose(jac.sum(axis=-1), 0.0, atol=1e-15)


def test_softmax_is_stable_where_the_naive_formula_overflows():
    a = np.array([1000.0, 1001.0, 1002.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(a) / np.exp(a).sum()
    assert np.isnan(naive).all()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        stable = softmax(a)
    np.testing.assert_allclose(stable, softmax(a - 1000), rtol=1e-15)
    np.testing.assert_allclose(stable, F.softmax(torch.tensor(a), dim=0).numpy(), rtol=1e-12)


def test_softmax_minus_infinity_gets_probability_zero():
    assert softmax(np.array([0.0, -np.inf, 0.0])).tolist() == [0.5, 0.0, 0.5]


def test_two_class_softmax_is_a_sigmoid():
    z = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(softmax(np.c_[z, np.zeros_like(z)])[:, 0], sigmoid(z), atol=1e-15)


def test_temperature_sharpens_and_flattens():
    a = np.array([1.0, 2.0, 3.0])
    assert softmax(a, temperature=0.01).round(6).tolist() == [0.0, 0.0, 1.0]
    np.testing.assert_allclose(softmax(a, temperature=1e6), 1 / 3, atol=1e-6)


# -- bad inputs -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_bad_input(name):
    function, derivative = ACTIVATIONS[name]
    for f in (function, derivative):
        with pytest.raises(ValueError, match="`a` contains NaN"):
            f(np.array([0.0, np.nan]))
        with pytest.raises(TypeError, match="`a` must be numbers"):
            f("x")
        with pytest.raises(TypeError, match="`a` must be numbers"):
            f(None)
        with pytest.raises(TypeError, match="`a` must be numbers"):
            f([1.0, "two"])


def test_bad_negative_slope():
    with pytest.raises(ValueError, match="`negative_slope` must be >= 0"):
        leaky_relu([1.0], negative_slope=-0.1)
    with pytest.raises(TypeError, match="`negative_slope` must be a number"):
        leaky_relu_derivative([1.0], negative_slope="0.1")


def test_softmax_bad_input():
    with pytest.raises(ValueError, match="`axis` is 2, but `a` has shape \\(2, 3\\)"):
        softmax(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match="use an axis from -2 to 1"):
        softmax(np.zeros((2, 3)), axis=-3)
    with pytest.raises(TypeError, match="`axis` must be an integer"):
        softmax([1.0, 2.0], axis=0.5)
    with pytest.raises(TypeError, match="`axis` must be an integer"):
        softmax([1.0, 2.0], axis=True)
    with pytest.raises(ValueError, match="at least one score"):
        softmax([])
    with pytest.raises(ValueError, match="at least one score along axis 0"):
        softmax(np.zeros((0, 3)), axis=0)
    with pytest.raises(ValueError, match="a single number"):
        softmax(3.0)
    with pytest.raises(ValueError, match="`a` contains NaN"):
        softmax([1.0, np.nan])
    with pytest.raises(ValueError, match="\\+inf"):
        softmax([1.0, np.inf])
    with pytest.raises(ValueError, match="all -inf"):
        softmax([[0.0, 1.0], [-np.inf, -np.inf]])
    with pytest.raises(TypeError, match="`a` must be numbers"):
        softmax("logits")
    with pytest.raises(ValueError, match="`temperature` must be > 0"):
        softmax([1.0, 2.0], temperature=0.0)
    with pytest.raises(TypeError, match="`temperature` must be a number"):
        softmax([1.0, 2.0], temperature=None)
    with pytest.raises(ValueError, match="`a` contains NaN"):
        softmax_jacobian([np.nan, 1.0])
