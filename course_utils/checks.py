"""Exercise checkers: a friendly verdict when right, an error with a hint when wrong.

Every exercise cell in the notebooks ends with one of these calls. A right
answer prints one line; a wrong one raises :class:`ExerciseError`, whose
message says what differed and gives the exercise's hint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


class ExerciseError(AssertionError):
    """Raised by a checker when an answer is not right yet."""


def _as_array(value: Any, what: str) -> np.ndarray:
    if value is None or value is NotImplemented or value is Ellipsis:
        raise ExerciseError(f"{what} is empty ({value!r}): write your answer first.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ExerciseError(f"{what} must be a number or an array of numbers, got {value!r}") from exc
    return arr


def _compare(name: str, answer: Any, expected: Any, rtol: float, atol: float, hint: str) -> str:
    """Compare one answer with the expected value; return a verdict or raise."""
    got = _as_array(answer, f"Your `{name}`")
    want = _as_array(expected, "The expected value")
    tip = f"\nHint: {hint}" if hint else ""
    if got.shape != want.shape:
        raise ExerciseError(f"`{name}` has shape {got.shape}, expected {want.shape}.{tip}")
    if np.isnan(got).any() and not np.isnan(want).any():
        raise ExerciseError(f"`{name}` contains NaN: look for a division by zero or an overflow.{tip}")
    if np.array_equal(got, want):
        return "exact"
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return f"close enough (within rtol={rtol:g}, atol={atol:g})"
    diff = np.abs(got - want)
    where = np.unravel_index(int(np.nanargmax(diff)), diff.shape) if diff.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    raise ExerciseError(
        f"`{name}` is not right yet: got {float(got[where]):.6g}, expected {float(want[where]):.6g}{at} "
        f"(largest difference {float(diff[where]):.3g}).{tip}"
    )


def check_value(name: str, answer: Any, expected: Any, *, rtol: float = 1e-6,
                atol: float = 1e-9, hint: str = "") -> None:
    """Check a number or array against the expected one; print a verdict or raise.

    Parameters
    ----------
    name : str
        What the student computed, as named in the exercise.
    answer, expected : float or array-like
        The student's answer and the right one (same shape).
    rtol, atol : float
        Tolerances, as in :func:`numpy.allclose`.
    hint : str
        Added to the error message when the answer is wrong.

    Raises
    ------
    ExerciseError
        When the answer is missing, has the wrong shape, or differs.

    Examples
    --------
    >>> check_value("slope", 1.8, 1.8)
    ✓ slope: exact.
    >>> check_value("slope", 2.0, 1.8, hint="F rises 1.8 degrees per degree C")
    Traceback (most recent call last):
    ...
    course_utils.checks.ExerciseError: `slope` is not right yet: got 2, expected 1.8 (largest difference 0.2).
    Hint: F rises 1.8 degrees per degree C
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"`name` must be a non-empty string, got {name!r}")
    verdict = _compare(name, answer, expected, rtol, atol, hint)
    print(f"✓ {name}: {verdict}.")


def check_function(name: str, func: Callable[..., Any], reference: Callable[..., Any],
                   inputs: Sequence[tuple], *, rtol: float = 1e-6, atol: float = 1e-9,
                   hint: str = "") -> None:
    """Call a student's function and a reference on the same inputs and compare.

    Parameters
    ----------
    name : str
        The function's name in the exercise.
    func, reference : callable
        The student's function and the right one.
    inputs : sequence of tuples
        Positional arguments to try, one tuple per call.

    Examples
    --------
    >>> check_function("double", lambda x: 2 * x, lambda x: x + x, [(1,), (2.5,)])
    ✓ double: exact on 2 inputs.
    """
    if not callable(func):
        raise ExerciseError(f"`{name}` must be a function, got {func!r}")
    if not inputs:
        raise ValueError("`inputs` must hold at least one tuple of arguments")
    verdicts = []
    for args in inputs:
        try:
            got = func(*args)
        except NotImplementedError as exc:
            raise ExerciseError(f"`{name}` is not written yet: replace the `raise NotImplementedError()`.") from exc
        try:
            verdicts.append(_compare(name, got, reference(*args), rtol, atol, hint))
        except ExerciseError as exc:
            shown = ", ".join(np.array2string(np.asarray(a), precision=4, threshold=8) for a in args)
            raise ExerciseError(f"{exc}\nInput: {name}({shown})") from None
    verdict = "exact" if all(v == "exact" for v in verdicts) else next(v for v in verdicts if v != "exact")
    print(f"✓ {name}: {verdict} on {len(inputs)} inputs.")
