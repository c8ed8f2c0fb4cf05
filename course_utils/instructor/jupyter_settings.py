"""Install the course's JupyterLab / Notebook 7 settings override into this environment.

``jupyter-config/overrides.d/course-utils.json`` keeps the arrow keys of a focused slider
handle for the slider in Notebook 7 (README, "Jupyter Notebook 7", says why), and keeps the
widgets' messages on the kernel's main thread, one at a time: JupyterLab 4.6 would send them over
kernel subshells, where the frame cache's drawing ahead and a control's change run on two threads
at once (README, "Live demos"). JupyterLab
and Notebook 7 read it from ``{sys.prefix}/share/jupyter/lab/settings/overrides.d/``.
``pip install .`` and the wheel put it there; an editable install (``-e``, README's set-up
command) does not, because setuptools leaves data files out of editable installs, so the
set-up command runs ``course-jupyter-settings`` after pip.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "jupyter-config" / "overrides.d" / "course-utils.json"


def target_dir(prefix: str | Path = sys.prefix) -> Path:
    """Where JupyterLab and Notebook 7 look for settings overrides in the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d"


def install(prefix: str | Path = sys.prefix) -> Path | None:
    """Copy the override into ``prefix``'s settings; ``None`` if there is no checkout to copy from.

    A wheel install has no checkout beside the package, and pip has already put the
    file in place.
    """
    if not SOURCE.is_file():
        return None
    folder = target_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SOURCE, folder / SOURCE.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix, help="the environment (default: this Python's)")
    args = parser.parse_args(argv)
    written = install(args.prefix)
    print(f"settings override: {written}" if written else
          f"no checkout beside the package; pip installed {target_dir(args.prefix) / SOURCE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
