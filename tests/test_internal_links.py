"""No output links to a file the build did not write; links to items' files become their pages."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project, load_site, project_templates, render_site
from newsletter.check import check_project
from newsletter.checks.dead_links import check_internal_links
from newsletter.outputs import Output
from newsletter.site import Site

from .outputs import built_files, html_urls, link_faults

SITE_URL = "https://example.org/news/"
SETTINGS = f"""\
[project]
name = "Links"
site_url = "{SITE_URL}"
timezone = "Europe/Brussels"

[funding]
grant_agreement = "101104032"
granting_authority = "CINEA"

[email]
esp = "mailchimp"
from = "Links <news@example.org>"
"""
START = date(2024, 3, 1)
# The example's timeline: before its first item, each issue's eve and day, after the last.
EXAMPLE_DAYS = [date(2023, 6, 13), date(2023, 12, 19), date(2023, 12, 20), date(2024, 6, 25), date(2024, 12, 17),
                date(2024, 12, 18)]


def render(root: Path, as_of: date) -> tuple[Site, list[Output]]:
    site = load_site(root, BuildOptions(as_of=as_of, use_cache=False))
    return site, render_site(site, project_templates(root))


def assert_no_dead_links(site: Site, outputs: list[Output]) -> None:
    assert link_faults(built_files(outputs), site.settings.project.site_url) == []


@pytest.mark.parametrize("as_of", EXAMPLE_DAYS, ids=str)
def test_the_example_links_only_to_files_it_writes(as_of: date, example_copy):
    site, outputs = render(example_copy, as_of)
    assert_no_dead_links(site, outputs)
    assert check_internal_links(site, outputs) == []


def test_the_archive_lists_only_issues_dated_up_to_the_reference_day(example_copy):
    site, outputs = render(example_copy, date(2024, 6, 26))
    files = built_files(outputs)
    archive = {urljoin(SITE_URL, url) for url in html_urls(files["index.html"])}
    listed = {edition.slug for edition in site.editions if urljoin(SITE_URL, site.issue_path(edition) + "index.html")
              in archive}
    assert listed == {"issue-1", "issue-2"}
    assert "issues/issue-3/index.html" in files and "issues/issue-3/email.html" in files, "being prepared: built"
    # The issue being prepared, in each language it is built in, may name itself.
    pages = [path for path in files if path.endswith(".html")
             and not path.startswith(("issues/issue-3/", "fr/issues/issue-3/"))]
    for path in pages:
        assert b"issues/issue-3/" not in files[path], f"{path} links to the issue being prepared"


# Generated projects: items linking to each other's files in every way Markdown users write them.

FORMS = ["{file}", "./{file}", "../news/{file}", "{file}#part", "../news/{file}#part", "/news/{file}"]


@st.composite
def projects(draw: st.DrawFn) -> dict:
    count = draw(st.integers(2, 5))
    items = []
    for number in range(count):
        day = START + timedelta(days=draw(st.integers(0, 40)))
        items.append({"slug": f"item-{number}", "file": f"{day}-item-{number}.md", "date": day,
                      "draft": draw(st.booleans()) and draw(st.booleans())})
    for item in items:
        targets = draw(st.lists(st.sampled_from(range(count)), max_size=4))
        item["links"] = [(target, draw(st.sampled_from(FORMS))) for target in targets]
    issues = []
    for number in range(draw(st.integers(1, 2))):
        day = START + timedelta(days=draw(st.integers(10, 50)) + 20 * number)
        targets = draw(st.lists(st.sampled_from(range(count)), max_size=3))
        explicit = draw(st.booleans())
        issues.append({"slug": f"issue-{number + 1}", "file": f"{day}-issue-{number + 1}.md", "date": day,
                       "number": number + 1, "links": targets, "items": explicit})
    as_of = START + timedelta(days=draw(st.integers(-1, 60)))
    return {"items": items, "issues": issues, "as_of": as_of}


def write_project(root: Path, project: dict) -> dict[tuple[str, str], int]:
    """Write the project; return the line of each (file, link) where it is first written."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "issues").mkdir(parents=True)
    (root / "newsletter.toml").write_text(SETTINGS, encoding="utf-8")
    items, lines = project["items"], {}
    for item in items:
        head = [f"title: Item {item['slug']}", f"date: {item['date']}", "summary: A summary."]
        if item["draft"]:
            head.append("draft: true")
        body = ["Some text.", ""]
        for number, (target, form) in enumerate(item["links"]):
            href = form.format(file=items[target]["file"])
            lines.setdefault((f"content/news/{item['file']}", href), 3 + len(head) + len(body))
            body.append(f"See [link {number}]({href}).")
        text = "---\n" + "\n".join(head) + "\n---\n" + "\n".join(body) + "\n"
        (root / "content" / "news" / item["file"]).write_text(text, encoding="utf-8")
    for issue in project["issues"]:
        head = [f"title: Issue {issue['number']}", f"number: {issue['number']}", f"date: {issue['date']}"]
        if issue["items"]:
            head.append("items: [" + ", ".join(item["slug"] for item in items if not item["draft"]) + "]")
        body = ["Dear reader.", ""]
        for target in issue["links"]:
            href = f"../news/{items[target]['file']}"
            lines.setdefault((f"content/issues/{issue['file']}", href), 3 + len(head) + len(body))
            body.append(f"Read [item {target}]({href}).")
        text = "---\n" + "\n".join(head) + "\n---\n" + "\n".join(body) + "\n"
        (root / "content" / "issues" / issue["file"]).write_text(text, encoding="utf-8")
    return lines


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(project=projects())
def test_links_between_items_become_pages_or_errors_at_their_line(project: dict, tmp_path: Path):
    root = tmp_path / "project"
    lines = write_project(root, project)
    as_of, items = project["as_of"], project["items"]
    site, outputs = render(root, as_of)
    assert_no_dead_links(site, outputs)

    def has_page(index: int) -> bool:
        return not items[index]["draft"] and items[index]["date"] <= as_of

    expected = set()
    files = built_files(outputs)
    for item in items:
        source = f"content/news/{item['file']}"
        for number, (target, form) in enumerate(item["links"]):
            href = form.format(file=items[target]["file"])
            if not has_page(items.index(item)):
                continue  # the item's own page is not built: its links go nowhere yet
            if has_page(target):
                page = files[f"news/{item['slug']}/index.html"].decode()
                link = _anchor(page, f"link {number}")
                fragment = "#part" if "#" in href else ""
                assert urljoin(f"{SITE_URL}news/{item['slug']}/", link) == (
                    f"{SITE_URL}news/item-{target}/index.html{fragment}")
            else:
                expected.add((source, lines[(source, href)]))
    for issue in project["issues"]:
        source = f"content/issues/{issue['file']}"
        for target in issue["links"]:
            if not has_page(target):
                expected.add((source, lines[(source, f"../news/{items[target]['file']}")]))
    found = {(str(finding.where.path), finding.where.line) for finding in check_internal_links(site, outputs)}
    assert found == expected


def _anchor(page: str, text: str) -> str | None:
    """The href of the link whose text is `text` (None when the text is there but not a link)."""
    for element in lxml.html.fromstring(page).iter("a"):
        if element.text_content() == text:
            return element.get("href")
    raise AssertionError(f"no link text {text!r}")


def test_a_dead_link_is_one_line_naming_the_file_and_line(make_project, tmp_path: Path):
    root = make_project({
        "newsletter.toml": SETTINGS,
        "content/news/2024-01-12-second.md": "---\ntitle: Second\ndate: 2024-01-12\n---\nText.\n\n"
                                             "After [the first](2024-01-10-first-item.md) and [a typo](2024-01-10-frist.md).\n",
    })
    findings = [str(f) for f in check_project(root, date(2024, 12, 31)) if f.code == "dead-link"]
    assert findings == [
        "content/news/2024-01-12-second.md:7: error: '2024-01-10-frist.md' is not the file of a news item or an "
        "issue; write the item's file name as in content/news/, e.g. 2024-01-16-kick-off.md [dead-link]"]
    result = build_project(root, BuildOptions(out_dir=tmp_path / "out", as_of=date(2024, 12, 31)))
    page = (result.out_dir / "news" / "second" / "index.html").read_text()
    assert re.search(r'<a href="../../news/first-item/index.html">the first</a>', page)
    assert "<a>a typo</a>" in page, "the text stays, the dead link goes"


def test_an_issue_being_prepared_links_to_cards_until_items_are_published(make_project):
    root = make_project({
        "newsletter.toml": SETTINGS,
        "content/news/2024-02-05-coming.md": "---\ntitle: Coming\ndate: 2024-02-05\n---\nSoon.\n",
        "content/issues/2024-02-10-issue-2.md": "---\ntitle: Issue two\nnumber: 2\ndate: 2024-02-10\n---\nHello.\n",
    })
    site, outputs = render(root, date(2024, 2, 1))
    assert_no_dead_links(site, outputs)
    files = built_files(outputs)
    email = files["issues/issue-2/email.html"].decode()
    assert f"{SITE_URL}issues/issue-2/?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=issue-2#item-coming" in email
    assert 'id="item-coming"' in files["issues/issue-2/index.html"].decode()
    assert b"issue-2" not in files["issues/issue-1/index.html"], "a sent issue does not point at one being prepared"
    later, outputs = render(root, date(2024, 2, 10))
    email = built_files(outputs)["issues/issue-2/email.html"].decode()
    assert f"{SITE_URL}news/coming/?utm_source" in email


def test_a_template_linking_to_a_page_that_is_not_built_is_reported_at_the_output(make_project):
    page = "{% extends 'default:web/item.html' %}{% block content %}{{ super() }}\n" \
           "<a href=\"{{ root }}about/index.html\">About us</a> <a href=\"../../../../up.html\">Up</a>{% endblock %}\n"
    root = make_project({"newsletter.toml": SETTINGS, "templates/web/item.html": page})
    findings = [f for f in check_project(root, date(2024, 12, 31)) if f.code == "dead-link"]
    assert {(str(f.where.path), f.message.split(" ")[0]) for f in findings} == {
        ("output/news/first-item/index.html", "../../about/index.html"),
        ("output/news/first-item/index.html", "../../../../up.html"),
    }
    assert all(f.where.line and f.where.line > 1 for f in findings)
