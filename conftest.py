"""Test tiers, and one fixture every test shares.

Every item that executes a whole notebook carries the ``notebooks`` marker:
``python -m pytest -m "not notebooks and not browser"`` is the fast loop (unit tests and
doctests); ``python -m pytest`` runs everything.
"""

import sys

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":  # nbval's cells
            item.add_marker("notebooks")


@pytest.fixture(autouse=True, scope="module")
def _close_widgets():
    """Close a test file's widgets at its end: ipywidgets keeps every one alive in a global registry."""
    yield
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()
