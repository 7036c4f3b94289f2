"""Every URL a build's outputs hold, found with real parsers (lxml, feedparser, the email package, csv, json)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from email import message_from_bytes, policy
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.html

# Addresses an email service fills in when it sends: not URLs until then.
MERGE_TAGS = re.compile(r"^(\*\|[A-Z_:]+\|\*|\{\{ ?\w+ ?\}\})$")
# RFC 3986: what a URL may hold once every other character is percent-encoded.
_URL_CHARACTERS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def built_files(outputs: object) -> dict[str, bytes]:
    """The outputs of a build (Output objects) as path -> bytes."""
    return {output.path.as_posix(): output.data for output in outputs}  # type: ignore[attr-defined]


def html_urls(document: str | bytes) -> Iterator[str]:
    """Every href, src, srcset candidate and social-card image of an HTML document or fragment."""
    if not (document.strip() if isinstance(document, str) else document.strip()):
        return
    root = lxml.html.fromstring(document)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        for name in ("href", "src"):
            if element.get(name) is not None:
                yield element.get(name)
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                yield candidate.split()[0]
        if element.tag == "meta" and (element.get("property") or element.get("name") or "").endswith(":image"):
            yield element.get("content") or ""


def _feed_urls(data: bytes) -> Iterator[str]:
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = parsed.feed
    yield from (link["href"] for link in feed.get("links", []))
    if feed.get("image", {}).get("href"):
        yield feed.image.href
    for entry in parsed.entries:
        yield from (link["href"] for link in entry.get("links", []))
        yield from (media["url"] for media in entry.get("media_content", []))
        for content in (*entry.get("content", []), entry.get("summary_detail", {})):
            if content.get("type") == "text/html":
                yield from html_urls(content["value"])


def _json_feed_urls(data: bytes) -> Iterator[str]:
    feed = json.loads(data)
    for key in ("home_page_url", "feed_url", "icon", "favicon"):
        if key in feed:
            yield feed[key]
    yield from (author["url"] for author in feed.get("authors", []) if "url" in author)
    for item in feed["items"]:
        yield from (item[key] for key in ("url", "external_url", "image") if key in item)
        yield from html_urls(item.get("content_html", ""))


def _eml_urls(data: bytes) -> Iterator[str]:
    message = message_from_bytes(data, policy=policy.default)
    body = message.get_body(("html",))
    assert body is not None
    yield from (url for url in html_urls(body.get_content()) if not url.startswith("cid:"))


def missing_parts(data: bytes) -> list[str]:
    """Each `cid:` URL of an .eml's HTML that names none of its parts."""
    message = message_from_bytes(data, policy=policy.default)
    parts = {str(part.get("Content-ID", "")).strip("<>") for part in message.walk()}
    body = message.get_body(("html",))
    assert body is not None
    return [url for url in html_urls(body.get_content()) if url.startswith("cid:") and unquote(url[4:]) not in parts]


def _draft_urls(data: bytes, csv_file: bool) -> Iterator[str]:
    """The link and image of each social media draft (drafts.json, drafts.csv)."""
    drafts = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")) if csv_file else json.loads(data)
    for draft in drafts:
        yield from (draft[key] for key in ("url", "image", "Link", "Image URL") if draft.get(key))


def output_urls(files: Mapping[str, bytes], site_url: str) -> Iterator[tuple[str, str, str]]:
    """(file, URL as written, absolute URL) for every URL of the web pages, feeds, JSON feed, emails and drafts."""
    for path in sorted(files):
        data, suffix = files[path], PurePosixPath(path).suffix
        if suffix == ".html":
            urls: Iterator[str] = html_urls(data)
        elif suffix == ".xml":
            urls = _feed_urls(data)
        elif path.endswith("feed.json"):
            urls = _json_feed_urls(data)
        elif suffix == ".eml":
            urls = _eml_urls(data)
        elif PurePosixPath(path).stem == "drafts" and suffix in (".json", ".csv"):
            urls = _draft_urls(data, csv_file=suffix == ".csv")
        else:
            continue
        base = urljoin(site_url, path)
        for url in urls:
            if not MERGE_TAGS.match(url):
                yield path, url, urljoin(base, url)


def is_valid_url(url: str) -> bool:
    """Whether `url` parses as an RFC 3986 URI: an ASCII string, every other character percent-encoded."""
    parts = urlsplit(url)
    return bool(parts.scheme) and _URL_CHARACTERS.match(url) is not None


def link_faults(files: Mapping[str, bytes], site_url: str) -> list[tuple[str, str]]:
    """(file, URL) for each URL under `site_url` that names no file among `files` (a folder: its index.html),
    each relative URL that climbs out of `site_url`, and each `cid:` of an email that names none of its parts."""
    faults = [(path, url) for path in sorted(files) if path.endswith(".eml") for url in missing_parts(files[path])]
    for path, written, url in output_urls(files, site_url):
        if not url.startswith(site_url):
            if not urlsplit(written).scheme and not written.startswith("//"):
                faults.append((path, written))  # relative, yet outside the site
            continue
        target = unquote(urlsplit(url[len(site_url):]).path)
        if target not in files and f"{target}index.html" not in files and target != "manifest.json":
            faults.append((path, url))
    return faults
