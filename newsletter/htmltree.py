"""Read HTML with libxml2: every element of a page, an email or a fragment, and the images it shows."""

from __future__ import annotations

from lxml import etree

Element = tuple[str, dict[str, str]]


def elements(document: str) -> list[Element]:
    """Every element of an HTML document with its attributes (entities decoded), in document order.

    None in comments or raw text; libxml2 adds the `html` and `body` a fragment leaves out.
    """
    if not document.strip():
        return []
    root = etree.fromstring(document.encode("utf-8"), etree.HTMLParser(encoding="utf-8", no_network=True))
    if root is None:
        return []
    return [(str(element.tag), {str(name): str(value) for name, value in element.attrib.items()})
            for element in root.iter(tag=etree.Element)]


def image_sources(document: str) -> list[str]:
    """The distinct `src` of the document's images, in order."""
    return list(dict.fromkeys(attributes["src"] for tag, attributes in elements(document)
                              if tag == "img" and attributes.get("src")))
