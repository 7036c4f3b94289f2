"""The dead-link rule: internal links (relative, or under site_url) must lead to a file the build writes."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from newsletter.checks.links import (
    BuiltFile,
    extract_urls,
    html_urls,
    locate_url,
    read_sources,
)
from newsletter.content.frontmatter import read_document, text_line
from newsletter.content.models import Issue, NewsItem
from newsletter.diagnostics import Diagnostic, error
from newsletter.errors import ContentError, SourceLocation
from newsletter.urls import is_merge_tag
from newsletter.manifest import MANIFEST

if TYPE_CHECKING:
    from newsletter.site import Site


# Internal links: every one must lead to a file of this build.

def check_internal_links(site: Site, outputs: Sequence[BuiltFile]) -> list[Diagnostic]:
    """`dead-link` errors: content links the build cannot follow, then output links to files it did not write."""
    findings = list(_content_problems(site))
    sources = None
    for output, url in dead_links(outputs, site.settings.project.site_url):
        if sources is None:
            sources = read_sources(site.root)
        text = output.data.decode("utf-8", "replace")
        forms = [url, url.replace("&", "&amp;")]
        where = locate_url(sources, forms) or SourceLocation(Path("output", output.path), text_line(text, forms, whole_url=True))
        findings.append(error("dead-link", where, f"{url} leads to no file of the build (in output/{output.path})",
                              "link to a page or file that exists; a template override may name an old path"))
    return findings


def _content_problems(site: Site) -> Iterator[Diagnostic]:
    """Links in the Markdown of every item page and issue that lead nowhere the build writes."""
    records: tuple[NewsItem | Issue, ...] = (*site.published, *(edition.issue for edition in site.editions))
    for record in records:
        reported: set[str] = set()
        for url in html_urls(record.body_html):
            link = site.content_link(url, record.source)
            if link.problem is None or url in reported:
                continue
            reported.add(url)
            yield error("dead-link", SourceLocation(record.source, _body_line(site, record, url)), link.problem, link.hint)


def _body_line(site: Site, record: NewsItem | Issue, text: str) -> int | None:
    """The line of the file where the Markdown body first writes `text` (else where the body starts)."""
    if isinstance(record, NewsItem):
        start = record.body_line
    else:
        try:  # issues do not keep where their body starts: only needed here, on the way to an error
            start = read_document(site.root / record.source, record.source).body_line
        except (OSError, ContentError):
            return None
    # The whole URL as Markdown or HTML writes it: `(url)`, `<url>`, `[ref]: url`, `href="url"`.
    line = text_line(record.body_markdown, [text], whole_url=True)
    return start + line - 1 if line else start


def dead_links(outputs: Iterable[BuiltFile], site_url: str) -> list[tuple[BuiltFile, str]]:
    """Each (output, URL) where a page, feed or email links inside `site_url` to a file not among `outputs`."""
    outputs = sorted(outputs, key=lambda output: output.path)
    written = {output.path.as_posix() for output in outputs} | {MANIFEST}  # the manifest is written last
    resolved: dict[tuple[str, str], str | None] = {}  # most links recur on every page of a folder or site
    dead = []
    for output in outputs:
        if output.path.suffix.lower() not in (".html", ".htm", ".xml", ".json"):
            continue
        page = output.path.as_posix()
        folder = posixpath.dirname(page)
        for raw in dict.fromkeys(extract_urls(output.path, output.data)):
            url = raw.strip()
            key = (folder if not urlsplit(url).scheme else "", url)
            if key not in resolved:
                resolved[key] = internal_path(url, page, site_url)
            target = resolved[key]
            if target is not None and target not in written and f"{target}index.html" not in written:
                dead.append((output, raw))
    return dead


def internal_path(url: str, page: str, site_url: str) -> str | None:
    """The file inside output/ that `url`, shown on `page` (a path inside output/), names; None if external.

    A folder ends in "/". A relative URL that climbs out of `site_url` gives "../", which no build writes.
    """
    if not url or is_merge_tag(url):  # the email service puts a URL there when it sends
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        absolute = urljoin(site_url, url) if not parts.scheme else url  # "//host/path"
        return unquote(urlsplit(absolute[len(site_url):]).path) if absolute.startswith(site_url) else None
    if not parts.path:
        return page  # "#part" or "?query" of the page itself
    if parts.path.startswith("/"):  # from the host's root
        base = urlsplit(site_url).path
        return unquote(parts.path[len(base):]) if parts.path.startswith(base) else "../"
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if joined == ".." or joined.startswith("../"):
        return "../"
    joined = "" if joined == "." else joined
    return joined + "/" if parts.path.endswith("/") and joined else joined
