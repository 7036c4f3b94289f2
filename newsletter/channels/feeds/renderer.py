"""The feeds channel: RSS 2.0, Atom 1.0 and JSON Feed of published items, and an RSS feed per tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath


from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, Output, no_memo
from newsletter.channels.feeds.jsonfeed import render_json_feed
from newsletter.site import ATOM_PATH, JSON_PATH, RSS_PATH, Site
from newsletter.templates import Templates
from newsletter.channels.feeds.entries import Entry, feed_entry, logo_image, tag_feed_path
from newsletter.channels.feeds.rss_atom import atom_feed, rss_feed


class FeedsRenderer:
    name = "feeds"

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
        yield from render_feeds(site)


def render_feeds(site: Site) -> Iterator[Output]:
    """Yield the main RSS, Atom and JSON feeds, then one RSS feed per tag."""
    limit = site.settings.feeds.max_items
    known: dict[str, Entry] = {}

    def entries_of(items: Sequence[NewsItem]) -> list[Entry]:
        for item in items[:limit]:
            if item.slug not in known:
                known[item.slug] = feed_entry(site, item)
        return [known[item.slug] for item in items[:limit]]

    entries = entries_of(site.published)
    yield Output(PurePosixPath(RSS_PATH), "feed-rss", rss_feed(site, entries))
    yield Output(PurePosixPath(ATOM_PATH), "feed-atom", atom_feed(site, entries))
    json_feed = render_json_feed(site, entries, site.url(JSON_PATH), logo_image(site))
    yield Output(PurePosixPath(JSON_PATH), "feed-json", json_feed)
    for tag_slug, items in site.tags.items():
        yield Output(PurePosixPath(tag_feed_path(site, tag_slug)), "feed-rss-tag",
                     rss_feed(site, entries_of(items), tag_slug))
