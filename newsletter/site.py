"""The one read-only view every channel renders from: settings, catalog, editions and URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin

from newsletter.assemble import Edition, local_day
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.diagnostics import Diagnostic
from newsletter.memo import RenderMemo
from newsletter.settings import Settings
from newsletter.slugs import slugify


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
    # Rendered parts remembered from earlier builds; None renders everything afresh.
    memo: RenderMemo | None = field(default=None, compare=False, repr=False)

    @cached_property
    def published(self) -> tuple[NewsItem, ...]:
        """Items readers may see, newest first: not drafts (unless --drafts), not dated after as_of."""
        tz = self.settings.project.tz
        return tuple(
            item for item in self.catalog.items
            if (self.drafts or not item.draft) and local_day(item, tz) <= self.as_of
        )

    @cached_property
    def released(self) -> tuple[Edition, ...]:
        """Editions dated up to the reference day, oldest first: the ones the archive lists.

        Later ones are being prepared: built so they can be previewed and sent, never linked to.
        """
        return tuple(edition for edition in self.editions if self.is_released(edition))

    def is_released(self, issue: Issue | Edition) -> bool:
        issue = issue.issue if isinstance(issue, Edition) else issue
        return issue.date <= self.as_of

    @cached_property
    def _with_page(self) -> frozenset[str]:
        return frozenset(item.slug for item in self.published)

    def has_page(self, item: NewsItem) -> bool:
        """Whether this build writes the item's own page (it is published)."""
        return item.slug in self._with_page

    @cached_property
    def tags(self) -> dict[str, tuple[NewsItem, ...]]:
        """Published items by tag slug, tag slugs sorted."""
        by_tag: dict[str, list[NewsItem]] = {}
        for item in self.published:
            for tag in item.tags:
                by_tag.setdefault(slugify(tag), []).append(item)
        return {slug: tuple(by_tag[slug]) for slug in sorted(by_tag) if slug}

    def tag_name(self, slug: str) -> str:
        """The tag as first written by the newest item that uses it."""
        return next(tag for item in self.tags[slug] for tag in item.tags if slugify(tag) == slug)

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
        """Absolute URL of a path inside output/."""
        try:
            return self._urls[path]
        except KeyError:
            url = self._urls[path] = urljoin(self.settings.project.site_url, path)
            return url

    @cached_property
    def _urls(self) -> dict[str, str]:
        # Every page asks for the same feed and page addresses; urljoin is slow enough to matter.
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
        """Absolute URL of a content image (`images/x.png`) or an absolute URL as given."""
        return path if path.startswith(("http://", "https://")) else self.url(path)

    @cached_property
    def content_url(self) -> str:
        """Base for content-relative URLs in Markdown bodies: files from content/ land at output/."""
        return self.url("")

