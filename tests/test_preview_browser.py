"""The review page in a real browser: devices, dark mode, tabs and live reload after an edit on disk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, copy_example

if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python (pip install playwright)")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from newsletter.preview.server import PreviewServer  # noqa: E402

ZENODO = "content/news/2024-11-20-open-dataset-zenodo.md"  # an item of issue-3
TITLE = "First open data set: isotope maps of the solid electrolyte interphase"
WAIT_MS = 15_000  # upper bound for a rebuild to show up; a limit, not a measurement


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    copy_example(target)
    return target


@pytest.fixture
def server(project: Path) -> Iterator[PreviewServer]:
    with PreviewServer(project, port=0, as_of=date(2024, 12, 31)) as running:
        yield running.start()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; each test opens its own page."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, server: PreviewServer) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    try:
        yield page
    finally:
        page.close()


def frame_width(page: Page) -> int:
    return int(page.eval_on_selector("#email-frame", "frame => frame.contentWindow.innerWidth"))


def background(page: Page) -> str:
    """The email's page background as the browser computes it."""
    return str(page.eval_on_selector(
        "#email-frame", "frame => getComputedStyle(frame.contentDocument.body).backgroundColor"))


def luminance(color: str) -> float:
    """Relative brightness of `rgb(r, g, b)` between 0 (black) and 1 (white)."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_review_page_devices_dark_mode_tabs_and_live_reload(page: Page, server: PreviewServer, project: Path) -> None:
    page.goto(server.review_url("issue-3"))
    email = page.frame_locator("#email-frame")
    expect(email.get_by_text(TITLE).first).to_be_visible()

    for device, width in (("phone", 375), ("tablet", 768), ("desktop", 1024)):
        page.click(f"button[data-device={device}]")
        expect(page.locator(f"button[data-device={device}]")).to_have_attribute("aria-pressed", "true")
        assert frame_width(page) == width
    page.fill("#free-width", "500")
    assert frame_width(page) == 500
    page.click("button[data-device=phone]")

    light_background = background(page)
    page.click("button[data-scheme=dark]")
    dark_frame = "/__preview/frame/dark/issues/issue-3/email.html"
    expect(page.locator("#email-frame")).to_have_attribute("src", dark_frame)
    # The attribute changes before the frame's new document arrives; wait for that document, fully loaded.
    page.wait_for_function("""path => {
        const document = window.document.getElementById('email-frame').contentDocument;
        return document !== null && document.location.pathname === path && document.readyState === 'complete';
    }""", arg=dark_frame)
    dark_background = background(page)
    assert dark_background != light_background
    assert luminance(dark_background) < 0.2, dark_background  # the dark-mode styles apply

    page.click("#tab-text")
    expect(page.locator("#panel-text")).to_be_visible()
    expect(page.locator("#panel-email")).to_be_hidden()
    expect(page.locator("#plain-text")).to_contain_text(TITLE)  # the issue's own email.txt
    expect(page.locator("#panel-text .not-built")).to_have_count(0)
    page.click("#tab-social")
    expect(page.locator("#panel-social")).to_be_visible()
    expect(page.locator("#panel-text")).to_be_hidden()
    expect(page.locator("#panel-social .social-item").first).to_be_visible()
    expect(page.locator("#panel-social .not-built")).to_have_count(0)
    page.click("#tab-checks")
    expect(page.locator("#checks-count")).to_have_text("0")
    page.click("#tab-email")

    # Edit the item on disk; the open page rebuilds and reloads by itself and keeps the reviewer's view.
    page.eval_on_selector("#email-frame", "frame => frame.contentWindow.scrollTo(0, 400)")
    item = project / ZENODO
    item.write_text(item.read_text(encoding="utf-8").replace(TITLE, "Open data, freshly edited"), encoding="utf-8")
    expect(email.get_by_text("Open data, freshly edited").first).to_be_visible()
    expect(email.get_by_text(TITLE)).to_have_count(0)
    expect(page.locator("button[data-device=phone]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button[data-scheme=dark]")).to_have_attribute("aria-pressed", "true")
    assert frame_width(page) == 375
    page.wait_for_function("() => document.getElementById('email-frame').contentWindow.scrollY === 400")


def test_build_error_shows_on_the_open_page_until_the_file_is_fixed(page: Page, server: PreviewServer,
                                                                    project: Path) -> None:
    page.goto(server.review_url("issue-3"))
    expect(page.frame_locator("#email-frame").get_by_text(TITLE).first).to_be_visible()
    item = project / ZENODO
    good = item.read_text(encoding="utf-8")
    item.write_text(good.replace("date: 2024-11-20T09:30:00+01:00", "date: 2024-13-45"), encoding="utf-8")
    error = page.locator("#build-error")
    expect(error).to_contain_text(f"{ZENODO}:3: ")
    expect(page.frame_locator("#email-frame").get_by_text(TITLE).first).to_be_visible()  # last good build stays
    item.write_text(good, encoding="utf-8")
    expect(error).to_have_count(0)
