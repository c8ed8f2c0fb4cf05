"""Autoencoders, the VAE and the digit classifier: shapes, losses against their formulas, training, saving."""


import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import autoencoders
from course_utils.training import fit

torch.set_num_threads(1)


def small_images(n=32, seed=0):
    return torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


def same_weights(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_as_pixels_scales_integers_and_flattens():
    x = autoencoders.as_pixels(np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8))
    assert x.shape == (2, 784) and x.dtype == torch.float64
    assert x[0].max() == 0 and x[1].min() == 1
    floats = np.random.default_rng(0).uniform(size=(3, 784))
    np.testing.assert_allclose(autoencoders.as_pixels(floats).numpy(), floats)
    assert torch.equal(autoencoders.as_pixels(torch.ones(2, 28, 28)), torch.ones(2, 784, dtype=torch.float64))


@pytest.mark.parametrize("bad, error, match", [
    ("digits", TypeError, "`images` must be an array"),
    (None, TypeError, "`images` must be an array"),
    (np.zeros((3, 27, 27)), ValueError, r"shape \(n, 28, 28\)"),
    (np.zeros((0, 784)), ValueError, "n >= 1"),
    (np.full((1, 784), 1.5), ValueError, "divide by 255"),
    (np.full((1, 784), 300), ValueError, "0-255"),
    (np.full((1, 784), np.nan), ValueError, "NaN"),
    (np.array([["a"] * 784]), TypeError, "numbers"),
])
def test_as_pixels_rejects_bad_images(bad, error, match):
    with pytest.raises(error, match=match):
        autoencoders.as_pixels(bad)


def test_autoencoder_shapes_and_output_range():
    ae = autoencoders.Autoencoder(n_code=3, hidden=[16, 8])
    x = small_images(5)
    assert ae.encode(x).shape == (5, 3)
    assert ae.decode(torch.zeros(4, 3)).shape == (4, 784)
    out = ae(x)
    assert out.shape == (5, 784) and out.min() >= 0 and out.max() <= 1


def test_vae_shapes_and_samples():
    vae = autoencoders.VAE(n_code=2, hidden=8)
    x_hat, mu, log_var = vae(small_images(6))
    assert x_hat.shape == (6, 784) and mu.shape == (6, 2) and log_var.shape == (6, 2)
    assert vae.sample(3).shape == (3, 784)


scores = arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30))


@settings(max_examples=40, deadline=None)
@given(mu=arrays(np.float64, (4, 3), elements=st.floats(-5, 5)),
       log_var=arrays(np.float64, (4, 3), elements=st.floats(-5, 5)))
def test_kl_divergence_equals_torch_distributions(mu, log_var):
    """kl_divergence equals torch.distributions' KL(N(mu, sigma^2) || N(0, 1)), summed over the code
    and averaged over the batch, to 1e-10 relative (float64)."""
    m, lv = torch.tensor(mu), torch.tensor(log_var)
    q = torch.distributions.Normal(m, torch.exp(0.5 * lv))
    p = torch.distributions.Normal(torch.zeros_like(m), torch.ones_like(m))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1).mean()
    assert autoencoders.kl_divergence(m, lv).item() == pytest.approx(expected.item(), rel=1e-10, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(mu=arrays(np.float64, 5, elements=st.floats(-5, 5)),
       log_var=arrays(np.float64, 5, elements=st.floats(-5, 5)))
def test_reparameterize_has_the_right_distribution_and_gradients(mu, log_var):
    """z = mu + sigma * eps exactly; dz/dmu = 1 and dz/dsigma = eps (autograd, to 1e-12)."""
    m = torch.tensor(mu, requires_grad=True)
    lv = torch.tensor(log_var, requires_grad=True)
    eps = torch.linspace(-2, 2, 5, dtype=torch.float64)
    z = autoencoders.reparameterize(m, lv, eps)
    np.testing.assert_allclose(z.detach().numpy(), mu + np.exp(0.5 * log_var) * eps.numpy(), rtol=1e-12)
    z.sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), 1.0)
    np.testing.assert_allclose(lv.grad.numpy(), 0.5 * np.exp(0.5 * log_var) * eps.numpy(), rtol=1e-12, atol=1e-15)


def _one_adam_step_lowers(model, loss_of, lr=1e-3):
    torch.manual_seed(0)
    before = loss_of().item()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    optimizer.zero_grad()
    loss = loss_of()
    loss.backward()
    optimizer.step()
    torch.manual_seed(0)
    return before, loss_of().item()


def test_one_step_lowers_the_autoencoder_loss():
    ae, x = autoencoders.Autoencoder(n_code=4, hidden=16), small_images()
    before, after = _one_adam_step_lowers(ae, lambda: autoencoders.reconstruction_loss(ae, x))
    assert after < before


def test_one_step_lowers_the_vae_loss():
    vae, x = autoencoders.VAE(n_code=2, hidden=16), small_images()
    before, after = _one_adam_step_lowers(vae, lambda: autoencoders.vae_loss(vae, x))  # the same noise both times
    assert after < before


def test_one_step_lowers_the_classifier_loss():
    net, x, y = autoencoders.DigitClassifier(hidden=16), small_images(), torch.arange(32) % 10
    before, after = _one_adam_step_lowers(net, lambda: F.cross_entropy(net(x), y))
    assert after < before


def test_train_autoencoder_prints_progress_and_returns_the_history(capsys):
    ae, x = autoencoders.Autoencoder(n_code=4, hidden=16), small_images(64)
    history = autoencoders.train_autoencoder(ae, x, val_images=small_images(16, seed=1), epochs=4, batch_size=16,
                                    lr=1e-2, print_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [line for line in lines if line.startswith("AE: epoch")] and len(lines) == 2
    assert "epoch 4/4" in lines[-1] and "validation" in lines[-1]
    assert history.epochs == 4 and len(history.val_loss) == 4 and history.loss[-1] < history.loss[0]
    assert history.best_epoch == 4 and not history.stopped_early


def test_training_is_deterministic_under_a_seed():
    x = small_images(48)
    runs = []
    for seed in (0, 0, 1):
        ae = autoencoders.Autoencoder(n_code=2, hidden=8)
        autoencoders.train_autoencoder(ae, x, noise=0.3, epochs=2, batch_size=16, seed=seed, print_every=0)
        runs.append(weights(ae))
    assert same_weights(runs[0], runs[1]) and not same_weights(runs[0], runs[2])


def test_models_are_built_from_their_seed_without_moving_the_global_generator():
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    first = autoencoders.Autoencoder(hidden=8, seed=5)
    assert torch.equal(torch.rand(1), expected)
    assert same_weights(weights(first), weights(autoencoders.Autoencoder(hidden=8, seed=5)))
    assert not same_weights(weights(first), weights(autoencoders.Autoencoder(hidden=8, seed=6)))


def test_fit_stops_early_and_restores_the_best_weights(capsys):
    """Training fits y = 3x; the validation data want y = -3x, so every epoch makes them worse."""
    net = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        net.weight.fill_(0.0)
    x = torch.linspace(-1, 1, 16).reshape(-1, 1)
    snapshots = []

    def loss_fn(model, inputs):
        if model.training and len(snapshots) < 100:
            snapshots.append(model.weight.item())
        sign = 1.0 if model.training else -1.0
        return ((model(inputs) - sign * 3 * inputs) ** 2).mean()

    history = fit(net, loss_fn, x, val_data=x, epochs=20, batch_size=16, lr=0.1, patience=2, print_every=0)
    assert history.stopped_early and history.epochs == 3 and history.best_epoch == 1
    assert net.weight.item() == pytest.approx(snapshots[1])  # the weights after epoch 1
    assert "stopped early at epoch 3" in capsys.readouterr().out


def test_fit_stops_when_the_loss_diverges(capsys):
    net = torch.nn.Linear(1, 1)
    x = torch.linspace(-1, 1, 8).reshape(-1, 1)
    history = fit(net, lambda m, x: ((m(x) * 1e30) ** 2).mean() * 1e30, x, epochs=5, print_every=0)
    assert history.stopped_early and history.epochs == 1
    assert "diverged" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, match", [
    ({"model": "net"}, "`model`"),
    ({"loss_fn": 3}, "`loss_fn`"),
    ({"data": [1, 2]}, "`data`"),
    ({"data": torch.zeros(0, 1)}, "`data` must not be empty"),
    ({"data": (torch.zeros(3, 1), torch.zeros(2))}, "same length"),
    ({"epochs": 0}, "`epochs`"),
    ({"batch_size": 2.5}, "`batch_size`"),
    ({"lr": -1.0}, "`lr`"),
    ({"patience": 2}, "`patience` needs `val_data`"),
])
def test_fit_rejects_bad_arguments(kwargs, match):
    arguments = {"model": torch.nn.Linear(1, 1), "loss_fn": lambda m, x: m(x).mean(), "data": torch.zeros(4, 1)}
    arguments.update(kwargs)
    model, loss_fn, data = arguments.pop("model"), arguments.pop("loss_fn"), arguments.pop("data")
    with pytest.raises((TypeError, ValueError), match=match):
        fit(model, loss_fn, data, **arguments)


def test_load_model_refuses_what_save_model_did_not_write(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path`"):
        autoencoders.load_model(tmp_path / "missing.pt")
    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        autoencoders.load_model(tmp_path / "list.pt")
    torch.save({"class": "os.system", "config": {}, "state_dict": {}}, tmp_path / "class.pt")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        autoencoders.load_model(tmp_path / "class.pt")
    torch.save({"model": torch.nn.Linear(1, 1)}, tmp_path / "pickled.pt")  # a pickled module: refused
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        autoencoders.load_model(tmp_path / "pickled.pt")
    (tmp_path / "garbage.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        autoencoders.load_model(tmp_path / "garbage.pt")
    with pytest.raises(TypeError, match="`model` must be one of"):
        autoencoders.save_model(torch.nn.Linear(1, 1), tmp_path / "linear.pt")
