"""The social channel: a draft post per published item and platform, for review and for a scheduler.

`social/drafts.json` and `social/drafts.csv` hold every draft of the published items (newest
first, then platform, then thread part); each issue gets a review sheet, `social.md`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from newsletter.assemble import Edition, local_day
from newsletter.csvfiles import csv_text
from newsletter.content.models import NewsItem
from newsletter.outputs import Memo, Output, json_bytes, json_elements, json_list, no_memo, output_path
from newsletter.channels.social.posts import Draft, PartnerFinder, Post, is_past, pack_posts, unpack_posts
from newsletter.channels.social.schedulers import scheduler_files
from newsletter.channels.social.sheet import render_sheet
from newsletter.settings.load import Settings
from newsletter.share_card import ShareImage, share_image
from newsletter.site import Site
from newsletter.templates import Templates

if TYPE_CHECKING:
    from newsletter.channels.social.compose import Composer

# What composes and counts a post (each platform's rules, shortening, threads, Bluesky's facets) is imported when a
# post is composed: a rebuild that finds every post remembered loads none of it. A build that composes many loads
# it first (`build.load_makers`).
MAKERS = ("newsletter.channels.social.compose", "newsletter.channels.social.bluesky", "newsletter.platforms.x",
          "newsletter.platforms.mastodon", "newsletter.platforms.linkedin")

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
        composer = functools.cache(functools.partial(_composer, site, templates))  # made for a post not remembered
        finder = PartnerFinder(site.settings.partners)
        posts: dict[str, tuple[Post, ...]] = {}
        partners = finder.partners
        inputs: dict[str, tuple[NewsItem, tuple[int, ...], Settings]] = {}

        def inputs_of(item: NewsItem) -> tuple[NewsItem, tuple[int, ...], Settings]:
            """What the item's posts depend on: not its text, but the partners its text names (by their place in
            the settings); so an edit of the text alone leaves its posts as they were."""
            if item.slug not in inputs:
                named = [] if item.social_skip else memo(  # `social: false`: no posts, no names to look for
                    "social-named", (item, site.settings),  # (with the partners) digests known, unlike the text's
                    functools.partial(finder.places, item),
                    pack=list, unpack=functools.partial(_places, len(partners)))
                inputs[item.slug] = (site.without_text(item), tuple(named), site.settings)
            return inputs[item.slug]

        def posts_of(item: NewsItem) -> tuple[Post, ...]:
            # An item can be in the drafts and in an issue's sheet: compose it once.
            if item.slug not in posts:
                known = inputs_of(item)
                posts[item.slug] = memo(
                    "social", known, lambda: composer().posts(item, [partners[place] for place in known[1]]),
                    pack=pack_posts,
                    unpack=lambda packed: site.made_of("posts", (item, packed), lambda: unpack_posts(item, packed)),
                )
            return posts[item.slug]

        records = Records(site)

        def drafts_of(item: NewsItem) -> _ItemDrafts:
            # An item's records and CSV rows, remembered: one edit does not write 5,000 rows again.
            own = [draft for post in posts_of(item) for draft in post.drafts]
            made, rows = memo("social-records", (*inputs_of(item), site.as_of),
                              functools.partial(_item_records, site, own, records), pack=_pack_records,
                              unpack=lambda packed: site.made_of(f"records of {len(own)}", (packed,),
                                                                 lambda: _unpack_records(len(own), packed)))
            # Its records as drafts.json writes them, where a long-running process keeps them for the next build.
            json = json_elements(made) if site.kept is not None else b""
            return _ItemDrafts(inputs_of(item), posts_of(item), own, made, rows, json,
                               [draft for draft in own if not is_past(draft, site.as_of)])

        parts: list[_ItemDrafts] = []
        for item in site.published:
            if memo is no_memo:
                part = drafts_of(item)
            else:
                # Made of the item, the settings and the templates alone (and the day): a long-running process
                # takes it again while they are the same objects. The program is; a change of the project's
                # images loads every record again (content/loader.py), so the item is another object then.
                part = site.made_of(f"social drafts {site.as_of}", (item, site.settings, templates),
                                    functools.partial(drafts_of, item))
                inputs[item.slug], posts[item.slug] = part.made_of, part.posts
            records.keep(part.drafts, part.records)
            parts.append(part)
        records_json = (json_list(part.json for part in parts) if site.kept is not None
                        else json_bytes([record for part in parts for record in part.records]))
        yield Output(output_path(JSON_PATH), "social-json", records_json)
        header = csv_text(CSV_HEADER, ()).encode("utf-8")
        yield Output(output_path(CSV_PATH), "social-csv", b"".join([header, *(part.csv_rows for part in parts)]))
        yield from scheduler_files(site, [draft for part in parts for draft in part.upcoming])
        for edition in site.editions:
            yield render_sheet(site, templates, edition, posts_of, inputs_of, memo)
            # The plan shows the items' drafts, whose records are made of what their posts are (see
            # "social-records"), and whether each item is published.
            shown = tuple((inputs_of(item), item.slug in site.published_slugs) for item in edition.items)
            plan = memo("social-plan", (shown, site.as_of),
                        functools.partial(_plan_bytes, site, edition, posts_of, records), pack=bytes, unpack=bytes)
            yield Output(output_path(f"{site.issue_path(edition)}{PLAN_NAME}"), "social-plan", plan)


class _ItemDrafts(NamedTuple):
    """What one published item gives the drafts."""

    made_of: tuple[NewsItem, tuple[int, ...], Settings]  # what its posts are made of
    posts: tuple[Post, ...]
    drafts: list[Draft]
    records: list[dict[str, Any]]  # in drafts.json
    csv_rows: bytes  # in drafts.csv
    json: bytes  # its records as drafts.json holds them (kept by a long-running process only)
    upcoming: list[Draft]  # not past on the build's day: for the schedulers' files


class Records:
    """Each draft's drafts.json record, made once per build: the drafts and every issue's plan share them."""

    def __init__(self, site: Site):
        self.site = site
        self._records: dict[int, dict[str, Any]] = {}
        self._cards: dict[str, ShareImage] = {}
        self._kept: list[tuple[list[Draft], list[dict[str, Any]]]] = []

    def __call__(self, draft: Draft) -> dict[str, Any]:
        if id(draft) not in self._records:
            for drafts, records in self._kept:
                self._records.update(zip(map(id, drafts), records))
            self._kept = []
        if id(draft) not in self._records:
            self._records[id(draft)] = draft_record(self.site, draft, self.card)
        return dict(self._records[id(draft)])

    def keep(self, drafts: list[Draft], records: list[dict[str, Any]]) -> None:
        """Take the drafts' records as remembered from an earlier build (looked up once a record is asked for)."""
        self._kept.append((drafts, records))

    def card(self, item: NewsItem) -> ShareImage:
        from newsletter.channels.social.bluesky import THUMB_MAX_BYTES

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
        from newsletter.channels.social.bluesky import THUMB_MAX_BYTES, bluesky_fields

        thumb = card(draft.item) if card else share_image(site, draft.item, max_bytes=THUMB_MAX_BYTES)
        record.update(bluesky_fields(site, draft, thumb))
    return record


def posting_plan(site: Site, posts: list[Post], records: Records | None = None) -> list[dict[str, Any]]:
    """An issue's posting plan for review: every draft of its items, also those not published yet,
    in time order, each with `published` and the reviewer's `notes`."""
    published = site.published_slugs
    record_of = records or Records(site)
    entries = []
    for post in posts:
        for draft in post.drafts:
            record = record_of(draft)
            record.update(published=draft.item.slug in published, notes=list(post.notes) if draft.part in (None, 1) else [])
            entries.append(record)
    entries.sort(key=lambda record: (record["scheduled_at"], record["item"], record["platform"], record.get("part") or 0))
    return entries


def _plan_bytes(site: Site, edition: Edition, posts_of: Callable[[NewsItem], tuple[Post, ...]],
                records: Records) -> bytes:
    """An issue's posting plan as its JSON file holds it."""
    return json_bytes(posting_plan(site, [post for item in edition.items for post in posts_of(item)], records))


def _csv_rows(site: Site, drafts: list[Draft]) -> Iterator[tuple[object, ...]]:
    for draft in drafts:
        image_url, alt = draft_image(site, draft) or ("", "")
        yield (draft.platform, scheduled_date(site, draft.item), draft.text, draft.url,
               image_url, alt, draft.item.slug, draft.part or "", draft.kind, draft.scheduled_at)


def _item_records(site: Site, drafts: list[Draft], records: Records) -> tuple[list[dict[str, Any]], bytes]:
    """One item's drafts: their drafts.json records and their drafts.csv rows (without the header, in UTF-8)."""
    return [records(draft) for draft in drafts], csv_text(None, _csv_rows(site, drafts)).encode("utf-8")


def _composer(site: Site, templates: Templates) -> Composer:
    """The composer of posts: loaded with what fills and counts them only when a post is composed."""
    from newsletter.channels.social.compose import Composer

    return Composer(site, templates)


def _places(count: int, packed: Any) -> list[int]:
    """Remembered places in the settings' partner table, checked to be places in a table of `count`."""
    if not (isinstance(packed, list) and all(isinstance(place, int) and 0 <= place < count for place in packed)):
        raise ValueError("not places in the partner table")
    return packed


def _pack_records(made: tuple[list[dict[str, Any]], bytes]) -> tuple[list[dict[str, Any]], bytes]:
    return made


def _unpack_records(count: int, packed: Any) -> tuple[list[dict[str, Any]], bytes]:
    """Remembered records and rows, checked to be of the shape `_item_records` makes for `count` drafts."""
    made, rows = packed
    if not (isinstance(made, list) and len(made) == count and all(isinstance(record, dict) for record in made)
            and isinstance(rows, bytes)):
        raise ValueError("not the records of these drafts")
    return [dict(record) for record in made], rows


def scheduled_date(site: Site, item: NewsItem) -> str:
    """The day to schedule a post: the item's own date (YYYY-MM-DD) in the project's time zone."""
    return local_day(item, site.settings.project.tz).isoformat()


def draft_image(site: Site, draft: Draft) -> tuple[str, str] | None:
    """The item's image and its alt text, for a whole post or the first part of a thread."""
    item = draft.item
    if item.image is None or draft.part not in (None, 1):
        return None
    return site.asset_url(item.image), item.image_alt or ""
