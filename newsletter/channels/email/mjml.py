"""MJML to email-ready HTML: compile with MRML, inline the `inline` styles, tag outbound links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import css_inline
import regex
from mjml import mjml2html

from newsletter.errors import RenderError, SourceLocation

# MJML for Node moves `<mj-style inline="inline">` onto the elements; MRML only emits a <style>,
# which Gmail's non-Google accounts and some webmails strip. So these blocks are taken out before
# compiling and inlined afterwards with css-inline.
_INLINE_STYLE = re.compile(r"<mj-style\s+inline\s*=\s*([\"'])inline\1\s*>(.*?)</mj-style>", re.S | re.I)
# css-inline serialises with html5ever: attribute values are always double-quoted.
_ANCHOR = re.compile(r"<a\s(?:[^>\"]|\"[^\"]*\")*>", re.I)
_HREF = re.compile(r"(\shref=\")([^\"]*)(\")")
_NO_UTM = re.compile(r"\sdata-utm=\"off\"")
# MRML writes some characters of an attribute value the way Rust's Debug format does: a no-break
# space as the text `\u{a0}`, a backslash as `\\`; so go every space but U+0020, control and format
# characters, combining marks, and code points its Unicode tables do not know yet (and it cannot
# read U+FFFE and U+FFFF at all). So quoted values of start tags reach it with the backslash and
# every character beyond ASCII as character references; css-inline writes them back as characters.
# Text, comments and <mj-style> blocks are not touched.
_START_TAG = regex.compile(r"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
_QUOTED = regex.compile(r""""[^"]*"|'[^']*'""")
_DEBUG_ESCAPED = regex.compile(r"[^\x20-\x5b\x5d-\x7e]")


def compile_mjml(source: str, template: str = "email/issue.mjml") -> str:
    """Compile an MJML document to HTML with its `inline` styles written onto the elements."""
    inline_css = "\n".join(match.group(2) for match in _INLINE_STYLE.finditer(source))
    source = _START_TAG.sub(_referenced_values, _INLINE_STYLE.sub("", source))
    try:
        compiled = mjml2html(source, disable_comments=True, fonts={})
    except ValueError as exc:  # how mjml-python reports every MRML parse error
        raise RenderError(f"the email template does not compile as MJML ({exc})", SourceLocation(Path(template)),
                          "check the tags of your overridden email templates") from None
    inliner = css_inline.CSSInliner(
        inline_style_tags=False,  # keep MJML's media queries and the dark-mode rules where they are
        keep_style_tags=True,
        load_remote_stylesheets=False,
        extra_css=inline_css or None,
    )
    return inliner.inline(compiled)


def _referenced_values(tag: regex.Match[str]) -> str:
    """A start tag whose quoted values hold MRML's escaped characters as character references."""
    if (text := tag.group()).isascii() and text.isprintable() and "\\" not in text:
        return text  # printable ASCII alone, no backslash: nothing in it that _DEBUG_ESCAPED finds (most tags)

    def values(value: regex.Match[str]) -> str:
        return _DEBUG_ESCAPED.sub(lambda char: f"&#x{ord(char.group()):x};", value.group())

    return _QUOTED.sub(values, tag.group())


def tag_links(document: str, tag: Callable[[str], str]) -> str:
    """Apply `tag` to every <a href>; an anchor with `data-utm="off"` keeps its URL (and loses the marker)."""

    def anchor(match: re.Match[str]) -> str:
        text = match.group(0)
        if _NO_UTM.search(text):
            return _NO_UTM.sub("", text)
        return _HREF.sub(lambda m: m.group(1) + html.escape(tag(html.unescape(m.group(2)))) + m.group(3), text)

    return _ANCHOR.sub(anchor, document)
