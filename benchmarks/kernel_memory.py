"""How much memory each notebook's kernel holds after a run-all: what one student costs a JupyterHub.

Runs every notebook (or those named) top to bottom in a fresh kernel, as a
student's "Run All" does, then reads the kernel process's resident memory
(``VmRSS`` in ``/proc/<pid>/status``, Linux) and whether the kernel imported
PyTorch. Prints a table and writes ``build/kernel_memory.json``.

Usage::

    python benchmarks/kernel_memory.py                      # every notebook
    python benchmarks/kernel_memory.py notebooks/05_classification_metrics.ipynb
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (MiB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def measure(path: Path, timeout: int = 300) -> dict:
    """Run ``path`` in a fresh kernel; the kernel's memory and its modules afterwards."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint('torch' in sys.modules)"))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        client.execute(cleanup_kc=False)
        seconds = time.perf_counter() - start
        pid = client.km.provisioner.pid
        memory = rss_mb(pid)
    torch_loaded = "True" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return {"notebook": path.stem, "rss_mb": round(memory, 1), "torch_loaded": torch_loaded,
            "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "kernel_memory.json")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    records = []
    print("| notebook | kernel memory after Run All | PyTorch loaded | run time |\n|---|---:|---|---:|")
    for path in paths:
        record = measure(path.resolve())
        records.append(record)
        print(f"| {record['notebook']} | {record['rss_mb']:.0f} MB | "
              f"{'yes' if record['torch_loaded'] else 'no'} | {record['seconds']:.0f} s |", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(records, indent=1))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
