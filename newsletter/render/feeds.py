"""The feeds channel: RSS 2.0, Atom 1.0 and JSON Feed of published items, and an RSS feed per tag."""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import imagesize  # type: ignore[import-untyped]
from feedgen.entry import FeedEntry  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from newsletter.assemble import local_day
from newsletter.confine import Refused, content_file
from newsletter.content.markdown import sanitize
from newsletter.content.models import NewsItem
from newsletter.render import Output
from newsletter.render.jsonfeed import render_json_feed
from newsletter.site import ATOM_PATH, JSON_PATH, RSS_PATH, Site
from newsletter.slugs import slugify
from newsletter.languages import N_, theme_text
from newsletter.templates import Templates

GENERATOR = "newsletter"  # no version: an upgrade alone must not change the feeds

# A date alone is stamped at this time of its day in UTC: the same calendar day for readers
# anywhere from UTC-11 to UTC+12:45 (noon in Brussels in winter). Midnight in the project's
# zone would be the day before for every reader west of it.
DAY_STAMP = time(11, 0, tzinfo=timezone.utc)
# RSS 2.0 caps the channel image at 144 x 400 pixels.
_RSS_IMAGE_MAX = (144, 400)
# Fixed table, so the type never depends on the machine's /etc/mime.types.
_IMAGE_TYPES = {
    ".avif": "image/avif", ".gif": "image/gif", ".jpeg": "image/jpeg", ".jpg": "image/jpeg",
    ".jfif": "image/jpeg", ".jpe": "image/jpeg", ".pjpeg": "image/jpeg", ".pjp": "image/jpeg",
    ".png": "image/png", ".apng": "image/apng", ".svg": "image/svg+xml", ".webp": "image/webp",
    ".bmp": "image/bmp", ".ico": "image/vnd.microsoft.icon", ".tif": "image/tiff", ".tiff": "image/tiff",
    ".heic": "image/heic", ".heif": "image/heif",
}
_DEFAULT_TYPES = mimetypes.MimeTypes()  # Python's built-in table only


class FeedsRenderer:
    name = "feeds"

    def render(self, site: Site, templates: Templates) -> Iterator[Output]:
        yield from render_feeds(site)


@dataclass(frozen=True, slots=True)
class Image:
    """An item's picture as feeds attach it; length and size only for files we publish."""

    url: str
    type: str | None
    length: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One published item as every feed format shows it."""

    item: NewsItem
    guid: str
    link: str
    published: datetime
    content_html: str
    categories: tuple[str, ...]
    image: Image | None

    @property
    def permalink(self) -> bool:
        """Whether the GUID is the item's address (RSS isPermaLink)."""
        return self.guid == self.link


class _FeedEntry(FeedEntry):  # type: ignore[misc]  # feedgen ships no type hints
    """feedgen's entry, with the Atom link attributes that feedgen 1.0 drops put back."""

    def atom_entry(self, extensions: bool = True) -> Any:
        # feedgen 1.0 writes only href on an entry's <link> (python-feedgen issue 135),
        # which turns an enclosure into a second alternate link: restore rel, type and length.
        element = super().atom_entry(extensions)
        for link, data in zip(element.findall("link"), self.link() or [], strict=True):
            for attribute in ("rel", "type", "hreflang", "title", "length"):
                if data.get(attribute):
                    link.set(attribute, data[attribute])
        return element


def tag_feed_path(site: Site, tag_slug: str) -> str:
    """Where the RSS feed of one tag lives inside output/."""
    return f"{site.tag_path(tag_slug)}feed.xml"


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


def feed_entry(site: Site, item: NewsItem) -> Entry:
    """Gather what every feed says about one item."""
    page = site.url(site.item_path(item))
    return Entry(
        item=item,
        guid=item_guid(site, item),
        link=site.item_url(item),
        published=feed_date(site, item),
        content_html=sanitize(item.body_html, lambda href: site.absolute_link(href, item.source, page)),
        categories=_categories(site, item),
        image=_image(site, item.image) if item.image else None,
    )


def feed_date(site: Site, item: NewsItem) -> datetime:
    """When feeds say an item was published: its time, or for a date alone DAY_STAMP of that day."""
    tz = site.settings.project.tz
    # The loader turns a date alone into midnight on the project's clock: that is a day, not a time.
    # (Compared on the clock as written: a midnight that a change to summer time skips is still that day.)
    if getattr(item.date.tzinfo, "key", None) != tz.key or item.date.time() != time(0):
        return item.date
    return datetime.combine(item.date.date(), DAY_STAMP).astimezone(tz)


def item_guid(site: Site, item: NewsItem) -> str:
    """The item's permanent id: its `id:` if given, else tag:<host>,<day>:<slug> (RFC 4151)."""
    if item.id:
        return item.id
    # Neither the title nor the site's path is in it: editing a title, or moving the
    # newsletter to another folder of the same host, never shows an item twice in a reader.
    # Changing a published item's date or slug would: `id:` keeps the old GUID then.
    host = (urlsplit(site.settings.project.site_url).hostname or "localhost").encode("idna").decode("ascii")
    day = local_day(item, site.settings.project.tz).isoformat()
    return f"tag:{host},{day}:{item.slug}"


def feed_updated(site: Site, entries: Sequence[Entry]) -> datetime:
    """When a feed last changed: its newest entry, else the start of the build's reference day."""
    if entries:
        return max(entry.published for entry in entries)
    return datetime.combine(site.as_of, time(), tzinfo=site.settings.project.tz)


def rss_feed(site: Site, entries: Sequence[Entry], tag_slug: str | None = None) -> bytes:
    """Render RSS 2.0: the main feed, or the feed of one tag."""
    project = site.settings.project
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.load_extension("media", atom=False, rss=True)
    if tag_slug is None:
        title, home, self_url = project.name, site.url(), site.url(RSS_PATH)
        description = project.tagline or theme_text(site, N_("News from %(name)s"), name=project.name)
    else:
        tag = site.tag_name(tag_slug)
        title, description = f"{project.name}: {tag}", theme_text(site, N_("%(name)s news about %(tag)s"), name=project.name, tag=tag)
        home, self_url = site.url(site.tag_path(tag_slug)), site.url(tag_feed_path(site, tag_slug))
    _channel(site, generator, title, description, home, (self_url, "application/rss+xml"))
    logo = logo_image(site)
    if logo is not None:
        fits = logo.width is not None and logo.height is not None and (
            logo.width <= _RSS_IMAGE_MAX[0] and logo.height <= _RSS_IMAGE_MAX[1])
        generator.image(url=logo.url, title=title, link=home,
                        width=str(logo.width) if fits else None, height=str(logo.height) if fits else None)
    generator.lastBuildDate(feed_updated(site, entries))
    for entry in entries:
        rss_item = _entry(generator, entry)
        # RSS wants HTML in <description>: escape the plain-text summary once more.
        rss_item.description(html.escape(entry.item.summary, quote=False))
        rss_item.content(entry.content_html, type="html")
        if entry.item.author:
            rss_item.dc.dc_creator(entry.item.author)  # <author> must be an email address
        if entry.image is not None:
            if entry.image.length and entry.image.type:  # RSS requires both; unknown for remote files
                _enclosure(rss_item, entry.image)
            _media(rss_item, entry.image)
    return bytes(generator.rss_str(pretty=True))


def atom_feed(site: Site, entries: Sequence[Entry]) -> bytes:
    """Render Atom 1.0 of the main entries."""
    project = site.settings.project
    generator = FeedGenerator()
    generator.load_extension("media", atom=True, rss=False)
    self_url = site.url(ATOM_PATH)
    generator.id(self_url)
    _channel(site, generator, project.name, project.tagline or theme_text(site, N_("News from %(name)s"), name=project.name), site.url(),
             (self_url, "application/atom+xml"))
    generator.author(name=project.name, uri=site.url())
    logo = logo_image(site)
    if logo is not None:
        generator.logo(logo.url)
        if logo.width is not None and logo.width == logo.height:
            generator.icon(logo.url)  # Atom wants a square icon
    generator.updated(feed_updated(site, entries))
    for entry in entries:
        atom_entry = _entry(generator, entry)
        atom_entry.content(entry.content_html, type="html")
        atom_entry.summary(entry.item.summary)
        if entry.item.author:
            atom_entry.author(name=entry.item.author)
        if entry.image is not None:
            _enclosure(atom_entry, entry.image)
            _media(atom_entry, entry.image)
    return bytes(generator.atom_str(pretty=True))


def _channel(site: Site, generator: FeedGenerator, title: str, description: str, home: str,
             self_link: tuple[str, str]) -> None:
    generator.title(title)
    generator.description(description)
    # The feed's own address (atom:link rel="self"), then the page: feedgen takes RSS <link> from the last link.
    generator.link(href=self_link[0], rel="self", type=self_link[1])
    generator.link(href=home, rel="alternate", type="text/html")
    generator.language(site.settings.project.language)
    generator.generator(GENERATOR)


def _entry(generator: FeedGenerator, entry: Entry) -> Any:
    # feedgen prepends by default and dates entries now(): append in our order, date them ourselves.
    feed_entry = generator.add_entry(_FeedEntry(), order="append")
    feed_entry.guid(entry.guid, permalink=entry.permalink)
    feed_entry.title(entry.item.title)
    feed_entry.link(href=entry.link, rel="alternate", type="text/html")
    feed_entry.published(entry.published)
    feed_entry.updated(entry.published)
    for category in entry.categories:
        feed_entry.category(term=category)
    return feed_entry


def _enclosure(feed_entry: Any, image: Image) -> None:
    link = {"href": image.url, "rel": "enclosure"}
    if image.type:
        link["type"] = image.type
    if image.length:
        link["length"] = str(image.length)
    feed_entry.link(**link)


def _media(feed_entry: Any, image: Image) -> None:
    content = {"url": image.url, "medium": "image"}
    if image.type:
        content["type"] = image.type
    if image.length:
        content["fileSize"] = str(image.length)
    if image.width and image.height:
        content["width"], content["height"] = str(image.width), str(image.height)
    feed_entry.media.content(content, group=None)


def _categories(site: Site, item: NewsItem) -> tuple[str, ...]:
    """Tags as the site spells them (one spelling per tag page), then work packages."""
    names: list[str] = []
    for tag in item.tags:
        tag_slug = slugify(tag)
        if tag_slug in site.tags:
            names.append(site.tag_name(tag_slug))
    names.extend(item.work_packages)
    return tuple(dict.fromkeys(names))


def _image(site: Site, path: str) -> Image:
    """Describe a content image: bytes, type and pixel size of the local file we publish."""
    url = site.asset_url(path)
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    # No type rather than a wrong one: a file without a suffix, or one no table knows.
    mime = _IMAGE_TYPES.get(suffix) or _DEFAULT_TYPES.guess_type(url)[0]
    if path.startswith(("http://", "https://")):
        return Image(url, mime)
    try:
        local = content_file(site.root, path)
    except Refused:
        return Image(url, mime)
    if not local.is_file():
        return Image(url, mime)
    width, height = imagesize.get(local)
    known = width > 0 and height > 0
    return Image(url, mime, local.stat().st_size, width if known else None, height if known else None)


def logo_image(site: Site) -> Image | None:
    """The project logo as feeds show it, if the project has one."""
    logo = site.settings.project.logo
    return _image(site, logo) if logo else None
