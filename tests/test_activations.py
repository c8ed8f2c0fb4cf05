import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.activations import sigmoid, sigmoid_derivative

reals = arrays(np.float64, st.integers(1, 50), elements=st.floats(-800, 800, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(a=reals)
def test_sigmoid_and_derivative_equal_torch(a):
    """Equal to torch.sigmoid and its autograd derivative, to 1e-12 absolute (float64)."""
    at = torch.tensor(a, requires_grad=True)
    out = torch.sigmoid(at)
    out.sum().backward()
    np.testing.assert_allclose(sigmoid(a), out.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sigmoid_derivative(a), at.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_derivative_by_finite_differences():
    a = np.linspace(-6, 6, 25)
    h = 1e-6
    numeric = (sigmoid(a + h) - sigmoid(a - h)) / (2 * h)
    np.testing.assert_allclose(sigmoid_derivative(a), numeric, atol=1e-9)


def test_no_overflow_warning_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert sigmoid(np.array([-1e4, 1e4])).tolist() == [0.0, 1.0]


def test_bad_input():
    with pytest.raises(ValueError, match="`a` contains NaN"):
        sigmoid(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="`a`"):
        sigmoid("x")
