"""The report page's charts, drawn by matplotlib as SVG: the same figures give the same bytes."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from newsletter.report.activities import Activity

# matplotlib's SVG ids are random unless salted, and its metadata carries the time of drawing.
_SVG_SETTINGS: dict[Any, Any] = {"svg.hashsalt": "newsletter-report", "svg.fonttype": "none", "font.family": "DejaVu Sans",
                 "font.size": 10}
_INK, _GRID = "#333333", "#DDDDDD"
_MONTH_LABELS = 24  # month names that fit under the chart at the page's width


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its file name under charts/, what it shows, and the counts drawn."""

    name: str
    title: str
    counts: tuple[tuple[str, int], ...]

    @property
    def empty(self) -> bool:
        return not any(count for _, count in self.counts)

    @property
    def description(self) -> str:
        """The chart as text, for its alt attribute."""
        shown = ", ".join(f"{label}: {count}" for label, count in self.counts if count)
        return f"{self.title}: {shown or 'none'}."


def report_charts(rows: Sequence[Activity], months: Sequence[date]) -> list[Chart]:
    """Activities per month, type, work package, partner and channel."""
    per_month = Counter(row.day.replace(day=1) for row in rows)
    return [
        Chart("month", "Activities per month",
              tuple((f"{month:%b %Y}", per_month.get(month, 0)) for month in months)),
        Chart("type", "Activities by type", _ranked(row.activity_type or "Not classified" for row in rows)),
        Chart("work-package", "Activities by work package",
              _ranked((wp for row in rows for wp in row.work_packages), natural=True)),
        Chart("partner", "Activities by partner involved", _ranked(p for row in rows for p in row.partners)),
        Chart("channel", "Activities by channel", _ranked(c for row in rows for c in row.channels)),
    ]


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def chart_svg(chart: Chart, color: str) -> bytes:
    """Draw a chart as SVG: columns over time for months, horizontal bars for the rest."""
    import matplotlib
    from matplotlib.figure import Figure

    labels = [label for label, _ in chart.counts]
    values = [count for _, count in chart.counts]
    with matplotlib.rc_context(_SVG_SETTINGS):
        if chart.name == "month":
            figure = Figure(figsize=(10.0, 2.8))
            axes = figure.add_subplot()
            axes.bar(range(len(values)), values, color=color, width=0.7)
            step = -(-len(labels) // _MONTH_LABELS)  # every month up to two years, then every second, ...
            axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
            axes.yaxis.grid(True, color=_GRID)
        else:
            figure = Figure(figsize=(6.0, max(1.4, 0.36 * len(labels) + 0.8)))
            axes = figure.add_subplot()
            positions = range(len(values))
            axes.barh(positions, values, color=color, height=0.65)
            axes.set_yticks(positions, [_short(label) for label in labels])
            axes.invert_yaxis()
            axes.xaxis.grid(True, color=_GRID)
            for position, value in zip(positions, values):
                axes.annotate(str(value), (value, position), xytext=(4, 0), textcoords="offset points",
                              va="center", color=_INK)
        axes.set_axisbelow(True)
        axes.locator_params(axis="x" if chart.name != "month" else "y", integer=True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(colors=_INK)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return buffer.getvalue()


def _ranked(values: Iterable[str], natural: bool = False) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)
    if natural:
        from newsletter.report.activities import natural_key

        return tuple((label, counts[label]) for label in sorted(counts, key=natural_key))
    return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


def _short(label: str) -> str:
    return label if len(label) <= 42 else label[:40] + "…"
