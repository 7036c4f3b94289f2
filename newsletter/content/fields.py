"""Typed reads of front-matter values, each failure a FieldError at the key's line."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from newsletter.content.frontmatter import Document
from newsletter.errors import FieldError
from newsletter.urls import WEB, encoded_url, link_problem


# The days an item or issue may have: a day's margin at both ends of what Python can hold, so
# that seen from any time zone (offsets stay within a day) the moment still exists.
EARLIEST = date(1, 1, 3)
LATEST = date(9999, 12, 29)


class Fields:
    """Reads front-matter keys of one document, remembering which keys were read."""

    def __init__(self, document: Document):
        self.document = document
        self.meta = document.meta
        self.read: set[str] = set()

    def fail(self, key: str, message: str, hint: str) -> FieldError:
        return FieldError(message, self.document.where(key), hint)

    def raw(self, key: str) -> Any:
        self.read.add(key)
        return self.meta.get(key)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.raw(key)
        if value is None:
            if required:
                raise FieldError(f"'{key}' is missing", self.document.where(), f"add a line '{key}: ...' to the front matter")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(key, f"'{key}' must be text (got {_show(value)})", f"write '{key}: some text'")
        value = value.strip()
        if required and not value:
            raise self.fail(key, f"'{key}' is empty", f"write the {key} after '{key}:'")
        return value or None

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false (got {_show(value)})", f"write '{key}: true'")
        return value

    def integer(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be a whole number (got {_show(value)})", f"write '{key}: 3'")
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            raise self.fail(key, f"'{key}' must be a list of text (got {_show(value)})", f"write '{key}: [first, second]'")
        return tuple(str(v).strip() for v in value if str(v).strip())

    def url(self, key: str, value: Any = None, nested: str | None = None) -> str | None:
        value = self.text(key) if nested is None else value
        name = nested or key
        if value is None:
            return None
        if not isinstance(value, str) or link_problem(value, WEB) is not None:
            raise FieldError(f"'{name}' must be an absolute http(s) URL (got {_show(value)})", self.document.where(name),
                             "write the full address, https://...")
        return encoded_url(value)

    def moment(self, key: str, tz: ZoneInfo, value: Any = None, nested: str | None = None, required: bool = True) -> datetime | None:
        """Read a date or datetime; a date alone is midnight in `tz`, a naive time is in `tz`."""
        name = nested or key
        if nested is None:
            value = self.raw(key)
        if value is None:
            if not required:
                return None
            if nested is None:
                raise FieldError(f"'{name}' is missing", self.document.where(), f"add a line '{name}: YYYY-MM-DD'")
            # A nested key goes inside its block: say so in YAML that can be typed as it stands.
            leaf = name.rpartition(".")[2]
            raise self.fail(key, f"'{name}' is missing", f"add the line '  {leaf}: YYYY-MM-DD' below '{key}:'")
        parsed = parse_moment(value)
        if parsed is None:
            raise FieldError(
                f"'{name}' is not a date (got {_show(value)})", self.document.where(name),
                "write YYYY-MM-DD or 2023-12-12T10:00:00+01:00",
            )
        if isinstance(parsed, datetime):
            return self._in_range(key, name, value, parsed if parsed.tzinfo else parsed.replace(tzinfo=tz))
        return self._in_range(key, name, value, datetime.combine(parsed, time(0), tz))

    def _in_range(self, key: str, name: str, value: Any, moment: datetime) -> datetime:
        if not EARLIEST <= moment.date() <= LATEST:
            raise self.fail(key, f"'{name}' is out of range (got {_show(value)})",
                            f"write a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
        return moment

    def unknown(self, allowed: set[str]) -> list[str]:
        return sorted(str(key) for key in self.meta if key not in allowed)


def parse_moment(value: Any) -> date | datetime | None:
    """Return a date or datetime from a YAML value, or None when it is not one."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return str(value)
