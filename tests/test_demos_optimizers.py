"""The demos of notebook 04: the race, the tiny network and its training, checked against PyTorch."""

import numpy as np
import pytest
import torch

from course_utils.curve_fitting import curve_network, epoch_orders, fit_curve
from course_utils.data import curve_data
from course_utils.demos.optimizers import (
    RACER_KEYS,
    cross_entropy_demo,
    minibatch_demo,
    optimizer_race_demo,
)
from course_utils.optim import OPTIMIZERS, make_optimizer, make_torch_optimizer
from course_utils.surfaces import SURFACES, race, torch_race


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_gradients_equal_autograd(name):
    """Each surface's hand-written gradient equals PyTorch's autograd, to 1e-10 relative."""
    surface = SURFACES[name]
    for x, y in np.random.default_rng(0).uniform(-2, 2, size=(20, 2)):
        p = torch.tensor([x, y], requires_grad=True)
        surface.f(p[0], p[1]).backward()
        np.testing.assert_allclose(surface.grad(x, y), p.grad.numpy(), rtol=1e-10, atol=1e-10)
    assert surface.f(*surface.minimum) == pytest.approx(surface.f_min)
    assert np.allclose(surface.grad(*surface.minimum), 0)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_race_equals_torch_race(name):
    """The suggested race on each surface, 300 steps: ours and torch.optim agree to 1e-9.

    Relative to max(1, |coordinate|), so that paths ending at 0 or leaving the box compare fairly.
    """
    s = SURFACES[name]
    ours = race(s, s.start, 300, s.lr_sgd, s.lr_adaptive)
    theirs = torch_race(s, s.start, 300, s.lr_sgd, s.lr_adaptive)
    for racer in OPTIMIZERS:
        a, b = ours[racer].path, theirs[racer].path
        assert a.shape == b.shape and ours[racer].diverged_at == theirs[racer].diverged_at
        assert np.max(np.abs(a - b) / np.maximum(1, np.abs(b))) <= 1e-9


def test_race_reports_divergence():
    runs = race("bowl", (1.0, 1.0), steps=100, lr_sgd=1.5, lr_adaptive=0.01)
    assert runs["SGD"].diverged and runs["SGD"].diverged_at < 20
    assert not runs["Adam"].diverged and runs["Adam"].gap[-1] < runs["Adam"].gap[0]
    assert np.isfinite(runs["SGD"].path).all()


def test_race_demo_says_diverged_and_loads_suggestions():
    demo = optimizer_race_demo("Beale")
    assert "diverged" in demo.status.value
    demo.controls["surface"].value = "bowl"  # as a student would choose it
    s = SURFACES["bowl"]
    assert (demo.controls["x0"].value, demo.controls["y0"].value) == s.start
    assert demo.controls["lr_sgd"].value == pytest.approx(s.lr_sgd)
    assert "diverged" not in demo.status.value
    demo.set(**{key: False for key in RACER_KEYS.values()})
    assert "choose at least one" in demo.status.value
    demo.set(adam=True)
    assert demo.artists["paths"]["Adam"].get_visible() and not demo.artists["paths"]["SGD"].get_visible()
    with pytest.raises(ValueError, match="racers"):
        optimizer_race_demo(racers=("Adamax",))


# The two surfaces where the SGD family once left the box at step 1 for 29 and 39 positions.
@pytest.mark.parametrize("surface", ["Rosenbrock", "Beale"])
def test_race_every_learning_rate_position_shows_its_own_picture(surface):
    demo = optimizer_race_demo(surface, steps=20)
    for name in ("lr_sgd",):
        control = demo.controls[name]
        frames = set()
        positions = np.round(np.arange(control.min, control.max + 1e-9, control.step), 2)
        for exponent in positions:
            demo.set(**{name: 10.0 ** exponent})
            frames.add(demo.image.value)
        assert len(frames) == len(positions), (surface, name)


def test_race_demo_first_slider_changes_the_picture():
    demo = optimizer_race_demo()
    before = demo.image.value
    demo.set(lr_sgd=demo.controls["lr_sgd"].value * 10 ** 0.15)
    assert demo.image.value != before


def test_curve_network_gradients_equal_autograd():
    """The MLP's back-propagation equals PyTorch's autograd on the curve network, to 1e-12."""
    x, y = curve_data()
    net = curve_network(hidden=5, scale=1.5, seed=3)
    loss, grads = net.loss_and_gradients(x[:, None], y)
    model = net.to_torch()
    torch_loss = torch.nn.functional.mse_loss(model(torch.tensor(x)[:, None]), torch.tensor(y)[:, None])
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for g, p in zip(grads, model.parameters()):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(net.forward(x[:, None]), model(torch.tensor(x)[:, None]).detach().numpy()[:, 0], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fit_curve_equals_torch_training(name):
    """20 epochs of batch 8 with each optimizer: the mini-batch losses equal torch's to 1e-9 relative."""
    x, y = curve_data()
    lr = 0.01 if name in ("RMSProp", "Adam") else 0.05
    net = curve_network(seed=1)
    model = net.to_torch()
    run = fit_curve(net, x, y, batch_size=8, epochs=20, lr=lr, optimizer=name, seed=2)
    opt = make_torch_optimizer(name, list(model.parameters()), lr)
    x_t, y_t = torch.tensor(x)[:, None], torch.tensor(y)[:, None]
    losses = []
    for order in epoch_orders(len(x), 20, seed=2):
        for start in range(0, len(x), 8):
            batch = torch.from_numpy(order[start:start + 8])
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x_t[batch]), y_t[batch])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    np.testing.assert_allclose(run.batch_loss, losses, rtol=1e-9)


def test_epochs_and_steps_are_counted():
    x, y = curve_data()
    for batch_size, per_epoch in [(1, 32), (5, 7), (8, 4), (32, 1)]:
        run = fit_curve(curve_network(seed=0), x, y, batch_size=batch_size, epochs=3, lr=0.01)
        assert run.steps_per_epoch == per_epoch
        assert len(run.batch_loss) == 3 * per_epoch and len(run.epoch_loss) == 4
    orders = epoch_orders(32, 3, seed=0)
    assert orders.shape == (3, 32) and all(sorted(o) == list(range(32)) for o in orders)
    with pytest.raises(ValueError, match="`batch_size` must be in"):
        fit_curve(curve_network(), x, y, batch_size=0, epochs=1, lr=0.1)


def test_minibatch_demo_counts_and_diverges():
    demo = minibatch_demo(batch_size=8, epochs=10)
    assert "4 steps per epoch, 40 steps" in demo.status.value
    demo.set(lr=3.0)
    assert "diverged" in demo.status.value and not demo.artists["fit"].get_visible()
    demo.set(lr=0.1)
    assert "diverged" not in demo.status.value and demo.artists["fit"].get_visible()


def test_cross_entropy_demo_shows_minus_log_p():
    demo = cross_entropy_demo(p_true=0.5)
    assert f"{-np.log(0.5):.3f}" in demo.status.value
    heights = [bar.get_height() for bar in demo.artists["bars"]]
    assert sum(heights) == pytest.approx(1) and heights[3] == pytest.approx(0.5)
    demo.set(p_true=1.0)
    assert "= <b>0.000</b>" in demo.status.value


def test_make_optimizer_rejects_unknown_names():
    with pytest.raises(ValueError, match="`name` must be one of"):
        make_optimizer("Adagrad", [np.zeros(1)], 0.1)
    with pytest.raises(ValueError, match="`name` must be one of"):
        make_torch_optimizer("Adagrad", [torch.zeros(1)], 0.1)
    with pytest.raises(ValueError, match="`surface` must be one of"):
        optimizer_race_demo("moon")
