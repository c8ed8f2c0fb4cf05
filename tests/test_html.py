"""course-html's pure-Python part: demo stills, local script URLs, the command line.

The browser test (``tests/browser/test_html_browser.py``) opens the real pages offline.
"""

import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils.instructor.html import (
    WIDGET_VIEW,
    DemoStills,
    copy_part,
    html_exporter,
    main,
    still_figure,
)

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
VIEW = {"version_major": 2, "version_minor": 0, "model_id": "abc"}


def _notebook():
    """A markdown cell with maths, a demo (view + PNG), a bare widget and a plain output."""
    demo = new_output("display_data", data={WIDGET_VIEW: VIEW, "image/png": PNG,
                                            "text/plain": "Demo(...)"})
    bare = new_output("display_data", data={WIDGET_VIEW: VIEW, "text/plain": "IntSlider(value=3)"})
    plain = new_output("stream", name="stdout", text="42\n")
    nb = new_notebook(cells=[new_markdown_cell("The loss $L = (y - a)^2$."),
                             new_code_cell("demo()", outputs=[demo, bare, plain])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_demo_stills_put_the_png_where_the_view_was():
    nb, _ = DemoStills().preprocess(_notebook(), {})
    demo, bare, plain = nb.cells[1].outputs
    assert WIDGET_VIEW not in demo.data and "image/png" not in demo.data
    assert f'src="data:image/png;base64,{PNG}"' in demo.data["text/html"]
    assert "JupyterLab" in demo.data["text/html"]  # the caption says where the demo is live
    assert bare.data == {"text/plain": "IntSlider(value=3)"}  # no PNG: its text remains
    assert plain.text == "42\n"
    assert "widgets" not in nb.metadata  # no state left to load a renderer for


def test_demo_stills_caption_can_be_switched_off():
    nb, _ = DemoStills(caption="").preprocess(_notebook(), {})
    assert "figcaption" not in nb.cells[1].outputs[0].data["text/html"]


def test_still_figure_escapes_the_caption_and_joins_base64_lines():
    figure = still_figure("iVBO\nRw0K", "a < b")
    assert "base64,iVBORw0K" in figure and "a &lt; b" in figure


def test_exported_page_loads_nothing_from_the_network():
    body, _ = html_exporter().from_notebook_node(_notebook())
    assert 'src="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"' in body
    assert 'src="vendor/requirejs/require.js"' in body
    assert f"base64,{PNG}" in body
    assert WIDGET_VIEW not in body and "embed-amd" not in body
    for cdn in ("cdnjs.cloudflare.com/ajax", "unpkg.com", "cdn.jsdelivr"):
        assert cdn not in body


def test_help_names_the_command():
    out = subprocess.run([sys.executable, "-m", "course_utils.instructor.html", "--help"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("usage: course-html")
    assert "--output-dir" in out.stdout


def test_bad_notebook_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([str(tmp_path / "missing.ipynb"), "--output-dir", str(tmp_path)])
    assert exit_.value.code == 2
    assert "`notebooks`" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists()  # nothing fetched for a bad argument


def test_copy_part_names_a_missing_source(tmp_path):
    with pytest.raises(FileNotFoundError, match="`source`"):
        copy_part(tmp_path / "nope.js", tmp_path / "out" / "nope.js")
