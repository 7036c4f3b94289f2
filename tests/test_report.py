"""`newsletter report`: the funder's dissemination report, checked against the content it comes from."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from openpyxl import load_workbook

from newsletter.cli import cli
from newsletter.content.loader import ContentProblems
from newsletter.csvfiles import neutralize
from newsletter.errors import UsageError
from newsletter.report.make import ReportOptions, make_report
from newsletter.report.metrics import match_campaigns, read_campaigns
from newsletter.report.periods import add_months, period_of, period_span, report_span
from newsletter.settings.report import ReportSettings
from newsletter.report.tables import ACTIVITY_COLUMNS, PUBLICATION_COLUMNS
from newsletter.report.vocabulary import ACTIVITY_TYPES, AUDIENCES

from .conftest import EXAMPLE_AS_OF, REPO, copy_example
from .validators import nu_errors

FIXTURES = Path(__file__).parent / "fixtures" / "report"
START = date(2023, 6, 1)  # the example's [report] start; its periods end at months 18, 36 and 48


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("report") / "example")


@pytest.fixture(scope="module")
def reports(example: Path) -> dict[object, object]:
    """The example's report for the whole project and for each period, made once for the module."""
    made: dict[object, object] = {"all": make_report(example, ReportOptions(as_of=EXAMPLE_AS_OF))}
    for period in (1, 2, 3):
        made[period] = make_report(example, ReportOptions(period=period, as_of=EXAMPLE_AS_OF))
    return made


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_periods_of_the_example_split_at_months_18_and_36(reports):
    assert reports[1].span.first == START and reports[1].span.last == date(2024, 11, 30)
    assert reports[2].span.first == date(2024, 12, 1) and reports[2].span.last == date(2026, 5, 31)
    assert reports[3].span.first == date(2026, 6, 1) and reports[3].span.last == date(2027, 5, 31)


def test_each_period_lists_what_was_done_in_it_row_by_row(reports):
    period_1 = rows_of(reports[1].files["report/activities.csv"])
    assert [(row["date"], row["activity_type"]) for row in period_1] == [
        ("2023-06-14", "Website"), ("2023-06-28", "Press release"), ("2023-09-26", "Website"),
        ("2023-12-12", "Website"), ("2023-12-14", "Website"), ("2023-12-20", "Newsletter"),
        ("2024-02-08", "Website"),
        ("2024-03-05", "Participation in activities organized jointly with other EU projects"),
        ("2024-04-16", "Scientific publication"),
        ("2024-06-11", "Participation to a Conference"),  # the symposium's first day, not its announcement
        ("2024-06-26", "Newsletter"), ("2024-09-09", "Training"), ("2024-09-24", "Website"),
        ("2024-10-17", "Website"), ("2024-11-20", "Website"),
    ]
    assert {row["period"] for row in period_1} == {"1"}
    # The data management plan says `report: false`; the draft is not published.
    assert not any("management plan" in row["title"] or "mid-term" in row["title"] for row in period_1)
    period_2 = rows_of(reports[2].files["report/activities.csv"])
    assert [(row["date"], row["title"], row["period"]) for row in period_2] == [
        ("2024-12-18", "OPINCHARGE Newsletter #3: open data and a year of learning together", "2")]
    assert rows_of(reports[3].files["report/activities.csv"]) == []
    whole = rows_of(reports["all"].files["report/activities.csv"])
    assert whole == period_1 + period_2


def test_an_item_row_takes_its_report_block_and_defaults_from_the_partners(reports):
    rows = {row["title"]: row for row in rows_of(reports["all"].files["report/activities.csv"])}
    symposium = rows["Meet OPINCHARGE at the European Battery Interfaces Symposium in Karlsruhe"]
    assert symposium["audience_size"] == "250" and symposium["countries"] == "DE; FR; ES; LU; IT; NL"
    assert symposium["lead"] == "PEDAL"  # its author, PEDAL Consulting
    press = rows["Press release: European researchers set out to film batteries from the inside"]
    assert press["audience"] == "Media; General Public"
    school = rows["Summer school on operando battery characterisation in Paderborn"]
    assert school["lead"] == "UPB" and "UPB" in school["partners"].split("; ") and "DE" in school["countries"]
    assert school["url"] == "https://opincharge.eu/newsletter/news/summer-school-paderborn/"
    assert set(school["channels"].split("; ")) == {"website", "newsletter", "social media"}


def test_an_issue_row_is_a_newsletter_led_by_the_report_lead(reports):
    issues = [row for row in rows_of(reports["all"].files["report/activities.csv"])
              if row["activity_type"] == "Newsletter"]
    assert [(row["date"], row["url"]) for row in issues] == [
        ("2023-12-20", "https://opincharge.eu/newsletter/issues/issue-1/"),
        ("2024-06-26", "https://opincharge.eu/newsletter/issues/issue-2/"),
        ("2024-12-18", "https://opincharge.eu/newsletter/issues/issue-3/"),
    ]
    assert {row["lead"] for row in issues} == {"PEDAL"} and {row["countries"] for row in issues} == {"SK"}
    assert {row["channels"] for row in issues} == {"email; website"}


def test_every_term_is_the_funders_and_every_column_is_there(reports):
    data = reports["all"].files["report/activities.csv"]
    assert data.decode().split("\r\n", 1)[0] == ",".join(ACTIVITY_COLUMNS)
    for row in rows_of(data):
        assert row["activity_type"] in ACTIVITY_TYPES
        assert all(term in AUDIENCES for term in row["audience"].split("; ") if term)


def test_publications_list_doi_authors_and_open_access(reports):
    data = reports["all"].files["report/publications.csv"]
    assert data.decode().split("\r\n", 1)[0] == ",".join(PUBLICATION_COLUMNS)
    assert rows_of(data) == [{
        "doi": "10.5281/zenodo.0000000",
        "title": "New paper: tracing lithium through the interphase with isotope labelling",
        "authors": "A. Martin; L. Dubois; J. Weber; M. Etxeberria",
        "venue": "Example Journal of Battery Interfaces, vol. 1", "year": "2024", "open_access": "yes",
        "open_access_url": "https://zenodo.org/records/0000000",
        "url": "https://opincharge.eu/newsletter/news/isotope-labelling-interphase-paper/",
    }]


def test_the_workbook_reads_back_with_a_frozen_filtered_header_and_real_dates(reports):
    report = reports["all"]
    book = load_workbook(io.BytesIO(report.files["report/activities.xlsx"]))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == list(ACTIVITY_COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{chr(ord('A') + len(ACTIVITY_COLUMNS) - 1)}{sheet.max_row}"
    csv_rows = rows_of(report.files["report/activities.csv"])
    assert sheet.max_row == len(csv_rows) + 1
    for cells, row in zip(sheet.iter_rows(min_row=2, values_only=True), csv_rows):
        assert isinstance(cells[0], datetime) and cells[0].date().isoformat() == row["date"]
        assert [("" if value is None else str(value)) for value in cells[1:]] == list(row.values())[1:]
    title_width = sheet.column_dimensions["B"].width
    assert max(len(row["title"]) for row in csv_rows) <= title_width or title_width == 60
    assert all(sheet.column_dimensions[letter].width >= len(name) for letter, name in zip("ABCDEFGHIJKLM", ACTIVITY_COLUMNS))


def test_two_runs_give_the_same_bytes_and_the_workbook_carries_no_clock(example, reports):
    again = make_report(example, ReportOptions(as_of=EXAMPLE_AS_OF))
    assert again.files == reports["all"].files
    with zipfile.ZipFile(io.BytesIO(again.files["report/activities.xlsx"])) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]+)<", core) == [
        ("created", "2024-12-31T00:00:00Z"), ("modified", "2024-12-31T00:00:00Z")]
    for name, data in again.files.items():
        if name.endswith(".svg"):
            assert b"<dc:date>" not in data and b"hashsalt" not in data


def test_the_page_is_valid_html_with_its_charts_and_figures(reports, tmp_path):
    for name, data in reports["all"].files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    page = tmp_path / "report" / "index.html"
    assert nu_errors([page]) == []
    html = page.read_text()
    charts = re.findall(r'<img src="(charts/[a-z-]+\.svg)" alt="([^"]+)"', html)
    assert [src for src, _ in charts] == [f"charts/{name}.svg" for name in
                                          ("month", "type", "work-package", "partner", "channel")]
    for src, alt in charts:
        svg = (page.parent / src).read_bytes()
        assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<path" in svg
        assert alt.endswith(".") and ":" in alt
    figures = dict(re.findall(r'<span class="value">([^<]+)</span><span class="label">([^<]+)</span>', html))
    assert figures == {"16": "activities", "3": "newsletters sent", "1": "publication", "2": "events",
                       "282": "people reached"}


def test_the_reach_of_each_issue_comes_from_a_mailchimp_export(example):
    report = make_report(example, ReportOptions(as_of=EXAMPLE_AS_OF, metrics=FIXTURES / "mailchimp-campaigns.csv"))
    issues = {row.title[:24]: row for row in report.activities if row.item_type == "issue"}
    assert issues["OPINCHARGE Newsletter #1"].audience_size == 412 and issues["OPINCHARGE Newsletter #1"].reach == 187
    assert issues["OPINCHARGE Newsletter #2"].audience_size == 1038 and issues["OPINCHARGE Newsletter #2"].reach == 463
    assert issues["OPINCHARGE Newsletter #3"].audience_size is None
    assert [(campaign.line, campaign.subject) for campaign in report.unmatched] == [
        (4, "Last days to apply: OPINCHARGE summer school")]
    assert "Last days to apply" in report.files["report/index.html"].decode()


def test_brevo_campaigns_match_by_name_or_by_send_date(example):
    report = make_report(example, ReportOptions(as_of=EXAMPLE_AS_OF, metrics=FIXTURES / "brevo-campaigns.csv"))
    sizes = {row.day: (row.audience_size, row.reach) for row in report.activities if row.item_type == "issue"}
    assert sizes == {date(2023, 12, 20): (None, None), date(2024, 6, 26): (1040, 470), date(2024, 12, 18): (1212, 530)}
    assert [campaign.name for campaign in report.unmatched] == ["Webinar invitation"]


HEADER_VARIANTS = {
    "subject": ["Subject", "subject", "Subject line", "Email Subject"],
    "date": ["Send Date", "sentDate", "Sent date", "Date sent", "send_time"],
    "recipients": ["Total Recipients", "Recipients", "sent", "emails_sent"],
    "opens": ["Unique Opens", "Opened", "uniqueViews", "unique_opens"],
}


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    names=st.fixed_dictionaries({key: st.sampled_from(values) for key, values in HEADER_VARIANTS.items()}),
    delimiter=st.sampled_from([",", ";", "\t"]),
    counts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=4),
    grouped=st.booleans(),
)
def test_a_campaign_export_reads_back_whatever_its_header_variant_and_separator(
        tmp_path_factory, names, delimiter, counts, grouped):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    order = ["subject", "date", "recipients", "opens"]
    writer.writerow([names[key] for key in order])
    for index, (recipients, opens) in enumerate(counts):
        shown = (lambda n: f"{n:,}") if grouped and delimiter != "," else str
        writer.writerow([f"Campaign {index}", f"2024-0{index + 1}-15", shown(recipients), shown(opens)])
    path = tmp_path_factory.mktemp("metrics") / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    campaigns = read_campaigns(path)
    assert [(c.subject, c.sent, c.recipients, c.opens) for c in campaigns] == [
        (f"Campaign {index}", date(2024, index + 1, 15), recipients, opens)
        for index, (recipients, opens) in enumerate(counts)]
    assert match_campaigns(campaigns, (), path).unmatched == tuple(campaigns)


def test_an_export_without_counts_is_one_error_at_its_header(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Email,First name\nada@example.org,Ada\n")
    with pytest.raises(Exception) as caught:
        read_campaigns(path)
    assert str(caught.value).startswith(f"{path}:1: the campaign report has no column of recipients or opens")


@hypothesis_settings(max_examples=200, deadline=None)
@given(start=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
       ends=st.lists(st.integers(1, 120), min_size=1, max_size=5, unique=True).map(sorted),
       offset=st.integers(-40, 4000))
def test_periods_follow_each_other_day_after_day(start, ends, offset):
    report = ReportSettings(start=start, periods=tuple(ends))
    spans = [period_span(report, number) for number in range(1, len(ends) + 1)]
    assert spans[0].first == start and spans[-1].last == add_months(start, ends[-1]) - timedelta(days=1)
    for before, after in zip(spans, spans[1:]):
        assert after.first == before.last + timedelta(days=1)
    day = start + timedelta(days=offset)
    inside = [span.period for span in spans if day in span]
    assert period_of(report, day) == (inside[0] if inside else None) and len(inside) <= 1


def test_days_at_the_boundaries_fall_in_the_right_period(make_project):
    item = "---\ntitle: {title}\ndate: {day}\ntype: press\n---\nText.\n"
    root = make_project({
        "newsletter.toml": (REPO / "tests" / "fixtures" / "report" / "boundaries.toml").read_text(),
        "content/news/2024-01-10-first-item.md": None,
        "content/news/a.md": item.format(title="Last day of period 1", day="2024-06-30"),
        "content/news/b.md": item.format(title="First day of period 2", day="2024-07-01"),
        "content/news/c.md": item.format(title="Before the start", day="2023-12-31"),
        "content/news/d.md": "---\ntitle: Planned workshop\ndate: 2024-06-01\ntype: event\nevent:\n"
                             "  start: 2025-03-01\n---\nText.\n",
        "content/issues/2024-01-31-issue-1.md": "---\ntitle: Issue one\ndate: 2024-07-01\n---\nHello.\n",
        "content/issues/2024-08-01-issue-2.md": "---\ntitle: Issue two\ndate: 2025-02-01\n---\nHello.\n",
    })
    whole = make_report(root, ReportOptions(as_of=date(2024, 12, 31)))
    assert [(row.title, row.period) for row in whole.activities] == [
        ("Last day of period 1", 1), ("First day of period 2", 2), ("Issue one", 2)]
    chosen = make_report(root, ReportOptions(first=date(2023, 12, 31), last=date(2024, 6, 30), as_of=date(2024, 12, 31)))
    assert [(row.title, row.period) for row in chosen.activities] == [
        ("Before the start", None), ("Last day of period 1", 1)]


@pytest.mark.parametrize(("block", "line", "expected"), [
    ("report:\n  activity: Workshop\n", 6, "'report.activity' is not one of the funder's terms (got \"Workshop\"); "
                                           "did you mean 'Organisation of a Workshop'?"),
    ("report:\n  activity: Press relase\n", 6, "did you mean 'Press release'?"),
    ("report:\n  audience: [Media, Polcy makers]\n", 6, "did you mean 'Policy makers'?"),
    ("report:\n  lead: CNSR\n", 6, "'report.lead' is not a partner (got \"CNSR\"); did you mean 'CNRS'?"),
    ("report:\n  audience_size: many\n", 6, "'report.audience_size' must be a whole number"),
    ("report:\n  countries: [France]\n", 6, "'report.countries' must hold two-letter country codes"),
])
def test_a_wrong_report_value_is_an_error_at_its_line(example_project, block, line, expected):
    path = example_project / "content" / "news" / "2023-06-28-launch-press-release.md"
    text = path.read_text()
    path.write_text(text.replace("type: press\n", "type: press\n" + block, 1))
    with pytest.raises(ContentProblems) as caught:
        make_report(example_project, ReportOptions(as_of=EXAMPLE_AS_OF))
    assert str(caught.value).startswith(f"content/news/2023-06-28-launch-press-release.md:{line + 1 - 1}:")
    assert expected in str(caught.value)


def test_check_warns_about_what_the_report_cannot_classify_or_report_in_full(make_project):
    from newsletter.check import check_project

    root = make_project({
        "newsletter.toml": (FIXTURES / "boundaries.toml").read_text(),
        "content/news/2024-02-01-paper.md": "---\ntitle: A paper\ndate: 2024-02-01\ntype: publication\n"
                                            "publication:\n  venue: Some journal\n---\nText.\n",
        "content/news/2024-02-02-kit.md": "---\ntitle: A kit\ndate: 2024-02-02\ntype: deliverable\n"
                                          "report: false\n---\nText.\n",
    })
    findings = {(f.code, str(f.where)) for f in check_project(root, as_of=date(2024, 12, 31))}
    assert ("unclassified-activity", "content/news/2024-01-10-first-item.md:1") in findings
    assert ("publication-without-doi", "content/news/2024-02-01-paper.md:5") in findings
    assert ("publication-not-open", "content/news/2024-02-01-paper.md:5") in findings
    assert not any("2024-02-02-kit" in where for _, where in findings)


@hypothesis_settings(max_examples=25, deadline=None)
@given(title=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30)
       .map(lambda text: "=" + text.strip()).filter(lambda text: len(text) > 1))
def test_a_title_that_looks_like_a_formula_stays_text(tmp_path_factory, title):
    from newsletter.report.activities import Activity
    from newsletter.report.tables import activities_csv, activities_xlsx

    row = Activity(day=date(2024, 5, 1), title=title, activity_type="Website", lead=None, partners=(),
                   work_packages=(), audience=(), audience_size=None, countries=(), url="https://example.org/",
                   channels=(), period=None, source=Path("x.md"), item_type="news")
    assert rows_of(activities_csv([row]))[0]["title"] == neutralize(title)
    cell = load_workbook(io.BytesIO(activities_xlsx([row], date(2024, 5, 1)))).active["B2"]
    assert cell.data_type == "s" and cell.value == title


def test_the_command_writes_output_report_and_names_what_it_could_not_match(example, runner):
    result = runner.invoke(cli, ["--project", str(example), "report", "--period", "1", "--as-of", "2024-12-31",
                                 "--metrics", str(FIXTURES / "mailchimp-campaigns.csv")])
    assert result.exit_code == 0, result.output
    assert "15 activities (2 newsletters), 1 publication" in result.output
    assert "campaign not matched to an issue (line 4): Last days to apply" in result.output
    written = sorted(path.relative_to(example / "output").as_posix() for path in (example / "output").rglob("*"))
    assert [path for path in written if not path.startswith("report/charts/")] == [
        "report", "report/activities.csv", "report/activities.xlsx", "report/charts", "report/index.html",
        "report/publications.csv"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--period", "4"], "error: there is no reporting period 4; use --period 1 to 3"),
    (["--period", "1", "--from", "2024-01-01"], "error: --period and --from/--to each choose the days to report"),
    (["--from", "2024-05-01", "--to", "2024-01-01"], "error: the report would end (2024-01-01) before it starts"),
    (["--metrics", "missing.csv"], "error: no file missing.csv; give the CSV file"),
])
def test_a_wrong_request_is_one_line_without_a_traceback(example, runner, arguments, message):
    result = runner.invoke(cli, ["--project", str(example), "report", "--as-of", "2024-12-31", *arguments])
    assert result.exit_code != 0 and result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_report_span_without_periods_asks_for_them():
    with pytest.raises(UsageError, match="no reporting periods"):
        report_span(ReportSettings(), date(2024, 1, 1), period=1)


@pytest.mark.parametrize(("table", "message"), [
    ("start = 2024-01-01\nperiods = [18, 12]", "10: 'report.periods' must be months in increasing order"),
    ("periods = [18]", "9: 'report.periods' needs 'report.start'"),
    ("start = 2024-01-01T10:00:00\nperiods = [18]", "9: 'report.start' must be a day"),
    ("start = 2024-01-01\nlead = \"NOBODY\"", "10: 'report.lead' must be a partner's short name (got 'NOBODY')"),
])
def test_a_wrong_report_table_is_a_setting_error_at_its_line(make_project, table, message):
    from newsletter.errors import SettingsError
    from newsletter.settings.load import load_settings

    root = make_project({"newsletter.toml": (FIXTURES / "boundaries.toml").read_text().replace(
        "start = 2024-01-01\nperiods = [6, 12]", table)})
    with pytest.raises(SettingsError) as caught:
        load_settings(root)
    assert str(caught.value).startswith("newsletter.toml:" + message)


def test_a_chart_with_nothing_to_draw_is_a_note_and_its_old_picture_goes(make_project):
    from newsletter.report.make import write_report

    root = make_project({"newsletter.toml": (FIXTURES / "boundaries.toml").read_text(),
                         "content/news/2024-01-10-first-item.md": "---\ntitle: A\ndate: 2024-01-10\ntype: press\n"
                                                                  "work_packages: [WP2]\n---\nText.\n"})
    charts = root / "output" / "report" / "charts"
    write_report(root, ReportOptions(as_of=date(2024, 12, 31)))
    assert (charts / "work-package.svg").is_file()
    item = root / "content" / "news" / "2024-01-10-first-item.md"
    item.write_text(item.read_text().replace("work_packages: [WP2]\n", ""))
    report, _ = write_report(root, ReportOptions(as_of=date(2024, 12, 31)))
    assert not (charts / "work-package.svg").exists() and (charts / "type.svg").is_file()
    assert "None in these activities." in report.files["report/index.html"].decode()


@hypothesis_settings(max_examples=60, deadline=None)
@given(term=st.sampled_from(ACTIVITY_TYPES), case=st.sampled_from([str.lower, str.upper, str.title, str]),
       typo=st.booleans())
def test_an_activity_is_the_funders_term_in_any_case_and_a_typo_names_it(term, case, typo):
    from newsletter.content.fields import Fields
    from newsletter.content.frontmatter import parse_document
    from newsletter.errors import FieldError
    from newsletter.report.frontmatter import read_report_block
    from newsletter.settings.load import load_settings

    written = case(term)
    if typo:  # one letter left out of the longest word
        word = max(written.split(), key=len)
        written = written.replace(word, word[:2] + word[3:], 1)
    document = parse_document(f'---\ntitle: T\ndate: 2024-01-01\nreport:\n  activity: "{written}"\n---\nText.\n',
                              Path("content/news/t.md"))
    settings = load_settings(REPO)
    if not typo:
        entry = read_report_block(Fields(document), settings, [])
        assert entry is not None and entry.activity == term
        return
    with pytest.raises(FieldError) as caught:
        read_report_block(Fields(document), settings, [])
    message = str(caught.value)
    assert message.startswith("content/news/t.md:5: 'report.activity' is not one of the funder's terms")
    assert f"did you mean '{term}'?" in message
    assert all(allowed in message for allowed in ACTIVITY_TYPES)  # the allowed values, every one
