"""Convert prepared HTML to the Markdown a news item body holds."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

# markdownify escapes every character that could be Markdown somewhere; most are plain text
# where they stand, and escaping them only makes the file harder to edit. Each rule says when
# the escape is needed: (at the start of the text only, what must follow the character).
_ESCAPE_NEEDED = {
    "#": (True, re.compile(r"")),
    ">": (True, re.compile(r"")),
    "+": (True, re.compile(r"\s|$")),
    "-": (True, re.compile(r"-*(\s|$)")),
    "=": (True, re.compile(r"=*\s*$")),
    ".": (True, re.compile(r"\s|$")),
    ")": (True, re.compile(r"\s|$")),
    "<": (False, re.compile(r"[A-Za-z/!?]")),
    "&": (False, re.compile(r"(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")),
    "~": (True, re.compile(r"~~")),
}
_ESCAPED = re.compile(r"\\(.)")
# Python-Markdown reads a "#" that starts a line as a heading even without a space ("#tag"),
# which markdownify leaves unescaped.
_HASH_AT_START = re.compile(r"(^|\n)([ \t]*)#")
_FENCE = re.compile(r"^(```|~~~)")


class NewsMarkdownConverter(MarkdownConverter):
    """markdownify with ATX headings, "-" bullets, figures with captions, and safe table cells."""

    def __init__(self, **options: Any) -> None:
        defaults: dict[str, Any] = {
            "heading_style": "atx",
            "bullets": "-",
            "strong_em_symbol": "*",
            "escape_misc": True,
            "newline_style": "backslash",
            "table_infer_header": True,
            "keep_inline_images_in": ["td", "th", "a", "figure"],
            "code_language_callback": _code_language,
        }
        super().__init__(**(defaults | options))

    def escape(self, text: str, parent_tags: set[str]) -> str:
        escaped: str = super().escape(text, parent_tags)  # type: ignore[misc]
        in_cell = bool(parent_tags & {"td", "th"})

        def unescape(match: re.Match[str]) -> str:
            char = match.group(1)
            if char == "|":
                return match.group(0) if in_cell else char
            rule = _ESCAPE_NEEDED.get(char)
            if rule is None:
                return match.group(0)
            only_at_start, follows = rule
            before = escaped[: match.start()]
            if char in ".)":
                before = before.rstrip("0123456789")
            at_start = not in_cell and (before.strip(" ") == "" or before.endswith("\n"))
            rest = _ESCAPED.sub(r"\1", escaped[match.end() :])
            needed = (at_start or not only_at_start) and follows.match(rest)
            return match.group(0) if needed else char

        return _HASH_AT_START.sub(r"\1\2\\#", _ESCAPED.sub(unescape, escaped))

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        caption = " ".join(text.split())
        # Underscores, so emphasis inside the caption (written with "*") stays balanced.
        return f"\n\n_{caption}_\n\n" if caption else ""

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_td(el, _one_line(text), parent_tags))  # type: ignore[misc]

    def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_th(el, _one_line(text), parent_tags))  # type: ignore[misc]


def _one_line(text: str) -> str:
    """Keep a table cell on one row: Markdown tables cannot hold line breaks."""
    return " ".join(text.replace("\\\n", " ").split())


def _code_language(element: Tag) -> str:
    """Read `language-xyz` classes, as syntax highlighting plugins write them."""
    for candidate in [element, *element.find_all("code", limit=1)]:
        for css_class in candidate.get("class") or []:
            if css_class.startswith("language-"):
                return str(css_class.removeprefix("language-"))
    return ""


def html_to_markdown(soup: BeautifulSoup) -> str:
    """Convert the document to Markdown that ends with exactly one newline."""
    markdown = _tidy(NewsMarkdownConverter().convert_soup(soup))
    return f"{markdown}\n" if markdown else ""


def _tidy(markdown: str) -> str:
    """Drop trailing spaces and runs of blank lines, except inside fenced code."""
    lines: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code:
            line = line.rstrip()
            if not line and lines and not lines[-1]:
                continue
        lines.append(line)
    return "\n".join(lines).strip("\n")
