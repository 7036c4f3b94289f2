"""Read a WordPress export (WXR) or a saved WordPress RSS feed into plain posts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from lxml import etree

from newsletter.errors import ExportFormatError, SourceLocation

# Categories WordPress gives every post that has none; they say nothing to a reader.
UNCATEGORIZED = frozenset({"uncategorized", "uncategorised"})
# WXR 1.0-1.2 used http:// and later https:// namespace names for the same elements.
_NAMESPACE_PREFIXES = (
    ("wordpress.org/export/", "wp"),
    ("purl.org/rss/1.0/modules/content/", "content"),
    ("purl.org/dc/elements/1.1/", "dc"),
    ("search.yahoo.com/mrss/", "media"),
)
_MISSING_DATE = "0000-00-00 00:00:00"
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+$")


@dataclass(frozen=True, slots=True)
class Image:
    """An image with its alternative text as the export gives it."""

    url: str
    alt: str = ""
    title: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media library entry of a WXR export."""

    post_id: int
    parent: int
    menu_order: int
    image: Image


@dataclass(frozen=True, slots=True)
class Post:
    """One blog post, still in WordPress terms (HTML content, status, raw slug)."""

    line: int
    post_id: int | None
    title: str
    link: str
    slug: str
    status: str
    published: datetime | None
    author: str
    terms: tuple[str, ...]
    excerpt_html: str
    content_html: str
    has_password: bool
    thumbnail_id: int | None
    image: Image | None
    footnotes: str = ""
    summary_only: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    """Everything the importer needs from one export file."""

    path: Path
    kind: Literal["wxr", "rss"]
    site_url: str
    posts: tuple[Post, ...]
    attachments: dict[int, Attachment]
    ignored: dict[str, int]


def read_export(path: Path, zone: tzinfo) -> Export:
    """Parse the whole file; raise ExportFormatError naming the line when it is not usable."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as err:
        line = int(err.lineno or 0)
        # libxml2 may add a second line quoting the input, and repeats the position: keep the reason.
        reason = _POSITION_SUFFIX.sub("", (str(err.msg or "").splitlines() or ["parse error"])[0])
        raise ExportFormatError(
            f"the file is not well-formed XML ({reason})",
            SourceLocation(path, line or None),
            "export it again from WordPress (Tools -> Export) or repair that line",
        ) from err
    except OSError as err:
        raise ExportFormatError(f"cannot read the file ({err})", SourceLocation(path)) from err
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ExportFormatError(
            f"this is not a WordPress export or RSS feed (the document starts with <{etree.QName(root).localname}>)",
            SourceLocation(path, _line(root)),
            "use the XML file from WordPress Tools -> Export, or a saved RSS 2.0 feed",
        )
    fields = _fields(channel)
    kind: Literal["wxr", "rss"] = "wxr" if "wp:wxr_version" in fields else "rss"
    authors = _authors(channel)
    posts: list[Post] = []
    attachments: dict[int, Attachment] = {}
    ignored: Counter[str] = Counter()
    for item in channel.iter("item"):
        item_fields = _fields(item)
        post_type = _text(item_fields, "wp:post_type") or "post"
        if post_type == "attachment":
            attachment = _attachment(item_fields)
            if attachment:
                attachments[attachment.post_id] = attachment
            ignored[post_type] += 1
        elif post_type == "post":
            posts.append(_post(item, item_fields, kind, authors, zone))
        else:
            ignored[post_type] += 1
    return Export(path, kind, _text(fields, "link"), tuple(posts), attachments, dict(sorted(ignored.items())))


def _fields(element: etree._Element) -> dict[str, list[etree._Element]]:
    """Index an element's children by `prefix:name`, whatever namespace version the file uses."""
    found: dict[str, list[etree._Element]] = defaultdict(list)
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(child)
        prefix = ""
        if name.namespace:
            prefix = next((short for marker, short in _NAMESPACE_PREFIXES if marker in name.namespace), "other")
            if prefix == "wp" and name.namespace.rstrip("/").endswith("excerpt"):
                prefix = "excerpt"
        found[f"{prefix}:{name.localname}" if prefix else name.localname].append(child)
    return found


def _text(fields: dict[str, list[etree._Element]], key: str) -> str:
    elements = fields.get(key)
    return _all_text(elements[0]).strip() if elements else ""


def _line(element: etree._Element) -> int | None:
    line = getattr(element, "sourceline", None)  # typed loosely in lxml-stubs
    return line if isinstance(line, int) else None


def _all_text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _int(value: str) -> int | None:
    return int(value) if value.strip().lstrip("-").isdigit() else None


def _authors(channel: etree._Element) -> dict[str, str]:
    """Map author logins to display names (WXR names posts' authors by login)."""
    names = {}
    for author in _fields(channel).get("wp:author", []):
        fields = _fields(author)
        login = _text(fields, "wp:author_login")
        names[login] = _text(fields, "wp:author_display_name") or login
    return names


def _meta(fields: dict[str, list[etree._Element]]) -> dict[str, str]:
    meta = {}
    for entry in fields.get("wp:postmeta", []):
        entry_fields = _fields(entry)
        meta[_text(entry_fields, "wp:meta_key")] = _text(entry_fields, "wp:meta_value")
    return meta


def _attachment(fields: dict[str, list[etree._Element]]) -> Attachment | None:
    post_id = _int(_text(fields, "wp:post_id"))
    url = _text(fields, "wp:attachment_url")
    if post_id is None or not url:
        return None
    image = Image(
        url=url,
        alt=_meta(fields).get("_wp_attachment_image_alt", ""),
        title=_text(fields, "title"),
        caption=_text(fields, "excerpt:encoded"),
    )
    parent = _int(_text(fields, "wp:post_parent")) or 0
    return Attachment(post_id, parent, _int(_text(fields, "wp:menu_order")) or 0, image)


def _post(
    item: etree._Element,
    fields: dict[str, list[etree._Element]],
    kind: str,
    authors: dict[str, str],
    zone: tzinfo,
) -> Post:
    creator = _text(fields, "dc:creator")
    terms = [
        _all_text(category).strip()
        for domain in ("category", "post_tag")
        for category in fields.get("category", [])
        if (category.get("domain") or "category") == domain
        and (category.get("nicename") or "").lower() not in UNCATEGORIZED
    ]
    meta = _meta(fields)
    link = _text(fields, "link")
    content = _text(fields, "content:encoded")
    excerpt = _text(fields, "excerpt:encoded") if kind == "wxr" else _text(fields, "description")
    if kind == "wxr":
        published = _wxr_date(_text(fields, "wp:post_date"), _text(fields, "wp:post_date_gmt"), zone)
        # WordPress renames the slug of a trashed post to free it for reuse.
        slug = unquote(_text(fields, "wp:post_name")).removesuffix("__trashed")
        status = _text(fields, "wp:status") or "publish"
    else:
        published = _rss_date(_text(fields, "pubDate"), zone)
        slug = unquote(link.rstrip("/").rsplit("/", 1)[-1]) if "?" not in link else ""
        status = "publish"
    return Post(
        line=_line(item) or 0,
        post_id=_int(_text(fields, "wp:post_id")),
        title=_text(fields, "title"),
        link=link,
        slug=slug,
        status=status,
        published=published,
        author=authors.get(creator, creator),
        terms=tuple(term for term in terms if term and term.lower() not in UNCATEGORIZED),
        excerpt_html=excerpt,
        content_html=content or excerpt if kind == "rss" else content,
        has_password=bool(_text(fields, "wp:post_password")),
        thumbnail_id=_int(meta.get("_thumbnail_id", "")),
        image=_feed_image(fields),
        footnotes=meta.get("footnotes", ""),
        summary_only=kind == "rss" and not content and bool(excerpt),
    )


def _wxr_date(local: str, gmt: str, zone: tzinfo) -> datetime | None:
    """Give the post's local time with the offset WordPress used, else read it in `zone`."""
    try:
        local_time = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    if gmt and gmt != _MISSING_DATE:
        try:
            offset = local_time - datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            offset = None
        # A real UTC offset is a whole quarter hour within +-14 h; anything else is a clock glitch.
        if offset is not None and abs(offset) <= timedelta(hours=14) and not offset % timedelta(minutes=15):
            return local_time.replace(tzinfo=timezone(offset))
    return local_time.replace(tzinfo=zone)


def _rss_date(value: str, zone: tzinfo) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no known local zone
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(zone)
    except OverflowError:  # year 1 or 9999 seen from another zone: no usable date
        return None


def _feed_image(fields: dict[str, list[etree._Element]]) -> Image | None:
    """Find a feed item's image: an image enclosure, media:content or media:thumbnail."""
    for enclosure in fields.get("enclosure", []):
        if (enclosure.get("type") or "").startswith("image/") and enclosure.get("url"):
            return Image(url=enclosure.get("url", ""))
    for media in fields.get("media:content", []) + fields.get("media:thumbnail", []):
        medium = media.get("medium") or (media.get("type") or "image/").split("/")[0]
        if medium == "image" and media.get("url"):
            media_fields = _fields(media)
            return Image(
                url=media.get("url", ""),
                alt=_text(media_fields, "media:description"),
                title=_text(media_fields, "media:title"),
            )
    return None
