"""Live plots: one figure drawn once, redrawn in place when a control moves.

The usual notebook pattern, ``interact(f)`` with an ``f`` that builds a new
figure every call, rebuilds axes, ticks and labels each time, and prints into
an ``Output`` widget that nbval cannot compare. A :class:`LivePlot` instead

1. calls ``draw(fig)`` once to build the axes and the *moving* artists,
2. renders everything else once and keeps it as a background bitmap,
3. on each control change calls ``update(artists, **values)``, which only sets
   the artists' data, then paints just those artists on the background
   (matplotlib "blitting") and sends the PNG to an ``ipywidgets.Image``.

Its notebook output carries the widget *and* a PNG of the first state, so the
figure is visible to a reader without a kernel (GitHub, nbviewer, an
untrusted notebook).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image as PILImage

from .plotting import display_scale, new_figure

#: CSS class of every live plot's outer box; the browser tests look for it.
CSS_CLASS = "course-liveplot"
PRESENTING_CLASS = "course-presenting"


def presenting_css(scale: float) -> str:
    """A ``<style>`` that makes a presenting demo's controls ``scale`` times larger.

    ipywidgets sizes its controls with CSS variables; a demo marked with
    :data:`PRESENTING_CLASS` sets them larger, for itself and nothing else.

    Examples
    --------
    >>> "--jp-widgets-font-size: 19.5px" in presenting_css(1.5)
    True
    """
    sizes = {"font-size": 13, "inline-height": 28, "inline-label-width": 80, "inline-width": 300,
             "slider-handle-size": 16, "slider-track-thickness": 4}
    rules = "; ".join(f"--jp-widgets-{name}: {px * scale:g}px" for name, px in sizes.items())
    return (f"<style>.{CSS_CLASS}.{PRESENTING_CLASS} {{{rules}; font-size: {13 * scale:g}px}}"
            f" .{CSS_CLASS}.{PRESENTING_CLASS} .widget-html-content {{font-size: {13 * scale:g}px}}</style>")

DrawFn = Callable[[Any], Any]
UpdateFn = Callable[..., "str | None"]


def _locked(method: Callable) -> Callable:
    """``method`` run while holding the plot's :attr:`~LivePlot.lock`."""
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)
    return locked


def _artists_in(obj: Any) -> list[Artist]:
    """Every moving artist in ``obj``: an artist, or a dict, list, tuple or namespace of them.

    Axes are containers, not moving parts: ``draw`` may return them so that
    ``update`` can change their limits, and they stay in the background.
    """
    if isinstance(obj, (Axes, Figure)):
        return []
    if isinstance(obj, Artist):
        return [obj]
    if isinstance(obj, Mapping):
        items: Iterable = obj.values()
    elif isinstance(obj, (list, tuple)):
        items = obj
    elif isinstance(obj, SimpleNamespace):
        items = vars(obj).values()
    else:
        return []
    return [artist for item in items for artist in _artists_in(item)]


def png_bytes(rgba: np.ndarray) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 image as PNG, with fast (light) compression."""
    buf = io.BytesIO()
    # convert("RGB") drops alpha in C; slicing [..., :3] first would copy a strided array (15x slower)
    PILImage.fromarray(np.asarray(rgba)).convert("RGB").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def jpeg_bytes(rgba: np.ndarray, quality: int = 90) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 image as JPEG: a demo's frame.

    For the demos' figures it is 4-7 times faster to encode than :func:`png_bytes`
    (1-2 ms against 5-13 ms) and about as large; at quality 90 lines and text
    look the same at a glance. A figure of flat colour fields stays PNG
    (``LivePlot(..., image_format="png")``), where JPEG would be 2-3 times larger.

    Examples
    --------
    >>> jpeg_bytes(np.full((4, 6, 4), 255, dtype=np.uint8))[:3]
    b'\xff\xd8\xff'
    """
    buf = io.BytesIO()
    PILImage.fromarray(np.asarray(rgba)).convert("RGB").save(buf, format="jpeg", quality=quality)
    return buf.getvalue()


ENCODERS = {"jpeg": jpeg_bytes, "png": png_bytes}


_SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d+)?e[-+]\d+")


def unbreakable_numbers(text: str) -> str:
    """Numbers in scientific notation kept on one line: a browser may break "5.23e-01" after its "-".

    Examples
    --------
    >>> unbreakable_numbers("rate 5.23e-01, loss 0.25")
    'rate <span style="white-space:nowrap">5.23e-01</span>, loss 0.25'
    """
    return _SCIENTIFIC.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', text)


def widget_tree(widget: W.Widget, models: bool = False) -> list[W.Widget]:
    """``widget`` and every widget inside it (a box's children, recursively).

    With ``models``, each one's layout and style models too (what closing them all must reach).
    """
    found = [widget] + ([getattr(widget, part) for part in ("layout", "style")
                         if isinstance(getattr(widget, part, None), W.Widget)] if models else [])
    for child in getattr(widget, "children", ()):
        found += widget_tree(child, models)
    return found


def set_unsent(widget: W.Widget, name: str, value: Any) -> None:
    """Set ``widget.<name>`` in the kernel without sending it to the browser, which has it already.

    The frame cache's browser half sets a frame it holds on its own copy of the
    Image; the kernel's copy then takes the same value quietly (ipywidgets'
    property lock, which also keeps a change that came from the browser from
    being echoed back).

    Examples
    --------
    >>> label = W.Label("a")
    >>> sent = []
    >>> label.send_state = lambda key=None: sent.append(key)
    >>> set_unsent(label, "value", "b"); label.value, sent
    ('b', [])
    >>> label.value = "c"; sent
    ['value']
    """
    to_json = widget.trait_metadata(name, "to_json", widget._trait_to_json)
    with widget._lock_property(**{name: to_json(value, widget)}):
        setattr(widget, name, value)


_PX = re.compile(r"(\d+(?:\.\d+)?)px")
_SIZED = ("width", "min_width", "max_width", "height", "min_height", "max_height", "flex")


def scale_px_sizes(widget: W.Widget, scale: float) -> None:
    """Multiply every size in px of ``widget``'s layout and label width by ``scale``.

    Examples
    --------
    >>> box = W.HBox(layout=W.Layout(width="300px", flex="1 1 120px"))
    >>> scale_px_sizes(box, 1.5); box.layout.width, box.layout.flex
    ('450px', '1 1 180px')
    """
    def grow(text: str) -> str:
        return _PX.sub(lambda m: f"{float(m.group(1)) * scale:g}px", text)

    layout = getattr(widget, "layout", None)
    for name in _SIZED if layout is not None else ():
        value = getattr(layout, name)
        if isinstance(value, str) and "px" in value:
            setattr(layout, name, grow(value))
    style = getattr(widget, "style", None)
    width = getattr(style, "description_width", None)
    if isinstance(width, str) and "px" in width:
        style.description_width = grow(width)


class LivePlot:
    """An interactive figure: controls on the left, a figure redrawn in place.

    Parameters
    ----------
    draw : callable ``draw(fig) -> artists``
        Builds the axes on ``fig`` and returns the artists that change (a dict,
        list or namespace of them). Everything not returned is static.
    update : callable ``update(artists, **values) -> str | None``
        Sets the artists' data from the controls' current values. It may return
        a short HTML status (the current loss, "diverged"...) shown under the
        figure.
    controls : dict of str to ipywidgets.ValueWidget
        The controls, by the keyword ``update`` receives.
    figsize : (float, float), default (6, 4)
        Figure size in inches (100 dpi).
    title : str, optional
        Shown above the controls.
    kind : {"analytic", "retrain"}
        Whether an update evaluates a formula or retrains a model; the
        benchmark holds the two to different time budgets.
    image_format : {"jpeg", "png"}
        How each frame travels to the browser: JPEG encodes in a fifth of the
        time (:func:`jpeg_bytes`); PNG for a figure of flat colour fields.
    prefetch : bool or list of str, default True
        Keep the frames around the current one in the browser, drawn in the
        kernel's idle time, so that a slider shows them without a round trip
        (:mod:`course_utils.frame_cache`): along every slider, or along the
        sliders named. Only for a figure that is a function of the controls'
        values; it needs every control to be a slider, a selection or a
        checkbox, and is off for any other.

    Attributes
    ----------
    fig, artists, controls, image, status
        The pieces, reachable so a test can drive the demo without a browser.
    lock : threading.RLock
        Held while the figure (or a run) changes: by :meth:`refresh` and by the frame
        cache's drawing, which JupyterLab may deliver on another thread.
    widget : ipywidgets.Box
        What the notebook shows, built by :meth:`arrange`.
    frames : int
        How many times the figure has been redrawn.
    cache : FrameCache or None
        The kernel's half of the frame cache (``prefetch``).
    changed : set of str
        The names of the controls that moved before the current (or last)
        frame; every control's at the first frame. ``update`` may use it to
        redo only what depends on them.

    Examples
    --------
    >>> import ipywidgets as W
    >>> import numpy as np
    >>> x = np.linspace(-5, 5, 50)
    >>> def draw(fig):
    ...     ax = fig.add_subplot(xlim=(-5, 5), ylim=(-1, 1))
    ...     return {"line": ax.plot(x, 0 * x)[0]}
    >>> def update(artists, w):
    ...     artists["line"].set_ydata(np.tanh(w * x))
    ...     return f"w = {w:.1f}"
    >>> demo = LivePlot(draw, update, {"w": W.FloatSlider(value=1.0, min=0, max=3)})
    >>> demo.set(w=2.0)
    >>> demo.frames, demo.status.value, demo.changed
    (2, 'w = 2.0', {'w'})
    """

    #: Kernel seconds the frame cache may spend drawing around one position (None: its default).
    prefetch_seconds: float | None = None

    def __init__(
        self,
        draw: DrawFn,
        update: UpdateFn,
        controls: Mapping[str, W.ValueWidget],
        *,
        figsize: tuple[float, float] = (6.0, 4.0),
        title: str | None = None,
        kind: str = "analytic",
        image_format: str = "jpeg",
        prefetch: bool | list[str] = True,
    ) -> None:
        if not callable(draw) or not callable(update):
            raise TypeError("`draw` and `update` must be functions")
        if not isinstance(controls, Mapping) or not controls:
            raise TypeError(f"`controls` must be a non-empty dict of name -> widget, got {controls!r}")
        for name, control in controls.items():
            if not isinstance(control, W.ValueWidget):
                raise TypeError(f"`controls[{name!r}]` must be an ipywidgets control, got {control!r}")
        if kind not in ("analytic", "retrain"):
            raise ValueError(f"`kind` must be 'analytic' or 'retrain', got {kind!r}")
        if image_format not in ENCODERS:
            raise ValueError(f"`image_format` must be one of {sorted(ENCODERS)}, got {image_format!r}")
        self.encode = ENCODERS[image_format]
        self.kind = kind
        self.draw_fn, self.update_fn = draw, update
        self.controls = dict(controls)
        self.figsize = figsize
        self.title = title
        self.frames = 0
        self.error: str | None = None
        # JupyterLab 4.6 may send comm messages over kernel subshells, each on a thread of its own:
        # the frame cache's drawing and a control's change can then come at the same time
        self.lock = threading.RLock()
        self._stale = False  # the figure shows another frame than the controls' (drawn ahead, or kept)

        self.fig = new_figure(figsize)
        self.artists = draw(self.fig)
        self._moving = _artists_in(self.artists)
        for artist in self._moving:
            artist.set_animated(True)
        self._background = None
        self._limits: list[tuple[float, ...]] = []

        self.scale = display_scale()  # 1.5 after setup(presenting=True): figure and controls grow
        self.image = W.Image(format=image_format, layout=W.Layout(width=f"{figsize[0] * 100:.0f}px"))
        self.status = W.HTML(layout=W.Layout(min_height="1.6em"))
        self.widget = self.arrange()
        self.widget.add_class(CSS_CLASS)
        if self.scale != 1:  # every size in px grows with the figure: nothing is cut or crowded
            for widget in widget_tree(self.widget):
                scale_px_sizes(widget, self.scale)
            self.widget.add_class(PRESENTING_CLASS)
            self.widget.children = (*self.widget.children, W.HTML(presenting_css(self.scale)))

        self._names = {id(control): name for name, control in self.controls.items()}
        self._moved = set(self.controls)  # the first frame: everything is new
        self._drawn: dict[str, Any] | None = None  # the values of the artists' current state
        self.changed: set[str] = set()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.cache = self._frame_cache(prefetch) if prefetch is not False else None
        self.refresh(full=True)

    def _frame_cache(self, along: bool | list[str] = True) -> Any:
        """The frame cache over the sliders (``along``: those named), or None if a control cannot
        take part in a key."""
        from .frame_cache import FrameCache, kind_of

        kinds = {name: kind_of(control) for name, control in self.controls.items()}
        axes = [name for name, kind in kinds.items()
                if kind in ("range", "log") or isinstance(self.controls[name], W.SelectionSlider)]
        if along is not True:
            unknown = set(along) - set(axes)
            if unknown:
                raise ValueError(f"`prefetch` must name sliders of the demo {axes}, got {sorted(unknown)}")
            axes = [name for name in axes if name in along]
        if None in kinds.values() or not axes:
            return None
        seconds = {} if self.prefetch_seconds is None else {"seconds": self.prefetch_seconds}
        return FrameCache(self, axes, **seconds)

    def arrange(self) -> W.Box:
        """Put the controls, the image and the status into one box: the demo's widget.

        Called once by ``__init__``, after ``controls``, ``image`` and ``status``
        exist and before the first frame. This one puts the controls beside a
        small figure and above a wide one; a demo with a layout of its own
        overrides it.
        """
        heading = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        heading += self.header()
        if self.figsize[0] <= 6.5:
            # the panel takes the room the figure leaves, up to 360 px (its sliders' tracks grow)
            panel = W.VBox(heading + list(self.controls.values()),
                           layout=W.Layout(min_width="300px", max_width="360px", flex="1 1 300px"))
            return W.HBox([panel, W.VBox([self.image, self.status])])
        for control in self.controls.values():
            control.layout.width = "340px"
        panel = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        return W.VBox(heading + [panel, self.image, self.status])

    def header(self) -> list[W.Widget]:
        """Widgets that :meth:`arrange` puts above the controls, under the title: none here."""
        return []

    # -- drawing ---------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def redraw_background(self) -> None:
        """Re-render the static part; call it after changing labels or ticks.

        A change of an axes' limits is noticed without this call.
        """
        self._background = None

    def _axes_limits(self) -> list[tuple[float, ...]]:
        return [(*ax.get_xlim(), *ax.get_ylim()) for ax in self.fig.axes]

    @_locked
    def refresh(self, full: bool = False) -> None:
        """Run ``update`` with the current values and redraw the image.

        During ``update``, :attr:`changed` names the controls moved since the
        last frame.
        """
        moved, self._moved = self._moved, set()
        if full:
            self._background = None
        kept = shown = None
        if self.cache is not None:
            key = self.cache.key = self.cache.key_of()  # before the frame: the browser files it under this key
            kept = None if full else self.cache.kept_frame(key)
            shown, self.cache.shown = self.cache.shown, None  # word of one frame, for one refresh
        if kept is not None:
            # the browser holds this frame (it asked for it): the same bytes again, nothing drawn.
            # The figure still shows the values last drawn; the next draw_frame catches up from there.
            frame, status = kept
            self._stale = True
            if shown == key:  # ...and shows it already: the kernel's copy agrees, unsent
                self.error = None
                set_unsent(self.image, "value", frame)
                set_unsent(self.status, "value", status)
                self.frames += 1
                return
        else:
            try:
                frame, status = self.draw_frame(self.values(), moved)
            except Exception as exc:
                self._show_error(exc)
                raise
            if self.cache is not None and self.cache.drawn:  # the browser's half is there: it keeps it too
                self.cache.keep(key, frame, status)
        self.error = None
        self.image.value = frame
        self.status.value = status
        self.frames += 1

    def _show_error(self, exc: Exception) -> None:
        """Show the error of a failed ``update`` under the figure (and keep it for tests)."""
        self.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        self.status.value = (f'<span class="course-liveplot-error" style="color:#D55E00">'
                             f"error: {html.escape(self.error)}</span>")

    def draw_frame(self, values: Mapping[str, Any], moved: Iterable[str] = ()) -> tuple[bytes, str]:
        """Draw the frame of ``values`` and return its bytes and status, without showing it.

        ``values`` need not be the controls' own: the frame cache draws frames a
        student has not asked for yet. :attr:`changed` names the controls whose
        value differs from the last frame drawn (and those in ``moved``).
        """
        status = self.apply(values, moved)
        return self.render(), status

    def apply(self, values: Mapping[str, Any], moved: Iterable[str] = ()) -> str:
        """Run ``update`` with ``values`` (the artists take their state) and return the status,
        without rendering: the first half of :meth:`draw_frame`."""
        drawn = self._drawn
        self.changed = set(moved) | {name for name, value in values.items()
                                     if drawn is None or name not in drawn or drawn[name] != value}
        self._drawn = None  # until the update has gone through: a failed one leaves artists half set
        status = self.update_fn(self.artists, **values)
        self._drawn = dict(values)
        self._stale = False
        return unbreakable_numbers(status or "")

    def draw_ahead(self, values: Mapping[str, Any]) -> tuple[bytes, str]:
        """The frame the controls at ``values`` would show, drawn for the frame cache.

        Here the figure is a function of the controls, so it is :meth:`draw_frame`;
        a :class:`TrainingPlot` draws it without touching its run. The figure then
        shows that frame, not the controls' (the notebook's PNG catches up).
        """
        frame = self.draw_frame(values)
        self._stale = True
        return frame

    def signature(self) -> str:
        """What the figure shows besides the controls' values, as a short string: nothing here.

        A frame's key in the frame cache is this and the controls' positions.
        """
        return ""

    def restore_background(self) -> None:
        """Put the static part back on the canvas, re-rendering it first if it is stale."""
        canvas = self.fig.canvas
        limits = self._axes_limits()
        if self._background is None or limits != self._limits:
            canvas.draw()  # animated artists are left out of a full draw
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._limits = limits
        else:
            canvas.restore_region(self._background)

    def render(self) -> bytes:
        """Paint the moving artists on the cached background and return the frame's bytes (JPEG or PNG)."""
        canvas = self.fig.canvas
        self.restore_background()
        for artist in self._moving:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return self.encode(canvas.buffer_rgba())

    def set(self, **values: Any) -> None:
        """Move controls programmatically (as a student would), e.g. ``demo.set(w=2.0)``."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"unknown control(s) {sorted(unknown)}; this demo has {sorted(self.controls)}")
        with self.widget.hold_sync():
            for name, value in values.items():
                control = self.controls[name]
                control.unobserve(self._on_change, names="value")
                try:
                    before = control.value
                    control.value = value
                    if control.value != before:
                        self._moved.add(name)
                finally:
                    control.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, change: dict) -> None:
        self._moved.add(self._names[id(change["owner"])])
        self.refresh()

    # -- display ---------------------------------------------------------------
    @_locked
    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data = dict(data)
        # the notebook keeps a PNG of the current frame, for viewers without widgets (course-html)
        if self._stale:  # the figure shows a frame drawn ahead, or one the frame cache kept: draw it here
            self.draw_frame(self.values())
        data["image/png"] = base64.b64encode(png_bytes(self.fig.canvas.buffer_rgba())).decode("ascii")
        data["text/plain"] = repr(self)
        return data

    def __repr__(self) -> str:
        name = f"{self.title!r}, " if self.title else ""
        return f"{type(self).__name__}({name}controls={list(self.controls)})"


class TrainingPlot(LivePlot):
    """A :class:`LivePlot` of a training run, with Play / Pause, Step and Reset.

    ``update`` draws the run as it is; the run trains only when Play ticks or
    Step is pressed, a chunk at a time, and every chunk is followed by one frame.
    A tick that queued up while the last frame was being drawn is skipped, so
    a slow frame never builds a backlog. The controls act on the running
    training (``update`` passes their values on).

    Parameters
    ----------
    draw, update, controls
        As for :class:`LivePlot`.
    trainer : object with ``step(n)`` and ``reset()``
        The run: ``step(n)`` trains ``n`` units (epochs, generator steps),
        ``reset()`` starts again. If it has a ``diverged`` attribute that
        becomes true, training stops and Play pauses.

        A run that also has ``signature`` (a string that, with the controls'
        values, fixes the figure: the same string and values, the same frame)
        and ``scratch()`` (a context manager within which the run's changes are
        undone on exit) lets the frame cache draw the frames around the current
        one ahead, as a :class:`LivePlot` does (:meth:`draw_ahead`).
    chunk : str
        The control whose value is the number of units one tick or Step trains.
    interval : int, default 100
        Milliseconds between two ticks of Play.
    prefetch : bool or list of str, default True
        As for :class:`LivePlot`, if the run has ``signature`` and ``scratch()``.
    **kwargs
        ``figsize``, ``title``, ``kind``, as for :class:`LivePlot`.

    Attributes
    ----------
    play : ipywidgets.Play
    step_button, reset_button : ipywidgets.Button
    drawing_ahead : bool
        True while the frame cache draws a frame ahead, on a scratch run
        (:meth:`draw_ahead`): ``update`` may then change nothing but the figure.

    Examples
    --------
    >>> import ipywidgets as W
    >>> class Counter:
    ...     def __init__(self): self.n = 0
    ...     def step(self, n): self.n += n
    ...     def reset(self): self.n = 0
    >>> run = Counter()
    >>> def draw(fig):
    ...     return {"text": fig.text(0.5, 0.5, "")}
    >>> def update(artists, per_tick):
    ...     artists["text"].set_text(str(run.n))
    ...     return f"{run.n} steps"
    >>> demo = TrainingPlot(draw, update, {"per_tick": W.IntSlider(value=5)}, run, chunk="per_tick")
    >>> demo.step(); demo.step(); demo.status.value
    '10 steps'
    >>> demo.reset(); demo.status.value
    '0 steps'
    """

    def __init__(self, draw: DrawFn, update: UpdateFn, controls: Mapping[str, W.ValueWidget],
                 trainer: Any, *, chunk: str, interval: int = 100, prefetch: bool | list[str] = True,
                 **kwargs: Any) -> None:
        if not (callable(getattr(trainer, "step", None)) and callable(getattr(trainer, "reset", None))):
            raise TypeError(f"`trainer` must have step(n) and reset() methods, got {trainer!r}")
        if chunk not in controls:
            raise ValueError(f"`chunk` must name one of the controls {sorted(controls)}, got {chunk!r}")
        self.trainer, self.chunk = trainer, chunk
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=interval, show_repeat=False,
                           description="play", layout=W.Layout(width="auto"))
        self.step_button = W.Button(description="Step", icon="step-forward", tooltip="train one chunk",
                                    layout=W.Layout(width="90px"))
        self.reset_button = W.Button(description="Reset", icon="undo",
                                     tooltip="start again from new initial weights",
                                     layout=W.Layout(width="90px"))
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self._frame_end = 0.0
        self.drawing_ahead = False
        # a run that cannot say what its figure depends on, or undo a change, draws nothing ahead
        ahead = isinstance(getattr(trainer, "signature", None), str) and callable(getattr(trainer, "scratch", None))
        super().__init__(draw, update, controls, prefetch=prefetch if ahead else False, **kwargs)
        self.play.observe(self._on_tick, names="value")

    #: A run's frames are drawn again whenever it trains: a second of drawing ahead each time.
    prefetch_seconds = 1.0

    def signature(self) -> str:
        """The run's ``signature``: with the controls' values, it fixes the frame."""
        return self.trainer.signature

    @_locked
    def draw_ahead(self, values: Mapping[str, Any]) -> tuple[bytes, str]:
        """The frame the run would show if the controls moved to ``values``, drawn on a scratch
        run: the live one is as it was after this (``trainer.scratch()``).

        The artists show that frame until the next one of the run. While it is drawn,
        :attr:`drawing_ahead` is True: ``update`` must change the figure and the run only.
        """
        self.drawing_ahead = True
        try:
            with self.trainer.scratch():
                return super().draw_ahead(values)
        finally:
            self.drawing_ahead = False

    @_locked
    def refresh(self, full: bool = False) -> None:
        """As :meth:`LivePlot.refresh`; with a frame cache, the run always takes the values first.

        The frame's key is known only after that (the run's signature may change, a
        new network...). When the browser shows that frame already, it is neither
        rendered nor sent.
        """
        if self.cache is None:
            return super().refresh(full)
        moved, self._moved = self._moved, set()
        if full:
            self._background = None
        shown, self.cache.shown = self.cache.shown, None  # word of one frame, for one refresh
        try:
            status = self.apply(self.values(), moved)
        except Exception as exc:
            self._show_error(exc)
            raise
        self.error = None
        key = self.cache.key_of()
        with self.cache.hold_sync():
            self.cache.generation = self.signature()
            self.cache.key = key
        kept = None if full else self.cache.kept_frame(key)
        self.frames += 1
        if kept is not None and shown == key and kept[1] == status:
            set_unsent(self.image, "value", kept[0])  # the browser shows it: the kernel's copy agrees
            set_unsent(self.status, "value", status)
            return
        frame = self.render()
        if self.cache.drawn:  # the browser's half is there: it keeps it too
            self.cache.keep(key, frame, status)
        self.image.value = frame
        self.status.value = status

    def header(self) -> list[W.Widget]:
        """Play, Step and Reset in a row."""
        return [W.HBox([self.play, self.step_button, self.reset_button],
                       layout=W.Layout(align_items="center"))]

    @property
    def diverged(self) -> bool:
        """Whether the run has diverged (its trainer says so)."""
        return bool(getattr(self.trainer, "diverged", False))

    def _on_tick(self, change: dict) -> None:
        if change["new"] == 0:  # Play's stop button rewinds it
            return
        if time.perf_counter() - self._frame_end < 0.02:
            return  # a tick that waited while the last frame was drawn: skip it, do not pile up
        self.step()
        self._frame_end = time.perf_counter()

    @_locked
    def step(self, units: int | None = None) -> None:
        """Train one chunk (or ``units``) and redraw, as Step does; a diverged run trains no more."""
        units = self.controls[self.chunk].value if units is None else units
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 0:
            raise ValueError(f"`units` must be an integer >= 0, got {units!r}")
        if units and not self.diverged:
            self.trainer.step(int(units))
        if self.diverged:
            self.play.playing = False
        self.refresh()

    @_locked
    def reset(self) -> None:
        """Start the run again, as Reset does."""
        self.trainer.reset()
        self.refresh()


def naive_frame(draw: DrawFn, update: UpdateFn, values: Mapping[str, Any],
                figsize: tuple[float, float] = (6.0, 4.0)) -> bytes:
    """One frame the usual ``interact`` way: a new pyplot figure, drawn whole, saved, closed.

    Used by the benchmark to compare with :class:`LivePlot` on the same demo.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, dpi=100, layout="constrained")
    artists = draw(fig)
    update(artists, **values)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # as the inline backend does
    plt.close(fig)
    return buf.getvalue()


def slider(value: float, lo: float, hi: float, step: float, label: str,
           readout_format: str = ".2f") -> W.FloatSlider:
    """A float slider with a readable label and room for it.

    Examples
    --------
    >>> s = slider(1.8, 0, 4, 0.1, "w (°F per °C)")
    >>> s.value, s.description
    (1.8, 'w (°F per °C)')
    """
    if not lo <= value <= hi:
        raise ValueError(f"`value` must lie in [{lo}, {hi}], got {value}")
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                         readout_format=readout_format, continuous_update=True,
                         style={"description_width": "initial"},
                         layout=W.Layout(width="100%"))
