"""Dates as readers see them, in their language's forms (Babel, CLDR): one long form, one ISO form, a range,
and an event's time and place, for every channel."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from babel import Locale

    from newsletter.content.models import Event

# Bare "en" writes dates the way the EU institutions and most of Europe do: 7 December 2023.
_DATE_LOCALES = {"en": "en_150"}


@lru_cache(maxsize=64)
def time_zone(name: str) -> ZoneInfo | None:
    """The IANA time zone called `name` (Europe/Brussels), or None when no zone has that name.

    A name no file could have (too long, a NUL) is no zone either, rather than a file system error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=64)  # a day is formatted in one language or a few: the locale is looked up once each
def _date_locale(tag: str) -> Locale:
    from babel import Locale

    return Locale.parse(_DATE_LOCALES.get(tag, tag.replace("-", "_")))


def longdate(value: date | datetime, language: str = "en") -> str:
    """A date as readers of `language` write it in full: 7 December 2023, 7. Dezember 2023, 7 décembre 2023."""
    return _long_day(value.date() if isinstance(value, datetime) else value, language)


# Every channel writes the same days again and again (an item's date on its page, its issue, its
# tags, the email, each post): Babel formats each day once. Days and events are values.
@lru_cache(maxsize=4096)
def _long_day(day: date, language: str) -> str:
    from babel.dates import format_date

    return format_date(day, "long", locale=_date_locale(language))


@lru_cache(maxsize=1024)
def date_range(start: date, end: date, language: str = "en") -> str:
    """Two days as one range, month names in full: 9–13 September 2024, 9.–13. September 2024."""
    from babel.dates import format_interval, match_skeleton, parse_pattern

    if start == end:
        return longdate(start, language)
    locale = _date_locale(language)
    formats = locale.interval_formats
    skeleton = "yMMMMd" if "yMMMMd" in formats else match_skeleton("yMMMMd", formats)
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    parts = formats[skeleton].get(field) if skeleton else None
    if not parts or len(parts) != 2:
        return str(format_interval(start, end, "yMMMMd", locale=locale))
    # CLDR often has only the abbreviated range (yMMMd); the long date has the month in full.
    return "".join(parse_pattern(_in_full(pattern)).apply(day, locale) for pattern, day in zip(parts, (start, end)))


def _in_full(pattern: str) -> str:
    """A date pattern with the month written out and the day without a leading zero."""
    pattern = re.sub(r"(?<![ML])([ML])\1\1(?!\1)", r"\1\1\1\1", pattern)
    return re.sub(r"(?<!d)dd(?!d)", "d", pattern)


def moment(value: datetime, language: str = "en") -> str:
    """A day and time with its zone: 5 February 2025, 14:00 CET; 5. Februar 2025, 14:00 CET."""
    return f"{longdate(value, language)}, {short_time(value, language)} {value.tzname()}"


def short_time(value: datetime, language: str = "en") -> str:
    """A time of day in the language's short form: 14:00, 2:00 μ.μ."""
    from babel.dates import format_time

    return format_time(value, "short", locale=_date_locale(language))


def isodate(value: date | datetime) -> str:
    """ISO 8601, with the offset for datetimes."""
    return value.isoformat()


@lru_cache(maxsize=1024)
def event_when(event: Event, tz: ZoneInfo, language: str = "en") -> str:
    """`5 February 2025, 14:00–15:30 CET, Online` or `9–13 September 2024, Paderborn`, in the project's zone
    and in the forms of `language`."""
    start = _local(event.start, tz)
    end = _local(event.end, tz) if event.end else None
    # The loader turns a date alone into midnight: that is a day, not a time.
    timed = start.time() != time(0) or (end is not None and end.time() != time(0))
    if end is None or end.date() == start.date():
        text = longdate(start, language)
        if timed:
            text += f", {short_time(start, language)}"
            text += (f"–{short_time(end, language)}" if end and end != start else "") + f" {start.tzname()}"
    elif timed:
        text = f"{moment(start, language)} – {moment(end, language)}"
    else:
        text = date_range(start.date(), end.date(), language)
    return f"{text}, {event.location}" if event.location else text


def _local(value: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(tz)
    return datetime.combine(value, time(0), tz)
