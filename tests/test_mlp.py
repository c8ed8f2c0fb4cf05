"""The NumPy network: its shapes, its forward pass, and backpropagation against PyTorch and finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.mlp import HIDDEN_ACTIVATIONS, MLP, fit, train_epoch
from course_utils.optim import SGD, diverged

TORCH_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                     "identity": torch.nn.Identity, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
                     "gelu": torch.nn.GELU}


def as_torch(net: MLP) -> torch.nn.Sequential:
    """The same network as ``torch.nn.Sequential``, with the same weights, in float64."""
    layers: list[torch.nn.Module] = []
    for k, (W, b) in enumerate(zip(net.weights, net.biases)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if k < len(net.activations):
            layers.append(TORCH_ACTIVATIONS[net.activations[k]]())
    return torch.nn.Sequential(*layers)


def torch_loss(net: MLP, model: torch.nn.Sequential, X: np.ndarray, y: np.ndarray,
               l1: float = 0.0, l2: float = 0.0) -> torch.Tensor:
    """PyTorch's loss for our output kind: BCE with logits, cross-entropy, or MSE; plus the penalties."""
    z = model(torch.from_numpy(X))
    yt = torch.from_numpy(np.asarray(y))
    if net.output == "sigmoid":
        p = torch.sigmoid(z[:, 0])
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], yt)
                if net.loss == "cross_entropy" else torch.mean((p - yt) ** 2))
    elif net.output == "softmax":
        loss = (torch.nn.functional.cross_entropy(z, yt) if net.loss == "cross_entropy" else
                torch.mean((torch.softmax(z, dim=1)
                            - torch.nn.functional.one_hot(yt, z.shape[1]).double()) ** 2))
    else:
        loss = torch.nn.functional.mse_loss(z.reshape(yt.shape), yt)
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    return loss + l1 * sum(W.abs().sum() for W in weights) + 0.5 * l2 * sum((W * W).sum() for W in weights)


@st.composite
def problems(draw):
    """A random architecture, activations, output kind and loss, with data to match."""
    n_in = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=0, max_size=3))
    output = draw(st.sampled_from(["sigmoid", "softmax", "identity"]))
    n_out = {"sigmoid": 1, "softmax": draw(st.integers(2, 4)), "identity": draw(st.integers(1, 3))}[output]
    loss = "squared" if output == "identity" else draw(st.sampled_from(["cross_entropy", "squared"]))
    acts = [draw(st.sampled_from(sorted(HIDDEN_ACTIVATIONS))) for _ in hidden]
    seed = draw(st.integers(0, 2**16))
    n = draw(st.integers(1, 8))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    if output == "sigmoid":
        y = rng.integers(0, 2, n).astype(float)
    elif output == "softmax":
        y = rng.integers(0, n_out, n)
    else:
        y = rng.normal(size=(n,) if n_out == 1 else (n, n_out))
    net = MLP([n_in, *hidden, n_out], activation=acts, output=output, seed=seed, loss=loss)
    for b in net.biases:  # non-zero biases, so that they matter too
        b += rng.normal(scale=0.3, size=b.shape)
    return net, X, y


@settings(max_examples=50, deadline=None)
@given(problem=problems(), l1=st.sampled_from([0.0, 0.01]), l2=st.sampled_from([0.0, 0.1]))
def test_gradients_equal_autograd(problem, l1, l2):
    """Loss and every dW, db equal PyTorch autograd on the same weights, float64, to 1e-9 relative."""
    net, X, y = problem
    loss, dW, db = net.gradients(X, y, l1=l1, l2=l2)
    model = as_torch(net)
    expected = torch_loss(net, model, X, y, l1, l2)
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-9, abs=1e-12)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for k, linear in enumerate(linears):
        np.testing.assert_allclose(dW[k], linear.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db[k], linear.bias.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(problem=problems(), l1=st.sampled_from([0.0, 0.01]), l2=st.sampled_from([0.0, 0.1]))
def test_loss_and_gradients_in_parameter_order_and_into_given_arrays(problem, l1, l2):
    """loss_and_gradients is gradients() in parameters() order; with out= it fills those arrays, bit for bit."""
    net, X, y = problem
    loss, dW, db = net.gradients(X, y, l1=l1, l2=l2)
    expected = [g for pair in zip(dW, db) for g in pair]
    flat = np.full(net.n_parameters, np.nan)
    views, start = [], 0
    for p in net.parameters():
        views.append(flat[start:start + p.size].reshape(p.shape))
        start += p.size
    for out in (None, views):
        got_loss, grads = net.loss_and_gradients(X, y, l1, l2, out=out)
        assert got_loss == loss
        assert [g.tobytes() for g in grads] == [g.tobytes() for g in expected]
    assert all(g is v for g, v in zip(grads, views))
    assert flat.tobytes() == np.concatenate([g.ravel() for g in expected]).tobytes()


@settings(max_examples=20, deadline=None)
@given(problem=problems())
def test_to_torch_is_the_same_network(problem):
    """MLP.to_torch() computes what the independent as_torch() above does (the output's pre-activation)."""
    net, X, _ = problem
    Xt = torch.from_numpy(X)
    np.testing.assert_allclose(net.to_torch()(Xt).detach().numpy(), as_torch(net)(Xt).detach().numpy(),
                               rtol=1e-12, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_gradients_equal_finite_differences(problem):
    """Central differences, step 1e-6, agree with backprop to 1e-5 (ReLU away from its kink)."""
    net, X, y = problem
    _, pre_activations = net.forward_pass(X)
    if any(np.any(np.abs(a) < 1e-4) for a, g in zip(pre_activations, net.activations)
           if g in ("relu", "leaky_relu")):
        return  # a ReLU at its kink: the derivative is not defined there
    _, dW, db = net.gradients(X, y)
    eps = 1e-6
    for params, grads in ((net.weights, dW), (net.biases, db)):
        for p, g in zip(params, grads):
            for index in np.ndindex(p.shape):
                old = p[index]
                p[index] = old + eps
                up = net.loss_value(X, y)
                p[index] = old - eps
                down = net.loss_value(X, y)
                p[index] = old
                assert (up - down) / (2 * eps) == pytest.approx(g[index], rel=1e-5, abs=1e-7)


def test_shapes_follow_the_lecture():
    net = MLP([2, 8, 8, 1])
    assert [W.shape for W in net.weights] == [(8, 2), (8, 8), (1, 8)]
    assert [b.shape for b in net.biases] == [(8,), (8,), (1,)]
    assert net.n_parameters == 8 * 2 + 8 + 8 * 8 + 8 + 8 + 1
    assert net.activations == ["relu", "relu"]
    X = np.zeros((5, 2))
    assert net.forward(X).shape == (5,)
    assert [h.shape for h in net.hidden(X)] == [(5, 8), (5, 8)]
    assert MLP([3, 4], output="softmax").forward(np.ones((2, 3))).shape == (2, 4)
    assert MLP([3, 2], output="identity").forward(np.ones((2, 3))).shape == (2, 2)
    assert MLP([3, 1], output="identity").forward(np.ones((2, 3))).shape == (2,)
    assert MLP([3, 1]).hidden(np.ones((2, 3))) == []


def test_forward_is_the_lecture_equations():
    """a(k) = b(k) + W(k) h(k-1), h(k) = g(a(k)), f(x) = o(a(L+1)), one example at a time."""
    net = MLP([3, 4, 2, 1], activation=["tanh", "relu"], seed=3)
    for b in net.biases:
        b += 0.1
    x = np.array([0.5, -1.0, 2.0])
    h = x
    for W, b, g in zip(net.weights[:-1], net.biases[:-1], (np.tanh, lambda a: np.maximum(a, 0))):
        h = g(b + W @ h)
    f = 1 / (1 + np.exp(-(net.biases[-1] + net.weights[-1] @ h)))
    assert net.forward(x[None])[0] == pytest.approx(f[0], rel=1e-12)
    assert np.allclose(net.hidden(x[None])[-1][0], h)


def test_weights_may_be_replaced():
    net = MLP([2, 2, 1], activation="identity")
    net.weights = [np.eye(2), np.array([[1.0, 1.0]])]
    net.biases = [np.zeros(2), np.array([-3.0])]
    assert net.forward(np.array([[1.0, 2.0]]))[0] == pytest.approx(0.5)


def test_initialisation_is_seeded_and_scaled():
    a, b, c = MLP([100, 50, 1], seed=1), MLP([100, 50, 1], seed=1), MLP([100, 50, 1], seed=2)
    assert np.array_equal(a.weights[0], b.weights[0]) and not np.array_equal(a.weights[0], c.weights[0])
    assert a.weights[0].std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)  # He, into a ReLU layer
    tanh = MLP([100, 50, 1], activation="tanh", seed=1)
    assert tanh.weights[0].std() == pytest.approx(np.sqrt(2 / 150), rel=0.05)  # Glorot
    assert all(np.all(b == 0) for b in a.biases)


def test_fit_solves_xor_and_train_epoch_uses_the_optimizer():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    net = MLP([2, 4, 1], activation="tanh", seed=0)
    history = fit(net, X, y, epochs=300, batch_size=4, lr=0.05)
    assert net.predict(X).tolist() == [0, 1, 1, 0] and history[-1] < history[0]
    before = [p.copy() for p in net.parameters()]
    loss = train_epoch(net, X, y, SGD(net.parameters(), lr=0.1), batch_size=2)
    assert np.isfinite(loss) and any(not np.array_equal(a, b) for a, b in zip(before, net.parameters()))


def test_fit_stops_when_the_loss_blows_up():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    net = MLP([2, 8, 1], activation="identity", output="identity")
    start = net.loss_value(X, y)
    history = fit(net, X, y, epochs=50, optimizer=SGD(net.parameters(), lr=100.0))
    assert len(history) < 50 and diverged(history[-1], start)
    assert not any(diverged(loss, start) for loss in history[:-1])


def test_softmax_predicts_classes():
    net = MLP([2, 3], output="softmax")
    net.weights[0] = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    assert net.predict(np.array([[5.0, 0.0], [0.0, 5.0], [-5.0, -5.0]])).tolist() == [0, 1, 2]
    assert np.allclose(net.forward(np.ones((4, 2))).sum(axis=1), 1)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: MLP("2, 8, 1"), "`layer_sizes`"),
    (lambda: MLP([2]), "`layer_sizes`"),
    (lambda: MLP([2, 0, 1]), r"`layer_sizes\[1\]`"),
    (lambda: MLP([2, 8, 1], activation="swish"), "`activation`"),
    (lambda: MLP([2, 8, 8, 1], activation=["relu"]), "`activation`"),
    (lambda: MLP([2, 8, 1], output="softplus"), "`output`"),
    (lambda: MLP([2, 8, 2], output="sigmoid"), "`output`"),
    (lambda: MLP([2, 8, 1], output="softmax"), "`output`"),
    (lambda: MLP([2, 1], output="identity", loss="cross_entropy"), "`loss`"),
    (lambda: MLP([2, 1], loss="hinge"), "`loss`"),
    (lambda: MLP([2, 1], seed=-1), "`seed`"),
    (lambda: MLP([2, 1]).forward(np.ones((3, 3))), "`X` must have 2 features"),
    (lambda: MLP([2, 1]).forward(np.ones(2)), "`X`"),
    (lambda: MLP([2, 1]).forward([[np.nan, 1.0]]), "`X` contains NaN"),
    (lambda: MLP([2, 1]).gradients(np.ones((3, 2)), [0, 1, 2]), "`y` must hold labels 0 or 1"),
    (lambda: MLP([2, 1]).gradients(np.ones((3, 2)), [0, 1]), r"`y` must be of shape \(3,\)"),
    (lambda: MLP([2, 1]).gradients(np.ones((2, 2)), [0, np.nan]), "`y` contains NaN"),
    (lambda: MLP([2, 3], output="softmax").gradients(np.ones((2, 2)), [0, 3]), "integer class labels 0 to 2"),
    (lambda: MLP([2, 3], output="softmax").gradients(np.ones((2, 2)), [0, 0.5]), "integer class labels"),
    (lambda: MLP([2, 1]).gradients(np.ones((2, 2)), [0, 1], l2=-1), "`l2`"),
    (lambda: fit(MLP([2, 1]), np.ones((2, 2)), [0, 1], epochs=0), "`epochs`"),
    (lambda: fit(MLP([2, 1]), np.ones((2, 2)), [0, 1], optimizer=SGD([np.zeros(2)], lr=0.1)), "`optimizer`"),
])
def test_bad_inputs_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_parameters_are_views_into_theta_and_train_epoch_fills_grad():
    """The weights and biases are views into one flat vector, theta: changing one changes the other;
    train_epoch writes each step's gradients into net.grad, laid out as theta."""
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    assert net.theta.shape == net.grad.shape == (net.n_parameters,)
    assert np.concatenate([p.ravel() for p in net.parameters()]).tobytes() == net.theta.tobytes()
    X = np.array([[0.5, -1.0], [2.0, 0.0]])
    net.theta[6:9] = 1.0  # b(1)
    assert net.biases[0].tolist() == [1.0, 1.0, 1.0]
    net.weights[1][0, 2] = 7.0
    assert net.theta[11] == 7.0
    net.theta[:] = 0.0
    assert net.forward(X).tolist() == [0.5, 0.5]
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    y = np.array([1.0, 0.0])
    loss, grads = net.loss_and_gradients(X, y)
    before = net.theta.copy()
    train_epoch(net, X, y, SGD(net.parameters(), lr=0.1), batch_size=2)
    assert net.grad.tobytes() == np.concatenate([g.ravel() for g in grads]).tobytes()
    assert net.theta.tobytes() == (before - 0.1 * net.grad).tobytes()


def test_replaced_weights_of_other_shapes_still_train():
    """An array put in place of a weight is no view into theta: training uses it all the same."""
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    net.weights = [np.ones((4, 2)), np.ones((1, 4))]
    net.biases = [np.zeros(4), np.zeros(1)]
    X, y = np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([1.0, 0.0])
    loss, grads = net.loss_and_gradients(X, y)
    W1 = net.weights[0].copy()
    train_epoch(net, X, y, SGD(net.parameters(), lr=0.1), batch_size=2)
    assert net.weights[0].tobytes() == (W1 - 0.1 * grads[0]).tobytes()
