"""GANs, the 2-D data, mode counting and the tiny diffusion model."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_autoencoders import (  # the shared helpers
    _one_adam_step_lowers,
    same_weights,
    small_images,
    weights,
)

from course_utils import autoencoders, gans

torch.set_num_threads(1)


def test_gan_and_classifier_shapes():
    assert gans.Generator(n_noise=4, n_out=784, hidden=8, output="sigmoid")(torch.rand(3, 4)).shape == (3, 784)
    assert gans.Discriminator(n_in=5, hidden=[8, 8])(torch.rand(7, 5)).shape == (7,)
    assert autoencoders.DigitClassifier(hidden=8)(small_images(2)).shape == (2, 10)
    digits, confidence = autoencoders.DigitClassifier(hidden=8).predict(small_images(4))
    assert digits.shape == (4,) and ((confidence > 0) & (confidence <= 1)).all()


@pytest.mark.parametrize("call, match", [
    (lambda: autoencoders.Autoencoder(hidden=8).encode(torch.zeros(2, 100)), r"`x` must be of shape \(n, 784\)"),
    (lambda: autoencoders.Autoencoder(n_code=2, hidden=8).decode(torch.zeros(2, 3)), r"`z` must be of shape \(n, 2\)"),
    (lambda: autoencoders.Autoencoder(hidden=8).encode(np.zeros((2, 784))), "`x` must be a torch tensor"),
    (lambda: autoencoders.Autoencoder(n_code=0), "`n_code`"),
    (lambda: autoencoders.Autoencoder(hidden=[8, -1]), "`hidden`"),
    (lambda: autoencoders.Autoencoder(seed=-1), "`seed`"),
    (lambda: gans.Generator(output="tanh"), "`output`"),
    (lambda: gans.Discriminator(n_in=2)(torch.zeros(3)), r"`x` must be of shape \(n, 2\)"),
    (lambda: autoencoders.reparameterize(torch.zeros(2), torch.zeros(3)), "`mu` and `log_var`"),
    (lambda: autoencoders.reparameterize(torch.zeros(2), torch.zeros(2), torch.zeros(3)), "`eps`"),
    (lambda: gans.discriminator_loss(torch.zeros(2), torch.zeros(2), "wasserstein"), "`form`"),
    (lambda: gans.toy_data("spiral"), "`name`"),
    (lambda: autoencoders.add_noise(torch.zeros(2, 784), -0.1), "`level`"),
    (lambda: autoencoders.add_noise(torch.zeros(2, 784), torch.tensor([[0.1], [-0.1]])), "`level`"),
    (lambda: gans.GAN(torch.zeros(0, 2)), "`data`"),
    (lambda: gans.GAN(torch.full((4, 2), math.nan)), "NaN"),
    (lambda: gans.GAN(gans.toy_data("ring", 16), hidden=4).set(lr_g=0.0), "`lr_g`"),
    (lambda: gans.GAN(gans.toy_data("ring", 16), hidden=4).set(d_steps=1.5), "`d_steps`"),
    (lambda: gans.modes_covered(torch.zeros(3, 2), torch.zeros(2, 3), 0.3), "same d"),
    (lambda: autoencoders.train_autoencoder(autoencoders.VAE(hidden=4), small_images(4)), "`model` must be an Autoencoder"),
    (lambda: autoencoders.train_classifier(autoencoders.DigitClassifier(hidden=4), small_images(4), [0, 1, 2]), "`labels`"),
    (lambda: autoencoders.train_classifier(autoencoders.DigitClassifier(hidden=4), small_images(2), [0, 10]), "`labels`"),
])
def test_bad_inputs_are_rejected_with_the_argument_named(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


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
    assert gans.discriminator_loss(r, f).item() == pytest.approx(expected_d.item(), rel=1e-10, abs=1e-12)
    assert gans.discriminator_loss(r, f, "minimax").item() == pytest.approx(expected_d.item(), rel=1e-10, abs=1e-12)
    assert gans.generator_loss(f).item() == pytest.approx(bce(f, torch.ones_like(f)).item(), rel=1e-10, abs=1e-12)
    assert gans.generator_loss(f, "minimax").item() == pytest.approx(-bce(f, torch.zeros_like(f)).item(),
                                                                   rel=1e-10, abs=1e-12)
    ls_d = 0.5 * F.mse_loss(r, torch.ones_like(r)) + 0.5 * F.mse_loss(f, torch.zeros_like(f))
    assert gans.discriminator_loss(r, f, "least-squares").item() == pytest.approx(ls_d.item(), rel=1e-10)
    assert gans.generator_loss(f, "least-squares").item() == pytest.approx(
        0.5 * F.mse_loss(f, torch.ones_like(f)).item(), rel=1e-10, abs=1e-12)


def test_discriminator_loss_is_minus_the_lectures_value_function():
    """L_D = -(E log D(x) + E log(1 - D(G(z)))) with D = sigmoid(score), to 1e-12 (float64)."""
    r, f = torch.tensor([2.0, -1.0, 0.3]), torch.tensor([-3.0, 0.5])
    value = torch.log(torch.sigmoid(r)).mean() + torch.log(1 - torch.sigmoid(f)).mean()
    assert gans.discriminator_loss(r.double(), f.double()).item() == pytest.approx(-value.item(), rel=1e-6)


@pytest.mark.parametrize("form", gans.LOSS_FORMS)
def test_one_step_lowers_each_gan_loss_on_a_fixed_batch(form):
    generator, discriminator = gans.Generator(hidden=16), gans.Discriminator(hidden=16, seed=1)
    real, z = gans.toy_data("ring", 64), torch.rand(64, 2) * 2 - 1
    fake = generator(z).detach()
    before, after = _one_adam_step_lowers(
        discriminator, lambda: gans.discriminator_loss(discriminator(real), discriminator(fake), form))
    assert after < before
    before, after = _one_adam_step_lowers(
        generator, lambda: gans.generator_loss(discriminator(generator(z)), form))
    assert after < before


def test_diffusion_training_lowers_its_loss():
    model = gans.TinyDiffusion(gans.toy_data("ring", 512), hidden=32, n_steps=20)
    model.train(150)
    assert np.mean(model.history[-30:]) < np.mean(model.history[:30])
    assert model.sample(10).shape == (10, 2)


def test_gan_is_deterministic_under_a_seed_and_ignores_the_global_generator():
    data = gans.toy_data("ring", 256)
    a = gans.GAN(data, hidden=8, batch_size=16, seed=3)
    a.step(5)
    torch.manual_seed(123)  # the GAN draws from its own generator
    b = gans.GAN(data, hidden=8, batch_size=16, seed=3)
    b.step(5)
    assert same_weights(weights(a.generator), weights(b.generator)) and a.history == b.history
    c = gans.GAN(data, hidden=8, batch_size=16, seed=4)
    c.step(5)
    assert not same_weights(weights(a.generator), weights(c.generator))


def test_train_gan_prints_progress_and_can_stop_early(capsys):
    gan = gans.train_gan(gans.toy_data("ring", 256), steps=40, hidden=8, batch_size=16, print_every=10,
                        stop=lambda g: g.steps >= 20)
    out = capsys.readouterr().out
    assert gan.steps == 20 and "step 10/40: D loss" in out and "stopped early at step 20" in out
    assert len(gan.history["d_loss"]) == 20 and all(0 <= p <= 1 for p in gan.history["d_real"])


def test_gan_options_change_a_running_training():
    gan = gans.GAN(gans.toy_data("ring", 128), hidden=8, batch_size=16)
    gan.set(lr_g=0.01, lr_d=0.02, d_steps=3, loss="least-squares")
    assert gan.opt_g.param_groups[0]["lr"] == 0.01 and gan.opt_d.param_groups[0]["lr"] == 0.02
    gan.step(2)
    assert gan.steps == 2 and gan.loss == "least-squares"
    x, push = gan.generator_gradients(gan.noise(5))
    assert x.shape == push.shape == (5, 2) and torch.isfinite(push).all()
    probability = gan.probability(torch.zeros(3, 2))
    assert ((probability >= 0) & (probability <= 1)).all()


@pytest.mark.parametrize("name", gans.DISTRIBUTIONS)
def test_toy_data_are_seeded_2d_points_in_view(name):
    x = gans.toy_data(name, 500, seed=1)
    assert x.shape == (500, 2) and torch.equal(x, gans.toy_data(name, 500, seed=1))
    assert x.abs().max() < 3.2  # inside the demo's plane
    centers = gans.mode_centers(name)
    if centers is not None:  # every mode is used, and every point lies near one
        assert gans.modes_covered(x, centers, radius=4 * gans.mode_std(name))[0] == len(centers)


def test_modes_covered_counts_a_collapsed_generator():
    centers = gans.mode_centers("ring")
    collapsed = centers[2] + 0.01 * torch.randn(400, 2)
    assert gans.modes_covered(collapsed, centers, radius=0.3) == (1, [0, 0, 400, 0, 0, 0, 0, 0])
    with_nan = torch.cat([centers, torch.full((1, 2), math.nan)])
    assert gans.modes_covered(with_nan, centers, radius=0.3, min_share=0.5)[0] == 8


@pytest.mark.parametrize("model", [
    autoencoders.Autoencoder(n_code=3, hidden=[8, 4]), autoencoders.VAE(n_code=2, hidden=8), autoencoders.DigitClassifier(hidden=8),
    gans.Generator(n_noise=3, n_out=5, hidden=8, output="sigmoid"), gans.Discriminator(n_in=5, hidden=8),
], ids=lambda m: type(m).__name__)
def test_save_load_round_trip(tmp_path, model):
    path = autoencoders.save_model(model, tmp_path / "model.pt")
    copy = autoencoders.load_model(path)
    assert type(copy) is type(model) and copy.config == model.config
    assert same_weights(weights(model), weights(copy)) and not copy.training
