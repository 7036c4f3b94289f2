"""Read HTML with libxml2: every element of a page, an email or a fragment, and the images it shows."""

from __future__ import annotations

import functools
from typing import Any

from lxml import etree

Element = tuple[str, dict[str, str]]


def elements(document: str) -> list[Element]:
    """Every element of an HTML document with its attributes (entities decoded), in document order.

    None in comments or raw text; libxml2 adds the `html` and `body` a fragment leaves out.
    """
    root = _parsed(document)
    if root is None:
        return []
    return [(str(element.tag), {str(name): str(value) for name, value in element.attrib.items()})
            for element in root.iter(tag=etree.Element)]


@functools.lru_cache(maxsize=8)  # an email's MIME message and its ESP zip both ask
def image_sources(document: str) -> tuple[str, ...]:
    """The distinct `src` of the document's images, in order."""
    root = _parsed(document)
    if root is None:
        return ()
    return tuple(dict.fromkeys(str(src) for element in root.iter("img") if (src := element.get("src"))))


def _parsed(document: str) -> Any:
    if not document.strip():
        return None
    return etree.fromstring(document.encode("utf-8"), etree.HTMLParser(encoding="utf-8", no_network=True))
