"""An issue's review sheet, `issues/<slug>/social.md`: every post of its items with a length bar.

The sheet lists all the issue's items, also those not published yet (an issue prepared ahead of
its items' dates), so reviewers see their posts in time; those are marked, and reach drafts.json
and drafts.csv only once published.
"""

from __future__ import annotations

import math
from datetime import datetime
from collections.abc import Callable
from dataclasses import dataclass

import regex

from newsletter.assemble import Edition, local_day
from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, Output, no_memo, output_path
from newsletter.channels.social.posts import Draft, Post, is_past
from newsletter.channels.social.plan import KIND_NAMES
from newsletter.site import Site
from newsletter.platforms.counting import platform_rules
from newsletter.dates import moment
from newsletter.templates import Templates

SHEET_TEMPLATE = "social/sheet.md"
BAR_WIDTH = 12
_BACKTICKS = regex.compile(r"`+")


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """One item of the issue with its posts and where it stands."""

    item: NewsItem
    posts: tuple[Post, ...]
    published: bool
    link: str
    image_url: str | None


def render_sheet(site: Site, templates: Templates, edition: Edition, posts_of: Callable[[NewsItem], tuple[Post, ...]],
                 inputs_of: Callable[[NewsItem], object], memo: Memo = no_memo) -> Output:
    """Render the review sheet of one issue (remembered between builds by what it shows).

    `inputs_of`: what an item's posts are made from (their own key), which is all the sheet shows of its text."""
    published = site.published_slugs
    entries = [
        SheetEntry(item, posts_of(item), item.slug in published, site.item_url(item),
                   site.asset_url(item.image) if item.image else None)
        for item in edition.items if item.slug not in site.foreign
    ]
    # In a further language, an item not translated into it has its posts in the original's sheet only.
    untranslated = [item for item in edition.items if item.slug in site.foreign]
    # The sheet's key holds what an item's posts are made from (that is their own key), not the posts; and
    # the issue, not its edition (the items are here). Of an untranslated item, it shows the title and file.
    shown = tuple((inputs_of(entry.item), entry.published, entry.link, entry.image_url) for entry in entries)
    listed = tuple(map(site.without_text, untranslated))
    data = memo(
        "social-sheet", (edition.issue, shown, listed, site.settings, site.as_of, templates.language),
        lambda: templates.render(
            SHEET_TEMPLATE, site=site, settings=site.settings, edition=edition, issue=edition.issue,
            entries=entries, untranslated=untranslated, fence=fence, bar=bar,
            label=lambda platform: platform_rules(platform).label,
            day=lambda item: local_day(item, site.settings.project.tz),
            kind_name=lambda kind: templates.gettext(KIND_NAMES[kind]),
            planned=_remembered_by_time(lambda draft: planned(site, templates, draft)),
        ).encode("utf-8"),
        pack=bytes, unpack=bytes,
    )
    return Output(output_path(f"{site.issue_path(edition)}social.md"), "social-sheet", data)


def planned(site: Site, templates: Templates, draft: Draft) -> str:
    """When a draft is planned, as the sheet says it: "5 February 2025, 10:00 CET", marked when past."""
    if not draft.scheduled_at:
        return templates.gettext("not planned")
    language = templates.language
    when = datetime.fromisoformat(draft.scheduled_at).astimezone(site.settings.project.tz)
    text = moment(when, language)
    if is_past(draft, site.as_of):
        return templates.gettext("%(when)s (past: schedule it anew or leave it out)") % {"when": text}
    return text


def _remembered_by_time(said: Callable[[Draft], str]) -> Callable[[Draft], str]:
    """`said` remembering its text for each planned time: an item's posts on every platform share their times,
    and what `planned` says depends on the time alone."""
    known: dict[str, str] = {}

    def once(draft: Draft) -> str:
        if draft.scheduled_at not in known:
            known[draft.scheduled_at] = said(draft)
        return known[draft.scheduled_at]

    return once


def fence(text: str, info: str = "text") -> str:
    """A fenced code block holding `text` verbatim, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text}\n{marks}"


def bar(draft: Draft, width: int = BAR_WIDTH) -> str:
    """The draft's length against its limit, as `212/280 ██████████░░`."""
    filled = min(width, math.ceil(width * draft.length / draft.limit)) if draft.limit else width
    text = f"{draft.length}/{draft.limit} {'█' * filled}{'░' * (width - filled)}"
    if draft.over_limit:
        over = draft.length - draft.limit
        text += f" ⚠ over the limit by {over}" if over > 0 else " ⚠ over the byte limit"
    return text
