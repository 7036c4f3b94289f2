"""email.html in a real browser: no sideways scrolling on a phone, one 600px column on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.build import BuildOptions, build_project

from .conftest import CHROMIUM, CHROMIUM_ARGS, EXAMPLE_AS_OF, copy_example

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python: pip install playwright")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    copy_example(root)
    return build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_email(browser, output: Path, width: int, scheme: str = "light"):
    """Load an issue's email.html, serving the site's images from the build instead of the network."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    site_url = "https://opincharge.eu/newsletter/"

    def serve(route):
        url = route.request.url
        local = output / url.removeprefix(site_url).split("?")[0]
        if url.startswith(site_url) and local.is_file():
            route.fulfill(path=str(local))
        else:
            route.abort()

    page.route("**/*", serve)
    page.set_content((output / "issues" / "issue-2" / "email.html").read_text(), wait_until="load")
    return context, page


def test_no_horizontal_scrolling_on_a_phone(browser, output: Path, tmp_path: Path):
    for scheme in ("light", "dark"):
        context, page = open_email(browser, output, 375, scheme)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        images = page.evaluate("Array.from(document.images, i => [i.naturalWidth, i.getBoundingClientRect().right])")
        assert images and all(natural > 0 and right <= 375 for natural, right in images)  # loaded and inside
        page.screenshot(path=str(tmp_path / f"{scheme}-375.png"), full_page=True)
        context.close()


def test_desktop_shows_one_600px_column(browser, output: Path, tmp_path: Path):
    context, page = open_email(browser, output, 900)
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.nl-card'), e => Math.round(e.getBoundingClientRect().width))")
    assert widths and set(widths) == {600}
    page.screenshot(path=str(tmp_path / "light-900.png"), full_page=True)
    context.close()


def test_dark_mode_swaps_the_card_colours(browser, output: Path):
    colours = {}
    for scheme in ("light", "dark"):
        context, page = open_email(browser, output, 600, scheme)
        colours[scheme] = page.evaluate(
            "(() => { const card = document.querySelector('.nl-card table');"
            " const text = document.querySelector('.nl-prose div');"
            " return [getComputedStyle(card).backgroundColor, getComputedStyle(text).color]; })()")
        context.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(34, 34, 34)"]
    assert colours["dark"] == ["rgb(26, 29, 35)", "rgb(230, 232, 235)"]


def test_links_on_their_own_are_large_enough_to_tap(browser, output: Path):
    # WCAG 2.2, 2.5.8: at least 24 px; 44 px where the layout allows it (the footer, the top line,
    # "Read more"). Links inside a sentence are exempt, as WCAG exempts them.
    context, page = open_email(browser, output, 375)
    boxes = page.evaluate(
        # An inline link around an image is as large as the image it holds.
        "Array.from(document.querySelectorAll('a'), a => {"
        " const box = (a.querySelector('img') || a).getBoundingClientRect();"
        " return {text: a.textContent.trim(), width: box.width, height: box.height,"
        " roomy: !!a.closest('.nl-footer, .nl-top') || a.classList.contains('nl-more'),"
        " image: !!a.querySelector('img')}; })")
    context.close()
    roomy = [box for box in boxes if box["roomy"]]
    assert len(roomy) >= 6  # view in browser, social links, unsubscribe, view online, contact, read more
    for box in roomy:
        assert box["height"] >= 44 and box["width"] >= 24, box
    for box in boxes:
        if box["image"]:
            assert box["height"] >= 24 and box["width"] >= 24, box
