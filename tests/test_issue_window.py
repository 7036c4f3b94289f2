"""An issue's date window: `since:` starts it, and a window that takes too many items says what to do."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.assemble import CROWDED_ISSUE, assemble_editions
from newsletter.build import BuildOptions, load_site
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.importers.wordpress.importer import import_wordpress
from newsletter.scaffold import init_project

from .conftest import SHARED

TZ = ZoneInfo("Europe/Brussels")
START = date(2024, 1, 1)


def item(day: date, number: int) -> NewsItem:
    return NewsItem(source=Path(f"content/news/{number}.md"), slug=f"item-{number}", title=f"Item {number}",
                    date=datetime(day.year, day.month, day.day, 9, tzinfo=TZ), summary="", body_html="")


def issue(day: date, number: int, since: date | None) -> Issue:
    return Issue(source=Path(f"content/issues/{number}.md"), slug=f"issue-{number}", title=f"Issue {number}",
                 date=day, subject="", preheader="", body_html="", since=since)


@settings(max_examples=150, deadline=None)
@given(item_days=st.lists(st.integers(0, 400), max_size=40),
       issues=st.lists(st.tuples(st.integers(0, 400), st.none() | st.integers(0, 400)), min_size=1, max_size=4,
                       unique_by=lambda pair: pair[0]))
def test_an_issue_takes_the_items_of_its_window_and_a_crowded_one_is_reported(item_days, issues):
    items = tuple(item(START + timedelta(days=offset), number) for number, offset in enumerate(item_days))
    ordered = sorted(issues)
    catalog = Catalog(items, tuple(issue(START + timedelta(days=day), number,
                                         START + timedelta(days=since) if since is not None else None)
                                   for number, (day, since) in enumerate(ordered)))
    editions, findings = assemble_editions(catalog, TZ)
    crowded = {finding.where.path for finding in findings if finding.code == "crowded-issue"}
    for index, edition in enumerate(editions):
        after = editions[index - 1].issue.date if index else date.min
        first = edition.issue.since or date.min
        expected = {entry.slug for entry in items if after < entry.date.date() <= edition.issue.date
                    and entry.date.date() >= first}
        assert {entry.slug for entry in edition.items} == expected
        assert (edition.issue.source in crowded) == (len(expected) > CROWDED_ISSUE)
    for finding in findings:
        if finding.code == "crowded-issue":
            assert "items:" in (finding.hint or "") and "since:" in (finding.hint or "")


def test_a_project_that_imports_its_past_keeps_it_out_of_the_first_issue(tmp_path: Path):
    root = tmp_path / "project"
    init_project(root, "Import Test", today=date(2026, 3, 1))
    export = SHARED / "fixtures" / "wordpress" / "themeunittestdata.wordpress.xml"
    report = import_wordpress(export, root / "content" / "news", timezone="Europe/Brussels")
    assert len(report.written) > CROWDED_ISSUE
    site = load_site(root, BuildOptions(as_of=date(2026, 3, 1)))
    assert [entry.slug for entry in site.editions[0].items] == ["welcome"]
    assert not [finding for finding in site.diagnostics if finding.code == "crowded-issue"]
    # Without its `since:` line the first issue takes the whole past, and says what to do about it.
    issue_file = next((root / "content" / "issues").glob("*.md"))
    issue_file.write_text("".join(line for line in issue_file.read_text().splitlines(keepends=True)
                                  if not line.startswith("since:")))
    site = load_site(root, BuildOptions(as_of=date(2026, 3, 1)))
    crowded = [finding for finding in site.diagnostics if finding.code == "crowded-issue"]
    assert len(site.editions[0].items) > CROWDED_ISSUE
    assert len(crowded) == 1 and crowded[0].where.line == 4  # the issue's date line
    assert "window has no start" in crowded[0].message
