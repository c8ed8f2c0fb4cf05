"""Static HTML of the notebooks that shows everything offline: demo figures and maths.

``jupyter nbconvert --to html`` alone gives, with no network, an empty box for every live
demo (it writes only the widget view, whose renderer comes from a CDN, and drops the PNG
of the demo's first state stored beside it) and raw ``$...$`` for every formula (MathJax
from a CDN). This command shows each demo's stored PNG instead of its widget view, with
a line saying that the demo is live in JupyterLab, and points the page at a local MathJax,
so ``build/html/`` opens anywhere, offline::

    course-html                                    # every notebooks/[0-9]*.ipynb -> build/html/
    course-html notebooks/05_classification_metrics.ipynb --output-dir /tmp/html
    python -m course_utils.instructor.html --help

The first run fetches MathJax 2 and require.js once with ``npm`` (shared with
``course-slides``, in ``build/slides/vendor/``) and copies the parts a page needs (about
5 MB) into ``<output-dir>/vendor/``. The folder is self-contained: zip ``build/html/`` and
upload it to a learning platform as it is.

It runs the same exporter as this command, which you can also use directly once
``build/html/vendor/`` exists::

    jupyter nbconvert --to html notebooks/05_classification_metrics.ipynb --output-dir build/html \\
        --HTMLExporter.preprocessors='["course_utils.instructor.html.DemoStills"]' \\
        --HTMLExporter.mathjax_url="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe" \\
        --HTMLExporter.require_js_url=vendor/requirejs/require.js

(The module also swaps nbconvert's Mermaid import, a CDN URL used only when a notebook holds
a diagram and not settable on the command line, for an empty stand-in, as ``course-slides``
does.)
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode

from course_utils.instructor import slides

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "html"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CAPTION_STYLE = "font-style: italic; font-size: 0.9em; color: #616161; margin-top: 0.25em"

#: What a page needs from each npm package (folder under vendor/ -> files and folders in it).
#: MathJax's whole package is 73 MB; one input (TeX), one output (CommonHTML) and its fonts
#: are about 5 MB.
VENDOR_FILES = {
    "mathjax": ["MathJax.js", "LICENSE", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                "extensions", "jax/input/TeX", "jax/output/CommonHTML", "jax/element",
                "fonts/HTML-CSS/TeX/woff"],
    "requirejs": ["require.js", "package.json"],  # package.json holds its licence (MIT)
}

LOCAL_URLS = {
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": "vendor/requirejs/require.js",
}


class DemoStills(Preprocessor):
    """Show each live demo as the PNG of its first state, stored beside its widget view.

    A demo's output is a mime bundle with the widget view and an ``image/png``. Static HTML
    has no kernel to drive the widget, and nbconvert would write the view alone, so this
    puts the PNG where the view was, as an HTML figure with :attr:`caption` under it, and
    drops the notebook's saved widget state (nothing is left to render it, and it would load
    the widget renderer from a CDN). A widget view without a PNG falls back to its
    ``text/plain``, with a warning.
    """

    caption = Unicode(
        "Live demo, shown in its first state: run the notebook in JupyterLab to move its "
        "controls.", help="Text under each demo's figure; empty for none.").tag(config=True)

    def preprocess(self, nb, resources):
        """Replace every widget view and drop the notebook's widget state; return both."""
        nb, resources = super().preprocess(nb, resources)
        nb.metadata.pop("widgets", None)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        """Replace the widget view of each of the cell's outputs that has one by its PNG."""
        for number, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            del data[WIDGET_VIEW]
            if "image/png" in data:
                data["text/html"] = still_figure(data.pop("image/png"), self.caption)
            else:
                self.log.warning("cell %d, output %d: a widget view without a stored image/png "
                                 "shows only its text", index, number)
        return cell, resources


def still_figure(png: str, caption: str = "") -> str:
    """HTML of a base64 ``png``, a demo's still, with an optional ``caption`` under it.

    Parameters
    ----------
    png : str
        The ``image/png`` of a mime bundle: base64, possibly in lines.
    caption : str, default ""
        Plain text under the image (escaped); none if empty.

    Returns
    -------
    str
        A ``<figure>`` with the image inlined as a data URL.

    Examples
    --------
    >>> still_figure("iVBO")
    '<figure class="course-demo-still" style="margin: 0"><img src="data:image/png;base64,iVBO" \
alt="The live demo in its first state"></figure>'
    """
    png = "".join(png.split())  # nbformat may keep the base64 in lines
    note = f'<figcaption style="{CAPTION_STYLE}">{html.escape(caption)}</figcaption>' if caption else ""
    return (f'<figure class="course-demo-still" style="margin: 0"><img src="data:image/png;base64,'
            f'{png}" alt="The live demo in its first state">{note}</figure>')


def fetch_html_vendor(out_dir: Path = OUT_DIR) -> Path:
    """Copy the MathJax and require.js files a page needs into ``out_dir/vendor``.

    The packages are fetched once with npm into ``build/slides/vendor`` (see
    :func:`course_utils.instructor.slides.fetch_vendor`) and copied from there: only the
    files of :data:`VENDOR_FILES`.

    Parameters
    ----------
    out_dir : Path, default ``build/html``
        The folder of the pages; ``vendor/`` is written beside them, over what is there.

    Returns
    -------
    Path
        ``out_dir/vendor``.
    """
    wanted = {spec: name for spec, name in slides.VENDOR_PACKAGES.items() if name in VENDOR_FILES}
    source = slides.fetch_vendor(slides.OUT_DIR, packages=wanted)
    vendor = Path(out_dir) / "vendor"
    for package, parts in VENDOR_FILES.items():
        for part in parts:
            copy_part(source / package / part, vendor / package / part)
    return vendor


def copy_part(source: Path, target: Path) -> None:
    """Copy one file or folder from ``source`` to ``target``, over what is there."""
    if not source.exists():
        raise FileNotFoundError(f"`source` {source} is missing: delete its package's folder "
                                f"under {slides.OUT_DIR / 'vendor'} and run again to re-fetch it")
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def html_exporter():
    """An ``nbconvert.HTMLExporter`` with :class:`DemoStills` and every script from ``vendor/``.

    The pages it writes expect ``vendor/`` beside them (:func:`fetch_html_vendor`).
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(**LOCAL_URLS)
    exporter.register_preprocessor(DemoStills, enabled=True)
    exporter.mermaid_js_url = slides._NO_MERMAID  # not a command-line option; no notebook uses it
    exporter.mermaid_layout_elk_js_url = ""
    return exporter


def export_notebooks(notebooks: list[Path], out_dir: Path = OUT_DIR) -> list[Path]:
    """Write ``<name>.html`` for each notebook, and ``vendor/``, into ``out_dir``.

    Parameters
    ----------
    notebooks : list of Path
        Executed ``.ipynb`` files; they are read, never written.
    out_dir : Path, default ``build/html``
        Output folder, created if needed.

    Returns
    -------
    list of Path
        The HTML files written, in the order of ``notebooks``.
    """
    import nbformat

    notebooks = [Path(notebook) for notebook in notebooks]
    for notebook in notebooks:
        if notebook.suffix != ".ipynb" or not notebook.is_file():
            raise FileNotFoundError(f"`notebooks` must be existing .ipynb files, "
                                    f"got {str(notebook)!r}")
    out_dir = Path(out_dir)
    fetch_html_vendor(out_dir)
    exporter = html_exporter()
    written = []
    for notebook in notebooks:
        body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4),
                                              resources={"metadata": {"name": notebook.stem}})
        target = out_dir / f"{notebook.stem}.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


def default_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Every ``[0-9]*.ipynb`` in ``folder``, sorted."""
    return sorted(Path(folder).glob("[0-9]*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    """Command line: ``course-html [NOTEBOOK ...] [--output-dir DIR]``."""
    parser = argparse.ArgumentParser(
        prog="course-html",
        description="Write static HTML of notebooks that shows demo figures and maths offline.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help=f"notebooks to export (default: every {NOTEBOOK_DIR}/[0-9]*.ipynb)")
    parser.add_argument("-o", "--output-dir", type=Path, default=OUT_DIR,
                        help=f"output folder, with vendor/ beside the pages (default {OUT_DIR})")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or default_notebooks()
    if not notebooks:
        parser.error(f"no notebooks given and none found in {NOTEBOOK_DIR}")
    try:
        written = export_notebooks(notebooks, args.output_dir)
    except FileNotFoundError as exc:  # a bad argument
        parser.error(str(exc))
    except (RuntimeError, subprocess.CalledProcessError) as exc:  # no npm, or no registry
        parser.exit(1, f"course-html: could not fetch MathJax and require.js: {exc}\n")
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
