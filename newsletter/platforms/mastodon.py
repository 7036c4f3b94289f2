"""Rewrite a Mastodon post into the text Mastodon's server counts.

Mastodon's `StatusLengthValidator` counts grapheme clusters of a "countable
text": every URL its extractor finds (only URLs with a scheme) becomes 23
characters, and every mention `@user@domain` becomes `@user`. The URL pattern is
twitter-text's with the path and query rules Mastodon replaces in
`config/initializers/twitter_regex.rb`; the mention pattern is `Account::MENTION_RE`.
The domain and preceding-character rules are twitter-text's own, shared with X's
counting in `x`, so the TLD list stays theirs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import regex

from newsletter.platforms.x_urls import (
    LATIN_ACCENT_CHARS,
    VALID_URL_BALANCED_PARENS,
    is_valid_url,
    tco_url,
    url_matches,
)

URL_LENGTH = 23

_PATH_CHAR = r"[^\p{White_Space}<>()?]"
_BALANCED = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
# Mastodon defines the ending characters before it redefines the balanced
# parentheses, so the ending rule still uses twitter-text's narrower version.
_PATH_END = rf"""(?:[^\p{{White_Space}}()?!*"'「」<>;:=,.$%\[\]~&|@]|(?:{VALID_URL_BALANCED_PARENS}))"""
_PATH = rf"(?:(?:{_PATH_CHAR}*(?:{_BALANCED}{_PATH_CHAR}*)*{_PATH_END})|(?:{_PATH_CHAR}+/))"
_UCHARS = (
    r"\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF\U00010000-\U0001FFFD\U00020000-\U0002FFFD"
    r"\U00030000-\U0003FFFD\U00040000-\U0004FFFD\U00050000-\U0005FFFD\U00060000-\U0006FFFD"
    r"\U00070000-\U0007FFFD\U00080000-\U0008FFFD\U00090000-\U0009FFFD\U000A0000-\U000AFFFD"
    r"\U000B0000-\U000BFFFD\U000C0000-\U000CFFFD\U000D0000-\U000DFFFD\U000E1000-\U000EFFFD"
    r"\uE000-\uF8FF\U000F0000-\U000FFFFD\U00100000-\U0010FFFD"
)
_QUERY_CHAR = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@\^{_UCHARS}]"
_QUERY_END = rf"[a-z0-9_&=#/\-{_UCHARS}]"

SCHEMES = ("https://", "http://", "dat://", "dweb://", "ipfs://", "ipns://", "ssb://", "gopher://", "gemini://")


@functools.cache
def _after_domain() -> regex.Pattern[str]:
    """Port, path and query as Mastodon's pattern takes them (compiled when first needed)."""
    return regex.compile(
        rf"(?::[0-9]+)?(?P<path>/{_PATH}*)?(?:\?{_QUERY_CHAR}*{_QUERY_END})?",
        regex.IGNORECASE | regex.VERSION0,
    )


_USERNAME = r"[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?"
MENTION_RE = regex.compile(
    rf"(?<![=/\w])@(?P<name>(?P<user>{_USERNAME})(?:@[\w.-]+\w+)?)",
    regex.IGNORECASE,
)
# twitter-text's `end_mention_match`: a mention directly followed by these is none.
_END_MENTION = regex.compile(rf"[@＠{LATIN_ACCENT_CHARS}]|://")


def url_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) of every URL Mastodon shortens to 23 characters."""
    for _, start, protocol, domain, _, url in url_matches(text, _after_domain(), SCHEMES, scheme_required=True):
        if protocol is None or not is_valid_url(url, protocol, domain):
            continue
        tco = tco_url(url)
        if tco:
            url = tco.group(0)
        yield start, start + len(url)


def mention_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, '@user') for every mention, as Mastodon counts it."""
    for match in MENTION_RE.finditer(text):
        if _END_MENTION.match(text, match.end()):
            continue
        yield match.start(), match.end(), "@" + match.group("user")


def countable_text(text: str) -> str:
    """Replace URLs by 23 placeholders and remote mentions by `@user`."""
    entities = sorted(
        [(start, end, "x" * URL_LENGTH) for start, end in url_spans(text)]
        + list(mention_spans(text))
    )
    pieces: list[str] = []
    position = 0
    for start, end, replacement in entities:
        if start < position:  # twitter-text drops entities overlapping an earlier one
            continue
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
