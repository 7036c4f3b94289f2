"""Attribute values reach the email's HTML as they were written, whatever their characters.

MRML writes some characters of an attribute value escaped as Rust's Debug format does (`\\u{a0}`,
`\\\\`); compile_mjml hands it those characters as references. These tests compile real MJML and
read the result with lxml's HTML parser.
"""

from __future__ import annotations

import html
import sys

import lxml.html
from hypothesis import given, settings, strategies as st

from newsletter.channels.email.mjml import compile_mjml

# What reaches attributes: any text but control characters and surrogates (the loader reads
# control characters as spaces), and U+FFFE/U+FFFF, which no HTML parser keeps.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"), max_size=40)


def document(alt: str, title: str, href: str) -> str:
    alt, title, href = (html.escape(value) for value in (alt, title, href))
    return (
        "<mjml><mj-head><mj-style>.q:before { content: \"\\201C\"; }</mj-style></mj-head><mj-body><mj-section>"
        f"<mj-column><mj-image src=\"a.png\" alt=\"{alt}\" title=\"{title}\"></mj-image>"
        f"<mj-text><p><img src=\"b.png\" alt='{alt}'><a href=\"https://example.org/\" title=\"{title}\">x</a></p></mj-text>"
        f"<mj-button href=\"{href}\">Go</mj-button></mj-column></mj-section></mj-body></mjml>"
    )


def attributes(compiled: str) -> tuple[list[str], list[str], list[str]]:
    tree = lxml.html.document_fromstring(compiled)
    return ([img.get("alt") for img in tree.iter("img")],
            [element.get("title") for element in tree.iter("a", "img") if element.get("title") is not None],
            [a.get("href") for a in tree.iter("a") if a.text_content() == "Go"])


@settings(max_examples=60, deadline=None)
@given(alt=TEXT, title=TEXT)
def test_any_text_in_an_attribute_reaches_the_html_unchanged(alt: str, title: str):
    alts, titles, _ = attributes(compile_mjml(document(alt, title, "https://example.org/")))
    assert alts == [alt, alt]
    assert titles and titles == [title] * len(titles)


def test_every_code_point_in_an_attribute_reaches_the_html_unchanged():
    points = [chr(code) for code in range(0x20, sys.maxunicode + 1)
              if not 0xD800 <= code <= 0xDFFF and not 0x7F <= code <= 0x9F and code not in (0xFFFE, 0xFFFF)]
    for start in range(0, len(points), 50_000):
        text = "|".join(points[start:start + 50_000])
        alts, _, _ = attributes(compile_mjml(document(text, "t", "https://example.org/")))
        assert alts == [text, text], start


def test_a_stylesheet_keeps_its_backslashes():
    compiled = compile_mjml(document("a\u00a0b", "t", "https://example.org/"))
    assert 'content: "\\201C"' in compiled


def test_tabs_and_line_breaks_in_an_attribute_reach_the_html_unchanged():
    # A template may write them in a value: ASCII, but no printable character.
    alts, titles, _ = attributes(compile_mjml(document("a\tb\nc", "t\nu", "https://example.org/")))
    assert alts == ["a\tb\nc", "a\tb\nc"]
    assert titles == ["t\nu"] * len(titles)
