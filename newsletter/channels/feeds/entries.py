"""What the feeds say of each item: its entry, date, guid and image, one model for RSS, Atom and JSON Feed."""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newsletter.urls import is_web_address
from newsletter.assemble import local_day
from newsletter.confine import Refused, content_file
from newsletter.content.markdown import relinked
from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, no_memo
from newsletter.site import Site
from newsletter.slugs import slugify


# A date alone is stamped at this time of its day in UTC: the same calendar day for readers
# anywhere from UTC-11 to UTC+12:45 (noon in Brussels in winter). Midnight in the project's
# zone would be the day before for every reader west of it.
DAY_STAMP = time(11, 0, tzinfo=timezone.utc)
# Fixed table, so the type never depends on the machine's /etc/mime.types.
_IMAGE_TYPES = {
    ".avif": "image/avif", ".gif": "image/gif", ".jpeg": "image/jpeg", ".jpg": "image/jpeg",
    ".jfif": "image/jpeg", ".jpe": "image/jpeg", ".pjpeg": "image/jpeg", ".pjp": "image/jpeg",
    ".png": "image/png", ".apng": "image/apng", ".svg": "image/svg+xml", ".webp": "image/webp",
    ".bmp": "image/bmp", ".ico": "image/vnd.microsoft.icon", ".tif": "image/tiff", ".tiff": "image/tiff",
    ".heic": "image/heic", ".heif": "image/heif",
}


@functools.cache  # made when a feed first shows an image of a type the table above lacks
def _default_types() -> mimetypes.MimeTypes:
    return mimetypes.MimeTypes()  # Python's built-in table only


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


def feed_entry(site: Site, item: NewsItem, memo: Memo = no_memo) -> Entry:
    """Gather what every feed says about one item; `memo` remembers its text with absolute links."""
    page = site.url(site.item_path(item))
    leads, make = relinked(item.body_html, lambda href: site.absolute_link(href, item.source, page))
    categories = _categories(site, item)

    def entry() -> Entry:
        return Entry(
            item=item,
            guid=item_guid(site, item),
            link=site.item_url(item),
            published=feed_date(site, item),
            content_html=memo("feed-content", (item, leads), make, pack=str, unpack=str),
            categories=categories,
            image=_image(site, item.image) if item.image else None,
        )

    # Besides the item and the settings, made of what its links lead to and of the site's names for its tags. Its
    # picture is a web address or a file of content/images/ (content/records.py), which is part of the item: a
    # change there loads every item again (content/loader.py).
    return site.made_of(("feed entry", leads, categories), (item, site.settings), entry)


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
    mime = _IMAGE_TYPES.get(suffix) or _default_types().guess_type(url)[0]
    if is_web_address(path):
        return Image(url, mime)
    try:
        local = content_file(site.root, path)
    except Refused:
        return Image(url, mime)
    if not local.is_file():
        return Image(url, mime)
    import imagesize  # type: ignore[import-untyped]  # only for a local image: it loads urllib's HTTP client

    width, height = imagesize.get(local)
    known = width > 0 and height > 0
    return Image(url, mime, local.stat().st_size, width if known else None, height if known else None)


def logo_image(site: Site) -> Image | None:
    """The project logo as feeds show it, if the project has one."""
    logo = site.settings.project.logo
    return _image(site, logo) if logo else None


def tag_feed_path(site: Site, tag_slug: str) -> str:
    """Where the RSS feed of one tag lives inside output/."""
    return f"{site.tag_path(tag_slug)}feed.xml"
