"""Presenting with live demos: notebook 01 as reveal.js slides served by Voilà, in headless Chromium.

jupyterlab-rise 0.43.1 cannot show ipywidgets 8 (its slide app lacks ``@jupyterlab/console``
in its shared modules, so ``@jupyter-widgets/jupyterlab-manager`` never loads and each demo
falls back to its stored PNG; upstream jupyterlab-contrib/rise #119, #126). Voilà's ``reveal``
template runs the notebook in a kernel and renders the slides with live widgets. The test

1. serves a copy of the notebooks as ``course-present`` does (``voila --template=course-reveal``,
   our extension of Voilà's ``reveal``, with reveal.js from a local copy fetched with npm once;
   the page gets no network),
2. steps through the slides until one shows a slider handle: the first demo, on a subslide of
   its own,
3. requires the demo's figure and slider to lie inside the slide and inside the window, and no
   element of the slide to stick out on the right,
4. focuses the handle, presses ArrowRight and requires the slider's readout and the demo's
   image to change while the slide stays (the template keeps reveal.js from taking the arrow
   keys of a focused slider), and saves ``present-voila-demo.png``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import VIEWPORT, copy_course, free_port, require_package, server_env, serving

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_single_neuron.ipynb"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 180  # Voilà runs every cell before the slides show
MAX_SLIDES = 120
POKE_TIMEOUT_S = 15

# The slide on screen is the innermost present section: a vertical stack is `present` too, and
# holds its future subslides' demos.
SLIDE = "section.present:not(.stack)"

JS_DEMO_SHOWN = """() => Array.from(document.querySelectorAll('section.present:not(.stack) .noUi-handle'))
    .some(handle => handle.getBoundingClientRect().width > 0)"""

# Boxes of the present slide, its demo's first image and slider, and the window; and every
# element of the slide whose right edge passes the slide's (1 px for rounding) or whose content
# is wider than itself, scrolled or clipped (8 px allowed: a slider's margin squeezed by flex).
JS_LAYOUT = """() => {
    const slide = document.querySelector('section.present:not(.stack)');
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const edge = slide.getBoundingClientRect().right + 1;
    const wide = Array.from(slide.querySelectorAll('*'))
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && (r.right > edge || e.scrollWidth > e.clientWidth + 8); })
        .map(e => `${e.tagName.toLowerCase()}.${e.className}`);
    return {slide: box(slide), image: box(slide.querySelector('img.widget-image')),
            slider: box(slide.querySelector('.widget-slider')),
            window: {left: 0, top: 0, right: innerWidth, bottom: innerHeight}, wide};
}"""

JS_IMAGE_DIGEST = """async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}"""


@pytest.fixture(scope="module")
def voila_url(browser_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Voilà serving a copy of the notebooks as reveal.js slides; yields the URL of notebook 01."""
    require_package("voila", "presenting with live demos needs Voilà (pip install voila)")
    from course_utils.instructor.present import prepare_reveal, voila_command, voila_env

    workdir = tmp_path_factory.mktemp("voila")
    root = copy_course(workdir)
    prepare_reveal(root)  # what course-present does, in the copy
    port = free_port()
    env = voila_env(server_env(workdir))
    with serving(voila_command(root, port), root, env, port, workdir / "voila.log", START_TIMEOUT_S):
        yield f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK}"


def _offline(route: Any) -> None:
    """Serve only 127.0.0.1: the slides must not need the network."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["left"] >= outer["left"] - 1 and inner["top"] >= outer["top"] - 1
            and inner["right"] <= outer["right"] + 1 and inner["bottom"] <= outer["bottom"] + 1)


def test_voila_slides_have_live_demos(browser: Any, voila_url: str, screenshot_dir: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _offline)
    page = context.new_page()
    try:
        page.goto(voila_url, timeout=RENDER_TIMEOUT_S * 1000)
        page.wait_for_selector("section .widget-slider", state="attached",
                               timeout=RENDER_TIMEOUT_S * 1000)
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        page.locator(".reveal").click(position={"x": 5, "y": 5})  # keys go to reveal.js
        for _ in range(MAX_SLIDES):
            if page.evaluate(JS_DEMO_SHOWN):
                break
            page.keyboard.press("Space")  # the next slide, subslides included
            page.wait_for_timeout(150)
        else:
            pytest.fail(f"no slide with a slider within {MAX_SLIDES} slides")
        page.wait_for_timeout(1000)  # the slide transition ends
        slide = page.evaluate("() => location.hash")
        handle = page.locator(f"{SLIDE} .noUi-handle").first
        # element handles, not locators: they stay on this slide's demo if the slide changes
        readout = page.locator(f"{SLIDE} .widget-readout").first.element_handle()
        image = page.locator(f"{SLIDE} img.widget-image").first.element_handle()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image, timeout=POKE_TIMEOUT_S * 1000)
        layout = page.evaluate(JS_LAYOUT)
        for part in ("image", "slider"):
            for frame in ("slide", "window"):
                assert _inside(layout[part], layout[frame]), (
                    f"the demo's {part} {layout[part]} is not inside the {frame} {layout[frame]}")
        assert not layout["wide"], f"elements stick out of the slide on the right: {layout['wide'][:5]}"
        before = (readout.text_content(), image.evaluate(JS_IMAGE_DIGEST))
        handle.evaluate("h => h.focus({preventScroll: true})")  # a plain focus scrolls .reveal
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + POKE_TIMEOUT_S
        after = before
        while time.monotonic() < deadline:
            after = (readout.text_content(), image.evaluate(JS_IMAGE_DIGEST))
            if after[0] != before[0] and after[1] != before[1]:
                break
            page.wait_for_timeout(200)
        slide_after = page.evaluate("() => location.hash")
        page.screenshot(path=screenshot_dir / "present-voila-demo.png")
        assert after[0] != before[0], f"the slider did not move (readout {before[0]!r})"
        assert after[1] != before[1], "the demo's image did not change after the slider moved"
        assert slide_after == slide, "ArrowRight changed the slide"
    finally:
        context.close()
