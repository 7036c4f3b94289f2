"""Rendered HTML as the plain-text part reads it: words, then each link's absolute, tracked URL.

inscriptis lays the HTML out as text (paragraphs, lists, tables, line breaks) and writes no markup;
html2text writes Markdown (`**bold**`, `[words](url)`, escaped `\\-`), which is what the text part
must not show, and it is GPL-licensed.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

import lxml.html
from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig

from newsletter.channels.email.context import TEXT_WIDTH

_BULLET = re.compile(r"^(\s*(?:\*|\d+\.)?\s*)")


def html_text(fragment: str, track: Callable[[str], str], width: int = TEXT_WIDTH) -> str:
    """`fragment` as plain text filled to `width`, each link's URL in angle brackets after its words."""
    if not fragment.strip():
        return ""
    # A whole document: inscriptis indents the <div> that a fragment parser would wrap around it.
    holder = lxml.html.document_fromstring(fragment)
    for anchor in holder.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        words = "".join(str(text) for text in anchor.itertext()).strip()
        url = track(href)
        shown = url.removeprefix("mailto:")
        if words in (href, shown, href.removeprefix("mailto:")):
            # The words are the address already: write it once, tracked (RFC 3986, appendix C: "<URL>").
            for child in list(anchor):
                anchor.remove(child)
            anchor.text = f"<{url}>" if not href.startswith("mailto:") else shown
        else:
            anchor.tail = f" <{url}>" + (anchor.tail or "")
    text = Inscriptis(holder, ParserConfig(display_images=True)).get_text()
    return fill(text, width)


def fill(text: str, width: int = TEXT_WIDTH) -> str:
    """Fill each long line to `width`, continuing list items under their text; never break a word or URL."""
    lines = []
    for line in text.rstrip().splitlines():
        line = line.rstrip()
        if len(line) <= width:
            lines.append(line)
            continue
        indent = " " * len(_BULLET.match(line).group(1))  # type: ignore[union-attr]  # matches any line
        lines.append(textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                                   break_on_hyphens=False))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def wrap(text: str) -> str:
    """Fill a paragraph to the plain-text width without breaking words or URLs."""
    return textwrap.fill(" ".join(str(text).split()), TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)


def underline(text: str, mark: str) -> str:
    """A heading for plain text: the text over a line of `mark` as long as it."""
    text = wrap(text)
    return f"{text}\n{mark * min(max(len(line) for line in text.splitlines()), TEXT_WIDTH)}"
