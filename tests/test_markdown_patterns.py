"""The Markdown renderer skips the inline and smarty patterns that cannot match, and gives the same bytes as with all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.content.frontmatter import decode_document
from newsletter.content.inline_patterns import INLINE_MARKS
from newsletter.content.markdown import MarkdownRenderer

from .conftest import REPO

# Pieces that make Markdown syntax and typography meet: quotes next to words, digits and
# punctuation, dashes and dots of every length, code, emphasis, links, images, footnotes, HTML,
# autolinks, entities, escapes, line breaks, and the whitespace Markdown normalises first.
PIECES = ["'", '"', "-", "--", "---", ".", "...", "....", "`", "*", "_", "[", "](", ")", "<b>", "</b>", "&",
          "\\", "\\'", '\\"', "\n", "\n\n", "\n- ", "\n1. ", "\n> ", "    ", " ", "word", "it's", "’", "80s",
          "&quot;", "&#39;", "&mdash;", "x", "2024", "(", "!", "?", ",", ":", "<<", ">>", "\t", "![", "[^1]",
          "\n[^1]: ", "[x]: https://e.eu/", "<https://e.eu/>", "<a@e.eu>", "  \n", " \r\n", "\r", "\x02", "\x03",
          "\\\n", "**", "__"]


RENDERER = MarkdownRenderer()
EVERY_PATTERN = MarkdownRenderer()
for chooser in (EVERY_PATTERN._inline, EVERY_PATTERN._smarty):  # Python-Markdown's own registries, whole
    chooser.choose = lambda text: None  # type: ignore[method-assign]


def every_pattern(text: str) -> str:
    return EVERY_PATTERN.render(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_skipping_patterns_gives_the_same_bytes(text: str):
    assert RENDERER.render(text) == every_pattern(text)


# Each construct alone in its text, so that a text holds one pattern's marks and no other's.
ALONE = ["a `b` c", "a \\\nb", "a \\*b c", "a [x](https://e.eu/) b", "a ![x](i.png) b", "a [x][r] b\n\n[r]: https://e.eu/",
         "a <https://e.eu/> b", "a <a@e.eu> b", "a  \nb", "a <b>x</b> c", "a &amp; b", "a *b* c", "a _b_ c",
         "a **b** c", "it's", 'a "q" b', "a -- b", "a --- b", "a... b", "a[^1] b\n\n[^1]: x"]


@pytest.mark.parametrize("text", ALONE)
def test_each_construct_alone_is_the_same(text: str):
    assert RENDERER.render(text) == every_pattern(text)
    among = f"plain\n\n{text}\n\nwords, `code` and *emphasis*, &amp; <https://e.eu/> -- it's..."  # other marks too
    assert RENDERER.render(among) == every_pattern(among)


def test_the_example_items_are_the_same():
    paths = sorted((REPO / "content").rglob("*.md"))
    assert paths
    for path in paths:
        body = decode_document(path.read_bytes(), Path(path.name)).body
        assert RENDERER.render(body) == every_pattern(body), path


def test_plain_text_skips_the_patterns_it_cannot_match():
    RENDERER.render("plain words")
    assert not [entry for entry in RENDERER._smarty.processor.inlinePatterns._priority if entry.name.startswith("smarty-")]
    assert len(RENDERER._inline.processor.inlinePatterns) == len(RENDERER._inline.every) - len(INLINE_MARKS)
    RENDERER.render("it's -- done... with *emphasis*, a [link](https://e.eu/), `code`, <b>HTML</b> &amp; \\*  \n")
    assert len(RENDERER._smarty.processor.inlinePatterns) == len(RENDERER._smarty.every)
    assert len(RENDERER._inline.processor.inlinePatterns) == len(RENDERER._inline.every)


def test_each_text_is_tried_only_on_the_patterns_whose_marks_it_holds():
    renderer = MarkdownRenderer()
    processor = renderer._inline.processor
    tried: list[tuple[str, str]] = []
    apply = processor._InlineProcessor__applyPattern

    def counting(pattern, data, *rest):
        tried.append((type(pattern).__name__, data))
        return apply(pattern, data, *rest)

    processor._InlineProcessor__applyPattern = counting
    html = renderer.render("A `code` span and *emphasis*.\n\nPlain words only.")
    assert "<code>code</code>" in html and "<p>Plain words only.</p>" in html
    assert ("BacktickInlineProcessor", "A `code` span and *emphasis*.") in tried
    assert not [data for _name, data in tried if "Plain" in data]


# Fences, whole and broken, and marks that become one when Markdown drops STX first.
FENCE_PIECES = [*PIECES, "```", "~~~", "\n```\n", "\n~~~\n", "```python\n", "``\x02`", "~~\x03~", "``", "~~", "{.x}"]
FENCED = MarkdownRenderer()
FENCED.render("```\ncode\n```\n")  # fenced code added from now on


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FENCE_PIECES), max_size=30).map("".join))
def test_fenced_code_added_when_a_fence_first_shows_gives_the_same_bytes(text: str):
    fresh = MarkdownRenderer()  # adds fenced code only if this text holds a fence
    assert fresh.render(text) == FENCED.render(text)
    assert fresh.render("after ```\nx\n```") == FENCED.render("after ```\nx\n```")


def test_a_text_without_a_fence_loads_no_syntax_highlighter():
    probe = """
import sys
from newsletter.content.markdown import MarkdownRenderer
renderer = MarkdownRenderer()
renderer.render("Plain *text*, a `span`, a [link](https://e.eu/) -- and ~~strike~~ or ``two``.")
print("pygments" in sys.modules, "markdown.extensions.fenced_code" in sys.modules)
renderer.render("~~~\\ncode\\n~~~\\n")
print("pygments" in sys.modules, "markdown.extensions.fenced_code" in sys.modules)
"""
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.split("\n")[:2] == ["False False", "True True"]
