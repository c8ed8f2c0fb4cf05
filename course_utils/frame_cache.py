"""Frames kept in the browser, so that a slider moves the figure without waiting for Python.

Every control change of a :class:`~course_utils.widgets.LivePlot` normally makes a
round trip: the browser sends the value, the kernel draws the frame and sends it
back. On a laptop that trip alone takes 20-60 ms, and during a drag ipywidgets
sends the next value only once the kernel is idle again, so a drag shows 15-20
frames a second at best, however fast the demo draws.

A :class:`FrameCache` removes the trip for the frames a student is about to see.
When the demo is on screen, the browser asks the kernel, in the kernel's idle
time, for the frames around the current one: along each slider, nearest first,
up to :data:`BUDGET` frames or :data:`BUDGET_S` seconds of drawing. When a control moves to a position whose frame is
already there, the browser shows it at once, and sends the control's new value
only once the controls rest (60 ms), with word of the frame it shows: a drag
over frames the browser holds costs the kernel nothing until it ends. The
kernel keeps the frames it sent too (up to the budget), so for that last
position it neither draws the frame nor sends it back; its image and status
take the same value. A position not there yet takes the round trip as before,
except in the middle of a drag along a slider whose frames take the kernel more
than 30 ms each to draw (``frame_ms``: the small network's width, whose every
frame fits a network): there the kernel would still be drawing a position the
drag has left when the mouse is released, and the last position would wait
behind it, so the browser sends such a position only on the release, or once
the mouse has rested for 250 ms (60 ms for keys).

A frame's key is the position of every control, joined by commas: a slider's
step number, a selection's index, a checkbox's 0 or 1 (:func:`position`). The
browser half, ``frame_cache.js``, computes the same key from the same values.

A demo whose figure is a function of its controls' values keeps frames
(``LivePlot(prefetch=...)`` decides). A training run's figure also depends on
the run: its key starts with the run's *signature* and a ``|``
(:class:`~course_utils.widgets.TrainingPlot`). The signature changes when the
run trains, so that the frames drawn for one state of the run are never shown
for another; the kernel draws them on a scratch copy of the run
(:meth:`~course_utils.widgets.TrainingPlot.draw_ahead`), and the browser asks for
them only once the run has stopped changing for a while (a playing run asks for none).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import ipywidgets as W
import traitlets as T

if TYPE_CHECKING:
    from .widgets import LivePlot

#: How many frames around the current one the browser keeps, per demo, at most and at least.
BUDGET = (24, 160)
#: ...and how much kernel time they may take to draw: a demo that retrains keeps fewer.
BUDGET_S = 4.0
#: A batch of frames stops after this many seconds of drawing (at least one frame):
#: a student's own change waits at most this long behind the prefetching.
BATCH_S = 0.03

_SELECTIONS = (W.SelectionSlider, W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select)


def kind_of(control: W.Widget) -> str | None:
    """How a control's position is counted: "range", "log", "index", "bool", or None (unsupported).

    Examples
    --------
    >>> kind_of(W.FloatSlider()), kind_of(W.FloatLogSlider()), kind_of(W.Dropdown(options=["a"]))
    ('range', 'log', 'index')
    >>> kind_of(W.Text()) is None
    True
    """
    if isinstance(control, W.FloatLogSlider):
        return "log"
    if isinstance(control, (W.IntSlider, W.FloatSlider)):
        return "range"
    if isinstance(control, _SELECTIONS):
        return "index"
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        return "bool"
    return None


def position(control: W.Widget, value: Any = None) -> int:
    """The position of ``value`` (default: the control's value) on ``control``, as the browser counts it.

    A slider's position is its step number from ``min``, ``round((value - min) / step)``
    (for a log slider, of the exponent); a selection's is its index.

    Examples
    --------
    >>> position(W.FloatSlider(value=1.8, min=0, max=4, step=0.1))
    18
    >>> position(W.FloatLogSlider(value=1e-3, min=-4, max=0, step=0.1))
    10
    """
    kind = kind_of(control)
    if kind == "index":
        return control.index if value is None else list(control._options_values).index(value)
    value = control.value if value is None else value
    if kind == "bool":
        return int(bool(value))
    if kind == "log":
        return round((math.log(value) / math.log(control.base) - control.min) / control.step)
    if kind == "range":
        return round((value - control.min) / control.step)
    raise TypeError(f"`control` must be a slider, a selection or a checkbox, got {type(control).__name__}")


def count(control: W.Widget) -> int:
    """How many positions ``control`` has.

    Examples
    --------
    >>> count(W.FloatSlider(min=0, max=4, step=0.1)), count(W.FloatLogSlider(min=-4, max=0, step=0.5))
    (41, 9)
    """
    kind = kind_of(control)
    if kind == "index":
        return len(control._options_values)
    if kind == "bool":
        return 2
    return round((control.max - control.min) / control.step) + 1


def value_at(control: W.Widget, pos: int) -> Any:
    """The value ``control`` takes at position ``pos``: the inverse of :func:`position`.

    Examples
    --------
    >>> s = W.FloatSlider(value=1.8, min=0, max=4, step=0.1)
    >>> round(value_at(s, 18), 12), position(s, value_at(s, 18))
    (1.8, 18)
    >>> value_at(W.IntSlider(min=1, max=9, step=2), 3)
    7
    """
    kind = kind_of(control)
    if kind == "index":
        return control._options_values[pos]
    if kind == "bool":
        return bool(pos)
    exponent_or_value = control.min + pos * control.step
    if kind == "log":
        return control.base ** exponent_or_value
    if isinstance(control, W.IntSlider):
        return int(exponent_or_value)
    return float(exponent_or_value)


class FrameCache(anywidget.AnyWidget):
    """The kernel's half of a demo's frame cache: it draws the frames the browser asks for.

    Never displayed: the browser half starts when the widget's model is created
    and watches the demo's box to know when it is on screen.

    Parameters
    ----------
    plot : LivePlot
        The demo; its :meth:`~course_utils.widgets.LivePlot.draw_frame` draws a frame for any values.
    axes : list of str
        The controls to look ahead along (sliders); the others only take part in the key.
    seconds : float, default BUDGET_S
        How much kernel time the frames around one position may take to draw, in all.
    """

    _esm = Path(__file__).with_name("frame_cache.js")
    image = T.Instance(W.Image).tag(sync=True, **W.widget_serialization)
    status = T.Instance(W.HTML).tag(sync=True, **W.widget_serialization)
    box = T.Instance(W.Box).tag(sync=True, **W.widget_serialization)
    controls = T.List(T.Instance(W.Widget)).tag(sync=True, **W.widget_serialization)
    kinds = T.List(T.Unicode()).tag(sync=True)
    axes = T.List(T.Bool()).tag(sync=True)
    key = T.Unicode("").tag(sync=True)  # the key of the kernel's last frame
    generation = T.Unicode("").tag(sync=True)  # the plot's signature: the start of every key now
    budget = T.Int(BUDGET[1]).tag(sync=True)  # how many frames the browser keeps (BUDGET_S)
    # per control: the kernel's mean time to draw a frame ahead along it (0 until it has drawn one):
    # along the small network's width every frame fits a network, along its "stop after" none does
    frame_ms = T.List(T.Float()).tag(sync=True)

    def __init__(self, plot: LivePlot, axes: list[str], seconds: float = BUDGET_S) -> None:
        names = list(plot.controls)
        unknown = set(axes) - set(names)
        if unknown:
            raise ValueError(f"`axes` must name controls of the demo {names}, got {sorted(unknown)}")
        controls = list(plot.controls.values())
        kinds = [kind_of(c) for c in controls]
        if None in kinds:
            bad = names[kinds.index(None)]
            raise TypeError(f"control {bad!r} cannot take part in a frame key: "
                            "only sliders, selections and checkboxes can")
        for control in controls:
            # No echo of a value the browser sent (ipywidgets 8 echoes it, and the browser applies
            # the echo it expects): the browser holds a value back while it shows a kept frame,
            # and the echo of the value sent before would move the slider back to it.
            # Per instance: traitlets reads _<trait>_metadata before the trait's own metadata.
            control._value_metadata = {"echo_update": False}
            control._index_metadata = {"echo_update": False}
        super().__init__(image=plot.image, status=plot.status, box=plot.widget, controls=controls,
                         kinds=kinds, axes=[name in axes for name in names], frame_ms=[0.0] * len(names))
        self._along = [[0.0, 0] for _ in names]  # per control: seconds and frames drawn along it
        self.plot, self.names, self.budget_s = plot, names, seconds
        self.drawn = 0  # frames drawn for the browser
        self.seconds = 0.0  # ...and the time they took
        self.kept: OrderedDict[str, tuple[bytes, str]] = OrderedDict()  # key -> (frame, status), newest last
        self.shown: str | None = None  # the frame the browser said it shows, until the next refresh
        self.on_msg(self._on_msg)

    def keep(self, key: str, frame: bytes, status: str) -> None:
        """Remember a frame the browser holds too; past :attr:`budget` frames the least recently used go."""
        self.kept[key] = (frame, status)
        self.kept.move_to_end(key)
        while len(self.kept) > self.budget:
            self.kept.popitem(last=False)

    def kept_frame(self, key: str) -> tuple[bytes, str] | None:
        """The frame and status kept for ``key``, or None: what the kernel shows instead of drawing it."""
        frame = self.kept.get(key)
        if frame is not None:
            self.kept.move_to_end(key)
        return frame

    def key_of(self, values: dict[str, Any] | None = None) -> str:
        """The key of ``values`` (default: the controls' current values), after the plot's signature."""
        values = values or {}
        signature = self.plot.signature()
        positions = ",".join(str(position(c, values.get(n))) for n, c in self.plot.controls.items())
        return f"{signature}|{positions}" if signature else positions

    def values_of(self, key: str) -> dict[str, Any]:
        """The controls' values at ``key``; ValueError if it is not a key of this demo."""
        try:
            positions = [int(part) for part in key.rpartition("|")[2].split(",")]
        except (AttributeError, ValueError):
            raise ValueError(f"`key` must be integers joined by commas, got {key!r}") from None
        if len(positions) != len(self.names):
            raise ValueError(f"`key` must have {len(self.names)} positions, got {key!r}")
        return {name: value_at(self.plot.controls[name], pos) for name, pos in zip(self.names, positions)}

    def frames_for(self, keys: list[str], seconds: float = BATCH_S) -> tuple[list[dict], list[bytes]]:
        """Draw the frames of ``keys`` in order, for about ``seconds`` at most (always one).

        Returns the records ``{"key", "status"}`` (``{"key", "error": True}`` for a key
        whose update raised, or that is not a key of this demo; ``{"key", "gone": True}``
        for a key of another signature: the run moved on since the browser asked) and
        the frames' bytes.
        """
        records, blobs = [], []
        here = self.key_of().rpartition("|")[2].split(",")
        start = time.perf_counter()
        for key in keys:
            if records and time.perf_counter() - start > seconds:
                break
            with self.plot.lock:  # one frame at a time: a control's change may come in between
                if key.rpartition("|")[0] != self.plot.signature():  # the run moved on meanwhile
                    records.append({"key": key, "gone": True})
                    blobs.append(b"")
                    continue
                try:
                    began = time.perf_counter()
                    frame, status = self.plot.draw_ahead(self.values_of(key))
                    took = time.perf_counter() - began
                    self.seconds += took
                    moved = [i for i, (a, b) in enumerate(zip(here, key.rpartition("|")[2].split(","))) if a != b]
                    if len(moved) == 1:  # a frame along one control: what a move of that control costs
                        self._along[moved[0]][0] += took
                        self._along[moved[0]][1] += 1
                except Exception:  # a value where the demo cannot draw: the browser will not ask again
                    records.append({"key": key, "error": True})
                    blobs.append(b"")
                    continue
                records.append({"key": key, "status": status})
                blobs.append(frame)
                self.drawn += 1
                self.keep(key, frame, status)
        if self.drawn:
            low, high = BUDGET
            self.budget = int(min(high, max(low, self.budget_s * self.drawn / self.seconds)))
            self.frame_ms = [round(1e3 * seconds / n, 1) if n else 0.0 for seconds, n in self._along]
        return records, blobs

    def _on_msg(self, _widget: Any, content: dict, _buffers: list) -> None:
        if isinstance(content, dict) and "shown" in content:  # None: a new browser half, nothing shown
            self.shown = content["shown"] if isinstance(content["shown"], str) else None
            return
        keys = content.get("want") if isinstance(content, dict) else None
        if isinstance(keys, list) and keys:
            records, blobs = self.frames_for([str(k) for k in keys])
            self.send({"frames": records}, buffers=blobs)
