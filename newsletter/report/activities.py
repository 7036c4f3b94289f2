"""The report's rows: one per item and per sent issue, with the funder's terms and sensible defaults."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from newsletter.assemble import Edition, local_day
from newsletter.content.models import ItemType, NewsItem, ReportEntry
from newsletter.report.periods import Span, period_of
from newsletter.report.vocabulary import NEWSLETTER, default_activity, default_audience
from newsletter.settings.load import Settings
from newsletter.settings.partners import Partner
from newsletter.site import Site

# The channels an activity went out through, as the report names them.
WEBSITE, NEWSLETTER_CHANNEL, SOCIAL, EMAIL = "website", "newsletter", "social media", "email"


@dataclass(frozen=True, slots=True)
class Reach:
    """What an email service reports for a sent issue."""

    recipients: int | None = None
    opens: int | None = None  # unique opens
    clicks: int | None = None  # unique clicks
    campaign: str = ""  # the campaign's name in the export, for the record


@dataclass(frozen=True, slots=True)
class Activity:
    """One row of activities.csv."""

    day: date
    title: str
    activity_type: str | None  # None: the report cannot tell; `check` says so
    lead: str | None
    partners: tuple[str, ...]
    work_packages: tuple[str, ...]
    audience: tuple[str, ...]
    audience_size: int | None
    countries: tuple[str, ...]
    url: str
    channels: tuple[str, ...]
    period: int | None
    source: Path  # the content file it comes from
    item_type: str  # the item's type, or "issue"
    reach: int | None = None  # people who opened it, where an email service reported it


def collect_activities(site: Site, span: Span, reach: Mapping[str, Reach] | None = None) -> list[Activity]:
    """Every activity in `span` done by the reference day, oldest first: items, then sent issues."""
    reach = reach or {}
    tz = site.settings.project.tz
    in_issues = _issues_of_items(site.released)
    rows = []
    for item in site.published:
        entry = item.report or ReportEntry()
        day = activity_day(item, tz)
        if entry.skip or day not in span or day > site.as_of:
            continue  # an event still to come is planned, not done
        rows.append(_item_row(site, item, entry, day, in_issues.get(item.slug, False)))
    for edition in site.released:
        if edition.issue.date in span:
            rows.append(_issue_row(site, edition, reach.get(edition.slug)))
    return sorted(rows, key=lambda row: (row.day, row.item_type == "issue", row.title, row.source.as_posix()))


def activity_day(item: NewsItem, tz: ZoneInfo) -> date:
    """When the activity took place, in the project's time zone: an event's first day, else the item's day."""
    if item.type is ItemType.EVENT and item.event is not None:
        start = item.event.start
        return start.astimezone(tz).date() if isinstance(start, datetime) else start
    return local_day(item, tz)


def _issues_of_items(editions: Sequence[Edition]) -> dict[str, bool]:
    return {item.slug: True for edition in editions for item in edition.items}


def _item_row(site: Site, item: NewsItem, entry: ReportEntry, day: date, in_newsletter: bool) -> Activity:
    settings = site.settings
    activity = entry.activity or default_activity(item)
    named = partners_named(item, settings.partners)
    lead = entry.lead or (named[0].short if named else default_lead(settings))
    partners = _in_settings_order(settings, {lead, *(partner.short for partner in named)} - {None})
    channels = (WEBSITE, *((NEWSLETTER_CHANNEL,) if in_newsletter else ()), *(() if item.social_skip else (SOCIAL,)))
    return Activity(
        day=day, title=item.title, activity_type=activity, lead=lead, partners=partners,
        work_packages=item.work_packages, audience=entry.audience or default_audience(activity),
        audience_size=entry.audience_size, countries=entry.countries or _countries(settings, partners),
        url=site.item_url(item), channels=channels, period=period_of(settings.report, day),
        source=item.source, item_type=item.type.value,
    )


def _issue_row(site: Site, edition: Edition, reach: Reach | None) -> Activity:
    settings = site.settings
    issue = edition.issue
    lead = default_lead(settings)
    partners = _in_settings_order(settings, {lead} - {None})
    work_packages = sorted({wp for item in edition.items for wp in item.work_packages}, key=natural_key)
    return Activity(
        day=issue.date, title=issue.title, activity_type=NEWSLETTER, lead=lead, partners=partners,
        work_packages=tuple(work_packages), audience=default_audience(NEWSLETTER),
        audience_size=reach.recipients if reach else None, countries=_countries(settings, partners),
        url=site.url(site.issue_path(edition)), channels=(EMAIL, WEBSITE),
        period=period_of(settings.report, issue.date), source=issue.source, item_type="issue",
        reach=reach.opens if reach else None,
    )


def default_lead(settings: Settings) -> str | None:
    """Who leads what names no partner: `[report] lead`, else the coordinator."""
    if settings.report.lead:
        return settings.report.lead
    return next((partner.short for partner in settings.partners if (partner.role or "").lower() == "coordinator"), None)


def partners_named(item: NewsItem, partners: Sequence[Partner]) -> list[Partner]:
    """The partners an item involves: its author first, then those its text names, in the order named."""
    author = (item.author or "").strip().lower()
    text = " ".join((item.title, item.summary, item.body_markdown))
    found: list[tuple[int, Partner]] = []
    for partner in partners:
        if author and author in (partner.short.lower(), partner.name.lower()):
            found.append((-1, partner))
            continue
        # Short names are matched as written (LIST, not "list"); full names in any case.
        spots = [match.start() for match in re.finditer(rf"\b{re.escape(partner.short)}\b", text)]
        spots += [match.start() for match in re.finditer(re.escape(partner.name), text, re.I)]
        if spots:
            found.append((min(spots), partner))
    return [partner for _, partner in sorted(found, key=lambda pair: pair[0])]


def _in_settings_order(settings: Settings, shorts: set[str | None]) -> tuple[str, ...]:
    return tuple(partner.short for partner in settings.partners if partner.short in shorts)


def _countries(settings: Settings, partners: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({partner.country.upper() for partner in settings.partners
                         if partner.short in partners and partner.country}))


def natural_key(text: str) -> tuple[object, ...]:
    """WP2 before WP10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))
