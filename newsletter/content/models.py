"""The content model: news items and issues as frozen, typed records."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from newsletter.diagnostics import Diagnostic
from newsletter.languages import N_
from newsletter.urls import encoded_url

Day = date  # the type, for a class whose own `date` field hides it


class ItemType(str, Enum):
    """What kind of news an item is; issues group items by it, in this order."""

    NEWS = "news"
    EVENT = "event"
    PUBLICATION = "publication"
    DELIVERABLE = "deliverable"
    PRESS = "press"

    @property
    def heading(self) -> str:
        return _HEADINGS[self]


# In English; the templates translate them (N_ marks them for the catalogs).
_HEADINGS = {
    ItemType.NEWS: N_("News"),
    ItemType.EVENT: N_("Events"),
    ItemType.PUBLICATION: N_("Publications"),
    ItemType.DELIVERABLE: N_("Deliverables"),
    ItemType.PRESS: N_("Press"),
}


@dataclass(frozen=True, slots=True)
class Event:
    start: date | datetime
    end: date | datetime | None = None
    location: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Publication:
    doi: str | None = None
    venue: str | None = None
    authors: tuple[str, ...] = ()
    open_access_url: str | None = None

    @property
    def doi_url(self) -> str | None:
        return encoded_url(f"https://doi.org/{self.doi}") if self.doi else None


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """An item's `report:` block: how the dissemination report lists it; what it leaves out takes defaults."""

    activity: str | None = None
    audience: tuple[str, ...] = ()
    audience_size: int | None = None
    countries: tuple[str, ...] = ()
    lead: str | None = None
    skip: bool = False  # `report: false`: not a dissemination activity


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One news item from content/news/*.md."""

    source: Path  # relative to the project root
    slug: str
    title: str
    date: datetime  # aware, in the project's time zone when the file gave a date alone
    summary: str  # plain text
    body_html: str  # sanitised; relative URLs are relative to content/
    type: ItemType = ItemType.NEWS
    tags: tuple[str, ...] = ()
    work_packages: tuple[str, ...] = ()
    image: str | None = None
    image_alt: str | None = None
    author: str | None = None
    url: str | None = None
    event: Event | None = None
    publication: Publication | None = None
    social: dict[str, str] = field(default_factory=dict)
    social_kinds: dict[str, dict[str, str]] = field(default_factory=dict)  # platform -> kind -> text
    social_skip: bool = False
    draft: bool = False
    id: str | None = None
    report: ReportEntry | None = None
    body_line: int = 1  # line of the file where the Markdown body starts
    body_markdown: str = ""
    language: str = ""  # a translation's language (`name.fr.md`); "" for the main language's file


def without_text(item: NewsItem) -> NewsItem:
    """The item with its text (its body) left out, for the key of a part that reads everything of an item
    but its text (an email's card; the posts, with the partners the text names): such a part stays
    remembered while only the text changes."""
    return replace(item, body_html="", body_markdown="")


@dataclass(frozen=True, slots=True)
class Issue:
    """One newsletter issue from content/issues/*.md."""

    source: Path
    slug: str
    title: str
    date: date
    subject: str
    preheader: str
    body_html: str
    number: int | None = None
    items: tuple[str, ...] | None = None
    body_markdown: str = ""
    since: Day | None = None  # the first day of its window, when it has no `items:`
    language: str = ""  # a translation's language (`name.fr.md`); "" for the main language's file


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every item and issue of a project, validated; items newest first, issues oldest first."""

    items: tuple[NewsItem, ...]
    issues: tuple[Issue, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    # Items and issues in further languages, each with the slug and date of its original.
    translations: tuple[NewsItem | Issue, ...] = ()

    def item(self, slug: str) -> NewsItem | None:
        return next((item for item in self.items if item.slug == slug), None)
