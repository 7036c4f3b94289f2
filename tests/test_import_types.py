"""Imported posts get item types from their categories and tags; the report says which, and repeats once."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.cli import cli
from newsletter.errors import UsageError
from newsletter.importers.item_types import GUESSES, parse_type_map
from newsletter.importers.news_files import collapse_warnings
from newsletter.importers.wordpress.importer import format_report, import_wordpress

from .conftest import MINIMAL_SETTINGS

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Site</title><link>https://site.test</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://site.test</wp:base_site_url>
"""
POST = """<item><title>Post {number}</title><link>https://site.test/post-{number}/</link>
<dc:creator>editor</dc:creator>{terms}
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id><wp:post_date>2024-02-{day:02d} 10:00:00</wp:post_date>
<wp:post_date_gmt>2024-02-{day:02d} 09:00:00</wp:post_date_gmt><wp:post_name>post-{number}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password></wp:post_password></item>
"""
TERM = '<category domain="{domain}" nicename="{nicename}"><![CDATA[{name}]]></category>'
# Names a site may use: ones the guesses know (in other cases too), ones a map may name, and others.
NAMES = ["Events", "WEBINARS", "Publications", "papers", "Deliverables", "Press releases", "In the media",
         "Results", "Summer school", "Blog", "Interviews", "Reports"]


def write_export(path: Path, posts: list[tuple[list[str], list[str], int]]) -> Path:
    items = []
    for number, (categories, tags, images) in enumerate(posts, 1):
        terms = "".join(TERM.format(domain=domain, nicename=re.sub(r"\W+", "-", name.lower()), name=escape(name))
                        for domain, names in (("category", categories), ("post_tag", tags)) for name in names)
        body = "<p>Text.</p>" + "".join(f'<img src="https://site.test/wp-content/uploads/{n % 2}.jpg">'
                                        for n in range(images))
        items.append(POST.format(number=number, terms=terms, body=body, day=number % 28 + 1))
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def expected_type(categories: list[str], tags: list[str], type_map: dict[str, str]) -> str:
    terms = [*categories, *tags]
    mapped = next((type_map[term.casefold()] for term in terms if term.casefold() in type_map), None)
    guessed = next((GUESSES[term.casefold()].value for term in terms if term.casefold() in GUESSES), None)
    return mapped or guessed or "news"


posts = st.lists(st.tuples(st.lists(st.sampled_from(NAMES), max_size=3, unique=True),
                           st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
                           st.integers(0, 4)), min_size=1, max_size=6)
type_maps = st.dictionaries(st.sampled_from(NAMES).map(str.casefold),
                            st.sampled_from(["event", "publication", "deliverable", "press", "news"]), max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=posts, type_map=type_maps)
def test_each_post_gets_the_type_its_first_named_category_or_tag_gives(tmp_path_factory, posts, type_map):
    folder = tmp_path_factory.mktemp("types")
    export = write_export(folder / "export.xml", posts)
    report = import_wordpress(export, folder / "news", type_map=type_map)
    assert len(report.written) == len(posts)
    counts: dict[str, int] = {}
    for (categories, tags, images), post in zip(posts, report.posts):
        assert post.path is not None
        front = yaml.safe_load(post.path.read_text(encoding="utf-8").split("---")[1])
        kind = expected_type(categories, tags, type_map)
        assert front.get("type", "news") == kind
        counts[kind] = counts.get(kind, 0) + 1
        # A post's repeated warnings are one line each kind, with a count.
        lines = collapse_warnings(post.warnings)
        alt = [line for line in lines if line.endswith("[missing-alt]")]
        assert len(alt) == (1 if images else 0)
        assert not images or images == 1 or f"({images} times)" in alt[0]
    text = format_report(report)
    summary = next(line for line in text.splitlines() if line.startswith("Item types: "))
    assert {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", summary.split(".")[0])} == counts


def test_type_map_is_checked_in_one_line():
    assert parse_type_map(" Events = event, papers=publication,") == {"events": "event", "papers": "publication"}
    for wrong, words in (("events=evnt", "did you mean 'event'"), ("events", "is not CATEGORY=TYPE")):
        with pytest.raises(UsageError) as raised:
            parse_type_map(wrong)
        assert words in str(raised.value) and "\n" not in str(raised.value)


def test_the_command_line_map_wins_over_the_settings_table(make_project, runner, tmp_path: Path):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + '\n[import]\ntype_map = { Results = "publication",'
                                                              ' Blog = "press" }\n'})
    export = write_export(tmp_path / "export.xml", [(["Results"], [], 0), (["Blog"], [], 0), (["Events"], [], 0)])
    result = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(export),
                                 "--type-map", "blog=deliverable"])
    assert result.exit_code == 0, result.output
    types = [yaml.safe_load(path.read_text().split("---")[1]).get("type")
             for path in sorted((root / "content" / "news").glob("*-post-*.md"))]
    assert types == ["publication", "deliverable", "event"]
    assert "Item types: 1 deliverable (from 'Blog'), 1 event (from 'Events' guessed), 1 publication (from 'Results')" \
        in result.output
    wrong = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(export), "--type-map", "a=b"])
    assert wrong.exit_code == 2 and wrong.stderr.startswith("error: --type-map: 'b' is not an item type")
