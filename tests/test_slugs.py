"""Slugs name published URLs (tag pages, tag feeds, item pages): URL-safe, and the same everywhere, always."""

from __future__ import annotations

import re
import sys
import types
from datetime import date

import pytest

from newsletter.build import BuildOptions, build_project
from newsletter.slugs import slugify

from .conftest import MakeProject

URL_SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

CASES = [
    ("Open Science", "open-science"),
    ("  spaced   out  ", "spaced-out"),
    ("BATTERY Research", "battery-research"),
    ("Battery 2030+", "battery-2030"),
    ("C++ & Python", "c-python"),
    ("R&D", "r-d"),
    ("Work package #7: dissemination!", "work-package-7-dissemination"),
    ("Don't panic", "don-t-panic"),
    ("Don’t panic", "don-t-panic"),  # a typographic apostrophe gives the same slug as a straight one
    ("a/b\\c?d#e", "a-b-c-d-e"),
    ("Énergie & Matériaux", "energie-materiaux"),
    ("Straße", "strasse"),
    ("Ørsted Æbeløe", "orsted-aebeloe"),
    ("Donostia–San Sebastián", "donostia-san-sebastian"),
    ("Μπαταρία", "mpataria"),
    ("Батарея", "batareia"),
    ("电池研究", "dian-chi-yan-jiu"),
    ("Ｆｕｌｌ　ｗｉｄｔｈ", "full-width"),
    ("WP2", "wp2"),
]


@pytest.mark.parametrize(("text", "slug"), CASES)
def test_slugify(text: str, slug: str):
    assert slugify(text) == slug
    assert URL_SAFE.match(slug)
    assert slugify(slug) == slug  # a slug is its own slug


def test_slugs_are_short_and_cut_at_a_word():
    slug = slugify("interface " * 20)
    assert len(slug) <= 80 and URL_SAFE.match(slug) and slug.endswith("interface")


def test_text_with_nothing_to_spell_has_no_slug():
    assert slugify("🔋⚡") == ""
    assert slugify("+++") == ""


def test_slugs_do_not_depend_on_an_installed_unidecode(monkeypatch: pytest.MonkeyPatch):
    """python-slugify prefers Unidecode when installed; our slugs must stay what they were."""
    impostor = types.ModuleType("unidecode")
    impostor.unidecode = lambda text, *args, **kwargs: "changed"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "unidecode", impostor)
    uncached = slugify.__wrapped__
    for text, slug in CASES:
        assert uncached(text) == slug


def test_tag_pages_and_feeds_use_the_slug(make_project: MakeProject):
    root = make_project({"content/news/2024-02-01-tags.md": """\
        ---
        title: Tagged
        date: 2024-02-01
        tags: [Énergie Stockage, "énergie  stockage", 电池研究, "🔋"]
        ---
        Text.
        """})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    paths = {o.path.as_posix() for o in result.outputs}
    for slug in ("energie-stockage", "dian-chi-yan-jiu", "battery-2030", "open-science"):
        assert f"tags/{slug}/index.html" in paths and f"tags/{slug}/feed.xml" in paths
    assert sorted(result.site.tags) == ["battery-2030", "dian-chi-yan-jiu", "energie-stockage", "open-science"]
    assert result.site.tag_name("energie-stockage") == "Énergie Stockage"
    assert not [path for path in paths if path.startswith("tags/") and not URL_SAFE.match(path.split("/")[1])]
