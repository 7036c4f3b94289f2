"""Write a LinkedIn post in the Posts API's "little text" format.

The `commentary` of a post is little text: the characters `\\ | { } @ [ ] ( ) < > # * _ ~`
are reserved and must be backslash-escaped wherever they stand for themselves
(LinkedIn documents that an unescaped one may cut the post short). A mention is
`@[Name](urn:li:organization:123)`, a hashtag the template `{hashtag|\\#|Tag}`,
which is how LinkedIn itself returns hashtags when posts are read back.
"""

from __future__ import annotations

import regex

RESERVED = "\\|{}@[]()<>#*_~"

# A mention or hashtag already written in the API's own syntax passes through.
_API_MENTION = r"@\[(?P<name>(?:[^\]\\]|\\.)*)\]\(urn:li:[a-zA-Z]+:[^()\s]+\)"
_API_HASHTAG = r"\{hashtag\|\\?[#＃]\|(?P<value>[^{}|]+)\}"
# A plain `#Tag` becomes the hashtag template; letters and digits only (at least
# one letter), so `#1` or `C#` stay text and `_` never lands inside a template.
_HASHTAG = r"(?<![\w&#＃\\])[#＃](?P<tag>[^\W_]*[^\W\d_][^\W_]*)"
# A URL is plain text to escape, but its `#fragment` is no hashtag.
_URL = r"(?<![\w@])[a-zA-Z][a-zA-Z0-9+.-]*://\S+"
_TOKEN = regex.compile(
    rf"(?P<url>{_URL})|(?P<mention>{_API_MENTION})|(?P<template>{_API_HASHTAG})|(?P<hashtag>{_HASHTAG})"
)
_ESCAPE = regex.compile("[" + regex.escape(RESERVED) + "]")
_UNESCAPE = regex.compile(r"\\(.)")


def escape(text: str) -> str:
    """Backslash-escape every reserved character."""
    return _ESCAPE.sub(lambda match: "\\" + match.group(0), text)


def commentary(text: str) -> str:
    """Turn a plain post into little text: escape it, hashtags as templates."""
    pieces: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        if match.group("url"):
            pieces.append(escape(match.group(0)))
        elif match.group("hashtag"):
            pieces.append("{hashtag|\\#|" + match.group("tag") + "}")
        else:
            pieces.append(match.group(0))
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def displayed_text(text: str) -> str:
    """Return what members see: API mentions as their name, templates as `#Tag`."""
    if "@[" not in text and "{hashtag|" not in text:
        return text  # neither a mention nor a template starts anywhere: every token stays as written

    def shown(match: regex.Match[str]) -> str:
        if match.group("mention"):
            return _UNESCAPE.sub(r"\1", match.group("name"))
        if match.group("template"):
            return "#" + match.group("value")
        return match.group(0)

    return _TOKEN.sub(shown, text)
