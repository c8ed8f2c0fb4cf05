"""Presenting with live demos: notebook 01 as reveal.js slides served by Voilà, in headless Chromium.

jupyterlab-rise 0.43.1 cannot show ipywidgets 8 (its slide app lacks ``@jupyterlab/console``
in its shared modules, so ``@jupyter-widgets/jupyterlab-manager`` never loads and each demo
falls back to its stored PNG; upstream jupyterlab-contrib/rise #119, #126). Voilà's ``reveal``
template runs the notebook in a kernel and renders the slides with live widgets. The test

1. serves a copy of the notebooks as ``course-present`` does, ``voila --template=reveal`` with
   reveal.js from a local copy (fetched with npm once; the page gets no network),
2. steps through the slides until one shows a slider handle,
3. adds the guard a presenter needs (ArrowRight on a focused slider moves the slider, not the
   slides: reveal.js listens for keys on ``document``, noUiSlider does not stop them),
4. focuses the handle, presses ArrowRight and requires the slider's readout and the demo's
   image to change while the slide stays, and saves ``present-voila-demo.png``.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, VIEWPORT, copy_course, free_port, in_ci

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_single_neuron.ipynb"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 180  # Voilà runs every cell before the slides show
MAX_SLIDES = 120
POKE_TIMEOUT_S = 15

# reveal.js handles keys on `document`; stopping arrow keys that come from a slider handle on
# the way up leaves the handle's own handler (it already ran) and keeps the slide in place.
JS_KEY_GUARD = """() => document.querySelector('.reveal').addEventListener('keydown', event => {
    if (event.target.closest && event.target.closest('.noUi-handle')) { event.stopPropagation(); }
})"""

JS_DEMO_SHOWN = """() => Array.from(document.querySelectorAll('section.present .noUi-handle'))
    .some(handle => handle.getBoundingClientRect().width > 0)"""

JS_IMAGE_DIGEST = """async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}"""


@pytest.fixture(scope="module")
def voila_url(browser_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Voilà serving a copy of the notebooks as reveal.js slides; yields the URL of notebook 01."""
    if importlib.util.find_spec("voila") is None:
        message = "presenting with live demos needs Voilà (pip install voila)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from course_utils.instructor.present import prepare_reveal, voila_command

    workdir = tmp_path_factory.mktemp("voila")
    root = copy_course(workdir)
    prepare_reveal(root)  # what course-present does, in the copy
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / "config"),
               JUPYTER_RUNTIME_DIR=str(workdir / "runtime"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = voila_command(root, port)
    log = workdir / "voila.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"Voilà exited with code {process.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Voilà did not answer within {START_TIMEOUT_S} s")
                time.sleep(0.25)
        yield f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _offline(route: Any) -> None:
    """Serve only 127.0.0.1: the slides must not need the network."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


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
        page.evaluate(JS_KEY_GUARD)
        slide = page.evaluate("() => location.hash")
        handle = page.locator("section.present .noUi-handle").first
        readout = page.locator("section.present .widget-readout").first
        image = page.locator("section.present img.widget-image").first
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle(), timeout=POKE_TIMEOUT_S * 1000)
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
