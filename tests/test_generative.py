"""course_utils.generative and course_utils.training: shapes, losses against PyTorch's, one step
lowers the loss, determinism under a seed, save/load round trips, bad inputs."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import generative as gen
from course_utils.training import fit

torch.set_num_threads(1)


def small_images(n=32, seed=0):
    return torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


def same_weights(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


# -- inputs -------------------------------------------------------------------------------------
def test_as_pixels_scales_integers_and_flattens():
    x = gen.as_pixels(np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8))
    assert x.shape == (2, 784) and x.dtype == torch.float64
    assert x[0].max() == 0 and x[1].min() == 1
    floats = np.random.default_rng(0).uniform(size=(3, 784))
    np.testing.assert_allclose(gen.as_pixels(floats).numpy(), floats)
    assert torch.equal(gen.as_pixels(torch.ones(2, 28, 28)), torch.ones(2, 784, dtype=torch.float64))


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
        gen.as_pixels(bad)


# -- shapes -------------------------------------------------------------------------------------
def test_autoencoder_shapes_and_output_range():
    ae = gen.Autoencoder(n_code=3, hidden=[16, 8])
    x = small_images(5)
    assert ae.encode(x).shape == (5, 3)
    assert ae.decode(torch.zeros(4, 3)).shape == (4, 784)
    out = ae(x)
    assert out.shape == (5, 784) and out.min() >= 0 and out.max() <= 1


def test_vae_shapes_and_samples():
    vae = gen.VAE(n_code=2, hidden=8)
    x_hat, mu, log_var = vae(small_images(6))
    assert x_hat.shape == (6, 784) and mu.shape == (6, 2) and log_var.shape == (6, 2)
    assert vae.sample(3).shape == (3, 784)


def test_gan_and_classifier_shapes():
    assert gen.Generator(n_noise=4, n_out=784, hidden=8, output="sigmoid")(torch.rand(3, 4)).shape == (3, 784)
    assert gen.Discriminator(n_in=5, hidden=[8, 8])(torch.rand(7, 5)).shape == (7,)
    assert gen.DigitClassifier(hidden=8)(small_images(2)).shape == (2, 10)
    digits, confidence = gen.DigitClassifier(hidden=8).predict(small_images(4))
    assert digits.shape == (4,) and ((confidence > 0) & (confidence <= 1)).all()


@pytest.mark.parametrize("call, match", [
    (lambda: gen.Autoencoder(hidden=8).encode(torch.zeros(2, 100)), r"`x` must be of shape \(n, 784\)"),
    (lambda: gen.Autoencoder(n_code=2, hidden=8).decode(torch.zeros(2, 3)), r"`z` must be of shape \(n, 2\)"),
    (lambda: gen.Autoencoder(hidden=8).encode(np.zeros((2, 784))), "`x` must be a torch tensor"),
    (lambda: gen.Autoencoder(n_code=0), "`n_code`"),
    (lambda: gen.Autoencoder(hidden=[8, -1]), "`hidden`"),
    (lambda: gen.Autoencoder(seed=-1), "`seed`"),
    (lambda: gen.Generator(output="tanh"), "`output`"),
    (lambda: gen.Discriminator(n_in=2)(torch.zeros(3)), r"`x` must be of shape \(n, 2\)"),
    (lambda: gen.reparameterize(torch.zeros(2), torch.zeros(3)), "`mu` and `log_var`"),
    (lambda: gen.reparameterize(torch.zeros(2), torch.zeros(2), torch.zeros(3)), "`eps`"),
    (lambda: gen.discriminator_loss(torch.zeros(2), torch.zeros(2), "wasserstein"), "`form`"),
    (lambda: gen.toy_data("spiral"), "`name`"),
    (lambda: gen.add_noise(torch.zeros(2, 784), -0.1), "`level`"),
    (lambda: gen.add_noise(torch.zeros(2, 784), torch.tensor([[0.1], [-0.1]])), "`level`"),
    (lambda: gen.GAN(torch.zeros(0, 2)), "`data`"),
    (lambda: gen.GAN(torch.full((4, 2), math.nan)), "NaN"),
    (lambda: gen.GAN(gen.toy_data("ring", 16), hidden=4).set(lr_g=0.0), "`lr_g`"),
    (lambda: gen.GAN(gen.toy_data("ring", 16), hidden=4).set(d_steps=1.5), "`d_steps`"),
    (lambda: gen.modes_covered(torch.zeros(3, 2), torch.zeros(2, 3), 0.3), "same d"),
    (lambda: gen.train_autoencoder(gen.VAE(hidden=4), small_images(4)), "`model` must be an Autoencoder"),
    (lambda: gen.train_classifier(gen.DigitClassifier(hidden=4), small_images(4), [0, 1, 2]), "`labels`"),
    (lambda: gen.train_classifier(gen.DigitClassifier(hidden=4), small_images(2), [0, 10]), "`labels`"),
])
def test_bad_inputs_are_rejected_with_the_argument_named(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# -- losses against PyTorch's ---------------------------------------------------------------------
scores = arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30))


@settings(max_examples=40, deadline=None)
@given(real=scores, fake=scores)
def test_gan_losses_equal_torch_formulas(real, fake):
    """The GAN losses equal F.binary_cross_entropy_with_logits / F.mse_loss forms, to 1e-10 (float64).

    The discriminator's loss is BCE with "real" = 1 and "fake" = 0 (= -V); the
    non-saturating generator loss is BCE of the fakes with label 1; the min-max
    one is minus BCE with label 0, i.e. mean log(1 - D(G(z))).
    """
    r, f = torch.tensor(real), torch.tensor(fake)
    bce = F.binary_cross_entropy_with_logits
    expected_d = bce(r, torch.ones_like(r)) + bce(f, torch.zeros_like(f))
    assert gen.discriminator_loss(r, f).item() == pytest.approx(expected_d.item(), rel=1e-10, abs=1e-12)
    assert gen.discriminator_loss(r, f, "minimax").item() == pytest.approx(expected_d.item(), rel=1e-10, abs=1e-12)
    assert gen.generator_loss(f).item() == pytest.approx(bce(f, torch.ones_like(f)).item(), rel=1e-10, abs=1e-12)
    assert gen.generator_loss(f, "minimax").item() == pytest.approx(-bce(f, torch.zeros_like(f)).item(),
                                                                   rel=1e-10, abs=1e-12)
    ls_d = 0.5 * F.mse_loss(r, torch.ones_like(r)) + 0.5 * F.mse_loss(f, torch.zeros_like(f))
    assert gen.discriminator_loss(r, f, "least-squares").item() == pytest.approx(ls_d.item(), rel=1e-10)
    assert gen.generator_loss(f, "least-squares").item() == pytest.approx(
        0.5 * F.mse_loss(f, torch.ones_like(f)).item(), rel=1e-10, abs=1e-12)


def test_discriminator_loss_is_minus_the_lectures_value_function():
    """L_D = -(E log D(x) + E log(1 - D(G(z)))) with D = sigmoid(score), to 1e-12 (float64)."""
    r, f = torch.tensor([2.0, -1.0, 0.3]), torch.tensor([-3.0, 0.5])
    value = torch.log(torch.sigmoid(r)).mean() + torch.log(1 - torch.sigmoid(f)).mean()
    assert gen.discriminator_loss(r.double(), f.double()).item() == pytest.approx(-value.item(), rel=1e-6)


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
    assert gen.kl_divergence(m, lv).item() == pytest.approx(expected.item(), rel=1e-10, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(mu=arrays(np.float64, 5, elements=st.floats(-5, 5)),
       log_var=arrays(np.float64, 5, elements=st.floats(-5, 5)))
def test_reparameterize_has_the_right_distribution_and_gradients(mu, log_var):
    """z = mu + sigma * eps exactly; dz/dmu = 1 and dz/dsigma = eps (autograd, to 1e-12)."""
    m = torch.tensor(mu, requires_grad=True)
    lv = torch.tensor(log_var, requires_grad=True)
    eps = torch.linspace(-2, 2, 5, dtype=torch.float64)
    z = gen.reparameterize(m, lv, eps)
    np.testing.assert_allclose(z.detach().numpy(), mu + np.exp(0.5 * log_var) * eps.numpy(), rtol=1e-12)
    z.sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), 1.0)
    np.testing.assert_allclose(lv.grad.numpy(), 0.5 * np.exp(0.5 * log_var) * eps.numpy(), rtol=1e-12, atol=1e-15)


# -- one step lowers the loss on a fixed batch --------------------------------------------------
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
    ae, x = gen.Autoencoder(n_code=4, hidden=16), small_images()
    before, after = _one_adam_step_lowers(ae, lambda: gen.reconstruction_loss(ae, x))
    assert after < before


def test_one_step_lowers_the_vae_loss():
    vae, x = gen.VAE(n_code=2, hidden=16), small_images()
    before, after = _one_adam_step_lowers(vae, lambda: gen.vae_loss(vae, x))  # the same noise both times
    assert after < before


def test_one_step_lowers_the_classifier_loss():
    net, x, y = gen.DigitClassifier(hidden=16), small_images(), torch.arange(32) % 10
    before, after = _one_adam_step_lowers(net, lambda: F.cross_entropy(net(x), y))
    assert after < before


@pytest.mark.parametrize("form", gen.LOSS_FORMS)
def test_one_step_lowers_each_gan_loss_on_a_fixed_batch(form):
    generator, discriminator = gen.Generator(hidden=16), gen.Discriminator(hidden=16, seed=1)
    real, z = gen.toy_data("ring", 64), torch.rand(64, 2) * 2 - 1
    fake = generator(z).detach()
    before, after = _one_adam_step_lowers(
        discriminator, lambda: gen.discriminator_loss(discriminator(real), discriminator(fake), form))
    assert after < before
    before, after = _one_adam_step_lowers(
        generator, lambda: gen.generator_loss(discriminator(generator(z)), form))
    assert after < before


def test_diffusion_training_lowers_its_loss():
    model = gen.TinyDiffusion(gen.toy_data("ring", 512), hidden=32, n_steps=20)
    model.train(150)
    assert np.mean(model.history[-30:]) < np.mean(model.history[:30])
    assert model.sample(10).shape == (10, 2)


# -- training: progress, history, early stopping, determinism ----------------------------------
def test_train_autoencoder_prints_progress_and_returns_the_history(capsys):
    ae, x = gen.Autoencoder(n_code=4, hidden=16), small_images(64)
    history = gen.train_autoencoder(ae, x, val_images=small_images(16, seed=1), epochs=4, batch_size=16,
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
        ae = gen.Autoencoder(n_code=2, hidden=8)
        gen.train_autoencoder(ae, x, noise=0.3, epochs=2, batch_size=16, seed=seed, print_every=0)
        runs.append(weights(ae))
    assert same_weights(runs[0], runs[1]) and not same_weights(runs[0], runs[2])


def test_gan_is_deterministic_under_a_seed_and_ignores_the_global_generator():
    data = gen.toy_data("ring", 256)
    a = gen.GAN(data, hidden=8, batch_size=16, seed=3)
    a.step(5)
    torch.manual_seed(123)  # the GAN draws from its own generator
    b = gen.GAN(data, hidden=8, batch_size=16, seed=3)
    b.step(5)
    assert same_weights(weights(a.generator), weights(b.generator)) and a.history == b.history
    c = gen.GAN(data, hidden=8, batch_size=16, seed=4)
    c.step(5)
    assert not same_weights(weights(a.generator), weights(c.generator))


def test_models_are_built_from_their_seed_without_moving_the_global_generator():
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    first = gen.Autoencoder(hidden=8, seed=5)
    assert torch.equal(torch.rand(1), expected)
    assert same_weights(weights(first), weights(gen.Autoencoder(hidden=8, seed=5)))
    assert not same_weights(weights(first), weights(gen.Autoencoder(hidden=8, seed=6)))


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


def test_train_gan_prints_progress_and_can_stop_early(capsys):
    gan = gen.train_gan(gen.toy_data("ring", 256), steps=40, hidden=8, batch_size=16, print_every=10,
                        stop=lambda g: g.steps >= 20)
    out = capsys.readouterr().out
    assert gan.steps == 20 and "step 10/40: D loss" in out and "stopped early at step 20" in out
    assert len(gan.history["d_loss"]) == 20 and all(0 <= p <= 1 for p in gan.history["d_real"])


def test_gan_options_change_a_running_training():
    gan = gen.GAN(gen.toy_data("ring", 128), hidden=8, batch_size=16)
    gan.set(lr_g=0.01, lr_d=0.02, d_steps=3, loss="least-squares")
    assert gan.opt_g.param_groups[0]["lr"] == 0.01 and gan.opt_d.param_groups[0]["lr"] == 0.02
    gan.step(2)
    assert gan.steps == 2 and gan.loss == "least-squares"
    x, push = gan.generator_gradients(gan.noise(5))
    assert x.shape == push.shape == (5, 2) and torch.isfinite(push).all()
    probability = gan.probability(torch.zeros(3, 2))
    assert ((probability >= 0) & (probability <= 1)).all()


# -- 2-D data and modes ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", gen.DISTRIBUTIONS)
def test_toy_data_are_seeded_2d_points_in_view(name):
    x = gen.toy_data(name, 500, seed=1)
    assert x.shape == (500, 2) and torch.equal(x, gen.toy_data(name, 500, seed=1))
    assert x.abs().max() < 3.2  # inside the demo's plane
    centers = gen.mode_centers(name)
    if centers is not None:  # every mode is used, and every point lies near one
        assert gen.modes_covered(x, centers, radius=4 * gen.mode_std(name))[0] == len(centers)


def test_modes_covered_counts_a_collapsed_generator():
    centers = gen.mode_centers("ring")
    collapsed = centers[2] + 0.01 * torch.randn(400, 2)
    assert gen.modes_covered(collapsed, centers, radius=0.3) == (1, [0, 0, 400, 0, 0, 0, 0, 0])
    with_nan = torch.cat([centers, torch.full((1, 2), math.nan)])
    assert gen.modes_covered(with_nan, centers, radius=0.3, min_share=0.5)[0] == 8


# -- saving and loading ---------------------------------------------------------------------------
@pytest.mark.parametrize("model", [
    gen.Autoencoder(n_code=3, hidden=[8, 4]), gen.VAE(n_code=2, hidden=8), gen.DigitClassifier(hidden=8),
    gen.Generator(n_noise=3, n_out=5, hidden=8, output="sigmoid"), gen.Discriminator(n_in=5, hidden=8),
], ids=lambda m: type(m).__name__)
def test_save_load_round_trip(tmp_path, model):
    path = gen.save_model(model, tmp_path / "model.pt")
    copy = gen.load_model(path)
    assert type(copy) is type(model) and copy.config == model.config
    assert same_weights(weights(model), weights(copy)) and not copy.training


def test_load_model_refuses_what_save_model_did_not_write(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path`"):
        gen.load_model(tmp_path / "missing.pt")
    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        gen.load_model(tmp_path / "list.pt")
    torch.save({"class": "os.system", "config": {}, "state_dict": {}}, tmp_path / "class.pt")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        gen.load_model(tmp_path / "class.pt")
    torch.save({"model": torch.nn.Linear(1, 1)}, tmp_path / "pickled.pt")  # a pickled module: refused
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        gen.load_model(tmp_path / "pickled.pt")
    (tmp_path / "garbage.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        gen.load_model(tmp_path / "garbage.pt")
    with pytest.raises(TypeError, match="`model` must be one of"):
        gen.save_model(torch.nn.Linear(1, 1), tmp_path / "linear.pt")
