"""The interactive demos, one module per notebook.

Every function named ``*_demo`` in these modules builds a
:class:`course_utils.widgets.LivePlot`; the benchmark finds them all with
:func:`all_demos`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable


def all_demos() -> dict[str, Callable]:
    """Every demo builder, as ``{"module.function": builder}``, in notebook order."""
    found: dict[str, Callable] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "__all__", []):
            if name.endswith("_demo"):
                found[f"{info.name}.{name}"] = getattr(module, name)
    return found
