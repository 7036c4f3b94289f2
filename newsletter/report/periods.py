"""Reporting periods: month 1 starts on `[report] start`; period N ends with the month `periods[N-1]`."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from newsletter.errors import UsageError
from newsletter.settings.report import ReportSettings


@dataclass(frozen=True, slots=True)
class Span:
    """The days a report covers, both ends included; `period` when it is one reporting period."""

    first: date
    last: date
    period: int | None = None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 January + 1: 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_span(report: ReportSettings, number: int) -> Span:
    """The days of reporting period `number` (1-based)."""
    if report.start is None or not report.periods:
        raise UsageError("newsletter.toml has no reporting periods",
                         hint="add [report] with start = 2023-06-01 and periods = [18, 36, 48], or use --from/--to")
    if not 1 <= number <= len(report.periods):
        raise UsageError(f"there is no reporting period {number}",
                         hint=f"use --period 1 to {len(report.periods)} (the periods end at months "
                              f"{', '.join(str(month) for month in report.periods)})")
    first_month = report.periods[number - 2] if number > 1 else 0
    return Span(add_months(report.start, first_month),
                add_months(report.start, report.periods[number - 1]) - timedelta(days=1), number)


def period_of(report: ReportSettings, day: date) -> int | None:
    """The reporting period a day falls in; None before the start or after the last period."""
    if report.start is None or day < report.start:
        return None
    return next((number for number in range(1, len(report.periods) + 1)
                 if day in period_span(report, number)), None)


def report_span(report: ReportSettings, as_of: date, period: int | None = None,
                first: date | None = None, last: date | None = None) -> Span:
    """What `newsletter report` covers: one period, the days asked for, or the project's start to `as_of`."""
    if period is not None:
        if first is not None or last is not None:
            raise UsageError("--period and --from/--to each choose the days to report",
                             hint="give either --period N, or --from DATE and --to DATE")
        return period_span(report, period)
    span = Span(first or report.start or date.min, last or as_of)
    if span.first > span.last:
        raise UsageError(f"the report would end ({span.last}) before it starts ({span.first})",
                         hint="give a --from date on or before the --to date")
    return span
