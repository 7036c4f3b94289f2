"""A no-change `newsletter build` replays the last build's summary without loading the build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.build import BuildOptions, build_project
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
