"""Demos of notebook 01, the single neuron: fit a line by hand, watch gradient descent, squash with a sigmoid."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..activations import sigmoid
from ..data import celsius_table
from ..losses import mse
from ..neuron import gradient_descent, pre_activation
from ..plotting import COLORS
from ..widgets import LivePlot, slider

__all__ = ["line_fit_demo", "descent_demo", "sigmoid_demo"]


def line_fit_demo(w: float = 1.0, b: float = 10.0) -> LivePlot:
    """Sliders for w and b; the line ``a = w x + b`` over the Celsius data and its MSE.

    The vertical segments are the errors the MSE squares and averages.
    """
    x, y = celsius_table()
    grid = np.linspace(-5, 30, 2)

    def draw(fig):
        ax = fig.add_subplot(xlim=(-5, 30), ylim=(-20, 130), xlabel="x: temperature (°C)",
                             ylabel="a: prediction (°F)", title="Pre-activation a = w·x + b")
        ax.plot(grid, 1.8 * grid + 32, "--", color="grey", lw=1.2, label="lecture: 1.8·x + 32")
        ax.plot(x, y, "o", color=COLORS["black"], label="data (°C → °F)", zorder=3)
        line, = ax.plot(grid, grid, color=COLORS["blue"], label="our neuron")
        errors, = ax.plot([], [], color=COLORS["vermillion"], lw=1.5, label="errors")
        text = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top", fontsize=12)
        # Beside the plot: inside, some (w, b) would draw the line under it.
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
        return {"line": line, "errors": errors, "text": text}

    def update(artists, w, b):
        prediction = pre_activation(x, w, b)
        artists["line"].set_ydata(pre_activation(grid, w, b))
        nan = np.full_like(x, np.nan)
        artists["errors"].set_data(np.c_[x, x, nan].ravel(), np.c_[y, prediction, nan].ravel())
        loss = mse(prediction, y)
        artists["text"].set_text(f"MSE = {loss:,.2f} (°F)²")
        return f"w = {w:.2f}, b = {b:.1f} → MSE = <b>{loss:,.2f}</b>"

    controls = {"w": slider(w, -1.0, 4.0, 0.05, "w (°F per °C)"),
                "b": slider(b, -10.0, 60.0, 0.5, "b (°F)", ".1f")}
    return LivePlot(draw, update, controls, title="Fit the line by hand")


MAX_STEPS = 5000  # the steps slider's end


def descent_demo(lr: float = 0.005, steps: int = 1000, w0: float = 0.0, b0: float = 0.0) -> LivePlot:
    """Gradient descent on the Celsius data: learning rate, steps and initial value as controls.

    Left, the loss surface L(w, b) with the path; right, the loss per step. A
    rate that makes the loss explode is reported as "diverged".
    """
    x, y = celsius_table()
    w_grid, b_grid = np.meshgrid(np.linspace(-1, 8, 181), np.linspace(-10, 50, 181))
    surface = np.mean((w_grid[..., None] * x + b_grid[..., None] - y) ** 2, axis=-1)

    def draw(fig):
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1.15, 1])
        levels = np.linspace(-1, 4.5, 23)  # log10 of the MSE, 0.1 to 30,000 (°F)²
        log_surface = np.log10(surface + 0.1)
        ax.contourf(w_grid, b_grid, log_surface, levels=levels, cmap="viridis", alpha=0.85)
        ax.contour(w_grid, b_grid, log_surface, levels=levels, colors="white", linewidths=0.4)
        ax.plot([1.8], [32], "*", color="white", ms=14, mec="black", label="minimum (1.8, 32)")
        ax.set(xlim=(-1, 8), ylim=(-10, 50), xlabel="w", ylabel="b",
               title="Loss surface log₁₀ L(w, b) and the path")
        path, = ax.plot([], [], ".-", color=COLORS["orange"], lw=1.2, ms=3, label="descent path")
        start, = ax.plot([], [], "o", color=COLORS["sky"], mec="black", label="initial value")
        ax.legend(loc="upper right", fontsize=9)
        # both axes fixed (steps on a log scale, up to the slider's 5,000): a run that blows up
        # at step 5 and one that converges over 5,000 share the axes, and no frame redraws them
        ax_loss.set(xscale="log", xlim=(1, MAX_STEPS), yscale="log", ylim=(1e-6, 1e8),
                    xlabel="step (log scale)", ylabel="MSE (°F)²", title="Loss per step")
        curve, = ax_loss.plot([], [], color=COLORS["blue"])
        note = ax_loss.text(0.5, 0.5, "", transform=ax_loss.transAxes, ha="center",
                            color=COLORS["vermillion"], fontsize=13, weight="bold")
        return {"ax_loss": ax_loss, "path": path, "start": start, "curve": curve, "note": note}

    def update(artists, lr, steps, w0, b0):
        history = gradient_descent(x, y, w0, b0, lr=lr, steps=steps)
        every = max(1, len(history.w) // 400)  # a few hundred points draw as well as 5000
        w_path, b_path = history.w[::every].copy(), history.b[::every].copy()
        far = (np.abs(w_path - 3.5) > 20) | (np.abs(b_path - 20) > 100)  # left the picture for good
        w_path[far], b_path[far] = np.nan, np.nan
        artists["path"].set_data(w_path, b_path)
        artists["start"].set_data([w0], [b0])
        loss = np.maximum(history.loss, 1e-12)
        artists["curve"].set_data(np.arange(1, len(loss)), loss[1:])  # after each step
        if history.diverged:
            artists["note"].set_text(f"diverged at step {history.diverged_at}")
            return (f'<b style="color:#D55E00">diverged</b> at step {history.diverged_at}: '
                    f"the learning rate {lr:.4g} is too large")
        artists["note"].set_text("")
        return (f"after {steps} steps: w = {history.w[-1]:.3f}, b = {history.b[-1]:.3f}, "
                f"MSE = {history.loss[-1]:.4g}")

    controls = {
        "lr": W.FloatLogSlider(value=lr, base=10, min=-4, max=-2, step=0.05,
                               description="learning rate η", readout_format=".5f",
                               style={"description_width": "initial"}),
        "steps": W.IntSlider(value=steps, min=10, max=MAX_STEPS, step=10, description="steps",
                             style={"description_width": "initial"}),
        "w0": slider(w0, -1.0, 8.0, 0.1, "initial w"),
        "b0": slider(b0, -10.0, 50.0, 1.0, "initial b", ".0f"),
    }
    return LivePlot(draw, update, controls, figsize=(9.0, 3.8),
                    title="Gradient descent on the Celsius data", kind="retrain")


def sigmoid_demo(w: float = 1.8, b: float = 32.0) -> LivePlot:
    """The activation ``F = g(w x + b)`` with the sigmoid g, over the Celsius inputs."""
    x, _ = celsius_table()
    grid = np.linspace(-40, 40, 400)

    def draw(fig):
        ax = fig.add_subplot(xlim=(-40, 40), ylim=(-0.05, 1.05), xlabel="x: temperature (°C)",
                             ylabel="F = g(w·x + b)", title="Sigmoid activation of the neuron")
        ax.axhline(0.5, color="grey", lw=0.8, ls=":")
        curve, = ax.plot(grid, grid * 0, color=COLORS["blue"])
        points, = ax.plot([], [], "o", color=COLORS["black"], label="the four inputs")
        ax.legend(loc="lower right")
        return {"curve": curve, "points": points}

    def update(artists, w, b):
        artists["curve"].set_ydata(sigmoid(pre_activation(grid, w, b)))
        outputs = sigmoid(pre_activation(x, w, b))
        artists["points"].set_data(x, outputs)
        return "F at 0, 8, 15, 22 °C: " + ", ".join(f"{v:.3f}" for v in outputs)

    controls = {"w": slider(w, -3.0, 3.0, 0.05, "w"), "b": slider(b, -40.0, 40.0, 0.5, "b", ".1f")}
    return LivePlot(draw, update, controls, title="F = g(w·x + b)")
