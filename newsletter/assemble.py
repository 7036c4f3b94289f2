"""Turn the catalog into editions: each issue with its resolved, grouped items."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from newsletter.content.frontmatter import locate
from newsletter.content.models import Catalog, Issue, ItemType, NewsItem
from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import SourceLocation

CROWDED_ISSUE = 15  # items in one issue's date window beyond which an email grows long (Gmail clips at 102 KB)


@dataclass(frozen=True, slots=True)
class Edition:
    """An issue with its items in order, grouped by type, and its neighbours in time."""

    issue: Issue
    items: tuple[NewsItem, ...]
    previous: Issue | None = None
    next: Issue | None = None

    @property
    def slug(self) -> str:
        return self.issue.slug

    @property
    def groups(self) -> tuple[tuple[ItemType, tuple[NewsItem, ...]], ...]:
        """The items by type, in ItemType order, keeping the edition's order within a type."""
        return tuple(
            (kind, members)
            for kind in ItemType
            if (members := tuple(item for item in self.items if item.type is kind))
        )


def _crowded(issue: Issue, previous: Issue | None, count: int, where: SourceLocation) -> Diagnostic:
    """An issue whose date window takes more items than one email holds well (after importing the past)."""
    bounds = [f"after {previous.date.isoformat()}"] if previous else []
    bounds += [f"from {issue.since.isoformat()}"] if issue.since else []
    window = f"dated {' and '.join(bounds)}" if bounds else "up to its date, as the first issue's window has no start"
    return warning(
        "crowded-issue", where, f"the issue takes {count} items: every item {window}",
        "list the ones to send under 'items:', start the window later with 'since: YYYY-MM-DD', "
        "or add an earlier issue to take the older ones",
    )


def local_day(item: NewsItem, tz: ZoneInfo) -> date:
    """The item's calendar day in the project's time zone."""
    return item.date.astimezone(tz).date()


def assemble_editions(
    catalog: Catalog, tz: ZoneInfo, drafts: bool = False, root: Path | None = None
) -> tuple[tuple[Edition, ...], tuple[Diagnostic, ...]]:
    """Resolve every issue's items: its explicit list, or the items in its date window.

    With the project's `root`, findings name the line of the issue they are about.
    """

    def where(issue: Issue, key: str) -> SourceLocation:
        return locate(root, issue.source, key) if root is not None else SourceLocation(issue.source)

    editions: list[Edition] = []
    diagnostics: list[Diagnostic] = []
    issues = catalog.issues  # oldest first
    # The items by day, so that each issue finds its window's by bisection, not by a look at every item.
    dated = sorted(((local_day(item, tz), item) for item in catalog.items), key=lambda pair: pair[0])
    days = [day for day, _item in dated]
    by_slug: dict[str, NewsItem] = {}
    for each in catalog.items:
        by_slug.setdefault(each.slug, each)  # as `Catalog.item` finds it: the first
    for index, issue in enumerate(issues):
        previous = issues[index - 1] if index else None
        following = issues[index + 1] if index + 1 < len(issues) else None
        if issue.items is not None:
            items = []
            for slug in issue.items:
                item = by_slug.get(slug)
                if item is None:
                    continue  # the loader already reported it
                if item.draft and not drafts:
                    diagnostics.append(warning(
                        "draft-in-issue", where(issue, "items"), f"item '{slug}' is a draft and is left out",
                        "remove 'draft: true' from the item, or build with --drafts",
                    ))
                    continue
                items.append(item)
        else:
            after = previous.date if previous else date.min
            first = issue.since or date.min
            start = max(bisect.bisect_right(days, after), bisect.bisect_left(days, first))
            window = [item for _day, item in dated[start:bisect.bisect_right(days, issue.date)]
                      if drafts or not item.draft]
            items = sorted(window, key=lambda item: (item.date, item.slug))
            if len(items) > CROWDED_ISSUE:
                diagnostics.append(_crowded(issue, previous, len(items), where(issue, "date")))
        if not items:
            diagnostics.append(warning(
                "empty-issue", where(issue, "items" if issue.items is not None else "date"), "the issue has no items",
                "list them under 'items:' or date some items between the previous issue and this one",
            ))
        editions.append(Edition(issue, tuple(items), previous, following))
    return tuple(editions), tuple(diagnostics)
