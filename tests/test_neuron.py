import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.data import celsius_table
from course_utils.losses import mse
from course_utils.neuron import gradient_descent, minibatch_sgd, mse_gradients, pre_activation

finite = st.floats(-100, 100, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 20), elements=finite), w=finite, b=finite, data=st.data())
def test_gradients_equal_autograd(x, w, b, data):
    """Our hand-derived gradients equal PyTorch autograd to 1e-9 relative (float64)."""
    y = data.draw(arrays(np.float64, x.shape, elements=finite))
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.mse_loss(wt * torch.from_numpy(x) + bt, torch.from_numpy(y))
    loss.backward()
    grad_w, grad_b = mse_gradients(x, y, w, b)
    np.testing.assert_allclose([grad_w, grad_b], [wt.grad.item(), bt.grad.item()], rtol=1e-9, atol=1e-9)
    assert mse(pre_activation(x, w, b), y) == pytest.approx(loss.item(), rel=1e-9, abs=1e-9)


def _torch_neuron(w0, b0):
    """PyTorch's a = w x + b, in float64, from the given start."""
    model = torch.nn.Linear(1, 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.fill_(w0)
        model.bias.fill_(b0)
    return model


def test_descent_equals_torch_sgd():
    x, y = celsius_table()
    ours = gradient_descent(x, y, w0=0.5, b0=-3.0, lr=0.004, steps=300)
    model = _torch_neuron(w0=0.5, b0=-3.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.004)
    xt, yt = torch.from_numpy(x)[:, None], torch.from_numpy(y)[:, None]
    for step in range(300):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(xt), yt).backward()
        opt.step()
        assert ours.w[step + 1] == pytest.approx(model.weight.item(), rel=1e-9)
        assert ours.b[step + 1] == pytest.approx(model.bias.item(), rel=1e-9)


def test_descent_reaches_the_lecture_neuron_and_reports_divergence():
    x, y = celsius_table()
    good = gradient_descent(x, y, lr=0.005, steps=5000)
    assert abs(good.w[-1] - 1.8) < 1e-3 and abs(good.b[-1] - 32) < 1e-3 and not good.diverged
    assert np.all(np.diff(good.loss[100:]) <= 0)
    bad = gradient_descent(x, y, lr=0.006, steps=5000)
    assert bad.diverged and bad.diverged_at < 100
    assert np.all(np.isfinite(bad.loss)) and len(bad.loss) == bad.diverged_at


def test_bad_inputs_name_the_argument():
    x, y = celsius_table()
    with pytest.raises(ValueError, match="`lr`"):
        gradient_descent(x, y, lr=-0.1)
    with pytest.raises(TypeError, match="`steps`"):
        gradient_descent(x, y, steps=2.5)
    with pytest.raises(ValueError, match="same shape"):
        gradient_descent(x, y[:3])
    with pytest.raises(ValueError, match="`x` contains NaN"):
        gradient_descent(np.array([0.0, np.nan, 1, 2]), y)
    with pytest.raises(TypeError, match="`x`"):
        gradient_descent("abc", y)
    with pytest.raises(ValueError, match="`w0`"):
        gradient_descent(x, y, w0=np.nan)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 10])
def test_minibatch_sgd_equals_torch_sgd_on_the_same_batches(batch_size):
    """Every step equals torch.optim.SGD fed the same shuffled batches (float64), ceil(n/B) steps an epoch."""
    x, y = celsius_table()
    run = minibatch_sgd(x, y, batch_size, epochs=30, lr=0.002, w0=0.5, b0=-3.0, seed=7)
    assert len(run.w) - 1 == 30 * -(-len(x) // batch_size) and not run.diverged
    model = _torch_neuron(w0=0.5, b0=-3.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.002)
    xt, yt = torch.from_numpy(x)[:, None], torch.from_numpy(y)[:, None]
    order_rng, step = np.random.default_rng(7), 0
    for _ in range(30):
        order = order_rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = torch.from_numpy(order[start:start + batch_size])
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(xt[batch]), yt[batch]).backward()
            opt.step()
            step += 1
            assert run.w[step] == pytest.approx(model.weight.item(), rel=1e-9)
            assert run.b[step] == pytest.approx(model.bias.item(), rel=1e-9)


def test_minibatch_sgd_full_batch_is_gradient_descent_and_reports_divergence():
    x, y = celsius_table()
    full = minibatch_sgd(x, y, batch_size=4, epochs=200, lr=0.005)
    plain = gradient_descent(x, y, lr=0.005, steps=200)
    np.testing.assert_allclose(full.w, plain.w, rtol=1e-12)
    np.testing.assert_allclose(full.b, plain.b, rtol=1e-12)
    assert len(minibatch_sgd(x, y, batch_size=1, epochs=0).w) == 1
    bad = minibatch_sgd(x, y, batch_size=1, epochs=100, lr=0.01)
    assert bad.diverged and len(bad.loss) == bad.diverged_at and np.all(np.isfinite(bad.loss))


def test_minibatch_sgd_bad_inputs_name_the_argument():
    x, y = celsius_table()
    with pytest.raises(ValueError, match="`batch_size`"):
        minibatch_sgd(x, y, batch_size=0, epochs=1)
    with pytest.raises(TypeError, match="`batch_size`"):
        minibatch_sgd(x, y, batch_size=2.0, epochs=1)
    with pytest.raises(TypeError, match="`epochs`"):
        minibatch_sgd(x, y, batch_size=2, epochs=1.5)
    with pytest.raises(ValueError, match="same shape"):
        minibatch_sgd(x, y[:3], batch_size=2, epochs=1)
