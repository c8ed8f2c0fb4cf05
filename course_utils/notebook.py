"""The one-line setup every notebook calls in its setup cell."""

from __future__ import annotations

import importlib.abc
import importlib.util
import random
import sys

import numpy as np

from .plotting import use_house_style

#: Threads for NumPy's BLAS and for PyTorch. One thread adds every sum in the same
#: order on every machine; the course's models are small enough not to miss the others.
THREADS = 1


_session = {"seed": 0}


def session_seed(seed: int | None = None) -> int:
    """``seed`` itself, or for ``None`` the seed of the notebook's :func:`setup` (0 before any).

    Every demo builder takes ``seed=None`` and asks here, so that ``setup(seed=3)``
    reaches the demos too.

    Examples
    --------
    >>> _ = seed_everything(3)
    >>> session_seed(), session_seed(7)
    (3, 7)
    >>> _ = seed_everything(0)
    """
    return _session["seed"] if seed is None else seed


def _seed_torch(torch, seed: int, threads: int) -> None:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


class _SeedTorchOnImport(importlib.abc.MetaPathFinder):
    """Seeds PyTorch the moment it is imported, for notebooks that import it after ``setup()``.

    Importing PyTorch costs about a second and 250 MB; a notebook that never
    uses it should not pay that just to be seeded.
    """

    def __init__(self, seed: int, threads: int) -> None:
        self.seed, self.threads = seed, threads

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)  # once only; the normal finders locate torch
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_seed(module):
            exec_module(module)
            _seed_torch(module, self.seed, self.threads)

        spec.loader.exec_module = exec_and_seed
        return spec


def _forget_pending_torch_seed() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _SeedTorchOnImport)]


def seed_everything(seed: int = 0, threads: int = THREADS) -> np.random.Generator:
    """Seed Python's ``random``, NumPy and PyTorch; fix the thread counts of BLAS and PyTorch.

    PyTorch is seeded now if it is already imported, otherwise the moment it
    is imported: a notebook that does not use it never loads it. NumPy's BLAS
    (through ``threadpoolctl``) and PyTorch get ``threads`` threads, so that
    float sums are added in the same order on every run and every machine.

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
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"`threads` must be a positive integer, got {threads!r}")
    _session["seed"] = seed
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, for code that uses it
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")  # for the rest of the session
    _forget_pending_torch_seed()
    if "torch" in sys.modules:
        _seed_torch(sys.modules["torch"], seed, threads)
    else:
        sys.meta_path.insert(0, _SeedTorchOnImport(seed, threads))
    return np.random.default_rng(seed)


#: Arrays at least this big (bytes) get their own memory from the system, returned when freed.
MMAP_THRESHOLD = 1 << 20


def _return_freed_arrays() -> bool:
    """Make glibc give big freed arrays back to the system (Linux); ``False`` where it cannot.

    glibc's ``malloc`` maps a block of 128 KB or more on its own and unmaps it
    when freed, but each time such a block is freed it raises that threshold to
    the block's size: after a 20 MB batch of digits is freed, the next ones of
    that size come from the heap, which keeps them after they are freed.
    Notebook 07's kernel then holds about 40 MB more after a run-all (646
    against 606 MB measured here). A fixed threshold (``mallopt``, as the
    ``MALLOC_MMAP_THRESHOLD_`` variable sets it) keeps it at 1 MB. On another C
    library nothing changes.
    """
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(-3, MMAP_THRESHOLD))  # M_MMAP_THRESHOLD = -3 in glibc's malloc.h
    except (OSError, AttributeError):  # pragma: no cover - a libc without mallopt
        return False


def setup(seed: int = 0, presenting: bool = False) -> np.random.Generator:
    """Seed every generator, fix the thread counts and set the house plot style; the notebook's first call.

    It also has big freed arrays go back to the system (:func:`_return_freed_arrays`),
    so that a kernel holds what the notebook uses, not what it once used.

    Parameters
    ----------
    seed : int, default 0
        Seed for Python, NumPy and PyTorch.
    presenting : bool, default False
        Draw figures and demos, controls included, 1.5 times larger, for a
        projector (:func:`course_utils.plotting.house_style`).

    Returns
    -------
    numpy.random.Generator
        ``np.random.default_rng(seed)``.
    """
    rng = seed_everything(seed)
    _return_freed_arrays()  # a lean kernel: what a notebook frees goes back to the system
    use_house_style(presenting)
    try:  # crisp figures in the notebook; harmless outside IPython
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("matplotlib", "inline")
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    return rng
