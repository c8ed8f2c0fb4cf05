"""2-D loss surfaces and the optimizer race on them (notebook 04).

Five surfaces in :data:`SURFACES` (a bowl, an elongated valley, Rosenbrock's
banana, a saddle, Beale's function), each with its gradient by hand, and
:func:`race`, which runs the optimizers of :data:`course_utils.optim.OPTIMIZERS`
on one of them; :func:`torch_race` runs the same race with ``torch.optim`` and
autograd, for the comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .optim import OPTIMIZERS, diverged, make_optimizer, make_torch_optimizer

__all__ = ["ADAPTIVE", "Surface", "SURFACES", "Run", "race", "torch_race"]

#: The optimizers whose step is divided by a running root-mean-square of the gradient.
ADAPTIVE = ("RMSProp", "Adam")


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
    diverged_at: int | None  # the step at which its loss diverged, or None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def _lr_for(name: str, lr_sgd: float, lr_adaptive: float) -> float:
    return lr_adaptive if name in ADAPTIVE else lr_sgd


def _run(surface: Surface, path: np.ndarray) -> Run:
    """A racer's :class:`Run` from its path: cut before the first step whose loss above the
    minimum :func:`course_utils.optim.diverged` from the start's."""
    gap = surface.f(path[:, 0], path[:, 1]) - surface.f_min
    bad = np.flatnonzero(diverged(gap, gap[0]))
    diverged_at = int(bad[0]) if len(bad) else None
    return Run(path[:diverged_at], gap[:diverged_at], diverged_at)


def race(surface: Surface | str, start: Sequence[float], steps: int, lr_sgd: float, lr_adaptive: float,
         names: Sequence[str] = tuple(OPTIMIZERS)) -> dict[str, Run]:
    """Run each optimizer in ``names`` from ``start`` for ``steps`` steps, with our optimizers.

    SGD and its momentum variants use ``lr_sgd``; RMSProp and Adam, whose step
    hardly depends on the gradient's size, use ``lr_adaptive``. A racer stops
    when its loss above the minimum :func:`course_utils.optim.diverged` (not
    finite, or 10,000 times the start's).

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
            for k in range(1, steps + 1):
                opt.step([surface.grad(p[0], p[1])])
                path[k] = p
                if not np.isfinite(p).all():  # nothing more to see: NaN stays NaN
                    path = path[:k + 1]
                    break
            runs[name] = _run(surface, path)
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
        for _ in range(steps):
            opt.zero_grad()
            surface.f(p[0], p[1]).backward()
            opt.step()
            path.append(p.detach().numpy().copy())
            if not np.isfinite(path[-1]).all():  # nothing more to see: NaN stays NaN
                break
        with np.errstate(all="ignore"):
            runs[name] = _run(surface, np.array(path))
    return runs
