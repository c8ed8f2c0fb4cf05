"""Write students' copies of the notebooks, with every solution taken out.

In the instructor's notebooks an exercise's answer sits between two marker
lines (nbgrader's)::

    ### BEGIN SOLUTION
    w = 1.8
    ### END SOLUTION

In the students' copy every line from the one holding ``BEGIN SOLUTION`` to
the one holding ``END SOLUTION`` becomes, at the BEGIN line's indentation::

    # YOUR CODE HERE
    raise NotImplementedError()

and all outputs are cleared. Usage::

    course-student-copies                 # notebooks/*.ipynb -> student/
    course-student-copies -o handout notebooks/01_single_neuron.ipynb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def strip_solutions(source: str) -> str:
    """Replace each ``BEGIN SOLUTION`` ... ``END SOLUTION`` block with a placeholder.

    Examples
    --------
    >>> code = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION\\n"
    >>> print(strip_solutions(code))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    <BLANKLINE>
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if BEGIN in line:
            if inside:
                raise ValueError(f"line {number}: a second BEGIN SOLUTION before END SOLUTION")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
        elif END in line:
            if not inside:
                raise ValueError(f"line {number}: END SOLUTION without a BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("BEGIN SOLUTION is never closed by END SOLUTION")
    return "".join(out)


def student_notebook(nb):
    """Return a copy of a notebook (nbformat node) with solutions stripped and outputs cleared."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def write_student_copies(paths: list[Path], out_dir: Path) -> list[Path]:
    """Write a student copy of each notebook into ``out_dir``; return the new paths."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        target = out_dir / Path(path).name
        nbformat.write(student_notebook(nb), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write students' copies of the notebooks.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to copy (default: every notebooks/*.ipynb)")
    parser.add_argument("-o", "--out", type=Path, default=Path("student"),
                        help="output folder (default: ./student)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    for target in write_student_copies(paths, args.out):
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
