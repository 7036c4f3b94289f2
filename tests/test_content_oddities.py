"""YAML oddities, dates at the ends of time, absurd nesting, odd image files: one line at the place, or it works."""

from __future__ import annotations

import json
import textwrap
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.cli import cli
from newsletter.content.fields import EARLIEST, LATEST
from newsletter.content.frontmatter import parse_document
from newsletter.content.loader import collect_catalog
from newsletter.content.markdown import MAX_NESTING, MarkdownRenderer
from newsletter.content.records import ITEM_KEYS
from newsletter.errors import ContentError, FrontMatterSyntaxError
from newsletter.importers.wordpress.importer import import_wordpress
from newsletter.settings.load import load_settings

from .conftest import PUBLISHABLE_SETTINGS
from .test_send import png_pixel

ITEM = "content/news/2024-01-10-first-item.md"
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
yaml_key = st.sampled_from(sorted(ITEM_KEYS | {"x", "note", "1"}))
yaml_scalar = st.one_of(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8),
                        st.integers(), st.booleans())


def load(root: Path):
    """The catalog and the errors of a project, without rendering."""
    return collect_catalog(root, load_settings(root))


@SLOW
@given(pairs=st.lists(st.tuples(yaml_key, yaml_scalar), min_size=1, max_size=6, unique_by=lambda pair: pair[0]),
       repeat=st.data())
def test_a_key_written_twice_is_an_error_at_the_second(pairs, repeat):
    index = repeat.draw(st.integers(0, len(pairs) - 1))
    where = repeat.draw(st.integers(index + 1, len(pairs)))
    key = pairs[index][0]
    lines = [f"{name}: {yaml.safe_dump(value).splitlines()[0]}" for name, value in pairs]
    lines.insert(where, f"{key}: again")
    with pytest.raises(FrontMatterSyntaxError) as caught:
        parse_document("---\n" + "\n".join(lines) + "\n---\nBody\n", Path("x.md"))
    assert str(caught.value) == (f"x.md:{where + 2}: '{key}' is written twice in the front matter (first on line "
                                 f"{index + 2}); keep one of the two lines; YAML would silently drop the first value")


def test_a_key_written_twice_inside_a_block_is_an_error_too():
    text = "---\ntitle: A\ndate: 2024-01-10\nevent:\n  start: 2024-02-01\n  start: 2024-03-01\n---\nBody\n"
    with pytest.raises(FrontMatterSyntaxError, match=r"x.md:6: 'start' is written twice .*first on line 5"):
        parse_document(text, Path("x.md"))


def test_yaml_merge_keys_still_override():
    document = parse_document("---\nbase: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\n---\n", Path("x.md"))
    assert document.meta["d"] == {"x": 3, "y": 2}


timestamp = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.dates().map(date.isoformat),
    st.text(alphabet="0123456789-:T +Z.", max_size=30),
)


@SLOW
@given(key=st.sampled_from(sorted(ITEM_KEYS)), value=timestamp)
def test_a_timestamp_tag_on_any_key_loads_or_is_one_error_at_its_line(make_project, key: str, value: str):
    lines = {"title": "First item", "date": "2024-01-10"}
    lines[key] = f"!!timestamp '{value}'"
    front = "".join(f"{name}: {text}\n" for name, text in lines.items())
    root = make_project({ITEM: f"---\n{front}---\nBody\n"})
    catalog, errors = load(root)
    for error in errors:
        assert isinstance(error, ContentError) and error.where is not None
        assert "\n" not in str(error)


OFFSETS = st.sampled_from([timezone(timedelta(hours=hours)) for hours in (-12, -5, 0, 1, 14)])


@SLOW
@given(moment=st.one_of(
    st.datetimes(timezones=OFFSETS),
    st.datetimes(max_value=datetime(1, 1, 6), timezones=OFFSETS),  # the first and last days are where it breaks
    st.datetimes(min_value=datetime(9999, 12, 26), timezones=OFFSETS),
))
def test_any_date_loads_within_the_range_or_is_out_of_range_at_its_line(make_project, moment: datetime):
    root = make_project({ITEM: f"---\ntitle: First item\ndate: {moment.isoformat()}\n---\nBody\n"})
    catalog, errors = load(root)
    if EARLIEST <= moment.date() <= LATEST:
        assert errors == [] and catalog.items[0].date == moment
    else:
        assert len(errors) == 1 and errors[0].where.line == 3 and "'date' is out of range" in str(errors[0])


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Brussels"])
def test_the_first_and_last_days_build_in_every_time_zone(make_project, zone: str):
    first, last = EARLIEST.isoformat(), LATEST.isoformat()
    root = make_project({
        "newsletter.toml": f'[project]\nname = "P"\nsite_url = "https://example.org/"\ntimezone = "{zone}"\n'
                           '[email]\nesp = "mailchimp"\nfrom = "P <p@example.org>"\n',
        ITEM: f"---\ntitle: Old\ndate: {first}T00:00:00+14:00\ntype: event\nevent: {{start: {first}, end: {last}}}\n"
              "---\nBody\n",
        "content/news/far.md": f"---\ntitle: Far\ndate: {last}T23:59:59-12:00\n---\nBody\n",
        "content/issues/2024-01-31-issue-1.md": f"---\ntitle: One\ndate: {first}\nitems: [first-item]\n---\nHi\n",
        "content/issues/last.md": f"---\ntitle: Last\ndate: {last}\n---\nHi\n",
    })
    for as_of in (EARLIEST, LATEST):
        result = build_project(root, BuildOptions(as_of=as_of, out_dir=root / f"out-{as_of.year}"))
        for feed in ("feed.xml", "atom.xml"):
            assert not feedparser.parse((result.out_dir / feed).read_bytes()).bozo


nested_value = st.recursive(st.none() | st.integers() | st.text(max_size=5) | st.booleans(),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                        max_size=3), max_leaves=6)


@pytest.mark.parametrize("block,name", [("publication", "authors"), ("publication", "venue"), ("publication", "doi"),
                                        ("event", "location")])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=nested_value)
def test_any_value_inside_an_event_or_publication_loads_or_is_one_error(make_project, block, name, value):
    fields = {"start": "2024-02-01"} if block == "event" else {}
    fields[name] = value
    front = yaml.safe_dump({"title": "T", "date": "2024-01-10", "type": block, block: fields})
    root = make_project({ITEM: f"---\n{front}---\nBody\n"})
    catalog, errors = load(root)
    assert all(isinstance(error, ContentError) and "\n" not in str(error) for error in errors)


def test_a_deep_value_in_a_block_is_an_error_not_a_recursion_error(make_project):
    deep = "[" * 990 + "]" * 990
    root = make_project({ITEM: f"---\ntitle: T\ndate: 2024-01-10\nevent: {{start: 2024-02-01, location: {deep}}}\n"
                               "---\nBody\n"})
    _catalog, errors = load(root)
    assert [str(error) for error in errors] == [f"{ITEM}:4: 'event.location' must be text; "
                                                "write 'location: some text' under 'event:'"]


# Ways to nest lists and quotes: the Markdown for a depth, and how many levels it opens.
NESTINGS = {
    "list": (lambda depth: "".join("    " * level + "- x\n" for level in range(depth)), lambda depth: depth),
    "numbered": (lambda depth: "".join("    " * level + "1. x\n" for level in range(depth)), lambda depth: depth),
    "quote": (lambda depth: ">" * depth + " x\n", lambda depth: depth),
    "quoted list": (lambda depth: "".join("    " * level + "- > x\n" for level in range(depth)),
                    lambda depth: depth + 1),
    "tabs": (lambda depth: "".join("\t" * level + "* x\n" for level in range(depth)), lambda depth: depth),
    "one line": (lambda depth: "- " * depth + "x\n", lambda depth: depth),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(NESTINGS)), depth=st.one_of(st.integers(1, 120), st.just(800)))
def test_lists_and_quotes_render_up_to_the_limit_and_are_one_line_beyond(make_project, kind: str, depth: int):
    markdown, levels = NESTINGS[kind]
    root = make_project({ITEM: f"---\ntitle: First item\ndate: 2024-01-10\n---\n{markdown(depth)}"})
    catalog, errors = load(root)
    if levels(depth) <= MAX_NESTING:
        assert errors == [] and catalog.items[0].body_html
    else:
        assert len(errors) == 1
        assert str(errors[0]).startswith(f"{ITEM}:") and "nested more than 50 levels deep" in str(errors[0])
        assert 5 <= errors[0].where.line <= 5 + MAX_NESTING


def test_fenced_code_is_not_taken_for_nesting(make_project):
    code = "".join("    " * level + "- x\n" for level in range(80))
    root = make_project({ITEM: f"---\ntitle: First item\ndate: 2024-01-10\n---\n```yaml\n{code}```\n"})
    _catalog, errors = load(root)
    assert errors == []


WXR = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>T</title><link>https://wp.example</link><wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>
"""
WXR_ITEM = """\
<item><title>{title}</title><link>https://wp.example/{slug}</link><dc:creator>a</dc:creator>
<content:encoded><![CDATA[{html}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id><wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
"""


def export(tmp_path: Path, posts: list[dict[str, str]]) -> Path:
    items = "".join(WXR_ITEM.format(number=index + 1, **{"local": "2024-01-01 10:00:00",
                                                          "gmt": "2024-01-01 09:00:00", **post})
                    for index, post in enumerate(posts))
    path = tmp_path / "export.xml"
    path.write_text(WXR.format(items=items), encoding="utf-8")
    return path


@pytest.mark.parametrize("html", [
    "<ul><li>x" * 200 + "</li></ul>" * 200,
    "<ol><li>y" * 60 + "</li></ol>" * 60,
    "<blockquote>q" * 120 + "</blockquote>" * 120,
    "<div><span>z" * 800 + "</span></div>" * 800,
    "<p>" + "<strong><em>w" * 400 + "</em></strong>" * 400 + "</p>",
], ids=["ul-200", "ol-60", "quote-120", "div-800", "inline-800"])
def test_a_wordpress_post_nested_absurdly_deep_is_imported_flattened_and_builds(make_project, tmp_path, html):
    root = make_project()
    report = import_wordpress(export(tmp_path, [{"title": "Deep", "slug": "deep", "html": html}]),
                              root / "content" / "news")
    post = report.posts[0]
    assert post.path is not None and post.path.is_file()
    assert [warning.code for warning in post.warnings] == ["deep-nesting"]
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    assert (result.out_dir / "news/deep/index.html").is_file()


def test_posts_dated_at_the_ends_of_time_are_skipped_with_the_reason(make_project, tmp_path):
    root = make_project()
    report = import_wordpress(export(tmp_path, [
        {"title": "Old", "slug": "old", "html": "<p>a</p>", "local": "0001-01-01 00:00:00", "gmt": "0000-00-00 00:00:00"},
        {"title": "Far", "slug": "far", "html": "<p>b</p>", "local": "9999-12-31 23:00:00", "gmt": "9999-12-31 13:00:00"},
    ]), root / "content" / "news", timezone="Europe/Brussels")
    assert [post.reason for post in report.posts] == ["its date 0001-01-01 is out of range",
                                                       "its date 9999-12-31 is out of range"]


@pytest.mark.parametrize("name", ["photo", "photo.jfif", "photo.JPG", "photo.weird", "photo.png"])
def test_an_image_of_any_name_gives_valid_feeds(make_project, name: str):
    root = make_project({
        ITEM: f"---\ntitle: First item\ndate: 2024-01-10\nimage: images/{name}\nimage_alt: A photo\n---\nBody\n",
        f"content/images/{name}": png_pixel(),
    })
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    rss = feedparser.parse((result.out_dir / "feed.xml").read_bytes())
    atom = feedparser.parse((result.out_dir / "atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo
    for enclosure in rss.entries[0].get("enclosures", []):
        assert enclosure.get("type", "").startswith("image/")


def test_the_cli_reports_a_duplicate_key_in_one_line(make_project, runner):
    root = make_project({ITEM: textwrap.dedent("""\
        ---
        title: First item
        date: 2024-01-10
        draft: true
        draft: false
        ---
        Body
        """)})
    result = runner.invoke(cli, ["--project", str(root), "build"])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {ITEM}:5: 'draft' is written twice in the front matter (first on line 4); "
                             "keep one of the two lines; YAML would silently drop the first value\n")


# Every character XML 1.0 cannot hold (C0 but tab, LF and CR), and DEL.
CONTROL_CHARACTERS = [chr(code) for code in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]


@settings(max_examples=12, deadline=None)
@given(controls=st.lists(st.sampled_from(CONTROL_CHARACTERS), min_size=4, max_size=4))
def test_control_characters_in_content_are_read_as_spaces_in_every_channel(tmp_path_factory, controls: list[str]):
    """A form feed pasted from a PDF, or any other control character, raw or written as a YAML escape."""
    title, summary, tag, body = (f"Page one{control}page two" for control in controls)
    item = (f"---\ntitle: {json.dumps(title)}\ndate: 2024-01-10\nsummary: {summary}\ntags: [{json.dumps(tag)}]\n"
            f"---\n{body}\n\n- {body}\n")
    issue = f"---\ntitle: {json.dumps(title)}\nnumber: 1\ndate: 2024-01-31\n---\n{body}\n"
    root = tmp_path_factory.mktemp("controls")
    for relative, text in {"newsletter.toml": PUBLISHABLE_SETTINGS, ITEM: item,
                           "content/issues/2024-01-31-issue-1.md": issue}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    outputs = {path.relative_to(result.out_dir).as_posix(): path.read_bytes()
               for path in result.out_dir.rglob("*") if path.is_file() and path.suffix not in (".png", ".zip")}
    for relative, data in outputs.items():
        text = json.dumps(json.loads(data), ensure_ascii=False) if relative.endswith(".json") else data.decode()
        assert not set(text) & set(CONTROL_CHARACTERS), relative
    for feed in ("feed.xml", "atom.xml"):
        assert not feedparser.parse(outputs[feed]).bozo
    assert outputs["news/first-item/index.html"].count(b"Page one page two") >= 3  # title, list item, paragraph
    assert b"Page one page two" in outputs["issues/issue-1/email.txt"]


# HTML's content models: these elements hold phrasing content alone, and these are blocks.
PHRASING_ONLY = ["abbr", "b", "code", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "kbd", "mark", "p", "pre",
                 "q", "s", "small", "span", "strong", "sub", "sup", "u"]
BLOCKS = ["blockquote", "dd", "div", "dl", "dt", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
          "ol", "p", "pre", "table", "ul"]
raw_tags = st.sampled_from(["<b>", "</b>", "<i>", "</i>", "<em>", "<strong>", "<span>", "</span>", "<code>", "<q>",
                            "<small>", "<h2>", "</h2>", "<pre>", "<div>", "</div>", "<p>", "</p>", "<dl><dt>",
                            "<a href='https://partner.example.net/'>", "</a>", "<figure>", "<blockquote>"])
markdown_blocks = st.sampled_from(["Some *text*", "- one\n- two", "> quoted", "## Heading", "```\ncode\n```", "---",
                                   "1. first\n2. second", "| a | b |\n|---|---|\n| 1 | 2 |", "Text with a  \nbreak"])


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(st.tuples(st.lists(raw_tags, max_size=3), markdown_blocks), min_size=1, max_size=6))
def test_raw_html_left_open_never_puts_a_block_inside_phrasing(blocks: list[tuple[list[str], str]]):
    words = [f"word{index}" for index in range(len(blocks))]
    body = "\n\n".join(f"{''.join(tags)}{word} {block}" for (tags, block), word in zip(blocks, words))
    rendered = MarkdownRenderer().render(body)
    tree = BeautifulSoup(rendered, "html.parser")
    for element in tree.find_all(PHRASING_ONLY):
        assert element.find(BLOCKS) is None, (element.name, rendered)
    assert all(word in tree.get_text() for word in words)


def test_content_files_are_matched_as_the_system_compares_names(tmp_path: Path, monkeypatch):
    from newsletter.content import loader

    for name in ("b.md", "Note.MD", "a.markdown", "c.md.txt", "A.md"):
        (tmp_path / name).write_text("x")
    assert [path.name for path in loader.content_files(tmp_path)] == ["A.md", "b.md"]  # case counts here
    monkeypatch.setattr(loader.os.path, "normcase", str.lower)  # as on Windows, where it does not
    assert [path.name for path in loader.content_files(tmp_path)] == ["A.md", "b.md", "Note.MD"]
