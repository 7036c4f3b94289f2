"""Give classic-editor content the paragraphs WordPress adds when it shows a post (wpautop)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, PageElement, Tag

# The block-level elements of WordPress's wpautop(): text between them becomes paragraphs.
BLOCK_TAGS = frozenset(
    "address article aside blockquote caption col colgroup dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li map math menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul iframe audio video object".split()
)
# Containers whose loose text WordPress wraps in <p>; elsewhere (list items, cells) it only breaks lines.
PARAGRAPH_CONTAINERS = frozenset({"[document]", "blockquote", "div", "section", "article", "aside"})
_VERBATIM = frozenset({"pre", "code", "script", "style", "textarea"})
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def add_paragraphs(soup: BeautifulSoup) -> None:
    """Wrap text between blank lines or blocks in <p>, and turn single newlines into <br>."""
    _walk(soup, soup)


def _walk(container: Tag, soup: BeautifulSoup) -> None:
    for child in list(container.children):
        if isinstance(child, Tag) and child.name in BLOCK_TAGS and child.name not in _VERBATIM:
            _walk(child, soup)
    wrap = container.name in PARAGRAPH_CONTAINERS
    for run in _inline_runs(container, split_on_blank_lines=wrap):
        if not any(isinstance(node, Tag) or str(node).strip() for node in run):
            continue
        if wrap:
            paragraph = soup.new_tag("p")
            run[0].insert_before(paragraph)
            for node in run:
                paragraph.append(node.extract())
        _break_lines(run, soup)


def _is_block(node: PageElement) -> bool:
    return isinstance(node, Tag) and node.name in BLOCK_TAGS


def _inline_runs(container: Tag, *, split_on_blank_lines: bool) -> list[list[PageElement]]:
    """Group a container's children into runs of inline content, splitting text at blank lines."""
    runs: list[list[PageElement]] = [[]]
    for child in list(container.children):
        if _is_block(child):
            runs.append([])
        elif isinstance(child, Comment):
            continue
        elif isinstance(child, NavigableString) and _BLANK_LINE.search(child):
            if not split_on_blank_lines:
                single = NavigableString(_BLANK_LINE.sub("\n", child))
                child.replace_with(single)
                runs[-1].append(single)
                continue
            pieces = [NavigableString(piece) for piece in _BLANK_LINE.split(str(child))]
            child.replace_with(*pieces)
            runs[-1].append(pieces[0])
            runs.extend([piece] for piece in pieces[1:])
        else:
            runs[-1].append(child)
    return [run for run in runs if run]


def _break_lines(run: list[PageElement], soup: BeautifulSoup) -> None:
    """Trim the run's outer whitespace and turn the newlines inside it into <br>."""
    strings: list[NavigableString] = []
    for node in run:
        if isinstance(node, Tag):
            if node.name not in _VERBATIM:
                strings.extend(
                    text
                    for text in node.find_all(string=True)
                    if not isinstance(text, Comment) and not any(p.name in _VERBATIM for p in text.parents)
                )
        elif not isinstance(node, Comment):
            strings.append(node)  # type: ignore[arg-type]  # a NavigableString: not a Tag
    first = next((i for i, text in enumerate(strings) if text.strip()), len(strings))
    last = max((i for i, text in enumerate(strings) if text.strip()), default=-1)
    for index, text in enumerate(strings):
        value = str(text)
        if index <= first:
            value = value.lstrip()
        if index >= last:
            value = value.rstrip()
        previous = text.previous_sibling
        if isinstance(previous, Tag) and previous.name == "br":
            value = value.lstrip(" \t").removeprefix("\n")
        if "\n" not in value:
            if value != text:
                text.replace_with(NavigableString(value))
            continue
        lines = value.split("\n")
        replacement: list[PageElement] = [NavigableString(lines[0])]
        for line in lines[1:]:
            replacement.extend([soup.new_tag("br"), NavigableString(line.lstrip(" \t"))])
        text.replace_with(*replacement)
