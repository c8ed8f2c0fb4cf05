"""Re-execute notebooks in place, each from a fresh kernel: the only way outputs get committed.

Usage::

    course-execute                       # every notebook in notebooks/
    course-execute notebooks/01_single_neuron.ipynb

Each notebook runs top to bottom with its folder as the working directory;
widget state is stored in the notebook, so the widgets render for readers.
The run time of each notebook is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def execute_notebook(path: Path | str, timeout: int = 600, kernel_name: str = "python3") -> float:
    """Run one notebook from a fresh kernel and write it back with its outputs.

    Returns the wall time in seconds. Raises ``nbclient.exceptions.CellExecutionError``
    if a cell fails; the file is then left unchanged.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise FileNotFoundError(f"`path` must be an existing .ipynb file, got {str(path)!r}")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_name, record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb)")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = execute_notebook(path, timeout=args.timeout)
        total += seconds
        print(f"{seconds:7.1f} s  {path}")
    print(f"{total:7.1f} s  total ({len(paths)} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
