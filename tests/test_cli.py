"""The command line: help, version, init, new, build and check as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newsletter.cli import cli

from .conftest import PUBLISHABLE_SETTINGS, REPO


def test_help_lists_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "new", "build", "check"):
        assert f"  {command} " in result.output


def test_version(runner):
    from newsletter import __version__

    result = runner.invoke(cli, ["--version"])
    assert result.output == f"newsletter, version {__version__}\n"


def test_python_dash_m_works_and_help_imports_no_pipeline():
    code = (
        "import sys, runpy; sys.argv=['newsletter','--help'];\n"
        "try: runpy.run_module('newsletter', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('markdown','jinja2','yaml','nh3','feedgen','mjml') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert "build" in result.stdout
    assert "HEAVY []" in result.stdout


def test_init_then_build_then_check(tmp_path: Path, runner):
    target = tmp_path / "climate-news"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "newsletter.toml").is_file()
    assert len(list((target / "content/news").glob("*.md"))) == 1
    build = runner.invoke(cli, ["--project", str(target), "build"])
    assert build.exit_code == 0, build.output
    assert (target / "output/index.html").is_file()
    check = runner.invoke(cli, ["--project", str(target), "check"])
    # A fresh project fails check on its placeholders only, each with the line to change.
    assert check.exit_code == 1
    findings = check.stderr.splitlines()[:-1]
    assert findings and all(line.endswith("[placeholder]") and ": error: " in line for line in findings)
    replace_placeholders(target)
    check = runner.invoke(cli, ["--project", str(target), "check"])
    assert check.exit_code == 0, check.output
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr


def replace_placeholders(root: Path) -> None:
    """Do what check asks of a fresh project: the project's own addresses, grant and texts."""
    settings = root / "newsletter.toml"
    text = settings.read_text().replace("example.eu", "climate-news.eu").replace('"101000000"', '"101123456"')
    settings.write_text(text.replace('"the granting authority"', '"CINEA"'))
    for path in (root / "content").rglob("*.md"):
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith("Write the ")))


def test_new_creates_an_item_that_builds(make_project, runner, monkeypatch):
    root = make_project()
    monkeypatch.chdir(root / "content")  # the project is found upwards, like git
    result = runner.invoke(cli, ["new", "Summer School in Paderborn", "--type", "event", "--date", "2024-07-10"])
    assert result.exit_code == 0, result.output
    created = root / "content/news/2024-07-10-summer-school-in-paderborn.md"
    assert result.output == f"created {created.relative_to(root)}\n"
    text = created.read_text()
    assert "title: Summer School in Paderborn" in text and "type: event" in text
    build = runner.invoke(cli, ["build", "--as-of", "2024-12-31"])
    assert build.exit_code == 0, build.output
    assert (root / "output/news/summer-school-in-paderborn/index.html").is_file()
    duplicate = runner.invoke(cli, ["new", "Summer School in Paderborn", "--date", "2024-07-10"])
    assert duplicate.exit_code == 2
    assert created.read_text() == text


def test_check_reports_every_error_and_exit_codes(make_project, runner):
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": "---\ndate: 2024-01-10\n---\nBody\n",
        "content/news/2024-01-12-second.md": "---\ntitle: Second\ndate: soon\n---\nBody\n",
    })
    result = runner.invoke(cli, ["--project", str(root), "check"])
    assert result.exit_code == 1
    assert "content/news/2024-01-10-first-item.md:1: error: 'title' is missing" in result.stderr
    assert "content/news/2024-01-12-second.md:3: error: 'date' is not a date" in result.stderr
    assert "check failed: 2 errors, 0 warnings" in result.stderr


def test_check_warnings_pass_unless_strict(make_project, runner):
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": "---\ntitle: A\ndate: 2024-01-10\ncolour: red\n---\nBody\n",
    })
    relaxed = runner.invoke(cli, ["--project", str(root), "check", "--as-of", "2024-12-31"])
    assert relaxed.exit_code == 0, relaxed.output
    assert "4: warning: unknown front-matter key 'colour' is ignored" in relaxed.output
    strict = runner.invoke(cli, ["--project", str(root), "check", "--strict", "--as-of", "2024-12-31"])
    assert strict.exit_code == 1


def test_bad_option_value_is_a_usage_error(make_project, runner):
    root = make_project()
    result = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "yesterday"])
    assert result.exit_code == 2
    assert "'yesterday' is not a date; write YYYY-MM-DD" in result.stderr


def test_console_script_builds_the_example(tmp_path: Path, example_copy):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "--project", str(example_copy), "build", "--out", str(tmp_path / "out"),
         "--as-of", "2024-12-31"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Built 3 issues" in result.stdout
    assert result.stderr == ""


def test_summary_of_a_long_archive_names_the_largest_email(make_project, runner):
    files = {f"content/issues/2024-0{n}-01-issue-{n}.md": f"---\ntitle: Issue {n}\ndate: 2024-0{n}-01\n---\nHi.\n"
             for n in range(1, 8)}
    files["content/issues/2024-01-31-issue-1.md"] = None
    root = make_project(files)
    result = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert result.exit_code == 0, result.output
    assert "7 emails from" in result.output
    assert "email.html:" not in result.output
