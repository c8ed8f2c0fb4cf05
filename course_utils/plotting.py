"""The house plot style and figure helpers.

Colours are the Okabe-Ito palette, which stays distinguishable for the common
forms of colour blindness.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Okabe-Ito colours, by name.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

_BASE_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=[COLORS[k] for k in
                                         ("blue", "orange", "green", "vermillion", "sky", "purple")]),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (6.0, 4.0),
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "legend.frameon": False,
    "image.cmap": "viridis",
}

_SIZES = {
    False: {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10},
    True: {"font.size": 15, "axes.titlesize": 17, "axes.labelsize": 15, "legend.fontsize": 13},
}


def house_style(presenting: bool = False) -> dict:
    """Return the course's matplotlib settings (``rcParams``) as a dict.

    Parameters
    ----------
    presenting : bool, default False
        Larger fonts, for a projector.

    Examples
    --------
    >>> house_style()["font.size"], house_style(presenting=True)["font.size"]
    (11, 15)
    """
    if not isinstance(presenting, bool):
        raise TypeError(f"`presenting` must be True or False, got {presenting!r}")
    return {**_BASE_STYLE, **_SIZES[presenting]}


def use_house_style(presenting: bool = False) -> None:
    """Apply :func:`house_style` to matplotlib's global settings."""
    mpl.rcParams.update(house_style(presenting))


def new_figure(figsize: tuple[float, float] = (6.0, 4.0), dpi: int = 100) -> Figure:
    """A figure outside pyplot, drawn by the Agg renderer.

    Interactive demos keep one such figure alive and redraw it, so pyplot never
    shows it twice and it is never garbage-collected behind our back.

    Examples
    --------
    >>> fig = new_figure((3, 2))
    >>> fig.canvas.get_width_height()
    (300, 200)
    """
    if len(figsize) != 2 or min(figsize) <= 0:
        raise ValueError(f"`figsize` must be (width, height) in inches, both > 0, got {figsize!r}")
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


#: Ten colours for the ten digits (Paul Tol's "muted" palette, safe for colour-blind readers).
DIGIT_COLORS = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
                "#882255", "#44AA99", "#999933", "#AA4499", "#777777"]


def digits_row(images: np.ndarray, gap: int = 2) -> np.ndarray:
    """Place (n, 784) or (n, 28, 28) images side by side, ``gap`` blank pixels apart: (28, n * (28 + gap) - gap).

    Examples
    --------
    >>> digits_row(np.ones((3, 784)), gap=2).shape
    (28, 88)
    """
    images = np.asarray(images, dtype=float).reshape(-1, 28, 28)
    padded = np.pad(images, ((0, 0), (0, 0), (0, gap)))
    return padded.transpose(1, 0, 2).reshape(28, -1)[:, :-gap] if gap else \
        images.transpose(1, 0, 2).reshape(28, -1)
