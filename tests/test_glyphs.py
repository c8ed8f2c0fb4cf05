"""Every character a student sees has a glyph in DejaVu, the font a bare Linux image has.

A JupyterHub or Binder image often has no emoji font: a character outside DejaVu
(✅, ⏸) draws as an empty box there. The check covers the notebooks' Markdown
and text outputs (DejaVu Sans), their code (DejaVu Sans Mono), and the strings the
package prints or draws (checkers, status lines, figure labels). Matplotlib ships
both fonts, so the test needs nothing installed.
"""

import ast
import json
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
#: Not drawn as glyphs: line breaks and tabs; the LaTeX of formulas is typeset by MathJax.
IGNORED = set("\n\r\t")


@cache
def _covered(family: str) -> frozenset[int]:
    return frozenset(TTFont(font_manager.findfont(family, fallback_to_default=False)).getBestCmap())


def _missing(text: str, family: str) -> set[str]:
    return {ch for ch in text if ch not in IGNORED and ord(ch) not in _covered(family)}


def _output_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out["text"]))
        for mime in ("text/plain", "text/markdown"):
            if mime in out.get("data", {}):
                parts.append("".join(out["data"][mime]))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_text_has_glyphs_in_dejavu(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    missing = {}
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            lacking = _missing(source, "DejaVu Sans Mono") | _missing(_output_text(cell), "DejaVu Sans Mono")
        else:
            lacking = _missing(source, "DejaVu Sans")
        if lacking:
            missing[i] = sorted(lacking)
    assert not missing, f"{path.name}: characters without a DejaVu glyph, by cell: {missing}"


def test_package_strings_have_glyphs_in_dejavu():
    missing = {}
    for module in sorted((ROOT / "course_utils").rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                lacking = _missing(node.value, "DejaVu Sans")
                if lacking:
                    missing[f"{module.relative_to(ROOT)}:{node.lineno}"] = sorted(lacking)
    assert not missing, f"strings without a DejaVu glyph: {missing}"


def test_the_check_finds_an_emoji():
    assert _missing("✅ done ⏸", "DejaVu Sans") == {"✅", "⏸"}
    assert not _missing("✓ done ▶ − ≤ α", "DejaVu Sans")
