"""Re-execute notebooks in place, each from a fresh kernel: the only way outputs get committed.

Usage::

    course-execute                       # every notebook in notebooks/
    course-execute notebooks/01_single_neuron.ipynb

Each notebook runs top to bottom with its folder as the working directory;
widget state is stored in the notebook, so the widgets render for readers
(all but the demos' frame caches, which are never shown and need a kernel).
The run time of each notebook is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_frame_caches(nb: dict) -> int:
    """Remove the demos' frame caches from ``nb``'s stored widget state; return how many.

    A frame cache (:mod:`course_utils.frame_cache`) is never displayed and only works
    with a kernel; kept in the file, it would be 8 KB of JavaScript per demo for nothing.

    Examples
    --------
    >>> nb = {"metadata": {"widgets": {WIDGET_STATE: {"state": {
    ...     "a": {"model_module": "anywidget", "state": {"_esm": "... courseFrameCache ..."}},
    ...     "b": {"model_module": "@jupyter-widgets/controls", "state": {}}}}}}}
    >>> drop_frame_caches(nb), list(nb["metadata"]["widgets"][WIDGET_STATE]["state"])
    (1, ['b'])
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    caches = [model_id for model_id, model in state.items()
              if model.get("model_module") == "anywidget"
              and "courseFrameCache" in str(model.get("state", {}).get("_esm", ""))]
    for model_id in caches:
        del state[model_id]
    return len(caches)


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
    drop_frame_caches(nb)
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
