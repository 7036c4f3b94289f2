"""A no-change `newsletter build` replays the last build's summary without loading the build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.build import BuildOptions, build_project
from newsletter.cache import CACHE_DIR
from newsletter.cache.freshness import STATE_FILE
from newsletter.cli import cli
from newsletter.summary import build_summary

from .conftest import EXAMPLE_AS_OF, copy_example

AS_OF = EXAMPLE_AS_OF.isoformat()
# Loads the CLI and runs one build, then names the heavy modules that were imported.
PROBE = """
import sys
from newsletter.cli import cli
try:
    cli(["build", "--as-of", sys.argv[1]])
except SystemExit:
    pass
print("LOADED", sorted(name for name in ("newsletter.build", "markdown", "jinja2", "bs4") if name in sys.modules))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("replay") / "example")


def build(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(root), "build", "--as-of", AS_OF, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def probe(root: Path, as_of: str = AS_OF) -> list[str]:
    """Run `newsletter build` in a process of its own; the heavy modules it loaded."""
    run = subprocess.run([sys.executable, "-c", PROBE, as_of], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(run.stdout.split("LOADED", 1)[1].strip().replace("'", '"'))


def test_a_no_change_build_says_what_the_full_build_says(project: Path) -> None:
    build(project)
    replayed = build(project)
    full = build_project(project, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert full.fresh
    assert replayed.strip() == build_summary(full, Path.cwd())
    assert "(0 written" in replayed


def test_a_no_change_build_loads_no_channel(project: Path) -> None:
    build(project)
    assert probe(project) == []


def test_any_change_builds_again(project: Path) -> None:
    build(project)
    item = sorted((project / "content" / "news").glob("*.md"))[-1]
    item.write_text(item.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert "(0 written" not in build(project)
    assert probe(project) == []


def test_another_day_builds_again(project: Path) -> None:
    build(project)
    assert "newsletter.build" in probe(project, "2031-01-01")
    assert probe(project, "2031-01-01") == []
    assert probe(project) != []


def test_a_damaged_output_or_another_folder_builds_again(project: Path, tmp_path: Path) -> None:
    build(project)
    (project / "output" / "index.html").unlink()
    assert "(1 written" in build(project)
    assert (project / "output" / "index.html").is_file()
    assert "(0 written" not in build(project, "--out", str(tmp_path / "elsewhere"))


# The console script, as `newsletter build` runs it; then the modules it loaded.
CONSOLE = """
import sys
from newsletter.console import main
sys.argv = ["newsletter", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print("LOADED", sorted(name for name in ("click", "newsletter.cli", "newsletter.build", "dataclasses")
                      if name in sys.modules))
"""


def console(root: Path, *args: str) -> tuple[str, list[str]]:
    """Run the console script in `root`; what it printed and the modules it loaded."""
    run = subprocess.run([sys.executable, "-c", CONSOLE, *args], cwd=root, capture_output=True, text=True)
    printed, _, loaded = run.stdout.partition("LOADED")
    assert run.returncode == 0, run.stderr
    return printed, json.loads(loaded.strip().replace("'", '"'))


def test_the_console_script_answers_a_no_change_build_before_loading_the_command_line(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)  # the summary names output/ from where the command runs
    first = CliRunner().invoke(cli, ["--project", str(project), "build"])  # today, as the script builds
    assert first.exit_code == 0, first.output
    printed, loaded = console(project, "build")
    assert loaded == []  # not even `dataclasses` (and `inspect` under it): a fifth of the answer's time
    again = CliRunner().invoke(cli, ["--project", str(project), "build"])
    assert "(0 written" in printed and printed == again.stdout


def test_the_console_script_builds_after_a_change_and_runs_every_other_command(project: Path) -> None:
    CliRunner().invoke(cli, ["--project", str(project), "build"])
    item = sorted((project / "content" / "news").glob("*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\nAnother line.\n", encoding="utf-8")
    printed, loaded = console(project, "build")
    assert "newsletter.build" in loaded and "(0 written" not in printed
    assert console(project, "build")[1] == []
    assert "newsletter.cli" in console(project, "build", "--drafts")[1]
    assert console(project, "--version")[0].startswith("newsletter, version")


def test_the_console_script_looks_for_a_replay_once_before_it_builds(project: Path) -> None:
    CliRunner().invoke(cli, ["--project", str(project), "build"])
    item = sorted((project / "content" / "news").glob("*.md"))[1]
    item.write_text(item.read_text(encoding="utf-8") + "\nOne line more.\n", encoding="utf-8")
    counting = """
import sys
from newsletter.cache import replay
from newsletter.console import main
asked = []
real = replay.replayed
replay.replayed = lambda *args: asked.append(args) or real(*args)
sys.argv = ["newsletter", "build"]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print("ASKED", len(asked))
"""
    run = subprocess.run([sys.executable, "-c", counting], cwd=project, capture_output=True, text=True, check=True)
    assert "(0 written" not in run.stdout and run.stdout.split("ASKED")[1].split() == ["1"]


def test_the_console_script_outside_a_project_says_so_in_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "newsletter", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0
    assert run.stderr.startswith("error: no newsletter.toml") and len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/" + "x" * 300, "\0", 7])
def test_a_recorded_time_zone_that_is_none_builds_as_usual(project: Path, zone: object) -> None:
    build(project)
    state_file = project / CACHE_DIR / STATE_FILE
    state = json.loads(state_file.read_text(encoding="utf-8"))
    for record in state.values():
        record["replay"]["timezone"] = zone
    state_file.write_text(json.dumps(state), encoding="utf-8")
    assert "(0 written" in build(project)  # the full build's own fingerprint finds it current
    printed, loaded = console(project, "build")  # today: not replayed, built
    assert printed.startswith("Built ") and "newsletter.build" in loaded


def test_one_commands_checks_take_the_program_stamp_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build server takes the stamp before each command; the command's replay checks take that one."""
    from newsletter.cache import freshness
    from newsletter.cache.replay import quick_key

    out, taken = project / "output", []
    stamp = freshness.program_stamp()
    real = freshness.package_stamp
    monkeypatch.setattr(freshness, "package_stamp", lambda: taken.append(1) or real())
    with freshness.one_program(b"vouched"):
        vouched = quick_key(project, out, False, EXAMPLE_AS_OF)
        assert freshness.program_stamp() == b"vouched" and taken == []
    assert freshness.program_stamp() == stamp and taken == [1]
    assert quick_key(project, out, False, EXAMPLE_AS_OF) != vouched  # the stamp is part of the key


def test_a_served_build_takes_the_program_stamp_its_server_took(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server checks the program before each command; the command's checks take that stamp again."""
    import os
    import socket

    from newsletter.buildserver.server import BuildServer
    from newsletter.cache import freshness
    from newsletter.cache.warm import WarmCache

    monkeypatch.chdir(project)  # the server works in its project's folder
    server = BuildServer.__new__(BuildServer)  # its state for one command, without listening for more
    server.root, server.program, server.warm, server.current = project, freshness.program_stamp(), WarmCache(), None
    freshness.code_fingerprint()  # taken once per process, whoever asks first
    item = sorted((project / "content" / "news").glob("*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\nServed.\n", encoding="utf-8")  # built, not replayed
    taken: list[int] = []
    real = freshness.package_stamp
    monkeypatch.setattr(freshness, "package_stamp", lambda: taken.append(1) or real())
    ours, theirs = socket.socketpair()
    with ours, theirs:
        request = {"argv": ["build", "--as-of", AS_OF], "env": dict(os.environ), "cwd": str(project)}
        assert server._build(ours, request) == (0, True)
        assert b"Built " in theirs.recv(1 << 20)
    assert taken == []
