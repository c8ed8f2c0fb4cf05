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
    """One epoch of our network against scikit-learn's ``MLPClassifier.partial_fit``.

    The same data (the circle, 250 training points), architecture (2-8-8-1,
    tanh), batch size (10) and optimizer (plain SGD, rate 0.03).

    Returns
    -------
    dict with ``ours_ms``, ``sklearn_ms`` (median milliseconds per epoch) and
    ``ratio`` (scikit-learn's time over ours: above 1 means ours is faster).
    """
    import warnings

    from sklearn.neural_network import MLPClassifier

    X, y = playground_data("circle", 500, 0.0, seed)
    X, y = X[::2] / 6, y[::2]  # 250 training points, both classes
    net = MLP([2, 8, 8, 1], activation="tanh", seed=seed)
    optimizer = SGD(net.parameters(), lr=0.03)
    rng = np.random.default_rng(seed)
    clf = MLPClassifier((8, 8), activation="tanh", solver="sgd", learning_rate_init=0.03, momentum=0.0,
                        batch_size=10, alpha=0.0, random_state=seed)
    ours, theirs = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # partial_fit's ConvergenceWarning
        clf.partial_fit(X, y, classes=[0.0, 1.0])
        for _ in range(repeats):
            start = time.perf_counter()
            train_epoch(net, X, y, optimizer, 10, rng)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            clf.partial_fit(X, y)
            theirs.append(time.perf_counter() - start)
    ours_ms, theirs_ms = 1e3 * float(np.median(ours)), 1e3 * float(np.median(theirs))
    return {"ours_ms": ours_ms, "sklearn_ms": theirs_ms, "ratio": theirs_ms / ours_ms}

