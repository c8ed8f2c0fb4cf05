"""Every notebook follows the collection's anatomy, and its students' copy works.

Anatomy (GUIDE.md): a title cell "# NN · Title" with learning goals, a setup
cell calling ``setup(...)``, a summary, slideshow metadata on every cell, at
least one live widget and one exercise with a checker. The students' copy has
no solution left, is a valid notebook, and runs from the top up to its first
exercise, which then stops with NotImplementedError.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_utils.instructor.student_copies import BEGIN, END, student_notebook

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return request.param, read(request.param)


def test_title_cell_with_learning_goals(notebook):
    path, nb = notebook
    first = nb.cells[0]
    number = path.stem[:2]
    assert first.cell_type == "markdown"
    assert re.match(rf"# {number} · \S", first.source), f"{path.name}: title must read '# {number} · ...'"
    assert "Learning goals" in first.source
    goals = re.findall(r"^\s*(?:\d+\.|[-*])\s+\S", first.source, flags=re.M)
    assert 3 <= len(goals) <= 6, f"{path.name}: 3-5 learning goals expected, found {len(goals)}"
    assert "lecture" in first.source.lower(), f"{path.name}: say which lecture slides it follows"


def test_setup_cell(notebook):
    path, nb = notebook
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert re.search(r"\bsetup\(", first_code.source), f"{path.name}: the first code cell must call setup()"


def test_summary(notebook):
    path, nb = notebook
    assert any(c.cell_type == "markdown" and c.source.lstrip().startswith("## Summary")
               for c in nb.cells[-3:]), f"{path.name}: end with a '## Summary' cell"


def test_slideshow_metadata_on_every_cell(notebook):
    path, nb = notebook
    missing = [i for i, c in enumerate(nb.cells) if "slide_type" not in c.metadata.get("slideshow", {})]
    assert not missing, f"{path.name}: cells {missing} have no slideshow metadata"


def test_at_least_one_widget_and_one_exercise_with_checker(notebook):
    path, nb = notebook
    widgets = [c for c in nb.cells if c.cell_type == "code"
               and any(WIDGET_MIME in o.get("data", {}) for o in c.outputs)]
    assert widgets, f"{path.name}: no live widget in the stored outputs"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    exercises = [i for i, src in enumerate(code) if BEGIN in src]
    assert exercises, f"{path.name}: no exercise (### BEGIN SOLUTION)"
    for i in exercises:
        after = code[i] + (code[i + 1] if i + 1 < len(code) else "")
        assert "check_" in after.split(END, 1)[-1], f"{path.name}: exercise in code cell {i} has no checker"


def test_a_question_before_every_live_demo(notebook):
    """The markdown cell before each demo asks first and hides its answer in a <details> block."""
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        if any(WIDGET_MIME in o.get("data", {}) for o in outputs):
            before = nb.cells[i - 1]
            assert before.cell_type == "markdown" and "<details>" in before.source \
                and "</details>" in before.source and "Predict" in before.source, \
                f"{path.name} cell {i}: the demo needs a predict-first question with a <details> answer before it"


def test_executed_with_outputs(notebook):
    path, nb = notebook
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{path.name}: commit it executed (course-execute)"


@pytest.mark.notebooks
def test_student_copy_has_no_solution_and_runs_to_the_first_exercise(notebook, tmp_path):
    path, nb = notebook
    student = student_notebook(nb)
    nbformat.validate(student)
    text = "\n".join(c.source for c in student.cells)
    assert BEGIN not in text and END not in text
    for cell in nb.cells:  # no line of any solution survives
        if cell.cell_type == "code" and BEGIN in cell.source:
            solution = cell.source.split(BEGIN, 1)[1].split(END, 1)[0].splitlines()[1:-1]
            kept = {line.strip() for line in solution if len(line.strip()) > 12}
            student_lines = {line.strip() for c in student.cells for line in c.source.splitlines()}
            assert not kept & student_lines, f"{path.name}: solution lines left: {kept & student_lines}"

    first = next(i for i, c in enumerate(student.cells) if "raise NotImplementedError()" in c.source)
    student.cells = student.cells[: first + 1]
    client = NotebookClient(student, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert "NotImplementedError" in str(failure.value) or "not written yet" in str(failure.value)
    failed = [c for c in student.cells if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert failed == [student.cells[first]], "only the first exercise may fail"


DEMO_CALL = re.compile(r"\b\w+_demo\(|^\s*(?:\w+\s*=\s*)?playground\(", re.M)


def test_every_demo_starts_a_subslide(notebook):
    """A demo on a slide of its own fits reveal.js's page (course-present)."""
    path, nb = notebook
    demos = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and DEMO_CALL.search(c.source)
             and any(WIDGET_MIME in o.get("data", {}) for o in c.get("outputs", []))]
    assert demos, f"{path.name}: no demo found"
    late = [i for i in demos if nb.cells[i].metadata["slideshow"]["slide_type"] not in ("slide", "subslide")]
    assert not late, f"{path.name}: demo cells {late} must start a subslide"


def test_code_only_tags_only_on_markdown(notebook):
    """Voilà drops `code-only` cells before it runs the notebook: a tagged code cell would not run."""
    path, nb = notebook
    wrong = [i for i, c in enumerate(nb.cells) if "code-only" in c.metadata.get("tags", [])
             and c.cell_type != "markdown"]
    assert not wrong, f"{path.name}: cells {wrong} are code cells tagged code-only"
