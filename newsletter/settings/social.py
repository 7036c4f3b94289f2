"""[social]: hashtags, accounts, length limits, hashtag budgets and posting plan of the social drafts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.diagnostics import closest
from newsletter.platforms import LABELS
from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader, control_characters

PLATFORMS = tuple(LABELS)

# Hashtags per post that read as a post, not a tag cloud: X and Threads link few, LinkedIn and
# Mastodon audiences follow tags. `[social] hashtags_max` changes any of them.
HASHTAGS_MAX = MappingProxyType({"x": 2, "threads": 1, "bluesky": 3, "mastodon": 5, "linkedin": 5})


@dataclass(frozen=True, slots=True)
class PostingSchedule:
    """`[social] schedule`: the time of day posts go out, and how many days before an event to post."""

    time: dt.time = dt.time(10, 0)
    announce_days: int = 14
    reminder_days: int = 1


@dataclass(frozen=True, slots=True)
class SocialSettings:
    hashtags: tuple[str, ...] = ()
    accounts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    limits: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    hashtags_max: Mapping[str, int] = field(default_factory=lambda: HASHTAGS_MAX)
    schedule: PostingSchedule = PostingSchedule()


def read_social(top: TableReader) -> SocialSettings:
    table = top.table("social")
    hashtags = table.get("hashtags", list, [])
    if not all(isinstance(tag, str) and not control_characters(tag) for tag in hashtags):
        table.problems.append("'social.hashtags' must be a list of text")
        hashtags = []
    limits = table.get("limits", dict, {})
    for platform, limit in sorted(limits.items()):
        if platform not in PLATFORMS or not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            table.problems.append(f"'social.limits.{platform}' must be a platform with a positive whole number")
    return SocialSettings(
        hashtags=tuple(tag.lstrip("#") for tag in hashtags),
        accounts=table.text_map("accounts", PLATFORMS),
        limits=MappingProxyType({k: v for k, v in sorted(limits.items()) if k in PLATFORMS and isinstance(v, int)}),
        hashtags_max=_hashtags_max(table),
        schedule=_posting_schedule(table.table("schedule")),
    )


def _hashtags_max(table: TableReader) -> Mapping[str, int]:
    """`[social] hashtags_max`: hashtags per post for each platform, over the defaults."""
    given = table.get("hashtags_max", dict, {})
    budget = dict(HASHTAGS_MAX)
    for platform, count in sorted(given.items()):
        if platform not in PLATFORMS or not isinstance(count, int) or isinstance(count, bool) or count < 0:
            found = closest(platform, PLATFORMS)
            hint = f", did you mean {found!r}?" if found and found != platform else ""
            table.problems.append(f"'social.hashtags_max.{platform}' must be a platform with a whole number "
                                  f"from 0 (got {count!r}{hint})")
        else:
            budget[platform] = count
    return MappingProxyType(budget)


def _posting_schedule(table: TableReader) -> PostingSchedule:
    """`[social] schedule = { time = "10:00", announce_days = 14, reminder_days = 1 }`."""
    default = PostingSchedule()
    written = table.text("time", "10:00")
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", written or "")
    time = default.time
    if match is None:
        table.problems.append(f"'social.schedule.time' must be a time of day such as \"10:00\" (got {written!r})")
    elif int(match.group(2)) % 5:
        # Hootsuite's bulk upload takes only times ending in 0 or 5.
        table.problems.append(f"'social.schedule.time' must end in 0 or 5 minutes, as schedulers take "
                              f"(got {written!r})")
    else:
        time = dt.time(int(match.group(1)), int(match.group(2)))
    days = {}
    for name in ("announce_days", "reminder_days"):
        value = table.get(name, int, getattr(default, name))
        if value < 0:
            table.problems.append(f"'social.schedule.{name}' must be a whole number from 0 (got {value})")
            value = getattr(default, name)
        days[name] = value
    return PostingSchedule(time, **days)


DOC = TableDoc("social", "Social media drafts: written for each item, reviewed and posted by a person.",
               "#social-drafts", (
    KeyDoc("hashtags", "Hashtags added to every post, without the #.", '["Acme"]', active=True),
    KeyDoc("accounts", "The project's accounts; drafts are written for these platforms (all when none is set).",
           '{ x = "@acme", mastodon = "@acme@mastodon.social", bluesky = "@acme.bsky.social", linkedin = "acme" }'),
    KeyDoc("limits", "Characters per post where your server allows other than the usual limit.", "{ mastodon = 500 }"),
    KeyDoc("hashtags_max", "Hashtags per post, per platform (defaults: x 2, threads 1, bluesky 3, mastodon 5, "
           "linkedin 5).", "{ x = 1, linkedin = 3 }"),
    KeyDoc("schedule", "When drafts are planned: the time of day (ending in 0 or 5 minutes), and how many days "
           "before an event to announce it and to remind.", '{ time = "10:00", announce_days = 14, reminder_days = 1 }',
           parts=("time", "announce_days", "reminder_days")),
))

TABLE = SettingsTable("social", read_social, free_form=("social.accounts.", "social.limits.", "social.hashtags_max."),
                      doc=DOC)
