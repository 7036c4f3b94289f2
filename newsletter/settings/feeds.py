"""[feeds]: how many items the RSS, Atom and JSON feeds hold."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.reader import SettingsTable, TableReader


@dataclass(frozen=True, slots=True)
class FeedSettings:
    max_items: int = 50


def read_feeds(top: TableReader) -> FeedSettings:
    table = top.table("feeds")
    max_items = table.get("max_items", int, 50)
    if max_items < 1:
        table.problems.append(f"'feeds.max_items' must be at least 1 (got {max_items})")
        max_items = 50
    return FeedSettings(max_items=max_items)


TABLE = SettingsTable("feeds", read_feeds)
