"""Serve a notebook as a web app: Voilà's default (lab) template, outputs and prose, no code.

Students (or a kiosk, or a projector without slides) get every demo live and the lecture's
prose, without the code cells::

    course-voila notebooks/01_single_neuron.ipynb         # then open the URL it prints
    python -m course_utils.instructor.voila_app notebooks/01_single_neuron.ipynb --port 8867

It runs this command from the repository's top, on 127.0.0.1 only, then prints the notebook's
URL, ``http://127.0.0.1:8867/voila/render/notebooks/01_single_neuron.ipynb``::

    voila --no-browser --Voila.ip=127.0.0.1 --port=8867 \\
        --TagRemovePreprocessor.enabled=True \\
        --TagRemovePreprocessor.remove_cell_tags=code-only

Voilà hides code cells and shows their outputs. Markdown that only makes sense beside the
code (the setup cell's note, most exercise instructions) carries the cell tag ``code-only``
and is left out (nbconvert's ``TagRemovePreprocessor``; ``course-present`` drops the same
cells). Only markdown cells are tagged: Voilà leaves a tagged cell out before it runs the
notebook, so a tagged code cell would not run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .present import ROOT, drop_code_only, notebook_under_root, run_until_stopped


def voila_command(root: Path = ROOT, port: int = 8867) -> list[str]:
    """The Voilà command that serves the notebooks under ``root`` as apps, code-only cells left out.

    A notebook's app is at ``http://127.0.0.1:<port>/voila/render/<its path under root>``.
    """
    return [sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", f"--Voila.root_dir={root}",
            *drop_code_only()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-voila", description=(
        "Serve a notebook as a web app with live demos (Voilà, no code cells), on 127.0.0.1."))
    parser.add_argument("notebook", type=Path, help="the notebook, e.g. notebooks/01_single_neuron.ipynb")
    parser.add_argument("--port", type=int, default=8867, help="port on 127.0.0.1 (default 8867)")
    args = parser.parse_args(argv)
    relative = notebook_under_root(parser, args.notebook)
    print(f"app at http://127.0.0.1:{args.port}/voila/render/{relative.as_posix()} "
          "(each view runs every cell in a kernel of its own; Ctrl+C stops)", flush=True)
    return run_until_stopped(voila_command(ROOT, args.port))


if __name__ == "__main__":
    sys.exit(main())
