"""Loading content: typos are caught at their line, and a misspelt `draft:` never publishes an item."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.check import as_diagnostic, check_project
from newsletter.cli import cli
from newsletter.content.frontmatter import parse_document, text_line
from newsletter.content.loader import ContentProblems, collect_catalog
from newsletter.content.records import EVENT_KEYS, ISSUE_KEYS, ITEM_KEYS, PUBLICATION_KEYS
from newsletter.content.models import ItemType
from newsletter.diagnostics import Diagnostic, Severity
from newsletter.settings.load import load_settings

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, PUBLISHABLE_SETTINGS, REPO

ITEM_FILE = "content/news/2024-01-10-first-item.md"
ISSUE_FILE = "content/issues/2024-01-31-issue-1.md"
# Hypothesis runs a test many times in one tmp_path; each example writes its own project.
ONE_FOLDER = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LETTERS = "abcdefghijklmnopqrstuvwxyz_"


def typos(word: str) -> st.SearchStrategy[str]:
    """`word` with one letter left out, added, replaced, or two neighbours swapped."""
    positions = st.integers(0, len(word) - 1)
    letters = st.sampled_from(LETTERS)
    return st.one_of(
        positions.map(lambda i: word[:i] + word[i + 1:]),
        st.tuples(st.integers(0, len(word)), letters).map(lambda p: word[:p[0]] + p[1] + word[p[0]:]),
        st.tuples(positions, letters).map(lambda p: word[:p[0]] + p[1] + word[p[0] + 1:]),
        positions.filter(lambda i: i + 1 < len(word)).map(lambda i: word[:i] + word[i + 1] + word[i] + word[i + 2:]),
    ).filter(lambda typo: typo != word and re.fullmatch(r"[a-z_]+", typo) is not None)


def item(*lines: str, title: str = "First item", day: str = "2024-01-10") -> str:
    return "\n".join(["---", f"title: {title}", f"date: {day}", *lines, "---", "The body.", ""])


def loaded(root: Path) -> list[Diagnostic]:
    """What loading the content finds, as `check` reports it (without rendering anything)."""
    catalog, errors = collect_catalog(root, load_settings(root))
    return [*catalog.diagnostics, *(as_diagnostic(exc) for exc in errors)]


def findings_of(root: Path, code: str) -> list[Diagnostic]:
    return [finding for finding in loaded(root) if finding.code == code]


# A near miss of `draft:` would publish the item: it is an error in build and check alike.

def draft_near_misses() -> st.SearchStrategy[str]:
    return st.one_of(
        typos("draft").filter(lambda typo: "draft" in typo or len(typo) >= 4),
        st.sampled_from(["Draft", "DRAFT", "drafts", "is_draft", "draft_mode", "Drafted"]),
    )


@given(key=draft_near_misses(), value=st.sampled_from(["true", "yes", "false"]))
@ONE_FOLDER
def test_a_near_miss_of_draft_stops_the_build_at_its_line(make_project, key, value):
    root = make_project({ITEM_FILE: item(f"{key}: {value}")})
    with pytest.raises(ContentProblems) as caught:
        build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert str(caught.value).startswith(f"{ITEM_FILE}:4: '{key}' is not 'draft', so the item would be published; ")
    assert not (root / "output").exists()
    [finding] = [finding for finding in check_project(root, EXAMPLE_AS_OF) if finding.code == "bad-field"]
    assert finding.severity is Severity.ERROR and str(finding.where) == f"{ITEM_FILE}:4"


@pytest.mark.parametrize("line", ["published: false", "status: draft", "status: Private", "hidden: true",
                                  "private: true", "unpublished: true"])
def test_another_tools_way_of_holding_an_item_back_is_an_error(make_project, line):
    root = make_project({ITEM_FILE: item(line)})
    [finding] = findings_of(root, "bad-field")
    assert str(finding.where) == f"{ITEM_FILE}:4"
    assert "so it would be published" in finding.message and finding.hint == "write 'draft: true' instead"


@pytest.mark.parametrize("line", ["published: true", "status: publish", "hidden: false"])
def test_another_tools_way_of_publishing_is_only_an_unknown_key(make_project, line):
    root = make_project({ITEM_FILE: item(line)})
    assert findings_of(root, "bad-field") == []
    assert [str(f.where) for f in findings_of(root, "unknown-key")] == [f"{ITEM_FILE}:4"]


@given(key=st.one_of(st.just("draft"), draft_near_misses()))
@ONE_FOLDER
def test_an_issue_cannot_be_held_back_by_a_draft_key(make_project, key):
    issue = f"---\ntitle: Issue one\ndate: 2024-01-31\n{key}: true\n---\nHello.\n"
    root = make_project({ISSUE_FILE: issue})
    [finding] = findings_of(root, "bad-field")
    assert str(finding.where) == f"{ISSUE_FILE}:4" and "issues have no drafts" in finding.message


# Every other misspelt key is a warning at its line that names the key it looks like.

KNOWN_VALUES = {"title": "T", "date": "2024-01-10", "summary": "S", "slug": "s", "type": "news", "tags": "[a]",
                "work_packages": "[WP1]", "author": "A", "url": "https://example.org/", "id": "x", "image_alt": "A"}


@given(st.sampled_from(sorted(KNOWN_VALUES)).flatmap(lambda key: st.tuples(st.just(key), typos(key))))
@ONE_FOLDER
def test_a_misspelt_item_key_is_a_warning_naming_a_key_it_looks_like(make_project, case):
    key, typo = case
    if typo in ITEM_KEYS or "draft" in typo or typo in ("published", "status", "hidden", "private", "unpublished"):
        return
    root = make_project({ITEM_FILE: item(f"{typo}: {KNOWN_VALUES[key]}")})
    findings = loaded(root)
    if any(f.code == "bad-field" for f in findings):
        [error] = [f for f in findings if f.severity is Severity.ERROR]
        assert "'draft'" in error.message  # only a typo that comes nearer `draft` than anything else stops it
        return
    [finding] = [f for f in findings if f.code == "unknown-key"]
    assert str(finding.where) == f"{ITEM_FILE}:4"
    assert re.fullmatch(r"did you mean '(\w+):'\?", finding.hint or "")
    assert finding.hint.split("'")[1].rstrip(":") in ITEM_KEYS


@given(st.sampled_from(sorted(ISSUE_KEYS - {"title", "date", "items"})).flatmap(
    lambda key: st.tuples(st.just(key), typos(key))))
@ONE_FOLDER
def test_a_misspelt_issue_key_is_a_warning(make_project, case):
    key, typo = case
    if typo in ISSUE_KEYS or "draft" in typo:
        return
    root = make_project({ISSUE_FILE: f"---\ntitle: Issue one\ndate: 2024-01-31\n{typo}: x\n---\nHello.\n"})
    findings = [f for f in loaded(root) if f.code in ("unknown-key", "bad-field")]
    assert [(f.code, str(f.where)) for f in findings] in ([("unknown-key", f"{ISSUE_FILE}:4")],
                                                           [("bad-field", f"{ISSUE_FILE}:4")])


@given(st.sampled_from([("event", key) for key in sorted(EVENT_KEYS - {"start"})]
                       + [("publication", key) for key in sorted(PUBLICATION_KEYS)]).flatmap(
    lambda case: st.tuples(st.just(case), typos(case[1]))))
@ONE_FOLDER
def test_a_misspelt_nested_key_is_a_warning_at_its_own_line(make_project, case):
    (block, key), typo = case
    allowed = EVENT_KEYS if block == "event" else PUBLICATION_KEYS
    if typo in allowed:
        return
    lines = ["type: event", "event:", "  start: 2024-02-01"] if block == "event" else ["publication:", "  venue: V"]
    root = make_project({ITEM_FILE: item(*lines, f"  {typo}: x")})
    [finding] = findings_of(root, "unknown-key")
    assert str(finding.where) == f"{ITEM_FILE}:{4 + len(lines)}"
    assert finding.message == f"unknown key '{block}.{typo}' is ignored"
    assert finding.hint is not None and finding.hint.startswith("did you mean '")


@given(st.sampled_from([kind.value for kind in ItemType]).flatmap(typos))
@ONE_FOLDER
def test_a_misspelt_type_is_an_error_naming_the_type_it_looks_like(make_project, typo):
    if typo in {kind.value for kind in ItemType}:
        return
    root = make_project({ITEM_FILE: item(f"type: {typo}")})
    [finding] = findings_of(root, "bad-field")
    assert str(finding.where) == f"{ITEM_FILE}:4"
    assert re.fullmatch(r"did you mean 'type: (\w+)'\?", finding.hint or "")


def test_a_misspelt_start_is_named_in_the_error_that_the_start_is_missing(make_project):
    root = make_project({ITEM_FILE: item("type: event", "event:", "  strt: 2024-02-01", "  location: Nantes"),
                         "newsletter.toml": PUBLISHABLE_SETTINGS})
    assert [(str(f.where), f.message, f.hint) for f in check_project(root, EXAMPLE_AS_OF)] == [
        (f"{ITEM_FILE}:6", "'event.start' is missing", "write 'start:' for 'strt:'"),
    ]


def test_a_missing_start_says_which_line_to_add_below_event(make_project):
    root = make_project({ITEM_FILE: item("type: event", "event:", "  location: Nantes")})
    [finding] = findings_of(root, "bad-field")
    assert (str(finding.where), finding.hint) == (f"{ITEM_FILE}:5", "add the line '  start: YYYY-MM-DD' below 'event:'")


# Every image a project names is found when it loads; a missing one is an error at the line naming it.

PNG = (REPO / "content" / "images" / "summer-school.png").read_bytes()
FILE_NAMES = st.text(
    st.one_of(st.characters(categories=("Lu", "Ll", "Nd")), st.sampled_from(" -_#?%&'()+,;=@~!$")),
    min_size=1, max_size=16,
).filter(lambda name: name.strip() == name and not name.startswith(("-", "."))).map(lambda name: f"{name}.png")


def image_reference(place: str, name: str) -> tuple[dict[str, str], str]:
    """Project files that name `content/images/<name>` in `place`, and where the reference is written."""
    settings_text = MINIMAL_SETTINGS
    if place == "front matter":
        return {ITEM_FILE: item(f"image: {json.dumps('images/' + name, ensure_ascii=False)}", "image_alt: A photo")}, f"{ITEM_FILE}:4"
    if place in ("body", "body, relative to the file"):
        path = f"../images/{name}" if place.endswith("file") else f"images/{name}"
        return {ITEM_FILE: item() + f"\nMore text.\n\n![A photo](<{path}>)\n"}, f"{ITEM_FILE}:9"
    if place == "editorial":
        issue = f"---\ntitle: Issue one\ndate: 2024-01-31\n---\nWelcome.\n\n![Team](<../images/{name}>)\n"
        return {ISSUE_FILE: issue}, f"{ISSUE_FILE}:7"
    if place == "project logo":
        text = settings_text.replace("[funding]", f"logo = {json.dumps('images/' + name, ensure_ascii=False)}\n\n[funding]")
        return {"newsletter.toml": text}, "newsletter.toml:6"
    text = settings_text + f'\n[[partners]]\nname = "A"\nlogo = {json.dumps("images/" + name, ensure_ascii=False)}\n'
    return {"newsletter.toml": text}, f"newsletter.toml:{text.count(chr(10))}"


PLACES = ["front matter", "body", "body, relative to the file", "editorial", "project logo", "partner logo"]


@given(name=FILE_NAMES, place=st.sampled_from(PLACES), exists=st.booleans())
@ONE_FOLDER
def test_an_image_is_found_or_reported_missing_at_the_line_naming_it(make_project, name, place, exists):
    files, where = image_reference(place, name)
    if exists:
        files[f"content/images/{name}"] = PNG  # type: ignore[assignment]
    root = make_project(files, name=f"p{abs(hash((name, place, exists)))}")
    missing = findings_of(root, "missing-file")
    if exists:
        assert missing == []
    else:
        [finding] = missing
        assert finding.severity is Severity.ERROR and str(finding.where) == where
        assert "does not exist" in finding.message and name in finding.message


@pytest.mark.parametrize("place", PLACES)
def test_an_image_outside_content_images_is_not_published_and_says_where_to_move_it(make_project, place):
    files, where = image_reference(place, "team.png")
    for key, text in files.items():
        files[key] = text.replace("images/team.png", "photos/team.png")
    root = make_project({**files, "content/photos/team.png": PNG, "content/news/photos/team.png": PNG})
    [finding] = findings_of(root, "missing-file")
    assert str(finding.where) == where
    assert "is not in content/images/, so it would not be published" in finding.message


def test_a_missing_image_stops_the_build_and_check_lists_every_one(make_project, runner):
    root = make_project({ITEM_FILE: item() + "\n![A](images/one.png)\n\n![B](images/two.png)\n"})
    build = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert build.exit_code == 1
    assert build.stderr.startswith(f"error: {ITEM_FILE}:7: image 'content/news/images/one.png' or "
                                   "'content/images/one.png' does not exist; ")
    assert build.stderr.endswith("(and 1 more: run 'newsletter check' to list them)\n")
    check = runner.invoke(cli, ["--project", str(root), "check", "--as-of", "2024-12-31"])
    assert check.exit_code == 1 and check.stderr.count("[missing-file]") == 2


def test_the_fix_for_an_event_without_details_can_be_typed_as_it_reads(make_project):
    root = make_project({ITEM_FILE: item("type: event")})
    [finding] = findings_of(root, "event-without-details")
    lines = re.findall(r"'( *[a-z]+:[^']*)'", finding.hint or "")
    assert lines == ["event:", "  start: YYYY-MM-DD", "  location: City", "type:"]
    written = item("type: event", *[line.replace("YYYY-MM-DD", "2024-02-01") for line in lines[:3]])
    root = make_project({ITEM_FILE: written}, name="fixed")
    assert [f.code for f in loaded(root)] == []


@given(st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False), st.text(max_size=8)),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)), max_size=4))
@ONE_FOLDER
def test_any_extra_keys_load_or_fail_in_one_line(make_project, extra):
    lines = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in extra.items()
             if str(key) not in ITEM_KEYS | {"title", "date"}]
    root = make_project({ITEM_FILE: item(*lines)}, name=f"p{abs(hash(str(extra)))}")
    for finding in loaded(root):  # no exception: each a finding at a line of the file
        assert finding.where is not None and finding.where.path.as_posix() == ITEM_FILE


@pytest.mark.parametrize("path", ["/etc/hostname", "../../../../etc/hostname"])
def test_an_image_outside_the_project_is_named_so(make_project, path):
    root = make_project({ITEM_FILE: item() + f"\n![A]({path})\n"})
    [finding] = findings_of(root, "missing-file")
    assert finding.message == f"image '{path}' is outside the project"


# Finding where a key or a text is written


_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_VALUE = st.one_of(st.integers(), st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,20}", fullmatch=True).map(str.strip))
_FILLER = st.lists(st.sampled_from(["", "# a comment", "   "]), max_size=2)


@st.composite
def _front_matter(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    """Front matter of keys, some holding a mapping, with blank and comment lines between; each dotted key's file line."""
    lines, where = ["---"], {}
    for key in draw(st.lists(_KEY, min_size=1, max_size=6, unique=True)):
        lines += draw(_FILLER)
        inner = draw(st.none() | st.lists(_KEY, min_size=1, max_size=3, unique=True))
        where[key] = len(lines) + 1
        if inner is None:
            lines.append(f"{key}: {draw(_VALUE)}")
            continue
        lines.append(f"{key}:")
        for name in inner:
            lines += [f"  {line}" if line else line for line in draw(_FILLER)]
            where[f"{key}.{name}"] = len(lines) + 1
            lines.append(f"  {name}: {draw(_VALUE)}")
    return "\n".join([*lines, "---", "The body.", ""]), where


@given(_front_matter())
@settings(max_examples=60)
def test_every_front_matter_key_is_found_at_its_line(case: tuple[str, dict[str, int]]) -> None:
    text, where = case
    document = parse_document(text, Path("item.md"))
    for key, line in where.items():
        assert document.where(key).line == line, (key, text)
    parent = next(iter(where))
    assert document.where(f"{parent}.unwritten").line == where[parent]  # an unwritten inner key: its mapping


_URL = st.from_regex(r"https://[a-z]{1,8}\.eu/[a-z0-9/]{0,12}[a-z0-9]", fullmatch=True)


@given(st.lists(st.from_regex(r"[A-Za-z ]{0,30}", fullmatch=True), min_size=1, max_size=8), st.data())
@settings(max_examples=60)
def test_text_line_finds_the_first_line_that_writes_a_whole_url(lines: list[str], data: st.DataObject) -> None:
    url = data.draw(_URL)
    at = data.draw(st.integers(0, len(lines) - 1))
    before = [f"{line} {url}x/longer" if index < at else line for index, line in enumerate(lines)]
    written = data.draw(st.sampled_from([f"[a link]({url})", f"<{url}>", f"see {url}.", f'href="{url}"', url]))
    text = "\n".join([*before[:at], f"{before[at]} {written}", *before[at + 1 :]])
    assert text_line(text, [url], whole_url=True) == at + 1
    assert text_line(text, ["nowhere"], whole_url=True) is None
