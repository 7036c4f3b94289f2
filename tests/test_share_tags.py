"""Link previews: Open Graph and X Card tags on every web page, and the project's 1200×630 card."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html
from PIL import Image

from newsletter.build import BuildOptions, load_site, project_templates
from newsletter.outputs import Output
from newsletter.channels.web.renderer import WebRenderer
from newsletter.channels.web.share import PageShare
from newsletter.platforms.shortening import cuts
from newsletter.share_card import CARD_PATH, ShareImage, make_card

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, MakeProject

SITE_URL = "https://opincharge.eu/newsletter/"
REQUIRED = ("og:title", "og:type", "og:image", "og:url", "og:description", "og:site_name",
            "og:image:width", "og:image:height", "og:image:alt")


def web_outputs(root: Path) -> dict[str, Output]:
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    return {output.path.as_posix(): output for output in WebRenderer().render(site, project_templates(root))}


@pytest.fixture(scope="module")
def example() -> dict[str, Output]:
    return web_outputs(REPO)


def tags_of(page: bytes) -> tuple[dict[str, str], str]:
    tree = html.fromstring(page)
    meta = {element.get("property") or element.get("name"): element.get("content")
            for element in tree.iter("meta") if element.get("property") or element.get("name")}
    [canonical] = tree.xpath("//link[@rel='canonical']/@href")
    return meta, canonical


def test_every_page_has_an_absolute_card_with_its_real_size(example: dict[str, Output]):
    pages = [path for path, output in example.items() if output.kind == "web-page"]
    assert {"index.html", "news/summer-school-paderborn/index.html", "issues/issue-1/index.html",
            "tags/events/index.html"} <= set(pages)
    for path in pages:
        meta, canonical = tags_of(example[path].data)
        assert all(meta.get(key) for key in REQUIRED), (path, meta)
        assert meta["og:url"] == canonical == SITE_URL + path.removesuffix("index.html")
        assert meta["og:image"].startswith(SITE_URL) and meta["twitter:image"] == meta["og:image"]
        image = example[meta["og:image"].removeprefix(SITE_URL)].data  # an image this build writes
        with Image.open(io.BytesIO(image)) as picture:
            assert picture.size == (int(meta["og:image:width"]), int(meta["og:image:height"]))
            assert min(picture.size) >= 200
        assert meta["twitter:card"] == "summary_large_image" and meta["twitter:site"] == "@OPINCHARGE_EU"
        assert len(meta["twitter:title"]) <= 70 and len(meta["twitter:description"]) <= 200
        assert meta["og:type"] == ("article" if path.startswith("news/") else "website")


def test_an_item_page_shows_its_own_image_and_one_without_the_project_card(example: dict[str, Output]):
    meta, _ = tags_of(example["news/summer-school-paderborn/index.html"].data)
    assert meta["og:image"] == SITE_URL + "images/summer-school.png"
    assert meta["og:image:alt"] == "A calendar with one week highlighted in yellow next to a navy graduation cap."
    meta, _ = tags_of(example["news/partner-spotlight-dlr/index.html"].data)
    assert meta["og:image"] == SITE_URL + CARD_PATH and meta["og:image:alt"].startswith("OPINCHARGE")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")


def test_the_card_is_1200_by_630_and_the_same_bytes_each_time(example: dict[str, Output], make_project: MakeProject):
    card = example[CARD_PATH].data
    with Image.open(io.BytesIO(card)) as picture:
        assert picture.size == (1200, 630) and picture.format == "PNG"
    site = load_site(REPO, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert make_card(site) == card
    # No logo, no tagline: the name stands in; colours may be written short.
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + '\n[brand]\nsecondary_color = "#123"\n'})
    other = web_outputs(root)[CARD_PATH].data
    with Image.open(io.BytesIO(other)) as picture:
        assert picture.size == (1200, 630)
    assert other != card


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab .!?…A\u00a0"), max_size=90), st.integers(1, 80))
def test_a_short_text_is_the_longest_of_its_cuts_that_fits(text: str, most: int):
    share = PageShare("t", "d", "https://e.eu/", "website", ShareImage("https://e.eu/c.png", 1200, 630, "alt"), "p")
    fitting = [option for option in cuts(text, 1) if len(option) <= most]
    assert share.short(text, most) == (fitting[-1] if fitting else text[: most - 1] + "…")
