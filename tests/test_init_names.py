"""`newsletter init --name` writes valid settings and front matter for any name, or refuses it in one line."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.cli import cli
from newsletter.content.loader import collect_catalog
from newsletter.errors import UsageError
from newsletter.scaffold import init_project
from newsletter.settings.load import load_settings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.one_of(st.text(max_size=30), st.sampled_from(['A\\B', 'Say "Hi"', "It's", "#1", "a = b", "[x]",
                                                            "\\u0041", '"""', "'''", "\\", "\x7f", "\u2028",
                                                            "a\x85b", "a\u2028b", "a\u2029b"])))
def test_any_name_is_written_as_typed_or_refused(tmp_path_factory, name: str):
    directory = tmp_path_factory.mktemp("init") / "project"
    name = name or "Project"  # no name: the folder's name
    try:
        init_project(directory, name)
    except UsageError as exc:
        assert not name.strip() or any(ord(char) < 32 or ord(char) == 127 for char in name)
        assert "\n" not in str(exc)
        return
    data = tomllib.loads((directory / "newsletter.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == name
    loaded = load_settings(directory)
    assert loaded.project.name == name.strip()
    catalog, errors = collect_catalog(directory, loaded)
    assert errors == []
    assert catalog.issues[0].title == f"{name} newsletter, issue 1".strip()


def test_a_name_with_a_line_break_is_one_line_and_writes_nothing(runner, tmp_path: Path):
    result = runner.invoke(cli, ["init", str(tmp_path / "p"), "--name", "A\nB"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the name 'A\\nB' is empty or holds a line break")
    assert not (tmp_path / "p").exists()
