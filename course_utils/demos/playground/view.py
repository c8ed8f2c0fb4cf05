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

import base64
import html
import io
from typing import Any

import ipywidgets as W
import numpy as np
from PIL import Image as PILImage

from ...data import PLAYGROUND_DATASETS
from ...notebook import session_seed
from ...widgets import TrainingPlot, png_bytes
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


def _widgets_in(widget: W.Widget) -> list[W.Widget]:
    """A widget and every widget inside it: its children (boxes), its layout and style models."""
    found = [widget] + [getattr(widget, part) for part in ("layout", "style")
                        if isinstance(getattr(widget, part, None), W.Widget)]
    for child in getattr(widget, "children", ()):
        found += _widgets_in(child)
    return found


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
        super().__init__(lambda fig: figure.draw(fig, self.axis_labels), self._update, controls,
                         self.session, chunk="speed", figsize=figure.FIGSIZE, kind="retrain",
                         title="Playground")
        self.image.format = "jpeg"
        if epochs:
            self.train(epochs)

    # -- controls and layout --------------------------------------------------------------------------
    def _make_controls(self, v: dict[str, Any]) -> dict[str, W.ValueWidget]:
        style = {"description_width": "initial"}

        def islider(key, label, step=1):
            lo, hi = RANGES[key]
            return W.IntSlider(value=v[key], min=lo, max=hi, step=step, description=label, style=style,
                               layout=W.Layout(width="230px"))

        def dropdown(key, options, label, width="230px"):
            return W.Dropdown(options=options, value=v[key], description=label, style=style,
                              layout=W.Layout(width=width))

        user = self.session.user
        datasets = ["your data"] if user else list(PLAYGROUND_DATASETS)
        problems = ["classification"] if user and user.n_classes > 2 else CHOICES["problem"]
        c: dict[str, W.ValueWidget] = {
            "ratio": islider("ratio", "training data %", 10),
            "noise": islider("noise", "noise %", 5),
            "batch_size": islider("batch_size", "batch size"),
            "dataset": dropdown("dataset", datasets, "data"),
        }
        for key, (label, _) in FEATURES.items():
            c[key] = W.Checkbox(value=v[key], description=label, indent=False,
                                layout=W.Layout(width="80px"))
        c["layers"] = islider("layers", "hidden layers")
        c["activation"] = dropdown("activation", ACTIVATIONS, "activation (all)")
        for k in range(1, MAX_LAYERS + 1):
            lo, hi = RANGES[f"n{k}"]
            c[f"n{k}"] = W.IntSlider(value=v[f"n{k}"], min=lo, max=hi, description=f"layer {k}",
                                     style={"description_width": "45px"}, layout=W.Layout(width="165px"))
            c[f"g{k}"] = dropdown(f"g{k}", ACTIVATIONS, "", "85px")
        c["problem"] = dropdown("problem", problems, "problem")
        c["loss"] = dropdown("loss", [("cross-entropy", "cross_entropy"), ("squared error", "squared")],
                             "loss")
        c["optimizer"] = dropdown("optimizer", CHOICES["optimizer"], "optimizer")
        c["lr"] = dropdown("lr", [(f"{r:g}", r) for r in LEARNING_RATES], "learning rate")
        c["regularization"] = dropdown("regularization", CHOICES["regularization"], "regularisation")
        c["reg_rate"] = dropdown("reg_rate", [(f"{r:g}", r) for r in REG_RATES], "regularisation rate")
        c["speed"] = islider("speed", "epochs per frame")
        c["show_test"] = W.Checkbox(value=v["show_test"], description="show test data", indent=False)
        c["discretize"] = W.Checkbox(value=v["discretize"], description="discretise output", indent=False)
        c["preset"] = dropdown("preset", [("— choose —", "")] + [(p.label, k) for k, p in PRESETS.items()],
                               "preset", "330px")
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
        """Our own arrangement of the controls, like TensorFlow Playground's: a top bar, then columns."""
        c = self.controls

        def column(title, children, width="240px"):
            return W.VBox([W.HTML(f"<b>{title}</b>")] + children, layout=W.Layout(width=width))

        self.layer_rows = [W.HBox([c[f"n{k}"], c[f"g{k}"]]) for k in range(1, MAX_LAYERS + 1)]
        features = [W.HBox([c[a], c[b]]) for a, b in (("x1", "x2"), ("x1_sq", "x2_sq"),
                                                       ("x1_x2", "sin_x1"))] + [c["sin_x2"]]
        top = W.HBox([self.reset_button, self.play, self.step_button, self.epoch_label, c["preset"]],
                     layout=W.Layout(align_items="center", flex_flow="row wrap"))
        columns = W.HBox([
            column("Data", [c["dataset"], c["ratio"], c["noise"], c["batch_size"], self.regenerate_button]),
            column("Features", features, "180px"),
            column("Hidden layers", [c["layers"], c["activation"], *self.layer_rows], "250px"),
            column("Training", [c["problem"], c["loss"], c["optimizer"], c["lr"], c["regularization"],
                                c["reg_rate"], c["speed"]]),
            column("Output", [c["show_test"], c["discretize"]], "150px"),
        ], layout=W.Layout(flex_flow="row wrap"))
        self.image.layout = W.Layout(width="100%", max_width=f"{figure.FIGSIZE[0] * 100:.0f}px")
        return W.VBox([W.HTML("<b>Playground</b>: a deep network learns to separate the points; "
                              "press ▶ to train."), top, self.comment, columns, self.image, self.status])

    def close(self) -> None:
        """Close every widget of the playground (it stops being shown and synced)."""
        for widget in _widgets_in(self.widget):
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
        preset = not first and "preset" in changed and v["preset"]
        if preset:  # the preset's settings, then the whole network again
            new = preset_values(v["preset"], self.session.user)
            self._set_quietly({k: val for k, val in new.items() if k in self.controls and k != "preset"})
            v = self.values()
            changed = set(v)
        elif not first and "activation" in changed:  # the menu for every layer
            self._set_quietly({key: v["activation"] for key in ACTIVATION_KEYS})
            v = self.values()
        for k, row in enumerate(self.layer_rows):
            row.layout.display = "flex" if k < v["layers"] else "none"
        self.controls["loss"].disabled = v["problem"] == "regression"

        s = self.session
        if not first:
            s.set(**{key: v[key] for key in SESSION_KEYS})
        if preset:
            s.restart()
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
        buf = io.BytesIO()
        PILImage.fromarray(pixels).convert("RGB").save(buf, format="jpeg", quality=90)
        return buf.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        data = super()._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(png_bytes(self.fig.canvas.buffer_rgba())).decode("ascii")
        return data

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
