"""The playground's widget: controls and buttons around the picture of a session.

A :class:`Playground` is a :class:`course_utils.widgets.TrainingPlot` (so the
benchmark and the tests drive it like every demo, and Play / Step / Reset are
the same as the 2-D GAN's) over a :class:`~.session.PlaygroundSession`: a
control's change becomes ``session.set(...)`` and a frame paints the session
(:mod:`.figure`). Play is an ``ipywidgets.Play``: its value ticks in the
browser, and each tick trains one chunk (``speed`` epochs) and redraws, so the
kernel stays responsive and needs no thread.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import numpy as np

from ...data import PLAYGROUND_DATASETS
from ...notebook import session_seed
from ...widgets import TrainingPlot, jpeg_bytes, widget_tree
from . import figure
from .session import PlaygroundSession, one_blas_thread
from .settings import (
    ACTIVATION_KEYS,
    ACTIVATIONS,
    CHOICES,
    FEATURES,
    LEARNING_RATES,
    MAX_LAYERS,
    PRESETS,
    RANGES,
    REG_RATES,
    SESSION_KEYS,
    preset_values,
    starting_values,
)

__all__ = ["playground_demo", "playground", "Playground"]


class Playground(TrainingPlot):
    """TensorFlow Playground in Jupyter, on :class:`course_utils.mlp.MLP`.

    Build it with :func:`playground`. Drive it from code as the tests do:
    ``pg.set(dataset="spiral", layers=4)``, ``pg.step()``, ``pg.train(100)``,
    ``pg.reset()``, ``pg.regenerate()``, ``pg.apply_preset("spiral_depth")``.

    Attributes
    ----------
    session : PlaygroundSession
        The data, ``session.net`` (the MLP), ``session.epoch``, the loss history.
    play : ipywidgets.Play
        Its ticks train one chunk (``speed`` epochs) each.
    """

    def __init__(self, X: Any = None, y: Any = None, *, preset: str | None = None, seed: int = 0,
                 epochs: int = 0, axis_labels: tuple[str, str] = ("x₁", "x₂"), **values: Any) -> None:
        if len(axis_labels) != 2 or not all(isinstance(t, str) for t in axis_labels):
            raise ValueError(f"`axis_labels` must be two strings, got {axis_labels!r}")
        self.axis_labels = tuple(axis_labels)
        self.session = PlaygroundSession(X, y, preset=preset, seed=seed,
                                         **{k: v for k, v in values.items() if k in SESSION_KEYS})
        start = starting_values(values, preset, self.session.user)
        self._quiet = False
        # everything the first frame needs exists before LivePlot draws it
        controls = self._make_controls(start)
        self._make_buttons()
        # frames drawn ahead along the sliders that change the picture (not "epochs per frame")
        along = [key for key in controls if isinstance(controls[key], W.IntSlider) and key != "speed"]
        super().__init__(lambda fig: figure.draw(fig, self.axis_labels), self._update, controls,
                         self.session, chunk="speed", figsize=figure.FIGSIZE, kind="retrain",
                         title="Playground", prefetch=along)
        if epochs:
            self.train(epochs)

    # -- controls and layout --------------------------------------------------------------------------
    # Sized for a notebook column of about 930 px (JupyterLab at 1366x768 with the file browser
    # open): three columns of controls, each with its labels of one width, so that the sliders'
    # tracks and the menus line up. A slider is its label + 96 px (margins and readout) + its
    # track, which is kept at 120 px or more; a label's fixed width leaves some room over its text
    # (measured in JupyterLab's 13 px DejaVu Sans here), so that no label is cut.
    def _make_controls(self, v: dict[str, Any]) -> dict[str, W.ValueWidget]:
        def islider(key, label, label_width, width, step=1):
            lo, hi = RANGES[key]
            return W.IntSlider(value=v[key], min=lo, max=hi, step=step, description=label,
                               style={"description_width": label_width}, layout=W.Layout(width=width))

        def dropdown(key, options, label, label_width="initial", width="250px"):
            return W.Dropdown(options=options, value=v[key], description=label,
                              style={"description_width": label_width}, layout=W.Layout(width=width))

        user = self.session.user
        datasets = ["your data"] if user else list(PLAYGROUND_DATASETS)
        problems = ["classification"] if user and user.n_classes > 2 else CHOICES["problem"]
        c: dict[str, W.ValueWidget] = {
            "ratio": islider("ratio", "training data %", "110px", "336px", 10),  # a track of 130 px
            "noise": islider("noise", "noise %", "110px", "336px", 5),
            "batch_size": islider("batch_size", "batch size", "110px", "336px"),
            "dataset": dropdown("dataset", datasets, "data", "110px", "336px"),
        }
        for key, (label, _) in FEATURES.items():
            c[key] = W.Checkbox(value=v[key], description=label, indent=False,
                                layout=W.Layout(width="80px"))
        c["layers"] = islider("layers", "hidden layers", "initial", "340px")  # a track of about 150 px
        c["activation"] = dropdown("activation", ACTIVATIONS, "activation (all)", width="240px")
        for k in range(1, MAX_LAYERS + 1):  # "layer k", 46 px: a track of 128 px
            c[f"n{k}"] = islider(f"n{k}", f"layer {k}", "52px", "276px")
            c[f"g{k}"] = dropdown(f"g{k}", ACTIVATIONS, "", width="90px")
        menu = {"label_width": "135px", "width": "270px"}  # "regularisation rate" is about 125 px
        c["problem"] = dropdown("problem", problems, "problem", **menu)
        c["loss"] = dropdown("loss", [("cross-entropy", "cross_entropy"), ("squared error", "squared")],
                             "loss", **menu)
        c["optimizer"] = dropdown("optimizer", CHOICES["optimizer"], "optimizer", **menu)
        c["lr"] = dropdown("lr", [(f"{r:g}", r) for r in LEARNING_RATES], "learning rate", **menu)
        c["regularization"] = dropdown("regularization", CHOICES["regularization"], "regularisation",
                                       **menu)
        c["reg_rate"] = dropdown("reg_rate", [(f"{r:g}", r) for r in REG_RATES], "regularisation rate",
                                 **menu)
        c["speed"] = islider("speed", "epochs per frame", "initial", "360px")  # a track of about 145 px
        c["show_test"] = W.Checkbox(value=v["show_test"], description="show test data", indent=False,
                                    layout=W.Layout(width="auto"))
        c["discretize"] = W.Checkbox(value=v["discretize"], description="discretise output", indent=False,
                                     layout=W.Layout(width="auto"))
        c["preset"] = dropdown("preset", [("— choose —", "")] + [(p.label, k) for k, p in PRESETS.items()],
                               "preset", width="360px")
        if user:
            c["dataset"].disabled = c["noise"].disabled = True
        if len(problems) == 1:
            c["problem"].disabled = True
        return c

    def _make_buttons(self) -> None:
        """Regenerate, the epoch counter and the preset's comment (Play, Step and Reset are
        :class:`TrainingPlot`'s)."""
        self.regenerate_button = W.Button(description="Regenerate", icon="refresh",
                                          tooltip="new random data", layout=W.Layout(width="120px"))
        self.regenerate_button.on_click(lambda _: self.regenerate())
        self.epoch_label = W.HTML(layout=W.Layout(width="130px"))  # both filled by each frame
        self.comment = W.HTML(layout=W.Layout(width="100%"))

    def arrange(self) -> W.Box:
        """Our own arrangement, like TensorFlow Playground's: the controls in columns, the layers'
        own controls under them, then Play / Step / Reset right above the picture, so that the
        buttons and the picture fit on one screen together."""
        c = self.controls

        def column(title, children, width):
            return W.VBox([W.HTML(f"<b>{title}</b>")] + children,
                          layout=W.Layout(width=width, margin="0 12px 0 0"))

        def row(children, **layout):
            return W.HBox(children, layout=W.Layout(**{"align_items": "center", "flex_flow": "row wrap",
                                                       **layout}))

        heading = row([W.HTML("<b>Playground</b>: a deep network learns to separate the points; "
                              "press ▶ below to train."), c["preset"]],
                      justify_content="space-between")
        features = [W.HBox([c[key] for key in keys]) for keys in (("x1", "x2", "x1_sq"),
                                                                  ("x2_sq", "x1_x2", "sin_x1"),
                                                                  ("sin_x2",))]
        columns = row([
            column("Data", [c["dataset"], c["ratio"], c["noise"], c["batch_size"],
                            self.regenerate_button], "340px"),
            column("Training", [c["problem"], c["loss"], c["optimizer"], c["lr"], c["regularization"],
                                c["reg_rate"]], "274px"),
            column("Features", features + [W.HTML("<b>Output</b>"), c["show_test"], c["discretize"]],
                   "250px"),
        ], align_items="flex-start")
        self.layer_rows = [W.HBox([c[f"n{k}"], c[f"g{k}"]], layout=W.Layout(width="386px"))
                           for k in range(1, MAX_LAYERS + 1)]
        layers = W.VBox([row([W.HTML("<b>Network</b>", layout=W.Layout(width="110px")),
                              c["layers"], c["activation"]]),
                         row(self.layer_rows)])
        buttons = row([self.reset_button, self.play, self.step_button, self.epoch_label, c["speed"]])
        self.image.layout = W.Layout(width="100%", max_width=f"{figure.FIGSIZE[0] * 100:.0f}px")
        return W.VBox([heading, self.comment, columns, layers, buttons, self.image, self.status])

    def close(self) -> None:
        """Close every widget of the playground (it stops being shown and synced)."""
        for widget in widget_tree(self.widget, models=True):
            widget.close()

    def _on_change(self, change: dict) -> None:
        if not self._quiet:
            super()._on_change(change)

    def _set_quietly(self, values: dict[str, Any]) -> None:
        """Move controls without triggering an update each (a preset moves many at once)."""
        self._quiet = True
        try:
            for key, value in values.items():
                self.controls[key].value = value
        finally:
            self._quiet = False

    # -- buttons, also for code --------------------------------------------------------------------
    def train(self, epochs: int) -> None:
        """Train ``epochs`` epochs, then redraw once (``step()`` trains one chunk, ``speed`` epochs)."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"`epochs` must be an integer >= 0, got {epochs!r}")
        self.step(int(epochs))

    def regenerate(self) -> None:
        """New random data (the next seed) and a fresh network, as the Regenerate button does."""
        with self.lock:
            self.session.regenerate()
            self.refresh()

    def apply_preset(self, key: str) -> None:
        """Switch to a preset (see :data:`PRESETS`), as the preset menu does."""
        if key not in PRESETS:
            raise ValueError(f"`key` must be one of {list(PRESETS)}, got {key!r}")
        self.set(preset=key)

    # -- update: what changed, then redraw ------------------------------------------------------------
    def _update(self, artists: dict, **v: Any) -> str:
        first = self.frames == 0  # the session was built with these values
        changed = self.changed
        ahead = self.drawing_ahead  # a frame drawn ahead changes the figure and the (scratch) session only
        preset = not first and not ahead and "preset" in changed and v["preset"]
        if preset:  # the preset's settings, then the whole network again
            new = preset_values(v["preset"], self.session.user)
            self._set_quietly({k: val for k, val in new.items() if k in self.controls and k != "preset"})
            v = self.values()
            changed = set(v)
        elif not first and not ahead and "activation" in changed:  # the menu for every layer
            self._set_quietly({key: v["activation"] for key in ACTIVATION_KEYS})
            v = self.values()
        if not ahead:
            for k, row in enumerate(self.layer_rows):
                row.layout.display = "flex" if k < v["layers"] else "none"
            self.controls["loss"].disabled = v["problem"] == "regression"

        s = self.session
        if not first:
            s.set(**{key: v[key] for key in SESSION_KEYS})
        if preset:
            s.restart()
        if not ahead:
            self.epoch_label.value = self._epoch_html()
            self.comment.value = self._comment_html()
        with np.errstate(all="ignore"):
            if figure.paint(artists, s, show_test=v["show_test"], discretize=v["discretize"]):
                self.redraw_background()
        return self._status()

    def _epoch_html(self) -> str:
        return f"<span style='font-size:1.3em'>epoch <b>{self.session.epoch:,}</b></span>"

    def _comment_html(self) -> str:
        key = self.controls["preset"].value
        if not key:
            return ""
        return f"<i>{html.escape(PRESETS[key].comment)}</i>"

    def _status(self) -> str:
        s, v = self.session, self.session.settings
        if s.net is None:
            return '<b style="color:#D55E00">no input feature</b>: tick at least one feature'
        if s.diverged_at is not None:
            return (f'<b style="color:#D55E00">diverged</b> at epoch {s.diverged_at}: the learning rate '
                    f'{v["lr"]:g} is too large for {v["optimizer"]}. Lower it (or press Reset).')
        parts = [f"epoch {s.epoch}", f"training loss {s.train_loss[-1]:.3f}",
                 f"test loss {s.test_loss[-1]:.3f}"]
        if s.problem == "classification":
            parts.append(f"test accuracy {s.accuracy():.1%}")
        parts.append(f"{s.net.n_parameters} parameters")
        if s.seconds_per_epoch:
            parts.append(f"{s.seconds_per_epoch * 1e3:.1f} ms per epoch")
        return " · ".join(parts)

    # -- rendering ---------------------------------------------------------------------------------
    def refresh(self, full: bool = False) -> None:
        """As :meth:`LivePlot.refresh`, with NumPy's BLAS on one thread (the matrices are tiny)."""
        with one_blas_thread():
            super().refresh(full)

    def draw_ahead(self, values: dict[str, Any]) -> tuple[bytes, str]:
        """As :meth:`TrainingPlot.draw_ahead`: the frame of ``values``, on a scratch session.

        Only the figure changes (no control, label or menu), and the loss axis's
        height, which follows the run, is the run's again afterwards.
        """
        memo = self.artists["memo"]
        loss_axis = memo.loss_net, memo.loss_top
        try:
            with one_blas_thread():
                return super().draw_ahead(values)
        finally:
            memo.loss_net, memo.loss_top = loss_axis

    def render(self) -> bytes:
        """Paint the moving artists on the cached background; return JPEG bytes.

        As :meth:`LivePlot.render`, with two shortcuts that make a frame several
        times cheaper: the heatmaps are copied into the canvas's pixels
        (scaled by repetition, :func:`.figure.paste`) instead of being resampled
        by matplotlib, and the frame is sent as a JPEG, which encodes a heatmap
        much faster than PNG.
        """
        canvas = self.fig.canvas
        self.restore_background()
        a = self.artists
        under = [a["output"], a["conf_image"]]  # under the points and the counts
        over = [a["mini_output"], *(image for layer in a["neurons"] for image in layer)]  # over the lines
        pixels = np.asarray(canvas.buffer_rgba())
        for image in under:
            figure.paste(image, pixels)
        pasted = {id(image) for image in under + over}
        for artist in self._moving:
            if artist.get_visible() and id(artist) not in pasted:
                self.fig.draw_artist(artist)
        for image in over:
            figure.paste(image, pixels, frame=True)
        return jpeg_bytes(pixels, quality=80)  # 90 KB a frame: under 1 MB/s while playing

    def __repr__(self) -> str:
        s = self.session
        layers = s.net.layer_sizes[1:-1] if s.net is not None else []
        data = "your data" if s.user is not None else s.settings["dataset"]
        return f"Playground(data={data!r}, hidden={layers}, epoch={s.epoch})"


def playground(X: Any = None, y: Any = None, *, preset: str | None = None, epochs: int = 0,
               seed: int | None = None, axis_labels: tuple[str, str] = ("x₁", "x₂"), **settings: Any) -> Playground:
    """TensorFlow Playground in Jupyter, on our NumPy network; on its data sets or on yours.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2), optional
        Your own points; with ``y``, the playground trains on them instead of
        its own data sets.
    y : array-like of shape (n_samples,), optional
        Class labels (2 to 8 distinct values, numbers or names) or numbers to
        regress.
    preset : str, optional
        A key of :data:`PRESETS`, e.g. ``"spiral_depth"``.
    epochs : int, default 0
        Epochs to train before the first picture.
    seed : int, optional
        Seed of the data and of the initial weights (Reset and Regenerate move on from it);
        by default the seed given to :func:`course_utils.notebook.setup`.
    axis_labels : (str, str)
        The output panel's axis labels, e.g. your columns' names and units.
    **settings
        Any control by name, e.g. ``dataset="xor", layers=1, n1=4, lr=0.1``.

    Examples
    --------
    >>> pg = playground(dataset="xor", layers=1, n1=4, lr=0.1, epochs=30)
    >>> pg
    Playground(data='xor', hidden=[4], epoch=30)
    >>> pg.session.net.layer_sizes
    [2, 4, 1]
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    return Playground(X, y, preset=preset, epochs=epochs, seed=seed, axis_labels=axis_labels, **settings)


#: The presets' menu, reachable from the builder: ``playground.presets``.
playground.presets = PRESETS


def playground_demo(preset: str | None = None, epochs: int = 0, **settings: Any) -> Playground:
    """The playground at its default setting (the circle, two hidden layers of 8), for the demo list."""
    return playground(preset=preset, epochs=epochs, **settings)
