"""The README documents every command, option and setting a user can reach."""

from __future__ import annotations

import re

import click

from newsletter.cli import cli

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "newsletter") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
        else:
            found.append((f"{prefix} {name}", command))
    return found


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert "pip install -e ." in blocks[0] and "newsletter build" in blocks[0]
    assert "'.[test]'" in blocks[1] and "pytest" in blocks[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert blocks[1] in ci


def test_every_command_and_option_is_in_the_readme():
    for name, command in commands(cli):
        assert f"`{name}" in README, name
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                long = max(param.opts, key=len)
                if long not in ("--help",):
                    assert long in README, f"{name} {long}"


def test_every_settings_table_is_in_the_readme():
    source = (REPO / "newsletter" / "settings.py").read_text()
    for table in re.findall(r'top\.table\("(\w+)"\)', source):
        assert f"`[{table}]`" in README, table
    assert "`[[partners]]`" in README
