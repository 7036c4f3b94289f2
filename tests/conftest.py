"""Shared fixtures: small projects written into tmp_path, the example project, a CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLE_AS_OF = date(2024, 12, 31)
# Debian's Chromium, driven headless by the browser tests; the flags keep it off the network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

MINIMAL_SETTINGS = """\
[project]
name = "Test Project"
site_url = "https://example.org/news/"
timezone = "Europe/Brussels"

[funding]
grant_agreement = "101123456"
granting_authority = "CINEA"

[email]
esp = "mailchimp"
from = "Test News <news@example.org>"
"""

# The same with the project's own addresses: `check` reports example.org, kept for examples, as a placeholder.
PUBLISHABLE_SETTINGS = MINIMAL_SETTINGS.replace("example.org", "test-project.eu")

MINIMAL_ITEM = """\
---
title: First item
date: 2024-01-10
summary: The first item of the test project.
tags: [Battery 2030+, Open Science]
---
Body of the first item with a [link](https://example.org/a).
"""

MINIMAL_ISSUE = """\
---
title: Issue one
number: 1
date: 2024-01-31
---
Welcome to the first issue. It has one item.
"""

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write a project into tmp_path: minimal defaults, overridden or extended by `files`.

    A value of None removes a default file. Text is dedented so tests can indent it.
    """

    def make(files: dict[str, str | bytes | None] | None = None, name: str = "project") -> Path:
        root = tmp_path / name
        defaults: dict[str, str | bytes | None] = {
            "newsletter.toml": MINIMAL_SETTINGS,
            "content/news/2024-01-10-first-item.md": MINIMAL_ITEM,
            "content/issues/2024-01-31-issue-1.md": MINIMAL_ISSUE,
        }
        defaults.update(files or {})
        return write_files(root, defaults)

    return make


def write_files(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """Write each file under root (text dedented, bytes as they are; None writes nothing) and return root."""
    for relative, content in files.items():
        if content is None:
            continue
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def copy_example(root: Path) -> Path:
    """Copy the example's settings and content (not its theme overrides) into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "newsletter.toml", root / "newsletter.toml")
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the repository's example for the tests that only read or build it: nothing lands in the checkout."""
    root = copy_example(tmp_path_factory.mktemp("example-copy") / "example")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's example project, theme overrides included, safe to edit and build."""
    root = copy_example(tmp_path / "example")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="session", autouse=True)
def no_build_servers() -> Iterator[None]:
    """No `newsletter build` a test runs goes on as a build server, but where a test asks for one
    (test_build_server.py, which stops every server it started)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSLETTER_SERVER", "off")
        yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, for comparing whole output trees."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class TreeWatch:
    """A snapshot of a project's tree and its parent folder, minus what a build may write.

    Every entry is recorded by name, type, size, modification time and content hash (a link by
    its target, never followed), so `assert_unchanged()` catches a file written, touched,
    removed or added anywhere outside output/ and .newsletter-cache/.
    """

    def __init__(self, root: Path, allowed: tuple[Path, ...] = ()):
        self.root = root.resolve()
        self.allowed = {self.root / "output", self.root / ".newsletter-cache", *(p.resolve() for p in allowed)}
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, tuple[object, ...]]:
        import hashlib
        import os
        import stat

        top = self.root.parent
        found: dict[str, tuple[object, ...]] = {}
        for folder, folders, files in os.walk(top):
            here = Path(folder)
            folders[:] = [name for name in folders if here / name not in self.allowed]
            for name in [*folders, *files]:
                path = here / name
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    found[str(path.relative_to(top))] = ("link", os.readlink(path))
                elif stat.S_ISREG(info.st_mode):
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    found[str(path.relative_to(top))] = ("file", info.st_size, info.st_mtime_ns, digest)
                else:
                    found[str(path.relative_to(top))] = (stat.S_IFMT(info.st_mode),)
        return found

    def changes(self) -> list[str]:
        """What differs from the snapshot: `+ path` added, `- path` removed, `~ path` changed."""
        after = self.snapshot()
        return sorted(
            [f"+ {path}" for path in after.keys() - self.before.keys()]
            + [f"- {path}" for path in self.before.keys() - after.keys()]
            + [f"~ {path}" for path in after.keys() & self.before.keys() if after[path] != self.before[path]]
        )

    def assert_unchanged(self) -> None:
        assert self.changes() == [], "written or removed outside output/ and .newsletter-cache/"


@pytest.fixture
def watch_tree() -> Callable[..., TreeWatch]:
    """Start watching a project: `watch = watch_tree(root)`, act, then `watch.assert_unchanged()`.

    The project tree (output/ and .newsletter-cache/ left out, and any folder in `allowed`, such
    as a build's --out) and its parent folder are snapshotted when called.
    """
    return TreeWatch
