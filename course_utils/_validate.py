"""Argument checks shared by the helpers, with messages that name the argument."""

from __future__ import annotations

from typing import Any

import numpy as np


def as_float_array(value: Any, name: str, *, ndim: int | None = None,
                   allow_empty: bool = False, finite: bool = True) -> np.ndarray:
    """Convert ``value`` to a float array, or raise an error that names ``name``.

    Examples
    --------
    >>> as_float_array([1, 2], "x")
    array([1., 2.])
    >>> as_float_array("abc", "x")
    Traceback (most recent call last):
    ...
    TypeError: `x` must be numbers (a float or an array of floats), got 'abc'
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"`{name}` must be numbers (a float or an array of floats), got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be numbers (a float or an array of floats), "
                        f"got {type(value).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"`{name}` must have {ndim} dimension(s), got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"`{name}` must not be empty")
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"`{name}` contains NaN or infinity")
    return arr


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f"`{name_a}` and `{name_b}` must have the same shape, "
                         f"got {a.shape} and {b.shape}")


def positive(value: Any, name: str, *, integer: bool = False, allow_zero: bool = False) -> Any:
    """Check a positive number (or integer) and return it."""
    kind = (int,) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kind) or not np.isfinite(value):
        what = "an integer" if integer else "a number"
        raise TypeError(f"`{name}` must be {what}, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"`{name}` must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return value
