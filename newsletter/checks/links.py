"""Find the links and images in built outputs, and where the content writes each one.

External links are what `check --online` requests; internal ones (relative, or under site_url)
must lead to a file the build writes, which `check` verifies offline (`dead-link`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit
from xml.etree import ElementTree


from newsletter.urls import strip_tracking
from newsletter.errors import SourceLocation

if TYPE_CHECKING:
    pass


URL_ATTRIBUTES = frozenset({"href", "src", "poster", "background"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
IMAGE_META = frozenset({"og:image", "og:image:url", "og:image:secure_url", "twitter:image"})
HINT_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})
FEED_URL_TAGS = frozenset({"link", "url", "comments", "icon", "logo"})
FEED_HTML_TAGS = frozenset({"description", "encoded", "content", "summary"})
JSON_FEED_URL_KEYS = frozenset(
    {"url", "external_url", "image", "banner_image", "icon", "favicon", "home_page_url", "feed_url", "avatar"}
)
# A URL written in Markdown, YAML or TOML ends at one of these, or at a punctuation
# mark that ends the sentence ("see https://example.eu/a.").
URL_END = re.compile(r"""$|[\s)\]>"'<`#]|[.,;:!?](?:$|[\s)\]>"'<`])""")


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
                line = line_of_url(text, [raw, raw.replace("&", "&amp;")])
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


HtmlUrls = Callable[[str], Iterable[str]]


def extract_urls(path: PurePosixPath, data: bytes, html_urls: HtmlUrls | None = None) -> Iterator[str]:
    html_urls = html_urls or _html_urls
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        yield from html_urls(data.decode("utf-8", "replace"))
    elif suffix == ".xml":
        yield from _feed_urls(ElementTree.fromstring(data), html_urls)
    elif suffix == ".json":
        document = json.loads(data)
        # Only JSON Feeds: drafts.json and manifest.json hold no links a reader follows.
        if isinstance(document, dict) and str(document.get("version", "")).startswith("https://jsonfeed.org/"):
            yield from _json_feed_urls(document, html_urls)


class _LinkParser(HTMLParser):
    """Collect URLs from the attributes that point at a page or an image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and HINT_ONLY_RELS & set(values.get("rel", "").lower().split()):
            return
        if tag == "meta" and (values.get("property") or values.get("name", "")).lower() in IMAGE_META:
            self.urls.append(values.get("content", ""))
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name in SRCSET_ATTRIBUTES:
                self.urls.extend(candidate.split()[0] for candidate in value.split(",") if candidate.strip())


def _html_urls(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.urls


def _feed_urls(root: ElementTree.Element, html_urls: HtmlUrls) -> Iterator[str]:
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


def _json_feed_urls(node: Any, html_urls: HtmlUrls) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content_html" and isinstance(value, str):
                yield from html_urls(value)
            elif key in JSON_FEED_URL_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _json_feed_urls(value, html_urls)
    elif isinstance(node, list):
        for value in node:
            yield from _json_feed_urls(value, html_urls)


def read_sources(project_dir: Path) -> list[tuple[Path, str]]:
    """Read the files a URL is written in: news items and issues, then newsletter.toml."""
    content = sorted((project_dir / "content").rglob("*.md"))
    files = [*content, project_dir / "newsletter.toml"]
    return [(path.relative_to(project_dir), path.read_text("utf-8", "replace")) for path in files if path.is_file()]


def locate_url(sources: list[tuple[Path, str]], forms: list[str]) -> SourceLocation | None:
    """Return the first place, in file order, where the text writes any of `forms`."""
    for path, text in sources:
        line = line_of_url(text, forms)
        if line is not None:
            return SourceLocation(path, line)
    return None


def line_of_url(text: str, forms: list[str]) -> int | None:
    """Return the 1-based line of the earliest whole-URL occurrence of any form."""
    best: int | None = None
    for form in forms:
        start = text.find(form)
        while start != -1 and (best is None or start < best):
            if URL_END.match(text, start + len(form)):
                best = start
                break
            start = text.find(form, start + 1)
    return None if best is None else text.count("\n", 0, best) + 1
