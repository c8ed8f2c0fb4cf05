"""Test tiers, and one fixture every test shares.

Every item that executes a whole notebook carries the ``notebooks`` marker:
``python -m pytest -m "not notebooks and not browser"`` is the fast loop (unit tests and
doctests); ``python -m pytest`` runs everything.
"""

import os
import sys

import pytest


def _runs_notebooks(config) -> bool:
    """Whether the ``-m`` expression keeps the items marked ``notebooks``."""
    if not config.getoption("markexpr"):
        return True
    from _pytest.mark.expression import Expression

    return Expression.compile(config.getoption("markexpr")).evaluate(
        lambda name, **kwargs: name == "notebooks")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The fast loop, run whole, spreads its tests over the cores with pytest-xdist.

    Only when nothing asks otherwise: a tier without notebooks, no file named on the
    command line, no ``-n`` given, xdist installed. One process runs the full suite
    (its notebooks and browser tests share one kernel and one JupyterLab each).
    """
    if "PYTEST_XDIST_WORKER" in os.environ:  # a worker never starts workers of its own
        return
    if (config.pluginmanager.hasplugin("xdist") and not _runs_notebooks(config)
            and not config.option.file_or_dir and config.option.numprocesses is None
            and not config.getoption("usepdb", False)):
        config.option.numprocesses = min(os.cpu_count() or 1, 4)
        if config.option.dist == "no":
            config.option.dist = "worksteal"  # an idle worker takes tests queued for the other


def pytest_ignore_collect(collection_path, config):
    """Do not even read the notebooks when the tier leaves them out."""
    if collection_path.suffix == ".ipynb" and not _runs_notebooks(config):
        return True
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":  # nbval's cells
            item.add_marker("notebooks")


@pytest.fixture(autouse=True, scope="module")
def _fresh_module():
    """Each test file starts with the default demo seed, and its widgets are closed at its end
    (ipywidgets keeps every widget alive in a global registry)."""
    from course_utils import notebook

    notebook._session["seed"] = 0
    yield
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()
