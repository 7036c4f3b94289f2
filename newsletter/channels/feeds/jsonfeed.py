"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the main entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsletter.languages import N_, theme_text
from newsletter.outputs import json_bytes

if TYPE_CHECKING:
    from newsletter.channels.feeds.entries import Entry, Image
    from newsletter.site import Site

VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(site: Site, entries: Sequence[Entry], feed_url: str, logo: Image | None) -> bytes:
    """Render the JSON Feed: fixed key order, UTF-8, one trailing newline."""
    project = site.settings.project
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": project.name,
        "home_page_url": site.url(),
        "feed_url": feed_url,
        "description": project.tagline or theme_text(site, N_("News from %(name)s"), name=project.name),
    }
    if logo is not None and logo.width is not None and logo.width == logo.height:
        # JSON Feed icons are square: 512 px for `icon`, 64 px for `favicon`.
        feed["icon"] = logo.url
        if logo.width <= 64:
            feed["favicon"] = logo.url
    feed["language"] = project.language
    feed["authors"] = [{"name": project.name, "url": site.url()}]
    feed["items"] = [_item(entry) for entry in entries]
    return json_bytes(feed)


def _item(entry: Entry) -> dict[str, Any]:
    item = entry.item
    fields: dict[str, Any] = {
        "id": entry.guid,
        "url": entry.link,
        "title": item.title,
        "summary": item.summary,
        "content_html": entry.content_html,
    }
    if entry.image is not None:
        fields["image"] = entry.image.url
    fields["date_published"] = entry.published.isoformat()
    if item.author:
        fields["authors"] = [{"name": item.author}]
    if entry.categories:
        fields["tags"] = list(entry.categories)
    return fields
