"""An item's `report:` block, checked against the funder's vocabularies at the line that writes it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from newsletter.content.fields import Fields
from newsletter.content.models import ReportEntry
from newsletter.diagnostics import Diagnostic, closest, warning
from newsletter.errors import FieldError
from newsletter.report.vocabulary import ACTIVITY_TYPES, AUDIENCES
from newsletter.settings.load import Settings

REPORT_KEYS = ("activity", "audience", "audience_size", "countries", "lead")
# ISO 3166-1 alpha-2, plus the two codes EU documents use for Greece and the United Kingdom.
_COUNTRY = re.compile(r"[A-Z]{2}")


def activity_types(settings: Settings) -> tuple[str, ...]:
    """Every activity type a `report.activity` may name: the funder's, then the project's own."""
    return (*ACTIVITY_TYPES, *settings.report.activity_types)


def audience_types(settings: Settings) -> tuple[str, ...]:
    return (*AUDIENCES, *settings.report.audiences)


def read_report_block(fields: Fields, settings: Settings, diagnostics: list[Diagnostic]) -> ReportEntry | None:
    """The item's `report:` block; an unknown activity, audience, lead or country is an error at its line."""
    value = fields.raw("report")
    if value is None:
        return None
    if value is False:
        return ReportEntry(skip=True)
    if not isinstance(value, dict):
        raise fields.fail("report", "'report' must be a mapping, or false to leave the item out of the report",
                          "write 'report:' followed by indented lines such as '  activity: Press release'")
    for name in sorted(str(name) for name in value if name not in REPORT_KEYS):
        meant = closest(name, REPORT_KEYS)
        diagnostics.append(warning(
            "unknown-key", fields.document.where(f"report.{name}"), f"unknown key 'report.{name}' is ignored",
            f"did you mean '{meant}:'?" if meant else f"the keys of 'report:' are {', '.join(REPORT_KEYS)}"))
    activity = value.get("activity")
    return ReportEntry(
        activity=None if activity is None else _term(fields, "activity", activity, activity_types(settings)),
        audience=tuple(_term(fields, "audience", term, audience_types(settings))
                       for term in _listed(fields, "audience", value.get("audience"))),
        audience_size=_size(fields, value.get("audience_size")),
        countries=tuple(_country(fields, code) for code in _listed(fields, "countries", value.get("countries"))),
        lead=_lead(fields, value.get("lead"), settings),
    )


def _term(fields: Fields, key: str, written: Any, allowed: Sequence[str]) -> str:
    """The funder's own spelling of `written`, which may differ in case only."""
    text = str(written).strip() if isinstance(written, (str, int)) else ""
    by_lower = {term.lower(): term for term in allowed}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    meant = closest(text, allowed) or next((term for term in allowed if text and text.lower() in term.lower()), None)
    hint = f"did you mean '{meant}'? " if meant else ""
    raise FieldError(f"'report.{key}' is not one of the funder's terms (got \"{text}\")",
                     fields.document.where(f"report.{key}"),
                     f"{hint}the {key} types are: {'; '.join(allowed)}")


def _listed(fields: Fields, key: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in (piece.strip() for piece in value.split(";" if ";" in value else ",")) if part]
    if not isinstance(value, list):
        raise FieldError(f"'report.{key}' must be a list", fields.document.where(f"report.{key}"),
                         f"write '{key}: [first, second]' under 'report:'")
    return value


def _size(fields: Fields, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FieldError(f"'report.audience_size' must be a whole number of people (got {value!r})",
                         fields.document.where("report.audience_size"), "write 'audience_size: 120' under 'report:'")
    return value


def _country(fields: Fields, value: Any) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ""
    if not _COUNTRY.fullmatch(code):
        raise FieldError(f"'report.countries' must hold two-letter country codes (got {value!r})",
                         fields.document.where("report.countries"),
                         "write ISO 3166 codes, such as 'countries: [LU, FR, DE]'")
    return code


def _lead(fields: Fields, value: Any, settings: Settings) -> str | None:
    if value is None:
        return None
    shorts = [partner.short for partner in settings.partners]
    text = str(value).strip()
    by_lower = {short.lower(): short for short in shorts}
    for partner in settings.partners:  # the full name works too
        by_lower.setdefault(partner.name.lower(), partner.short)
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    meant = closest(text, shorts)
    raise FieldError(f"'report.lead' is not a partner (got \"{text}\")", fields.document.where("report.lead"),
                     (f"did you mean '{meant}'? " if meant else "") +
                     f"write the short name of one of the [[partners]]: {', '.join(shorts) or 'none are listed'}")
