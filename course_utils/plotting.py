"""The house plot style and figure helpers.

Colours are the Okabe-Ito palette, which stays distinguishable for the common
forms of colour blindness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
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

_FONTS = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10}
#: How much larger ``presenting=True`` draws everything: figures, their text and the demos'
#: controls grow together, so a legend keeps its place (larger fonts in a same-sized figure
#: once covered 01's lines).
PRESENTING_SCALE = 1.5


def house_style(presenting: bool = False) -> dict:
    """Return the course's matplotlib settings (``rcParams``) as a dict.

    Parameters
    ----------
    presenting : bool, default False
        Everything :data:`PRESENTING_SCALE` times larger, for a projector: the
        resolution grows (``figure.dpi``), so a figure and its text grow together
        and keep their layout.

    Examples
    --------
    >>> house_style()["figure.dpi"], house_style(presenting=True)["figure.dpi"]
    (100, 150.0)
    >>> house_style(presenting=True)["font.size"]  # points: larger on screen with the dpi
    11
    """
    if not isinstance(presenting, bool):
        raise TypeError(f"`presenting` must be True or False, got {presenting!r}")
    dpi = 100 * PRESENTING_SCALE if presenting else 100
    return {**_BASE_STYLE, **_FONTS, "figure.dpi": dpi, "savefig.dpi": dpi}


def display_scale() -> float:
    """How much larger than the normal 100 dpi figures are drawn now: 1, or :data:`PRESENTING_SCALE`.

    Examples
    --------
    >>> use_house_style(presenting=True); display_scale()
    1.5
    >>> use_house_style(); display_scale()
    1.0
    """
    return mpl.rcParams["figure.dpi"] / 100


def use_house_style(presenting: bool = False) -> None:
    """Apply :func:`house_style` to matplotlib's global settings."""
    mpl.rcParams.update(house_style(presenting))


def new_figure(figsize: tuple[float, float] = (6.0, 4.0), dpi: float | None = None) -> Figure:
    """A figure outside pyplot, drawn by the Agg renderer, at ``dpi`` (default: the house style's).

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
    fig = Figure(figsize=figsize, dpi=dpi or mpl.rcParams["figure.dpi"], layout="constrained")
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


# -- static figures of notebook 03: a network as a graph, a decision boundary -----------------
#: Orange (class 0, negative) through white to blue (class 1, positive), as in the playground.
ORANGE_BLUE = LinearSegmentedColormap.from_list("orange_blue", [COLORS["orange"], "white", COLORS["blue"]])


def draw_network(ax: Axes, layer_sizes: Sequence[int], weights: Sequence[np.ndarray] | None = None,
                 values: Sequence[Sequence[str]] | None = None,
                 layer_names: Sequence[str] | None = None) -> None:
    """Draw a fully connected network: circles for neurons, lines for weights.

    Parameters
    ----------
    ax : matplotlib Axes
    layer_sizes : sequence of int
        ``[n_0, ..., n_{L+1}]``, as for :class:`course_utils.mlp.MLP`.
    weights : list of arrays, optional
        ``W(k)`` of shape ``(n_k, n_{k-1})``: each line is labelled with its
        weight, blue if positive, orange if negative, wider if larger.
    values : list of lists of str, optional
        A text under each neuron, layer by layer (e.g. its activation).
    layer_names : list of str, optional
        A title above each layer.

    Examples
    --------
    >>> from course_utils.plotting import new_figure
    >>> ax = new_figure().add_subplot()
    >>> draw_network(ax, [2, 3, 1], layer_names=["x", "h(1)", "f(x)"])
    >>> len(ax.lines), len(ax.patches)
    (9, 6)
    """
    if len(layer_sizes) < 2:
        raise ValueError(f"`layer_sizes` needs at least two layers, got {list(layer_sizes)}")
    top = max(layer_sizes)
    ys = [np.linspace(top - 1, 0, n) if n > 1 else np.array([(top - 1) / 2]) for n in layer_sizes]
    dx = 2.6  # layers this far apart, rows 1 apart
    for k in range(len(layer_sizes) - 1):
        for j, y1 in enumerate(ys[k + 1]):
            for i, y0 in enumerate(ys[k]):
                w = None if weights is None else float(weights[k][j, i])
                colour = "grey" if w is None else (COLORS["blue"] if w >= 0 else COLORS["orange"])
                width = 1.0 if w is None else 0.6 + 1.2 * min(abs(w), 3)
                ax.plot([k * dx, (k + 1) * dx], [y0, y1], color=colour, lw=width, zorder=1)
                if w is not None:
                    t = 0.25 if layer_sizes[k] <= layer_sizes[k + 1] else 0.75  # where the lines fan out
                    ax.text((k + t) * dx, y0 + t * (y1 - y0), f"{w:g}", fontsize=8, ha="center", va="center",
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5}, zorder=2)
    for k, ys_k in enumerate(ys):
        for j, y in enumerate(ys_k):
            ax.add_patch(_circle(k * dx, y))
            if values is not None and values[k] is not None:
                ax.text(k * dx, y - 0.27, values[k][j], fontsize=8.5, ha="center", va="top", zorder=4,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
        if layer_names is not None:
            ax.text(k * dx, top - 0.55, layer_names[k], fontsize=10, ha="center", va="bottom", weight="bold")
    ax.set(xlim=(-1.0, (len(layer_sizes) - 1) * dx + 1.0), ylim=(-0.75, top - 0.15))
    ax.set_aspect("equal")
    ax.set_axis_off()


def _circle(x: float, y: float):
    from matplotlib.patches import Circle

    return Circle((x, y), 0.2, facecolor="white", edgecolor=COLORS["black"], lw=1.5, zorder=3)


def plot_boundary(ax: Axes, probability: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                  y: np.ndarray, extent: tuple[float, float, float, float] = (-0.5, 1.5, -0.5, 1.5),
                  title: str = "", resolution: int = 200) -> None:
    """Shade ``probability`` (of class 1) over a plane, draw its 0.5 contour and the labelled points.

    Parameters
    ----------
    probability : callable
        Maps points of shape ``(n, 2)`` to probabilities of shape ``(n,)``.
    X, y : arrays
        Points ``(n, 2)`` and their labels 0/1.
    """
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    p = np.asarray(probability(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.imshow(p, origin="lower", extent=extent, cmap=ORANGE_BLUE, vmin=0, vmax=1, alpha=0.8, aspect="auto")
    if p.min() < 0.49 and p.max() > 0.51:  # a boundary worth drawing (not a flat 0.5)
        ax.contour(gx, gy, p, levels=[0.5], colors=COLORS["black"], linewidths=1.5)
    for label, marker in ((0, "o"), (1, "s")):
        chosen = y == label
        ax.scatter(X[chosen, 0], X[chosen, 1], s=90, marker=marker, edgecolors="black", linewidths=1.2,
                   color=COLORS["blue"] if label else COLORS["orange"], label=f"class {label}", zorder=3)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x₁", ylabel="x₂", title=title)
    ax.grid(False)
