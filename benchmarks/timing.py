"""Timing helpers for the benchmark: the playground's frames, and our epoch against scikit-learn's."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from course_utils.data import playground_data
from course_utils.demos.playground import playground
from course_utils.mlp import MLP, train_epoch
from course_utils.optim import SGD


def frame_times(n_frames: int = 100, **settings: Any) -> np.ndarray:
    """Seconds per frame (one epoch of training plus the redraw of everything), kernel side."""
    pg = playground(**settings)
    times = []
    for _ in range(n_frames):
        start = time.perf_counter()
        pg.step()
        times.append(time.perf_counter() - start)
    pg.close()
    return np.array(times)


def epoch_speed(repeats: int = 30, seed: int = 0) -> dict[str, float]:
    """One epoch of our network against scikit-learn's ``MLPClassifier.partial_fit`` and a PyTorch loop.

    The same data (the circle, 250 training points), architecture (2-8-8-1,
    tanh), batch size (10) and optimizer (plain SGD, rate 0.03). The PyTorch
    loop is what a user would write instead: ``net.to_torch()`` (the same
    weights, float64), ``BCEWithLogitsLoss``, ``torch.optim.SGD``, one
    ``zero_grad`` / ``backward`` / ``step`` per batch of a ``randperm``.

    Returns
    -------
    dict with ``ours_ms``, ``sklearn_ms``, ``torch_ms`` (median milliseconds per
    epoch), ``ratio`` (scikit-learn's time over ours: above 1 means ours is
    faster) and ``torch_ratio`` (PyTorch's time over ours).
    """
    import warnings

    import torch
    from sklearn.neural_network import MLPClassifier

    X, y = playground_data("circle", 500, 0.0, seed)
    X, y = X[::2] / 6, y[::2]  # 250 training points, both classes
    net = MLP([2, 8, 8, 1], activation="tanh", seed=seed)
    optimizer = SGD(net.parameters(), lr=0.03)
    rng = np.random.default_rng(seed)
    clf = MLPClassifier((8, 8), activation="tanh", solver="sgd", learning_rate_init=0.03, momentum=0.0,
                        batch_size=10, alpha=0.0, random_state=seed)
    model = net.to_torch()
    torch_optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

    def torch_epoch() -> None:
        for batch in torch.randperm(len(X_t)).split(10):
            loss = loss_fn(model(X_t[batch])[:, 0], y_t[batch])
            torch_optimizer.zero_grad()
            loss.backward()
            torch_optimizer.step()

    ours, theirs, torch_times = [], [], []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the notebooks' setup() does; idle worker threads would spin meanwhile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # partial_fit's ConvergenceWarning
        clf.partial_fit(X, y, classes=[0.0, 1.0])
        torch_epoch()  # the first call sets up autograd's machinery
        for _ in range(repeats):
            start = time.perf_counter()
            train_epoch(net, X, y, optimizer, 10, rng)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            clf.partial_fit(X, y)
            theirs.append(time.perf_counter() - start)
            start = time.perf_counter()
            torch_epoch()
            torch_times.append(time.perf_counter() - start)
    torch.set_num_threads(threads)
    ours_ms, theirs_ms, torch_ms = (1e3 * float(np.median(t)) for t in (ours, theirs, torch_times))
    return {"ours_ms": ours_ms, "sklearn_ms": theirs_ms, "torch_ms": torch_ms,
            "ratio": theirs_ms / ours_ms, "torch_ratio": torch_ms / ours_ms}
