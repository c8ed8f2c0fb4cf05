"""Jupyter Notebook 7: ArrowRight on a focused slider handle moves the slider, not the notebook.

Notebook 7 starts its Lumino application without ``bubblingKeydown``, so its shortcut
handler listens for ``keydown`` on ``document`` in the capture phase and runs before the
slider (noUiSlider) sees the key. In command mode ArrowRight, ArrowLeft, ArrowDown and
ArrowUp match JupyterLab's notebook shortcuts (``notebook:move-cursor-heading-below-or-expand``
and the like, selector ``.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus``),
which stop the event: the notebook jumps to the next heading and the slider stays put.
JupyterLab listens in the bubble phase, after noUiSlider has called ``preventDefault()``,
and then ignores the key. ``jupyter-config/overrides.d/course-utils.json`` re-declares the
four shortcuts with ``:not(.noUi-handle)`` added to the selector. The test

1. starts Notebook 7 with that file as its only settings override (as installed, it sits in
   ``{sys.prefix}/share/jupyter/lab/settings/overrides.d/``),
2. runs a tiny notebook: a heading, one course demo (two sliders), the next heading,
3. clicks the first slider handle, presses ArrowRight and requires the readout to change
   while the active cell, the focus and the page's scroll stay where they were,
4. presses ArrowLeft and requires the first value back,
5. clicks the title cell and presses ArrowRight: the notebook still moves to the next heading.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from conftest import (
    REPO,
    VIEWPORT,
    LabServer,
    free_port,
    require_package,
    server_env,
    stop_server,
    wait_until_ready,
    write_lab_settings,
)

pytestmark = pytest.mark.browser

OVERRIDES = REPO / "jupyter-config" / "overrides.d" / "course-utils.json"
NOTEBOOK = "notebook7_slider.ipynb"
OPEN_TIMEOUT_S = 60
RUN_TIMEOUT_S = 60
KEY_TIMEOUT_S = 10

JS_KERNEL_IDLE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return kernel ? kernel.status === 'idle' : false;
}"""

# Where things are: the first slider's readout, the active cell, the focused element, and the
# handle's distance from the top of the window (it changes when the notebook scrolls).
JS_STATE = """() => {
    const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
    const handle = document.querySelector('.noUi-handle');
    return {value: document.querySelector('.widget-slider .widget-readout').textContent.trim(),
            active: cells.findIndex(c => c.classList.contains('jp-mod-active')),
            handleFocused: document.activeElement === handle,
            handleTop: Math.round(handle.getBoundingClientRect().top)};
}"""


def tiny_notebook(path: Path) -> None:
    """A heading, one course demo with sliders, and a long section under the next heading."""
    filler = "\n\n".join(f"Line {k} of a long section." for k in range(60))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Notebook 7 and a slider\n\nOne demo below."),
        nbformat.v4.new_code_cell("from course_utils.demos.single_neuron import line_fit_demo\n"
                                  "line_fit_demo()"),
        nbformat.v4.new_markdown_cell(f"## The next heading\n\n{filler}"),
    ]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def notebook7(browser_available: None,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """Jupyter Notebook 7 serving the tiny notebook, with the course's settings override."""
    require_package("notebook", "the Notebook 7 test needs Jupyter Notebook 7 (pip install notebook)")
    workdir = tmp_path_factory.mktemp("notebook7")
    root = workdir / "course"
    root.mkdir()
    tiny_notebook(root / NOTEBOOK)
    app_settings = workdir / "app-settings"
    (app_settings / "overrides.d").mkdir(parents=True)
    shutil.copy(OVERRIDES, app_settings / "overrides.d" / OVERRIDES.name)
    write_lab_settings(workdir / "user-settings")
    port, token = free_port(), secrets.token_hex(16)
    server = LabServer(f"http://127.0.0.1:{port}", token, root, workdir / "notebook7.log")
    command = [
        sys.executable, "-m", "notebook", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--JupyterNotebookApp.app_settings_dir={app_settings}",
        f"--JupyterNotebookApp.user_settings_dir={workdir / 'user-settings'}",
        f"--JupyterNotebookApp.workspaces_dir={workdir / 'workspaces'}",
    ]
    with server.log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=server_env(workdir), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_ready(process, server)
        yield server
    finally:
        stop_server(process, server)


def wait_for(page: Any, what: str, check: Any, timeout_s: float) -> Any:
    """Poll ``check()`` until it returns something true; fail with ``what`` after a while."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"Notebook 7: {what} within {timeout_s} s")


def test_arrow_keys_move_a_focused_slider_in_notebook7(browser: Any, notebook7: LabServer,
                                                       screenshot_dir: Path) -> None:
    assert json.loads(OVERRIDES.read_text())  # the override is valid JSON
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{notebook7.url}/notebooks/{NOTEBOOK}?token={notebook7.token}")
        wait_for(page, "the kernel was not idle",
                 lambda: page.evaluate(JS_KERNEL_IDLE), OPEN_TIMEOUT_S)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_selector(".noUi-handle", timeout=RUN_TIMEOUT_S * 1000)
        page.wait_for_selector("img.widget-image", timeout=RUN_TIMEOUT_S * 1000)
        wait_for(page, "the kernel was not idle after running",
                 lambda: page.evaluate(JS_KERNEL_IDLE), RUN_TIMEOUT_S)

        page.click(".noUi-handle")
        before = page.evaluate(JS_STATE)
        assert before["handleFocused"], f"a click did not focus the slider handle: {before}"

        page.keyboard.press("ArrowRight")
        after = wait_for(page, f"ArrowRight did not move the slider (before: {before}, now: "
                               f"{page.evaluate(JS_STATE)})",
                         lambda: (lambda s: s if s["value"] != before["value"] else None)(
                             page.evaluate(JS_STATE)), KEY_TIMEOUT_S)
        page.screenshot(path=screenshot_dir / "notebook7-arrow-right.png")
        assert after["active"] == before["active"], f"the active cell moved: {before} -> {after}"
        assert after["handleFocused"], f"the handle lost the focus: {after}"
        assert abs(after["handleTop"] - before["handleTop"]) <= 2, \
            f"the notebook scrolled: {before} -> {after}"

        page.keyboard.press("ArrowLeft")
        wait_for(page, "ArrowLeft did not bring the first value back",
                 lambda: page.evaluate(JS_STATE)["value"] == before["value"], KEY_TIMEOUT_S)

        # Away from the slider, ArrowRight in command mode still moves to the next heading.
        page.click(".jp-MarkdownCell >> nth=0")
        page.keyboard.press("ArrowRight")
        wait_for(page, "ArrowRight on the title cell did not move to the next heading",
                 lambda: page.evaluate(JS_STATE)["active"] == 2, KEY_TIMEOUT_S)
    except BaseException:
        page.screenshot(path=screenshot_dir / "notebook7-FAILED.png")
        print(f"Notebook 7 log:\n{notebook7.log_tail()}")
        raise
    finally:
        context.close()
