"""The instructor's scripts: re-executing notebooks, writing students' copies."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.instructor.execute import execute_notebook
from course_utils.instructor.student_copies import (
    strip_solutions,
    student_notebook,
    write_student_copies,
)

SOLVED = '''def f(x):
    """Double x."""
    ### BEGIN SOLUTION
    y = 2 * x
    return y
    ### END SOLUTION

check(f)
'''


def test_strip_solutions_keeps_indentation_and_the_rest():
    assert strip_solutions(SOLVED) == (
        'def f(x):\n    """Double x."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\ncheck(f)\n'
    )


@pytest.mark.parametrize("broken", [
    "### BEGIN SOLUTION\nx = 1\n",
    "x = 1\n### END SOLUTION\n",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
])
def test_unbalanced_markers_raise(broken):
    with pytest.raises(ValueError, match="SOLUTION"):
        strip_solutions(broken)


def _notebook():
    nb = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("x = 21"),
                             new_code_cell("### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION\nprint(y)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_execute_in_place_then_student_copy(tmp_path):
    path = tmp_path / "n.ipynb"
    nbformat.write(_notebook(), path)
    seconds = execute_notebook(path)
    assert seconds > 0
    executed = nbformat.read(path, as_version=4)
    assert executed.cells[2].outputs[0]["text"] == "42\n"

    student = student_notebook(executed)
    assert "BEGIN SOLUTION" not in student.cells[2].source and "2 * x" not in student.cells[2].source
    assert all(c.get("outputs", []) == [] for c in student.cells)
    assert executed.cells[2].outputs, "the instructor's notebook is not modified"

    (out,) = write_student_copies([path], tmp_path / "student")
    assert "NotImplementedError" in nbformat.read(out, as_version=4).cells[2].source


def test_execute_rejects_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path`"):
        execute_notebook(tmp_path / "nope.ipynb")


@pytest.mark.parametrize("script", ["course-execute", "course-slides", "course-html", "course-present",
                                    "course-student-copies", "course-reading-time"])
def test_console_scripts_answer_help(script):
    import shutil
    import subprocess

    path = shutil.which(script)
    assert path, f"{script} is not installed (pip install -e .)"
    out = subprocess.run([path, "--help"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith(f"usage: {script}")


def test_jupyter_settings_installs_the_override(tmp_path):
    from course_utils.instructor import jupyter_settings

    written = jupyter_settings.install(tmp_path)
    assert written == tmp_path / "share/jupyter/lab/settings/overrides.d/course-utils.json"
    shortcuts = json.loads(written.read_text())["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    commands = {s["command"] for s in shortcuts if ":not(.noUi-handle)" in s["selector"]}
    assert "notebook:move-cursor-heading-below-or-expand" in commands
    # comm messages on the kernel's main thread, one at a time (the frame cache's browser test checks it)
    settings = json.loads(written.read_text())["@jupyterlab/apputils-extension:kernels-settings"]
    assert settings == {"commsOverSubshells": "disabled"}


def test_voila_app_answers_help():
    """``course-voila`` (run as a module: the console script needs ``pip install -e .`` again)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "course_utils.instructor.voila_app", "--help"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("usage: course-voila")
