"""What mail clients need of the email: sized images, dark-mode rules, accessible links, a text part
made of words and URLs, and an .eml that keeps the small standards. Read with real parsers."""

from __future__ import annotations

import io
import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from newsletter.build import BuildOptions, build_project
from newsletter.htmltree import elements
from newsletter.urls import utm_tagger
from newsletter.channels.email.text import html_text
from newsletter.send import ReviewLinks, prepare_test_message

from .conftest import EXAMPLE_AS_OF, MINIMAL_ITEM, MINIMAL_SETTINGS, REPO, tree_bytes, write_files
from .test_images import cairo_works

SITE = "https://example.org/news/"
UTM = "utm_source=newsletter&utm_medium=email&utm_campaign=issue-1"
COLUMN = 552  # the 600 px column less its padding
SVG_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100">
<text x="10" y="70" font-size="60" fill="#1B2A4A">PROJECT</text></svg>"""

ISSUE = """\
---
title: Issue one
number: 1
date: 2024-01-31
preheader: What the first issue holds.
---
Welcome to the **first issue**. We joined [BATTERY 2030+](https://battery2030.eu/) and wrote
[our first item](../news/2024-01-10-first-item.md).

![The team in the lab](images/photo.jpg)

![A partner's chart](https://cdn.example.net/chart.png)

<img src="https://cdn.example.net/wide.png" width="900" height="300" alt="A wide banner">
"""

LOGO_PNG = (REPO / "content" / "images" / "logo.png").read_bytes()
ITEM = MINIMAL_ITEM.replace("tags:", "image: images/photo.jpg\nimage_alt: The team\ntags:")


def photo() -> bytes:
    """A 1600 x 1067 photograph at camera quality, with its EXIF data."""
    image = Image.effect_mandelbrot((1600, 1067), (-2.0, -1.2, 1.0, 1.2), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=97, exif=exif.tobytes())
    return out.getvalue()


def write_project(root: Path, esp: str = "generic") -> Path:
    extra = ('esp = "generic"\nunsubscribe_url = "https://example.org/unsubscribe"\n'
             'utm = { source = "newsletter", medium = "email" }\n')
    settings = MINIMAL_SETTINGS.replace('esp = "mailchimp"\n', extra if esp == "generic" else 'esp = "mailchimp"\n')
    # An SVG logo is drawn as PNG where the cairo library is installed; elsewhere `check` reports it.
    logo = "images/logo.svg" if cairo_works() else "images/logo.png"
    settings = settings.replace('timezone = "Europe/Brussels"', f'timezone = "Europe/Brussels"\nlogo = "{logo}"')
    files: dict[str, str | bytes] = {
        "newsletter.toml": settings,
        "content/news/2024-01-10-first-item.md": ITEM,
        "content/issues/2024-01-31-issue-1.md": ISSUE,
        "content/images/photo.jpg": photo(),
        "content/images/logo.svg": SVG_LOGO,
        "content/images/logo.png": LOGO_PNG,
    }
    return write_files(root, files)


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("clients"))
    return build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir


def images_of(document: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in elements(document) if tag == "img"]


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def test_every_image_has_a_width_and_height_within_the_column(output: Path):
    document = (output / "issues/issue-1/email.html").read_text()
    images = images_of(document)
    assert len(images) >= 5  # logo, editorial photo, two remote images, card photo, emblem
    for attrs in images:
        width = attrs.get("width") or ""
        assert width.isdigit() and 0 < int(width) <= COLUMN, attrs
        if not (attrs.get("src") or "").startswith("https://cdn.example.net/chart"):  # remote, no size written
            assert (attrs.get("height") or "").isdigit(), attrs
    by_alt = {attrs["alt"]: attrs for attrs in images}
    # A remote image keeps its address; the author's size is fitted to the column.
    wide = by_alt["A wide banner"]
    assert (wide["src"], wide["width"], wide["height"]) == ("https://cdn.example.net/wide.png", "552", "184")
    assert (by_alt["A partner's chart"]["src"], by_alt["A partner's chart"]["width"]) == (
        "https://cdn.example.net/chart.png", "552")


def test_the_projects_images_are_made_at_twice_their_display_width(output: Path):
    document = (output / "issues/issue-1/email.html").read_text()
    made = [attrs for attrs in images_of(document) if (attrs.get("src") or "").startswith(SITE)]
    assert {attrs["alt"] for attrs in made} >= {"The team in the lab", "The team", "Test Project"}
    for attrs in made:
        src = attrs["src"] or ""
        assert src.startswith(f"{SITE}issues/issue-1/images/"), src
        with Image.open(output / src.removeprefix(SITE)) as file:
            assert file.format in ("PNG", "JPEG")  # the SVG logo is drawn as PNG
            assert file.width == 2 * int(attrs["width"] or 0), src
            assert abs(file.height - 2 * int(attrs["height"] or 0)) <= 2, src
            assert not file.getexif()
    photo_file = output / "issues/issue-1/images/photo-1104w.jpg"
    assert photo_file.stat().st_size < len(photo()) / 2


def test_made_images_are_the_same_bytes_each_build(output: Path, tmp_path: Path):
    root = write_project(tmp_path / "again")
    again = build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir
    first, second = tree_bytes(output / "issues"), tree_bytes(again / "issues")
    assert any("/images/" in path for path in first)
    assert first == second


def test_eml_keeps_line_lengths_related_type_and_one_click_unsubscribe(output: Path):
    data = (output / "issues/issue-1/email.eml").read_bytes()
    head, _, body = data.partition(b"\r\n\r\n")
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # RFC 2045, 6.7 and 6.8
    message = parse(data)
    related = next(part for part in message.walk() if part.get_content_type() == "multipart/related")
    assert related.get_param("type") == "text/html"  # RFC 2387
    assert message["List-Unsubscribe"] == "<https://example.org/unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    # Every image the HTML shows from the project is attached.
    document = message.get_body(("html",)).get_content()
    attached = {str(part["Content-ID"]).strip("<>") for part in message.walk() if part["Content-ID"]}
    sources = [attrs["src"] or "" for attrs in images_of(document)]
    assert {src.removeprefix("cid:") for src in sources if src.startswith("cid:")} == attached
    assert len(attached) >= 3  # the photo, shown twice at one width, is attached once


def test_an_email_service_writes_its_own_unsubscribe_headers(tmp_path: Path):
    root = write_project(tmp_path / "mailchimp", esp="mailchimp")
    out = build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir
    message = parse((out / "issues/issue-1/email.eml").read_bytes())
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message
    # A test copy has working links in place of the merge tags, its parts encoded again: still 76.
    links = ReviewLinks("mailchimp", {"*|UNSUB|*": SITE, "*|ARCHIVE|*": f"{SITE}issues/issue-1/"})
    test = prepare_test_message(message, (Address("Reviewer", "reviewer", "example.org"),), links)
    body = test.as_bytes(policy=test.policy.clone(linesep="\r\n")).partition(b"\r\n\r\n")[2]
    assert b"*|UNSUB|*" not in body
    assert max(len(line) for line in body.split(b"\r\n")) <= 76


def test_the_preheader_is_hidden_without_a_colour_spam_filters_score(output: Path):
    document = (output / "issues/issue-1/email.html").read_text()
    hidden = re.search(r'<div style="(display:none;[^"]*)">What the first issue holds\.', document)
    assert hidden is not None
    assert "color" not in hidden.group(1)  # white on white is HTML_FONT_LOW_CONTRAST


def test_dark_mode_rules_reach_outlook_com_without_chained_selectors(output: Path):
    document = (output / "issues/issue-1/email.html").read_text()
    styles = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", document, re.S))
    assert "[data-ogsc] .nl-card" in styles and "[data-ogsb] .nl-card" in styles
    # Outlook.com prefixes only the first class of `.a.b`, so such a rule never applies there.
    selectors = re.sub(r"\{[^{}]*\}", ",", re.sub(r"@media[^{]*\{", "", styles))
    assert not re.search(r"\.[\w-]+\.[\w-]", selectors)


def test_each_read_more_is_named_after_its_item(output: Path, tmp_path: Path):
    document = (output / "issues/issue-1/email.html").read_text()
    more = [attrs for tag, attrs in elements(document) if tag == "a" and "nl-more" in (attrs.get("class") or "")]
    assert more
    for attrs in more:
        label = attrs.get("aria-label") or ""
        assert label == "Read more: First item"  # the visible words first (WCAG 2.5.3), then the title


def test_the_text_part_is_words_then_absolute_tracked_urls(output: Path):
    text = (output / "issues/issue-1/email.txt").read_text()
    assert "**" not in text and "](" not in text and "![" not in text
    assert f"Welcome to the first issue. We joined BATTERY 2030+ <https://battery2030.eu/?{UTM}>" in " ".join(
        text.split())
    assert f"our first item <{SITE}news/first-item/?{UTM}>" in " ".join(text.split())
    assert "[The team in the lab]" in text  # an image's alt text stands in for it
    message = parse((output / "issues/issue-1/email.eml").read_bytes())
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == text


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDÉé0123456789", min_size=1, max_size=12)
paths = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10), max_size=3)


@st.composite
def paragraphs(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """HTML paragraphs of words, emphasis and links: the html, its words in order, its link URLs."""
    html, seen, urls = [], [], []
    for _ in range(draw(st.integers(1, 3))):
        parts = []
        for _ in range(draw(st.integers(1, 8))):
            kind = draw(st.sampled_from(["word", "strong", "em", "link"]))
            text = " ".join(draw(st.lists(words, min_size=1, max_size=3)))
            seen += text.split()
            if kind == "link":
                url = "https://example.eu/" + "/".join(draw(paths))
                urls.append(url)
                parts.append(f'<a href="{url}">{text}</a>')
            elif kind == "word":
                parts.append(text)
            else:
                parts.append(f"<{kind}>{text}</{kind}>")
        html.append(f"<p>{' '.join(parts)}</p>")
    return "\n".join(html), seen, urls


@settings(max_examples=80, deadline=None)
@given(paragraphs())
def test_html_text_keeps_every_word_in_order_and_each_link_tracked(generated):
    fragment, seen, urls = generated
    tag = utm_tagger({"utm_source": "newsletter"})
    text = html_text(fragment, tag)
    assert "<a" not in text and "*" not in text
    for url in urls:
        assert f"<{tag(url)}>" in text
    assert all(len(line) <= 72 or "://" in line for line in text.splitlines())
    without_urls = re.sub(r"<https://[^>]+>", " ", text)
    assert without_urls.split() == seen
