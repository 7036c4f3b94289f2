"""One content file's front matter -> a NewsItem or an Issue: every key checked, typed and placed at its line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsletter.urls import is_web_address
from newsletter.confine import relative_path
from newsletter.content.fields import Fields
from newsletter.content.files import missing_image
from newsletter.content.markdown import first_paragraph
from newsletter.content.models import (
    Event,
    Issue,
    ItemType,
    NewsItem,
    Publication,
)
from newsletter.content.prepare import Prepared
from newsletter.content.social import read_social_block
from newsletter.diagnostics import Diagnostic, closest, warning
from newsletter.errors import (
    FieldError,
)
from newsletter.settings.load import Settings
from newsletter.slugs import slugify
from newsletter.report.frontmatter import read_report_block


ITEM_KEYS = {
    "title", "date", "summary", "slug", "type", "tags", "work_packages", "image", "image_alt",
    "author", "url", "event", "publication", "social", "draft", "id", "report",
}
ISSUE_KEYS = {"title", "slug", "number", "date", "since", "subject", "preheader", "items"}
EVENT_KEYS = {"start", "end", "location", "url"}
PUBLICATION_KEYS = {"doi", "venue", "authors", "open_access_url"}
# How other tools hold a post back (Jekyll, WordPress exports, ...): here each would publish it.
_HOLD_BACK_VALUES: dict[str, tuple[object, ...]] = {
    "published": (False, "false", "no"), "status": ("draft", "private", "pending", "future"),
    "hidden": (True,), "private": (True,), "unpublished": (True,),
}
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def default_slug(path: Path) -> str:
    """Slug from a file name: without a leading YYYY-MM-DD- and the .md suffix."""
    stem = _DATE_PREFIX.sub("", path.stem)
    # Most file names are slugs already; transliterating them is slow and changes nothing.
    return stem if len(stem) <= 80 and _PLAIN_SLUG.fullmatch(stem) else slugify(stem)


def load_item(prepared: Prepared, root: Path, settings: Settings, diagnostics: list[Diagnostic]) -> NewsItem:
    """Validate one news item's front matter; its body is already rendered."""
    document, body_html = prepared.document, prepared.body_html
    fields = Fields(document)
    tz = settings.project.tz
    title = fields.text("title", required=True)
    when = fields.moment("date", tz)
    assert title is not None and when is not None
    _refuse_publishing_by_mistake(fields, ITEM_KEYS, "item")
    item_type = _item_type(fields)
    image, image_alt = _image(fields, root)
    social, social_kinds, social_skip = read_social_block(fields)
    item = NewsItem(
        source=document.path,
        slug=_slug(fields, document.path),
        title=title,
        date=when,
        summary=fields.text("summary") or first_paragraph(body_html),
        body_html=body_html,
        type=item_type,
        tags=fields.text_list("tags"),
        work_packages=fields.text_list("work_packages"),
        image=image,
        image_alt=image_alt,
        author=fields.text("author"),
        url=fields.url("url"),
        event=_event(fields, tz, diagnostics),
        publication=_publication(fields, diagnostics),
        social=social,
        social_kinds=social_kinds,
        social_skip=social_skip,
        draft=fields.flag("draft"),
        id=fields.text("id"),
        report=read_report_block(fields, settings, diagnostics),
        body_line=document.body_line,
        body_markdown=document.body,
    )
    for tag in item.tags:
        if not slugify(tag):
            diagnostics.append(warning("unusable-tag", document.where("tags"), f"tag '{tag}' has no letters or digits",
                                       "it gets no topic page or feed; use a word"))
    if item.type is ItemType.EVENT and item.event is None:
        diagnostics.append(warning(
            "event-without-details", document.where("type"),
            "an event without 'event:' details: its card shows the item's date, not when or where it takes place",
            "add the line 'event:' and below it, indented, '  start: YYYY-MM-DD' and '  location: City' "
            "(or give another 'type:')",
        ))
    diagnostics.extend(_unknown_keys(fields, ITEM_KEYS))
    return item


def load_issue(prepared: Prepared, settings: Settings, diagnostics: list[Diagnostic]) -> Issue:
    """Validate one issue's front matter; its editorial is already rendered."""
    document, body_html = prepared.document, prepared.body_html
    fields = Fields(document)
    title = fields.text("title", required=True)
    when = fields.moment("date", settings.project.tz)
    assert title is not None and when is not None
    _refuse_publishing_by_mistake(fields, ISSUE_KEYS, "issue")
    items = fields.text_list("items") if fields.raw("items") is not None else None
    since = fields.moment("since", settings.project.tz, required=False)
    editorial = first_paragraph(body_html)
    issue = Issue(
        source=document.path,
        slug=_slug(fields, document.path),
        title=title,
        date=when.date(),
        subject=fields.text("subject") or title,
        preheader=fields.text("preheader") or _SENTENCE_END.split(editorial, maxsplit=1)[0],
        body_html=body_html,
        number=fields.integer("number"),
        items=items,
        body_markdown=document.body,
        since=since.astimezone(settings.project.tz).date() if since else None,
    )
    diagnostics.extend(_unknown_keys(fields, ISSUE_KEYS))
    return issue


def _slug(fields: Fields, path: Path) -> str:
    explicit = fields.text("slug")
    if explicit is None:
        slug = default_slug(path)
        if not slug:
            raise fields.fail("slug", f"cannot make a slug from the file name '{path.name}'", "add 'slug: my-item'")
        return slug
    if slugify(explicit) != explicit:
        raise fields.fail("slug", f"'slug' must be lowercase letters, digits and hyphens (got \"{explicit}\")",
                          f"write 'slug: {slugify(explicit) or 'my-item'}'")
    return explicit


def _item_type(fields: Fields) -> ItemType:
    value = fields.text("type") or "news"
    try:
        return ItemType(value.lower())
    except ValueError:
        names = [t.value for t in ItemType]
        meant = closest(value, names)
        raise fields.fail("type", f"'type' must be one of {', '.join(names)} (got \"{value}\")",
                          f"did you mean 'type: {meant}'?" if meant else "pick one of those") from None


def _image(fields: Fields, root: Path) -> tuple[str | None, str | None]:
    image, alt = fields.text("image"), fields.text("image_alt")
    if image is None:
        return None, alt
    if alt is None:
        raise fields.fail("image", "'image' is set but 'image_alt' is missing",
                          "add 'image_alt:' describing the picture for people who cannot see it")
    if not is_web_address(image) and relative_path(image) is None:
        raise fields.fail("image", f"'image' must be a path inside content/ or an http(s) URL (got \"{image}\")",
                          "write it relative to content/, such as images/photo.png")
    problem = missing_image(root, image, lambda: fields.document.where("image"), "image file")
    if problem is not None:
        raise problem
    return image, alt


def _nested(fields: Fields, key: str, allowed: set[str], diagnostics: list[Diagnostic]) -> dict[str, Any] | None:
    value = fields.raw(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fields.fail(key, f"'{key}' must be a mapping", f"write '{key}:' followed by indented 'name: value' lines")
    for name in sorted(str(name) for name in set(value) - allowed):
        meant = closest(name, allowed)
        diagnostics.append(warning(
            "unknown-key", fields.document.where(f"{key}.{name}"), f"unknown key '{key}.{name}' is ignored",
            f"did you mean '{meant}:'?" if meant else f"the keys of '{key}:' are {', '.join(sorted(allowed))}",
        ))
    return value


def _event(fields: Fields, tz: ZoneInfo, diagnostics: list[Diagnostic]) -> Event | None:
    written = fields.raw("event")
    if isinstance(written, dict) and written.get("start") is None:
        typo = next((str(name) for name in written if closest(str(name), EVENT_KEYS) == "start"), None)
        if typo is not None:
            raise FieldError("'event.start' is missing", fields.document.where(f"event.{typo}"),
                             f"write 'start:' for '{typo}:'")
    value = _nested(fields, "event", EVENT_KEYS, diagnostics)
    if value is None:
        return None
    start = fields.moment("event", tz, value.get("start"), nested="event.start")
    end = fields.moment("event", tz, value.get("end"), nested="event.end", required=False)
    assert start is not None
    if end is not None and end < start:
        raise fields.fail("event", "'event.end' is before 'event.start'", "swap the two dates")
    return Event(
        start=start,
        end=end,
        location=_nested_text(fields, "event", "location", value),
        url=fields.url("event", value.get("url"), nested="event.url"),
    )


def _publication(fields: Fields, diagnostics: list[Diagnostic]) -> Publication | None:
    value = _nested(fields, "publication", PUBLICATION_KEYS, diagnostics)
    if value is None:
        return None
    authors = value.get("authors") or []
    if isinstance(authors, str):
        authors = [name.strip() for name in authors.split(";" if ";" in authors else ",")]
    if not isinstance(authors, list) or not all(_is_text(author) for author in authors):
        raise fields.fail("publication", "'publication.authors' must be a list of names",
                          "write 'authors: [Ada Lovelace, Alan Turing]' under 'publication:'")
    doi = _nested_text(fields, "publication", "doi", value)
    if doi and doi.startswith(("https://doi.org/", "http://doi.org/")):
        doi = doi.split("doi.org/", 1)[1]
    return Publication(
        doi=doi,
        venue=_nested_text(fields, "publication", "venue", value),
        authors=tuple(str(author) for author in authors if author),
        open_access_url=fields.url("publication", value.get("open_access_url"), nested="publication.open_access_url"),
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _nested_text(fields: Fields, key: str, name: str, block: dict[str, Any]) -> str | None:
    """A text value inside a block (`event.location`); a list or mapping there is an error, not its repr."""
    value = block.get(name)
    if value is None or value == "":
        return None
    if not _is_text(value):
        raise fields.fail(key, f"'{key}.{name}' must be text", f"write '{name}: some text' under '{key}:'")
    return str(value).strip() or None


def _unknown_keys(fields: Fields, allowed: set[str]) -> Iterable[Diagnostic]:
    for key in fields.unknown(allowed):
        meant = closest(key, allowed)
        yield warning("unknown-key", fields.document.where(key), f"unknown front-matter key '{key}' is ignored",
                      f"did you mean '{meant}:'?" if meant else f"check its spelling; known keys are {', '.join(sorted(allowed))}")


def _refuse_publishing_by_mistake(fields: Fields, allowed: set[str], kind: str) -> None:
    """A misspelt `draft:`, or another tool's way of holding a post back, is an error: publication cannot be undone."""
    for written, value in fields.meta.items():
        key = str(written)  # YAML allows keys that are numbers, or null
        if key in allowed:
            continue
        value = value.lower() if isinstance(value, str) else value
        if "draft" in key.lower() or closest(key, [*allowed, "draft"]) == "draft":
            if kind == "item":
                raise fields.fail(key, f"'{key}' is not 'draft', so the item would be published",
                                  "write 'draft: true' to hold it back, or remove the line")
        elif value in _HOLD_BACK_VALUES.get(key.lower(), ()):
            if kind == "item":
                shown = str(value).lower() if isinstance(value, bool) else value
                raise fields.fail(key, f"'{key}: {shown}' does not hold an item back here, so it would be published",
                                  "write 'draft: true' instead")
        else:
            continue
        raise fields.fail(key, f"'{key}' holds nothing back: issues have no drafts, an issue is listed once its "
                               "date has come", "remove the line; while you prepare the issue, date it after today")
