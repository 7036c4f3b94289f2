"""The images a document shows: found as a walk over every element finds them, comments and raw text aside."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.htmltree import elements, image_sources

PARTS = st.sampled_from([
    '<img src="a.png">', '<IMG SRC="b.png">', '<img src="">', "<img>", '<!-- <img src="c.png"> -->', "<p>", "text",
    '<script><img src="d.png"></script>', '<img alt="x" src="e&amp;f.png">', '<svg><img src="g.png"></svg>',
    '<textarea><img src="h.png"></textarea>', "</p>", "<table><tr><td>", '<img src="https://e.eu/i.png?a=1&amp;b=2">',
])


@given(st.lists(PARTS, max_size=12).map("".join))
@settings(max_examples=300, deadline=None)
@example('<img src="a.png"><!-- <img src="c.png"> --><img src="a.png"><img src="e&amp;f.png">')
def test_image_sources_are_the_distinct_sources_of_every_img_element(document: str) -> None:
    walked = [attributes["src"] for tag, attributes in elements(document) if tag == "img" and attributes.get("src")]
    assert image_sources(document) == tuple(dict.fromkeys(walked))
