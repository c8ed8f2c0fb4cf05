"""The one-line setup every notebook calls in its setup cell."""

from __future__ import annotations

import importlib.util
import os
import random
import sys

import numpy as np

from .plotting import use_house_style


def seed_everything(seed: int = 0, torch_threads: int = 1) -> np.random.Generator:
    """Seed Python's ``random``, NumPy and (if installed) PyTorch.

    PyTorch also gets a fixed thread count, so that float sums are added in the
    same order on every run.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed``, for the notebook's own random numbers.

    Examples
    --------
    >>> rng = seed_everything(0)
    >>> round(float(rng.normal()), 4)
    0.1257
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, for code that uses it
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "torch" in sys.modules or importlib.util.find_spec("torch") is not None:
        import torch

        torch.manual_seed(seed)
        torch.set_num_threads(torch_threads)
    return np.random.default_rng(seed)


def setup(seed: int = 0, presenting: bool = False) -> np.random.Generator:
    """Seed every generator and set the house plot style; the notebook's first call.

    Parameters
    ----------
    seed : int, default 0
        Seed for Python, NumPy and PyTorch.
    presenting : bool, default False
        Use larger fonts, for a projector.

    Returns
    -------
    numpy.random.Generator
        ``np.random.default_rng(seed)``.
    """
    rng = seed_everything(seed)
    use_house_style(presenting)
    try:  # crisp figures in the notebook; harmless outside IPython
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("matplotlib", "inline")
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    return rng
