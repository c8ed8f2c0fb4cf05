"""The browser benchmark still runs: ``benchmarks/browser.py --quick`` (two demos, the floor, the peers).

Timings are not asserted (they depend on the machine and its load); that every
measurement exists and is a finite positive number, and that key presses and a
drag did paint frames, is.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
POSITIVE = ["press_median_ms", "press_p95_ms", "arrive_median_ms", "drag_fps", "bytes_per_frame"]


def positive(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_browser_benchmark_quick(browser_available: None, tmp_path: Path) -> None:
    out = tmp_path / "browser_benchmark.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "browser.py"), "--quick",
                          "--json", str(out)], capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    records = json.loads(out.read_text())

    kinds = [r["kind"] for r in records]
    assert kinds.count("floor") == 1 and kinds.count("peer") == 2, kinds
    assert {"analytic", "retrain"} <= set(kinds), kinds
    for r in records:
        where = r["demo"]
        bad = {k: r.get(k) for k in POSITIVE if not positive(r.get(k))}
        assert not bad, f"{where}: not finite positive numbers: {bad}"
        assert r["press_frames"] >= 1, f"{where}: no key press painted a frame"
        assert r["press_frames"] + r["missed_presses"] == r["presses"]
        assert r["press_p95_ms"] >= r["press_median_ms"]
        assert r["drag_frames"] >= 1, f"{where}: the 2-s drag painted no frame"
        # the frames painted while the mouse was down, and the one of the position it was released on
        assert r["drag_painted"] - r["drag_frames"] in (0, 1), where
        assert r["drag_painted_share"] == min(1.0, r["drag_painted"] / r["drag_positions"]), where
        # 0 is possible: nothing was still in flight when the mouse was released
        assert math.isfinite(r["settle_ms"]) and r["settle_ms"] >= 0, where
        assert positive(r["x_floor"]) and positive(r["ipympl_over_this"]), where
    played = [r for r in records if r["training"]]
    assert played and all(positive(r["bytes_per_s_playing"]) for r in played)
    assert "| demo (notebook) |" in run.stdout and "floor" in run.stdout
