"""How long a notebook takes to teach: its core path and the whole of it.

Every notebook marks optional material with headings. A section whose heading
starts with ``Going further`` (optional depth) or ``Checks against the
libraries`` (the closing parity checks and timings) is not on the core path,
down to the next heading of the same or a higher level. Everything else is.

The rule, the same for every notebook::

    minutes = words of prose / WORDS_PER_MINUTE
            + MINUTES_PER_CODE_CELL  for each code cell (run it, read its output)
            + MINUTES_PER_DEMO       for each live demo (a widget to explore)

Usage::

    course-reading-time                   # every notebook, a Markdown table
    python -m course_utils.instructor.reading_time notebooks/01_single_neuron.ipynb
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = 150
MINUTES_PER_CODE_CELL = 0.5
MINUTES_PER_DEMO = 2.0
OPTIONAL_HEADINGS = ("Going further", "Checks against the libraries")
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class ReadingTime:
    """Minutes on the core path and in the whole notebook, and what they count."""

    core: float
    total: float
    core_cells: int
    cells: int


def _words(text: str) -> int:
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags (<details>, <summary>) are not read
    return len(re.findall(r"[\w$\\][\w'’.,$\\^{}-]*", text))


def _is_demo(cell: dict) -> bool:
    return any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))


def cell_minutes(cell: dict) -> float:
    """Minutes one cell takes by the rule above.

    Examples
    --------
    >>> cell_minutes({"cell_type": "markdown", "source": "one two three " * 50})
    1.0
    >>> cell_minutes({"cell_type": "code", "source": "x = 1", "outputs": []})
    0.5
    """
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return _words(source) / WORDS_PER_MINUTE
    if cell["cell_type"] == "code":
        return MINUTES_PER_CODE_CELL + (MINUTES_PER_DEMO if _is_demo(cell) else 0.0)
    return 0.0


def optional_cells(cells: list[dict]) -> list[bool]:
    """For each cell, whether it lies in a "Going further" or "Checks against the libraries" section.

    Examples
    --------
    >>> md = lambda text: {"cell_type": "markdown", "source": text}
    >>> optional_cells([md("## 1 · Core"), md("### Going further · depth"), md("more"),
    ...                 md("## 2 · Core again"), md("## Checks against the libraries"), md("## Summary")])
    [False, True, True, False, True, False]
    """
    flags, optional_level = [], None
    for cell in cells:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                match = _HEADING.match(line)
                if not match:
                    continue
                level, title = len(match.group(1)), match.group(2).strip()
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                if optional_level is None and title.startswith(OPTIONAL_HEADINGS):
                    optional_level = level
                break  # a cell's first heading decides where it belongs
        flags.append(optional_level is not None)
    return flags


def reading_time(path: str | Path) -> ReadingTime:
    """Core-path and whole-notebook minutes of one notebook, by the module's rule."""
    path = Path(path)
    if path.suffix != ".ipynb":
        raise ValueError(f"`path` must be a .ipynb notebook, got {str(path)!r}")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    owners, pieces = zip(*[(i, piece) for i, cell in enumerate(cells) for piece in _split_at_headings(cell)])
    minutes = [cell_minutes(piece) for piece in pieces]
    optional = optional_cells(list(pieces))
    core = sum(m for m, skip in zip(minutes, optional) if not skip)
    core_cells = len({i for i, skip in zip(owners, optional) if not skip})  # cells with a core piece
    return ReadingTime(core=core, total=sum(minutes), core_cells=core_cells, cells=len(cells))


def _split_at_headings(cell: dict) -> list[dict]:
    """A Markdown cell cut before each of its headings (text above a *Going further* heading in the
    same cell belongs to the section before it); any other cell as it is.

    Examples
    --------
    >>> [p["source"] for p in _split_at_headings({"cell_type": "markdown", "source": "a\\n## B\\nb"})]
    ['a', '## B\\nb']
    """
    if cell["cell_type"] != "markdown":
        return [cell]
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    pieces: list[list[str]] = [[]]
    for line in source.splitlines():
        if _HEADING.match(line) and any(text.strip() for text in pieces[-1]):
            pieces.append([])
        pieces[-1].append(line)
    return [{"cell_type": "markdown", "source": "\n".join(lines)} for lines in pieces]



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    print("| notebook | core path | whole notebook |\n|---|---|---|")
    core_sum = total_sum = 0.0
    for path in paths:
        time = reading_time(path)
        core_sum, total_sum = core_sum + time.core, total_sum + time.total
        print(f"| {path.stem} | {time.core:.0f} min | {time.total:.0f} min |")
    print(f"| all | {core_sum:.0f} min | {total_sum:.0f} min |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
