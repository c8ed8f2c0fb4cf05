"""Notebook 01 as a Voilà app (``course-voila``), in headless Chromium with the network blocked.

The test serves a copy of the notebooks as ``course-voila`` does (Voilà's default template,
cells tagged ``code-only`` left out), opens notebook 01, and requires

1. the lecture's prose (a sentence that reads a demo) to be there and the code-only prose (the
   setup cell's ``setup(presenting=True)`` note, exercise 3's instructions) to be absent,
2. the first demo to be live: ArrowRight on its focused slider handle changes the slider's
   readout and the demo's image. It saves ``voila-app-demo.png``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_present_browser import JS_IMAGE_DIGEST, _offline

from conftest import VIEWPORT, copy_course, free_port, require_package, server_env, serving

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_single_neuron.ipynb"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 180  # Voilà runs every cell before the page shows
POKE_TIMEOUT_S = 15
KEPT = "Getting the MSE below 1 by hand takes patience"  # reads the first demo
DROPPED = ["setup(presenting=True)",  # the setup cell's note (tagged code-only)
           "Exercise 3 · the gradient through the sigmoid"]  # instructions for code


@pytest.fixture(scope="module")
def app_url(browser_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Voilà serving a copy of the notebooks as apps; yields the URL of notebook 01."""
    require_package("voila", "the Voilà app needs Voilà (pip install voila)")
    from course_utils.instructor.voila_app import voila_command

    workdir = tmp_path_factory.mktemp("voila-app")
    root = copy_course(workdir)
    port = free_port()
    with serving(voila_command(root, port), root, server_env(workdir), port, workdir / "voila.log",
                 START_TIMEOUT_S):
        yield f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK}"


def test_voila_app_has_live_demos_and_no_code_only_prose(browser: Any, app_url: str,
                                                         screenshot_dir: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _offline)
    page = context.new_page()
    try:
        page.goto(app_url, timeout=RENDER_TIMEOUT_S * 1000)
        page.wait_for_selector(".widget-slider .noUi-handle", timeout=RENDER_TIMEOUT_S * 1000)
        text = page.evaluate("() => document.body.innerText")
        assert KEPT in text, "the prose that reads the first demo is missing"
        for sentence in DROPPED:
            assert sentence not in text, f"code-only prose is shown: {sentence!r}"
        handle = page.locator(".noUi-handle").first
        readout = page.locator(".widget-readout").first
        image = page.locator("img.widget-image").first
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle(), timeout=POKE_TIMEOUT_S * 1000)
        handle.scroll_into_view_if_needed()
        before = (readout.text_content(), image.evaluate(JS_IMAGE_DIGEST))
        handle.focus()
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + POKE_TIMEOUT_S
        after = before
        while time.monotonic() < deadline:
            after = (readout.text_content(), image.evaluate(JS_IMAGE_DIGEST))
            if after[0] != before[0] and after[1] != before[1]:
                break
            page.wait_for_timeout(200)
        page.screenshot(path=screenshot_dir / "voila-app-demo.png")
        assert after[0] != before[0], f"the slider did not move (readout {before[0]!r})"
        assert after[1] != before[1], "the demo's image did not change after the slider moved"
        # the frame cache's browser half (an anywidget) runs in Voilà too, offline
        page.wait_for_function("() => (globalThis.courseFrameCache || {}).received > 0",
                               timeout=POKE_TIMEOUT_S * 1000)
    finally:
        context.close()
