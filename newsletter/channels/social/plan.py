"""The posting plan: which posts an item gets (`kind`) and when each goes out (`scheduled_at`).

An event is announced `announce_days` before its first day (never before the item itself is
dated), reminded of `reminder_days` before, and posted about on the day; any other item, and an
event reported after it began, gets one `post` on its own day. Every post goes out at
`[social] schedule.time` in the project's time zone, on the wall clock of that day, across
daylight-saving changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from newsletter.content.models import ItemType, NewsItem
from newsletter.settings.social import PostingSchedule
from newsletter.dates import event_when
from newsletter.languages import N_

KINDS = ("post", "announce", "reminder", "today")
EVENT_KINDS = ("announce", "reminder", "today")
KIND_NAMES = {"post": N_("post"), "announce": N_("announcement"), "reminder": N_("reminder"), "today": N_("on the day")}
UTC = dt.timezone.utc
# Schedulers take times on five-minute steps (Hootsuite: "times must end in 0 or 5").
STEP_MINUTES = 5
# The day's post about an event that starts early goes out this long before it starts.
LEAD_TIME = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Slot:
    """One post of an item in the plan: its kind and when it goes out (aware, in the project's time zone)."""

    kind: str
    at: dt.datetime


def wall_clock(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """`time` on `day` in `tz`; a time the clocks skip (spring forward) becomes the moment just after."""
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=tz)
    # zoneinfo gives a skipped wall time an offset without moving it; a round trip through UTC moves it
    # to the real moment, and a repeated time (autumn) keeps its first occurrence (fold=0).
    try:
        return aware.astimezone(UTC).astimezone(tz)
    except OverflowError:  # the first or last day Python knows: no clock changes there
        return aware


def _step_up(moment: dt.datetime) -> dt.datetime:
    """The moment, moved up to the next five-minute step (unchanged when on one)."""
    extra = (moment.minute % STEP_MINUTES) * 60 + moment.second + moment.microsecond / 1e6
    if not extra:
        return moment
    try:
        return moment + dt.timedelta(seconds=STEP_MINUTES * 60 - extra)
    except OverflowError:
        return moment


def _step_down(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=moment.minute - moment.minute % STEP_MINUTES, second=0, microsecond=0)


def event_day(item: NewsItem, tz: ZoneInfo) -> dt.date | None:
    """The first day of the item's event in the project's time zone; None for no event."""
    if item.type is not ItemType.EVENT or item.event is None:
        return None
    start = item.event.start
    return start.astimezone(tz).date() if isinstance(start, dt.datetime) else start


def start_time(item: NewsItem, tz: ZoneInfo) -> dt.datetime | None:
    """When the item's event starts, in `tz`; None when it gives a day alone (read as local midnight)."""
    if item.event is None:
        return None
    start = item.event.start
    if not isinstance(start, dt.datetime):
        return None
    local = start.astimezone(tz)
    return None if local.time() == dt.time(0) else local


def posting_slots(item: NewsItem, schedule: PostingSchedule, tz: ZoneInfo) -> tuple[Slot, ...]:
    """The item's posts in time order: one `post`, or an event's `announce`, `reminder` and `today`."""
    published = item.date.astimezone(tz)
    # Never before the item is dated: its page and link do not exist before then.
    first = max(wall_clock(published.date(), schedule.time, tz), _step_up(published))
    start = event_day(item, tz)
    if start is None or start < published.date():
        return (Slot("post", first),)
    assert item.event is not None
    slots: list[Slot] = []
    ahead = (start - published.date()).days  # days between the item and the event: dates stay in range
    reminder_day = start - dt.timedelta(days=min(schedule.reminder_days, ahead))
    announce_day = start - dt.timedelta(days=min(schedule.announce_days, ahead))
    reminds = 0 < schedule.reminder_days <= ahead
    if schedule.announce_days and announce_day < start and (not reminds or announce_day < reminder_day):
        slots.append(Slot("announce", max(wall_clock(announce_day, schedule.time, tz), first)))
    if reminds:
        slots.append(Slot("reminder", max(wall_clock(reminder_day, schedule.time, tz), first)))
    today = wall_clock(start, schedule.time, tz)
    begins = start_time(item, tz)
    if begins is not None and begins - LEAD_TIME < today:
        today = max(wall_clock(start, dt.time(0), tz), _step_down(begins - LEAD_TIME))
    slots.append(Slot("today", max(today, first)))
    return tuple(slots)


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What an event's posts say about it: when (in the project's time zone) and where."""

    when: str  # "5 February 2025, 14:00–15:30 CET" or "11–13 June 2024", in the posts' language
    location: str
    reminder_days: int
    multi_day: bool


def event_facts(item: NewsItem, tz: ZoneInfo, schedule: PostingSchedule, language: str = "en") -> EventFacts | None:
    """The event's date, time and place as posts write them; None for an item without an event."""
    first = event_day(item, tz)
    if first is None or item.event is None:
        return None
    end = item.event.end
    last = (end.astimezone(tz).date() if isinstance(end, dt.datetime) else end) if end is not None else first
    # Posts give the place on its own line part, after the time.
    when = event_when(dataclasses.replace(item.event, location=None), tz, language)
    return EventFacts(when, item.event.location or "", schedule.reminder_days, last != first)
