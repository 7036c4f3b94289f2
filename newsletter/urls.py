"""URLs: a path made into one, whether one is absolute, safe to publish, or tracked; the one place each is decided.

Which links a project may publish: web and mailto addresses and ESP merge tags, nothing a client would run.

One check for every URL a project writes, in content (`url:`, `event.url`) and in settings
(`site_url`, `unsubscribe_url`, `[[partners]] url` and `logo`): `javascript:` or `data:` in an
email runs in some clients and is a phishing lure in all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

WEB = ("http", "https")
WEB_AND_MAIL = ("http", "https", "mailto")
# What may stay as written in a URL (RFC 3986): unreserved and reserved characters, and a `%` that starts an
# escape. `[` and `]` belong to a host alone.
_NOT_IN_URL = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]")
_NOT_IN_HOST = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:@!$&'()*+,;=%\[\]]")
_SCHEME_AND_HOST = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*:)?(//[^/?#]*)?")
# A merge tag an email service replaces with a subscriber's own link when it sends, e.g.
# Mailchimp *|UNSUB|*, Brevo {{ unsubscribe }}, Listmonk {{ UnsubscribeURL }}, Buttondown
# {{ unsubscribe_url }}, Mailgun %unsubscribe_url%, Mailjet [[UNSUB_LINK_EN]], Sendy [unsubscribe].
MERGE_TAG = re.compile(
    r"\*\|[A-Za-z0-9_:]+\|\*"
    r"|\{\{\{?\s*[A-Za-z0-9_.]+\s*\}?\}\}"
    r"|%[A-Za-z0-9_]+%"
    r"|\[\[?[A-Za-z0-9_]+\]?\]"
)


def link_problem(url: str, schemes: Collection[str] = WEB, merge_tags: bool = False) -> str | None:
    """Why `url` may not be published as a link, in a few words, or None when it may."""
    if merge_tags and MERGE_TAG.fullmatch(url):
        return None
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return "it holds spaces, line breaks or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "it is not a well-formed address"
    allowed = " or ".join(f"{scheme}:" for scheme in schemes)
    if parts.scheme.lower() not in schemes:
        return f"it must start with {allowed}" + (" or be the service's merge tag" if merge_tags else "")
    if parts.scheme.lower() == "mailto":
        return None if parts.path else "it names no email address after mailto:"
    if not parts.hostname:
        return "it has no host name"
    if not valid_host(parts.hostname):
        return "its host name is not valid"
    return None


def valid_host(host: str) -> bool:
    """Whether a host name can be written in DNS form (IDNA): no empty labels, none over 63 characters."""
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


@functools.lru_cache(maxsize=8192)  # the links of the last builds: each page, feed and email asks again
def encoded_url(url: str) -> str:
    """`url` as a person wrote it, percent-encoded once, so it parses in every browser, mail client and feed reader.

    Spaces, letters of other scripts, `<`, `"` and a `%` that starts no escape become escapes
    (UTF-8); escapes already there stay as they are, so encoding twice changes nothing. A host in
    another script takes its DNS form (IDNA).
    """
    start = _SCHEME_AND_HOST.match(url)
    assert start is not None  # both parts are optional: it matches every string
    scheme, slashes, netloc = start.group(1) or "", "//" if start.group(2) else "", (start.group(2) or "")[2:]
    try:
        netloc = ascii_host(netloc)
    except UnicodeError:  # not a host name IDNA can write: its letters are escaped like the rest
        pass
    rest, hash_, fragment = url[start.end():].partition("#")
    return (scheme + slashes + _NOT_IN_HOST.sub(_escape, netloc) + _NOT_IN_URL.sub(_escape, rest)
            + hash_ + _NOT_IN_URL.sub(_escape, fragment.replace("#", "%23")))


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def ascii_host(netloc: str) -> str:
    """The network location with a non-ASCII host name in its DNS (IDNA) form; ASCII ones are left as written."""
    if netloc.isascii():
        return netloc
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    return f"{userinfo}{at}{host.encode('idna').decode('ascii')}{colon}{port}"


def is_absolute(url: str) -> bool:
    """Whether `url` leads somewhere by itself: it names a scheme (`https:`, `mailto:`) or a host (`//host/`)."""
    if ":" not in url:  # no scheme without one: most paths, checked for every item, need no parse
        return url.startswith("//")
    return bool(urlsplit(url).scheme) or url.startswith("//")


def is_web_address(text: str) -> bool:
    """Whether a value written in settings or front matter is an http(s) address rather than a project path."""
    return text.startswith(("http://", "https://"))


def utm_tagger(params: Mapping[str, str], exclude: tuple[str, ...] = ()) -> Callable[[str], str]:
    """A function adding UTM parameters to http(s) URLs, leaving merge tags, mailto and excluded prefixes."""

    tagged: dict[str, str] = {}  # an issue links most URLs twice in its HTML and again in its text
    only_params = query_string(list(params.items()))

    def tag(url: str) -> str:
        if url in tagged:
            return tagged[url]
        parts = urlsplit(url)
        if not params or parts.scheme not in ("http", "https") or url.startswith(exclude) or is_merge_tag(url):
            result = url
        elif not parts.query:
            result = urlunsplit(parts._replace(query=only_params))
        else:
            query = parse_qsl(parts.query, keep_blank_values=True)
            present = {key for key, _value in query}
            query += [(key, value) for key, value in params.items() if key not in present]
            result = urlunsplit(parts._replace(query=query_string(query)))
        tagged[url] = result
        return result

    return tag


# The characters `urlencode` writes as they are (urllib's "always safe" ones).
_UNQUOTED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def query_string(pairs: list[tuple[str, str]]) -> str:
    """`urlencode(pairs)`: when no key or value needs quoting (slugs, names, UTM values), the pairs joined."""
    if all(not key.rstrip(_UNQUOTED) and not value.rstrip(_UNQUOTED) for key, value in pairs):
        return "&".join(f"{key}={value}" for key, value in pairs)
    return urlencode(pairs)


def utm_params(utm: Mapping[str, str], campaign: str) -> dict[str, str]:
    """`utm_source`, `utm_medium`, `utm_campaign` (the issue slug unless set), then any others."""
    values = {"campaign": campaign, **utm}
    order = ["source", "medium", "campaign", *sorted(key for key in values if key not in ("source", "medium", "campaign"))]
    return {f"utm_{key}": values[key] for key in order if values.get(key)}


def is_merge_tag(url: str) -> bool:
    """Whether `url` holds an email service's merge tag, which it replaces when it sends."""
    return any(mark in url for mark in ("*|", "{{", "{%", "[", "%%"))


def strip_tracking(url: str) -> str:
    """Drop utm_* query parameters, which the email channel adds to content URLs."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if not key.lower().startswith("utm_")]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=query_string(kept)))


def site_join(site_url: str, path: str) -> str:
    """`urljoin(site_url, path)` for a percent-encoded path inside the site (`url_path`'s), quick when
    neither has an empty, `.` or `..` segment to resolve: then it is the two written one after the other."""
    if _plain_segments(path) and _plain_segments(urlsplit(site_url).path[1:]):
        return site_url + path
    return urljoin(site_url, path)


def _plain_segments(path: str) -> bool:
    """Whether a relative path has no segment urljoin would resolve or drop: `.`, `..`, or an empty one
    before its last (a path ending in a slash is plain; a leading slash is an empty first segment)."""
    segments = path.split("/")
    return "" not in segments[:-1] and "." not in segments and ".." not in segments


def url_path(path: str) -> str:
    """A path inside output/ (or content/) as a URL path: everything but its slashes percent-encoded, once."""
    return quote(path, safe="/")
