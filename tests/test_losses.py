import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    cross_entropy,
    cross_entropy_gradient,
    log_softmax,
    mse,
    mse_gradient,
    softmax,
)

shapes = st.tuples(st.integers(1, 12), st.integers(1, 5))


def _torch_loss_and_grad(loss_fn, prediction, *args):
    """PyTorch's loss (mean reduction) and its autograd gradient with respect to the prediction."""
    t = torch.tensor(prediction, dtype=torch.float64, requires_grad=True)
    loss = loss_fn(t, *args)
    loss.backward()
    return loss.item(), t.grad.numpy()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes)
def test_mse_equals_torch(data, shape):
    """mse and mse_gradient equal F.mse_loss and its gradient, to 1e-12 relative (float64)."""
    values = st.floats(-1e3, 1e3, allow_nan=False)
    y_pred = data.draw(arrays(np.float64, shape, elements=values))
    y_true = data.draw(arrays(np.float64, shape, elements=values))
    loss, grad = _torch_loss_and_grad(F.mse_loss, y_pred, torch.tensor(y_true))
    assert mse(y_pred, y_true) == pytest.approx(loss, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(mse_gradient(y_pred, y_true), grad, rtol=1e-12, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes)
def test_binary_cross_entropy_equals_torch(data, shape):
    """binary_cross_entropy and its gradient equal F.binary_cross_entropy's, to 1e-10 relative.

    Probabilities cover the whole of [0, 1], ends included (where PyTorch clamps
    the log at -100); labels are 0 or 1.
    """
    p = data.draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
    y = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    loss, grad = _torch_loss_and_grad(F.binary_cross_entropy, p, torch.tensor(y))
    assert binary_cross_entropy(p, y) == pytest.approx(loss, rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(binary_cross_entropy_gradient(p, y), grad, rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=st.tuples(st.integers(1, 12), st.integers(1, 6)))
def test_cross_entropy_equals_torch(data, shape):
    """cross_entropy and its gradient equal F.cross_entropy (mean) and its gradient, to 1e-10.

    Logits span [-1000, 1000], where a naive softmax would overflow.
    """
    n, k = shape
    logits = data.draw(arrays(np.float64, shape, elements=st.floats(-1000, 1000)))
    labels = data.draw(arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    loss, grad = _torch_loss_and_grad(F.cross_entropy, logits, torch.tensor(labels))
    assert cross_entropy(logits, labels) == pytest.approx(loss, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(cross_entropy_gradient(logits, labels), grad, rtol=1e-10, atol=1e-12)


def test_log_softmax_and_softmax_equal_torch():
    """On large logits too, to 1e-12."""
    z = np.array([[1000.0, 999.0, -1000.0], [0.1, 0.2, 0.3]])
    np.testing.assert_allclose(log_softmax(z), F.log_softmax(torch.tensor(z), dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(softmax(z).sum(axis=1), [1.0, 1.0])


def test_gradients_by_finite_differences():
    """Every gradient matches central differences of its loss, to 1e-6."""
    rng = np.random.default_rng(0)
    h = 1e-6

    def numeric(loss, x, *args):
        out = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = h
            out[i] = (loss(x + step, *args) - loss(x - step, *args)) / (2 * h)
        return out

    y_pred, y_true = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    np.testing.assert_allclose(mse_gradient(y_pred, y_true), numeric(mse, y_pred, y_true), atol=1e-6)
    p, y = rng.uniform(0.1, 0.9, size=5), rng.integers(0, 2, size=5).astype(float)
    np.testing.assert_allclose(binary_cross_entropy_gradient(p, y),
                               numeric(binary_cross_entropy, p, y), atol=1e-6)
    z, labels = rng.normal(size=(3, 4)), np.array([0, 3, 1])
    np.testing.assert_allclose(cross_entropy_gradient(z, labels), numeric(cross_entropy, z, labels), atol=1e-6)


def test_lecture_loss_table():
    """The lecture's table: 12.1, 19.9 and 31.4 against the label 32."""
    losses = [mse([p], [32.0]) for p in (12.1, 19.9, 31.4)]
    assert losses == pytest.approx([396.01, 146.41, 0.36])
    assert losses[0] > losses[1] > losses[2]


def test_confident_mistake_is_clamped_like_torch():
    assert binary_cross_entropy([0.0], [1.0]) == 100.0
    assert binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="`y_pred` and `y_true` must have the same shape"):
        mse([1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="`y_pred`"):
        mse("abc", [1.0])
    with pytest.raises(ValueError, match="`y_true` contains NaN"):
        mse_gradient([1.0], [np.nan])
    with pytest.raises(ValueError, match="`p` must hold probabilities"):
        binary_cross_entropy([1.5], [1.0])
    with pytest.raises(ValueError, match="`y` must hold labels"):
        binary_cross_entropy_gradient([0.5], [2.0])
    with pytest.raises(ValueError, match=r"`logits` must be of shape \(n_samples, n_classes\)"):
        cross_entropy([1.0, 2.0], [0])
    with pytest.raises(ValueError, match=r"`labels` must be of shape \(n_samples,\)"):
        cross_entropy([[1.0, 2.0]], [0, 1])
    with pytest.raises(ValueError, match=r"`labels` must lie in \[0, 1\]"):
        cross_entropy_gradient([[1.0, 2.0]], [2])
    with pytest.raises(TypeError, match="`labels` must be integer class indices"):
        cross_entropy([[1.0, 2.0]], [0.5])
    assert cross_entropy([[1.0, 2.0]], [1.0]) == pytest.approx(cross_entropy([[1.0, 2.0]], [1]))
