"""Dates as readers see them: one long form, one ISO form, and an event's time and place, for every channel."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from newsletter.content.models import Event


def longdate(value: date | datetime) -> str:
    """Format a date the way people write it: 7 December 2023."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def isodate(value: date | datetime) -> str:
    """ISO 8601, with the offset for datetimes."""
    return value.isoformat()


def event_when(event: Event, tz: ZoneInfo) -> str:
    """`5 February 2025, 14:00–15:30 CET, Online` or `9–13 September 2024, Paderborn`, in the project's zone."""
    start = _local(event.start, tz)
    end = _local(event.end, tz) if event.end else None
    # The loader turns a date alone into midnight: that is a day, not a time.
    timed = start.time() != time(0) or (end is not None and end.time() != time(0))
    if end is None or end.date() == start.date():
        text = longdate(start)
        if timed:
            text += f", {start:%H:%M}" + (f"–{end:%H:%M}" if end and end != start else "") + f" {start.tzname()}"
    elif timed:
        text = f"{longdate(start)}, {start:%H:%M} {start.tzname()} – {longdate(end)}, {end:%H:%M} {end.tzname()}"
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{longdate(end)}"
    elif start.year == end.year:
        text = f"{start.day} {start:%B} – {longdate(end)}"
    else:
        text = f"{longdate(start)} – {longdate(end)}"
    return f"{text}, {event.location}" if event.location else text


def _local(value: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(tz)
    return datetime.combine(value, time(0), tz)
