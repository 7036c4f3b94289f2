"""Markdown to safe HTML, plain-text extraction and URL rewriting."""

from __future__ import annotations

import functools
import html
import importlib
import re
import unicodedata
from collections.abc import Callable

import markdown
import nh3
from markdown.inlinepatterns import SubstituteTagInlineProcessor

from newsletter.content.inline_patterns import INLINE_MARKS, SMARTY_MARKS, PatternChooser, skipping

# Python-Markdown's "extra" (its extensions, in its order), then lists as written and typography. Made from
# their modules: an extension given by name is first looked up among every installed package's entry points,
# which loads importlib.metadata (a twentieth of a small project's rebuild) and lets a plugin stand in for it.
_EXTENSIONS = [
    "fenced_code", "footnotes", "attr_list", "def_list", "tables", "abbr", "md_in_html",
    "sane_lists", "smarty",
]
# Fenced code is added when a text first holds a fence (three backticks or tildes): its module loads
# Pygments through codehilite (about 15 ms), and without a fence it changes nothing.
_ON_DEMAND = {"fenced_code": ("```", "~~~")}
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
# The start tags whose attribute `relink` rewrites (read as _TAG reads tags), and one attribute of a tag (a
# quoted value read whole, so that a value never passes for an attribute).
_LINK_ATTRIBUTE = dict(_URL_ATTRIBUTES)
_LINKING_TAG = re.compile(rf"""<({'|'.join(sorted(_LINK_ATTRIBUTE))})(\s(?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_BREAKS = re.compile(r"<(?:br|/?(?:p|div|li|h[1-6]|td|th|tr|dd|dt|blockquote|figcaption|table|pre))\b", re.I)
# What typography and invisible marks change in a text without changing what it says.
_FOLD = str.maketrans({
    **dict.fromkeys("‘’‚‛′", "'"), **dict.fromkeys("“”„‟″«»", '"'), **dict.fromkeys("‐‑‒–—―−", "-"),
    **dict.fromkeys("\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff"),
})
_DASHES = re.compile(r"-{2,}")


class MarkdownRenderer:
    """A reusable Markdown converter (building one per file is slow)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=[_extension(name) for name in _EXTENSIONS if name not in _ON_DEMAND])
        self._waiting = dict(_ON_DEMAND)  # the extensions not added yet, and the marks that call for each
        # A backslash that ends a line breaks it, as in CommonMark (and as imported posts write a
        # <br>): Python-Markdown alone knows two trailing spaces, which editors strip. After code
        # spans (190), before escapes (180).
        self._md.inlinePatterns.register(SubstituteTagInlineProcessor(r"(?<!\\)\\\n", "br"), "backslash_break", 185)
        # Each document, and each text in it, is tried only on the inline patterns that can match in it.
        self._inline = PatternChooser(skipping(self._md, "inline"), INLINE_MARKS)
        self._smarty = PatternChooser(skipping(self._md, "smarty"), SMARTY_MARKS)
        # Asked of every element, more than once: the extensions have added their tags, and the list becomes a set.
        blocks = frozenset(self._md.block_level_elements)
        self._md.is_block_level = (  # type: ignore[method-assign]
            lambda tag: isinstance(tag, str) and tag.lower().rstrip("/") in blocks)

    def render(self, text: str) -> str:
        """Convert Markdown to sanitised HTML."""
        self._md.reset()
        # The text as inline parsing sees it: Markdown first drops STX and ETX and normalises line ends and tabs.
        seen = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
        seen = seen.expandtabs(self._md.tab_length)
        for name, marks in list(self._waiting.items()):
            if any(mark in seen for mark in marks):
                self._md.registerExtensions([_extension(name)], {})
                del self._waiting[name]
        self._inline.choose(seen)
        self._smarty.choose(seen)
        return sanitize(self._md.convert(text))


def _extension(name: str) -> markdown.Extension:
    """One of Python-Markdown's extensions, made from its module (see _EXTENSIONS) with our settings."""
    extension: markdown.Extension = importlib.import_module(f"markdown.extensions.{name}").makeExtension(
        **_EXTENSION_CONFIGS.get(name, {}))
    return extension


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


def relinked(fragment: str, rewrite: Callable[[str], str | None]) -> tuple[tuple[str | None, ...], Callable[[], str]]:
    """`relink`, lazily: what the fragment's links lead to (with the fragment, all the relinked fragment
    depends on: a key for what shows it) and the relinked fragment, made when asked.

    Each link is rewritten once. When every link leads where it is written (a body that links other
    sites alone), the fragment is already the relinked one and is not parsed again: a parse would at most
    restructure a hostile one into the tree a browser builds from it anyway (a link around a paragraph
    inside a paragraph, cloned)."""
    links = links_of(fragment)
    leads = tuple(map(rewrite, links))
    if leads == links:
        return leads, lambda: fragment
    led = dict(zip(links, leads))
    return leads, lambda: relink(fragment, lambda href: led[href] if href in led else rewrite(href))


@functools.lru_cache(maxsize=4096)
def links_of(fragment: str) -> tuple[str, ...]:
    """The value of every link's href and image's src in a fragment that `sanitize` made, in order.

    Read from its tags alone, as `_has_block_in_phrasing` reads them: the sanitiser quotes every value.
    Remembered for the bodies of the last builds (a string keeps its hash): the pages, feeds and emails
    of a build, and the next builds of a long-running process, ask for the same ones."""
    if "<a " not in fragment and "<img " not in fragment:
        return ()
    found = []
    for tag in _LINKING_TAG.finditer(fragment):
        wanted = _LINK_ATTRIBUTE[tag.group(1).lower()]
        for attribute in _ATTRIBUTE.finditer(tag.group(2)):
            if attribute.group(1).lower() == wanted:
                found.append(html.unescape(next((value for value in attribute.groups()[1:] if value is not None), "")))
                break  # the sanitiser writes each attribute once
    return tuple(found)


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


def sanitised_text(fragment: str) -> str:
    """`plain_text` of a fragment that `sanitize` made, read from its tags alone, as
    `links_of` reads them: every `<` in its text is escaped, so each one starts a tag."""
    text = html.unescape(_TAG.sub("", _BREAKS.sub(_space_before, fragment)))
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
