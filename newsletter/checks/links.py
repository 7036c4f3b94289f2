"""Find the links and images in built outputs, and where the content writes each one.

External links are what `check --online` requests; internal ones (relative, or under site_url)
must lead to a file the build writes, which `check` verifies offline (`dead-link`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit
from xml.etree import ElementTree


from newsletter.urls import strip_tracking
from newsletter.content.frontmatter import text_line
from newsletter.errors import SourceLocation
from newsletter.htmltree import elements


URL_ATTRIBUTES = frozenset({"href", "src", "poster", "background"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
IMAGE_META = frozenset({"og:image", "og:image:url", "og:image:secure_url", "twitter:image"})
HINT_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})
FEED_URL_TAGS = frozenset({"link", "url", "comments", "icon", "logo"})
FEED_HTML_TAGS = frozenset({"description", "encoded", "content", "summary"})
JSON_FEED_URL_KEYS = frozenset(
    {"url", "external_url", "image", "banner_image", "icon", "favicon", "home_page_url", "feed_url", "avatar"}
)


class BuiltFile(Protocol):
    """A rendered output: its path relative to output/ and its bytes."""

    @property
    def path(self) -> PurePosixPath: ...

    @property
    def data(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Link:
    """An external URL to check and the place to fix it."""

    url: str
    where: SourceLocation


def find_links(
    outputs: Iterable[BuiltFile],
    project_dir: Path,
    *,
    output_dir: str = "output",
    skip_prefixes: Sequence[str] = (),
) -> list[Link]:
    """Return each external http(s) URL once, placed where the content writes it.

    `skip_prefixes` leaves out the project's own pages (its site_url), which may not
    be published yet. Tracking parameters (utm_*) and fragments are dropped: they do
    not change what the server answers.
    """
    written: dict[str, list[str]] = {}
    fallback: dict[str, SourceLocation] = {}
    for output in sorted(outputs, key=lambda output: output.path):
        text = output.data.decode("utf-8", "replace")
        for raw in extract_urls(output.path, output.data):
            url = check_url(raw)
            if url is None or url.startswith(tuple(skip_prefixes)):
                continue
            written.setdefault(url, []).append(strip_tracking(raw))
            if url not in fallback:
                line = text_line(text, [raw, raw.replace("&", "&amp;")], whole_url=True)
                fallback[url] = SourceLocation(Path(output_dir, output.path), line)
    sources = read_sources(project_dir)
    links = []
    for url, forms in written.items():
        # Content writes an address as it likes; the outputs percent-encode it.
        written_forms = [*forms, url, *_doi(url)]
        where = locate_url(sources, list(dict.fromkeys([*written_forms, *map(unquote, written_forms)]))) or fallback[url]
        links.append(Link(url, where))
    return links


def _doi(url: str) -> list[str]:
    """Return the DOI of a doi.org URL: front matter gives `doi: 10.1234/x`, the page links to it."""
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/"):
        if url.lower().startswith(prefix):
            return [url[len(prefix) :]]
    return []


def check_url(raw: str) -> str | None:
    """Return the URL to request for `raw`, or None when it is not an external http(s) URL."""
    parts = urlsplit(strip_tracking(raw.strip()))
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(parts._replace(fragment=""))


def extract_urls(path: PurePosixPath, data: bytes) -> Iterator[str]:
    """Each URL a page, a feed or a JSON Feed links to or shows, in document order."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        yield from html_urls(data.decode("utf-8", "replace"))
    elif suffix == ".xml":
        yield from _feed_urls(ElementTree.fromstring(data))
    elif suffix == ".json":
        document = json.loads(data)
        # Only JSON Feeds: drafts.json and manifest.json hold no links a reader follows.
        if isinstance(document, dict) and str(document.get("version", "")).startswith("https://jsonfeed.org/"):
            yield from _json_feed_urls(document)


def html_urls(html: str) -> list[str]:
    """The URLs of the attributes that point at a page or an image, and of image meta tags."""
    urls = []
    for tag, attributes in elements(html):
        if tag == "link" and HINT_ONLY_RELS & set(attributes.get("rel", "").lower().split()):
            continue
        if tag == "meta" and (attributes.get("property") or attributes.get("name") or "").lower() in IMAGE_META:
            urls.append(attributes.get("content", ""))
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES:
                urls.append(value)
            elif name in SRCSET_ATTRIBUTES:
                urls.extend(candidate.split()[0] for candidate in value.split(",") if candidate.strip())
    return urls


def _feed_urls(root: ElementTree.Element) -> Iterator[str]:
    """Walk RSS or Atom: link-like attributes and elements, and HTML held in descriptions."""
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1]
        for attribute in ("href", "url", "src"):
            if attribute in element.attrib:
                yield element.attrib[attribute]
        text = (element.text or "").strip()
        if name in FEED_URL_TAGS and text:
            yield text
        elif name in FEED_HTML_TAGS and "<" in text:
            yield from html_urls(text)


def _json_feed_urls(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content_html" and isinstance(value, str):
                yield from html_urls(value)
            elif key in JSON_FEED_URL_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _json_feed_urls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_feed_urls(value)


def read_sources(project_dir: Path) -> list[tuple[Path, str]]:
    """Read the files a URL is written in: news items and issues, then newsletter.toml."""
    content = sorted((project_dir / "content").rglob("*.md"))
    files = [*content, project_dir / "newsletter.toml"]
    return [(path.relative_to(project_dir), path.read_text("utf-8", "replace")) for path in files if path.is_file()]


def locate_url(sources: list[tuple[Path, str]], forms: list[str]) -> SourceLocation | None:
    """Return the first place, in file order, where the text writes any of `forms`."""
    for path, text in sources:
        line = text_line(text, forms, whole_url=True)
        if line is not None:
            return SourceLocation(path, line)
    return None
