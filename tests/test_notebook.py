import random
import subprocess
import sys

import numpy as np
import pytest
import torch

from course_utils.notebook import seed_everything, setup


def test_seed_everything_repeats_every_generator():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()  # noqa: NPY002

    seed_everything(3)
    first = draw()
    seed_everything(3)
    assert draw() == first


def test_setup_returns_a_seeded_generator():
    assert setup(seed=5).integers(1000) == np.random.default_rng(5).integers(1000)


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="`seed`"):
        seed_everything(bad)


def test_import_course_utils_does_not_import_torch_or_pyplot():
    code = ("import sys, course_utils, course_utils.data, course_utils.checks; "
            "print('torch' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_setup_leaves_torch_unloaded_and_seeds_it_once_when_imported_later():
    code = ("import sys; from course_utils.notebook import setup, _SeedTorchOnImport; "
            "setup(seed=1); setup(seed=4); "
            "print('torch' in sys.modules, sum(isinstance(f, _SeedTorchOnImport) for f in sys.meta_path)); "
            "import torch; first = torch.rand(1).item(); torch.manual_seed(4); "
            "print(first == torch.rand(1).item(), torch.get_num_threads(), "
            "sum(isinstance(f, _SeedTorchOnImport) for f in sys.meta_path))")
    # A notebook without PyTorch never pays for it; the last setup's seed wins; the hook goes once used.
    assert _run(code) == ["False", "1", "True", "1", "0"]


def test_setup_fixes_the_blas_threads():
    from threadpoolctl import threadpool_info

    setup(seed=0)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_bad_threads():
    with pytest.raises(ValueError, match="`threads` must be a positive integer, got 0"):
        seed_everything(0, threads=0)


def test_big_freed_arrays_go_back_to_the_system():
    """On Linux with glibc, setup() fixes malloc's mmap threshold (a lean kernel; elsewhere a no-op)."""
    import platform

    from course_utils.notebook import _return_freed_arrays

    expected = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert _return_freed_arrays() is expected
