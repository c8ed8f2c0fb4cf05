"""Present a notebook as live slides: reveal.js slides served by Voilà, every demo moving.

``jupyterlab-rise`` cannot show ipywidgets 8: its slide app lacks ``@jupyterlab/console``
among its shared modules, so the widget manager never loads and each demo shows its stored
PNG (upstream jupyterlab-contrib/rise #119, #126). Voilà's ``reveal`` template runs the
notebook in a kernel and shows the slides with live widgets::

    course-present notebooks/01_single_neuron.ipynb       # then open the URL it prints
    python -m course_utils.instructor.present notebooks/01_single_neuron.ipynb --port 8866

The first run fetches reveal.js 4.0.2 once with ``npm`` (the copy ``course-slides`` uses) and
copies it under ``build/present/vendor/``, inside the folder Voilà serves, so the slides need
no network. It runs this command from the repository's top, then prints the notebook's URL,
``http://127.0.0.1:8866/voila/render/notebooks/01_single_neuron.ipynb``::

    JUPYTER_PATH=course_utils/instructor/share voila --template=course-reveal \\
        --Voila.ip=127.0.0.1 \\
        "--VoilaConfiguration.file_allowlist=['build/present/vendor/.*']" \\
        '--VoilaConfiguration.resources={"reveal": {"url_prefix":
            "/voila/files/build/present/vendor/reveal.js", "theme": "white"}}' \\
        --TagRemovePreprocessor.enabled=True \\
        --TagRemovePreprocessor.remove_cell_tags=code-only

``course-reveal`` (in ``course_utils/instructor/share/voila/templates``, found through
``JUPYTER_PATH``) is Voilà's ``reveal`` template with two additions: arrow keys pressed on a
focused slider move the slider, not the slides (reveal.js listens for keys on ``document``; the
template stops them on ``.reveal``, after the slider has had them), and CSS that keeps wide
content inside the slide (text wraps, a demo's controls and figure wrap, images scale down).
Cells tagged ``code-only`` (prose that only makes sense beside the code) are left out, as in
``course-voila``. Space and Shift+Space step through the slides.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .slides import fetch_vendor

ROOT = Path(__file__).resolve().parents[2]
#: Where reveal.js is copied, relative to the folder Voilà serves (it serves no file outside it).
VENDOR = Path("build") / "present" / "vendor"
#: A Jupyter data folder holding ``voila/templates/course-reveal``; put on ``JUPYTER_PATH``.
TEMPLATES = Path(__file__).resolve().parent / "share"
#: The cell tag of prose that only makes sense beside the code; Voilà leaves those cells out.
CODE_ONLY_TAG = "code-only"


def voila_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's environment) with :data:`TEMPLATES` first on ``JUPYTER_PATH``."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES), env.get("JUPYTER_PATH")]))
    return env


def drop_code_only() -> list[str]:
    """Voilà options that leave out the cells tagged :data:`CODE_ONLY_TAG` (nbconvert's preprocessor)."""
    return ["--TagRemovePreprocessor.enabled=True",
            # one value per option: traitlets reads "['code-only']" as that whole string
            f"--TagRemovePreprocessor.remove_cell_tags={CODE_ONLY_TAG}"]


def prepare_reveal(root: Path = ROOT) -> Path:
    """Copy reveal.js (its ``dist`` and ``plugin``) to ``root/build/present/vendor``; fetch it once."""
    target = root / VENDOR / "reveal.js"
    if not (target / "dist").is_dir():
        source = fetch_vendor(packages={"reveal.js@4.0.2": "reveal.js"}) / "reveal.js"
        for part in ("dist", "plugin"):
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
    return target


def voila_command(root: Path = ROOT, port: int = 8866) -> list[str]:
    """The Voilà command that serves the notebooks under ``root`` as live slides.

    Run it with :func:`voila_env` (it finds the ``course-reveal`` template). A notebook's slides are at ``http://127.0.0.1:<port>/voila/render/<its path under root>``.
    """
    resources = {"reveal": {"url_prefix": f"/voila/files/{VENDOR.as_posix()}/reveal.js",
                            "theme": "white"}}
    return [sys.executable, "-m", "voila", "--no-browser", "--template=course-reveal",
            "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
            f"--Voila.root_dir={root}",
            f"--VoilaConfiguration.file_allowlist=['{VENDOR.as_posix()}/.*']",
            f"--VoilaConfiguration.resources={json.dumps(resources)}", *drop_code_only()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-present", description=(
        "Serve a notebook as reveal.js slides with live demos (Voilà), offline."))
    parser.add_argument("notebook", type=Path, help="the notebook, e.g. notebooks/01_single_neuron.ipynb")
    parser.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    args = parser.parse_args(argv)
    relative = notebook_under_root(parser, args.notebook)
    prepare_reveal()
    print(f"slides at http://127.0.0.1:{args.port}/voila/render/{relative.as_posix()} "
          "(the first view runs every cell; Ctrl+C stops)", flush=True)
    return run_until_stopped(voila_command(ROOT, args.port), env=voila_env())


def notebook_under_root(parser: argparse.ArgumentParser, path: Path) -> Path:
    """``path`` as Voilà's URL names it, relative to :data:`ROOT`; a usage error if it is not a notebook there."""
    notebook = path.resolve()
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        parser.error(f"`notebook` must be an existing .ipynb file, got {path}")
    try:
        return notebook.relative_to(ROOT)
    except ValueError:
        parser.error(f"`notebook` must be inside the course's folder {ROOT}, got {notebook}")


def run_until_stopped(command: list[str], env: dict[str, str] | None = None) -> int:
    """Run a server from :data:`ROOT` until it exits or Ctrl+C stops it; its exit code (0 for Ctrl+C)."""
    try:
        return subprocess.call(command, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
