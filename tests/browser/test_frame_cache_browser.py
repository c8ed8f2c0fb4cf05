"""The frame cache in JupyterLab: a slider moves the figure while the kernel is busy.

1. A notebook shows the line-fit demo; once it is on screen, the browser fetches frames
   around the current one (``globalThis.courseFrameCache.received`` counts them).
2. The kernel is then kept busy for a few seconds (a ``time.sleep`` sent to it), so no
   kernel frame can arrive. ArrowRight on the focused slider handle, three times: each
   press must show a new image, readout and status, and all three must be on screen
   before the kernel even sees the first change (an observer in the notebook notes when).
3. Once the kernel is free, it runs its own updates; the status it sends must be the one
   already shown.

A second test runs the demo's cell again: the first demo's frames are let go. A third presses
five times quickly onto frames the browser holds: the kernel hears of one change, the last, and
sends no frame back. A fourth presses while the kernel wakes from a sleep: its echo of the first
value must not move the slider back from the values the browser held meanwhile. A fifth does it on
the playground, a training run: its frames are drawn ahead on a scratch run, none are asked for
while it plays, and a press after training shows the new run's picture at once. A sixth presses a
second slider: right after it, only frames along that slider are asked for. A seventh drags the
small network of 06, whose frames are slow to draw, over widths it does not keep: the kernel hears
of the last.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from test_notebooks_browser import open_notebook, run_all_cells, wait_for_kernel

pytestmark = pytest.mark.browser

NOTEBOOK = "frame_cache_demo.ipynb"
SLEEP_S = 4

JS_KERNEL = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.sessionContext.session.kernel;
}"""

JS_BUSY = f"""() => {{
    const kernel = ({JS_KERNEL})();
    kernel.requestExecute({{code: 'time.sleep({SLEEP_S})'}});
}}"""

# what the kernel prints for ``code``
JS_ASK = f"""code => new Promise(resolve => {{
    const future = ({JS_KERNEL})().requestExecute({{code}});
    future.onIOPub = msg => {{ if (msg.header.msg_type === 'stream') {{ resolve(msg.content.text); }} }};
}})"""

CELL = """import json, time
from course_utils.demos.single_neuron import line_fit_demo
demo = line_fit_demo()
seen = []  # when the kernel learns of each change of w
demo.controls["w"].observe(lambda change: seen.append(time.time()), names="value")
demo"""

JS_SHOWN = """() => {
    const demo = document.querySelector('.course-liveplot');
    const panel = window.jupyterapp.shell.currentWidget;
    return {src: demo.querySelector('img').src,
            status: Array.from(demo.querySelectorAll('.widget-html-content')).at(-1).textContent.trim(),
            readout: demo.querySelector('.widget-readout').textContent.trim(),
            kernel: panel.sessionContext.session.kernel.status};
}"""


def run_demo_notebook(page: Any, lab_server: Any, cell: str = CELL) -> None:
    """Write the one-demo notebook, open it in JupyterLab and run it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(cell)]
    nbformat.write(nb, lab_server.root / NOTEBOOK)
    open_notebook(page, lab_server, NOTEBOOK)
    wait_for_kernel(page, NOTEBOOK)
    run_all_cells(page, NOTEBOOK)


def test_a_slider_moves_the_figure_while_the_kernel_is_busy(lab_page: Any, lab_server: Any,
                                                           screenshot_dir: Path) -> None:
    page = lab_page
    run_demo_notebook(page, lab_server)
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 20", timeout=30_000)

    page.locator(".course-liveplot .noUi-handle").first.focus()
    page.evaluate(JS_BUSY)
    page.wait_for_function(f"() => ({JS_KERNEL})().status === 'busy'", timeout=5_000)
    shown = [page.evaluate(JS_SHOWN)]
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"src => ({JS_SHOWN})().src !== src", arg=shown[-1]["src"], timeout=2_000)
        shown.append(page.evaluate(JS_SHOWN))
    on_screen = page.evaluate("() => Date.now() / 1000")
    page.locator(".course-liveplot").first.screenshot(path=screenshot_dir / "frame-cache-while-busy.png")
    assert len({s["readout"] for s in shown}) == 4, shown
    assert len({s["status"] for s in shown}) == 4, "each frame comes with its own status"
    hits = page.evaluate("() => globalThis.courseFrameCache.hits")
    assert hits >= 3

    # the kernel's own frame for the last position agrees with what is shown
    page.wait_for_function(f"() => ({JS_KERNEL})().status === 'idle'", timeout=(SLEEP_S + 10) * 1000)
    time.sleep(1.0)
    settled = page.evaluate(JS_SHOWN)
    assert (settled["readout"], settled["status"]) == (shown[-1]["readout"], shown[-1]["status"])
    seen = json.loads(page.evaluate(JS_ASK, "print(json.dumps(seen))"))
    assert seen, "the kernel never saw the slider move"
    assert on_screen < min(seen), (f"the three frames were on screen {min(seen) - on_screen:+.2f} s "
                                   "before the kernel saw the first change: they came from the kernel")


def test_a_demo_shown_again_lets_its_old_frames_go(lab_page: Any, lab_server: Any) -> None:
    page = lab_page
    run_demo_notebook(page, lab_server)
    budget = 160  # course_utils.frame_cache.BUDGET[1]: line_fit_demo's frames draw fast enough for all
    page.wait_for_function(f"() => (globalThis.courseFrameCache || {{}}).held >= {budget}", timeout=60_000)
    received = page.evaluate("() => globalThis.courseFrameCache.received")
    run_all_cells(page, NOTEBOOK)  # a new demo; the old one's output is cleared
    page.wait_for_function(f"() => globalThis.courseFrameCache.received >= {received + budget}",
                           timeout=60_000)
    time.sleep(3)  # the old cache looks for its views every 2 s at most
    held = page.evaluate("() => globalThis.courseFrameCache.held")
    # the new demo's: its budget, and the frames of where it is and of what it shows
    assert held <= budget + 2, f"{held} frames held in the browser: the first demo's were kept"


def test_moves_onto_kept_frames_reach_the_kernel_once_at_rest(lab_page: Any, lab_server: Any,
                                                             screenshot_dir: Path) -> None:
    """Five quick presses onto frames the browser holds: the kernel hears only the last value, after
    the slider rests, and neither draws nor sends a frame for it (the browser showed it)."""
    page = lab_page
    run_demo_notebook(page, lab_server)
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 40", timeout=30_000)
    time.sleep(0.5)
    before = page.evaluate("() => ({...globalThis.courseFrameCache})")
    frames_before = int(page.evaluate(JS_ASK, "print(demo.frames)"))
    handle = page.locator(".course-liveplot .noUi-handle").first
    handle.focus()
    # five presses in one task of the page: a loaded machine cannot space them past the 60 ms rest
    handle.evaluate("""h => { for (let i = 0; i < 5; i++) {
        const e = new KeyboardEvent('keydown', {key: 'ArrowRight', code: 'ArrowRight', bubbles: true,
                                                cancelable: true});
        Object.defineProperty(e, 'keyCode', {get: () => 39});
        Object.defineProperty(e, 'which', {get: () => 39});
        h.dispatchEvent(e);
    } }""")
    time.sleep(1.0)
    after = page.evaluate("() => ({...globalThis.courseFrameCache})")
    shown = page.evaluate(JS_SHOWN)
    page.locator(".course-liveplot").first.screenshot(path=screenshot_dir / "frame-cache-five-presses.png")
    assert after["hits"] - before["hits"] == 5 and after["misses"] == before["misses"], (before, after)
    kernel = json.loads(page.evaluate(JS_ASK, "print(json.dumps([len(seen), demo.frames, demo.cache.key, "
                                              "demo.controls['w'].value, demo.status.value]))"))
    seen, frames, _key, w, status = kernel
    assert seen == 1, f"the kernel heard of {seen} changes, not only the last"
    assert frames == frames_before + 1 and after["kernelFrames"] == before["kernelFrames"], \
        "the kernel sent a frame the browser already showed"
    assert (f"{w:.2f}", re.sub("<[^>]+>", "", status)) == (shown["readout"], shown["status"]), (kernel, shown)


def test_the_kernels_echo_does_not_move_a_held_slider_back(lab_page: Any, lab_server: Any) -> None:
    """ipywidgets 8 echoes a value back to the browser that sent it, and the browser applies the echo
    it expects. One press is sent while the kernel sleeps; presses held in the browser follow while
    the kernel wakes and answers: an echo would move the slider back to the first press."""
    page = lab_page
    run_demo_notebook(page, lab_server)
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 100", timeout=30_000)
    time.sleep(0.5)
    start = float(page.evaluate(JS_SHOWN)["readout"])
    page.locator(".course-liveplot .noUi-handle").first.focus()
    page.evaluate("() => { window.__busy = (" + JS_KERNEL + ")().requestExecute({code: 'time.sleep(0.5)'}); }")
    page.keyboard.press("ArrowRight")  # sent after 60 ms of rest, while the kernel sleeps
    time.sleep(0.3)
    presses = 1
    while presses < 25:  # about 0.3 to 0.9 s: the kernel wakes in the middle
        page.keyboard.press("ArrowRight")
        presses += 1
        time.sleep(0.02)
    time.sleep(1.5)
    shown = page.evaluate(JS_SHOWN)
    w = float(page.evaluate(JS_ASK, "print(demo.controls['w'].value)"))
    expected = round(start + presses * 0.05, 2)
    assert (float(shown["readout"]), round(w, 2)) == (expected, expected), (start, presses, shown, w)


PLAYGROUND_CELL = """import json, threading
from course_utils.demos.playground import playground_demo
demo = playground_demo()
threads = set()  # where frames are drawn ahead: on the kernel's main thread, one message at a time
_draw_ahead = demo.draw_ahead
def draw_ahead(values):
    threads.add(threading.current_thread().name)
    return _draw_ahead(values)
demo.draw_ahead = draw_ahead
demo"""

JS_STATS = "() => ({...globalThis.courseFrameCache})"


def test_the_playground_shows_frames_drawn_ahead_and_asks_for_none_while_it_plays(
        lab_page: Any, lab_server: Any, screenshot_dir: Path) -> None:
    page = lab_page
    run_demo_notebook(page, lab_server, PLAYGROUND_CELL)
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 8", timeout=60_000)
    ratio = page.locator(".course-liveplot .widget-slider").filter(has_text="training data %").first
    handle = ratio.locator(".noUi-handle").first
    readout = ratio.locator(".widget-readout").first

    def kernel() -> dict:
        return json.loads(page.evaluate(JS_ASK, "with demo.lock: print(json.dumps({'ratio': demo.session.settings["
                                                "'ratio'], 'epoch': demo.session.epoch, 'status': demo.status.value, "
                                                "'key': demo.cache.key, 'threads': sorted(threads)}))"))

    def press() -> dict:
        """ArrowRight on the ratio slider: what the browser showed, at once and once the kernel caught up."""
        before = page.evaluate(JS_STATS)
        src = page.evaluate(JS_SHOWN)["src"]
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"src => ({JS_SHOWN})().src !== src", arg=src, timeout=2_000)
        at_once = page.evaluate(JS_SHOWN)
        time.sleep(1.0)
        return {"hit": page.evaluate(JS_STATS)["hits"] - before["hits"], "at_once": at_once,
                "settled": page.evaluate(JS_SHOWN), "readout": readout.inner_text().strip(), "kernel": kernel()}

    first = press()
    assert first["hit"] == 1, "the press did not show a frame drawn ahead"
    assert first["kernel"]["ratio"] == int(first["readout"]) and first["kernel"]["epoch"] == 0
    assert first["at_once"]["status"] == first["settled"]["status"] == re.sub("<[^>]+>", "", first["kernel"]["status"])

    buttons = page.locator(".course-liveplot .widget-play button")
    buttons.nth(0).click()  # play
    time.sleep(0.6)
    asked = page.evaluate(JS_STATS)["asked"]
    time.sleep(1.5)
    playing_asked = page.evaluate(JS_STATS)["asked"] - asked
    buttons.nth(1).click()  # pause
    trained = kernel()
    assert trained["epoch"] > 0 and trained["key"].startswith("t"), trained
    assert playing_asked == 0, f"{playing_asked} frames were asked for while the run trained"
    received = page.evaluate(JS_STATS)["received"]
    page.wait_for_function(f"() => globalThis.courseFrameCache.received >= {received + 8}", timeout=30_000)

    after = press()  # from the trained run: the new run's picture (epoch 0), drawn ahead
    page.locator(".course-liveplot").first.screenshot(path=screenshot_dir / "frame-cache-playground.png")
    assert after["hit"] == 1, "the press after training did not show a frame drawn ahead"
    # JupyterLab 4.6 would send the frame cache's messages over a kernel subshell, on a thread of its
    # own, beside the controls' changes on the main one: the course's settings turn that off
    assert after["kernel"]["threads"] == ["MainThread"], after["kernel"]["threads"]
    assert after["kernel"]["epoch"] == 0 and after["kernel"]["ratio"] == int(after["readout"])
    assert after["at_once"]["status"].startswith("epoch 0")
    assert after["at_once"]["status"] == re.sub("<[^>]+>", "", after["kernel"]["status"])


def test_right_after_a_move_only_frames_along_that_slider_are_asked_for(lab_page: Any, lab_server: Any) -> None:
    """The other sliders' frames hold the moved slider's position in their keys: fetched after each
    press they would all be new. For half a second after a move only the moved slider's are asked
    for; then the others' again."""
    page = lab_page
    run_demo_notebook(page, lab_server)  # the line fit: w, then b
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 40", timeout=30_000)
    time.sleep(0.5)
    page.locator(".course-liveplot .noUi-handle").nth(1).focus()  # b, the second slider
    asked = [page.evaluate("() => globalThis.courseFrameCache.lastAsked || []")]  # before: not counted
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + 0.4
        while time.monotonic() < deadline:
            keys = page.evaluate("() => globalThis.courseFrameCache.lastAsked || []")
            if keys and keys not in asked:
                asked.append(keys)
            time.sleep(0.02)
    here = json.loads(page.evaluate(JS_ASK, "print(json.dumps(demo.cache.key))"))
    w_here = here.split(",")[0]
    fresh = [keys for keys in asked[1:] if keys]
    assert fresh, "no frames were asked for after the presses"
    assert all(key.split(",")[0] == w_here for keys in fresh for key in keys), fresh
    page.wait_for_function(f"""() => (globalThis.courseFrameCache.lastAsked || [])
                                     .some(key => key.split(",")[0] !== "{w_here}")""", timeout=10_000)


NETWORK_CELL = """import json, time
from course_utils.demos.validation import network_demo
demo = network_demo()  # a new width retrains the network: about 50 ms a frame
seen = []  # the widths the kernel hears of
demo.controls["width"].observe(lambda change: seen.append(change["new"]), names="value")
demo"""

# a mouse drag of the first slider's handle from 5 % of the track to 30 %, a move every 16 ms
JS_DRAG = """handle => new Promise(resolve => {
    const track = handle.closest('.noUi-target').getBoundingClientRect();
    const box = handle.getBoundingClientRect(), y = box.top + box.height / 2;
    const fire = (type, x) => handle.dispatchEvent(new MouseEvent(type, {bubbles: true,
        cancelable: true, composed: true, view: window, clientX: x, clientY: y, button: 0,
        buttons: type === 'mouseup' ? 0 : 1}));
    fire('mousedown', box.left + box.width / 2);
    let i = 0;
    const timer = setInterval(() => {
        const x = track.left + track.width * (0.05 + 0.25 * i / 30);
        fire('mousemove', x);
        if (++i > 30) { clearInterval(timer); fire('mouseup', x); resolve(); }
    }, 16);
})"""


def test_a_drag_over_frames_a_slow_demo_does_not_keep_sends_only_its_end(
        lab_page: Any, lab_server: Any) -> None:
    """The small network of 06 takes about 50 ms a frame. Had the kernel drawn the positions a drag
    went through, it would still be busy with one when the mouse is released, and the last would wait
    for it: while the mouse is down the browser holds them (until a pause of 250 ms, which a page that
    stutters may make: then one more), and sends the last on release."""
    page = lab_page
    run_demo_notebook(page, lab_server, NETWORK_CELL)
    page.wait_for_function("() => (globalThis.courseFrameCache || {}).received >= 4", timeout=60_000)
    time.sleep(0.5)
    handle = page.locator(".course-liveplot .noUi-handle").first
    readout = page.locator(".course-liveplot .widget-readout").first
    seen_before = len(json.loads(page.evaluate(JS_ASK, "print(json.dumps(seen))")))
    handle.evaluate(JS_DRAG)  # widths about 6 to 30: the kept frames are around 50
    time.sleep(1.5)
    seen = json.loads(page.evaluate(JS_ASK, "print(json.dumps(seen))"))[seen_before:]
    width = int(readout.inner_text().strip())
    assert width < 35 and seen and seen[-1] == width, (seen, width)
    assert len(seen) <= 2, f"the kernel heard of {len(seen)} widths of the drag: {seen}"
    status = json.loads(page.evaluate(JS_ASK, "print(json.dumps(demo.status.value))"))
    assert re.sub("<[^>]+>", "", status) == page.evaluate(JS_SHOWN)["status"]
    assert re.sub("<[^>]+>", "", status).startswith(f"{width} tanh units")
