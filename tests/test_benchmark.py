"""The benchmark still runs (a smoke run with few repetitions; timings are not asserted here)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
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


def test_timing_helpers_run():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from timing import epoch_speed, frame_times
    finally:
        sys.path.pop(0)
    times = frame_times(3)
    assert times.shape == (3,) and np.all(times > 0)
    speed = epoch_speed(repeats=3)
    assert speed["ours_ms"] > 0 and speed["sklearn_ms"] > 0
    assert speed["ratio"] == pytest.approx(speed["sklearn_ms"] / speed["ours_ms"])
    assert speed["torch_ms"] > 0
    assert speed["torch_ratio"] == pytest.approx(speed["torch_ms"] / speed["ours_ms"])
