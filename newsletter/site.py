"""The one read-only view every channel renders from: settings, catalog, editions and URLs."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeVar
from pathlib import Path
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from newsletter.urls import is_absolute, is_web_address, site_join, url_path
from newsletter.assemble import Edition, local_day
from newsletter.cache.kept import Kept
from newsletter.content.models import Catalog, Issue, NewsItem, without_text
from newsletter.content.translations import original_path
from newsletter.diagnostics import Diagnostic
from newsletter.settings.load import Settings
from newsletter.urls import encoded_url
from newsletter.slugs import slugify

T = TypeVar("T")
# Subscribers hold these addresses: they never move (see the SPEC's output layout).
RSS_PATH = "feed.xml"
ATOM_PATH = "atom.xml"
JSON_PATH = "feed.json"
ISSUE_FILES = ("index.html", "email.html", "email.txt", "email.eml", "social.md")
IMAGES = "images/"  # content/images/ is published whole, at output/images/


@dataclass(frozen=True, slots=True)
class ContentLink:
    """Where a URL written in a content file leads.

    With a `path` (inside output/, not encoded; a folder's page ends in "/"), it is a file or page
    of this build, followed by `suffix` (query and fragment as written). Without one, `url` is kept
    as written: another site, mailto:, a fragment of the page itself. `problem` says why the build
    writes nothing there; such a link is left out of every output.
    """

    url: str
    path: str | None = None
    suffix: str = ""
    problem: str | None = None
    hint: str = ""  # how to fix the problem
    file: bool = False  # `path` is a file of content/, published at the same path under output/


@dataclass(frozen=True)
class Site:
    """Everything a renderer may read. Paths are relative to output/, URLs absolute."""

    root: Path
    settings: Settings
    catalog: Catalog
    editions: tuple[Edition, ...]
    as_of: date
    drafts: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()
    # In a further language (see language_sites.py): items its issues show untranslated, in their own
    # language; they have no page and no feed entry here. And each page's versions in every language.
    foreign: frozenset[str] = frozenset()
    alternates: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False, repr=False)
    # What a long-running process keeps for its next build (cache/kept.py), if this site is built by one.
    kept: Kept | None = field(default=None, compare=False, repr=False)

    def made_of(self, name: Hashable, holds: tuple[object, ...], make: Callable[[], T]) -> T:
        """What `make` returns, made of the objects `holds` alone (and of nothing else that changes between builds):
        made once per build, and taken again by the next build of a long-running process (`kept`) while `holds`
        are the same objects. The entry holds them, so their ids name no other object while it is kept."""
        store = self.kept if self.kept is not None else self._made
        entry: tuple[tuple[object, ...], T] = store.get((name, *map(id, holds)), lambda: (holds, make()))
        return entry[1]

    @cached_property
    def _made(self) -> Kept:
        return Kept()  # one build's

    def without_text(self, item: NewsItem) -> NewsItem:
        """The item without its text (`content.models.without_text`), made once per item (and kept while the
        item is): the keys of the parts that never show an item's text (its email card, the issue and tag pages,
        its posts) share it, and so its digest."""
        return self.made_of("without text", (item,), lambda: without_text(item))

    @cached_property
    def published(self) -> tuple[NewsItem, ...]:
        """Items readers may see, newest first: not drafts (unless --drafts), not dated after as_of."""
        tz = self.settings.project.tz
        return tuple(
            item for item in self.catalog.items
            if (self.drafts or not item.draft) and local_day(item, tz) <= self.as_of and item.slug not in self.foreign
        )

    @cached_property
    def published_slugs(self) -> frozenset[str]:
        """The slugs of the `published` items."""
        return frozenset(item.slug for item in self.published)

    @cached_property
    def released(self) -> tuple[Edition, ...]:
        """Editions dated up to the reference day, oldest first: the ones the archive lists.

        Later ones are being prepared: built so they can be previewed and sent, never linked to.
        """
        return tuple(edition for edition in self.editions if self.is_released(edition))

    def edition(self, slug: str) -> Edition | None:
        """The edition with this slug, if the site has one."""
        return next((edition for edition in self.editions if edition.slug == slug), None)

    def is_released(self, issue: Issue | Edition) -> bool:
        issue = issue.issue if isinstance(issue, Edition) else issue
        return issue.date <= self.as_of

    def has_page(self, item: NewsItem) -> bool:
        """Whether this build writes the item's own page (it is published)."""
        return item.slug in self.published_slugs

    @cached_property
    def tags(self) -> dict[str, tuple[NewsItem, ...]]:
        """Published items by tag slug, tag slugs sorted."""
        by_tag: dict[str, list[NewsItem]] = {}
        for item in self.published:
            for tag in item.tags:
                by_tag.setdefault(slugify(tag), []).append(item)
        return {slug: tuple(by_tag[slug]) for slug in sorted(by_tag) if slug}

    def tag_name(self, slug: str) -> str:
        """The tag as most published items that use it write it; on a tie, as the newest of them does."""
        return self._tag_names[slug]

    @cached_property
    def _tag_names(self) -> dict[str, str]:
        return {slug: preferred_spelling(spellings) for slug, spellings in tag_uses(self.published).items()}

    # Paths inside output/ and their public URLs. Feed and page URLs never move once published.

    @staticmethod
    def item_path(item: NewsItem) -> str:
        return f"news/{item.slug}/"

    @staticmethod
    def issue_path(issue: Issue | Edition) -> str:
        return f"issues/{issue.slug}/"

    @staticmethod
    def tag_path(tag_slug: str) -> str:
        return f"tags/{tag_slug}/"

    def url(self, path: str = "") -> str:
        """Absolute URL of a path inside output/ (a file path, percent-encoded here)."""
        try:
            return self._urls[path]
        except KeyError:
            url = self._urls[path] = site_join(self.settings.project.site_url, url_path(path))
            return url

    @cached_property
    def _urls(self) -> dict[str, str]:
        # Every page asks for the same feed and page addresses.
        return {}

    def item_url(self, item: NewsItem) -> str:
        """Where readers go for an item: its canonical `url`, else its own page."""
        return item.url or self.url(self.item_path(item))

    def reader_url(self, item: NewsItem) -> str | None:
        """Where readers can go for an item now: its canonical `url`, its page once published, else nowhere."""
        return item.url or (self.url(self.item_path(item)) if self.has_page(item) else None)

    @staticmethod
    def item_anchor(item: NewsItem) -> str:
        """The id of the item's card on its issue's web page."""
        return f"item-{item.slug}"

    def asset_url(self, path: str) -> str:
        """Absolute URL of a content file (`images/x.png`) or an absolute URL as given."""
        return path if is_web_address(path) else self.url(path)

    @cached_property
    def pages(self) -> frozenset[str]:
        """Paths of the pages and feeds this build writes, a folder's page also as `folder/`."""
        folders = [
            *(self.item_path(item) for item in self.published),
            *(self.issue_path(edition) for edition in self.released),
            *(self.tag_path(tag) for tag in self.tags),
        ]
        paths = {"", "index.html", RSS_PATH, ATOM_PATH, JSON_PATH, *folders}
        paths.update(folder + "index.html" for folder in folders)
        paths.update(self.tag_path(tag) + "feed.xml" for tag in self.tags)
        paths.update(self.issue_path(edition) + name for edition in self.released for name in ISSUE_FILES)
        return frozenset(paths)

    # Links written in content: relative to the file that writes them, as on disk.

    def content_link(self, href: str, source: Path) -> ContentLink:
        """Resolve a URL that the content file `source` (relative to the project) writes."""
        key = (href, source)
        if key not in self._links:
            self._links[key] = self._resolve(href.strip(), source.as_posix())
        return self._links[key]

    @cached_property
    def _links(self) -> dict[tuple[str, Path], ContentLink]:
        return {}

    @cached_property
    def _documents(self) -> dict[str, NewsItem | Issue]:
        records: tuple[NewsItem | Issue, ...] = (*self.catalog.items, *self.catalog.issues)
        found = {record.source.as_posix(): record for record in records}
        # A translation is also found at its original's file name, which links in every language write.
        found.update({original_path(record.source).as_posix(): record for record in records if record.language})
        return found

    def _resolve(self, href: str, source: str) -> ContentLink:
        parts = urlsplit(href)
        site_url = self.settings.project.site_url
        if parts.scheme or parts.netloc:
            if not href.startswith(site_url):
                return ContentLink(encoded_url(href))  # another site, mailto:, tel:
            inside = urlsplit(href[len(site_url):])
            return self._target(href, [unquote(inside.path)], _suffix(inside))
        if not parts.path:
            return ContentLink(encoded_url(href))  # "#part" or "?query" of the page itself
        written = unquote(parts.path)
        # A link names a file beside the one that writes it (`../images/a.png` from content/issues/);
        # older projects wrote paths from content/, which still work when no such file is there.
        folders = ["content"] if written.startswith("/") else [posixpath.dirname(source), "content"]
        candidates = []
        for folder in folders:
            path = posixpath.normpath(posixpath.join(folder, written.lstrip("/")))
            if path.startswith("content/"):
                candidates.append(path.removeprefix("content/") + ("/" if written.endswith("/") else ""))
        if not candidates:
            return ContentLink(href, problem=f"'{href}' leads outside content/, the folder published at site_url",
                               hint="link to a file inside content/, relative to this file, or to a web address")
        return self._target(href, candidates, _suffix(parts))

    def _target(self, href: str, candidates: list[str], suffix: str) -> ContentLink:
        """The first candidate path (relative to content/) that names something this build writes."""
        for path in candidates:
            record = self._documents.get(f"content/{path}")
            if isinstance(record, NewsItem):
                if record.slug in self.foreign and record.url:
                    return ContentLink(record.url)  # untranslated: its page in its own language
                if not self.has_page(record):
                    day = local_day(record, self.settings.project.tz)
                    why = "is a draft" if record.draft and not self.drafts else f"is dated {day}, after {self.as_of}"
                    return ContentLink(href, problem=f"item '{record.slug}' has no page yet: it {why}",
                                       hint="publish that item first, or link to it once it is published")
                return ContentLink(href, self.item_path(record), suffix)
            if isinstance(record, Issue):
                if not self.is_released(record):
                    return ContentLink(href, problem=f"issue '{record.slug}' is dated {record.date}, after {self.as_of}",
                                       hint="link to it once it is sent")
                return ContentLink(href, self.issue_path(record), suffix)
            if path in self.pages:
                return ContentLink(href, path, suffix)
            if self.publishable(path):
                return ContentLink(href, path, suffix, file=True)
        if candidates[0].endswith(".md"):
            return ContentLink(href, problem=f"'{href}' is not the file of a news item or an issue",
                               hint="write the item's file name as in content/news/, e.g. 2024-01-16-kick-off.md")
        return ContentLink(href, problem=f"'{href}' names no file in content/",
                           hint="correct the path: it is relative to the file that writes it")

    def publishable(self, path: str) -> bool:
        """Whether `path` (relative to content/) is a file the build may publish: inside content/, not hidden."""
        if path.endswith(".md") or any(part.startswith(".") for part in path.split("/")):
            return False
        content = (self.root / "content").resolve()
        file = (content / path).resolve()
        return file.is_file() and file.is_relative_to(content)

    def web_link(self, href: str, source: Path, root: str) -> str | None:
        """`href` as written in `source`, for a web page `root` (e.g. `../../`) below output/; None: no link."""
        link = self.content_link(href, source)
        if link.problem is not None:
            return None
        if link.path is None:
            return link.url
        page = link.path + "index.html" if not link.path or link.path.endswith("/") else link.path
        return root + url_path(page) + link.suffix

    def absolute_link(self, href: str, source: Path, page_url: str) -> str | None:
        """`href` as written in `source`, made absolute for email and feeds (`page_url`: where it is shown)."""
        link = self.content_link(href, source)
        if link.problem is not None:
            return None
        if link.path is None:
            return link.url if is_absolute(link.url) else urljoin(page_url, link.url)
        return self.url(link.path) + link.suffix


def _suffix(parts: SplitResult) -> str:
    """The query and fragment of a split URL, as written but percent-encoded."""
    return encoded_url((f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else ""))


def tag_uses(items: Sequence[NewsItem]) -> dict[str, dict[str, list[NewsItem]]]:
    """Each tag slug's spellings, each with the items that write it so, in the order of `items`."""
    uses: dict[str, dict[str, list[NewsItem]]] = {}
    for item in items:
        for tag in dict.fromkeys(item.tags):
            if slug := slugify(tag):
                uses.setdefault(slug, {}).setdefault(tag, []).append(item)
    return uses


def preferred_spelling(spellings: dict[str, list[NewsItem]]) -> str:
    """The spelling most items write; on a tie, the first one met (items come newest first)."""
    return max(spellings, key=lambda tag: len(spellings[tag]))
