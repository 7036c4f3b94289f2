"""The Markdown renderer skips smarty's patterns that cannot match, and gives the same bytes as with all of them."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.content.frontmatter import decode_document
from newsletter.content.markdown import MarkdownRenderer

from .conftest import REPO

# Pieces that make Markdown syntax and typography meet: quotes next to words, digits and
# punctuation, dashes and dots of every length, code, emphasis, links, HTML and escapes.
PIECES = ["'", '"', "-", "--", "---", ".", "...", "....", "`", "*", "_", "[", "](", ")", "<b>", "</b>", "&",
          "\\", "\\'", '\\"', "\n", "\n\n", "\n- ", "\n1. ", "\n> ", "    ", " ", "word", "it's", "’", "80s",
          "&quot;", "&#39;", "&mdash;", "x", "2024", "(", "!", "?", ",", ":", "<<", ">>", "\t"]


RENDERER = MarkdownRenderer()
EVERY_PATTERN = MarkdownRenderer()
EVERY_PATTERN._smarty_patterns = lambda text: EVERY_PATTERN._all_smarty  # every smarty pattern on every text


def full_smarty(text: str) -> str:
    return EVERY_PATTERN.render(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_skipping_smarty_patterns_gives_the_same_bytes(text: str):
    assert RENDERER.render(text) == full_smarty(text)


def test_the_example_items_are_the_same():
    paths = sorted((REPO / "content").rglob("*.md"))
    assert paths
    for path in paths:
        body = decode_document(path.read_bytes(), Path(path.name)).body
        assert RENDERER.render(body) == full_smarty(body), path


def test_text_without_quotes_dashes_or_dots_skips_those_patterns():
    RENDERER.render("plain words")
    assert not [entry for entry in RENDERER._smarty.inlinePatterns._priority if entry.name.startswith("smarty-")]
    RENDERER.render("it's -- done...")
    assert len(RENDERER._smarty.inlinePatterns) == len(RENDERER._all_smarty)
