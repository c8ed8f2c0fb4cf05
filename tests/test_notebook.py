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
