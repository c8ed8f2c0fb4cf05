"""``course-html`` works offline: every demo shows its figure and every formula is typeset.

Each notebook is exported with the command into one temporary folder, then opened from
``file://`` in headless Chromium with every other request aborted. The demos to find are
counted from the notebook's JSON: every output holding a widget view must show an image,
decoded and on screen, at the place of that output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from course_utils.instructor.html import WIDGET_VIEW, main

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
MATHJAX_TIMEOUT_MS = 60_000
MIN_WIDTH_PX = 100
SCREENSHOT_OF = "05_classification_metrics"

# Once MathJax is ready: resolves when the typesetting queued before has run (in order).
MATHJAX_DONE = "() => new Promise(done => MathJax.Hub.Queue(() => done(true)))"

# What MathJax left in the rendered Markdown: text with a `$` outside code and formulas.
MATHS = """() => {
    const skip = 'script, code, pre, .MathJax_CHTML, .MathJax_Preview, .MathJax';
    const raw = [];
    for (const cell of document.querySelectorAll('.jp-RenderedMarkdown')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const text = walker.currentNode;
            if (text.nodeValue.includes('$') && !text.parentElement.closest(skip))
                raw.push(text.nodeValue.trim().slice(0, 80));
        }
    }
    const count = selector => document.querySelectorAll(selector).length;
    return {raw, formulas: count('.jp-RenderedMarkdown script[type^="math/tex"]'),
            typeset: count('.jp-RenderedMarkdown .MathJax_CHTML'),
            errors: count('.jp-RenderedMarkdown .mjx-merror, .jp-RenderedMarkdown .noError')};
}"""

# The image shown for output `index` of the cell with id `cell`, decoded, scrolled into view.
DEMO_IMAGE = """async ([cell, index]) => {
    const area = document.getElementById('cell-id=' + cell);
    if (!area) return {problem: 'no cell with this id'};
    const children = area.querySelectorAll('.jp-OutputArea-child');
    const img = children[index] && children[index].querySelector('img');
    if (!img) return {problem: `no image in output ${index} of ${children.length}`};
    await img.decode();
    img.scrollIntoView({block: 'center'});
    const box = img.getBoundingClientRect();
    const style = getComputedStyle(img);
    return {natural: img.naturalWidth, width: box.width, height: box.height,
            shown: style.display !== 'none' && style.visibility !== 'hidden'};
}"""


def demo_outputs(notebook: Path) -> list[tuple[str, int]]:
    """(cell id, output index) of every output of ``notebook`` that holds a widget view."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [(cell["id"], index) for cell in cells
            for index, output in enumerate(cell.get("outputs", []))
            if WIDGET_VIEW in output.get("data", {})]


@pytest.fixture(scope="session")
def html_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole session's pages; vendor/ is copied into it once per export."""
    return tmp_path_factory.mktemp("html")


def open_offline(browser: Any, html: Path) -> tuple[Any, list[str], list[str]]:
    """Open ``html`` with every request outside ``file:``/``data:`` aborted.

    Returns the page, the requests that went outside (or failed), and the JavaScript errors.
    """
    page = browser.new_page(viewport=VIEWPORT)
    outside: list[str] = []
    errors: list[str] = []

    def offline(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", offline)
    page.on("requestfailed", lambda request: outside.append(f"failed: {request.url[:120]}"))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(html.as_uri())
    return page, outside, errors


def test_html_shows_demos_and_maths_offline(notebook: Path, browser: Any, screenshot_dir: Path,
                                            html_dir: Path) -> None:
    assert main([str(notebook), "--output-dir", str(html_dir)]) == 0
    html = html_dir / f"{notebook.stem}.html"
    demos = demo_outputs(notebook)
    assert demos, f"{notebook.name} has no output with a widget view to check"

    page, outside, errors = open_offline(browser, html)
    try:
        page.wait_for_function("() => window.MathJax && MathJax.isReady",
                               timeout=MATHJAX_TIMEOUT_MS)
        page.evaluate(MATHJAX_DONE)
        maths = page.evaluate(MATHS)
        images = [page.evaluate(DEMO_IMAGE, list(demo)) for demo in demos]
        if notebook.stem == SCREENSHOT_OF:
            page.evaluate(DEMO_IMAGE, list(demos[0]))  # the first demo, centred on screen
            page.screenshot(path=str(screenshot_dir / f"html-{notebook.stem}-demo.png"))
    finally:
        page.close()

    assert not outside, f"the page asked for {outside}"
    assert not errors, f"JavaScript errors in the page: {errors}"
    assert maths["formulas"] > 0, "no formula found in the Markdown cells"
    assert maths["typeset"] == maths["formulas"], f"MathJax typeset {maths}"
    assert maths["errors"] == 0, f"MathJax could not typeset {maths['errors']} formulas"
    assert not maths["raw"], f"raw $ left in the rendered Markdown: {maths['raw'][:5]}"
    for (cell, index), image in zip(demos, images):
        where = f"cell {cell}, output {index}"
        assert "problem" not in image, f"{where}: {image.get('problem')}"
        assert image["natural"] > 0, f"{where}: the image did not decode"
        assert image["shown"] and image["width"] > MIN_WIDTH_PX, f"{where}: not shown: {image}"
