"""No output links to a file the build did not write; an issue being prepared stays unlisted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest

from newsletter.build import BuildOptions, load_site, project_templates, render_site
from newsletter.render import Output
from newsletter.site import Site

from .conftest import REPO
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
# The example's timeline: before its first item, each issue's eve and day, after the last.
EXAMPLE_DAYS = [date(2023, 6, 13), date(2023, 12, 19), date(2023, 12, 20), date(2024, 6, 25), date(2024, 12, 17),
                date(2024, 12, 18)]


def render(root: Path, as_of: date) -> tuple[Site, list[Output]]:
    site = load_site(root, BuildOptions(as_of=as_of, use_cache=False))
    return site, render_site(site, project_templates(root))


def assert_no_dead_links(site: Site, outputs: list[Output]) -> None:
    assert link_faults(built_files(outputs), site.settings.project.site_url) == []


@pytest.mark.parametrize("as_of", EXAMPLE_DAYS, ids=str)
def test_the_example_links_only_to_files_it_writes(as_of: date):
    site, outputs = render(REPO, as_of)
    assert_no_dead_links(site, outputs)


def test_the_archive_lists_only_issues_dated_up_to_the_reference_day():
    site, outputs = render(REPO, date(2024, 6, 26))
    files = built_files(outputs)
    archive = {urljoin(SITE_URL, url) for url in html_urls(files["index.html"])}
    listed = {edition.slug for edition in site.editions if urljoin(SITE_URL, site.issue_path(edition) + "index.html")
              in archive}
    assert listed == {"issue-1", "issue-2"}
    assert "issues/issue-3/index.html" in files and "issues/issue-3/email.html" in files, "being prepared: built"
    pages = [path for path in files if path.endswith(".html") and not path.startswith("issues/issue-3/")]
    for path in pages:
        assert b"issues/issue-3/" not in files[path], f"{path} links to the issue being prepared"


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
