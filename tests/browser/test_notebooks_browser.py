"""Every notebook, run in JupyterLab in headless Chromium: it runs, its widgets render, its demos respond.

For each ``notebooks/[0-9]*.ipynb`` (see ``conftest.py``), the test

1. opens the notebook in a fresh JupyterLab page and waits for its kernel,
2. runs all cells and waits until every one has finished,
3. checks that no cell shows an error and that every widget rendered,
4. moves a slider of each interactive demo (``.course-liveplot`` boxes built by
   :class:`course_utils.widgets.LivePlot`) and waits for its figure to change,
5. saves screenshots: the notebook page by page, then each demo,
6. checks the layout a reader gets at 1366x768 with the file browser open (a notebook
   column of about 930 px): no widget label or button text is cut, every slider's track
   is at least 120 px long, and a demo with Play shows its Play button and its figure on
   one screen; it saves each demo as seen there (``<notebook>-reader-demo-<k>.png``).

Which sliders to move can be declared in the notebook's metadata, as
``metadata["course"]["poke"] = [{"demo": 0, "slider": 1}, ...]`` (indices among the
notebook's demos and among that demo's sliders); by default the first slider of
every demo is moved.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

pytestmark = pytest.mark.browser

OPEN_TIMEOUT_S = 60
KERNEL_TIMEOUT_S = 60
RUN_TIMEOUT_S = 300
WIDGET_SETTLE_S = 20
POKE_TIMEOUT_S = 15
ARROW_PRESSES = 3
MAX_PAGE_SCREENSHOTS = 40
READER_VIEWPORT = {"width": 1366, "height": 768}  # a laptop screen; JupyterLab's file browser open
MIN_TRACK_PX = 120  # a slider's track: shorter, and a step of a 100-step slider is 1 px
MIN_FIGURE_SCALE = 0.9  # a static figure shrunk further makes its 8-pt labels smaller than 10 px
#: The characters a bare Linux image (a JupyterHub, a Binder) can draw: DejaVu's, which
#: matplotlib ships too; line breaks and the like draw nothing.
DEJAVU = {chr(code) for family in ("DejaVu Sans", "DejaVu Sans Mono")
          for code in TTFont(font_manager.findfont(family, fallback_to_default=False)).getBestCmap()}
IGNORED = set("\n\r\t\u00a0\u200b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# JavaScript run in the page. `PANEL` finds the notebook's panel by its path.
PANEL = ("const panel = Array.from(window.jupyterapp.shell.widgets('main'))"
         ".find(w => w.context && w.context.path === path);")

JS_OPEN = """async ([path, seconds]) => {
    const open = async () => {
        await window.jupyterapp.restored;
        window.jupyterapp.shell.collapseLeft();  // more room for the notebook
        const panel = await window.jupyterapp.commands.execute(
            'docmanager:open', {path, factory: 'Notebook'});
        await panel.context.ready;
        return panel.id;
    };
    const late = new Promise((_, reject) => setTimeout(
        () => reject(new Error(`not open after ${seconds} s`)), seconds * 1000));
    return Promise.race([open(), late]);
}"""

JS_KERNEL_STATUS = f"""(path) => {{ {PANEL}
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return kernel ? kernel.status : null;
}}"""

JS_RUN_ALL = f"""(path) => {{ {PANEL}
    window.jupyterapp.shell.activateById(panel.id);
    window.__courseRun = {{done: false, result: null}};
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        ok => {{ window.__courseRun = {{done: true, result: String(ok)}}; }},
        err => {{ window.__courseRun = {{done: true, result: 'error: ' + err}}; }});
}}"""

JS_RUN_STATE = f"""(path) => {{ {PANEL}
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const prompts = Array.from(panel.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
    return {{done: window.__courseRun.done, result: window.__courseRun.result,
             kernel: kernel ? kernel.status : null,
             running: prompts.filter(p => p.textContent.includes('*')).length}};
}}"""

JS_CODE_CELLS = f"""(path) => {{ {PANEL}
    return panel.content.widgets.filter(cell => cell.model.type === 'code').map(cell => ({{
        count: cell.model.executionCount,
        source: cell.model.sharedModel.getSource(),
        outputs: cell.model.outputs.toJSON()}}));
}}"""

# What widgets show: "Loading widget..." and "Error displaying widget" are the manager's
# placeholders; a view that failed to build is an error box that shows its message on a click.
JS_WIDGET_STATE = """(panel) => {
    const text = Array.from(panel.querySelectorAll('.jp-OutputArea-output'))
        .map(o => o.textContent).join('\\n');
    const failedViews = Array.from(panel.querySelectorAll('.jupyter-widgets-error-widget'))
        .map(box => {  // the first line is "[Open Browser Console...]", then message, stack
            box.parentElement.click();
            return box.textContent.trim().split('\\n').slice(1, 3).join(' / ');
        });
    const images = Array.from(panel.querySelectorAll('.course-liveplot img.widget-image'));
    return {loading: (text.match(/Loading widget\\.\\.\\./g) || []).length,
            broken: (text.match(/Error displaying widget[^\\n]*/g) || []).concat(failedViews),
            demoErrors: Array.from(panel.querySelectorAll('.course-liveplot-error'))
                .map(e => e.textContent),
            blankImages: images.filter(i => !(i.complete && i.naturalWidth > 0)).length};
}"""

# 127.0.0.1 is a secure context, so crypto.subtle is there.
JS_IMAGE_DIGEST = """async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}"""

# The notebook's scrolling element, and the height of its cells (without the blank space
# JupyterLab leaves below the last cell).
FIND_SCROLLER = """const scroller = [panel, ...panel.querySelectorAll('*')].find(el =>
        el.scrollHeight > el.clientHeight + 1
        && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY));"""

JS_SCROLLER = f"""(panel) => {{ {FIND_SCROLLER}
    if (!scroller) {{ return null; }}
    const cells = panel.querySelectorAll('.jp-Cell');
    const last = cells[cells.length - 1];
    const bottom = last ? last.getBoundingClientRect().bottom
        - scroller.getBoundingClientRect().top + scroller.scrollTop : scroller.scrollHeight;
    return {{content: Math.min(bottom, scroller.scrollHeight), view: scroller.clientHeight}};
}}"""

JS_SCROLL_TO = f"""(panel, top) => {{ {FIND_SCROLLER}
    if (scroller) {{ scroller.scrollTop = top; }}
}}"""


# -- opening and running ----------------------------------------------------------------------
def accept_dialogs(page: Any) -> None:
    """Accept any open dialog (such as "Select Kernel") with its default button."""
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    if accept.count():
        accept.first.click()


def open_notebook(page: Any, server: Any, path: str) -> str:
    """Open ``path`` in a fresh JupyterLab page; return the CSS selector of its panel."""
    page.goto(f"{server.url}/lab?reset&token={server.token}")
    page.wait_for_function("() => window.jupyterapp !== undefined",
                           timeout=OPEN_TIMEOUT_S * 1000)
    panel_id = page.evaluate(JS_OPEN, [path, OPEN_TIMEOUT_S])
    return f"#{panel_id}"


def wait_for_kernel(page: Any, path: str) -> None:
    """Wait until the notebook's kernel is idle, accepting a kernel dialog if one shows."""
    deadline = time.monotonic() + KERNEL_TIMEOUT_S
    status = None
    while time.monotonic() < deadline:
        accept_dialogs(page)
        status = page.evaluate(JS_KERNEL_STATUS, path)
        if status == "idle":
            return
        time.sleep(0.25)
    pytest.fail(f"{path}: the kernel was not idle within {KERNEL_TIMEOUT_S} s "
                f"(last status: {status})")


def run_all_cells(page: Any, path: str) -> float:
    """Run every cell and wait until all have finished; return the seconds it took."""
    start = time.monotonic()
    page.evaluate(JS_RUN_ALL, path)
    state: dict = {}
    while time.monotonic() - start < RUN_TIMEOUT_S:
        accept_dialogs(page)
        state = page.evaluate(JS_RUN_STATE, path)
        if state["done"] and state["kernel"] == "idle" and not state["running"]:
            return time.monotonic() - start
        time.sleep(0.5)
    pytest.fail(f"{path}: cells still running after {RUN_TIMEOUT_S} s (last state: {state})")


# -- checks -----------------------------------------------------------------------------------
def error_outputs(cells: list[dict]) -> list[str]:
    """The text of every error output, and of every stderr stream holding a traceback."""
    found = []
    for number, cell in enumerate(cells, start=1):
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                text = "\n".join(output.get("traceback") or
                                 [f"{output['ename']}: {output['evalue']}"])
            elif output.get("name") == "stderr" and "Traceback" in "".join(output["text"]):
                text = "".join(output["text"])
            else:
                continue
            first_line = cell["source"].strip().split("\n")[0][:80]
            found.append(f"--- code cell {number} ({first_line}) ---\n{ANSI.sub('', text).strip()}")
    return found


def assert_ran_cleanly(page: Any, path: str) -> None:
    """No cell shows an error, and every code cell has an execution count."""
    cells = page.evaluate(JS_CODE_CELLS, path)
    errors = error_outputs(cells)
    if errors:
        pytest.fail(f"{path}: {len(errors)} cell(s) show an error:\n" + "\n".join(errors),
                    pytrace=False)
    unrun = [number for number, cell in enumerate(cells, start=1) if cell["count"] is None]
    assert not unrun, f"{path}: code cells {unrun} have no execution count after 'run all'"


def settled_widget_state(page: Any, panel: str) -> dict:
    """Wait (a while) for the widgets to render; return what is still loading or broken."""
    deadline = time.monotonic() + WIDGET_SETTLE_S
    state = page.locator(panel).evaluate(JS_WIDGET_STATE)
    while (state["loading"] or state["blankImages"]) and time.monotonic() < deadline:
        time.sleep(0.5)
        state = page.locator(panel).evaluate(JS_WIDGET_STATE)
    return state


def assert_widgets_rendered(state: dict, path: str) -> None:
    """Every widget rendered: no "Loading widget...", no "Error displaying widget", no demo error."""
    assert not state["broken"], f"{path}: widgets failed to display: {state['broken']}"
    assert not state["loading"], \
        f"{path}: {state['loading']} widget(s) still 'Loading widget...' after {WIDGET_SETTLE_S} s"
    assert not state["demoErrors"], f"{path}: demos show errors: {state['demoErrors']}"
    assert not state["blankImages"], f"{path}: {state['blankImages']} demo figure(s) are blank"


# -- poking the demos -------------------------------------------------------------------------
def pokes_for(notebook: Path, demo_count: int) -> list[tuple[int, int]]:
    """The (demo, slider) pairs to move: declared in the metadata, else slider 0 of every demo."""
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    declared = metadata.get("course", {}).get("poke")
    if declared is None:
        return [(demo, 0) for demo in range(demo_count)]
    pokes = [(int(item["demo"]), int(item.get("slider", 0))) for item in declared]
    beyond = [demo for demo, _ in pokes if demo >= demo_count]
    assert not beyond, (f"{notebook.name}: metadata.course.poke names demo(s) {beyond}, "
                        f"but the notebook shows only {demo_count} demo(s)")
    return pokes


def image_digest(demo: Any) -> str:
    """SHA-256 of the bytes the demo's figure currently shows."""
    return demo.locator("img.widget-image").first.evaluate(JS_IMAGE_DIGEST)


def move_slider(page: Any, slider: Any) -> tuple[str, str]:
    """Press ArrowRight on the slider's handle a few times; return its readout before and after.

    If the readout did not change (the slider sits at its maximum, or the readout rounds
    the change away), press ArrowLeft twice as often, to end below the start.
    """
    readout = slider.locator(".widget-readout")
    before = readout.text_content()
    slider.locator(".noUi-handle").first.focus()
    for _ in range(ARROW_PRESSES):
        page.keyboard.press("ArrowRight")
    if readout.text_content() == before:
        for _ in range(2 * ARROW_PRESSES):
            page.keyboard.press("ArrowLeft")
    return before, readout.text_content()


def poke(page: Any, panel: str, path: str, demo_index: int, slider_index: int) -> None:
    """Move one slider of one demo and assert that the demo's figure changes."""
    where = f"{path}, demo {demo_index}, slider {slider_index}"
    demo = page.locator(f"{panel} .course-liveplot").nth(demo_index)
    demo.scroll_into_view_if_needed()
    sliders = demo.locator(".widget-slider")
    assert slider_index < sliders.count(), f"{where}: the demo has only {sliders.count()} slider(s)"
    slider = sliders.nth(slider_index)
    label = slider.locator(".widget-label").first.inner_text()
    digest = image_digest(demo)
    before, after = move_slider(page, slider)

    errors = demo.locator(".course-liveplot-error")
    deadline = time.monotonic() + POKE_TIMEOUT_S
    changed = False
    while not changed and not errors.count() and time.monotonic() < deadline:
        time.sleep(0.25)
        changed = image_digest(demo) != digest
    moved = f"{where} ({label!r}, {before} -> {after})"
    if errors.count():
        pytest.fail(f"{moved}: the demo shows {errors.first.inner_text()!r}", pytrace=False)
    if not changed:
        pytest.fail(f"{moved}: the figure did not change within {POKE_TIMEOUT_S} s", pytrace=False)


# -- screenshots ------------------------------------------------------------------------------
def clear_screenshots(folder: Path, stem: str) -> None:
    """Remove this notebook's screenshots from an earlier run."""
    for old in folder.glob(f"{stem}-*.png"):
        old.unlink()


def screenshot_pages(page: Any, panel: str, folder: Path, stem: str) -> int:
    """Scroll through the notebook a screen at a time, saving each; return how many."""
    node = page.locator(panel)
    scroller = node.evaluate(JS_SCROLLER)
    if scroller is None:
        page.screenshot(path=folder / f"{stem}-page-01.png")
        return 1
    step = max(scroller["view"] - 80, 200)  # a little overlap between screens
    tops = list(range(0, max(int(scroller["content"]) - 80, 1), step))
    for number, top in enumerate(tops[:MAX_PAGE_SCREENSHOTS], start=1):
        node.evaluate(JS_SCROLL_TO, top)
        page.wait_for_timeout(150)
        page.screenshot(path=folder / f"{stem}-page-{number:02d}.png")
    node.evaluate(JS_SCROLL_TO, 0)
    return min(len(tops), MAX_PAGE_SCREENSHOTS)


def screenshot_demos(page: Any, panel: str, folder: Path, stem: str) -> None:
    """Save a screenshot of each demo."""
    demos = page.locator(f"{panel} .course-liveplot")
    for index in range(demos.count()):
        demos.nth(index).scroll_into_view_if_needed()
        demos.nth(index).screenshot(path=folder / f"{stem}-demo-{index}.png")


# -- the layout a reader gets -----------------------------------------------------------------
JS_OPEN_FILE_BROWSER = """async () => {
    window.jupyterapp.shell.expandLeft();
    window.jupyterapp.shell.activateById('filebrowser');
}"""

# Every label and button text in the outputs, whole (an ellipsis shows when the text is even a
# fraction of a pixel wider than its box, which scrollWidth rounds away: the text's own width
# is measured too); every horizontal slider's track. Each named by its description, with the
# index of its demo (-1: a widget outside the demos).
JS_LAYOUT = """(panel) => {
    const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const demos = Array.from(panel.querySelectorAll('.course-liveplot'));
    const where = el => demos.findIndex(demo => demo.contains(el));
    const name = el => {
        const widget = el.closest('.widget-inline-hbox, .widget-checkbox, .jupyter-button') || el;
        const label = widget.querySelector('.widget-label, .widget-label-basic span');
        return (label && label.textContent.trim()) || widget.textContent.trim()
            || widget.getAttribute('title') || '(no description)';
    };
    const room = el => {
        const style = getComputedStyle(el);
        return el.getBoundingClientRect().width - ['paddingLeft', 'paddingRight', 'borderLeftWidth',
            'borderRightWidth'].reduce((sum, key) => sum + (parseFloat(style[key]) || 0), 0);
    };
    const needs = el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return range.getBoundingClientRect().width;
    };
    const inOutputs = selectors => selectors.map(s => '.jp-OutputArea-output ' + s).join(', ');
    const cut = [];
    const texts = panel.querySelectorAll(inOutputs(['.widget-label', '.widget-inline-hbox .widget-label',
                                                    '.widget-label-basic span', 'button.jupyter-button']));
    for (const el of texts) {
        if (!shown(el) || !el.textContent.trim()) { continue; }
        if (el.scrollWidth > el.clientWidth + 1 || needs(el) > room(el) + 0.01) {
            cut.push({name: name(el), demo: where(el), width: room(el), needs: needs(el)});
        }
    }
    const tracks = [];
    for (const slider of panel.querySelectorAll(inOutputs(['.widget-hslider']))) {
        if (!shown(slider)) { continue; }
        const track = slider.querySelector('.slider-container') || slider.querySelector('.noUi-base');
        tracks.push({name: name(slider), demo: where(slider),
                     width: track.getBoundingClientRect().width});
    }
    // static figures (not a demo's live image): how far the column shrinks them
    const figures = [];
    for (const img of panel.querySelectorAll('.jp-OutputArea-output img')) {
        if (!shown(img) || where(img) >= 0 || img.closest('.jupyter-widgets') || !img.naturalWidth) {
            continue;
        }
        figures.push({natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                      top: Math.round(img.getBoundingClientRect().top)});
    }
    // every character drawn as text, formulas aside (MathJax brings its own fonts)
    const copy = panel.querySelector('.jp-WindowedPanel-viewport, .jp-Notebook').cloneNode(true);
    copy.querySelectorAll('mjx-container, .MathJax, script, style').forEach(el => el.remove());
    return {cut, tracks, figures, text: copy.textContent,
            demos: demos.map(demo => Math.round(demo.getBoundingClientRect().height))};
}"""

# A demo with Play: scroll the upper of the Play button and the figure to the top of the
# notebook's visible area, then say where both are and what is visible.
JS_PLAY_AND_FIGURE = """(demo) => {
    const play = demo.querySelector('.widget-play');
    const image = demo.querySelector('img.widget-image');
    if (!play || !image) { return null; }
    const upper = play.getBoundingClientRect().top <= image.getBoundingClientRect().top ? play : image;
    upper.scrollIntoView({block: 'start'});
    let scroller = demo.parentElement;
    while (scroller && !(scroller.scrollHeight > scroller.clientHeight + 1
                         && ['auto', 'scroll'].includes(getComputedStyle(scroller).overflowY))) {
        scroller = scroller.parentElement;
    }
    const area = scroller ? scroller.getBoundingClientRect() : {top: 0, bottom: window.innerHeight};
    const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
    return {play: box(play), image: box(image),
            view: {top: Math.max(area.top, 0), bottom: Math.min(area.bottom, window.innerHeight)}};
}"""


def layout_problems(page: Any, panel: str, path: str) -> list[str]:
    """What a reader at 1366x768 with the file browser open would find cut, short or apart."""
    found = page.locator(panel).evaluate(JS_LAYOUT)
    where = [f"demo {k}" for k in range(len(found["demos"]))] + ["a widget outside the demos"]
    problems = [f"{path}, {where[item['demo']]}: the label {item['name']!r} is cut: "
                f"{item['width']:.2f} px wide, its text needs {item['needs']:.2f} px"
                for item in found["cut"]]
    problems += [f"{path}, {where[item['demo']]}: the slider {item['name']!r} has a track of "
                 f"{item['width']:.0f} px, shorter than {MIN_TRACK_PX} px"
                 for item in found["tracks"] if item["width"] < MIN_TRACK_PX - 0.5]
    problems += [f"{path}: a figure {item['natural']} px wide is shown at "
                 f"{item['shown'] / item['natural']:.0%} (below {MIN_FIGURE_SCALE:.0%}), its text shrunk with it"
                 for item in found["figures"] if item["shown"] < MIN_FIGURE_SCALE * item["natural"] - 0.5]
    missing = sorted(set(found["text"]) - IGNORED - DEJAVU)
    problems += [f"{path}: {ch!r} (U+{ord(ch):04X}) has no glyph in DejaVu: an empty box on a bare Linux image"
                 for ch in missing]
    tracks = sorted(round(item["width"]) for item in found["tracks"])
    scales = [item["shown"] / item["natural"] for item in found["figures"]]
    print(f"{path} as a reader sees it: demos {found['demos']} px tall; "
          f"{len(tracks)} slider tracks, {tracks[0] if tracks else '-'} to "
          f"{tracks[-1] if tracks else '-'} px; {len(found['cut'])} label(s) cut; "
          f"{len(scales)} static figures, the smallest at {min(scales, default=1):.0%}; "
          f"{len(set(found['text']))} distinct characters, {len(missing)} without a DejaVu glyph")
    demos = page.locator(f"{panel} .course-liveplot")
    for index in range(demos.count()):
        seen = demos.nth(index).evaluate(JS_PLAY_AND_FIGURE)
        if seen is None:
            continue
        page.wait_for_timeout(100)
        seen = demos.nth(index).evaluate(JS_PLAY_AND_FIGURE)  # after the scroll has settled
        view, top = seen["view"], min(seen["play"]["top"], seen["image"]["top"])
        bottom = max(seen["play"]["bottom"], seen["image"]["bottom"])
        print(f"{path}, demo {index}: Play and its figure {bottom - top:.0f} px tall together, "
              f"{view['bottom'] - view['top']:.0f} px visible")
        if top < view["top"] - 1 or bottom > view["bottom"] + 1:
            problems.append(
                f"{path}, demo {index}: its Play button and its figure are not on one screen: "
                f"together {bottom - top:.0f} px tall (Play {seen['play']['top'] - top:.0f} px "
                f"from the top, the figure ending at {seen['image']['bottom'] - top:.0f} px), "
                f"{view['bottom'] - view['top']:.0f} px visible")
    return problems


def check_reader_layout(page: Any, panel: str, path: str, folder: Path, stem: str) -> list[str]:
    """Show the notebook as a reader of a laptop would see it; return the layout's problems.

    Also saves each demo as seen on that screen, scrolled to its top, and a demo with Play
    scrolled to its Play button or its figure, whichever is higher (``...-play.png``).
    """
    page.set_viewport_size(READER_VIEWPORT)
    page.evaluate(JS_OPEN_FILE_BROWSER)
    page.wait_for_timeout(800)  # the notebook's column narrows; images scale
    problems = layout_problems(page, panel, path)
    demos = page.locator(f"{panel} .course-liveplot")
    for index in range(demos.count()):
        demos.nth(index).evaluate("demo => demo.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(150)
        page.screenshot(path=folder / f"{stem}-reader-demo-{index}.png")
        if demos.nth(index).evaluate(JS_PLAY_AND_FIGURE) is not None:
            page.wait_for_timeout(150)
            page.screenshot(path=folder / f"{stem}-reader-demo-{index}-play.png")
    return problems


# -- the test ---------------------------------------------------------------------------------
def test_notebook_in_browser(notebook: Path, lab_page: Any, lab_server: Any,
                             screenshot_dir: Path) -> None:
    """Run the notebook in JupyterLab; it runs cleanly, its widgets render, its demos respond."""
    page, path, stem = lab_page, f"notebooks/{notebook.name}", notebook.stem
    clear_screenshots(screenshot_dir, stem)
    started = time.monotonic()

    panel = open_notebook(page, lab_server, path)
    wait_for_kernel(page, path)
    run_seconds = run_all_cells(page, path)
    widgets = settled_widget_state(page, panel)
    screenshot_pages(page, panel, screenshot_dir, stem)
    assert_ran_cleanly(page, path)
    assert_widgets_rendered(widgets, path)

    demo_count = page.locator(f"{panel} .course-liveplot").count()
    pokes = pokes_for(notebook, demo_count)
    for demo_index, slider_index in pokes:
        poke(page, panel, path, demo_index, slider_index)
    screenshot_demos(page, panel, screenshot_dir, stem)
    problems = check_reader_layout(page, panel, path, screenshot_dir, stem)
    print(f"{path}: ran in {run_seconds:.1f} s, {demo_count} demo(s), {len(pokes)} poked; "
          f"{time.monotonic() - started:.1f} s in all")
    if problems:
        pytest.fail(f"{path}: {len(problems)} layout problem(s) at "
                    f"{READER_VIEWPORT['width']}x{READER_VIEWPORT['height']} with the file "
                    "browser open:\n" + "\n".join(problems), pytrace=False)
