"""Static reveal.js slides of a notebook that work offline, widgets included.

``jupyter nbconvert --to slides`` loads reveal.js, require.js, jQuery, MathJax
and the widget renderer from CDNs. This script fetches those files once from
the npm registry (``npm pack``) into ``build/slides/vendor/`` and points the
exporter at the local copies, so the slides open with no network, in class::

    course-slides notebooks/01_single_neuron.ipynb      # -> build/slides/01_single_neuron.slides.html
    python -m course_utils.instructor.slides notebooks/*.ipynb

It runs the same exporter as this command, which you can also use directly
once ``vendor/`` exists::

    jupyter nbconvert --to slides notebooks/01_single_neuron.ipynb --output-dir build/slides \\
        --SlidesExporter.reveal_theme=white --SlidesExporter.reveal_url_prefix=vendor/reveal.js \\
        --SlidesExporter.require_js_url=vendor/requirejs/require.js \\
        --SlidesExporter.jquery_url=vendor/jquery/dist/jquery.min.js \\
        --SlidesExporter.mathjax_url="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe" \\
        --SlidesExporter.widget_renderer_url=vendor/html-manager/dist/embed-amd.js
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "build" / "slides"

#: npm package -> folder under vendor/. reveal.js 4.x is what nbconvert's template expects.
VENDOR_PACKAGES = {
    "reveal.js@4.0.2": "reveal.js",
    "requirejs@2.3.7": "requirejs",
    "jquery@2.2.4": "jquery",
    "mathjax@2.7.9": "mathjax",
    "@jupyter-widgets/html-manager@1.0.13": "html-manager",
}

LOCAL_URLS = {
    "reveal_url_prefix": "vendor/reveal.js",
    "require_js_url": "vendor/requirejs/require.js",
    "jquery_url": "vendor/jquery/dist/jquery.min.js",
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": "vendor/html-manager/dist/embed-amd.js",
}
# Not configurable on the command line; replaced by empty local stand-ins so nothing is fetched.
_NO_MERMAID = "data:text/javascript,export default {initialize() {}};"
_NO_FONT_AWESOME = "data:text/css,"


def fetch_vendor(out_dir: Path = OUT_DIR, packages: dict[str, str] | None = None) -> Path:
    """Unpack the JavaScript the slides need into ``out_dir/vendor`` (once; needs npm).

    ``packages`` (npm spec -> folder, default :data:`VENDOR_PACKAGES`) fetches only some of
    them: ``course-html`` asks for MathJax and require.js alone.
    """
    vendor = out_dir / "vendor"
    packages = VENDOR_PACKAGES if packages is None else packages
    missing = {spec: name for spec, name in packages.items() if not (vendor / name).is_dir()}
    if not missing:
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"offline slides and HTML need `npm` once, to fetch {', '.join(missing)}; "
                           "install Node.js and npm")
    vendor.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", "--silent", *missing], cwd=tmp, check=True, capture_output=True)
        for spec, name in missing.items():
            package = spec.rsplit("@", 1)[0].lstrip("@").replace("/", "-")
            (tarball,) = Path(tmp).glob(f"{package}-*.tgz")
            with tarfile.open(tarball) as tar:
                tar.extractall(Path(tmp) / name, filter="data")
            shutil.move(str(Path(tmp) / name / "package"), vendor / name)
    return vendor


def make_slides(notebook: Path | str, out_dir: Path = OUT_DIR) -> Path:
    """Write ``<name>.slides.html`` for one notebook into ``out_dir``; return its path."""
    import nbformat
    from nbconvert import SlidesExporter

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise FileNotFoundError(f"`notebook` must be an existing .ipynb file, got {str(notebook)!r}")
    fetch_vendor(out_dir)
    exporter = SlidesExporter(reveal_theme="white", **LOCAL_URLS)  # "white" ships its fonts
    exporter.mermaid_js_url = _NO_MERMAID
    exporter.font_awesome_url = _NO_FONT_AWESOME
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write offline reveal.js slides of notebooks.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})")
    args = parser.parse_args(argv)
    for notebook in args.notebooks:
        print(f"wrote {make_slides(notebook, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
