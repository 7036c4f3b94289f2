"""[feeds]: how many items the RSS, Atom and JSON feeds hold."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.doc import KeyDoc, TableDoc
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


DOC = TableDoc("feeds", "RSS, Atom and JSON feeds.", "#feeds", (
    KeyDoc("max_items", "The newest items kept in each feed.", "50"),
))

TABLE = SettingsTable("feeds", read_feeds, doc=DOC)
