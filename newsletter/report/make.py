"""`newsletter report`: collect the period's activities and publications and write output/report/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from newsletter.report import REPORT_DIR
from newsletter.report.activities import Activity, collect_activities
from newsletter.report.charts import Chart, chart_svg, months_between, report_charts
from newsletter.report.metrics import Campaign, Metrics, match_campaigns, read_campaigns
from newsletter.report.periods import Span, report_span
from newsletter.report.publications import PublicationRow, collect_publications
from newsletter.report.tables import activities_csv, activities_xlsx, publications_csv
from newsletter.site import Site
from newsletter.templates import Templates



@dataclass(frozen=True)
class ReportOptions:
    """What `newsletter report` was asked for."""

    period: int | None = None
    first: date | None = None
    last: date | None = None
    as_of: date | None = None
    metrics: Path | None = None
    out_dir: Path | None = None


@dataclass(frozen=True)
class Report:
    """A report in memory: its rows, figures and files (paths relative to output/)."""

    span: Span
    as_of: date
    activities: tuple[Activity, ...]
    publications: tuple[PublicationRow, ...]
    charts: tuple[Chart, ...]
    unmatched: tuple[Campaign, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)


def make_report(root: Path, options: ReportOptions = ReportOptions()) -> Report:
    """Load the project and render every file of the report, in memory."""
    from newsletter.build import BuildOptions, load_site, project_templates
    from newsletter.settings.load import load_settings

    settings = load_settings(root)
    as_of = options.as_of or datetime.now(settings.project.tz).date()
    span = report_span(settings.report, as_of, options.period, options.first, options.last)
    site = load_site(root, BuildOptions(as_of=as_of), settings)
    metrics = None
    if options.metrics is not None:
        metrics = match_campaigns(read_campaigns(options.metrics), site.released, options.metrics)
    activities = collect_activities(site, span, metrics.reach if metrics else None)
    publications = collect_publications(site, span)
    months = _months(span, as_of, activities)
    charts = report_charts(activities, months)
    report = Report(span, as_of, tuple(activities), tuple(publications), tuple(charts),
                    metrics.unmatched if metrics else ())
    color = settings.brand.primary_color
    files = {
        f"{REPORT_DIR}/activities.csv": activities_csv(activities),
        f"{REPORT_DIR}/activities.xlsx": activities_xlsx(activities, min(span.last, as_of)),
        f"{REPORT_DIR}/publications.csv": publications_csv(publications),
        **{f"{REPORT_DIR}/charts/{chart.name}.svg": chart_svg(chart, color) for chart in charts if not chart.empty},
        f"{REPORT_DIR}/index.html": _page(site, report, metrics, project_templates(root)),
    }
    report.files.update(files)
    return report


def write_report(root: Path, options: ReportOptions = ReportOptions()) -> tuple[Report, list[Path]]:
    """Make the report and write its files, each atomically; return it with the paths written."""
    from newsletter.atomic import write_file
    from newsletter.write import check_out_dir

    out_dir = (options.out_dir or root / "output").resolve()
    check_out_dir(root, out_dir)
    report = make_report(root, options)
    written = []
    for path, data in sorted(report.files.items()):
        target = out_dir / path
        write_file(target, data)
        written.append(target)
    for chart in report.charts:  # a chart with nothing to draw this time: its old picture goes
        stale = out_dir / REPORT_DIR / "charts" / f"{chart.name}.svg"
        if chart.empty and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    return report, written


def _months(span: Span, as_of: date, activities: list[Activity]) -> list[date]:
    last = min(span.last, as_of)
    first = span.first if span.first != date.min else (activities[0].day if activities else last)
    return months_between(first, max(first, last))


def _page(site: Site, report: Report, metrics: Metrics | None, templates: Templates) -> bytes:
    from newsletter.report.page import render_page

    return render_page(site, report, metrics, templates).encode("utf-8")
