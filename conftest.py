"""Test tiers, and one fixture every test shares.

Every item that executes a whole notebook carries the ``notebooks`` marker:
``python -m pytest -m "not notebooks and not browser"`` is the fast loop (unit tests and
doctests); ``python -m pytest`` runs everything.
"""

import sys

import pytest


def pytest_ignore_collect(collection_path, config):
    """Do not even read the notebooks when the tier leaves them out."""
    if collection_path.suffix == ".ipynb" and config.getoption("markexpr"):
        from _pytest.mark.expression import Expression

        runs_notebooks = Expression.compile(config.getoption("markexpr")).evaluate(
            lambda name, **kwargs: name == "notebooks")
        return None if runs_notebooks else True
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
