"""The social channel: a draft post per published item and platform, for review and for a scheduler.

`social/drafts.json` and `social/drafts.csv` hold every draft of the published items (newest
first, then platform, then thread part); each issue gets a review sheet, `social.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from newsletter.assemble import local_day
from newsletter.csvfiles import csv_text
from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, Output, json_text, no_memo, text_output
from newsletter.channels.social.bluesky import THUMB_MAX_BYTES, bluesky_fields
from newsletter.channels.social.compose import Composer, Draft, Post, is_past, pack_posts, unpack_posts
from newsletter.channels.social.schedulers import scheduler_files
from newsletter.channels.social.sheet import render_sheet
from newsletter.share_card import ShareImage, share_image
from newsletter.site import Site
from newsletter.templates import Templates

JSON_PATH = "social/drafts.json"
CSV_PATH = "social/drafts.csv"
PLAN_NAME = "social.json"  # in each issue's folder: its posting plan, for the preview's Social tab
# Bulk schedulers (Buffer, Hootsuite and the like) map columns by header; "Date" is the item's day.
CSV_HEADER = ("Platform", "Date", "Text", "Link", "Image URL", "Alt Text", "Item", "Part", "Kind", "Scheduled At")


class SocialRenderer:
    name = "social"

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
        if templates.overrides("social"):
            memo = no_memo  # the project's own post templates may read anything of the site
        composer = Composer(site, templates)
        posts: dict[str, tuple[Post, ...]] = {}

        def posts_of(item: NewsItem) -> tuple[Post, ...]:
            # An item can be in the drafts and in an issue's sheet: compose it once.
            if item.slug not in posts:
                posts[item.slug] = memo(
                    "social", (item, site.settings), lambda: composer.posts(item),
                    pack=pack_posts, unpack=lambda packed: unpack_posts(item, packed),
                )
            return posts[item.slug]

        drafts = [draft for item in site.published for post in posts_of(item) for draft in post.drafts]
        records = Records(site)
        yield text_output(JSON_PATH, "social-json", drafts_json(site, drafts, records))
        yield text_output(CSV_PATH, "social-csv", drafts_csv(site, drafts))
        yield from scheduler_files(site, drafts)
        for edition in site.editions:
            yield render_sheet(site, templates, edition, posts_of, memo)
            yield text_output(f"{site.issue_path(edition)}{PLAN_NAME}", "social-plan",
                              plan_json(site, [post for item in edition.items for post in posts_of(item)], records))


class Records:
    """Each draft's drafts.json record, made once per build: the drafts and every issue's plan share them."""

    def __init__(self, site: Site):
        self.site = site
        self._records: dict[int, dict[str, Any]] = {}
        self._cards: dict[str, ShareImage] = {}

    def __call__(self, draft: Draft) -> dict[str, Any]:
        if id(draft) not in self._records:
            self._records[id(draft)] = draft_record(self.site, draft, self.card)
        return dict(self._records[id(draft)])

    def card(self, item: NewsItem) -> ShareImage:
        if item.slug not in self._cards:
            self._cards[item.slug] = share_image(self.site, item, max_bytes=THUMB_MAX_BYTES)
        return self._cards[item.slug]


def draft_record(site: Site, draft: Draft, card: Callable[[NewsItem], ShareImage] | None = None) -> dict[str, Any]:
    """One draft as drafts.json writes it: the SPEC's keys first, then the date, the image and the plan."""
    record: dict[str, Any] = {
        "item": draft.item.slug,
        "platform": draft.platform,
        "text": draft.text,
        "length": draft.length,
        "limit": draft.limit,
        "url": draft.url,
    }
    if draft.thread is not None:
        record.update(thread=draft.thread, part=draft.part)
    if draft.api_text is not None:
        record["api_text"] = draft.api_text
    record["date"] = scheduled_date(site, draft.item)
    image = draft_image(site, draft)
    if image is not None:
        record.update(image=image[0], image_alt=image[1])
    record.update(kind=draft.kind, scheduled_at=draft.scheduled_at, past=is_past(draft, site.as_of))
    if draft.platform == "bluesky":
        thumb = card(draft.item) if card else share_image(site, draft.item, max_bytes=THUMB_MAX_BYTES)
        record.update(bluesky_fields(site, draft, thumb))
    return record


def drafts_json(site: Site, drafts: list[Draft], records: Records | None = None) -> str:
    """Every draft as a JSON list, in the order given."""
    record = records or Records(site)
    return json_text([record(draft) for draft in drafts])


def plan_json(site: Site, posts: list[Post], records: Records | None = None) -> str:
    """An issue's posting plan for review: every draft of its items, also those not published yet,
    in time order, each with `published` and the reviewer's `notes`."""
    published = {item.slug for item in site.published}
    record_of = records or Records(site)
    plan = []
    for post in posts:
        for draft in post.drafts:
            record = record_of(draft)
            record.update(published=draft.item.slug in published, notes=list(post.notes) if draft.part in (None, 1) else [])
            plan.append(record)
    plan.sort(key=lambda record: (record["scheduled_at"], record["item"], record["platform"], record.get("part") or 0))
    return json_text(plan)


def drafts_csv(site: Site, drafts: list[Draft]) -> str:
    """Every draft as CSV rows for a bulk scheduler: RFC 4180, a header row, CRLF line ends, no formulas."""
    rows = []
    for draft in drafts:
        image_url, alt = draft_image(site, draft) or ("", "")
        rows.append((draft.platform, scheduled_date(site, draft.item), draft.text, draft.url,
                     image_url, alt, draft.item.slug, draft.part or "", draft.kind, draft.scheduled_at))
    return csv_text(CSV_HEADER, rows)


def scheduled_date(site: Site, item: NewsItem) -> str:
    """The day to schedule a post: the item's own date (YYYY-MM-DD) in the project's time zone."""
    return local_day(item, site.settings.project.tz).isoformat()


def draft_image(site: Site, draft: Draft) -> tuple[str, str] | None:
    """The item's image and its alt text, for a whole post or the first part of a thread."""
    item = draft.item
    if item.image is None or draft.part not in (None, 1):
        return None
    return site.asset_url(item.image), item.image_alt or ""
