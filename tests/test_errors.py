"""Every mistake a user can make: one line naming the file and line, the right exit code, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.cli import cli

ITEM = "content/news/2024-01-10-first-item.md"
ISSUE = "content/issues/2024-01-31-issue-1.md"

CASES = [
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: 2024-01-10\ntags: [a, b\n---\nBody\n"},
        f"{ITEM}:5: front matter is not valid YAML (did not find expected ',' or ']'); "
        "check the indentation and quote values that contain ':' or '#'",
        1, id="invalid-yaml",
    ),
    pytest.param(
        {ITEM: "---\ndate: 2024-01-10\n---\nBody\n"},
        f"{ITEM}:1: 'title' is missing; add a line 'title: ...' to the front matter",
        1, id="missing-title",
    ),
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: next tuesday\n---\nBody\n"},
        f'{ITEM}:3: \'date\' is not a date (got "next tuesday"); write YYYY-MM-DD or 2023-12-12T10:00:00+01:00',
        1, id="bad-date",
    ),
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: 2023-13-01\n---\nBody\n"},
        f'{ITEM}:3: \'date\' is not a date (got "2023-13-01"); write YYYY-MM-DD or 2023-12-12T10:00:00+01:00',
        1, id="impossible-date",
    ),
    pytest.param(
        {"content/news/2024-01-11-first-item.md": "---\ntitle: Again\ndate: 2024-01-11\n---\nBody\n"},
        "content/news/2024-01-11-first-item.md:1: item slug 'first-item' is also used by "
        f"{ITEM}; give one of them another 'slug:' or file name",
        1, id="duplicate-slug",
    ),
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: 2024-01-10\nimage: images/a.png\n---\nBody\n", "content/images/a.png": b"x"},
        f"{ITEM}:4: 'image' is set but 'image_alt' is missing; "
        "add 'image_alt:' describing the picture for people who cannot see it",
        1, id="image-without-alt",
    ),
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: 2024-01-10\nimage: images/missing.png\nimage_alt: A photo\n---\nBody\n"},
        f"{ITEM}:4: image file 'content/images/missing.png' does not exist; "
        "put the file there or correct the path (it is relative to content/)",
        1, id="image-missing",
    ),
    pytest.param(
        {ISSUE: "---\ntitle: Issue one\ndate: 2024-01-31\nitems:\n  - first-item\n  - no-such-item\n---\nHello.\n"},
        f"{ISSUE}:4: issue names an unknown item 'no-such-item'; "
        "use the slug of a file in content/news (its file name without the date and .md)",
        1, id="unknown-item",
    ),
    pytest.param(
        {ITEM: "---\ntitle: Caf\xe9\n".encode("latin-1") + b"date: 2024-01-10\n---\nBody\n"},
        f"{ITEM}:2: the file is not UTF-8 text; save it as UTF-8",
        1, id="not-utf8",
    ),
    pytest.param(
        {ITEM: ""},
        f"{ITEM}:1: the file is empty; add front matter between '---' lines and a body",
        1, id="empty-file",
    ),
    pytest.param(
        {ITEM: "title: First\ndate: 2024-01-10\n"},
        f"{ITEM}:1: the file does not start with '---'; begin it with a '---' line, "
        "the front matter (title:, date:, ...) and another '---' line",
        1, id="no-front-matter",
    ),
    pytest.param(
        {ITEM: "---\ntitle: First\ndate: 2024-01-10\ntype: webinar\n---\nBody\n"},
        f"{ITEM}:4: 'type' must be one of news, event, publication, deliverable, press (got \"webinar\"); "
        "pick one of those",
        1, id="bad-type",
    ),
    pytest.param(
        {"newsletter.toml": '[project]\nname = "X"\nsite_url = "example.org"\n[feeds]\nmax_items = "many"\n'},
        "newsletter.toml:3: 'project.site_url' must be an absolute http(s) URL (got 'example.org'); "
        "line 5: 'feeds.max_items' must be a whole number (got 'many'); "
        "fix these keys (see the README's settings section)",
        1, id="bad-settings-value",
    ),
    pytest.param(
        {"newsletter.toml": '[project]\nname = "X"\nsite_url = "https://example.org/"\ntimezone = "Mars/Olympus"\n'},
        "newsletter.toml:4: 'project.timezone' is not a known time zone (got 'Mars/Olympus'); write e.g. "
        "Europe/Brussels; fix these keys (see the README's settings section)",
        1, id="bad-timezone",
    ),
    pytest.param(
        {"newsletter.toml": '[project]\nname = "X"\nsite_url = "https://example.org/"\ntimezone = "' + "Z" * 300 + '"\n'},
        "newsletter.toml:4: 'project.timezone' is not a known time zone (got '" + "Z" * 300 + "'); write e.g. "
        "Europe/Brussels; fix these keys (see the README's settings section)",
        1, id="timezone-no-file-could-be-named",
    ),
    pytest.param(
        {"newsletter.toml": '[project]\nname = "X"\nsite_url = "https://example.org/\n'},
        "newsletter.toml:3: not valid TOML: Illegal character '\\n' at column 33; fix the syntax at that line",
        1, id="toml-syntax",
    ),
]


@pytest.mark.parametrize(("files", "message", "code"), CASES)
def test_error_is_one_line_and_keeps_output(make_project, runner, files, message, code):
    root = make_project(files)
    sentinel = root / "output" / "sentinel.txt"
    sentinel.parent.mkdir(parents=True)
    sentinel.write_text("keep me")
    content_before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}

    result = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])

    assert result.exit_code == code, result.output
    assert result.stderr == f"error: {message}\n"
    assert "Traceback" not in result.output
    assert sentinel.read_text() == "keep me"
    assert sorted((root / "output").iterdir()) == [sentinel]
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == content_before


def test_missing_settings_file_is_a_usage_error(tmp_path: Path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no newsletter.toml in {tmp_path.resolve()} or any folder above it; "
        "cd into a newsletter project, pass --project DIR, or run 'newsletter init'\n"
    )


def test_unknown_issue_is_a_usage_error(make_project, runner):
    root = make_project()
    result = runner.invoke(cli, ["--project", str(root), "build", "--issue", "nope"])
    assert result.exit_code == 2
    assert result.stderr == "error: no issue with slug 'nope'; use one of: issue-1\n"


def test_several_content_errors_name_the_first_and_count_the_rest(make_project, runner):
    root = make_project({
        ITEM: "---\ndate: 2024-01-10\n---\nBody\n",
        "content/news/2024-01-12-second.md": "---\ntitle: Second\n---\nBody\n",
    })
    result = runner.invoke(cli, ["--project", str(root), "build"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {ITEM}:1: 'title' is missing; add a line 'title: ...' to the front matter "
        "(and 1 more: run 'newsletter check' to list them)\n"
    )


def test_traceback_flag_shows_the_stack(make_project, runner):
    root = make_project({ITEM: "---\ndate: 2024-01-10\n---\nBody\n"})
    result = runner.invoke(cli, ["--project", str(root), "--traceback", "build"])
    assert result.exit_code == 1
    assert result.exception is not None


def test_a_content_file_that_cannot_be_read_is_one_line(make_project, runner):
    root = make_project()
    (root / "content/news/2024-02-01-folder.md").mkdir()  # a folder where a file should be
    result = runner.invoke(cli, ["--project", str(root), "build"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: content/news/2024-02-01-folder.md: cannot read the file (Is a directory)")
    assert "Traceback" not in result.output


def test_a_folder_the_system_refuses_is_one_line(tmp_path, runner):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(cli, ["init", str(blocker / "project")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {blocker / 'project'}: ")
    assert "Traceback" not in result.output
