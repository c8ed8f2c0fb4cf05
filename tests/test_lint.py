"""ruff, on the package, the tests and the notebooks alike."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or [sys.executable, "-m", "ruff"]
    cmd = ([ruff] if isinstance(ruff, str) else ruff) + ["check", "--no-cache", str(ROOT)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


#: JupyterLab's code column at 1366x768, file browser open, holds 118 characters of
#: DejaVu Sans Mono at 13 px: a longer line scrolls sideways and hides its end.
MAX_NOTEBOOK_LINE = 118


def test_no_notebook_code_line_scrolls_sideways():
    long_lines = []
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        for number, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            long_lines += [f"{path.name}, cell {number}: {len(line)} characters: {line[:60]}..."
                           for line in "".join(cell["source"]).splitlines() if len(line) > MAX_NOTEBOOK_LINE]
    assert not long_lines, "\n".join(long_lines)
