"""index.html of the report: the period's key figures, charts and rows for the coordinator."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from newsletter.report.metrics import Metrics
from newsletter.site import Site
from newsletter.templates import Templates

if TYPE_CHECKING:
    from newsletter.report.make import Report


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: a number, what it counts, and a line of detail."""

    value: str
    label: str
    detail: str = ""


def key_figures(report: Report) -> list[Figure]:
    """The figures a coordinator looks for first."""
    rows = report.activities
    issues = [row for row in rows if row.item_type == "issue"]
    events = [row for row in rows if row.item_type == "event"]
    types = Counter(row.activity_type for row in rows if row.activity_type)
    unclassified = sum(1 for row in rows if not row.activity_type)
    publications = report.publications
    open_access = sum(1 for row in publications if row.open_access)
    sized = [row.audience_size for row in rows if row.audience_size is not None]
    opened = [row.reach for row in issues if row.reach is not None]
    share = f"{round(100 * open_access / len(publications))}% open access" if publications else "none yet"
    return [
        Figure(str(len(rows)), _plural(len(rows), "activity", "activities"), f"{len(types)} {_plural(len(types), 'type', 'types')}" + (f", {unclassified} not classified"
                                                                       if unclassified else "")),
        Figure(str(len(issues)), _plural(len(issues), "newsletter sent", "newsletters sent"),
               f"{sum(opened):,} opens reported" if opened else "opens: add --metrics FILE"),
        Figure(str(len(publications)), _plural(len(publications), "publication", "publications"), share),
        Figure(str(len(events)), _plural(len(events), "event", "events"), "organised or attended"),
        Figure(f"{sum(sized):,}" if sized else "–", "people reached",
               f"where known ({len(sized)} of {len(rows)} activities)"),
    ]


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def render_page(site: Site, report: Report, metrics: Metrics | None, templates: Templates) -> str:
    """The report page, from the theme's report/index.html (a project's templates/ may override it)."""
    span = report.span
    return templates.render(
        "report/index.html",
        project=site.settings.project,
        funding=site.settings.funding,
        brand=site.settings.brand,
        partners=site.settings.partners,
        first=None if span.first == date.min else span.first,
        last=min(span.last, report.as_of),
        period=span.period,
        as_of=report.as_of,
        figures=key_figures(report),
        charts=report.charts,
        activities=report.activities,
        publications=report.publications,
        metrics=metrics,
        unmatched=report.unmatched,
    )
