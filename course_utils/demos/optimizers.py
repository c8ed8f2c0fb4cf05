"""Demos of notebook 04, losses and optimizers.

- :func:`cross_entropy_demo`: move the probability a classifier gives the true class, see the loss.
- :func:`optimizer_race_demo`: SGD, momentum, Nesterov, RMSProp and Adam race on 2-D loss surfaces.
- :func:`minibatch_demo`: curve fitting with a small network; batch size, epochs, learning rate.
- :func:`initial_value_demo`: the same network and data, started from other initial weights.

Also the pieces the notebook uses: the :data:`SURFACES` and :func:`race` (with
:func:`torch_race`, the same race run by ``torch.optim``), and a tiny network
:class:`TinyNet` for the curve-fitting data of :func:`curve_data`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection

from ..losses import cross_entropy, mse
from ..notebook import session_seed
from ..optim import SGD, Adam, Optimizer, RMSProp
from ..plotting import COLORS
from ..widgets import LivePlot, slider

__all__ = ["Surface", "SURFACES", "OPTIMIZERS", "ADAPTIVE", "make_optimizer", "make_torch_optimizer",
           "Run", "race", "torch_race", "curve_data", "TinyNet", "epoch_orders", "CurveRun",
           "fit_curve", "cross_entropy_demo", "optimizer_race_demo", "minibatch_demo",
           "initial_value_demo"]

#: The optimizers that race, by the lecture table's abbreviations (momentum 0.9 where there is one).
OPTIMIZERS: dict[str, Callable[[list, float], Optimizer]] = {
    "SGD": lambda params, lr: SGD(params, lr),
    "SGD w/ momentum": lambda params, lr: SGD(params, lr, momentum=0.9),
    "SGD w/ Nesterov": lambda params, lr: SGD(params, lr, momentum=0.9, nesterov=True),
    "RMSProp": lambda params, lr: RMSProp(params, lr),
    "Adam": lambda params, lr: Adam(params, lr),
}
#: The optimizers whose step is divided by a running root-mean-square of the gradient.
ADAPTIVE = ("RMSProp", "Adam")
RACE_COLORS = dict(zip(OPTIMIZERS, (COLORS["black"], COLORS["sky"], COLORS["blue"],
                                    COLORS["orange"], COLORS["vermillion"])))
#: A racer that leaves this box (or whose position is not finite) has diverged.
BLOWUP = 1e3


def make_optimizer(name: str, params: list[np.ndarray], lr: float) -> Optimizer:
    """One of :data:`OPTIMIZERS`, from scratch, on ``params``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"`name` must be one of {list(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](params, lr)


def make_torch_optimizer(name: str, params: list, lr: float):
    """The ``torch.optim`` optimizer with the same settings as ``make_optimizer(name, ...)``."""
    import torch

    makers = {
        "SGD": lambda: torch.optim.SGD(params, lr),
        "SGD w/ momentum": lambda: torch.optim.SGD(params, lr, momentum=0.9),
        "SGD w/ Nesterov": lambda: torch.optim.SGD(params, lr, momentum=0.9, nesterov=True),
        "RMSProp": lambda: torch.optim.RMSprop(params, lr),
        "Adam": lambda: torch.optim.Adam(params, lr),
    }
    if name not in makers:
        raise ValueError(f"`name` must be one of {list(makers)}, got {name!r}")
    return makers[name]()


# -- 2-D loss surfaces ------------------------------------------------------------------------
@dataclass(frozen=True)
class Surface:
    """A 2-D loss ``f(x, y)`` with its gradient, shown on the box [-2, 2] x [-2, 2].

    ``f`` works on NumPy arrays and on PyTorch tensors alike (only + - * and
    powers), so PyTorch's autograd can differentiate it; ``grad`` is by hand.
    ``lr_sgd``, ``lr_adaptive`` and ``start`` are the settings the race starts from.
    """

    name: str
    formula: str
    f: Callable
    grad: Callable
    minimum: tuple[float, float]
    start: tuple[float, float]
    lr_sgd: float
    lr_adaptive: float

    @property
    def f_min(self) -> float:
        return float(self.f(*self.minimum))


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2])


#: The race's surfaces, by name. Beale's function has its axes scaled by 2 to fit the box.
SURFACES: dict[str, Surface] = {s.name: s for s in [
    Surface("bowl", "x² + y²",
            lambda x, y: x ** 2 + y ** 2,
            lambda x, y: np.array([2 * x, 2 * y]),
            (0.0, 0.0), (-1.5, 1.6), 0.05, 0.05),
    Surface("elongated valley", "0.1 x² + 2 y²",
            lambda x, y: 0.1 * x ** 2 + 2 * y ** 2,
            lambda x, y: np.array([0.2 * x, 4 * y]),
            (0.0, 0.0), (-1.8, 1.5), 0.1, 0.05),
    Surface("Rosenbrock", "(1 − x)² + 100 (y − x²)²",
            lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
            lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)]),
            (1.0, 1.0), (-1.2, 1.0), 0.001, 0.03),
    Surface("saddle", "x² + y⁴ − 2 y²  (saddle at 0, minima at y = ±1)",
            lambda x, y: x ** 2 + y ** 4 - 2 * y ** 2,
            lambda x, y: np.array([2 * x, 4 * y ** 3 - 4 * y]),
            (0.0, 1.0), (-1.8, 0.01), 0.02, 0.02),
    Surface("Beale", "Beale(2x, 2y)",
            lambda x, y: _beale(2 * x, 2 * y),
            lambda x, y: 2 * _beale_grad(2 * x, 2 * y),
            (1.5, 0.25), (0.5, 0.9), 0.002, 0.02),
]}


@dataclass
class Run:
    """One racer's run: its path (the start included), the loss above the minimum along it."""

    path: np.ndarray  # (k + 1, 2)
    gap: np.ndarray  # f - f_min at each point, (k + 1,)
    diverged_at: int | None  # the step at which it left the box, or None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def _lr_for(name: str, lr_sgd: float, lr_adaptive: float) -> float:
    return lr_adaptive if name in ADAPTIVE else lr_sgd


def race(surface: Surface | str, start: Sequence[float], steps: int, lr_sgd: float, lr_adaptive: float,
         names: Sequence[str] = tuple(OPTIMIZERS)) -> dict[str, Run]:
    """Run each optimizer in ``names`` from ``start`` for ``steps`` steps, with our optimizers.

    SGD and its momentum variants use ``lr_sgd``; RMSProp and Adam, whose step
    hardly depends on the gradient's size, use ``lr_adaptive``. A racer stops
    when it leaves the box ``|x|, |y| < 1000`` or is no longer finite (diverged).

    Examples
    --------
    >>> runs = race("bowl", (1.0, 1.0), steps=100, lr_sgd=0.1, lr_adaptive=0.05, names=["SGD"])
    >>> bool(runs["SGD"].gap[-1] < 1e-12), runs["SGD"].diverged
    (True, False)
    """
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    runs = {}
    with np.errstate(all="ignore"):
        for name in names:
            p = np.array(start, dtype=float)
            opt = make_optimizer(name, [p], _lr_for(name, lr_sgd, lr_adaptive))
            path = np.empty((steps + 1, 2))
            path[0] = p
            diverged_at = None
            for k in range(1, steps + 1):
                opt.step([surface.grad(p[0], p[1])])
                if not (abs(p[0]) < BLOWUP and abs(p[1]) < BLOWUP):  # also catches NaN
                    diverged_at = k
                    break
                path[k] = p
            path = path[:k] if diverged_at else path
            runs[name] = Run(path, surface.f(path[:, 0], path[:, 1]) - surface.f_min, diverged_at)
    return runs


def torch_race(surface: Surface | str, start: Sequence[float], steps: int, lr_sgd: float,
               lr_adaptive: float, names: Sequence[str] = tuple(OPTIMIZERS)) -> dict[str, Run]:
    """The same race as :func:`race`, run by ``torch.optim`` with gradients from autograd (float64)."""
    import torch

    surface = SURFACES[surface] if isinstance(surface, str) else surface
    runs = {}
    for name in names:
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        opt = make_torch_optimizer(name, [p], _lr_for(name, lr_sgd, lr_adaptive))
        path = [p.detach().numpy().copy()]
        diverged_at = None
        for k in range(1, steps + 1):
            opt.zero_grad()
            surface.f(p[0], p[1]).backward()
            opt.step()
            point = p.detach().numpy().copy()
            if not (abs(point[0]) < BLOWUP and abs(point[1]) < BLOWUP):
                diverged_at = k
                break
            path.append(point)
        path = np.array(path)
        runs[name] = Run(path, surface.f(path[:, 0], path[:, 1]) - surface.f_min, diverged_at)
    return runs


def _surface_picture(surface: Surface, n: int = 201):
    """The log-loss image and its contour lines (as segments) over the box."""
    import contourpy

    grid = np.linspace(-2, 2, n)
    X, Y = np.meshgrid(grid, grid)
    Z = np.log10(surface.f(X, Y) - surface.f_min + 1e-2)
    levels = np.linspace(Z.min(), Z.max(), 16)[1:-1]
    gen = contourpy.contour_generator(X, Y, Z)
    segments = [line for level in levels for line in gen.lines(level)]
    return Z, segments


def optimizer_race_demo(surface: str = "Rosenbrock", steps: int = 300,
                        racers: Sequence[str] = tuple(OPTIMIZERS)) -> LivePlot:
    """Race the optimizers on a 2-D loss surface; their paths drawn on its contour plot.

    Controls: the surface, the two learning rates (SGD family; RMSProp and Adam),
    the number of steps, the start point and which optimizers race. Choosing a
    surface moves the start point and the rates to that surface's suggestions.
    A racer that leaves the box is reported as diverged, with the step.
    """
    if surface not in SURFACES:
        raise ValueError(f"`surface` must be one of {list(SURFACES)}, got {surface!r}")
    pictures: dict[str, tuple] = {}

    def picture(name):
        if name not in pictures:
            pictures[name] = _surface_picture(SURFACES[name])
        return pictures[name]

    def draw(fig):
        ax, ax_loss, ax_board = fig.subplots(1, 3, width_ratios=[1.25, 1.0, 0.55])
        ax.set(xlim=(-2, 2), ylim=(-2, 2), xlabel="x", ylabel="y", aspect="equal",
               title="Paths on the loss surface")
        ax.grid(False)
        image = ax.imshow(picture(surface)[0], extent=(-2, 2, -2, 2), origin="lower", cmap="Greys",
                          alpha=0.55, interpolation="bilinear")
        lines = LineCollection([], colors="0.35", linewidths=0.6)
        ax.add_collection(lines)
        formula = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
                          bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        minimum, = ax.plot([], [], "*", color=COLORS["yellow"], mec="black", ms=15, label="minimum")
        start, = ax.plot([], [], "o", color="white", mec="black", ms=8, label="start")
        paths = {n: ax.plot([], [], "-", color=c, lw=1.6)[0] for n, c in RACE_COLORS.items()}
        ends = {n: ax.plot([], [], "o", color=c, mec="black", ms=6)[0] for n, c in RACE_COLORS.items()}
        ax_loss.set(xscale="log", yscale="log", xlim=(1, 1000), ylim=(1e-8, 1e5),
                    xlabel="step (log scale)", ylabel="f − f(minimum)", title="Loss above the minimum")
        curves = {n: ax_loss.plot([], [], color=c, lw=1.6, label=n)[0] for n, c in RACE_COLORS.items()}
        ax_board.axis("off")
        ax_board.set(xlim=(0, 1), ylim=(0, 1))
        ax_board.set_title("Result", loc="left")
        board = {}
        for i, (n, c) in enumerate(RACE_COLORS.items()):
            ax_board.text(0.0, 0.95 - 0.19 * i, n, color=c, weight="bold", fontsize=10, va="top")
            board[n] = ax_board.text(0.0, 0.95 - 0.19 * i - 0.07, "", color=c, fontsize=9, va="top")
        return {"image": image, "lines": lines, "formula": formula,
                "minimum": minimum, "start": start, "paths": paths, "ends": ends, "curves": curves,
                "board": board}

    def update(artists, surface, lr_sgd, lr_adaptive, steps, x0, y0, racers):
        s = SURFACES[surface]
        Z, segments = picture(surface)
        artists["image"].set_data(Z)
        artists["image"].set_clim(Z.min(), Z.max())
        artists["lines"].set_segments(segments)
        artists["formula"].set_text(f"{s.name}: f = {s.formula}")
        artists["minimum"].set_data([s.minimum[0]], [s.minimum[1]])
        artists["start"].set_data([x0], [y0])
        runs = race(s, (x0, y0), steps, lr_sgd, lr_adaptive, names=racers)
        report = []
        for name in OPTIMIZERS:
            path_line, end, curve, text = (artists[k][name] for k in ("paths", "ends", "curves", "board"))
            run = runs.get(name)
            for artist in (path_line, end, curve):
                artist.set_visible(run is not None)
            if run is None:
                text.set_text("not racing")
                continue
            every = max(1, len(run.path) // 400)  # a few hundred points draw as well as 1000
            shown = np.r_[run.path[::every], run.path[-1:]]
            path_line.set_data(shown[:, 0], shown[:, 1])
            end.set_data([shown[-1, 0]], [shown[-1, 1]])
            end.set_marker("X" if run.diverged else "o")
            curve.set_data(np.arange(1, len(run.gap)), np.clip(run.gap[1:], 1e-12, 1e12))
            if run.diverged:
                text.set_text(f"diverged at step {run.diverged_at}")
                report.append(f'<b style="color:#D55E00">{name}: diverged</b> at step {run.diverged_at}')
            else:
                x, y = run.path[-1]
                text.set_text(f"f − f* = {run.gap[-1]:.1e}\nat ({round(x, 2) + 0:.2f}, {round(y, 2) + 0:.2f})")
                report.append(f"{name}: f − f* = {run.gap[-1]:.2e}")
        if not report:
            return "choose at least one optimizer to race"
        return f"after {steps} steps: " + "; ".join(report)

    s = SURFACES[surface]
    style = {"description_width": "initial"}
    controls = {
        "surface": W.Dropdown(options=list(SURFACES), value=surface, description="loss surface",
                              style=style),
        "lr_sgd": W.FloatLogSlider(value=s.lr_sgd, base=10, min=-4, max=0, step=0.05,
                                   description="η: SGD family", readout_format=".4f",
                                   style=style),
        "lr_adaptive": W.FloatLogSlider(value=s.lr_adaptive, base=10, min=-4, max=0, step=0.05,
                                        description="η: RMSProp, Adam", readout_format=".4f",
                                        style=style),
        "steps": W.IntSlider(value=steps, min=10, max=1000, step=10, description="steps", style=style),
        "x0": slider(s.start[0], -2.0, 2.0, 0.01, "start x"),
        "y0": slider(s.start[1], -2.0, 2.0, 0.01, "start y"),
        "racers": W.SelectMultiple(options=list(OPTIMIZERS), value=tuple(racers), rows=5,
                                   description="racing", style=style),
    }
    demo = LivePlot(draw, update, controls, figsize=(11.0, 4.3), kind="retrain",
                    title="Optimizer race (Ctrl/Shift-click to choose several racers)")

    def suggested_settings(change):  # a new surface comes with its own start point and rates
        t = SURFACES[change["new"]]
        demo.set(lr_sgd=t.lr_sgd, lr_adaptive=t.lr_adaptive, x0=t.start[0], y0=t.start[1])

    controls["surface"].observe(suggested_settings, names="value")
    return demo


# -- curve fitting with a small network ----------------------------------------------------------
def curve_data(n: int = 32, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy curve to fit: ``y = sin(pi x) + noise``, with ``n`` points ``x`` in [-1, 1].

    Examples
    --------
    >>> x, y = curve_data()
    >>> x.shape, y.shape
    ((32,), (32,))
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    return x, np.sin(np.pi * x) + noise * rng.normal(size=n)


class TinyNet:
    """A network with one input, a hidden layer of ``hidden`` tanh units and one output.

    .. math::

        \\hat y = W^{(2)} \\tanh(W^{(1)} x + b^{(1)}) + b^{(2)}

    Its parameters are in the order and shapes of PyTorch's
    ``Sequential(Linear(1, hidden), Tanh(), Linear(hidden, 1))``:
    ``[W1 (hidden, 1), b1 (hidden,), W2 (1, hidden), b2 (1,)]``. The initial
    weights are normal, ``scale`` times the usual size (1 over the square root
    of the number of inputs); the biases of the hidden layer too, the output bias 0.

    Examples
    --------
    >>> net = TinyNet(hidden=4, seed=0)
    >>> [p.shape for p in net.params]
    [(4, 1), (4,), (1, 4), (1,)]
    >>> net(np.array([0.0, 0.5])).shape
    (2,)
    """

    def __init__(self, hidden: int = 16, scale: float = 1.0, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.params = [scale * rng.normal(size=(hidden, 1)), scale * rng.normal(size=hidden),
                       scale * rng.normal(size=(1, hidden)) / np.sqrt(hidden), np.zeros(1)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        W1, b1, W2, b2 = self.params
        return (np.tanh(x[:, None] @ W1.T + b1) @ W2.T + b2)[:, 0]

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """The MSE on ``(x, y)`` and its gradients, by back-propagation, in the order of ``params``."""
        W1, b1, W2, b2 = self.params
        h = np.tanh(x[:, None] @ W1.T + b1)  # (n, hidden)
        out = h @ W2.T + b2  # (n, 1)
        error = out - y[:, None]
        d_out = 2 * error / len(error)  # dL/d(out): losses.mse_gradient, without its argument checks
        d_a = (d_out @ W2) * (1 - h ** 2)  # back through W2 and tanh
        grads = [d_a.T @ x[:, None], d_a.sum(axis=0), d_out.T @ h, d_out.sum(axis=0)]
        return float(np.mean(error ** 2)), grads

    def to_torch(self):
        """The same network in PyTorch (float64), with the same weights."""
        import torch

        model = torch.nn.Sequential(torch.nn.Linear(1, self.params[0].shape[0]), torch.nn.Tanh(),
                                    torch.nn.Linear(self.params[0].shape[0], 1)).double()
        with torch.no_grad():
            for p, value in zip(model.parameters(), self.params):
                p.copy_(torch.from_numpy(value))
        return model


def epoch_orders(n: int, epochs: int, seed: int = 0) -> np.ndarray:
    """The order the samples are visited in, one shuffle per epoch: shape ``(epochs, n)``."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n) for _ in range(epochs)]).reshape(epochs, n)


@dataclass
class CurveRun:
    """What :func:`fit_curve` went through."""

    batch_loss: np.ndarray  # the loss on each step's mini-batch, (steps,)
    epoch_loss: np.ndarray  # the loss on all the data, at the start and after each epoch
    steps_per_epoch: int
    diverged_at: int | None  # the step at which the loss blew up, or None


def fit_curve(net: TinyNet, x: np.ndarray, y: np.ndarray, *, batch_size: int, epochs: int, lr: float,
              optimizer: str = "SGD", seed: int = 0) -> CurveRun:
    """Train ``net`` in place with mini-batches of ``batch_size`` samples for ``epochs`` epochs.

    One step per mini-batch; an epoch is ``ceil(n / batch_size)`` steps, the
    samples shuffled once per epoch (:func:`epoch_orders`). Stops if the loss
    blows up (above 1e6 or not finite).
    """
    n = len(x)
    if not 1 <= batch_size <= n:
        raise ValueError(f"`batch_size` must be in [1, {n}], got {batch_size}")
    opt = make_optimizer(optimizer, net.params, lr)
    per_epoch = -(-n // batch_size)
    batch_loss, epoch_loss = [], [net.loss_and_gradients(x, y)[0]]
    with np.errstate(all="ignore"):
        for order in epoch_orders(n, epochs, seed):
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                loss, grads = net.loss_and_gradients(x[batch], y[batch])
                if not loss < 1e6:  # also catches NaN
                    return CurveRun(np.array(batch_loss), np.array(epoch_loss), per_epoch, len(batch_loss))
                opt.step(grads)
                batch_loss.append(loss)
            epoch_loss.append(mse(net(x), y) if np.all(np.isfinite(net(x))) else np.inf)
    return CurveRun(np.array(batch_loss), np.array(epoch_loss), per_epoch, None)


def minibatch_demo(batch_size: int = 8, epochs: int = 100, lr: float = 0.1, seed: int | None = None) -> LivePlot:
    """SGD, mini-batch and full-batch gradient descent on the same curve-fitting problem.

    Left, the data and the network's fit; right, the loss on each step's
    mini-batch (noisy, thin) and on all the data after each epoch (smooth),
    both against epochs, so batch sizes compare at equal passes over the data.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    x, y = curve_data()
    grid = np.linspace(-1.1, 1.1, 200)

    def draw(fig):
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        ax.set(xlim=(-1.1, 1.1), ylim=(-1.8, 1.8), xlabel="x", ylabel="y", title="Curve fitting")
        ax.plot(grid, np.sin(np.pi * grid), "--", color="grey", lw=1, label="true curve sin(πx)")
        ax.plot(x, y, "o", color=COLORS["black"], ms=5, label="data (32 points)")
        fit, = ax.plot(grid, 0 * grid, color=COLORS["blue"], label="network")
        ax.legend(loc="lower right", fontsize=9)
        ax_loss.set(yscale="log", xlim=(0, 100), ylim=(3e-3, 30), xlabel="epoch", ylabel="MSE",
                    title="Loss during training")
        noisy, = ax_loss.plot([], [], color=COLORS["sky"], lw=0.6, alpha=0.8, label="loss on each mini-batch")
        smooth, = ax_loss.plot([], [], "-", color=COLORS["vermillion"], lw=2,
                               label="loss on all data, per epoch")
        ax_loss.legend(loc="upper right", fontsize=9)
        note = ax_loss.text(0.03, 0.04, "", transform=ax_loss.transAxes, fontsize=10,
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        alarm = ax_loss.text(0.5, 0.55, "", transform=ax_loss.transAxes, ha="center",
                             color=COLORS["vermillion"], fontsize=13, weight="bold")
        return {"fit": fit, "noisy": noisy, "smooth": smooth, "note": note, "alarm": alarm}

    def update(artists, batch_size, epochs, lr, seed):
        net = TinyNet(seed=0)
        run = fit_curve(net, x, y, batch_size=batch_size, epochs=epochs, lr=lr, seed=seed)
        per_epoch = run.steps_per_epoch
        steps = len(run.batch_loss)
        every = max(1, steps // 800)  # enough points to show the noise
        artists["noisy"].set_data(((np.arange(steps) + 1) / per_epoch)[::every],
                                  np.clip(run.batch_loss, 1e-6, 1e6)[::every])
        artists["smooth"].set_data(np.arange(len(run.epoch_loss)), np.clip(run.epoch_loss, 1e-6, 1e6))
        kind = ("SGD (one sample per step)" if batch_size == 1 else
                "full batch" if batch_size == len(x) else "mini-batch")
        counted = (f"{kind}: 1 epoch = ⌈32 / {batch_size}⌉ = {per_epoch} step{'s' * (per_epoch > 1)}\n"
                   f"{epochs} epochs = {epochs * per_epoch} steps")
        if run.diverged_at is not None:
            artists["fit"].set_visible(False)
            artists["note"].set_text(counted)
            artists["alarm"].set_text(f"diverged at step {run.diverged_at}")
            return (f'<b style="color:#D55E00">diverged</b> at step {run.diverged_at}: '
                    f"the learning rate {lr:.3g} is too large for batches of {batch_size}")
        artists["fit"].set_visible(True)
        artists["fit"].set_ydata(net(grid))
        artists["alarm"].set_text("")
        artists["note"].set_text(counted)
        return (f"batch size {batch_size}: {per_epoch} steps per epoch, {epochs * per_epoch} steps; "
                f"final MSE on all data = {run.epoch_loss[-1]:.4f}")

    style = {"description_width": "initial"}
    controls = {
        "batch_size": W.IntSlider(value=batch_size, min=1, max=len(x), description="batch size",
                                  style=style),
        "epochs": W.IntSlider(value=epochs, min=1, max=100, description="epochs", style=style),
        "lr": W.FloatLogSlider(value=lr, base=10, min=-3, max=0.5, step=0.05,
                               description="learning rate η", readout_format=".3f", style=style),
        "seed": W.IntSlider(value=seed, min=0, max=9, description="shuffle seed", style=style),
    }
    return LivePlot(draw, update, controls, figsize=(10.0, 4.0), kind="retrain",
                    title="Batch size, epochs, learning rate (SGD on a tiny network)")


def initial_value_demo(scale: float = 1.0, seed: int | None = None, epochs: int = 100) -> LivePlot:
    """The same network, data and training, from other initial weights (their size and seed).

    Left, the function before training (dashed) and after (solid); right, the
    loss per epoch. Tiny weights start flat and learn slowly; huge ones start
    saturated and jagged.
    """
    seed = session_seed(seed)  # setup(seed=...) reaches the demo
    x, y = curve_data()
    grid = np.linspace(-1.1, 1.1, 200)

    def draw(fig):
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        ax.set(xlim=(-1.1, 1.1), ylim=(-2.5, 2.5), xlabel="x", ylabel="y",
               title="Before and after training")
        ax.plot(x, y, "o", color=COLORS["black"], ms=5, label="data")
        before, = ax.plot(grid, 0 * grid, "--", color=COLORS["orange"], label="initial network")
        after, = ax.plot(grid, 0 * grid, color=COLORS["blue"], label=f"after {epochs} epochs")
        ax.legend(loc="lower right", fontsize=9)
        ax_loss.set(yscale="log", ylim=(3e-3, 100), xlim=(0, epochs), xlabel="epoch",
                    ylabel="MSE on all data", title="Loss per epoch (Adam, batch 8)")
        curve, = ax_loss.plot([], [], color=COLORS["vermillion"])
        return {"before": before, "after": after, "curve": curve}

    def update(artists, scale, seed):
        net = TinyNet(scale=scale, seed=seed)
        artists["before"].set_ydata(np.clip(net(grid), -10, 10))
        run = fit_curve(net, x, y, batch_size=8, epochs=epochs, lr=0.01, optimizer="Adam")
        artists["after"].set_ydata(np.clip(net(grid), -10, 10))
        artists["curve"].set_data(np.arange(len(run.epoch_loss)), np.clip(run.epoch_loss, 1e-6, 1e6))
        return (f"weight scale {scale:.3g}, seed {seed}: MSE {run.epoch_loss[0]:.3f} at the start, "
                f"{run.epoch_loss[-1]:.4f} after {epochs} epochs")

    controls = {
        "scale": W.FloatLogSlider(value=scale, base=10, min=-2, max=1, step=0.05,
                                  description="initial weight scale", readout_format=".3f",
                                  style={"description_width": "initial"}),
        "seed": W.IntSlider(value=seed, min=0, max=20, description="seed",
                            style={"description_width": "initial"}),
    }
    return LivePlot(draw, update, controls, figsize=(10.0, 3.8), kind="retrain",
                    title="The initial value")


# -- cross-entropy -----------------------------------------------------------------------------
def cross_entropy_demo(p_true: float = 0.7, true_class: int = 3) -> LivePlot:
    """A 10-class classifier's output for an image of a ``true_class``; move the probability of it.

    The other classes share what is left in fixed proportions. Left, the
    predicted probabilities; right, the cross-entropy ``-log p`` as a function
    of the true class's probability, with the current point.
    """
    others = np.random.default_rng(4).dirichlet(np.ones(9))  # how the rest is shared
    p_grid = np.linspace(0.001, 1, 300)

    def draw(fig):
        ax, ax_ce = fig.subplots(1, 2)
        ax.set(ylim=(0, 1), xticks=range(10), xlabel="class (digit)", ylabel="predicted probability",
               title=f"Classifier's output, true class {true_class}")
        bars = ax.bar(range(10), np.zeros(10), color=[COLORS["orange"] if k == true_class else COLORS["blue"]
                                                      for k in range(10)])
        ax_ce.plot(p_grid, -np.log(p_grid), color=COLORS["blue"])
        ax_ce.set(xlim=(0, 1), ylim=(0, 5), xlabel="p: probability given to the true class",
                  ylabel="cross-entropy −log p", title="Cross-entropy loss")
        point, = ax_ce.plot([], [], "o", color=COLORS["orange"], mec="black", ms=10)
        text = ax_ce.text(0.35, 4.3, "", fontsize=12)
        return {"bars": list(bars), "point": point, "text": text}

    def update(artists, p_true):
        probs = np.insert((1 - p_true) * others, true_class, p_true)
        for bar, p in zip(artists["bars"], probs):
            bar.set_height(p)
        with np.errstate(divide="ignore"):
            logits = np.log(probs)  # scores whose softmax is probs
        loss = cross_entropy(np.maximum(logits, -1e3)[None, :], [true_class])
        artists["point"].set_data([p_true], [loss])
        artists["text"].set_text(f"p = {p_true:.2f}\nloss = −log p = {loss:.3f}")
        return f"p(true class) = {p_true:.2f} → cross-entropy = <b>{loss:.3f}</b>"

    return LivePlot(draw, update, {"p_true": slider(p_true, 0.01, 1.0, 0.01, "p(true class)")},
                    figsize=(8.0, 3.3), title="Cross-entropy of one prediction")
