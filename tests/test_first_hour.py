"""What a new user meets first: the archive's home page, the build summary, the way to subscribe by email."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from lxml import html

from newsletter.build import BuildOptions, build_project
from newsletter.summary import build_summary

from .conftest import MINIMAL_ISSUE, MINIMAL_ITEM, PUBLISHABLE_SETTINGS

SIGNUP = "https://lists.test-project.eu/subscribe?list=7"
SECOND_ISSUE = MINIMAL_ISSUE.replace("Issue one", "Issue two").replace("number: 1", "number: 2").replace(
    "2024-01-31", "2024-02-29")


def write_project(root: Path, settings: str) -> Path:
    files = {
        "newsletter.toml": settings,
        "content/news/2024-01-10-first-item.md": MINIMAL_ITEM,
        "content/issues/2024-01-31-issue-1.md": MINIMAL_ISSUE,
        "content/issues/2024-02-29-issue-2.md": SECOND_ISSUE,
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=[None, SIGNUP], ids=["no-signup", "signup"])
def built(request, tmp_path_factory) -> tuple[Path, str | None]:
    signup = request.param
    settings = PUBLISHABLE_SETTINGS.replace('[project]\n', '[project]\ntagline = "Watching batteries at work"\n')
    if signup:
        settings += f'signup_url = "{signup}"\n'
    root = write_project(tmp_path_factory.mktemp("first-hour"), settings)
    build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    return root, signup


def page(root: Path, relative: str) -> html.HtmlElement:
    return html.fromstring((root / "output" / relative).read_bytes())


def test_the_archive_home_shows_the_tagline_once(built):
    root, _ = built
    text = page(root, "index.html").body.text_content()
    assert text.count("Watching batteries at work") == 1


def test_the_archive_and_every_issue_page_offer_email_signup_when_there_is_a_form(built):
    root, signup = built
    for relative in ("index.html", "issues/issue-1/index.html", "issues/issue-2/index.html"):
        links = [link for link in page(root, relative).iter("a") if link.get("href") == signup]
        assert len(links) == (1 if signup else 0), relative
        assert not signup or links[0].text_content() == "Subscribe by email"
    if not signup:
        assert "Subscribe by email" not in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_the_summary_counts_in_words_and_names_the_one_issue_built(built, tmp_path: Path):
    root, _ = built
    whole = build_summary(build_project(root, BuildOptions(as_of=date(2024, 12, 31), use_cache=False)), root)
    assert whole.startswith("Built 2 issues and 1 published item into output/ ")
    one = build_project(root, BuildOptions(as_of=date(2024, 12, 31), issue="issue-2"))
    assert build_summary(one, root).startswith("Built the issue 'issue-2' into output/ ")
