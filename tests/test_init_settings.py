"""`newsletter init` writes a complete, commented settings file, asking on a terminal for the values that matter."""

from __future__ import annotations

import re
import sys
import tomllib
import zoneinfo
from datetime import date
from pathlib import Path

import pexpect
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.cli import cli
from newsletter.scaffold import answer_problem, init_project, init_questions, settings_docs
from newsletter.settings.doc import documented_keys
from newsletter.settings.load import load_settings

from .conftest import REPO

COMMENTED_SETTING = re.compile(r"^# (\[\[?\w+\]\]?$|\w+ = .*)$")


def uncommented(text: str) -> str:
    """The settings file with every switched-off table and key switched on."""
    return "\n".join(COMMENTED_SETTING.sub(r"\1", line) for line in text.splitlines()) + "\n"


def test_init_asks_on_a_terminal_checks_each_answer_and_writes_it(tmp_path: Path):
    target = tmp_path / "battery-news"
    child = pexpect.spawn(sys.executable, ["-m", "newsletter", "init", str(target)], cwd=str(tmp_path),
                          encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        child.expect(r"Project name \[Battery News\]: ")
        child.sendline("")  # Enter keeps the folder's name
        child.expect(r"published \[https://example\.eu/newsletter/\]: ")
        child.sendline("ftp://battery.eu/")
        child.expect("'project.site_url' must be an absolute http\\(s\\) URL")  # the settings' own message
        child.expect("published .*: ")
        child.sendline("https://battery.eu/news/")
        child.expect(r"Grant agreement number \[101000000\]: ")
        child.sendline("101099999")
        child.expect(r"Granting authority .*\[the granting authority\]: ")
        child.sendline("HaDEA")
        child.expect(r"Time zone \[Europe/Brussels\]: ")
        child.sendline("Europe/Nowhere")
        child.expect("not a known time zone")
        child.expect(r"Time zone .*: ")
        child.sendline("Europe/Vienna")
        child.expect("Next: cd ")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    loaded = load_settings(target)
    assert (loaded.project.name, loaded.project.site_url, loaded.project.timezone) == (
        "Battery News", "https://battery.eu/news/", "Europe/Vienna")
    assert (loaded.funding.grant_agreement, loaded.funding.granting_authority) == ("101099999", "HaDEA")
    assert loaded.warnings == ()


@pytest.fixture(scope="module")
def quiet_project(tmp_path_factory) -> Path:
    """A project made by `init --no-input`, as a script makes one."""
    from click.testing import CliRunner

    target = tmp_path_factory.mktemp("init") / "climate-news"
    result = CliRunner().invoke(cli, ["init", str(target), "--no-input"])
    assert result.exit_code == 0, result.output
    return target


def test_no_input_asks_nothing_and_writes_the_defaults(quiet_project: Path, tmp_path: Path):
    same = tmp_path / "climate-news"
    init_project(same, today=date.today())
    assert (quiet_project / "newsletter.toml").read_bytes() == (same / "newsletter.toml").read_bytes()
    loaded = load_settings(quiet_project)
    defaults = {question.key: question.default for question in init_questions(quiet_project)}
    assert loaded.project.name == defaults["project.name"] == "Climate News"
    assert loaded.project.timezone == defaults["project.timezone"]
    assert loaded.funding.grant_agreement == defaults["funding.grant_agreement"]


def test_the_written_settings_build(quiet_project: Path, tmp_path: Path):
    result = build_project(quiet_project, BuildOptions(out_dir=tmp_path / "out"))
    assert (tmp_path / "out" / "index.html").is_file()
    assert [edition.slug for edition in result.site.editions] == ["issue-1"]
    assert not [finding for finding in result.diagnostics if finding.code != "placeholder"]


def test_every_table_and_key_is_written_with_help_and_a_readme_section(quiet_project: Path):
    text = (quiet_project / "newsletter.toml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    anchors = {"#" + re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")
               for heading in re.findall(r"^#+ (.*)$", readme, re.M)}
    for table in settings_docs():
        assert re.search(rf"^(# )?{re.escape(table.heading)}$", text, re.M), table.name
        assert f"# README: README.md{table.anchor}\n" in text
        assert table.anchor in anchors, table.anchor
        for key in table.keys:
            # one line of help right above every key, switched on or off
            assert re.search(rf"^# [^\n]+\n(# )?{key.name} = ", text, re.M), f"{table.name}.{key.name}"


def test_every_setting_the_program_reads_is_documented_and_every_documented_one_is_read(quiet_project: Path,
                                                                                       tmp_path: Path):
    everything = tmp_path / "newsletter.toml"
    everything.write_text(uncommented((quiet_project / "newsletter.toml").read_text(encoding="utf-8")))
    loaded = load_settings(tmp_path)  # every example value is a valid one
    assert loaded.warnings == ()  # every documented key is a real one
    read = {key for key in loaded.known if "." in key}
    documented = documented_keys(settings_docs())
    # A key the program reads but init does not write: add a KeyDoc for it to its table's DOC (newsletter/settings/).
    assert read <= documented, sorted(read - documented)
    assert documented <= read
    assert len(loaded.partners) == 1 and loaded.smtp.host and loaded.imports.type_map


def test_init_switches_on_only_what_a_first_build_needs(quiet_project: Path):
    data = tomllib.loads((quiet_project / "newsletter.toml").read_text(encoding="utf-8"))
    assert set(data) == {table.name for table in settings_docs() if table.active}
    assert "partners" not in data and "smtp" not in data  # optional tables stay commented out


ANSWERS = {
    "project.name": st.text(max_size=20),
    "project.site_url": st.one_of(st.text(max_size=20), st.from_regex(r"https?://[a-z]{1,8}\.eu(/[a-z]{0,5})?",
                                                                      fullmatch=True)),
    "funding.grant_agreement": st.text(max_size=12),
    "funding.granting_authority": st.text(max_size=20),
    "project.timezone": st.one_of(st.sampled_from(sorted(zoneinfo.available_timezones())), st.text(max_size=12)),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_answer_init_accepts_is_the_value_the_settings_read(tmp_path_factory, data):
    key = data.draw(st.sampled_from(sorted(ANSWERS)))
    answer = data.draw(ANSWERS[key])
    problem = answer_problem(key, answer)
    target = tmp_path_factory.mktemp("answers") / "project"
    if problem is not None:
        assert "\n" not in problem
        return
    init_project(target, answers={key: answer})
    loaded = load_settings(target)  # never a settings error for an answer init accepted
    table, _, name = key.partition(".")
    value = getattr(getattr(loaded, table), name)
    if key == "project.site_url":
        assert value.rstrip("/") == answer.strip().rstrip("/")
    else:
        assert value == answer.strip()
