"""Pages, feeds and review sheets remembered between builds: the same bytes as a cold build after any edit that reaches them.

An item page shows more than its item: the names of its tags (as most items spell them), the issue
it is in and its translations. Each edit below changes one of these without
touching the item itself; the cached build must still write what a cold build writes, also a build
later.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, BuildResult, build_project
from newsletter.channels.feeds import renderer as feeds_renderer
from newsletter.channels.web import renderer as web_renderer
from newsletter.errors import NewsletterError
from newsletter.templates import Templates

from .conftest import EXAMPLE_AS_OF, REPO, copy_example, tree_bytes
from .strategies import projects

NANTES = "content/news/2023-12-12-general-meeting-nantes.md"
DONOSTIA = "content/news/2024-10-17-general-meeting-donostia.md"
ISSUE_1 = "content/issues/2023-12-20-issue-1.md"


def build(root: Path, out: str, **options: object) -> BuildResult:
    options.setdefault("as_of", EXAMPLE_AS_OF)
    return build_project(root, BuildOptions(out_dir=root / out, **options))  # type: ignore[arg-type]


def respell_tag(root: Path) -> None:
    """Every item but Nantes writes "Consortium" another way: the tag's name on Nantes's page follows."""
    for path in (root / "content/news").glob("*.md"):
        if path != root / NANTES:
            path.write_text(path.read_text().replace("Consortium", "CONSORTIUM"))


def retitle_issue(root: Path) -> None:
    path = root / ISSUE_1
    path.write_text(path.read_text().replace('title: "OPINCHARGE Newsletter #1', 'title: "Newsletter One', 1))


def translate(root: Path) -> None:
    """Nantes gets a French version: its English page links it."""
    (root / NANTES.replace(".md", ".fr.md")).write_text(
        '---\ntitle: "Assemblée générale à Nantes"\nsummary: "Le consortium s\'est réuni à Nantes."\n---\n'
        "Le consortium s'est réuni à Nantes.\n"
    )


def retagline(root: Path) -> None:
    path = root / "newsletter.toml"
    text = path.read_text()
    edited = re.sub(r'(?m)^tagline = \{ en = "', 'tagline = { en = "Edited: ', text, count=1)
    assert edited != text  # the example writes its tagline in each language
    path.write_text(edited)


def edit_another_item(root: Path) -> None:
    path = root / "content/news/2024-07-10-summer-school-paderborn.md"
    path.write_text(path.read_text() + "\nOne more sentence.\n")


@pytest.mark.parametrize("edit", [respell_tag, retitle_issue, translate, retagline],
                         ids=lambda edit: edit.__name__)
def test_a_cached_build_writes_what_a_cold_build_writes(tmp_path: Path, edit):
    root = copy_example(tmp_path / "project")
    build(root, "output")
    for step, change in enumerate((edit, edit_another_item)):
        change(root)
        cached = build(root, "output")
        cold = build(root, f"cold-{step}", use_cache=False)
        assert tree_bytes(cached.out_dir) == tree_bytes(cold.out_dir), (edit.__name__, step)


def test_a_page_follows_where_its_links_lead_when_only_their_targets_change(tmp_path: Path):
    # An item links to Nantes's file and to an agenda not there yet: Nantes moves, the agenda arrives.
    root = copy_example(tmp_path / "project")
    (root / "content/news/2024-12-01-links.md").write_text(
        "---\ntitle: Links\ndate: 2024-12-01\n---\n"
        "See [Nantes](2023-12-12-general-meeting-nantes.md) and [the agenda](../files/agenda.pdf).\n"
    )
    build(root, "output")
    nantes = root / NANTES
    nantes.write_text(nantes.read_text().replace("\ntype: news\n", "\ntype: news\nslug: nantes-2023\n", 1))
    (root / "content/files").mkdir()
    (root / "content/files/agenda.pdf").write_bytes(b"%PDF-1.4\n")
    cached = build(root, "output")
    assert tree_bytes(cached.out_dir) == tree_bytes(build(root, "cold", use_cache=False).out_dir)
    page = (cached.out_dir / "news/links/index.html").read_text(encoding="utf-8")
    assert 'href="../../news/nantes-2023/index.html"' in page and 'href="../../files/agenda.pdf"' in page
    assert (cached.out_dir / "files/agenda.pdf").is_file()


def test_a_feed_with_no_entries_yet_is_dated_by_each_build_not_by_the_cache(tmp_path: Path):
    # Before the first item is out, a feed's date is the reference day: the next day's feed carries the next day.
    root = copy_example(tmp_path / "project")
    before_everything = date(2023, 1, 1)
    build(root, "output", as_of=before_everything)
    for days in (1, 30):
        as_of = before_everything + timedelta(days=days)
        cached = build(root, "output", as_of=as_of)
        assert tree_bytes(cached.out_dir) == tree_bytes(build(root, f"cold-{days}", as_of=as_of, use_cache=False).out_dir)
        assert as_of.strftime("%d %b %Y") in (cached.out_dir / "feed.xml").read_text(encoding="utf-8")


def retitle_item(root: Path) -> None:
    path = root / "content/news/2024-07-10-summer-school-paderborn.md"
    path.write_text(path.read_text().replace('title: "', 'title: "Revised: ', 1))


# Paths inside each language's site: issue 3 has a French edition, which shows the item untranslated.
EVERY_LIST = ["issues/issue-3/index.html", "issues/issue-3/index.html",
              "tags/events/index.html", "tags/summer-school/index.html", "tags/training/index.html"]


@pytest.mark.parametrize(("edit", "lists", "sheets"), [
    (edit_another_item, [], []),  # its text: on its page and in the feeds only
    # its title: wherever it is listed, and on the English archive, among the newest items (the French one does
    # not list an untranslated item)
    (retitle_item, [*EVERY_LIST, "index.html"], ["issue-3", "issue-3"]),
], ids=["text", "title"])
def test_an_edited_item_renders_only_the_pages_feeds_and_sheets_that_show_it_again(
        tmp_path: Path, monkeypatch, edit, lists: list[str], sheets: list[str]):
    root = copy_example(tmp_path / "project")
    build(root, "output")
    rendered: list[str] = []
    original = web_renderer._PageRenderer.__call__

    def spy(self, path: str, template: str, **context):
        rendered.append(path)
        return original(self, path, template, **context)

    monkeypatch.setattr(web_renderer._PageRenderer, "__call__", spy)
    rendered_sheets: list[str] = []
    real_render = Templates.render

    def render(self, name: str, **context):
        if name == "social/sheet.md":
            rendered_sheets.append(context["issue"].slug)
        return real_render(self, name, **context)

    monkeypatch.setattr(Templates, "render", render)
    feeds: list[str | None] = []
    real_rss = feeds_renderer.rss_feed
    monkeypatch.setattr(feeds_renderer, "rss_feed",
                        lambda site, entries, tag_slug=None: feeds.append(tag_slug) or real_rss(site, entries, tag_slug))
    edit(root)  # the summer school in Paderborn: in issue 3, tagged Events, Training, Summer School
    cached = build(root, "output")
    assert sorted(rendered) == sorted(["news/summer-school-paderborn/index.html", *lists])
    assert rendered_sheets == sheets  # its issue's social review sheet, in English and in French
    assert sorted(feeds, key=str) == [None, "events", "summer-school", "training"]  # the English feeds that list it
    assert tree_bytes(cached.out_dir) == tree_bytes(build(root, "cold", use_cache=False).out_dir)


def test_a_page_made_with_the_projects_own_templates_is_rendered_afresh(tmp_path: Path):
    # The project's funding footer, on every page, counts the published items: an edit elsewhere changes every page.
    root = copy_example(tmp_path / "project")
    (root / "templates/web").mkdir(parents=True)
    (root / "templates/web/funding.html").write_text("<footer>{{ site.published | length }} items</footer>\n")
    build(root, "output")
    (root / "content/news/2024-12-20-added.md").write_text("---\ntitle: Added\ndate: 2024-12-20\n---\nAdded.\n")
    cached = build(root, "output")
    assert tree_bytes(cached.out_dir) == tree_bytes(build(root, "cold", use_cache=False).out_dir)


def test_pages_whose_templates_the_project_leaves_alone_are_still_remembered(tmp_path: Path, monkeypatch):
    # The example's own archive page (templates/web/index.html) takes no part in item pages.
    root = copy_example(tmp_path / "project")
    (root / "templates/web").mkdir(parents=True)
    shutil.copy(REPO / "templates/web/index.html", root / "templates/web/index.html")
    build(root, "output")
    rendered: list[str] = []
    original = web_renderer._PageRenderer.__call__
    monkeypatch.setattr(web_renderer._PageRenderer, "__call__",
                        lambda self, path, template, **context: rendered.append(path) or original(self, path, template, **context))
    edit_another_item(root)
    build(root, "output")
    assert "news/summer-school-paderborn/index.html" in rendered
    assert not [path for path in rendered if path.startswith("news/") and "summer-school" not in path]


def _edited(root: Path, edit: str, which: int) -> None:
    """One save to a generated project's items: text, a title, or another item's tags."""
    news = sorted((root / "content/news").glob("*.md"))
    path = news[which % len(news)]
    text = path.read_text(encoding="utf-8")
    if edit == "body":
        path.write_text(text + "\nA sentence added later.\n", encoding="utf-8")
    elif edit == "title":
        path.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    elif edit == "tags":  # a tag spelled otherwise, or a new one: tag pages, names and feeds change
        path.write_text(text.replace("\n---\n", "\ntags: [Battery, NEW TOPIC]\n---\n", 1)
                        if "\ntags:" not in text else re.sub(r"\ntags:.*(\n- .*)*", "\ntags: [battery]", text, count=1),
                        encoding="utf-8")


@settings(max_examples=6, deadline=None)
@given(spec=projects(hostile=False), edit=st.sampled_from(["body", "title", "tags", "next day"]),
       which=st.integers(0, 3), days=st.integers(1, 120))
def test_generated_projects_build_from_the_cache_what_they_build_cold(tmp_path_factory, spec, edit, which, days):
    # Other languages, time zones, optional keys left out: each edit, then the next reference day.
    root = tmp_path_factory.mktemp("generated") / "project"
    spec.write(root)
    as_of = spec.as_of

    def outcome(out: str, **options: object) -> object:
        try:
            build_project(root, BuildOptions(out_dir=root / out, as_of=as_of, **options))  # type: ignore[arg-type]
        except NewsletterError as exc:
            return str(exc)
        return tree_bytes(root / out)

    outcome("output")
    if edit == "next day":
        as_of += timedelta(days=days)
    elif any((root / "content/news").glob("*.md")):
        _edited(root, edit, which)
    assert outcome("output") == outcome("cold", use_cache=False)
