"""`check`'s rules over the whole project: placeholders left from `init`, issue numbers, tag spellings."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, load_site
from newsletter.check import check_project
from newsletter.checks.project import project_findings
from newsletter.content.loader import load_catalog
from newsletter.diagnostics import Diagnostic, Severity
from newsletter.checks.placeholders import is_placeholder_host
from newsletter.scaffold import init_project, new_item
from newsletter.settings.load import load_settings
from newsletter.slugs import slugify
from newsletter.summary import SHOWN_FINDINGS, findings_summary

from .conftest import EXAMPLE_AS_OF, PUBLISHABLE_SETTINGS, REPO

ONE_FOLDER = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def rules(root: Path) -> list[Diagnostic]:
    """The project rules' findings, without rendering anything."""
    settings = load_settings(root)
    return project_findings(root, settings, load_catalog(root, settings))


# Placeholders: a fresh project fails check on them only, and each names the line to change.

def test_a_fresh_project_fails_check_on_its_placeholders_only(tmp_path: Path):
    root = tmp_path / "climate"
    init_project(root, "Climate", today=date(2025, 3, 1))
    findings = check_project(root, date(2025, 3, 1))
    assert {finding.code for finding in findings} == {"placeholder"}
    assert all(finding.severity is Severity.ERROR and finding.hint for finding in findings)
    settings_lines = (root / "newsletter.toml").read_text().splitlines()
    placed = {}
    for finding in findings:
        assert finding.where is not None and finding.where.line is not None
        line = (root / finding.where.path).read_text().splitlines()[finding.where.line - 1]
        placed[finding.where.path.as_posix()] = placed.get(finding.where.path.as_posix(), 0) + 1
        assert "example.eu" in line or "101000000" in line or "the granting authority" in line or "Write the" in line
    # Every placeholder line of the settings is reported, and the item's and the issue's text.
    assert placed["newsletter.toml"] == sum(
        "example.eu" in line or "101000000" in line or "the granting authority" in line
        for line in settings_lines if not line.startswith("#"))
    assert placed == {"newsletter.toml": placed["newsletter.toml"], "content/news/2025-03-01-welcome.md": 1,
                      "content/issues/2025-03-01-issue-1.md": 1}


@pytest.mark.parametrize("kind", ["news", "event", "publication", "deliverable", "press"])
def test_a_new_item_fails_check_until_its_text_is_written(make_project, kind):
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS})
    path = root / new_item(root, "Kick-off meeting", kind, date(2024, 1, 20))
    if kind == "event":  # nested keys as the README shows them, each date written out
        assert "event:\n  start: 2024-01-20\n  end: 2024-01-20\n" in path.read_text()
    [finding] = rules(root)
    assert (finding.code, str(finding.where)) == ("placeholder", f"{path.relative_to(root).as_posix()}:{_line(path)}")
    path.write_text(path.read_text().replace("Write the news here in Markdown.", "The consortium met."))
    assert [f for f in check_project(root, EXAMPLE_AS_OF) if f.code != "empty-issue"] == []


def _line(path: Path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("Write the"))


RESERVED = st.sampled_from(["example.eu", "example.org", "example.com", "news.example.net", "example.co.uk",
                            "site.test", "site.invalid", "localhost", "www.project.example"])
REAL = st.from_regex(r"(?:[a-z][a-z0-9-]{0,12}\.){1,2}(?:eu|org|com|de|fr|lu)", fullmatch=True).filter(
    lambda host: "example" not in host.split("."))


@given(host=st.one_of(RESERVED, REAL), key=st.sampled_from(
    ["project.site_url", "project.contact", "email.from", "email.reply_to", "email.unsubscribe_url"]))
@ONE_FOLDER
def test_an_address_on_a_domain_kept_for_examples_is_a_placeholder(make_project, host, key):
    table, name = key.split(".")
    value = f"https://{host}/news/" if name.endswith("url") else f"News <news@{host}>"
    lines = re.sub(rf"^{name} = .*\n", "", PUBLISHABLE_SETTINGS, flags=re.M)
    lines = lines.replace(f"[{table}]\n", f"[{table}]\n{name} = \"{value}\"\n", 1)
    root = make_project({"newsletter.toml": lines}, name=f"p{abs(hash((host, key)))}")
    found = [f for f in rules(root) if f.code == "placeholder"]
    if is_placeholder_host(host):
        [finding] = found
        assert finding.message.startswith(f"'{key}' is still an example address ({host})")
        assert str(finding.where) == f"newsletter.toml:{_toml_line(root, name + ' = ')}"
    else:
        assert found == []


def _toml_line(root: Path, start: str) -> int:
    return next(n for n, line in enumerate((root / "newsletter.toml").read_text().splitlines(), 1)
                if line.startswith(start))


def test_reserved_hosts():
    assert all(map(is_placeholder_host, ["example.eu", "EXAMPLE.org", "a.example.com.", "x.test", "localhost"]))
    assert not any(map(is_placeholder_host, ["opincharge.eu", "example-project.eu", "myexample.org", "testing.eu"]))


def test_the_example_project_has_no_placeholders():
    assert [finding for finding in rules(REPO) if finding.code == "placeholder"] == []


# Issue numbers: each issue its own.

@given(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=1, max_size=6))
@ONE_FOLDER
def test_every_reused_issue_number_is_an_error_at_the_later_issue(make_project, numbers):
    files: dict[str, str | None] = {"content/issues/2024-01-31-issue-1.md": None}
    for index, number in enumerate(numbers):
        line = f"number: {number}\n" if number is not None else ""
        files[f"content/issues/2024-0{index + 1}-28-issue-{index}.md"] = (
            f"---\ntitle: Issue {index}\n{line}date: 2024-0{index + 1}-28\n---\nHello.\n")
    root = make_project(files, name=f"p{abs(hash(tuple(numbers)))}")
    found = [f for f in rules(root) if f.code == "duplicate-number"]
    written = [n for n in numbers if n is not None]
    assert len(found) == len(written) - len(set(written))
    for finding in found:
        assert finding.severity is Severity.ERROR and finding.where is not None and finding.where.line == 3
        index = int(finding.where.path.stem.rsplit("-", 1)[1])
        number = numbers[index]
        assert number in numbers[:index] and f"issue number {number} is also used by" in finding.message


# Tags: one spelling per topic, the majority's; near misses of a tag are reported.

TOPICS = ["Circular Economy", "Open Science", "Battery Research", "Modelling", "Partner Spotlight"]


def case_variants(tag: str) -> st.SearchStrategy[str]:
    return st.sampled_from([tag, tag.lower(), tag.upper(), tag.title(), tag.swapcase()])


@given(st.lists(st.lists(st.sampled_from(TOPICS).flatmap(case_variants), min_size=1, max_size=3),
                min_size=1, max_size=6))
@ONE_FOLDER
def test_a_tags_label_is_the_majority_spelling_and_the_others_are_warned(make_project, tag_lists):
    files: dict[str, str | None] = {"newsletter.toml": PUBLISHABLE_SETTINGS,
                                    "content/news/2024-01-10-first-item.md": None}
    for index, tags in enumerate(tag_lists):
        files[f"content/news/2024-01-{index + 10}-item-{index}.md"] = (
            f"---\ntitle: Item {index}\ndate: 2024-01-{index + 10}\nsummary: S.\ntags: [{', '.join(tags)}]\n---\nB.\n")
    root = make_project(files, name=f"p{abs(hash(str(tag_lists)))}")
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    # Newest first, each spelling once per item: the label is the most used, on a tie the newest item's.
    newest_first = [list(dict.fromkeys(tags)) for tags in reversed(tag_lists)]
    warned = Counter(str(f.where.path) for f in rules(root) if f.code == "tag-spelling" and f.where is not None)
    expected_warned: Counter[str] = Counter()
    for slug in {slugify(tag) for tags in tag_lists for tag in tags}:
        spellings = Counter(tag for tags in newest_first for tag in tags if slugify(tag) == slug)
        first_seen = [tag for tags in newest_first for tag in tags if slugify(tag) == slug]
        label = max(dict.fromkeys(first_seen), key=lambda tag: spellings[tag])
        assert site.tag_name(slug) == label
        for index, tags in enumerate(tag_lists):
            expected_warned[f"content/news/2024-01-{index + 10}-item-{index}.md"] += sum(
                1 for tag in dict.fromkeys(tags) if slugify(tag) == slug and tag != label)
    assert warned == +expected_warned


def misspellings(word: str) -> st.SearchStrategy[str]:
    """`word` with one letter left out, doubled or replaced (not by a digit, which tells tags apart)."""
    positions = st.integers(1, len(word) - 2).filter(lambda i: word[i].isalpha())
    return st.one_of(
        positions.map(lambda i: word[:i] + word[i + 1:]),
        positions.map(lambda i: word[:i] + word[i] + word[i:]),
        st.tuples(positions, st.sampled_from("aeiourst")).map(lambda p: word[:p[0]] + p[1] + word[p[0] + 1:]),
    ).filter(lambda typo: slugify(typo) != slugify(word))


@given(st.sampled_from(TOPICS).flatmap(lambda tag: st.tuples(st.just(tag), misspellings(tag))),
       st.integers(1, 3))
@ONE_FOLDER
def test_a_misspelt_tag_is_a_warning_at_the_items_that_use_it(make_project, case, uses):
    tag, typo = case
    files: dict[str, str | None] = {"newsletter.toml": PUBLISHABLE_SETTINGS,
                                    "content/news/2024-01-10-first-item.md": None}
    for index in range(uses + 1):
        files[f"content/news/2024-01-{index + 10}-item-{index}.md"] = (
            f"---\ntitle: Item {index}\ndate: 2024-01-{index + 10}\nsummary: S.\n"
            f"tags: [{typo if index == 0 else tag}]\n---\nB.\n")
    root = make_project(files, name=f"p{abs(hash((typo, uses)))}")
    [finding] = [f for f in rules(root) if f.code == "similar-tags"]
    assert str(finding.where) == "content/news/2024-01-10-item-0.md:5"
    assert finding.message == f"tag '{typo}' looks like a misspelling of '{tag}' ({uses} item{'s' * (uses != 1)})"


@pytest.mark.parametrize(("first", "second"), [("WP1", "WP2"), ("Battery 2030+", "Battery 2031"), ("Cat A", "Cat B"),
                                               ("Solar", "Polar bears"), ("EU", "AI"), ("WordPress", "wordpress.tv")])
def test_tags_told_apart_by_numbers_or_many_letters_are_not_misspellings(make_project, first, second):
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": f"---\ntitle: A\ndate: 2024-01-10\ntags: [{first}, {second}]\n---\nB.\n",
    })
    assert [f for f in rules(root) if f.code == "similar-tags"] == []


def test_the_example_project_has_one_spelling_per_tag():
    assert [f for f in rules(REPO) if f.code in ("tag-spelling", "similar-tags")] == []


# What a build says about its findings.

@given(st.lists(st.sampled_from([Severity.ERROR, Severity.WARNING]), max_size=12))
def test_a_build_counts_its_findings_and_shows_the_first_few_errors_first(severities):
    findings = [Diagnostic(severity, "code", None, f"finding {index}") for index, severity in enumerate(severities)]
    lines = findings_summary(findings)
    if not findings:
        assert lines == []
        return
    errors, warnings = severities.count(Severity.ERROR), severities.count(Severity.WARNING)
    assert lines[0].startswith(" and ".join(f"{n} {word}{'s' * (n != 1)}" for n, word in
                                             ((errors, "error"), (warnings, "warning")) if n))
    shown = lines[1:1 + min(len(findings), SHOWN_FINDINGS)]
    assert [line.split(": ", 1)[0].strip() for line in shown] == sorted(
        (s.value for s in severities), key=lambda value: value != "error")[:len(shown)]
    assert (len(lines) == len(shown) + 2) == (len(findings) > SHOWN_FINDINGS)
    if len(findings) > SHOWN_FINDINGS:
        assert lines[-1] == f"  ... and {len(findings) - SHOWN_FINDINGS} more: run 'newsletter check' to see them all."


def test_build_prints_what_check_reports(make_project, runner):
    from newsletter.cli import cli

    item = "---\ntitle: A\ndate: 2024-01-10\ntype: event\nsumary: S.\n---\nB.\n"
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS, "content/news/2024-01-10-first-item.md": item})
    build = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert build.exit_code == 0
    assert "2 warnings ('newsletter check' lists them too):\n" in build.output
    check = runner.invoke(cli, ["--project", str(root), "check", "--as-of", "2024-12-31"])
    assert [line for line in build.output.splitlines() if line.startswith("  content/")] == [
        f"  {line}" for line in check.output.splitlines()[:-1]]


def test_the_summary_counts_in_words(make_project, runner):
    from newsletter.cli import cli

    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS})
    build = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert build.output.startswith("Built 1 issue and 1 published item into ")


def test_an_issue_without_items_or_with_a_draft_names_the_line_to_change(make_project):
    draft = "---\ntitle: A draft\ndate: 2024-01-10\ndraft: true\n---\nB.\n"
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": draft,
        "content/issues/2024-01-31-issue-1.md": "---\ntitle: One\ndate: 2024-01-31\nitems: [first-item]\n---\nHi.\n",
        "content/issues/2024-02-28-issue-2.md": "---\ntitle: Two\nnumber: 2\ndate: 2024-02-28\n---\nHi.\n",
    })
    findings = {(f.code, str(f.where)) for f in load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF)).diagnostics}
    assert findings == {("draft-in-issue", "content/issues/2024-01-31-issue-1.md:4"),
                        ("empty-issue", "content/issues/2024-01-31-issue-1.md:4"),
                        ("empty-issue", "content/issues/2024-02-28-issue-2.md:4")}


def test_a_large_image_in_the_editorial_names_its_line(make_project):
    path = "images/big photo.png"
    png = (REPO / "content/images/summer-school.png").read_bytes()
    issue = f"---\ntitle: One\ndate: 2024-01-31\n---\nWelcome.\n\nOur team:\n\n![The team](<{path}>)\n"
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS, "content/issues/2024-01-31-issue-1.md": issue,
                         "content/images/big photo.png": png + b"\0" * (1024 * 1024)})
    [finding] = [f for f in check_project(root, EXAMPLE_AS_OF) if f.code == "large-image"]
    assert str(finding.where) == "content/issues/2024-01-31-issue-1.md:9"
