"""Lean kernels (issue 22): what each notebook's kernel holds after a run-all, as a JupyterHub pays it.

Runs ``benchmarks/kernel_memory.py`` on every notebook (about a minute and a half).
The notebooks that never use PyTorch must not load it and stay under 300 MB;
every notebook stays under 650 MB.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
WITHOUT_TORCH = {"00_what_is_deep_learning", "05_classification_metrics", "06_cross_validation"}
LIMIT_MB, LIMIT_WITHOUT_TORCH_MB = 650, 300

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def measure():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from kernel_memory import measure
    finally:
        sys.path.pop(0)
    return measure


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_kernel_memory_after_run_all(notebook, measure):
    record = measure(notebook)
    if notebook.stem in WITHOUT_TORCH:
        assert not record["torch_loaded"], f"{notebook.stem} never uses PyTorch, yet its kernel imported it"
        assert record["rss_mb"] < LIMIT_WITHOUT_TORCH_MB, (
            f"{notebook.stem}'s kernel holds {record['rss_mb']} MB after a run-all "
            f"(limit {LIMIT_WITHOUT_TORCH_MB} MB without PyTorch)")
    assert record["rss_mb"] < LIMIT_MB, (
        f"{notebook.stem}'s kernel holds {record['rss_mb']} MB after a run-all (limit {LIMIT_MB} MB)")
