"""The classroom load test (benchmarks/classroom.py) and the Zero to JupyterHub config beside it."""

import json
import math
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import classroom
finally:
    sys.path.pop(0)


def _get(mapping: dict, dotted: str):
    for key in dotted.split("."):
        assert isinstance(mapping, dict) and key in mapping, f"{dotted}: `{key}` missing"
        mapping = mapping[key]
    return mapping


def test_zero_to_jupyterhub_config_is_complete():
    config = yaml.safe_load((ROOT / "deploy" / "zero-to-jupyterhub" / "config.yaml").read_text())
    for key in ("singleuser.memory.guarantee", "singleuser.memory.limit",
                "singleuser.cpu.guarantee", "singleuser.image.name", "singleuser.image.tag"):
        assert _get(config, key), f"{key} is empty"
    assert _get(config, "cull.enabled") is True
    assert _get(config, "cull.timeout") > 0
    assert _get(config, "singleuser.defaultUrl") == "/lab"
    # the sizes Kubernetes reads: "1.5G", "800M"; the guarantee below the limit
    memory = {k: _get(config, f"singleuser.memory.{k}") for k in ("guarantee", "limit")}
    in_mb = {k: float(v[:-1]) * (1000 if v.endswith("G") else 1) for k, v in memory.items()}
    assert all(v[-1] in "GM" for v in memory.values()), memory
    assert in_mb["guarantee"] <= in_mb["limit"]
    assert 0 < _get(config, "singleuser.cpu.guarantee") <= _get(config, "singleuser.cpu.limit")


def test_decode_frame_reads_text_and_binary_messages():
    msg = {"header": {"msg_type": "comm_msg"}, "content": {"data": {"method": "update"}}}
    assert classroom.decode_frame(json.dumps(msg)) == msg
    body, buffer = json.dumps(msg).encode(), b"\x89PNG..."
    offsets = [4 * 3, 4 * 3 + len(body)]  # count, two offsets, then the message and a buffer
    frame = struct.pack("!III", 2, *offsets) + body + buffer
    assert classroom.decode_frame(frame) == msg


def test_slider_sweeps_back_and_forth():
    state = {"min": 10, "max": 30, "step": 10}
    value, direction, seen = 20, 1, []
    for _ in range(5):
        value, direction = classroom.next_slider_value(state, value, direction)
        seen.append(value)
    assert seen == [30, 20, 10, 20, 30]


def test_percentile_and_model_ids():
    assert classroom.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert classroom.percentile(list(range(101)), 95) == pytest.approx(95.0)
    assert math.isnan(classroom.percentile([], 95))
    assert classroom.model_ids(["IPY_MODEL_a", "IPY_MODEL_b", "x"]) == ["a", "b"]


def test_hub_config_binds_to_localhost_only(tmp_path):
    text = classroom.hub_config(tmp_path, "/usr/bin/configurable-http-proxy", 8123)
    compile(text, "jupyterhub_config.py", "exec")  # valid Python
    assert "c.JupyterHub.bind_url = 'http://127.0.0.1:8123'" in text
    assert "c.JupyterHub.spawner_class = 'simple'" in text
    assert "c.JupyterHub.authenticator_class = 'shared-password'" in text


@pytest.mark.browser
def test_classroom_of_two_students(tmp_path):
    out = tmp_path / "classroom.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "classroom.py"),
                          "--students", "2", "--seconds", "20", "--json", str(out)],
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [record] = json.loads(out.read_text())
    assert record["students"] == 2
    assert record["failures"] == 0, record["failure_details"]
    for key in ("median_ms", "p95_ms"):
        assert math.isfinite(record[key]) and record[key] > 0, (key, record[key])
    assert record["updates"] >= 2 and record["updates_without_image"] < record["updates"]
    assert record["rss_mb_per_student"] > 50 and record["cpu_per_student"] > 0
    assert "| students |" in run.stdout
