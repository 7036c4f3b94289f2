"""The `[report]` table of newsletter.toml: when the project started and when its reporting periods end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader


@dataclass(frozen=True, slots=True)
class ReportSettings:
    start: date | None = None  # the project's first day: month 1 starts here
    periods: tuple[int, ...] = ()  # the months at which reporting periods end, ascending
    lead: str | None = None  # partner (short) who leads the newsletter; default the coordinator
    activity_types: tuple[str, ...] = ()  # further activity types the Portal shows this project
    audiences: tuple[str, ...] = ()  # further audience types


def read_report(top: TableReader) -> ReportSettings:
    """Read `[report]`; problems go to the table's list like every other table's."""
    table = top.table("report")
    start = table.get("start", date)
    if start is not None and not type(start) is date:  # a TOML datetime is a date too in Python
        table.problems.append(f"'report.start' must be a day, such as 2023-06-01 (got {start!r})")
        start = None
    periods = table.get("periods", list, [])
    if not all(isinstance(month, int) and not isinstance(month, bool) and month > 0 for month in periods) \
            or list(periods) != sorted(set(periods)):
        table.problems.append(f"'report.periods' must be months in increasing order, such as [18, 36, 48] "
                              f"(got {periods!r})")
        periods = []
    if periods and start is None:
        table.problems.append("'report.periods' needs 'report.start', the project's first day: "
                              "write start = 2023-06-01 under [report]")
    lead = table.text("lead")
    shorts = _partner_shorts(top)
    if lead is not None and lead not in shorts:
        table.problems.append(f"'report.lead' must be a partner's short name (got {lead!r}); "
                              f"use one of {', '.join(shorts) or 'the [[partners]] short names'}")
        lead = None
    return ReportSettings(start=start, periods=tuple(periods), lead=lead,
                          activity_types=_texts(table, "activity_types"), audiences=_texts(table, "audiences"))


def _partner_shorts(top: TableReader) -> list[str]:
    """The partners' short names as [[partners]] writes them (the name where no short is given)."""
    entries = top.data.get("partners")
    return [str(entry.get("short") or entry.get("name") or "").strip() for entry in entries
            if isinstance(entry, dict)] if isinstance(entries, list) else []


def _texts(table: TableReader, name: str) -> tuple[str, ...]:
    values = table.get(name, list, [])
    if not all(isinstance(value, str) and value.strip() for value in values):
        table.problems.append(f"'report.{name}' must be a list of text")
        return ()
    return tuple(value.strip() for value in values)


DOC = TableDoc("report", "`newsletter report`: the project's reporting periods, for the funder's dissemination report.",
               "#the-report-for-the-funder", (
    KeyDoc("start", "The project's first day, as in the grant agreement: month 1 starts here.", "2025-01-01"),
    KeyDoc("periods", "The months at which reporting periods end, in increasing order.", "[18, 36, 48]"),
    KeyDoc("lead", "The partner (its short name) who leads the newsletter; the coordinator if left out.", '"EIT"'),
    KeyDoc("activity_types", "Further activity types the Funding & Tenders Portal shows your project.", '["Hackathon"]'),
    KeyDoc("audiences", "Further audience types the Portal shows your project.", '["Patients"]'),
))

TABLE = SettingsTable("report", read_report, doc=DOC)
