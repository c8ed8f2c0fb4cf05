"""The package works however it is installed: a wheel in a fresh environment, used from elsewhere."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.notebooks
def test_wheel_outside_the_repository_serves_the_data_and_runs_notebook_01(tmp_path, monkeypatch):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel, = (tmp_path / "dist").glob("course_utils-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, system_site_packages=True, with_pip=False)  # the dependencies come from here
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True)
    # The arrow-key override reaches where JupyterLab and Notebook 7 read it.
    installed = env_dir / "share/jupyter/lab/settings/overrides.d/course-utils.json"
    assert installed.read_text() == (ROOT / "jupyter-config/overrides.d/course-utils.json").read_text()
    elsewhere = tmp_path / "classroom"
    elsewhere.mkdir()

    code = ("import json, course_utils; from course_utils.data import celsius_table, mnist_5k; "
            "from course_utils.history import milestones; c, f = celsius_table(); x, y = mnist_5k(); "
            "print(json.dumps({'file': course_utils.__file__, 'celsius': c.tolist(), "
            "'milestones': len(milestones()), 'mnist': list(x.shape)}))")
    out = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert Path(found["file"]).is_relative_to(env_dir)  # the wheel's copy, not the checkout's
    assert found["celsius"] == [0.0, 8.0, 15.0, 22.0]
    assert found["milestones"] > 10 and found["mnist"] == [5000, 28, 28]

    # Notebook 01 from the classroom folder, on a kernel of the fresh environment.
    kernels = tmp_path / "kernels"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(kernels), "--name", "wheel-env"],
                   check=True, capture_output=True)
    nb = nbformat.read(ROOT / "notebooks" / "01_single_neuron.ipynb", as_version=4)
    nb.cells.append(new_code_cell("import course_utils\nprint(course_utils.__file__)"))
    monkeypatch.setenv("JUPYTER_PATH", str(kernels / "share" / "jupyter"))
    client = NotebookClient(nb, timeout=300, kernel_name="wheel-env", resources={"metadata": {"path": str(elsewhere)}})
    client.execute()
    assert Path(nb.cells[-1].outputs[0]["text"].strip()).is_relative_to(env_dir)
