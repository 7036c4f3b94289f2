"""Markdown to safe HTML, plain-text extraction and URL rewriting."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from typing import Any, cast

import markdown
import nh3
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString, Registry

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
# Inline patterns by name (smarty's by prefix), and what each needs in the normalised source to match:
# one of these strings. Nothing before inline parsing makes one that was not there.
_INLINE_MARKS = {
    "backtick": ("`",), "backslash_break": ("\\",), "escape": ("\\",), "footnote": ("[",), "reference": ("[",),
    "link": ("[",), "image_link": ("[",), "image_reference": ("[",), "short_reference": ("[",),
    "short_image_ref": ("[",), "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",),
    "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
}
_SMARTY_MARKS = {"smarty-quotes": ("'", '"'), "smarty-em-dashes": ("--",), "smarty-en-dashes": ("--",),
                 "smarty-ellipses": ("...",)}
_EXTENSION_CONFIGS = {
    # Smart quotes and dashes, but leave "<<" and ">>" alone: they are often literal.
    "smarty": {"smart_angled_quotes": False},
}

# Tags and attributes raw HTML in Markdown may keep: what Markdown itself produces plus figures.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements that hold phrasing content alone. An HTML parser reopens a formatting element left
# unclosed in raw HTML (`<b>bold <i>unclosed`) around every paragraph after it, and lets a
# paragraph start inside an unclosed heading or term: blocks inside them make an invalid page.
_INLINE_ONLY = {"abbr", "b", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "pre"}
_BLOCKS = {"blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure", "hr", "li", "ol", "p", "table",
           "tbody", "td", "tfoot", "th", "thead", "tr", "ul", *_HEADINGS}
_OPENS_BLOCK = re.compile(rf"<(?:{'|'.join(sorted(_BLOCKS))})\b")
_PHRASING_HOLDERS = _INLINE_ONLY | _HEADINGS | {"dt"}
_OPENS_PHRASING = re.compile(rf"<(?:{'|'.join(sorted(_INLINE_ONLY | _HEADINGS | {'dt'}))})\b")
# A start or end tag of the sanitiser's output, which quotes every attribute value and escapes `<` in text.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_VOID = {"br", "hr", "img", "wbr"}
# Lists and block quotes nested deeper than this are refused before rendering: Python-Markdown's
# time grows with the square of the depth (a list 800 levels deep takes 18 s, then overflows
# Python's stack; 5,000 levels never finish). No reader follows more than a handful of levels.
MAX_NESTING = 50
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_MARKER = re.compile(r"(?:>|(?:[-*+]|\d{1,9}[.)])(?=\s|$))[ \t]*")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_BREAKS = re.compile(r"<(?:br|/?(?:p|div|li|h[1-6]|td|th|tr|dd|dt|blockquote|figcaption|table))\b", re.I)
# What typography and invisible marks change in a text without changing what it says.
_FOLD = str.maketrans({
    **dict.fromkeys("‘’‚‛′", "'"), **dict.fromkeys("“”„‟″«»", '"'), **dict.fromkeys("‐‑‒–—―−", "-"),
    **dict.fromkeys("\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff"),
})
_DASHES = re.compile(r"-{2,}")


class MarkdownRenderer:
    """A reusable Markdown converter (building one per file is slow)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
        # A backslash that ends a line breaks it, as in CommonMark (and as imported posts write a
        # <br>): Python-Markdown alone knows two trailing spaces, which editors strip. After code
        # spans (190), before escapes (180).
        self._md.inlinePatterns.register(SubstituteTagInlineProcessor(r"(?<!\\)\\\n", "br"), "backslash_break", 185)
        # Inline parsing tries every pattern on every text, and smarty walks the document once
        # more with 18 of its own; a document gets only the patterns that can match in it.
        # Within a document, each text is tried only on the patterns whose marks it holds.
        self._inline = _PatternChooser(_skipping(self._md, "inline"), _INLINE_MARKS)
        self._smarty = _PatternChooser(_skipping(self._md, "smarty"), _SMARTY_MARKS)

    def render(self, text: str) -> str:
        """Convert Markdown to sanitised HTML."""
        self._md.reset()
        # The text as inline parsing sees it: Markdown first drops STX and ETX and normalises line ends and tabs.
        seen = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
        seen = seen.expandtabs(self._md.tab_length)
        self._inline.choose(seen)
        self._smarty.choose(seen)
        return sanitize(self._md.convert(text))


class _Patterns(Registry[Any]):
    """A registry of inline patterns, fixed once filled, that finds a pattern by position without sorting,
    and knows by position how to find the marks a text needs for each pattern to match in it.

    Inline parsing looks each pattern up by its position, once for every text it tries it on; a
    plain registry sorts itself on each look-up, some 4 % of all the time Markdown takes.
    """

    def freeze(self, marks: dict[str, tuple[str, ...]]) -> None:
        self._in_order = list(self)
        # For each pattern, what finds one of its marks in a text (a regular expression: one call in C).
        self.finders = [_finder(_marks_of(entry.name, marks)) for entry in getattr(self, "_priority")]
        # What finds a mark of any of them, when each has marks: a text without one is left as it is.
        every = [_marks_of(entry.name, marks) for entry in getattr(self, "_priority")]
        self.any_mark = _finder(tuple(mark for some in every for mark in some or ())) if None not in every else None

    def __getitem__(self, key: Any) -> Any:
        return self._in_order[key] if type(key) is int else super().__getitem__(key)


def _marks_of(name: str, marks: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The marks of the pattern called `name` (smarty's are named by prefix), or None."""
    key = _marked_as(name, marks)
    return marks[key] if key is not None else None


def _finder(marks: tuple[str, ...] | None) -> Callable[[str], object] | None:
    return re.compile("|".join(re.escape(mark) for mark in marks)).search if marks is not None else None


def _marked_as(name: str, marks: dict[str, tuple[str, ...]]) -> str | None:
    """The key in `marks` of the pattern called `name`: its name or, for smarty's, its prefix."""
    return next((key for key in marks if name == key or name.startswith(f"{key}-")), None)


class _SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline parser, passing over each pattern whose marks the text at hand lacks.

    A pattern that needs one of its marks cannot match a text without any: the text is the same
    as if the pattern had been tried. A paragraph's plain words then cost no pattern at all.
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        patterns = self.inlinePatterns
        if isinstance(data, AtomicString) or not isinstance(patterns, _Patterns):
            return cast(Callable[..., str], _handle_inline)(self, data, patternIndex)
        if patterns.any_mark is not None and not patterns.any_mark(data):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start, count = 0, len(patterns)
        while patternIndex < count:
            finds = patterns.finders[patternIndex]
            if finds is not None and not finds(data):
                start, patternIndex = 0, patternIndex + 1  # as the pattern, tried, would have said
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# Python-Markdown's own methods, which the skipping parser calls (present since its version 3.0).
_handle_inline = getattr(InlineProcessor, "_InlineProcessor__handleInline", None)
_CAN_SKIP = _handle_inline is not None and hasattr(InlineProcessor, "_InlineProcessor__applyPattern")


def _skipping(md: markdown.Markdown, name: str) -> InlineProcessor:
    """Put a skipping inline processor in place of the tree processor `name`, with its patterns and priority."""
    registry = md.treeprocessors
    processor = cast(InlineProcessor, registry[name])
    if not _CAN_SKIP:
        return processor  # a Python-Markdown made otherwise: each text tries its document's patterns
    priority = next(entry.priority for entry in getattr(registry, "_priority") if entry.name == name)
    skipping = _SkippingInlineProcessor(md)
    skipping.inlinePatterns = processor.inlinePatterns
    registry.register(skipping, name, priority)
    return skipping


class _PatternChooser:
    """Gives a tree processor, for each document, its inline patterns less those that cannot match in it:
    a pattern named (or prefixed) in `marks` needs one of its strings in the source."""

    def __init__(self, processor: InlineProcessor, marks: dict[str, tuple[str, ...]]):
        self.processor, self.marks = processor, marks
        self.every: Registry[Any] = processor.inlinePatterns
        self.subsets: dict[tuple[bool, ...], Registry[Any]] = {}

    def choose(self, text: str) -> None:
        present = tuple(any(mark in text for mark in marks) for marks in self.marks.values())
        if present not in self.subsets:
            absent = tuple(name for name, here in zip(self.marks, present) if not here)
            subset = _Patterns()
            # The registry's own (name, priority) list, copied: looking an item up sorts it in place.
            for entry in list(getattr(self.every, "_priority")):
                if _marked_as(entry.name, self.marks) not in absent:
                    subset.register(self.every[entry.name], entry.name, entry.priority)
            subset.freeze(self.marks)
            self.subsets[present] = subset
        self.processor.inlinePatterns = self.subsets[present]


def too_deep(text: str) -> int | None:
    """The 0-based line where lists and quotes nest deeper than MAX_NESTING, or None.

    A line's depth is its indentation in steps of four columns (Python-Markdown's tab length)
    plus the `>` and list markers it starts with (`- > - x` opens three); fenced code is skipped.
    """
    fenced = False
    for number, line in enumerate(text.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        stripped = line.lstrip(" \t")
        if fenced or not stripped or (stripped[0] != ">" and not _LIST_MARKER.match(stripped)):
            continue
        depth = len(line[: len(line) - len(stripped)].expandtabs(4)) // 4
        position = 0
        while depth <= MAX_NESTING:
            marker = _MARKER.match(stripped, position)
            if marker is None:
                break
            depth += 1
            position = marker.end()
        if depth > MAX_NESTING:
            return number
    return None


def sanitize(fragment: str) -> str:
    """Drop scripts, event handlers and unknown tags, and move blocks out of elements that hold phrasing alone."""
    return _blocks_out_of_phrasing(_clean(fragment, None))


def relink(fragment: str, rewrite: Callable[[str], str | None]) -> str:
    """A fragment that `sanitize` made, with every href/src rewritten (None drops it) and nothing else changed.

    Its blocks are already out of phrasing elements, and a link's value never moves one."""
    return _clean(fragment, rewrite)


def _clean(fragment: str, rewrite: Callable[[str], str | None] | None) -> str:
    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if rewrite is not None and (tag, attribute) in _URL_ATTRIBUTES:
            return rewrite(value)
        return value

    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter if rewrite is not None else None,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


def _blocks_out_of_phrasing(fragment: str) -> str:
    """`fragment` (well-formed, as the sanitiser writes it) with no block inside an element that holds phrasing alone.

    A formatting element around blocks gives way to its content; a heading or `pre` ends where
    its first block starts, the rest following it; blocks inside a term (`dt`) give way to their
    content. A fragment that needs none of this is returned as it is.
    """
    if not (_OPENS_PHRASING.search(fragment) and _OPENS_BLOCK.search(fragment)) or not _has_block_in_phrasing(fragment):
        return fragment
    return _restructured(fragment)


def _has_block_in_phrasing(fragment: str) -> bool:
    """Whether a block opens inside an element that holds phrasing alone; True when unsure.

    Reads the tags alone (the sanitiser's output nests them properly), so that the HTML parser
    runs only on the rare fragment that needs it.
    """
    stack: list[str] = []
    holding = 0  # open elements that hold phrasing alone
    for match in _TAG.finditer(fragment):
        name = match.group(2).lower()
        if match.group(1):
            if not stack or stack[-1] != name:
                return True
            holding -= stack.pop() in _PHRASING_HOLDERS
        else:
            if holding and name in _BLOCKS:
                return True
            if name not in _VOID:
                stack.append(name)
                holding += name in _PHRASING_HOLDERS
    return False


def _restructured(fragment: str) -> str:
    """Move the blocks out of phrasing elements with an HTML parser (see _blocks_out_of_phrasing)."""
    from bs4 import BeautifulSoup
    from bs4.dammit import EntitySubstitution
    from bs4.element import Tag
    from bs4.formatter import HTMLFormatter

    soup = BeautifulSoup(fragment, "html.parser")
    changed = False
    for element in soup.find_all([*_INLINE_ONLY, *_HEADINGS, "dt"]):  # outer ones first
        if element.find(_BLOCKS) is None:
            continue
        changed = True
        if element.name in _INLINE_ONLY:
            element.unwrap()
        elif element.name == "dt":
            for block in element.find_all(_BLOCKS):
                block.unwrap()
        else:
            first = next(child for child in element.children
                         if isinstance(child, Tag) and (child.name in _BLOCKS or child.find(_BLOCKS) is not None))
            element.insert_after(*(child.extract() for child in [first, *first.next_siblings]))
    serialise = HTMLFormatter(entity_substitution=EntitySubstitution.substitute_xml,
                              void_element_close_prefix=None)  # type: ignore[arg-type]  # None writes <br>, as bs4 documents
    return soup.decode(formatter=serialise) if changed else fragment


def _space_before(match: re.Match[str]) -> str:
    return " " + match.group(0)  # as r" \g<0>" writes it, without expanding a template per match


def plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment, whitespace collapsed; a line break or block ends a word."""
    text = html.unescape(nh3.clean(_BREAKS.sub(_space_before, fragment), tags=set()))
    return " ".join(text.split())


def reader_text(text: str) -> str:
    """Text as a reader compares it: typographic quotes, dashes, compatibility forms and whitespace folded.

    Checks that look for a text in an output compare both sides through this, so that
    "Union’s" matches "Union's" and a statement wrapped over lines in the plain text still counts.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_FOLD))
    return " ".join(_DASHES.sub("-", folded).split())


def first_paragraph(fragment: str) -> str:
    """Return the plain text of the first paragraph of an HTML fragment."""
    match = _FIRST_PARAGRAPH.search(fragment)
    return plain_text(match.group(1)) if match else ""
