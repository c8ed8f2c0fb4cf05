"""Reading times: the rule, the optional sections, and every notebook's marked core path."""

import json
from pathlib import Path

import pytest

from course_utils.instructor.reading_time import (
    MINUTES_PER_CODE_CELL,
    MINUTES_PER_DEMO,
    WIDGET_VIEW,
    WORDS_PER_MINUTE,
    main,
    optional_cells,
    reading_time,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _md(text):
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def _code(widget=False):
    outputs = [{"output_type": "display_data", "data": {WIDGET_VIEW: {}}, "metadata": {}}] if widget else []
    return {"cell_type": "code", "source": "x = 1", "outputs": outputs, "metadata": {}, "execution_count": 1}


def _write(tmp_path, cells):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_the_rule_on_a_small_notebook(tmp_path):
    words = "word " * WORDS_PER_MINUTE  # one minute of prose
    cells = [_md("# Title\n" + words), _code(), _md("## Going further · depth\n" + words), _code(widget=True),
             _md("### still optional"), _md("## 2 · Back on the path"), _code(),
             _md("## Checks against the libraries"), _code(), _md("## Summary")]
    time = reading_time(_write(tmp_path, cells))
    title_words = (1 + WORDS_PER_MINUTE) / WORDS_PER_MINUTE
    core = title_words + 2 * MINUTES_PER_CODE_CELL + 6 / WORDS_PER_MINUTE  # "2 · Back on the path", "Summary"
    assert time.core == pytest.approx(core)
    optional = (3 + WORDS_PER_MINUTE) / WORDS_PER_MINUTE + 2 * MINUTES_PER_CODE_CELL + MINUTES_PER_DEMO \
        + 2 / WORDS_PER_MINUTE + 4 / WORDS_PER_MINUTE
    assert time.total == pytest.approx(core + optional)
    assert (time.core_cells, time.cells) == (5, 10)


def test_a_deeper_heading_does_not_end_an_optional_section():
    flags = optional_cells([_md("## Going further · x"), _md("#### detail"), _md("## Summary")])
    assert flags == [True, True, False]


def test_text_above_a_heading_in_the_same_cell_belongs_to_the_section_before(tmp_path):
    words = "word " * WORDS_PER_MINUTE  # one minute of prose
    cells = [_md("## 1 · Core"), _md(words + "\n### Going further · depth\n" + words), _md("## Summary")]
    time = reading_time(_write(tmp_path, cells))
    core_words = 2 + WORDS_PER_MINUTE + 1  # "1", "Core"; the text above the heading; "Summary"
    assert time.core == pytest.approx(core_words / WORDS_PER_MINUTE)
    assert time.total == pytest.approx(time.core + (3 + WORDS_PER_MINUTE) / WORDS_PER_MINUTE)  # "Going further depth"
    assert (time.core_cells, time.cells) == (3, 3)


def test_bad_path(tmp_path):
    with pytest.raises(ValueError, match="`path` must be a .ipynb notebook"):
        reading_time(tmp_path / "notes.md")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_marks_its_core_path(path):
    """Optional depth under "Going further", a closing "Checks against the libraries", the core named in the title."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    headings = [line for c in cells if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("#")]
    assert any("Going further" in h for h in headings), f"{path.name}: no 'Going further' section"
    sections = [h for h in headings if h.startswith("## ")]
    assert sections[-2].startswith("## Checks against the libraries"), \
        f"{path.name}: the last section before the summary must be 'Checks against the libraries'"
    assert "**Core path.**" in "".join(cells[0]["source"]), f"{path.name}: the title cell names no core path"
    time = reading_time(path)
    assert time.core < time.total


def test_the_core_paths_fit_a_lecture_course_and_the_readme_agrees(capsys):
    # about three hours at the stated rule; the README says how long, and this keeps it from growing
    assert sum(reading_time(p).core for p in NOTEBOOKS) <= 190
    main([])
    table = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in table.splitlines()[2:-1]:
        name, core, total = (cell.strip() for cell in line.strip("|").split("|"))
        row = next(r for r in readme.splitlines() if f"notebooks/{name}.ipynb" in r)
        assert f"{core} / {total}" in row, f"README's row for {name} should read '{core} / {total}'"
