"""Every command's --help ends with an example that works in the example project; `newsletter` alone shows the tour."""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import sys
import urllib.request
from pathlib import Path

import click
import pexpect
import pytest

from newsletter.cli import cli
from newsletter.tour import TOUR

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE_IMPORT = Path("tests/fixtures/wordpress/opincharge.wordpress.xml")


def every_command(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(every_command(command, (*prefix, name)))
    return found


def closing_examples(command: click.Command) -> list[str]:
    """The commands of the example block the help text ends with."""
    help_text = (command.help or "").rstrip()
    block = re.search(r"\n\s*\x08\n\s*Examples?:\n((?:\s+newsletter .+\n?)+)$", help_text)
    assert block, f"{command.name}: its help does not end with an example"
    return [line.strip() for line in block.group(1).splitlines()]


COMMANDS = every_command()


@pytest.fixture
def example_copy(tmp_path_factory) -> Path:
    """The example project, with the export its import example and the campaign report its report example name.

    A fresh copy for each example: `new` leaves an item holding its placeholder text, which publish refuses."""
    root = tmp_path_factory.mktemp("help") / "example"
    root.mkdir()
    shutil.copy(REPO / "newsletter.toml", root / "newsletter.toml")
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    (root / EXAMPLE_IMPORT).parent.mkdir(parents=True)
    shutil.copy(REPO / EXAMPLE_IMPORT, root / EXAMPLE_IMPORT)
    shutil.copy(REPO / "tests/fixtures/report/mailchimp-campaigns.csv", root / "campaigns.csv")
    return root


@pytest.mark.parametrize("words,command", COMMANDS, ids=[" ".join(words) for words, _ in COMMANDS])
def test_the_help_ends_with_an_example_of_this_command(words, command):
    for example in closing_examples(command):
        assert shlex.split(example)[1:1 + len(words)] == list(words), example


RUNNABLE = [(words, example) for words, command in COMMANDS for example in closing_examples(command)
            if words != ("preview",)]


@pytest.mark.parametrize("words,example", RUNNABLE, ids=[example for _, example in RUNNABLE])
def test_each_example_works_in_the_example_project(words, example, example_copy, runner, monkeypatch):
    monkeypatch.chdir(example_copy)
    result = runner.invoke(cli, shlex.split(example)[1:])
    assert result.exit_code == 0, f"{example}\n{result.output}"
    assert "Traceback" not in result.output


def test_the_preview_example_serves_the_example(example_copy):
    (example,) = closing_examples(cli.commands["preview"])
    # The example as written, on a free port: another preview may hold 8000 on this machine.
    child = pexpect.spawn(sys.executable, ["-m", "newsletter", *shlex.split(example)[1:], "--port", "0"],
                          cwd=str(example_copy), encoding="utf-8", timeout=180)
    try:
        child.expect(r"Preview at (http://127\.0\.0\.1:\d+/)")
        with urllib.request.urlopen(child.match.group(1)) as answer:
            assert answer.status == 200
    finally:
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        child.close()


def test_newsletter_alone_prints_the_readme_tour(runner):
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert result.output.strip() == TOUR.strip()
    steps = re.findall(r"^\s+\d\. (newsletter .+)$", result.output, re.M)
    assert [shlex.split(step)[1] for step in steps] == ["init", "new", "build", "check", "preview", "publish"]
    tour = README.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
    for step in steps:
        assert step in tour, step
