"""Find the URLs X counts as 23 characters, as twitter-text 3's extractor does, without its library.

The rules are twitter-text's own (`js/src/regexp/*.js`, as `twitter-text-parser` 3.0 ports them
to Python). The domain part is matched by hand (x_domains.py); the path and query keep their
patterns, compiled when first needed. Mastodon's counting reuses the domain rules with its own path rules. twitter-text:
Copyright 2011 Twitter, Inc., Apache License 2.0; the data is in x_data.json.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import Any, Protocol

from newsletter.platforms.x_domains import DOMAIN_RUN_BEFORE_DOT, FOLD, data, domain_end, tld_end

MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
DEFAULT_PROTOCOL = "https://"

_NOT_PRECEDING = frozenset("0123456789abcdefghijklmnopqrstuvwxyz@\uff20$#\uff03\ufffe\ufeff\uffff")
# The characters that case-fold into _NOT_PRECEDING, these included: tested without folding.
_NOT_PRECEDING_ANY_CASE = frozenset(
    char for char in _NOT_PRECEDING | set(data()["case_folds"][0]) if char.translate(FOLD) in _NOT_PRECEDING
)
LATIN_ACCENT_CHARS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268"
    r"\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"
_PATH_CHAR = rf"[a-z{_CYRILLIC}0-9!\*';:=\+,\.\$\/%#\[\]\-\u2013_~@\|&{LATIN_ACCENT_CHARS}]"
VALID_URL_BALANCED_PARENS = (
    rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
)
_PATH_ENDING = rf"[\+\-a-z{_CYRILLIC}0-9=_#\/{LATIN_ACCENT_CHARS}]|(?:{VALID_URL_BALANCED_PARENS})"
_PATH = (
    rf"(?:(?:{_PATH_CHAR}*(?:{VALID_URL_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_ENDING})"
    rf"|(?:@{_PATH_CHAR}+/))"
)
_QUERY_CHAR = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_ENDING = r"[a-z0-9\-_&=#/]"
# What may follow a domain: port, path and query.
_AFTER_DOMAIN = rf"(?::[0-9]+)?(?P<path>\/{_PATH}*)?(?:\?{_QUERY_CHAR}*{_QUERY_ENDING})?"
VALID_TCO_URL = rf"^https?:\/\/t\.co\/([a-z0-9]+)(?:\?{_QUERY_CHAR}*{_QUERY_ENDING})?"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(_AFTER_DOMAIN, re.IGNORECASE), re.compile(VALID_TCO_URL, re.IGNORECASE)


def _protocol_end(text: str, start: int, schemes: tuple[str, ...]) -> int | None:
    head = text[start : start + 12].translate(FOLD)
    for scheme in schemes:
        if head.startswith(scheme):
            return start + len(scheme)
    return None


class _Found(Protocol):
    def end(self) -> int: ...
    def group(self, name: str, /) -> str | Any: ...


class _Pattern(Protocol):
    def match(self, string: str, pos: int = 0, /) -> _Found | None: ...


Candidate = tuple[str, int, str | None, str, str | None, str]


def tco_url(url: str) -> re.Match[str] | None:
    """Match a t.co URL's own part (X counts nothing after its slug and query)."""
    return _patterns()[1].search(url)


def url_matches(
    text: str, after_domain: _Pattern | None = None, schemes: tuple[str, ...] = ("https://", "http://"),
    scheme_required: bool = False,
) -> Iterator[Candidate]:
    """Find URL candidates as twitter-text's `extractUrl` pattern does, left to right.

    Yields (the character before, start, protocol, domain, path, the URL); `after_domain` matches port, path and query (twitter-text's by default), `schemes`
    the protocols a URL may start with, lowercase.
    """
    rest = after_domain or _patterns()[0]
    begins = _candidate_begins(text, schemes, scheme_required)
    search = 0
    while True:
        for begin in begins[bisect.bisect_left(begins, search):]:
            found = _match_at(text, begin, rest, schemes, scheme_required)
            if found is not None:
                yield found
                search = found[1] + len(found[5])
                break
        else:
            return


def _candidate_begins(text: str, schemes: tuple[str, ...], scheme_required: bool) -> list[int]:
    """The positions `_match_at` may find a URL at, in order; it finds none at the others.

    A URL starts right after `begin` (or at 0) either with a scheme, which the case-folded text
    has there, or (when no scheme is required) with a label that runs up to a dot, as
    `domain_end` needs. And `begin` holds a character that may precede a URL, unless it is 0.
    """
    starts = _scheme_starts(text, schemes)
    if not scheme_required:
        for run in DOMAIN_RUN_BEFORE_DOT.finditer(text):
            starts.update(range(*run.span()))
    begins = {start - 1 for start in starts if start and text[start - 1] not in _NOT_PRECEDING_ANY_CASE}
    if 0 in starts or 1 in starts:
        begins.add(0)
    return sorted(begins)


def _scheme_starts(text: str, schemes: tuple[str, ...]) -> set[int]:
    """Where the case-folded text has one of the schemes, each ending in `://`, found from that `://`.

    No character folds to `:` or `/` nor the other way round, so the folded text has `://` where
    the text has it.
    """
    longest = max(map(len, schemes))
    starts: set[int] = set()
    found = text.find("://")
    while found != -1:
        end = found + 3
        head = text[max(0, end - longest) : end].translate(FOLD)
        starts.update(end - len(scheme) for scheme in schemes if head.endswith(scheme))
        found = text.find("://", found + 1)
    return starts


def _match_at(
    text: str, begin: int, rest: _Pattern, schemes: tuple[str, ...], scheme_required: bool
) -> Candidate | None:
    before_options: list[int] = []
    char = text[begin]
    if char not in _NOT_PRECEDING_ANY_CASE:
        before_options.append(begin + 1)
    if begin == 0:
        before_options.append(0)
    for start in before_options:
        if start >= len(text):
            continue
        protocol_end = _protocol_end(text, start, schemes)
        tries: list[int | None] = [protocol_end] if protocol_end is not None else []
        if not scheme_required:
            tries.append(None)
        for after_protocol in tries:
            domain_start = start if after_protocol is None else after_protocol
            end = domain_end(text, domain_start)
            if end is None:
                continue
            tail = rest.match(text, end)
            assert tail is not None
            protocol = None if after_protocol is None else text[start:after_protocol]
            return (
                text[begin:start], start, protocol, text[domain_start:end], tail.group("path"),
                text[start : tail.end()],
            )
    return None


def is_valid_url(url: str, protocol: str, domain: str) -> bool:
    """Tell whether a URL's punycode form is a valid domain and at most 4,096 characters long."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return False
    if not ascii_domain:
        return False
    return len(protocol) + len(url) + len(ascii_domain) - len(domain) <= MAX_URL_LENGTH


def _ascii_domains(domain: str) -> Iterator[tuple[int, int]]:
    """Find the ASCII domains in a domain, as twitter-text's `validAsciiDomain` pattern does."""
    label_char = _ascii_label_char()
    search = 0
    while search < len(domain):
        for begin in range(search, len(domain)):
            dots: list[int] = []
            position = begin
            while True:
                end = position
                while end < len(domain) and label_char.match(domain, end):
                    end += 1
                if end == position or end >= len(domain) or domain[end] != ".":
                    break
                dots.append(end)
                position = end + 1
            found = next(
                (tld for tld in (tld_end(domain, dot + 1) for dot in reversed(dots)) if tld is not None), None
            )
            if found is not None:
                yield begin, found
                search = found
                break
        else:
            return


@functools.cache
def _ascii_label_char() -> re.Pattern[str]:
    return re.compile(rf"[\-a-z0-9{LATIN_ACCENT_CHARS}]", re.IGNORECASE)


_WITHOUT_PROTOCOL_BAD_PRECEDING = frozenset("-_./")


def url_entities(text: str) -> list[tuple[int, str]]:
    """Find the URLs X shortens, as (start, url text), as twitter-text's `extractUrlsWithIndices`."""
    if "." not in text:
        return []
    urls: list[tuple[int, str]] = []
    for before, start, protocol, domain, path, url in url_matches(text):
        if not is_valid_url(url, protocol or DEFAULT_PROTOCOL, domain):
            continue
        if protocol is None:
            if before in _WITHOUT_PROTOCOL_BAD_PRECEDING:
                continue
            last: tuple[int, str] | None = None
            for ascii_start, ascii_end in _ascii_domains(domain):
                last = (start + ascii_start, domain[ascii_start:ascii_end])
                urls.append(last)
            if last is None:
                continue
            if path:
                urls[-1] = (last[0], url.replace(domain, last[1]))
        else:
            tco_match = tco_url(url)
            if tco_match:
                if len(tco_match.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco_match.group(0)
            urls.append((start, url))
    return urls


def extract_urls(text: str) -> list[str]:
    """The URLs X shortens to 23 characters, with and without a scheme."""
    return [url for _, url in url_entities(text)]
