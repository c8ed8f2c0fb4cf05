"""The small data sets the notebooks read.

Every file lives in the repository's ``data/`` folder; ``data/README.md``
gives each file's source.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_path(name: str) -> Path:
    """Return the path of a file in ``data/``, with a clear error if it is missing.

    Parameters
    ----------
    name : str
        File name inside ``data/``, e.g. ``"celsius.csv"``.

    Examples
    --------
    >>> data_path("celsius.csv").name
    'celsius.csv'
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"`name` must be a non-empty file name, got {name!r}")
    path = DATA_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*") if p.is_file())
        raise FileNotFoundError(f"`name`={name!r} is not in {DATA_DIR}; available: {available}")
    return path


def celsius_table() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's "Single neuron" data: degrees Celsius and the same temperatures in Fahrenheit.

    The Fahrenheit values follow :math:`F = 1.8\\,C + 32`, the lecture's
    ``function(C)``.

    Returns
    -------
    celsius : ndarray of shape (4,)
        The inputs 0, 8, 15, 22.
    fahrenheit : ndarray of shape (4,)
        The labels 32, 46.4, 59, 71.6.

    Examples
    --------
    >>> c, f = celsius_table()
    >>> c.tolist(), f.tolist()
    ([0.0, 8.0, 15.0, 22.0], [32.0, 46.4, 59.0, 71.6])
    """
    with data_path("celsius.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    celsius = np.array([float(r["celsius"]) for r in rows])
    fahrenheit = np.array([float(r["fahrenheit"]) for r in rows])
    return celsius, fahrenheit
