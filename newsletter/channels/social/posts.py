"""What a post is, and what of an item its posts are made from: all a rebuild needs when no post changes.

Composing a post (`compose`) fills a template and shortens it by each platform's count. A rebuild
whose posts are remembered only unpacks them, and only looks for the partners an edited text
names; so this module, not `compose`, is what the social channel loads up front.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import regex

from newsletter.content.markdown import sanitised_text
from newsletter.content.models import NewsItem
from newsletter.platforms.counting import PLATFORMS, platform_rules
from newsletter.settings.load import Settings
from newsletter.settings.partners import Partner


@dataclass(frozen=True, slots=True)
class Draft:
    """One post as a scheduler takes it: a whole post, or one part of a thread."""

    item: NewsItem
    platform: str
    text: str  # what readers see
    length: int  # as the platform counts it
    limit: int
    url: str
    thread: str | None = None
    part: int | None = None
    api_text: str | None = None  # only where the platform's API takes other text (LinkedIn)
    over_limit: bool = False
    kind: str = "post"  # post; for events announce, reminder, today
    scheduled_at: str = ""  # ISO 8601 with offset, in the project's time zone


@dataclass(frozen=True, slots=True)
class Post:
    """What an item says on one platform: one draft or a thread, and what a reviewer should know."""

    item: NewsItem
    platform: str
    drafts: tuple[Draft, ...]
    override: bool = False
    notes: tuple[str, ...] = ()
    kind: str = "post"

    @property
    def over_limit(self) -> bool:
        return any(draft.over_limit for draft in self.drafts)


def is_past(draft: Draft, as_of: date) -> bool:
    """Whether the draft is planned for a day before the build's reference day: too late as planned."""
    return bool(draft.scheduled_at) and datetime.fromisoformat(draft.scheduled_at).date() < as_of


def drafted_platforms(settings: Settings) -> tuple[str, ...]:
    """The platforms the project posts on: those in `[social] accounts`, or all of them when none is set."""
    accounts = settings.social.accounts
    return tuple(name for name in PLATFORMS if name in accounts) or tuple(PLATFORMS)


def post_limit(settings: Settings, platform: str) -> int:
    """The platform's limit, or the project's own from `[social] limits`."""
    return settings.social.limits.get(platform, platform_rules(platform).limit)


class PartnerFinder:
    """Find the partners an item names (by short or full name) in its title, summary or text, in table order.

    This is all of the item's text its posts depend on: see `content.models.without_text`."""

    def __init__(self, partners: Sequence[Partner]):
        self.partners = tuple(partners)
        self._names = [_names(partner) for partner in self.partners]
        # The pattern is made for a name the text holds: most partners, named nowhere, need none.
        self._patterns: dict[int, regex.Pattern[str]] = {}

    def __call__(self, item: NewsItem) -> list[Partner]:
        return [self.partners[place] for place in self.places(item)]

    def places(self, item: NewsItem) -> list[int]:
        """The places in the partner table of the partners the item names."""
        text = "\n".join((item.title, item.summary, sanitised_text(item.body_html)))
        return [place for place, names in enumerate(self._names)
                if any(name in text for name in names) and self._pattern(place).search(text)]

    def _pattern(self, place: int) -> regex.Pattern[str]:
        if place not in self._patterns:
            self._patterns[place] = _names_pattern(self._names[place])
        return self._patterns[place]


def _names(partner: Partner) -> list[str]:
    """The partner's short and full names, longest first."""
    return sorted({partner.short, partner.name} - {""}, key=len, reverse=True)


def _names_pattern(names: list[str]) -> regex.Pattern[str]:
    """Find one of the names as a whole word; case matters ("LIST" is not "list")."""
    return regex.compile(r"(?<![\w@#])(?:" + "|".join(regex.escape(name) for name in names) + r")(?!\w)")


def pack_posts(posts: tuple[Post, ...]) -> tuple[Any, ...]:
    """Posts as plain data for the build cache (the item is known to whoever asks)."""
    return tuple(
        (post.platform, tuple(_draft_fields(draft) for draft in post.drafts), post.override, post.notes, post.kind)
        for post in posts
    )


def unpack_posts(item: NewsItem, packed: tuple[Any, ...]) -> tuple[Post, ...]:
    """Posts back from `pack_posts`, for `item`."""
    return tuple(
        Post(item, platform, tuple(Draft(item, *fields) for fields in drafts), override, tuple(notes), kind)
        for platform, drafts, override, notes, kind in packed
    )


def _draft_fields(draft: Draft) -> tuple[Any, ...]:
    return (draft.platform, draft.text, draft.length, draft.limit, draft.url, draft.thread, draft.part,
            draft.api_text, draft.over_limit, draft.kind, draft.scheduled_at)
