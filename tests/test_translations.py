"""Translated content: `name.<lang>.md` files, output/<lang>/, hreflang both ways, feeds per language, findings."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project, load_site, project_templates, render_site
from newsletter.checks.languages import stale_translations
from newsletter.content.loader import load_catalog
from newsletter.channels.feeds.renderer import FeedsRenderer
from newsletter.channels.social.renderer import SocialRenderer
from newsletter.channels.web.renderer import WebRenderer
from newsletter.settings.load import load_settings
from newsletter.manifest import read_manifest

from .conftest import MINIMAL_SETTINGS, REPO, copy_example, tree_bytes
from .test_preview_app import Client

SITE = "https://example.org/news/"
AS_OF = date(2024, 12, 31)
LANGUAGES = ("en", "fr", "de")
SETTINGS = MINIMAL_SETTINGS.replace("[project]\n", '[project]\nlanguages = ["en", "fr", "de"]\n')


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def item(title: str, day: int, tags: str = "[Energy]") -> str:
    return f"---\ntitle: {title}\ndate: 2024-03-{day:02d}\ntags: {tags}\nsummary: About {title}.\n---\nBody of {title}.\n"


# The class: any items, each translated into any of the further languages; one issue, translated or not.

projects = st.fixed_dictionaries({
    "items": st.lists(st.frozensets(st.sampled_from(LANGUAGES[1:])), min_size=1, max_size=4),
    "issue": st.frozensets(st.sampled_from(LANGUAGES[1:])),
})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=projects)
def test_each_language_holds_its_translations_and_links_its_versions_both_ways(
        tmp_path_factory: pytest.TempPathFactory, plan: dict[str, object]):
    items: list[frozenset[str]] = plan["items"]  # type: ignore[assignment]
    issue_languages: frozenset[str] = plan["issue"]  # type: ignore[assignment]
    files = {"newsletter.toml": SETTINGS,
             "content/issues/2024-03-31-issue-1.md": "---\ntitle: Issue one\nnumber: 1\ndate: 2024-03-31\n---\nHello.\n"}
    for index, languages in enumerate(items):
        files[f"content/news/2024-03-{index + 1:02d}-item-{index}.md"] = item(f"Item {index}", index + 1)
        for language in languages:
            files[f"content/news/2024-03-{index + 1:02d}-item-{index}.{language}.md"] = \
                f"---\ntitle: {language} {index}\nsummary: {language} summary {index}.\n---\n{language} body {index}.\n"
    for language in issue_languages:
        files[f"content/issues/2024-03-31-issue-1.{language}.md"] = f"---\ntitle: {language} issue\n---\n{language}.\n"
    root = write(tmp_path_factory.mktemp("project"), files)
    site = load_site(root, BuildOptions(as_of=AS_OF, use_cache=False))
    outputs = {output.path.as_posix(): output.data for output in
               render_site(site, project_templates(root), channels=[WebRenderer(), FeedsRenderer(), SocialRenderer()])}

    for language in LANGUAGES[1:]:
        prefix = f"{language}/"
        translated = {f"item-{index}" for index, languages in enumerate(items) if language in languages}
        pages = {path.split("/")[2] for path in outputs if path.startswith(f"{prefix}news/")}
        assert pages == translated  # untranslated items get no page in the language
        for slug in translated:  # the original names its translation
            original = BeautifulSoup(outputs[f"news/{slug}/index.html"], "html.parser")
            assert original.find("link", rel="alternate", hreflang=language)["href"] == f"{SITE}{prefix}news/{slug}/"
            switch = original.select_one(f"nav.languages a[hreflang={language}]")["href"]
            assert switch == f"../../{prefix}news/{slug}/index.html"
        entries = feedparser.parse(outputs[f"{prefix}feed.xml"]).entries
        assert {entry.link.rstrip("/").rsplit("/", 1)[1] for entry in entries} == translated
        assert all(entry.link.startswith(f"{SITE}{prefix}") for entry in entries)
        assert all(entry.title.startswith(f"{language} ") for entry in entries)
        issue_page = f"{prefix}issues/issue-1/index.html"
        assert (issue_page in outputs) == (language in issue_languages)
        if issue_page in outputs:
            page = BeautifulSoup(outputs[issue_page], "html.parser")
            assert page.html["lang"] == language
            cards = page.select("article.card")
            assert len(cards) == len(items)  # every item of the issue, translated or not
            marked = {card["id"].removeprefix("item-") for card in cards if card.h3.get("lang") == "en"}
            assert marked == {f"item-{index}" for index, languages in enumerate(items) if language not in languages}
            # The review sheet holds the posts in the language; untranslated items are only named.
            sheet = outputs[f"{prefix}issues/issue-1/social.md"].decode()
            headings = re.findall(r"^## \d+\. (.+)$", sheet, re.M)
            assert sorted(headings) == sorted(f"{language} {index}" for index, languages in enumerate(items)
                                              if language in languages)
            named = re.findall(r"^- (Item \d+) \(`content/news/", sheet, re.M)
            assert sorted(named) == sorted(f"Item {index}" for index, languages in enumerate(items)
                                           if language not in languages)

    # hreflang: every alternate a page names exists and names the page back, in the page's language.
    for path, data in outputs.items():
        if not path.endswith(".html"):
            continue
        page = BeautifulSoup(data, "html.parser")
        own = page.html["lang"]
        url = page.find("link", rel="canonical")["href"]
        for link in page.find_all("link", rel="alternate", hreflang=True):
            target = urlsplit(link["href"]).path.removeprefix(urlsplit(SITE).path) + "index.html"
            assert target in outputs, f"{path} names {link['href']}, which the build does not write"
            back = BeautifulSoup(outputs[target], "html.parser").find_all("link", rel="alternate", hreflang=own)
            assert [other["href"] for other in back] == [url]


def test_a_translation_inherits_date_and_slug_and_the_keys_it_leaves_out(make_project):
    root = make_project({
        "newsletter.toml": SETTINGS,
        "content/news/2024-01-10-first-item.fr.md": "---\ntitle: Premier\ndate: 2020-01-01\nslug: autre\n---\nCorps.\n",
    })
    catalog = load_catalog(root, load_settings(root))
    (original,), (translation,) = catalog.items, catalog.translations
    assert (translation.slug, translation.date, translation.tags) == (original.slug, original.date, original.tags)
    assert (translation.title, translation.language) == ("Premier", "fr")
    ignored = [finding for finding in catalog.diagnostics if finding.code == "translation-key-ignored"]
    assert sorted(str(finding.where) for finding in ignored) == [
        "content/news/2024-01-10-first-item.fr.md:3", "content/news/2024-01-10-first-item.fr.md:4"]


def test_orphan_and_unpublished_translations_are_reported_not_published(make_project):
    root = make_project({
        "newsletter.toml": SETTINGS,
        "content/news/2024-01-12-gone.fr.md": "---\ntitle: Perdu\n---\nCorps.\n",
        "content/news/2024-01-10-first-item.sv.md": "---\ntitle: Första\n---\nText.\n",
    })
    catalog = load_catalog(root, load_settings(root))
    assert catalog.translations == () and len(catalog.items) == 1
    codes = {finding.code: str(finding.where) for finding in catalog.diagnostics}
    assert codes["orphan-translation"] == "content/news/2024-01-12-gone.fr.md:1"
    assert codes["translation-not-published"] == "content/news/2024-01-10-first-item.sv.md:1"


def test_a_translation_is_stale_once_its_original_changes_and_fresh_once_it_is_edited(make_project):
    root = make_project({"newsletter.toml": SETTINGS,
                         "content/news/2024-01-10-first-item.fr.md": "---\ntitle: Premier\n---\nCorps.\n"})

    def stale() -> list[str]:
        return [str(finding.where) for finding in stale_translations(root, load_catalog(root, load_settings(root)))]

    (root / ".newsletter-cache").mkdir()  # as a build with the cache makes it
    assert stale() == []  # first met: up to date
    original = root / "content/news/2024-01-10-first-item.md"
    original.write_text(original.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert stale() == ["content/news/2024-01-10-first-item.fr.md:1"]
    assert stale() == ["content/news/2024-01-10-first-item.fr.md:1"]  # until the translation is edited
    translation = root / "content/news/2024-01-10-first-item.fr.md"
    translation.write_text(translation.read_text(encoding="utf-8") + "\nUn nouveau paragraphe.\n", encoding="utf-8")
    assert stale() == []


# The example project: English and French from one build.

@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = copy_example(tmp_path_factory.mktemp("example"))
    build_project(root, BuildOptions(as_of=AS_OF, use_cache=False))
    return root, root / "output"


def test_the_example_publishes_a_complete_french_issue(example: tuple[Path, Path]):
    _root, out = example
    folder = out / "fr" / "issues" / "issue-3"
    for name in ("index.html", "email.html", "email.txt", "email.eml", "social.md"):
        assert (folder / name).is_file(), name
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert "Numéro 3 · 18 décembre 2024" in text and "Financé par l'Union européenne" in text
    html = BeautifulSoup((folder / "email.html").read_text(encoding="utf-8"), "html.parser")
    titles = {h3.get_text(strip=True): h3.get("lang") for h3 in html.find_all("h3")}
    assert titles["Deuxième assemblée générale à Donostia-Saint-Sébastien"] is None
    assert any(lang == "en" for lang in titles.values())  # untranslated items, marked
    archive = BeautifulSoup((out / "fr" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert archive.select_one("p.tagline").get_text() == "Les interfaces des batteries observées à l'œuvre, de l'atome à la cellule"
    manifest = set(read_manifest(out))
    assert {"fr/index.html", "fr/feed.xml", "fr/atom.xml", "fr/feed.json", "fr/social/drafts.json",
            "fr/social/drafts.csv", "fr/news/open-dataset-zenodo/index.html"} <= manifest
    drafts = json.loads((out / "fr" / "social" / "drafts.json").read_text(encoding="utf-8"))
    assert drafts and {draft["item"] for draft in drafts} <= {"general-meeting-donostia", "open-dataset-zenodo"}


def test_a_build_with_several_languages_is_deterministic(example: tuple[Path, Path], tmp_path: Path):
    root, out = example
    again = tmp_path / "again"
    build_project(root, BuildOptions(out_dir=again, as_of=AS_OF, use_cache=False))
    assert tree_bytes(again) == tree_bytes(out)


def test_send_test_sends_the_edition_of_the_language_asked_for(tmp_path: Path):
    from newsletter.errors import UsageError
    from newsletter.send import send_issue_test

    root = copy_example(tmp_path / "project")
    french = send_issue_test(root, "fr/issue-3", ["a@example.org"], {}, dry_run=True)
    english = send_issue_test(root, "issue-3", ["a@example.org"], {}, dry_run=True)
    assert french.subject.endswith("OPINCHARGE n° 3 : nos premières données ouvertes, une école d'été et Donostia")
    assert english.subject.endswith("OPINCHARGE #3: our first open data set, a summer school and Donostia")
    with pytest.raises(UsageError, match="issue 'issue-1' has no fr translation"):
        send_issue_test(root, "fr/issue-1", ["a@example.org"], {}, dry_run=True)
    with pytest.raises(UsageError, match="'de' is not one of the languages the project publishes"):
        send_issue_test(root, "de/issue-3", ["a@example.org"], {}, dry_run=True)


def test_the_preview_switches_an_issue_between_its_languages(tmp_path: Path):
    from newsletter.preview.app import PreviewApp
    from newsletter.preview.builder import PreviewBuilder

    builder = PreviewBuilder(copy_example(tmp_path / "project"), tmp_path / "build", as_of=AS_OF)
    builder.rebuild()
    client = Client(PreviewApp(builder))
    english = BeautifulSoup(client.text("/__preview/issues/issue-3/"), "html.parser")
    french = BeautifulSoup(client.text("/__preview/fr/issues/issue-3/"), "html.parser")
    assert english.select_one("nav.languages a[hreflang=fr]")["href"] == "/__preview/fr/issues/issue-3/"
    assert french.select_one("nav.languages a[hreflang=en]")["href"] == "/__preview/issues/issue-3/"
    assert "fr/issues/issue-3/email.html" in french.select_one("#email-frame")["data-light"]
    assert BeautifulSoup(client.text("/"), "html.parser").select_one("p.languages a[hreflang=fr]") is not None
    assert client.get("/__preview/fr/issues/issue-1/")[0] == 404  # issue 1 has no French edition
    assert REPO.joinpath("content/issues/2024-12-18-issue-3.fr.md").is_file()
