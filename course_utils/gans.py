"""Generative adversarial networks in PyTorch, the 2-D data GAN Lab uses, and a tiny diffusion model.

* :class:`GAN`: a generator G that learns to sample from the data distribution,
  trained against a discriminator D (the lecture's ``min_G max_D V(D, G)``),
  with the three generator losses of :data:`LOSS_FORMS`;
* :class:`PixelGenerator` and :class:`PixelDiscriminator`: a plain MLP GAN of
  MNIST digits in pixel space, and :func:`pixel_generator`, the one trained by
  ``scripts/train_pixel_gan.py`` and shipped in ``data/``;
* :func:`toy_data` and :func:`modes_covered`: 2-D distributions with modes, and
  a count of the modes a generator reaches (mode collapse, measured);
* :class:`TinyDiffusion`: a 2-D denoising diffusion model, for comparison.

Everything is float64 and seeded, like :mod:`course_utils.autoencoders`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._validate import positive
from .autoencoders import DTYPE, _check_batch, _mlp, _seeded, _sizes

__all__ = [
    "LOSS_FORMS", "discriminator_loss", "generator_loss", "Generator", "Discriminator", "GAN", "train_gan",
    "PixelGenerator", "PixelDiscriminator", "pixel_generator",
    "discriminator_step", "generator_step", "gan_step",
    "DISTRIBUTIONS", "toy_data", "mode_centers", "mode_std", "modes_covered",
    "TinyDiffusion",
]

# -- the GAN ------------------------------------------------------------------------------------
#: The generator's loss: the lecture's min-max form, the non-saturating form, least squares.
LOSS_FORMS = ("minimax", "non-saturating", "least-squares")


def _check_form(form: str) -> None:
    if form not in LOSS_FORMS:
        raise ValueError(f"`form` must be one of {LOSS_FORMS}, got {form!r}")


def discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor,
                       form: str = "non-saturating") -> torch.Tensor:
    """The discriminator's loss on one batch; ``scores`` are D's outputs before the sigmoid.

    For ``"minimax"`` and ``"non-saturating"`` it is minus the lecture's value
    function, with :math:`D = \\sigma(\\text{score})`:

    .. math:: L_D = -\\frac1m \\sum_i \\log D(x_i) - \\frac1m \\sum_i \\log\\big(1 - D(G(z_i))\\big)

    For ``"least-squares"`` (LSGAN), D's raw score is pushed to 1 on real and 0 on fake:
    :math:`L_D = \\frac12 \\overline{(D(x) - 1)^2} + \\frac12 \\overline{D(G(z))^2}`.

    Examples
    --------
    >>> round(float(discriminator_loss(torch.zeros(4), torch.zeros(4))), 4)  # D = 1/2: 2 log 2
    1.3863
    """
    _check_form(form)
    if form == "least-squares":
        return 0.5 * ((real_scores - 1) ** 2).mean() + 0.5 * (fake_scores ** 2).mean()
    # -log sigmoid(s) = softplus(-s) and -log(1 - sigmoid(s)) = softplus(s), without overflow
    return F.softplus(-real_scores).mean() + F.softplus(fake_scores).mean()


def generator_loss(fake_scores: torch.Tensor, form: str = "non-saturating") -> torch.Tensor:
    """The generator's loss on one batch of D's scores of generated samples.

    * ``"minimax"``: the lecture's :math:`\\min_G \\frac1m\\sum_i \\log(1 - D(G(z_i)))`;
      its gradient vanishes while D easily spots the fakes, early in training;
    * ``"non-saturating"``: :math:`-\\frac1m\\sum_i \\log D(G(z_i))`, the same fixed point
      with strong gradients early (Goodfellow et al., 2014);
    * ``"least-squares"``: :math:`\\frac12 \\overline{(D(G(z)) - 1)^2}`.

    Examples
    --------
    >>> [round(float(generator_loss(torch.zeros(2), f)), 4) for f in LOSS_FORMS]
    [-0.6931, 0.6931, 0.5]
    """
    _check_form(form)
    if form == "minimax":
        return -F.softplus(fake_scores).mean()  # log(1 - sigmoid(s)) = -softplus(s)
    if form == "least-squares":
        return 0.5 * ((fake_scores - 1) ** 2).mean()
    return F.softplus(-fake_scores).mean()


def discriminator_step(discriminator: nn.Module, opt_d: torch.optim.Optimizer, real: torch.Tensor,
                       fake: torch.Tensor, form: str = "non-saturating"
                       ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One step of D: lower :func:`discriminator_loss` on a real batch and a generated one.

    Both batches go through D in one pass. ``fake`` should carry no gradient
    to G (make it under ``torch.no_grad()``): this step trains D only.

    Returns
    -------
    loss, real_scores, fake_scores : tensors, detached
    """
    m = len(real)
    scores = discriminator(torch.cat([real, fake]))
    loss = discriminator_loss(scores[:m], scores[m:], form)
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    return loss.detach(), scores[:m].detach(), scores[m:].detach()


def generator_step(generator: nn.Module, discriminator: nn.Module, opt_g: torch.optim.Optimizer,
                   z: torch.Tensor, form: str = "non-saturating") -> torch.Tensor:
    """One step of G: lower :func:`generator_loss` of D's scores on G(z); D is not changed.

    The gradient flows back through D into G; D's own gradients, filled on the
    way, are cleared by D's next step. Returns the loss, detached.
    """
    loss = generator_loss(discriminator(generator(z)), form)
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss.detach()


def gan_step(generator: nn.Module, discriminator: nn.Module, opt_g: torch.optim.Optimizer,
             opt_d: torch.optim.Optimizer, real: torch.Tensor, z_d: torch.Tensor, z_g: torch.Tensor,
             form: str = "non-saturating") -> tuple[float, float]:
    """One GAN update, the reference for notebook 07's exercise: a step of D, then a step of G.

    .. math::

        \\text{D step: } L_D = -\\tfrac1m \\textstyle\\sum_i \\log D(x_i) - \\tfrac1m \\sum_i \\log(1 - D(G(z^d_i)))
        \\quad\\text{(G's samples made without gradients)}, \\qquad
        \\text{G step: } L_G = -\\tfrac1m \\textstyle\\sum_i \\log D(G(z^g_i))

    (the non-saturating generator loss; ``form`` picks another, see :func:`generator_loss`).

    Parameters
    ----------
    generator, discriminator : nn.Module
        D returns scores before the sigmoid (logits).
    opt_g, opt_d : torch.optim.Optimizer
        Their optimizers.
    real : tensor of shape (m, n_features)
        A batch of real samples.
    z_d, z_g : tensors of shape (m, n_noise)
        Noise for D's step and for G's step.

    Returns
    -------
    d_loss, g_loss : float

    Examples
    --------
    >>> gan = GAN(toy_data("ring", 64), hidden=8, batch_size=16)
    >>> z = gan.noise(16)
    >>> d_loss, g_loss = gan_step(gan.generator, gan.discriminator, gan.opt_g, gan.opt_d,
    ...                           gan.data[:16], z, z)
    >>> 0 < d_loss < 3 and 0 < g_loss < 3
    True
    """
    _check_form(form)
    with torch.no_grad():
        fake = generator(z_d)
    d_loss, _, _ = discriminator_step(discriminator, opt_d, real, fake, form)
    g_loss = generator_step(generator, discriminator, opt_g, z_g, form)
    return float(d_loss), float(g_loss)


class Generator(nn.Module):
    """G: noise z -> a sample (n_noise -> hidden -> ... -> n_out), with a linear or a sigmoid output.

    Examples
    --------
    >>> tuple(Generator(n_noise=2, n_out=2, hidden=8)(torch.rand(5, 2)).shape)
    (5, 2)
    """

    def __init__(self, n_noise: int = 2, n_out: int = 2, hidden=64, output: str = "linear",
                 seed: int = 0) -> None:
        super().__init__()
        positive(n_noise, "n_noise", integer=True)
        positive(n_out, "n_out", integer=True)
        if output not in ("linear", "sigmoid"):
            raise ValueError(f"`output` must be 'linear' or 'sigmoid' (pixels in [0, 1]), got {output!r}")
        hidden = _sizes(hidden)
        self.config = {"n_noise": n_noise, "n_out": n_out, "hidden": hidden, "output": output, "seed": seed}
        with _seeded(seed):
            self.net = _mlp([n_noise, *hidden, n_out], out=nn.Sigmoid() if output == "sigmoid" else None)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = _check_batch(z, self.config["n_noise"], "z")
        return self.net(z)


class Discriminator(nn.Module):
    """D: a sample -> one score (a logit: :math:`D(x) = \\sigma(\\text{score})`).

    Examples
    --------
    >>> tuple(Discriminator(n_in=2, hidden=8)(torch.rand(5, 2)).shape)
    (5,)
    """

    def __init__(self, n_in: int = 2, hidden=64, seed: int = 0) -> None:
        super().__init__()
        positive(n_in, "n_in", integer=True)
        hidden = _sizes(hidden)
        self.config = {"n_in": n_in, "hidden": hidden, "seed": seed}
        with _seeded(seed):
            self.net = _mlp([n_in, *hidden, 1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _check_batch(x, self.config["n_in"], "x")
        return self.net(x).squeeze(1)


class GAN:
    """A generator and a discriminator trained against each other, one step at a time.

    Each :meth:`step` takes ``d_steps`` discriminator steps (on a batch of real
    samples and a batch of generated ones) and then one generator step, both
    with Adam (:math:`\\beta_1 = 0.5`). Batches and noise come from the GAN's
    own seeded generator, so a run is reproducible and independent of other
    random draws.

    Parameters
    ----------
    data : tensor of shape (n_samples, n_features)
        The real samples; batches are drawn from them with replacement.
    n_noise : int
        Length of the noise vector z, uniform on :math:`[-1, 1]^{n}`.
    hidden : int or list of int
        Hidden widths of both networks.
    output : {"linear", "sigmoid"}
        The generator's last activation: "sigmoid" for pixels in [0, 1].
    lr_g, lr_d : float
        Learning rates of the generator and the discriminator.
    d_steps : int
        Discriminator steps per generator step.
    loss : {"minimax", "non-saturating", "least-squares"}
        The generator's loss (:func:`generator_loss`).
    batch_size, seed : int

    Attributes
    ----------
    generator, discriminator : nn.Module
    history : dict of lists
        Per generator step: ``d_loss``, ``g_loss``, ``d_real`` and ``d_fake``
        (D's mean output on real and on generated samples).
    steps : int
    diverged : bool
        True once a loss is not finite; :meth:`step` then does nothing.

    Examples
    --------
    >>> gan = GAN(toy_data("ring", 256), hidden=16, batch_size=32)
    >>> gan.step(3)
    >>> gan.steps, len(gan.history["d_loss"]), tuple(gan.sample(4).shape)
    (3, 3, (4, 2))
    """

    def __init__(self, data: torch.Tensor, n_noise: int = 2, hidden=64, *, output: str = "linear",
                 lr_g: float = 1e-3, lr_d: float = 1e-3, d_steps: int = 1, loss: str = "non-saturating",
                 batch_size: int = 128, seed: int = 0) -> None:
        if not isinstance(data, torch.Tensor) or data.ndim != 2 or len(data) == 0:
            raise ValueError(f"`data` must be a tensor of shape (n_samples, n_features), got "
                             f"{tuple(data.shape) if isinstance(data, torch.Tensor) else type(data).__name__}")
        if not torch.isfinite(data).all():
            raise ValueError("`data` contains NaN or infinity")
        positive(batch_size, "batch_size", integer=True)
        self.data = data.to(DTYPE)
        self.batch_size = batch_size
        self.seed = seed
        self.generator = Generator(n_noise, data.shape[1], hidden, output=output, seed=seed)
        self.discriminator = Discriminator(data.shape[1], hidden, seed=seed + 1)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=1e-3, betas=(0.5, 0.999), fused=True)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999), fused=True)
        self.rng = torch.Generator().manual_seed(seed)
        self.history: dict[str, list[float]] = {"d_loss": [], "g_loss": [], "d_real": [], "d_fake": []}
        self.steps = 0
        self.diverged = False
        self.set(lr_g=lr_g, lr_d=lr_d, d_steps=d_steps, loss=loss)

    def set(self, *, lr_g: float | None = None, lr_d: float | None = None, d_steps: int | None = None,
            loss: str | None = None) -> None:
        """Change the learning rates, D steps per G step or the loss form; training goes on."""
        if lr_g is not None:
            for group in self.opt_g.param_groups:
                group["lr"] = positive(lr_g, "lr_g")
        if lr_d is not None:
            for group in self.opt_d.param_groups:
                group["lr"] = positive(lr_d, "lr_d")
        if d_steps is not None:
            self.d_steps = positive(d_steps, "d_steps", integer=True)
        if loss is not None:
            _check_form(loss)
            self.loss = loss

    def noise(self, n: int) -> torch.Tensor:
        """``n`` noise vectors, uniform on :math:`[-1, 1]^{n_{noise}}`, from the GAN's generator."""
        return torch.rand(n, self.generator.config["n_noise"], generator=self.rng, dtype=DTYPE) * 2 - 1

    def sample(self, n: int) -> torch.Tensor:
        """``n`` generated samples (no gradients)."""
        positive(n, "n", integer=True)
        with torch.no_grad():
            return self.generator(self.noise(n))

    def probability(self, x: torch.Tensor) -> torch.Tensor:
        """D's verdict in [0, 1], "real" = 1: the sigmoid of the score (least squares: the score, clipped)."""
        with torch.no_grad():
            scores = self.discriminator(x)
        return scores.clamp(0, 1) if self.loss == "least-squares" else torch.sigmoid(scores)

    def step(self, n: int = 1) -> None:
        """Take ``n`` generator steps, each after ``d_steps`` discriminator steps."""
        positive(n, "n", integer=True)
        m = self.batch_size
        for _ in range(n):
            if self.diverged:
                return
            for _ in range(self.d_steps):  # the steps of gan_step, with d_steps steps of D
                real = self.data[torch.randint(len(self.data), (m,), generator=self.rng)]
                with torch.no_grad():
                    fake = self.generator(self.noise(m))
                d_loss, real_scores, fake_scores = discriminator_step(self.discriminator, self.opt_d, real, fake,
                                                                      self.loss)
            g_loss = generator_step(self.generator, self.discriminator, self.opt_g, self.noise(m), self.loss)
            with torch.no_grad():
                to_unit = (lambda s: s.clamp(0, 1)) if self.loss == "least-squares" else torch.sigmoid
                self.history["d_real"].append(float(to_unit(real_scores).mean()))
                self.history["d_fake"].append(float(to_unit(fake_scores).mean()))
            self.history["d_loss"].append(d_loss.item())
            self.history["g_loss"].append(g_loss.item())
            self.steps += 1
            if not (math.isfinite(self.history["d_loss"][-1]) and math.isfinite(self.history["g_loss"][-1])):
                self.diverged = True

    def generator_gradients(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The samples G(z) and the direction the generator's loss pushes each one, :math:`-\\partial L_G / \\partial x`."""
        x = self.generator(z).detach().requires_grad_(True)
        loss = generator_loss(self.discriminator(x), self.loss) * len(x)
        (grad,) = torch.autograd.grad(loss, x)
        self.discriminator.zero_grad(set_to_none=True)
        return x.detach(), -grad


def train_gan(data: torch.Tensor, steps: int, *, print_every: int = 0,
              stop: Callable[[GAN], bool] | None = None, **options) -> GAN:
    """Build a :class:`GAN` on ``data`` and train it for ``steps`` generator steps.

    Parameters
    ----------
    data : tensor of shape (n_samples, n_features)
    steps : int
    print_every : int
        Print the losses and D's mean outputs every this many steps; 0 is silent.
    stop : callable ``stop(gan) -> bool``, optional
        Checked every ``print_every`` steps (every 100 if silent): True stops
        training early. Training also stops when the losses are not finite.
    **options
        Passed to :class:`GAN` (``n_noise``, ``hidden``, ``lr_g``, ``lr_d``,
        ``d_steps``, ``loss``, ``batch_size``, ``seed``).
    """
    positive(steps, "steps", integer=True)
    positive(print_every, "print_every", integer=True, allow_zero=True)
    gan = GAN(data, **options)
    chunk = print_every or 100
    while gan.steps < steps and not gan.diverged:
        gan.step(min(chunk, steps - gan.steps))
        h = gan.history
        if print_every:
            print(f"step {gan.steps}/{steps}: D loss {h['d_loss'][-1]:.3f}, G loss {h['g_loss'][-1]:.3f}, "
                  f"D(x) {h['d_real'][-1]:.2f}, D(G(z)) {h['d_fake'][-1]:.2f}")
        if stop is not None and stop(gan):
            if print_every:
                print(f"stopped early at step {gan.steps}")
            break
    if gan.diverged:
        print(f"stopped at step {gan.steps}: the losses are not finite (diverged)")
    return gan


# -- a GAN of MNIST digits, in pixel space -----------------------------------------------------
#: The width of the pixel generator's noise vector z.
PIXEL_NOISE = 64
#: The shipped generator's weights, in ``data/`` (trained by ``scripts/train_pixel_gan.py``).
PIXEL_GENERATOR_FILE = "pixel_generator.pt"


def _hidden_layers(hidden) -> list[int]:
    hidden = _sizes(hidden)
    if not hidden:
        raise ValueError("`hidden` must hold at least one layer width, got []")
    return hidden


class PixelGenerator(nn.Module):
    """G for 28x28 digits: noise z -> 784 pixels in [-1, 1], a plain fully connected network.

    .. math:: G(z) = \\tanh\\big(W_{L+1} h_L + b_{L+1}\\big), \\quad
              h_k = \\operatorname{LReLU}(W_k h_{k-1} + b_k), \\quad h_0 = z \\sim \\mathcal N(0, I)

    The output is in [-1, 1] (tanh), the scale the real digits are trained on
    (``2 x - 1``); :meth:`sample` maps it back to pixels in [0, 1].

    Parameters
    ----------
    n_noise : int, default 64
        Length of z.
    hidden : list of int, default [256, 512, 1024]
        Widths of the hidden layers.
    seed : int
        Seeds the initial weights (built in float64).

    Examples
    --------
    >>> G = PixelGenerator(n_noise=8, hidden=[16, 32])
    >>> x = G(torch.randn(5, 8, dtype=torch.float64))
    >>> tuple(x.shape), bool(x.abs().max() <= 1)
    ((5, 784), True)
    """

    def __init__(self, n_noise: int = PIXEL_NOISE, hidden=(256, 512, 1024), seed: int = 0) -> None:
        super().__init__()
        positive(n_noise, "n_noise", integer=True)
        hidden = _hidden_layers(hidden)
        self.config = {"n_noise": n_noise, "hidden": hidden, "seed": seed}
        with _seeded(seed):  # the layers' initial weights, from the seed, in float64
            layers: list[nn.Module] = []
            for n_in, n_out in zip([n_noise, *hidden], hidden):
                layers += [nn.Linear(n_in, n_out), nn.LeakyReLU(0.2)]
            self.net = nn.Sequential(*layers, nn.Linear(hidden[-1], 784), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(n, n_noise) -> (n, 784) in [-1, 1], in the network's own dtype."""
        z = _check_batch(z, self.config["n_noise"], "z")
        return self.net(z.to(self.net[0].weight.dtype))

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated digits as a NumPy array of shape (n, 28, 28), pixels in [0, 1] (ink = 1).

        The noise comes from a ``torch.Generator`` seeded with ``seed``: the
        same ``n`` and ``seed`` give the same digits, and the first ``k`` of
        ``n`` digits are those of ``sample(k, seed)`` (to rounding: the matrix
        products of another batch size may add in another order).

        Examples
        --------
        >>> digits = PixelGenerator(n_noise=8, hidden=[16, 32]).sample(3, seed=1)
        >>> digits.shape, digits.dtype, bool(digits.min() >= 0 and digits.max() <= 1)
        ((3, 28, 28), dtype('float64'), True)
        """
        positive(n, "n", integer=True)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"`seed` must be a non-negative integer, got {seed!r}")
        if seed < 0:
            raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
        g = torch.Generator().manual_seed(seed)
        z = torch.randn(n, self.config["n_noise"], generator=g, dtype=DTYPE)
        with torch.no_grad():
            x = self(z)
        return ((x.to(DTYPE) + 1) / 2).clamp(0, 1).reshape(n, 28, 28).numpy()


class PixelDiscriminator(nn.Module):
    """D for 28x28 digits: 784 pixels in [-1, 1] -> one score, a logit (:math:`D(x) = \\sigma(\\text{score})`).

    .. math:: \\text{score}(x) = w_{L+1}^\\top h_L + b_{L+1}, \\quad
              h_k = \\operatorname{LReLU}(W_k h_{k-1} + b_k), \\quad h_0 = x

    with dropout after each hidden layer while training, so that D does not
    memorise the 3,500 training digits and keeps giving G useful gradients.

    Parameters
    ----------
    hidden : list of int, default [1024, 512, 256]
    dropout : float in [0, 1), default 0.3
    seed : int

    Examples
    --------
    >>> D = PixelDiscriminator(hidden=[32, 16])
    >>> tuple(D(torch.rand(5, 784, dtype=torch.float64) * 2 - 1).shape)
    (5,)
    """

    def __init__(self, hidden=(1024, 512, 256), dropout: float = 0.3, seed: int = 0) -> None:
        super().__init__()
        hidden = _hidden_layers(hidden)
        positive(dropout, "dropout", allow_zero=True)
        if dropout >= 1:
            raise ValueError(f"`dropout` must lie in [0, 1), got {dropout!r}")
        self.config = {"hidden": hidden, "dropout": dropout, "seed": seed}
        with _seeded(seed):  # the layers' initial weights, from the seed, in float64
            layers: list[nn.Module] = []
            for n_in, n_out in zip([784, *hidden], hidden):
                layers += [nn.Linear(n_in, n_out), nn.LeakyReLU(0.2), nn.Dropout(dropout)]
            self.net = nn.Sequential(*layers, nn.Linear(hidden[-1], 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(n, 784) -> (n,) scores, in the network's own dtype."""
        x = _check_batch(x, 784, "x")
        return self.net(x.to(self.net[0].weight.dtype)).squeeze(1)


def pixel_generator(path: str | Path | None = None) -> Callable[..., np.ndarray]:
    """The shipped MNIST generator, ready to draw digits: ``sample = pixel_generator(); sample(n, seed=0)``.

    Loads ``data/pixel_generator.pt`` (written by ``python scripts/train_pixel_gan.py``,
    see ``data/README.md``) with ``torch.load(weights_only=True)``, into a
    float64 :class:`PixelGenerator`, so that samples are the same on every CPU.

    Parameters
    ----------
    path : str or Path, optional
        Another file written by the script (its ``--out``).

    Returns
    -------
    sample : callable ``sample(n, seed=0) -> ndarray of shape (n, 28, 28)``
        :meth:`PixelGenerator.sample` of the loaded generator (which is ``sample.__self__``):
        pixels in [0, 1], background 0, ink 1, the scale of ``mnist_5k()`` images / 255.

    Examples
    --------
    >>> sample = pixel_generator()
    >>> digits = sample(4, seed=0)
    >>> digits.shape, bool(np.median(digits) < 0.1), np.array_equal(digits, sample(4, seed=0))
    ((4, 28, 28), True, True)
    """
    from .autoencoders import load_model
    from .data import data_path

    file = data_path(PIXEL_GENERATOR_FILE) if path is None else Path(path)
    model = load_model(file)
    if not isinstance(model, PixelGenerator):
        raise ValueError(f"`path` {str(file)!r} holds a {type(model).__name__}, not a PixelGenerator")
    return model.to(DTYPE).sample


# -- 2-D data with modes -------------------------------------------------------------------------
#: The 2-D data sets of the GAN demo (GAN Lab's), with their modes where they have any.
DISTRIBUTIONS = ("ring", "line", "moons", "grid")
RING_RADIUS, RING_STD = 2.0, 0.1
GRID_SPACING, GRID_STD = 1.5, 0.1


def mode_centers(name: str) -> torch.Tensor | None:
    """The centres of a distribution's Gaussian modes (ring: 8, grid: 9), or None.

    Examples
    --------
    >>> tuple(mode_centers("ring").shape), mode_centers("moons") is None
    ((8, 2), True)
    """
    if name not in DISTRIBUTIONS:
        raise ValueError(f"`name` must be one of {DISTRIBUTIONS}, got {name!r}")
    if name == "ring":
        angles = torch.arange(8, dtype=DTYPE) * (2 * math.pi / 8)
        return RING_RADIUS * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    if name == "grid":
        ticks = torch.tensor([-1.0, 0.0, 1.0], dtype=DTYPE) * GRID_SPACING
        return torch.cartesian_prod(ticks, ticks)
    return None


def mode_std(name: str) -> float:
    """The standard deviation of each mode of ``name`` (ring or grid)."""
    return RING_STD if name == "ring" else GRID_STD


def toy_data(name: str = "ring", n: int = 2048, seed: int = 0) -> torch.Tensor:
    """``n`` points of a 2-D distribution: a ring of 8 Gaussians, a line, two moons, a 3x3 grid of Gaussians.

    Examples
    --------
    >>> x = toy_data("ring", 1000)
    >>> tuple(x.shape), round(float(x.norm(dim=1).mean()), 1)
    ((1000, 2), 2.0)
    """
    positive(n, "n", integer=True)
    centers = mode_centers(name)
    g = torch.Generator().manual_seed(seed)
    if centers is not None:
        which = torch.randint(len(centers), (n,), generator=g)
        return centers[which] + mode_std(name) * torch.randn(n, 2, generator=g, dtype=DTYPE)
    if name == "line":
        t = torch.rand(n, 1, generator=g, dtype=DTYPE) * 2 - 1
        return t * torch.tensor([2.0, 1.2], dtype=DTYPE) + 0.05 * torch.randn(n, 2, generator=g, dtype=DTYPE)
    # two interleaving half circles, centred on the origin
    t = torch.rand(n, generator=g, dtype=DTYPE) * math.pi
    upper = torch.rand(n, generator=g) < 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    points = 1.6 * (torch.stack([x, y], dim=1) - torch.tensor([0.5, 0.25], dtype=DTYPE))
    return points + 0.06 * torch.randn(n, 2, generator=g, dtype=DTYPE)


def modes_covered(samples: torch.Tensor, centers: torch.Tensor, radius: float,
                  min_share: float = 0.2) -> tuple[int, list[int]]:
    """How many modes the samples cover, and how many samples fall near each mode.

    A mode is covered when at least ``min_share`` of its fair share of the
    samples, ``min_share * n / n_modes``, lie within ``radius`` of its centre.

    Examples
    --------
    >>> centers = mode_centers("ring")
    >>> modes_covered(centers[:3].repeat(10, 1), centers, radius=0.3)
    (3, [10, 10, 10, 0, 0, 0, 0, 0])
    """
    samples, centers = torch.as_tensor(samples, dtype=DTYPE), torch.as_tensor(centers, dtype=DTYPE)
    if samples.ndim != 2 or centers.ndim != 2 or samples.shape[1] != centers.shape[1]:
        raise ValueError(f"`samples` (n, d) and `centers` (k, d) must be 2-D with the same d, got "
                         f"{tuple(samples.shape)} and {tuple(centers.shape)}")
    positive(radius, "radius")
    finite = torch.isfinite(samples).all(dim=1)
    distance = torch.cdist(samples[finite], centers)
    nearest = distance.min(dim=1)
    counts = torch.bincount(nearest.indices[nearest.values < radius], minlength=len(centers))
    threshold = min_share * len(samples) / len(centers)
    return int((counts >= threshold).sum()), counts.tolist()


# -- a tiny diffusion model ----------------------------------------------------------------------
class TinyDiffusion:
    """A denoising diffusion model (DDPM) for 2-D points, small enough to train in seconds.

    Forward process: noise is added in ``n_steps`` small steps,

    .. math:: x_t = \\sqrt{\\bar\\alpha_t}\\, x_0 + \\sqrt{1 - \\bar\\alpha_t}\\, \\varepsilon,
              \\qquad \\bar\\alpha_t = \\prod_{s \\le t} (1 - \\beta_s),

    and a network :math:`\\varepsilon_\\theta(x_t, t)` learns to predict the
    noise (loss :math:`\\lVert \\varepsilon_\\theta - \\varepsilon \\rVert^2`). Sampling
    starts from pure noise and removes the predicted noise step by step.

    Examples
    --------
    >>> model = TinyDiffusion(toy_data("ring", 256), hidden=16, n_steps=10)
    >>> model.train(5)
    >>> tuple(model.sample(7).shape), len(model.history)
    ((7, 2), 5)
    """

    def __init__(self, data: torch.Tensor, hidden=(128, 128), n_steps: int = 60, lr: float = 2e-3,
                 batch_size: int = 256, seed: int = 0) -> None:
        if not isinstance(data, torch.Tensor) or data.ndim != 2 or len(data) == 0:
            raise ValueError("`data` must be a tensor of shape (n_samples, n_features)")
        positive(n_steps, "n_steps", integer=True)
        positive(batch_size, "batch_size", integer=True)
        self.data, self.n_steps, self.batch_size = data.to(DTYPE), n_steps, batch_size
        dim = data.shape[1]
        with _seeded(seed):
            self.net = _mlp([dim + 1, *_sizes(hidden), dim])
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=positive(lr, "lr"), fused=True)
        # noise rises from 1e-4 to beta_max, so that x_T is nearly pure noise (alpha_bar_T ~ 0.01)
        beta_max = min(0.9, 9 / n_steps)
        self.betas = torch.linspace(1e-4, beta_max, n_steps, dtype=DTYPE) if n_steps > 1 else torch.tensor([0.99], dtype=DTYPE)
        self.alpha_bars = torch.cumprod(1 - self.betas, dim=0)
        self.rng = torch.Generator().manual_seed(seed)
        self.history: list[float] = []

    def _predict_noise(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, (t.to(DTYPE) / self.n_steps).unsqueeze(1)], dim=1))

    def train(self, steps: int) -> None:
        """Take ``steps`` Adam steps on random batches, times and noise."""
        positive(steps, "steps", integer=True)
        m = self.batch_size
        for _ in range(steps):
            x0 = self.data[torch.randint(len(self.data), (m,), generator=self.rng)]
            t = torch.randint(self.n_steps, (m,), generator=self.rng)
            eps = torch.randn(x0.shape, generator=self.rng, dtype=DTYPE)
            a = self.alpha_bars[t].unsqueeze(1)
            loss = F.mse_loss(self._predict_noise(a.sqrt() * x0 + (1 - a).sqrt() * eps, t), eps)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.history.append(loss.item())

    def sample(self, n: int) -> torch.Tensor:
        """``n`` new points: start from :math:`\\mathcal N(0, I)` and denoise ``n_steps`` times."""
        positive(n, "n", integer=True)
        with torch.no_grad():
            x = torch.randn(n, self.data.shape[1], generator=self.rng, dtype=DTYPE)
            for t in range(self.n_steps - 1, -1, -1):
                beta, a_bar = self.betas[t], self.alpha_bars[t]
                eps = self._predict_noise(x, torch.full((n,), t))
                x = (x - beta / (1 - a_bar).sqrt() * eps) / (1 - beta).sqrt()
                if t > 0:
                    x = x + beta.sqrt() * torch.randn(x.shape, generator=self.rng, dtype=DTYPE)
        return x
