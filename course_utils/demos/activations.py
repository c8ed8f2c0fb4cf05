"""Demos of notebook 02, activation functions: a neuron's output and gradient, depth, softmax."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..activations import ACTIVATIONS, softmax
from ..mlp import MLP
from ..plotting import COLORS
from ..widgets import LivePlot, slider

__all__ = ["activation_demo", "depth_demo", "softmax_demo", "gradient_through_depth",
           "ACTIVATION_CHOICES", "DEPTH_CHOICES"]

#: The dropdown's entries: label shown -> name in :data:`course_utils.activations.ACTIVATIONS`.
ACTIVATION_CHOICES = {"step": "step", "sigmoid": "sigmoid", "tanh": "tanh", "ReLU": "relu",
                      "leaky ReLU (0.01)": "leaky_relu", "GELU": "gelu"}

#: The formula drawn in the figure, in matplotlib's mathtext.
FORMULAS = {
    "step": r"$g(a) = 1$ if $a \geq 0$, else $0$",
    "sigmoid": r"$\sigma(a) = \dfrac{1}{1 + e^{-a}}$",
    "tanh": r"$\tanh(a) = \dfrac{e^{a} - e^{-a}}{e^{a} + e^{-a}}$",
    "relu": r"$\mathrm{ReLU}(a) = \max(0, a)$",
    "leaky_relu": r"$\max(0.01\,a,\ a)$",
    "gelu": r"$\mathrm{GELU}(a) = a\,\Phi(a)$",
}

#: The activations with a kink (or jump) at 0, where the derivative is not defined.
KINKED = ("step", "relu", "leaky_relu")

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")  # plain text: mathtext is slow to parse

#: Below this, a derivative counts as "flat": the gradient through the neuron almost vanishes.
FLAT = 0.01


def _choice(name: str, choices: dict[str, str]) -> str:
    if name not in choices.values():
        raise ValueError(f"`name` must be one of {sorted(choices.values())}, got {name!r}")
    return name


def _dropdown(name: str, choices: dict[str, str]) -> W.Dropdown:
    return W.Dropdown(options=list(choices.items()), value=name, description="activation g",
                      style={"description_width": "initial"})


def activation_demo(name: str = "sigmoid", w: float = 1.0, b: float = 0.0) -> LivePlot:
    """Pick an activation; move w and b; see where nine inputs land on g and on g'.

    The inputs ``x = -2, -1.5, ..., 2`` become pre-activations ``a = w x + b``
    (the shaded band). Left, the neuron's outputs ``g(a)``; right, the local
    derivative ``g'(a)`` that every gradient through the neuron is multiplied
    by. Points where ``|g'(a)| < 0.01`` (saturated sigmoid/tanh, dead ReLU) are
    drawn in vermillion.

    Examples
    --------
    >>> demo = activation_demo("relu", w=1.0, b=-1.0)
    >>> demo.status.value.split("<b>")[1].split("</b>")[0]
    'flat for 7 of 9 inputs'
    """
    name = _choice(name, ACTIVATION_CHOICES)
    x = np.linspace(-2, 2, 9)
    grid = np.linspace(-10, 10, 801)
    output_ylim = {"step": (-0.15, 1.15), "sigmoid": (-0.15, 1.15), "tanh": (-1.15, 1.15)}

    def draw(fig):
        ax_g, ax_d = fig.subplots(1, 2)
        ax_g.set(xlim=(-10, 10), xlabel="pre-activation a = w·x + b", ylabel="output g(a)",
                 title="The neuron's output g(a)")
        ax_d.set(xlim=(-10, 10), ylim=(-0.2, 1.2), xlabel="pre-activation a = w·x + b",
                 ylabel="derivative g′(a)", title="Its derivative g′(a)")
        artists = {"ax_g": ax_g}
        for key, ax, color in (("g", ax_g, COLORS["blue"]), ("d", ax_d, COLORS["orange"])):
            ax.axhline(0, color="grey", lw=0.8)
            artists[f"band_{key}"] = ax.axvspan(-2, 2, color=COLORS["sky"], alpha=0.2, lw=0,
                                                label="range of a over the inputs")
            artists[f"curve_{key}"], = ax.plot(grid, grid * 0, color=color,
                                              label="g(a)" if key == "g" else "g′(a)")
            artists[f"live_{key}"], = ax.plot([], [], "o", color=COLORS["black"], ms=6,
                                              label="inputs x = -2 … 2")
            artists[f"flat_{key}"], = ax.plot([], [], "o", color=COLORS["vermillion"], ms=6,
                                              label=f"flat: |g′(a)| < {FLAT}")
        artists["formula"] = ax_g.text(0.03, 0.95, "", transform=ax_g.transAxes, va="top",
                                       fontsize=12)
        ax_d.legend(loc="upper left", fontsize=8)
        return artists

    def update(artists, name, w, b):
        g, dg = ACTIVATIONS[name]
        a = w * x + b
        out, slope = g(a), dg(a)
        flat = np.abs(slope) < FLAT
        artists["ax_g"].set_ylim(*output_ylim.get(name, (-1.0, 10.0)))
        artists["formula"].set_text(FORMULAS[name])
        curve_g, curve_d = g(grid), dg(grid)
        if name in KINKED:  # not differentiable at 0: break the curves there
            curve_d[grid == 0] = np.nan
            if name == "step":
                curve_g[grid == 0] = np.nan
        artists["curve_g"].set_ydata(curve_g)
        artists["curve_d"].set_ydata(curve_d)
        for key, values in (("g", out), ("d", slope)):
            artists[f"live_{key}"].set_data(a[~flat], values[~flat])
            artists[f"flat_{key}"].set_data(a[flat], values[flat])
            lo, hi = a.min(), a.max()
            artists[f"band_{key}"].set_x(lo)
            artists[f"band_{key}"].set_width(max(hi - lo, 0.05))
        label = next(k for k, v in ACTIVATION_CHOICES.items() if v == name)
        if name == "step":
            why = "the step's derivative is 0 everywhere: no gradient at all"
        elif name == "relu" and flat.any():
            why = "ReLU is dead for a ≤ 0: g′ = 0, these inputs pass no gradient"
        elif name == "gelu" and flat.any():
            why = "GELU is nearly flat for a ≪ 0, like a dead ReLU"
        elif flat.any():
            why = "saturated: g is flat there, so the gradient almost vanishes"
        else:
            why = "every input passes a useful gradient"
        return (f"{label}: a from {a.min():.1f} to {a.max():.1f} → outputs {out.min():.2f} … "
                f"{out.max():.2f}; mean g′(a) = {slope.mean():.3f}; "
                f"<b>flat for {flat.sum()} of {len(x)} inputs</b> ({why})")

    controls = {"name": _dropdown(name, ACTIVATION_CHOICES),
                "w": slider(w, -3.0, 3.0, 0.1, "weight w"),
                "b": slider(b, -6.0, 6.0, 0.1, "bias b")}
    return LivePlot(draw, update, controls, figsize=(8.0, 3.3),
                    title="A neuron's output and its derivative")


def gradient_through_depth(name: str, depth: int, scale: float = 1.0, width: int = 32,
                           batch: int = 64, seed: int = 0) -> dict[str, np.ndarray]:
    """Backpropagate through a stack of ``depth`` dense layers with random weights.

    Layer ``k`` computes :math:`\\mathbf a_k = W_k \\mathbf h_{k-1}`,
    :math:`\\mathbf h_k = g(\\mathbf a_k)`, with weights drawn from
    :math:`N(0, (\\text{scale}/\\sqrt{\\text{width}})^2)` and no bias, on ``batch``
    standard normal inputs; the loss :math:`L` is the sum of the last layer's outputs
    over the batch. By the chain rule,

    .. math:: \\frac{\\partial L}{\\partial \\mathbf a_k} = g'(\\mathbf a_k) \\odot
              W_{k+1}^\\top \\frac{\\partial L}{\\partial \\mathbf a_{k+1}} ,

    so every layer multiplies the gradient by a factor :math:`g'(\\mathbf a_k)` once more.
    The stack is an :class:`course_utils.mlp.MLP` (its ``forward_pass`` and
    ``backward_pass``) whose output layer sums the last hidden layer.

    Returns
    -------
    dict
        ``"grad"``: the root-mean-square of :math:`\\partial L / \\partial \\mathbf a_k`
        (over the batch and the units) for each layer ``k = 1 … depth``;
        ``"slope"``: the mean :math:`g'(\\mathbf a_k)` per layer; ``"dead"``: the
        fraction of units per layer whose :math:`g'` is 0 for every input.

    Examples
    --------
    >>> r = gradient_through_depth("sigmoid", depth=10)
    >>> bool(r["grad"][0] < 1e-4 * r["grad"][-1])
    True
    """
    name = _choice(name, {k: k for k in ACTIVATIONS})
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"`depth` must be an integer >= 1, got {depth!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"`scale` must be a number > 0, got {scale!r}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, width))
    weights = rng.normal(size=(depth, width, width)) * (scale / np.sqrt(width))
    # The stack is an MLP whose output layer sums the last hidden layer: L = sum of f over the batch.
    net = MLP([width] * (depth + 1) + [1], activation=name, output="identity")
    net.weights = [*weights, np.ones((1, width))]
    net.biases = [np.zeros(width)] * depth + [np.zeros(1)]
    H, A = net.forward_pass(X)
    deltas = net.backward_pass(H, A, np.ones((batch, 1)))  # dL/da(L+1) = 1 per sample
    local = [ACTIVATIONS[name][1](a) for a in A[:-1]]  # g'(a_k)
    grad = np.array([np.sqrt(np.mean(d ** 2)) for d in deltas[:-1]])
    slope = np.array([g.mean() for g in local])
    dead = np.array([np.mean(np.all(g == 0, axis=0)) for g in local])
    return {"grad": grad, "slope": slope, "dead": dead}


DEPTH_CHOICES = {k: v for k, v in ACTIVATION_CHOICES.items() if v != "step"}


def depth_demo(name: str = "sigmoid", depth: int = 20, scale: float = 1.0) -> LivePlot:
    """How large is the gradient at each layer of a deep stack? Pick g, the depth and the weight scale.

    Left, the gradient reaching layer k relative to the top layer's, on a log
    scale: a sigmoid stack loses a factor of about 4 or more per layer.
    Right, the mean local derivative g'(a) per layer, the factor each layer multiplies by.
    """
    name = _choice(name, DEPTH_CHOICES)
    max_depth = 40
    layers = np.arange(1, max_depth + 1)

    def draw(fig):
        ax, ax_s = fig.subplots(1, 2, width_ratios=[1.3, 1])
        ax.set(xlim=(0.5, max_depth + 0.5), ylim=(1e-30, 1e15), yscale="log",
               xlabel="layer k (1 = nearest the input)",
               ylabel="gradient at layer k ÷ at the top",
               title="Gradient reaching each layer", yticks=10.0 ** np.arange(-30, 13, 6))
        ax.axhline(1, color="grey", lw=1, ls="--")
        ax.axhspan(1e-30, 1e-6, color=COLORS["vermillion"], alpha=0.08, lw=0)
        ax.axhspan(1e6, 1e15, color=COLORS["orange"], alpha=0.1, lw=0)
        ax.text(1.5, 1e-28, "vanished (< 10⁻⁶)", color=COLORS["vermillion"], fontsize=9)
        ax.text(1.5, 1e12, "exploded (> 10⁶)", color=COLORS["orange"], fontsize=9)
        ax_s.set(xlim=(0.5, max_depth + 0.5), ylim=(-0.05, 1.3), xlabel="layer k",
                 ylabel="mean g′(a) in layer k", title="Local factor per layer")
        ax_s.axhline(0.25, color="grey", lw=0.8, ls=":")
        ax_s.text(max_depth, 0.27, "sigmoid's max 0.25", ha="right", fontsize=8, color="grey")
        ratio, = ax.plot([], [], "o-", color=COLORS["blue"], ms=3)
        slope, = ax_s.plot([], [], "o-", color=COLORS["orange"], ms=3)
        note = ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=10)
        return {"ratio": ratio, "slope": slope, "note": note}

    def update(artists, name, depth, scale):
        r = gradient_through_depth(name, depth, scale)
        top = r["grad"][-1]
        rel = r["grad"] / top if top > 0 else np.zeros(depth)
        artists["ratio"].set_data(layers[:depth], np.where(rel > 0, rel, np.nan))
        artists["slope"].set_data(layers[:depth], r["slope"])
        if top == 0:
            text = "no gradient even at the top: every top unit is dead"
        elif rel[0] == 0:
            text = "layer 1 gets no gradient at all"
        else:
            mantissa, exponent = f"{rel[0]:.1e}".split("e")
            power = str(int(exponent)).translate(SUPERSCRIPT)
            text = f"layer 1 gets {mantissa} × 10{power} of the top's"
        verdict = ("vanished" if rel[0] < 1e-6 else "exploded" if rel[0] > 1e6
                   else "shrinking" if rel[0] < 1e-2 else "growing" if rel[0] > 1e2
                   else "about the same size")
        artists["note"].set_text(text.replace(" gets", ":").replace(" of the top's", ""))
        dead = f"; dead units: {r['dead'].mean():.0%}" if name == "relu" else ""
        return (f"{depth} layers, weights × {scale:.2f}/√32: <b>{text}</b> ({verdict}); "
                f"mean g′(a) = {r['slope'].mean():.3f}{dead}")

    controls = {"name": _dropdown(name, DEPTH_CHOICES),
                "depth": W.IntSlider(value=depth, min=1, max=max_depth, step=1,
                                     description="depth (layers)",
                                     style={"description_width": "initial"}),
                "scale": slider(scale, 0.25, 3.0, 0.05, "weight scale")}
    return LivePlot(draw, update, controls, figsize=(8.0, 3.3),
                    title="Vanishing (and exploding) gradients over depth")


def softmax_demo(logits: tuple[float, ...] = (2.0, 1.0, 0.1, -1.0),
                 temperature: float = 1.0) -> LivePlot:
    """Four logits on sliders and a temperature; the softmax probabilities as bars, live.

    The temperature slider is logarithmic, from 0.1 (nearly one-hot) to 10
    (nearly uniform); it never reaches 0, where softmax would divide by zero.
    """
    classes = ["cat", "dog", "bird", "fish"]
    if len(logits) != len(classes):
        raise ValueError(f"`logits` must hold {len(classes)} numbers, got {len(logits)}")
    positions = np.arange(len(classes))
    colors = [COLORS[c] for c in ("blue", "orange", "green", "purple")]

    def draw(fig):
        ax_z, ax_p = fig.subplots(1, 2)
        ax_z.set(ylim=(-5.5, 5.5), xticks=positions, xticklabels=classes, ylabel="logit z",
                 title="Scores (logits) z", xlabel="class")
        ax_z.axhline(0, color="grey", lw=0.8)
        ax_p.set(ylim=(0, 1.1), xticks=positions, xticklabels=classes, xlabel="class",
                 ylabel="probability", title="softmax(z / T): sums to 1")
        ax_p.axhline(1 / len(classes), color="grey", lw=1, ls="--", label="uniform 1/4")
        ax_p.legend(loc="upper right", fontsize=9)
        bars_z = list(ax_z.bar(positions, np.zeros(len(classes)), color=colors))
        bars_p = list(ax_p.bar(positions, np.zeros(len(classes)), color=colors))
        labels = [ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=10) for i in positions]
        return {"bars_z": bars_z, "bars_p": bars_p, "labels": labels}

    def update(artists, z1, z2, z3, z4, temperature):
        z = np.array([z1, z2, z3, z4])
        p = softmax(z, temperature=temperature)
        for bar, value in zip(artists["bars_z"], z):
            bar.set_height(value)
        for bar, label, value in zip(artists["bars_p"], artists["labels"], p):
            bar.set_height(value)
            label.set_y(value + 0.01)
            label.set_text(f"{value:.2f}")
        return (f"T = {temperature:.2f}: p = " + ", ".join(f"{c} {v:.3f}" for c, v in zip(classes, p))
                + f" (sum = {p.sum():.3f}); predicted class: <b>{classes[int(np.argmax(p))]}</b>")

    controls = {f"z{i + 1}": slider(float(v), -5.0, 5.0, 0.1, f"z{i + 1} ({c})", ".1f")
                for i, (c, v) in enumerate(zip(classes, logits))}
    controls["temperature"] = W.FloatLogSlider(
        value=temperature, base=10, min=-1, max=1, step=0.05, description="temperature T",
        readout_format=".2f", style={"description_width": "initial"})
    return LivePlot(draw, update, controls, figsize=(8.0, 3.3),
                    title="Softmax: logits to probabilities")
