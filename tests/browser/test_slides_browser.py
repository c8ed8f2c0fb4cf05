"""The documented slides command works offline: the HTML opens in Chromium with the slides visible."""

from pathlib import Path

import pytest

from course_utils.instructor.slides import make_slides

pytestmark = pytest.mark.browser
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_single_neuron.ipynb"


def test_slides_render_offline_with_widgets(browser, screenshot_dir, tmp_path_factory):
    html = make_slides(NOTEBOOK)  # fetches reveal.js & co. with npm once, into build/slides/vendor
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requested_outside: list[str] = []

    def offline(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:  # no network in class: anything else is a failure
            requested_outside.append(url)
            route.abort()

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", offline)
    try:
        page.goto(html.as_uri())
        title = page.wait_for_selector(".reveal .slides section.present h1", timeout=30_000)
        assert "01 · The single neuron" in title.text_content()
        page.wait_for_function("() => document.querySelector('.MathJax, .MathJax_CHTML, mjx-container')",
                               timeout=30_000)
        page.screenshot(path=str(screenshot_dir / "slides-01-title.png"))

        # the first slide holding a live demo: its widget view must render from the stored state
        where = page.evaluate("""() => {
            const tops = [...document.querySelectorAll('.reveal .slides > section')];
            for (const top of tops) for (const [v, s] of [...top.children].entries())
                if (s.querySelector('script[type="application/vnd.jupyter.widget-view+json"]'))
                    return {h: tops.indexOf(top), v: v};
            return null; }""")
        assert where, "no slide holds a widget"
        page.goto(f"{html.as_uri()}#/{where['h']}/{where['v']}")
        page.wait_for_selector("section.present img.widget-image", timeout=30_000)
        page.wait_for_selector("section.present .widget-slider", timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshot_dir / "slides-01-demo.png"))
    finally:
        page.close()
    assert not requested_outside, f"the slides asked the network for {requested_outside}"
    assert not errors, f"JavaScript errors in the slides: {errors}"
