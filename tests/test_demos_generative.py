"""The demos of notebook 07: the latent widget, the denoising slider, the 2-D GAN with Play / Step / Reset."""

import ipywidgets as W
import numpy as np
import pytest
import torch

from course_utils import autoencoders, gans
from course_utils.demos.generative import denoise_demo, gan_lab_demo, latent_demo
from course_utils.plotting import digits_row
from course_utils.widgets import CSS_CLASS

torch.set_num_threads(1)


def widgets_in(box):
    """Every widget inside ``box``, depth first, in display order."""
    for child in getattr(box, "children", ()):
        yield child
        yield from widgets_in(child)


def test_digits_row_places_images_side_by_side():
    row = digits_row(np.ones((3, 784)), gap=2)
    assert row.shape == (28, 3 * 30 - 2)
    assert row[:, 28:30].sum() == 0 and row[:, :28].min() == 1


def test_latent_demo_decodes_the_chosen_code():
    classifier = autoencoders.DigitClassifier(hidden=8)
    demo = latent_demo(autoencoders.Autoencoder(n_code=2, hidden=8), np.zeros((20, 28, 28), np.uint8), np.arange(20) % 10,
                       classifier)
    before = demo.image.value
    demo.set(z1=demo.controls["z1"].max)
    assert demo.image.value != before and "the classifier reads" in demo.status.value
    marker_x, _ = demo.artists["marker"].get_data()
    assert marker_x[0] == demo.controls["z1"].max


def test_latent_demo_needs_a_2d_code():
    with pytest.raises(ValueError, match="2-D code"):
        latent_demo(autoencoders.Autoencoder(n_code=3, hidden=8), np.zeros((5, 784)), np.zeros(5, int))


def test_latent_demo_accepts_a_vae():
    demo = latent_demo(autoencoders.VAE(n_code=2, hidden=8), np.zeros((5, 784)), np.arange(5))
    demo.set(z2=demo.controls["z2"].min)
    assert "VAE" in demo.fig.axes[0].get_title()
    assert f"{demo.controls['z2'].min:.2f}" in demo.status.value  # the code shown is the code decoded


def test_denoise_demo_reports_the_errors():
    ae = autoencoders.Autoencoder(n_code=4, hidden=8)
    demo = denoise_demo({"plain": ae}, np.full((4, 784), 0.5))
    demo.set(noise=0.0)
    assert "noisy input 0.0000" in demo.status.value
    demo.set(noise=0.8)
    noisy_error = float(demo.status.value.split("noisy input ")[1].split(",")[0])
    assert noisy_error > 0.05
    before = demo.image.value
    demo.set(seed=5)
    assert demo.image.value != before


def test_denoise_demo_rejects_other_models():
    with pytest.raises(TypeError, match="`models`"):
        denoise_demo({"vae": autoencoders.VAE(hidden=8)}, np.zeros((3, 784)))


def test_gan_lab_play_step_and_reset():
    demo = gan_lab_demo(steps_per_frame=3)
    state = demo.state
    assert state.gan.steps == 0 and "modes covered: 0 of 8" in demo.status.value
    demo.play.value = 1  # a tick of Play, as the browser sends it
    assert state.gan.steps == 3
    demo.step()
    assert state.gan.steps == 6 and "step 6" in demo.status.value
    demo.step_button.click()
    assert state.gan.steps == 9
    demo.set(lr_d=0.01, d_steps=2)  # settings act on the running training, without a step
    assert state.gan.steps == 9 and state.gan.d_steps == 2
    assert state.gan.opt_d.param_groups[0]["lr"] == pytest.approx(0.01)
    first = [p.detach().clone() for p in gans.GAN(gans.toy_data("ring", 2048), hidden=[64, 64]).generator.parameters()]
    demo.reset()
    assert state.gan.steps == 0
    assert all(torch.equal(a, b) for a, b in zip(first, state.gan.generator.parameters()))


def test_gan_lab_switches_data_and_counts_modes_only_where_there_are_some():
    demo = gan_lab_demo()
    demo.step()
    demo.set(data="moons")
    assert demo.state.gan.steps == 0 and "modes covered" not in demo.status.value
    assert "no separate modes" in demo.state.modes_title.get_text()
    demo.set(data="grid")
    assert "of 9" in demo.status.value
    assert sum(circle.get_visible() for circle in demo.artists.circles) == 9


def test_gan_lab_shows_diverged_instead_of_failing():
    demo = gan_lab_demo()
    demo.state.gan.diverged = True
    demo.play.playing = True
    demo.step()
    assert "diverged" in demo.status.value and demo.state.gan.steps == 0  # no step taken after divergence
    assert not demo.play.playing  # and Play paused
    demo.reset()
    assert "diverged" not in demo.status.value


def test_gan_lab_box_has_play_step_reset_and_a_first_slider_that_redraws():
    demo = gan_lab_demo()
    assert CSS_CLASS in demo.widget._dom_classes
    inside = list(widgets_in(demo.widget))
    assert any(isinstance(w, W.Play) for w in inside)
    assert {w.description for w in inside if isinstance(w, W.Button)} == {"Step", "Reset"}
    first_slider = next(w for w in inside if isinstance(w, (W.FloatLogSlider, W.IntSlider, W.FloatSlider)))
    assert first_slider is demo.controls["lr_d"]
    before = demo.image.value
    first_slider.value = 0.01  # as a browser would: through the observer, not demo.set
    assert demo.image.value != before


def test_gan_lab_trains_to_cover_the_ring():
    """The demo's default settings cover at least 7 of the 8 modes within 1,000 generator steps."""
    demo = gan_lab_demo(steps_per_frame=20)
    for _ in range(50):
        demo.step()
    assert demo.state.gan.steps == 1000 and max(demo.state.coverage[-10:]) >= 7
