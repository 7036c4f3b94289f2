"""The one read-only view every channel renders from: settings, catalog, editions and URLs."""

from __future__ import annotations

from collections.abc import Sequence
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

    def asset_url(self, path: str) -> str:
        """Absolute URL of a content image (`images/x.png`) or an absolute URL as given."""
        return path if path.startswith(("http://", "https://")) else self.url(path)

    @cached_property
    def content_url(self) -> str:
        """Base for content-relative URLs in Markdown bodies: files from content/ land at output/."""
        return self.url("")


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
