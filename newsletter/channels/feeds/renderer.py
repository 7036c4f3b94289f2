"""The feeds channel: RSS 2.0, Atom 1.0 and JSON Feed of published items, and an RSS feed per tag."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, Output, no_memo, output_path
from newsletter.channels.feeds.jsonfeed import render_json_feed
from newsletter.site import ATOM_PATH, JSON_PATH, RSS_PATH, Site
from newsletter.templates import Templates
from newsletter.channels.feeds.entries import Entry, feed_entry, feed_updated, logo_image, tag_feed_path
from newsletter.channels.feeds.rss_atom import atom_feed, rss_feed


class FeedsRenderer:
    name = "feeds"

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
        yield from render_feeds(site, memo)


def render_feeds(site: Site, memo: Memo = no_memo) -> Iterator[Output]:
    """Yield the main RSS, Atom and JSON feeds, then one RSS feed per tag (each remembered by its entries)."""
    limit = site.settings.feeds.max_items
    known: dict[str, Entry] = {}

    def entries_of(items: Sequence[NewsItem]) -> list[Entry]:
        for item in items[:limit]:
            if item.slug not in known:
                known[item.slug] = feed_entry(site, item, memo)
        return [known[item.slug] for item in items[:limit]]

    def feed(path: str, kind: str, entries: list[Entry], inputs: tuple[object, ...], write: Callable[[], bytes]) -> Output:
        # A feed shows its entries, its date (the reference day when it has none), the settings and, for a tag,
        # the tag's name; nothing else of the site.
        key = (path, site.settings, site.settings.project.language, feed_updated(site, entries), entries, *inputs)
        data = memo(kind, key, write, pack=bytes, unpack=bytes)
        return Output(output_path(path), kind, data)

    entries = entries_of(site.published)
    yield feed(RSS_PATH, "feed-rss", entries, (), lambda: rss_feed(site, entries))
    yield feed(ATOM_PATH, "feed-atom", entries, (), lambda: atom_feed(site, entries))
    logo = logo_image(site)
    yield feed(JSON_PATH, "feed-json", entries, (logo,), lambda: render_json_feed(site, entries, site.url(JSON_PATH), logo))
    for tag_slug, items in site.tags.items():
        tagged = entries_of(items)
        yield feed(tag_feed_path(site, tag_slug), "feed-rss-tag", tagged, (tag_slug, site.tag_name(tag_slug)),
                   lambda: rss_feed(site, tagged, tag_slug))
