"""Autoencoders in PyTorch: codes and reconstructions, denoising, and the variational autoencoder.

The lecture's "learn the codes (latent representation) of data", small enough
to train on a laptop CPU in seconds:

* :class:`Autoencoder`: an encoder squeezes a 784-pixel digit into a short
  *code*, a decoder rebuilds the digit from it;
* :class:`VAE`: the same, but the encoder gives a Gaussian over codes and the
  code plane is pushed to look like a standard normal, so that new digits can be
  decoded from random codes;
* :class:`DigitClassifier`: a small classifier, the judge of reconstructions
  and generated digits.

Every model is built under a seed, in float64, trains with a seeded function
that prints a few progress lines and returns its history, and can be saved and
loaded with :func:`save_model` / :func:`load_model` (``torch.load(weights_only=True)``:
loading never unpickles code). The GANs are in :mod:`course_utils.gans`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._validate import positive
from .training import History, fit

__all__ = [
    "DTYPE", "as_pixels", "add_noise",
    "Autoencoder", "reconstruction_loss", "train_autoencoder",
    "VAE", "reparameterize", "kl_divergence", "vae_loss", "train_vae",
    "DigitClassifier", "train_classifier",
    "save_model", "load_model",
]

N_PIXELS = 784

#: Every tensor and weight here is float64: its rounding (1e-16) does not grow into the printed
#: digits over a training run, so a notebook prints the same numbers on any CPU. float32's
#: (1e-7) did: another vector unit changed the fourth decimal. It costs little at this size.
DTYPE = torch.float64


# -- inputs ------------------------------------------------------------------------------------
def as_pixels(images, name: str = "images") -> torch.Tensor:
    """Digits as a float64 tensor of shape (n, 784) with values in [0, 1].

    Parameters
    ----------
    images : array-like or tensor of shape (n, 28, 28) or (n, 784)
        Grey levels: integers 0-255 (as :func:`course_utils.data.mnist_5k` gives)
        or floats already in [0, 1].

    Examples
    --------
    >>> x = as_pixels(np.full((2, 28, 28), 255, dtype=np.uint8))
    >>> tuple(x.shape), x.dtype, float(x.max())
    ((2, 784), torch.float64, 1.0)
    """
    if isinstance(images, (str, bytes)) or images is None:
        raise TypeError(f"`{name}` must be an array of images, got {images!r}")
    if isinstance(images, torch.Tensor):
        array = images.detach().cpu().numpy()
    else:
        try:
            array = np.asarray(images)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`{name}` must be an array of images, got {type(images).__name__}") from exc
    if array.dtype.kind not in "uif":
        raise TypeError(f"`{name}` must hold numbers, got dtype {array.dtype}")
    if array.ndim == 3:
        array = array.reshape(len(array), -1)
    if array.ndim != 2 or array.shape[1] != N_PIXELS or len(array) == 0:
        raise ValueError(f"`{name}` must be of shape (n, 28, 28) or (n, 784) with n >= 1, "
                         f"got {np.shape(images)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` contains NaN or infinity")
    if array.dtype.kind in "ui":
        if array.min() < 0 or array.max() > 255:
            raise ValueError(f"`{name}`: integer grey levels must lie in 0-255")
        return torch.as_tensor(array.astype(np.float64) / 255)
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"`{name}`: float grey levels must lie in [0, 1] (divide by 255 first?), "
                         f"got [{array.min():.3g}, {array.max():.3g}]")
    return torch.as_tensor(array.astype(np.float64))


def _check_batch(x: torch.Tensor, width: int, name: str) -> torch.Tensor:
    """``x`` checked for shape, as float64 (the models' type: a float32 batch is welcome too)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch tensor, got {type(x).__name__}")
    if x.ndim != 2 or x.shape[1] != width:
        raise ValueError(f"`{name}` must be of shape (n, {width}), got {tuple(x.shape)}")
    return x.to(DTYPE)


def add_noise(x: torch.Tensor, level) -> torch.Tensor:
    """Gaussian pixel noise of standard deviation ``level``, clipped back to [0, 1].

    .. math:: \\tilde x = \\operatorname{clip}(x + \\sigma\\,\\varepsilon,\\ 0,\\ 1),
              \\quad \\varepsilon \\sim \\mathcal N(0, I)

    ``level`` is one number, or a tensor of shape (n, 1) with one level per
    image. Draws from PyTorch's global generator (seed it for the same noise).

    Examples
    --------
    >>> x = torch.full((2, 784), 0.5)
    >>> bool(torch.equal(add_noise(x, 0.0), x)), float(add_noise(x, 10.0).std()) > 0.4
    (True, True)
    """
    if isinstance(level, torch.Tensor):
        if not torch.isfinite(level).all() or (level < 0).any():
            raise ValueError("`level` must be >= 0 and finite")
    else:
        positive(level, "level", allow_zero=True)
    return (x + level * torch.randn_like(x)).clamp(0, 1)


@contextmanager
def _seeded(seed: int):
    """Build layers from ``seed``, in float64, without moving PyTorch's global generator."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
    default = torch.get_default_dtype()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.set_default_dtype(DTYPE)
        try:
            yield
        finally:
            torch.set_default_dtype(default)


def _mlp(sizes: list[int], out: nn.Module | None = None) -> nn.Sequential:
    """Fully connected layers with LeakyReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2))
    if out is not None:
        layers.append(out)
    return nn.Sequential(*layers)


def _sizes(hidden, name: str = "hidden") -> list[int]:
    hidden = [hidden] if isinstance(hidden, int) else list(hidden)
    for h in hidden:
        positive(h, name, integer=True)
    return hidden


# -- the autoencoder ---------------------------------------------------------------------------
class Autoencoder(nn.Module):
    """A fully connected autoencoder: pixels -> code -> pixels.

    .. math:: z = f_\\text{enc}(x), \\qquad \\hat x = f_\\text{dec}(z) = \\sigma(\\dots)

    Parameters
    ----------
    n_code : int
        Length of the code (2 to draw it in a plane).
    hidden : int or list of int
        Width(s) of the hidden layer(s), mirrored in the decoder.
    n_pixels : int
        Length of an input (784 for MNIST).
    seed : int
        Seeds the initial weights.

    Examples
    --------
    >>> ae = Autoencoder(n_code=2, hidden=16)
    >>> x = torch.rand(5, 784)
    >>> tuple(ae.encode(x).shape), tuple(ae(x).shape)
    ((5, 2), (5, 784))
    """

    def __init__(self, n_code: int = 2, hidden=256, n_pixels: int = N_PIXELS, seed: int = 0) -> None:
        super().__init__()
        positive(n_code, "n_code", integer=True)
        positive(n_pixels, "n_pixels", integer=True)
        hidden = _sizes(hidden)
        self.config = {"n_code": n_code, "hidden": hidden, "n_pixels": n_pixels, "seed": seed}
        with _seeded(seed):
            self.encoder = _mlp([n_pixels, *hidden, n_code])
            self.decoder = _mlp([n_code, *hidden[::-1], n_pixels], out=nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code of each image: (n, n_pixels) -> (n, n_code)."""
        x = _check_batch(x, self.config["n_pixels"], "x")
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image of each code, pixels in [0, 1]: (n, n_code) -> (n, n_pixels)."""
        z = _check_batch(z, self.config["n_code"], "z")
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


def reconstruction_loss(model: Autoencoder, x: torch.Tensor, noise: float = 0.0) -> torch.Tensor:
    """Mean squared reconstruction error, optionally of a noisy input (a *denoising* autoencoder).

    .. math:: L = \\frac{1}{n\\,p} \\sum_i \\lVert f_\\text{dec}(f_\\text{enc}(\\tilde x_i)) - x_i \\rVert^2

    where :math:`\\tilde x_i = x_i`, or, when ``noise > 0``, :func:`add_noise` of it with
    a level drawn for each image uniformly in [0, ``noise``], so that the
    autoencoder learns to clean every level up to ``noise``.
    """
    x = x.to(DTYPE)
    inputs = add_noise(x, noise * torch.rand(len(x), 1, dtype=x.dtype)) if noise else x
    return F.mse_loss(model(inputs), x)


def train_autoencoder(model: Autoencoder, images, *, val_images=None, noise: float = 0.0,
                      epochs: int = 10, batch_size: int = 64, lr: float = 1e-3, seed: int = 0,
                      patience: int | None = None, print_every: int = 1) -> History:
    """Train an autoencoder to reconstruct ``images`` (from noisy copies if ``noise > 0``).

    With ``noise > 0`` it is a *denoising* autoencoder: each training image is
    corrupted with Gaussian noise of a level drawn uniformly in [0, ``noise``]
    (see :func:`reconstruction_loss`), and the target is the clean image. See
    :func:`course_utils.training.fit` for the loop, the progress lines and
    early stopping. The validation loss is measured on clean images.

    Returns
    -------
    History
        ``loss`` and ``val_loss``: the mean squared reconstruction error per epoch.
    """
    if not isinstance(model, Autoencoder):
        raise TypeError(f"`model` must be an Autoencoder, got {type(model).__name__}")
    positive(noise, "noise", allow_zero=True)
    x = as_pixels(images)
    val = as_pixels(val_images, "val_images") if val_images is not None else None

    def loss_fn(m, batch):
        return reconstruction_loss(m, batch, noise if m.training else 0.0)

    return fit(model, loss_fn, x, val_data=val, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
               patience=patience, print_every=print_every, name="denoising AE" if noise else "AE")


# -- the variational autoencoder ---------------------------------------------------------------
def reparameterize(mu: torch.Tensor, log_var: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    """The reparameterisation trick: a sample of :math:`\\mathcal N(\\mu, \\sigma^2)` that gradients flow through.

    .. math:: z = \\mu + \\sigma \\odot \\varepsilon, \\quad \\sigma = e^{\\frac12 \\log \\sigma^2},
              \\quad \\varepsilon \\sim \\mathcal N(0, I)

    Parameters
    ----------
    mu, log_var : tensor of shape (n, n_code)
    eps : tensor of the same shape, optional
        The standard normal noise; drawn with ``torch.randn_like`` if omitted.

    Examples
    --------
    >>> reparameterize(torch.tensor([1.0]), torch.log(torch.tensor([4.0])), torch.tensor([0.5]))
    tensor([2.])
    """
    mu, log_var = torch.as_tensor(mu), torch.as_tensor(log_var)
    if mu.shape != log_var.shape:
        raise ValueError(f"`mu` and `log_var` must have the same shape, got {tuple(mu.shape)} "
                         f"and {tuple(log_var.shape)}")
    if eps is None:
        eps = torch.randn_like(mu)
    eps = torch.as_tensor(eps, dtype=mu.dtype)
    if eps.shape != mu.shape:
        raise ValueError(f"`eps` must have the shape of `mu` {tuple(mu.shape)}, got {tuple(eps.shape)}")
    return mu + torch.exp(0.5 * log_var) * eps


def kl_divergence(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL divergence of :math:`\\mathcal N(\\mu, \\sigma^2)` from :math:`\\mathcal N(0, I)`, averaged over the batch.

    .. math:: D_{KL} = -\\frac12 \\sum_j \\left(1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2\\right)

    Examples
    --------
    >>> float(kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)))
    0.0
    """
    return (-0.5 * (1 + log_var - mu ** 2 - log_var.exp()).sum(dim=1)).mean()


class VAE(nn.Module):
    """A variational autoencoder: the encoder gives a Gaussian over codes, the decoder a digit.

    .. math:: (\\mu, \\log\\sigma^2) = f_\\text{enc}(x), \\quad z = \\mu + \\sigma \\odot \\varepsilon,
              \\quad \\hat x = f_\\text{dec}(z)

    Parameters are those of :class:`Autoencoder`.

    Examples
    --------
    >>> vae = VAE(n_code=2, hidden=16)
    >>> x_hat, mu, log_var = vae(torch.rand(4, 784))
    >>> tuple(x_hat.shape), tuple(mu.shape), tuple(log_var.shape)
    ((4, 784), (4, 2), (4, 2))
    """

    def __init__(self, n_code: int = 2, hidden=256, n_pixels: int = N_PIXELS, seed: int = 0) -> None:
        super().__init__()
        positive(n_code, "n_code", integer=True)
        positive(n_pixels, "n_pixels", integer=True)
        hidden = _sizes(hidden)
        self.config = {"n_code": n_code, "hidden": hidden, "n_pixels": n_pixels, "seed": seed}
        with _seeded(seed):
            self.body = _mlp([n_pixels, *hidden], out=nn.LeakyReLU(0.2))
            self.mu = nn.Linear(hidden[-1], n_code)
            self.log_var = nn.Linear(hidden[-1], n_code)
            self.decoder = _mlp([n_code, *hidden[::-1], n_pixels], out=nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The mean and log-variance of each image's code."""
        x = _check_batch(x, self.config["n_pixels"], "x")
        h = self.body(x)
        return self.mu(h), self.log_var(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image of each code, pixels in [0, 1]."""
        z = _check_batch(z, self.config["n_code"], "z")
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, log_var = self.encode(x)
        return self.decode(reparameterize(mu, log_var)), mu, log_var

    def sample(self, n: int) -> torch.Tensor:
        """``n`` new digits, decoded from codes drawn from :math:`\\mathcal N(0, I)`."""
        positive(n, "n", integer=True)
        with torch.no_grad():
            return self.decode(torch.randn(n, self.config["n_code"], dtype=DTYPE))


def vae_loss(model: VAE, x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """The negative evidence lower bound, per image: reconstruction + :math:`\\beta` KL.

    .. math:: L = \\frac1n \\sum_i \\Big[ \\operatorname{BCE}(\\hat x_i, x_i) + \\beta\\, D_{KL}\\big(
              \\mathcal N(\\mu_i, \\sigma_i^2)\\,\\Vert\\,\\mathcal N(0, I)\\big) \\Big]

    with the binary cross-entropy summed over the pixels.
    """
    x = x.to(DTYPE)
    x_hat, mu, log_var = model(x)
    reconstruction = F.binary_cross_entropy(x_hat, x, reduction="sum") / len(x)
    return reconstruction + beta * kl_divergence(mu, log_var)


def train_vae(model: VAE, images, *, val_images=None, beta: float = 1.0, epochs: int = 10,
              batch_size: int = 64, lr: float = 1e-3, seed: int = 0, patience: int | None = None,
              print_every: int = 1) -> History:
    """Train a VAE on ``images``; the loss is :func:`vae_loss` (nats per image)."""
    if not isinstance(model, VAE):
        raise TypeError(f"`model` must be a VAE, got {type(model).__name__}")
    positive(beta, "beta", allow_zero=True)
    x = as_pixels(images)
    val = as_pixels(val_images, "val_images") if val_images is not None else None
    return fit(model, lambda m, batch: vae_loss(m, batch, beta), x, val_data=val, epochs=epochs,
               batch_size=batch_size, lr=lr, seed=seed, patience=patience, print_every=print_every,
               name="VAE")


# -- a digit classifier, the judge of reconstructions and samples -------------------------------
class DigitClassifier(nn.Module):
    """A small fully connected classifier of 28x28 digits (784 -> hidden -> 10 logits).

    Examples
    --------
    >>> tuple(DigitClassifier(hidden=8)(torch.rand(3, 784)).shape)
    (3, 10)
    """

    def __init__(self, hidden=128, n_pixels: int = N_PIXELS, n_classes: int = 10, seed: int = 0) -> None:
        super().__init__()
        positive(n_pixels, "n_pixels", integer=True)
        positive(n_classes, "n_classes", integer=True)
        hidden = _sizes(hidden)
        self.config = {"hidden": hidden, "n_pixels": n_pixels, "n_classes": n_classes, "seed": seed}
        with _seeded(seed):
            self.net = _mlp([n_pixels, *hidden, n_classes])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _check_batch(x, self.config["n_pixels"], "x")
        return self.net(x)

    def predict(self, images) -> tuple[np.ndarray, np.ndarray]:
        """The digit each image is read as, and the classifier's probability for it."""
        with torch.no_grad():
            probs = F.softmax(self(as_pixels(images)), dim=1)
        confidence, digit = probs.max(dim=1)
        return digit.numpy(), confidence.numpy()


def train_classifier(model: DigitClassifier, images, labels, *, epochs: int = 5, batch_size: int = 64,
                     lr: float = 2e-3, seed: int = 0, print_every: int = 1) -> History:
    """Train the classifier with the cross-entropy loss."""
    if not isinstance(model, DigitClassifier):
        raise TypeError(f"`model` must be a DigitClassifier, got {type(model).__name__}")
    x = as_pixels(images)
    y = torch.as_tensor(np.array(labels), dtype=torch.long)  # a copy: mnist_5k's arrays are read-only
    if y.shape != (len(x),):
        raise ValueError(f"`labels` must be of shape ({len(x)},), got {tuple(y.shape)}")
    if y.min() < 0 or y.max() >= model.config["n_classes"]:
        raise ValueError(f"`labels` must lie in 0-{model.config['n_classes'] - 1}")
    return fit(model, lambda m, xb, yb: F.cross_entropy(m(xb), yb), (x, y), epochs=epochs,
               batch_size=batch_size, lr=lr, seed=seed, print_every=print_every, name="classifier")


# -- saving and loading --------------------------------------------------------------------------
def _models() -> dict[str, type]:
    from .gans import (  # the GANs' networks are saved the same way
        Discriminator,
        Generator,
        PixelDiscriminator,
        PixelGenerator,
    )

    return {cls.__name__: cls for cls in (Autoencoder, VAE, DigitClassifier, Generator, Discriminator,
                                          PixelGenerator, PixelDiscriminator)}


def save_model(model: nn.Module, path: str | Path) -> Path:
    """Save a model's class name, configuration and weights with ``torch.save``.

    Only tensors, numbers, strings and lists are written, so :func:`load_model`
    can read the file with ``torch.load(weights_only=True)``.
    """
    name = type(model).__name__
    if name not in _models():
        raise TypeError(f"`model` must be one of {sorted(_models())}, got {name}")
    path = Path(path)
    torch.save({"class": name, "config": dict(model.config), "state_dict": model.state_dict()}, path)
    return path


def load_model(path: str | Path) -> nn.Module:
    """Load a model written by :func:`save_model` (``weights_only=True``: no code is unpickled).

    Examples
    --------
    >>> import tempfile
    >>> ae = Autoencoder(n_code=2, hidden=8)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = load_model(save_model(ae, Path(folder) / "ae.pt"))
    >>> all(torch.equal(a, b) for a, b in zip(ae.parameters(), copy.parameters()))
    True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file")
    try:
        saved = torch.load(path, weights_only=True)
    except Exception as exc:  # corrupt file, or one holding more than weights
        raise ValueError(f"`path` {str(path)!r} is not a model saved by save_model: {exc}") from exc
    if not isinstance(saved, dict) or set(saved) != {"class", "config", "state_dict"} \
            or saved["class"] not in _models():
        raise ValueError(f"`path` {str(path)!r} is not a model saved by save_model")
    model = _models()[saved["class"]](**saved["config"])
    model.load_state_dict(saved["state_dict"])
    return model.eval()
