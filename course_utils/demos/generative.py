"""Demos of notebook 07, autoencoders and GANs: decode any code, clean noisy digits, watch a GAN learn.

Each builder takes the notebook's trained models; called without them (as
the tests and the benchmark do) it trains small stand-ins on the MNIST subset
in about a second, once per session.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import SimpleNamespace

import ipywidgets as W
import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from .. import autoencoders, gans
from ..data import mnist_5k
from ..notebook import session_seed
from ..plotting import COLORS, DIGIT_COLORS, digits_row
from ..widgets import LivePlot, TrainingPlot, slider

__all__ = ["latent_demo", "denoise_demo", "gan_lab_demo"]

# -- stand-in models for the tests and the benchmark ----------------------------------------------
@lru_cache(maxsize=1)
def _stand_ins() -> SimpleNamespace:
    """Small models trained in about a second, for builders called without the notebook's models."""
    images, labels = mnist_5k()
    x = autoencoders.as_pixels(images[::3])  # every third digit: enough for a stand-in, a third of the time
    ae2 = autoencoders.Autoencoder(n_code=2, hidden=64)
    autoencoders.train_autoencoder(ae2, x, epochs=2, batch_size=128, lr=3e-3, print_every=0)
    ae = autoencoders.Autoencoder(n_code=16, hidden=64)
    autoencoders.train_autoencoder(ae, x, epochs=2, batch_size=128, lr=3e-3, print_every=0)
    dae = autoencoders.Autoencoder(n_code=16, hidden=64)
    autoencoders.train_autoencoder(dae, x, noise=0.5, epochs=2, batch_size=128, lr=3e-3, print_every=0)
    return SimpleNamespace(images=images, labels=labels, ae2=ae2, ae=ae, dae=dae)


# -- the latent widget ---------------------------------------------------------------------------
def latent_demo(model=None, images=None, labels=None, classifier=None, n_points: int = 1000) -> LivePlot:
    """Move a point in a 2-D code plane (two sliders) and see the digit the decoder makes of it.

    Left: the codes of ``n_points`` digits, coloured by their label; the cross
    is the point the sliders choose. Right: ``model.decode`` of that point,
    with the classifier's reading if one is given.

    Parameters
    ----------
    model : Autoencoder or VAE with ``n_code=2``
        For a VAE the plane shows the codes' means :math:`\\mu`.
    images, labels : arrays
        Digits to place in the plane (default: the MNIST subset).
    classifier : DigitClassifier, optional
    """
    if model is None:
        stand_in = _stand_ins()
        model, images, labels = stand_in.ae2, stand_in.images, stand_in.labels
    if model.config.get("n_code") != 2:
        raise ValueError(f"`model` must have a 2-D code (n_code=2), got {model.config.get('n_code')}")
    if images is None or labels is None:
        images, labels = mnist_5k()
    x, labels = autoencoders.as_pixels(images), np.asarray(labels)
    if len(x) > n_points:  # a seeded subset: the MNIST file is sorted by digit
        keep = np.sort(np.random.default_rng(0).choice(len(x), n_points, replace=False))
        x, labels = x[keep], labels[keep]
    with torch.no_grad():
        codes = model.encode(x)
        codes = (codes[0] if isinstance(codes, tuple) else codes).numpy()
    lo, hi = np.percentile(codes, [1, 99], axis=0)
    pad = np.maximum(0.1 * (hi - lo), 0.5)  # at least half a unit: codes may all coincide
    lo, hi = lo - pad, hi + pad
    first = 0 if (labels == 0).any() else labels[0]  # start in the middle of the 0s, a clear digit
    start = np.median(codes[labels == first], axis=0)
    kind = type(model).__name__

    def draw(fig):
        ax, ax_img = fig.subplots(1, 2, width_ratios=[1.25, 1])
        for digit in range(10):
            mine = codes[labels == digit]
            ax.plot(mine[:, 0], mine[:, 1], "o", ms=2.5, alpha=0.6, color=DIGIT_COLORS[digit])
            if len(mine):
                cx, cy = np.median(mine, axis=0)
                ax.text(cx, cy, str(digit), ha="center", va="center", fontsize=13, weight="bold",
                        color=DIGIT_COLORS[digit],
                        bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="code $z_1$", ylabel="code $z_2$",
               title=f"The {kind}'s 2-D code plane")
        marker, = ax.plot([], [], "P", ms=16, color="white", mec="black", mew=2)
        image = ax_img.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax_img.set(xticks=[], yticks=[], title="decoded digit")
        ax_img.grid(False)
        reading = ax_img.text(0.5, -0.06, "", transform=ax_img.transAxes, ha="center", va="top", fontsize=12)
        return {"marker": marker, "image": image, "reading": reading}

    def update(artists, z1, z2):
        with torch.no_grad():
            pixels = model.decode(torch.tensor([[z1, z2]], dtype=autoencoders.DTYPE))
        artists["marker"].set_data([z1], [z2])
        artists["image"].set_data(pixels.reshape(28, 28).numpy())
        status = f"code z = ({z1:.2f}, {z2:.2f})"
        if classifier is not None:
            with torch.no_grad():
                probs = torch.softmax(classifier(pixels), dim=1)[0]
            digit = int(probs.argmax())
            reading = f"read as {digit} (p = {float(probs[digit]):.2f})"
            artists["reading"].set_text(reading)
            status += f": the classifier reads a <b>{digit}</b> (p = {float(probs[digit]):.2f})"
        return status

    step = float(f"{(hi - lo).max() / 200:.1g}")
    controls = {"z1": slider(float(np.clip(round(start[0], 2), lo[0], hi[0])), float(lo[0]), float(hi[0]),
                             step, "code z₁"),
                "z2": slider(float(np.clip(round(start[1], 2), lo[1], hi[1])), float(lo[1]), float(hi[1]),
                             step, "code z₂")}
    return LivePlot(draw, update, controls, figsize=(6.4, 3.1), title="Decode any point of the code plane")


# -- denoising -----------------------------------------------------------------------------------
def denoise_demo(models=None, images=None, n_images: int = 8) -> LivePlot:
    """A noise slider: clean digits, the same digits with Gaussian noise, and each model's reconstruction.

    Parameters
    ----------
    models : dict of str to Autoencoder
        E.g. ``{"autoencoder": ae, "denoising AE": dae}``, one row each.
    images : array of digits
        The first ``n_images`` are shown.
    """
    if models is None:
        stand_in = _stand_ins()
        models = {"autoencoder": stand_in.ae, "denoising AE": stand_in.dae}
        images = stand_in.images
    if not models or not all(isinstance(m, autoencoders.Autoencoder) for m in models.values()):
        raise TypeError("`models` must be a non-empty dict of name -> Autoencoder")
    if images is None:
        images, _ = mnist_5k()
    clean = autoencoders.as_pixels(images)[:n_images]
    clean_row = digits_row(clean.numpy())
    names = list(models)
    rows = ["clean", "noisy input", *names]

    def draw(fig):
        axes = fig.subplots(len(rows), 1)
        artists = {}
        for ax, name in zip(axes, rows):
            img = ax.imshow(clean_row, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=11)
            if name != "clean":
                artists[name] = img
                img.set_data(np.zeros_like(clean_row))
        axes[0].set_title("Noisy digits in, reconstructions out")
        artists["mse"] = [ax.text(1.01, 0.5, "", transform=ax.transAxes, va="center", fontsize=10)
                          for ax in axes[1:]]
        return artists

    def update(artists, noise, seed):
        g = torch.Generator().manual_seed(int(seed))
        noisy = (clean + noise * torch.randn(clean.shape, generator=g, dtype=clean.dtype)).clamp(0, 1)
        outputs = {"noisy input": noisy}
        with torch.no_grad():
            for name in names:
                outputs[name] = models[name](noisy)
        parts = []
        for text, name in zip(artists["mse"], rows[1:]):
            artists[name].set_data(digits_row(outputs[name].numpy()))
            error = float(((outputs[name] - clean) ** 2).mean())
            text.set_text(f"MSE\n{error:.4f}")
            parts.append(f"{html.escape(name)} {error:.4f}")
        return f"noise σ = {noise:.2f}; MSE against the clean digits: " + ", ".join(parts)

    controls = {"noise": slider(0.3, 0.0, 0.8, 0.05, "noise σ"),
                "seed": W.IntSlider(value=0, min=0, max=20, description="noise draw",
                                    style={"description_width": "initial"})}
    return LivePlot(draw, update, controls, figsize=(9.0, 1.0 + 0.75 * len(rows)), image_format="png",
                    title="Denoising: move the noise level")


# -- a GAN to watch, like GAN Lab ------------------------------------------------------------------
LIMIT = 3.2      # the data plane is [-LIMIT, LIMIT]^2
HEAT_RES = 48    # discriminator heatmap resolution
GRID_LINES = 9   # noise-grid lines in each direction
SHOWN = 256      # real and generated points drawn
ARROWS = 64      # generated points that get a gradient arrow
HEAT_CMAP = "PRGn"  # purple: D says "generated", green: D says "real", as the points
HEAT_ALPHA = 0.55
#: D's probability 0..1 in 256 steps -> RGBA, faded towards white so that the points stand out.
HEAT_LUT = np.round(255 * (1 - HEAT_ALPHA * (1 - colormaps[HEAT_CMAP](np.linspace(0, 1, 256))))).astype(np.uint8)


class PixelHeatmap(Artist):
    """A coarse heatmap painted straight into the canvas, cell by cell (nearest neighbour).

    ``imshow`` resamples its image on every draw (about 15 ms here for a 48x48
    map); this artist repeats the cells to the axes' pixel size with one
    NumPy index and copies them, about 3 times faster.
    """

    def __init__(self, ax, extent: tuple[float, float, float, float]) -> None:
        super().__init__()
        self.axes, self.extent = ax, extent
        self.rgba: np.ndarray | None = None  # (ny, nx, 4) uint8, row 0 at the bottom
        self._index = None

    def set_rgba(self, rgba: np.ndarray) -> None:
        self.rgba = rgba

    def draw(self, renderer) -> None:
        if self.rgba is None or not self.get_visible():
            return
        x0, x1, y0, y1 = self.extent
        (px0, py0), (px1, py1) = self.axes.transData.transform([(x0, y0), (x1, y1)])
        width, height = int(round(px1 - px0)), int(round(py1 - py0))
        key = (width, height, *self.rgba.shape[:2])
        if self._index is None or self._index[0] != key:
            ny, nx = self.rgba.shape[:2]
            # Agg's draw_image takes the bottom row first, as our rgba is stored
            self._index = (key, np.arange(height) * ny // height, np.arange(width) * nx // width)
        _, rows, cols = self._index
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.axes.bbox)
        renderer.draw_image(gc, round(px0), round(py0), np.ascontiguousarray(self.rgba[rows][:, cols]))
        gc.restore()


class CachedText(Artist):
    """A text that changes rarely, drawn each frame as a bitmap rendered once per change.

    Agg lays out and rasterises a text glyph by glyph on every draw (about 0.1 ms
    a character here); a settings line would cost more than the rest of the
    frame. This artist renders its string into a small transparent bitmap when
    the string changes, and then only pastes it, like :class:`PixelHeatmap`.
    The ``anchor`` is a static placeholder text (e.g. an axes title set to a
    blank) whose position, alignment and font it copies, so that the layout
    keeps room for it.
    """

    def __init__(self, anchor) -> None:
        super().__init__()
        self.anchor = anchor
        self.text = ""
        self._bitmap: np.ndarray | None = None

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text, self._bitmap = text, None

    def get_text(self) -> str:
        return self.text

    def _render(self, dpi: float) -> np.ndarray:
        scratch = Figure(figsize=(12, 1), dpi=dpi, facecolor="none")
        FigureCanvasAgg(scratch)
        label = scratch.text(0, 0, self.text, ha="left", va="bottom", fontproperties=self.anchor.get_fontproperties(),
                             color=self.anchor.get_color())
        scratch.canvas.draw()
        box = label.get_window_extent()
        rgba = np.asarray(scratch.canvas.buffer_rgba())
        height = rgba.shape[0]
        top, bottom = max(0, int(height - box.y1) - 1), min(height, int(height - box.y0) + 1)
        return np.ascontiguousarray(rgba[top:bottom, : int(box.x1) + 2][::-1])  # bottom row first, for Agg

    def draw(self, renderer) -> None:
        if not self.text or not self.get_visible():
            return
        if self._bitmap is None:
            self._bitmap = self._render(self.figure.dpi)
        x, y = self.anchor.get_transform().transform(self.anchor.get_position())
        height, width = self._bitmap.shape[:2]
        x0 = {"center": x - width / 2, "right": x - width}.get(self.anchor.get_horizontalalignment(), x)
        y0 = y - height if self.anchor.get_verticalalignment() == "top" else y
        gc = renderer.new_gc()
        renderer.draw_image(gc, round(x0), round(y0), self._bitmap)
        gc.restore()


class GanLabRun:
    """The 2-D GAN demo's run: what Play, Step and Reset drive, and what a frame shows.

    Holds the running :class:`course_utils.gans.GAN` (``gan``), the data it
    learns (``data_name``, its mode ``centers``), the fixed noise whose samples
    are drawn, and the modes covered after each frame (``coverage`` at
    ``coverage_steps``). ``signature`` and ``scratch()`` let the demo's frame
    cache draw frames ahead (see :class:`course_utils.widgets.TrainingPlot`).
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        ticks = np.linspace(-LIMIT, LIMIT, HEAT_RES)
        self.heat_points = torch.tensor(np.stack(np.meshgrid(ticks, ticks), -1).reshape(-1, 2),
                                        dtype=autoencoders.DTYPE)
        line = torch.linspace(-1, 1, 25, dtype=autoencoders.DTYPE)
        levels = torch.linspace(-1, 1, GRID_LINES, dtype=autoencoders.DTYPE)
        self.grid_z = torch.cat([torch.stack([line, torch.full_like(line, v)], 1) for v in levels]
                                + [torch.stack([torch.full_like(line, v), line], 1) for v in levels])
        self.gan: gans.GAN | None = None
        self.data_name: str | None = None
        self.centers = None
        self.restart = False
        self.coverage: list[int] = []
        self.coverage_steps: list[int] = []
        self.title = self.modes_title = None  # the figure's two CachedTexts
        self._trainings = 0  # calls of step(): each trained state has a number of its own

    def step(self, n: int) -> None:
        self._trainings += 1
        self.gan.step(n)

    @property
    def signature(self) -> str:
        """With the controls' values, what fixes the picture: ``"f"`` for a GAN not trained yet (its
        seed and the controls make it), ``"t<n>"`` after the n-th call of :meth:`step`."""
        fresh = self.gan is None or self.restart or self.gan.steps == 0
        return "f" if fresh else f"t{self._trainings}"

    @contextmanager
    def scratch(self) -> Iterator[GanLabRun]:
        """Within it a frame may change the run (a new GAN, new rates...); on exit it is back as it was."""
        saved, lists = dict(self.__dict__), (list(self.coverage), list(self.coverage_steps))
        gan = self.gan
        settings = None if gan is None else (
            [g["lr"] for g in gan.opt_d.param_groups], [g["lr"] for g in gan.opt_g.param_groups],
            gan.d_steps, gan.loss, gan.rng.get_state())
        try:
            yield self
        finally:
            self.__dict__.clear()
            self.__dict__.update(saved)
            self.coverage[:], self.coverage_steps[:] = lists
            if gan is not None:
                lr_d, lr_g, gan.d_steps, gan.loss, rng = settings
                for group, lr in zip(gan.opt_d.param_groups, lr_d):
                    group["lr"] = lr
                for group, lr in zip(gan.opt_g.param_groups, lr_g):
                    group["lr"] = lr
                gan.rng.set_state(rng)

    def reset(self) -> None:
        self.restart = True  # the next frame builds a new GAN, with the controls' values

    @property
    def diverged(self) -> bool:
        return self.gan is not None and self.gan.diverged

    def start(self, name: str, values: dict) -> None:
        """A new GAN on the data set ``name``, with the settings ``values``."""
        data = gans.toy_data(name, 2048, seed=self.seed)
        self.gan = gans.GAN(data, hidden=[64, 64], batch_size=128, seed=self.seed, **values)
        self.data_name, self.centers = name, gans.mode_centers(name)
        self.shown_real = data[:SHOWN].numpy()
        self.shown_z = self.gan.noise(SHOWN)  # the same noise every frame: the points move smoothly
        self.check_z = torch.rand(1024, 2, generator=torch.Generator().manual_seed(self.seed + 7),
                                  dtype=autoencoders.DTYPE) * 2 - 1
        self.coverage, self.coverage_steps, self.restart = [], [], False

    def covered(self):
        """``gans.modes_covered`` of 1,024 samples, recorded once per generator step; None without modes."""
        if self.centers is None:
            return None
        with torch.no_grad():
            samples = self.gan.generator(self.check_z)
        cover = gans.modes_covered(samples, self.centers, radius=3 * gans.mode_std(self.data_name))
        if not self.coverage_steps or self.coverage_steps[-1] != self.gan.steps:
            self.coverage.append(cover[0])
            self.coverage_steps.append(self.gan.steps)
        return cover


def _draw_gan_lab(fig, run: GanLabRun) -> SimpleNamespace:
    """The 2-D GAN demo's figure: the data plane, the losses, the modes covered."""
    grid_spec = fig.add_gridspec(2, 2, width_ratios=[1.3, 1])
    ax = fig.add_subplot(grid_spec[:, 0])
    ax_loss = fig.add_subplot(grid_spec[0, 1])
    ax_modes = fig.add_subplot(grid_spec[1, 1])
    ax.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title="Data space")
    ax.grid(False)
    heat = PixelHeatmap(ax, (-LIMIT, LIMIT, -LIMIT, LIMIT))
    ax.add_artist(heat)
    scale = ScalarMappable(Normalize(0, 1), HEAT_CMAP)
    fig.colorbar(scale, ax=ax, fraction=0.046, pad=0.02, label="D(x): probability real", alpha=HEAT_ALPHA)
    warped = LineCollection([], colors="#555555", linewidths=0.6, alpha=0.8)
    ax.add_collection(warped)
    real, = ax.plot([], [], "o", ms=3, color=COLORS["green"], mec="white", mew=0.3)
    fake, = ax.plot([], [], "o", ms=3, color=COLORS["purple"], mec="black", mew=0.3)
    arrows = ax.quiver(np.zeros(ARROWS), np.zeros(ARROWS), np.zeros(ARROWS), np.zeros(ARROWS),
                       color="black", angles="xy", scale_units="xy", scale=1, width=0.004, alpha=0.8)
    circles = [Circle((0, 0), 0.3, fill=False, lw=1.6, visible=False) for _ in range(9)]
    for circle in circles:
        ax.add_patch(circle)
    note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=14,
                   weight="bold", color=COLORS["vermillion"])
    ax_loss.set(xlim=(0, 500), ylim=(-1.5, 3.0), ylabel="loss", title="Losses per generator step")
    ax_loss.tick_params(labelbottom=False)  # the same steps as the modes below, labelled there
    d_line, = ax_loss.plot([], [], color=COLORS["orange"], lw=1.2, label="discriminator")
    g_line, = ax_loss.plot([], [], color=COLORS["purple"], lw=1.2, label="generator")
    ax_loss.legend(loc="upper right", fontsize=8, ncols=2)
    ax_modes.set(xlim=(0, 500), ylim=(-0.5, 9.5), xlabel="generator step", ylabel="modes")
    mode_line, = ax_modes.step([], [], where="post", color=COLORS["green"], lw=1.5)
    # The legend of the data plane sits below the figure: inside, the heatmap would paint over it.
    proxies = [Line2D([], [], ls="", marker="o", ms=5, color=COLORS["green"], label="real data"),
               Line2D([], [], ls="", marker="o", ms=5, color=COLORS["purple"], mec="black", mew=0.3,
                      label="generated G(z)"),
               Line2D([], [], color="#555555", lw=0.8, label="G's warped noise grid"),
               Line2D([], [], color="black", lw=1, marker=">", ms=4, label="push on G(z): −∂L_G/∂x"),
               Line2D([], [], ls="", marker="o", ms=9, mfc="none", mec=COLORS["green"], label="mode covered"),
               Line2D([], [], ls="", marker="o", ms=9, mfc="none", mec=COLORS["vermillion"],
                      label="mode missed")]
    fig.legend(handles=proxies, loc="outside lower center", ncols=6, fontsize=8, handletextpad=0.3,
               columnspacing=1.0)
    ax_modes.set_yticks(range(0, 10, 2))
    # The settings line and the modes' heading: blank static titles keep their room in the
    # layout, and cached bitmaps of the texts are pasted on them (see CachedText).
    run.title = CachedText(fig.suptitle("\u2007", fontsize=10))
    run.modes_title = CachedText(ax_modes.set_title("\u2007", fontsize=10))
    for text in (run.title, run.modes_title):
        fig.add_artist(text)
    return SimpleNamespace(ax_loss=ax_loss, ax_modes=ax_modes, heat=heat, warped=warped, real=real,
                           fake=fake, arrows=arrows, circles=circles, note=note, d_line=d_line,
                           g_line=g_line, mode_line=mode_line, title=run.title,
                           modes_title=run.modes_title)



def _paint_plane(a: SimpleNamespace, run: GanLabRun, cover) -> bool:
    """The data plane: D's heatmap, the warped noise grid, the points, the arrows, the modes' circles.

    Returns whether everything drawn is finite.
    """
    gan = run.gan
    with torch.no_grad():
        heat = gan.probability(run.heat_points).reshape(HEAT_RES, HEAT_RES).numpy()
        warped = gan.generator(run.grid_z).reshape(2 * GRID_LINES, -1, 2).numpy()
        fake = gan.generator(run.shown_z).numpy()
    shown, push = gan.generator_gradients(run.shown_z[:ARROWS])
    shown, push = shown.numpy(), push.numpy()
    finite = bool(np.isfinite(heat).all() and np.isfinite(fake).all() and np.isfinite(push).all())
    if gan.diverged or not finite:
        heat, warped, fake = np.full_like(heat, 0.5), np.zeros((0, 2, 2)), np.zeros((0, 2))
        shown, push = np.zeros((ARROWS, 2)), np.zeros((ARROWS, 2))
    a.note.set_text("" if finite and not gan.diverged else "diverged: press Reset")
    a.heat.set_rgba(HEAT_LUT[np.clip(np.nan_to_num(heat * 255), 0, 255).astype(int)])
    a.warped.set_segments(np.clip(warped, -50, 50))
    a.real.set_data(run.shown_real[:, 0], run.shown_real[:, 1])
    a.fake.set_data(fake[:, 0], fake[:, 1])
    length = np.linalg.norm(push, axis=1).max(initial=0.0)  # the longest arrow is 0.6 units long
    push = push * (0.6 / length) if length > 0 else push
    a.arrows.set_offsets(np.clip(shown, -50, 50))
    a.arrows.set_UVC(push[:, 0], push[:, 1])
    n_modes = 0 if run.centers is None else len(run.centers)
    for i, circle in enumerate(a.circles):
        circle.set_visible(i < n_modes)
        if i < n_modes:
            hit = cover[1][i] >= 0.2 * len(run.check_z) / n_modes  # as modes_covered counts
            circle.center = tuple(run.centers[i].tolist())
            circle.set_radius(3 * gans.mode_std(run.data_name))
            circle.set_edgecolor(COLORS["green"] if hit else COLORS["vermillion"])
            circle.set_linestyle("-" if hit else "--")
    return finite


def _paint_curves(a: SimpleNamespace, run: GanLabRun) -> None:
    """The losses and the modes covered, on an x-axis that doubles when the run outgrows it
    (a rare full redraw)."""
    gan, steps, right = run.gan, run.gan.steps, 500
    while steps > right:
        right *= 2
    if a.ax_loss.get_xlim()[1] != right:
        a.ax_loss.set_xlim(0, right)
        a.ax_modes.set_xlim(0, right)
    every = max(1, steps // 500)
    x = np.arange(1, steps + 1)[::every]
    a.d_line.set_data(x, np.clip(gan.history["d_loss"][::every], -1.5, 3.0))
    a.g_line.set_data(x, np.clip(gan.history["g_loss"][::every], -1.5, 3.0))
    a.mode_line.set_data(run.coverage_steps, run.coverage)


def gan_lab_demo(distribution: str = "ring", lr_d: float = 2e-3, lr_g: float = 2e-3, d_steps: int = 1,
                 loss: str = "non-saturating", steps_per_frame: int = 5, seed: int | None = None) -> TrainingPlot:
    """A 2-D GAN to watch learn, with what GAN Lab shows; Play / Pause / Step / Reset.

    Left, the data plane: the discriminator's probability that a point is real
    (the heatmap behind everything), real points, generated points, the
    generator's mapping of a grid of the noise square, and arrows for the
    direction the generator's loss pushes each generated point. For the ring
    and the grid, each mode is circled: solid green when covered, dashed
    vermillion when missed. Right, the two losses and the number of modes
    covered, per generator step.

    Play trains ``steps per frame`` generator steps per tick; Step takes one
    such chunk; Reset starts again from the initial weights. The controls act
    on the running training: change a learning rate mid-way and watch.

    A :class:`~course_utils.widgets.TrainingPlot` over a :class:`GanLabRun`,
    ``demo.state``: the running :class:`course_utils.gans.GAN` (``state.gan``)
    and the mode counts.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    if distribution not in gans.DISTRIBUTIONS:
        raise ValueError(f"`distribution` must be one of {gans.DISTRIBUTIONS}, got {distribution!r}")
    run = GanLabRun(seed)

    def update(a, lr_d, lr_g, d_steps, steps_per_frame, loss, data):
        values = {"lr_d": lr_d, "lr_g": lr_g, "d_steps": d_steps, "loss": loss}
        if run.gan is None or data != run.data_name or run.restart:
            run.start(data, values)
        else:
            run.gan.set(**values)
        cover = run.covered()
        finite = _paint_plane(a, run, cover)
        _paint_curves(a, run)
        n_modes = 0 if run.centers is None else len(run.centers)
        a.title.set_text(f"discriminator: learning rate {lr_d:.4f}, {d_steps} step{'s' if d_steps > 1 else ''} "
                         f"per generator step  ·  generator: learning rate {lr_g:.4f}, {loss} loss")
        a.modes_title.set_text(f"modes covered, of {n_modes}" if n_modes
                               else f"no separate modes in the {data} data")
        status, h = f"step {run.gan.steps}", run.gan.history
        if run.gan.steps:
            status += (f": D loss {h['d_loss'][-1]:.3f}, G loss {h['g_loss'][-1]:.3f}, "
                       f"D(x) {h['d_real'][-1]:.2f}, D(G(z)) {h['d_fake'][-1]:.2f}")
        if n_modes:
            status += f"; <b>modes covered: {cover[0]} of {n_modes}</b>"
        if run.diverged or not finite:
            status += '; <b style="color:#D55E00">diverged</b>: press Reset'
        return status

    style = {"description_width": "initial"}
    controls = {
        "lr_d": W.FloatLogSlider(value=lr_d, base=10, min=-4, max=-1, step=0.1, description="D learning rate",
                                 readout_format=".4f", style=style),
        "lr_g": W.FloatLogSlider(value=lr_g, base=10, min=-4, max=-1, step=0.1, description="G learning rate",
                                 readout_format=".4f", style=style),
        "d_steps": W.IntSlider(value=d_steps, min=1, max=5, description="D steps per G step", style=style),
        "steps_per_frame": W.IntSlider(value=steps_per_frame, min=1, max=20,
                                       description="G steps per frame", style=style),
        "loss": W.Dropdown(options=list(gans.LOSS_FORMS), value=loss, description="loss", style=style),
        "data": W.Dropdown(options=list(gans.DISTRIBUTIONS), value=distribution, description="data",
                           style=style),
    }
    demo = TrainingPlot(lambda fig: _draw_gan_lab(fig, run), update, controls, run, chunk="steps_per_frame",
                        interval=150, figsize=(8.6, 4.4), title="A GAN in 2-D: watch it learn", kind="retrain",
                        prefetch=["lr_d", "lr_g", "d_steps"])  # frames ahead along what the picture shows
    demo.state = run
    return demo
