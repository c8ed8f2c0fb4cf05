"""GANs, the 2-D data, mode counting and the tiny diffusion model."""

import importlib.util
import math
from pathlib import Path

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
from course_utils.data import mnist_5k

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
    gans.PixelGenerator(n_noise=4, hidden=[8, 16]), gans.PixelDiscriminator(hidden=[16, 8], dropout=0.2),
], ids=lambda m: type(m).__name__)
def test_save_load_round_trip(tmp_path, model):
    path = autoencoders.save_model(model, tmp_path / "model.pt")
    copy = autoencoders.load_model(path)
    assert type(copy) is type(model) and copy.config == model.config
    assert same_weights(weights(model), weights(copy)) and not copy.training


# -- the MNIST pixel GAN and the generator shipped in data/ --------------------------------------
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train_pixel_gan.py"


@pytest.fixture(scope="module")
def sample():
    return gans.pixel_generator()


def _script():
    spec = importlib.util.spec_from_file_location("train_pixel_gan", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pixel_networks_shapes_ranges_and_dtypes():
    G, D = gans.PixelGenerator(n_noise=8, hidden=[16, 32]), gans.PixelDiscriminator(hidden=[32, 16])
    x = G(torch.randn(5, 8, dtype=torch.float64))
    assert x.shape == (5, 784) and x.dtype == torch.float64 and x.abs().max() <= 1
    assert D(x).shape == (5,)
    G32, D32 = G.float(), D.float()  # the training script's float32: a batch takes the network's dtype
    assert D32(G32(torch.randn(5, 8))).dtype == torch.float32


def test_pixel_networks_are_built_from_their_seed_without_moving_the_global_generator():
    state = torch.get_rng_state()
    a, b = gans.PixelGenerator(hidden=[8], seed=3), gans.PixelGenerator(hidden=[8], seed=3)
    assert same_weights(weights(a), weights(b))
    assert not same_weights(weights(a), weights(gans.PixelGenerator(hidden=[8], seed=4)))
    assert torch.equal(state, torch.get_rng_state())


def test_the_shipped_generator_draws_digits_on_the_scale_of_mnist(sample):
    digits = sample(100, seed=0)
    assert digits.shape == (100, 28, 28) and digits.dtype == np.float64
    assert digits.min() >= 0 and digits.max() <= 1
    assert np.median(digits) < 0.1  # background 0, ink 1, like mnist_5k() / 255 ...
    real = mnist_5k()[0] / 255
    assert abs(digits.mean() - real.mean()) < 0.03  # ... with about as much ink (0.13)
    assert (digits.max(axis=(1, 2)) > 0.9).all()  # every digit has strokes of full ink
    model = sample.__self__
    assert isinstance(model, gans.PixelGenerator) and not model.training
    assert all(p.dtype == torch.float64 for p in model.parameters())


def test_the_shipped_generator_is_deterministic_for_a_seed(sample):
    first = sample(8, seed=0)
    assert np.array_equal(first, sample(8, seed=0))
    assert np.allclose(first[:3], sample(3, seed=0), rtol=0, atol=1e-12)  # more digits add digits
    assert np.abs(first - sample(8, seed=1)).mean() > 0.05


@pytest.mark.parametrize("call, error, match", [
    (lambda s: s(0), ValueError, "`n`"),
    (lambda s: s(2.0), TypeError, "`n`"),
    (lambda s: s(2, seed=-1), ValueError, "`seed`"),
    (lambda s: s(2, seed="0"), TypeError, "`seed`"),
    (lambda s: s(2, seed=True), TypeError, "`seed`"),
    (lambda s: s.__self__(torch.zeros(2, 3)), ValueError, "`z` must be of shape"),
    (lambda s: gans.PixelGenerator(n_noise=0), ValueError, "`n_noise`"),
    (lambda s: gans.PixelGenerator(hidden=[]), ValueError, "`hidden`"),
    (lambda s: gans.PixelDiscriminator(hidden=[8, 0]), ValueError, "`hidden`"),
    (lambda s: gans.PixelDiscriminator(dropout=1.0), ValueError, "`dropout`"),
    (lambda s: gans.PixelDiscriminator(hidden=8)(torch.zeros(2, 28, 28)), ValueError, "`x` must be of shape"),
])
def test_pixel_gan_bad_arguments_are_named(sample, call, error, match):
    with pytest.raises(error, match=match):
        call(sample)


def test_pixel_generator_reads_what_save_model_wrote_and_nothing_else(tmp_path):
    G = gans.PixelGenerator(n_noise=4, hidden=[8])
    digits = gans.pixel_generator(autoencoders.save_model(G, tmp_path / "g.pt"))(3, seed=2)
    assert np.array_equal(digits, G.sample(3, seed=2))
    with pytest.raises(ValueError, match="`path`.*not a PixelGenerator"):
        gans.pixel_generator(autoencoders.save_model(autoencoders.DigitClassifier(hidden=8), tmp_path / "c.pt"))
    with pytest.raises(FileNotFoundError, match="`path`"):
        gans.pixel_generator(tmp_path / "missing.pt")


def test_the_script_trains_on_notebook_07s_training_digits():
    from course_utils.notebook import setup

    images, labels = mnist_5k()
    train = setup(seed=0).permutation(len(images))[:3500]  # notebook 07's cell: rng = setup(seed=0) ...
    x, y = _script().training_digits()
    assert np.array_equal(x, images[train]) and np.array_equal(y, labels[train])


def test_the_script_runs_writes_a_generator_and_prints_progress(tmp_path, capsys):
    out = tmp_path / "g.pt"
    _script().main(["--steps", "3", "--print-every", "2", "--out", str(out), "--no-check"])
    printed = capsys.readouterr().out
    assert "step 2/3: D loss" in printed and "step 3/3: D loss" in printed and f"wrote {out}" in printed
    assert gans.pixel_generator(out)(2).shape == (2, 28, 28)


def test_notebook_07s_classifier_reads_the_shipped_digits(sample):
    """The quality bar: of 500 samples, >= 70% read with p >= 0.9, every digit among them."""
    images, labels = mnist_5k()
    train = np.random.default_rng(0).permutation(len(images))[:3500]  # as setup(seed=0) gives
    classifier = autoencoders.DigitClassifier(hidden=128)
    autoencoders.train_classifier(classifier, images[train], labels[train], epochs=20, print_every=0)
    read, sure = classifier.predict(sample(500, seed=0))
    confident = sure >= 0.9
    assert confident.mean() >= 0.70, f"only {confident.mean():.1%} read with p >= 0.9"
    assert set(read[confident].tolist()) == set(range(10)), np.bincount(read[confident], minlength=10)


# -- one GAN update: the reference of notebook 07's exercise ---------------------------------------
def test_gan_step_is_what_gan_step_of_the_class_does():
    """GAN.step draws a batch and two noises, then takes gan_step's two steps: same weights after."""
    import copy

    from course_utils.gans import GAN, gan_step, toy_data

    gan = GAN(toy_data("ring", 256), hidden=16, batch_size=32, seed=2)
    twin = copy.deepcopy(gan)
    rng = copy.deepcopy(gan.rng)
    gan.step(1)
    real = twin.data[torch.randint(len(twin.data), (32,), generator=rng)]
    z_d = torch.rand(32, 2, generator=rng, dtype=torch.float64) * 2 - 1
    z_g = torch.rand(32, 2, generator=rng, dtype=torch.float64) * 2 - 1
    d_loss, g_loss = gan_step(twin.generator, twin.discriminator, twin.opt_g, twin.opt_d, real, z_d, z_g)
    assert (d_loss, g_loss) == (gan.history["d_loss"][-1], gan.history["g_loss"][-1])
    for a, b in zip([*gan.generator.parameters(), *gan.discriminator.parameters()],
                    [*twin.generator.parameters(), *twin.discriminator.parameters()]):
        assert torch.equal(a, b)


def test_each_half_of_the_step_trains_only_its_own_network():
    from course_utils.gans import GAN, discriminator_step, generator_step, toy_data

    gan = GAN(toy_data("ring", 256), hidden=16, batch_size=32, seed=0)
    g_before = [p.detach().clone() for p in gan.generator.parameters()]
    d_before = [p.detach().clone() for p in gan.discriminator.parameters()]
    with torch.no_grad():
        fake = gan.generator(gan.noise(32))
    discriminator_step(gan.discriminator, gan.opt_d, gan.data[:32], fake)
    assert all(torch.equal(a, b) for a, b in zip(g_before, gan.generator.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(d_before, gan.discriminator.parameters()))
    d_after = [p.detach().clone() for p in gan.discriminator.parameters()]
    generator_step(gan.generator, gan.discriminator, gan.opt_g, gan.noise(32))
    assert all(torch.equal(a, b) for a, b in zip(d_after, gan.discriminator.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(g_before, gan.generator.parameters()))


def test_gan_step_names_a_bad_loss_form():
    from course_utils.gans import GAN, gan_step, toy_data

    gan = GAN(toy_data("ring", 64), hidden=8, batch_size=16)
    z = gan.noise(16)
    with pytest.raises(ValueError, match="`form` must be one of"):
        gan_step(gan.generator, gan.discriminator, gan.opt_g, gan.opt_d, gan.data[:16], z, z, form="wasserstein")
