"""The README documents every command, option and setting a user can reach."""

from __future__ import annotations

import ast
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
    from newsletter.settings.load import TABLES

    assert len(TABLES) >= 8
    for table in TABLES:
        name = table.doc.name if table.doc else table.name  # [import] is Settings.imports
        assert f"`[{name}]`" in README or f"`[[{name}]]`" in README, name


def finding_codes_in_the_source() -> dict[str, set[str]]:
    """Every code `check` can report, with its severities, read from the package's source.

    A finding is made by `warning(code, ...)` or `error(code, ...)` of newsletter.diagnostics, and a
    fatal error by its class's code in check.ERROR_CODES. The import command's own report is not
    check's, so importers/ is left out.
    """
    package = REPO / "newsletter"
    codes: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(package / "importers") or path.name == "diagnostics.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # as_diagnostic reports a fatal error under its class's code, listed in ERROR_CODES below.
        passed_on = {id(node) for function in ast.walk(tree) if getattr(function, "name", None) == "as_diagnostic"
                     for node in ast.walk(function)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and id(node) not in passed_on:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("warning", "error") and node.args:
                    code = node.args[0]
                    assert isinstance(code, ast.Constant) and isinstance(code.value, str), (
                        f"{path.name}:{node.lineno}: a finding's code must be written out, so the README can list it")
                    codes.setdefault(code.value, set()).add(name)
            elif isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "ERROR_CODES":
                for pair in node.value.elts:  # type: ignore[union-attr]
                    codes.setdefault(pair.elts[1].value, set()).add("error")
    return codes


def finding_codes_in_the_readme() -> dict[str, set[str]]:
    section = README.split("## What `newsletter check` reports", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning)(?: or (error|warning))? \|", section, re.M)
    return {code: {first, second} - {""} for code, first, second in rows}


def test_every_finding_code_is_documented_with_its_severity():
    source, readme = finding_codes_in_the_source(), finding_codes_in_the_readme()
    assert len(source) > 30 and "placeholder" in source and "missing-file" in source
    assert sorted(set(source) - set(readme)) == [], "codes check reports that the README does not list"
    assert sorted(set(readme) - set(source)) == [], "codes the README lists that nothing reports"
    assert {code: severities for code, severities in source.items() if readme[code] != severities} == {}
