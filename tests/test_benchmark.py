"""The benchmark still runs (a smoke run with few repetitions; timings are not asserted here)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.demos import all_demos

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.notebooks
def test_benchmark_smoke_run(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert {d["demo"] for d in report["demos"]} == set(all_demos())
    for demo in report["demos"]:
        assert demo["live"]["n"] >= 2 and demo["live"]["median_ms"] > 0 and demo["naive"]["median_ms"] > 0
    assert report["notebooks"] and report["notebooks"][0]["seconds"] > 0
    assert "| demo | kind |" in run.stdout
