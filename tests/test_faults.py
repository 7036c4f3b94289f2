"""Builds that die halfway: a full disk, a SIGKILL while staging or renaming. The next build sets all right."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsletter.build import BuildOptions, build_project
from newsletter.manifest import JOURNAL

from .conftest import REPO, tree_bytes

AS_OF = "2026-01-01"
OPTIONS = BuildOptions(as_of=date(2026, 1, 1))
SEED = 13
# Run in a subprocess: count calls of one function and SIGKILL the build at the chosen one.
KILLER = """
import os, signal, sys, threading
import newsletter.atomic
kind, target = sys.argv[1], int(sys.argv[2])
calls = 0
counting = threading.Lock()  # files are staged in threads: each call takes its own number

def hooked(original, after):
    def call(*args, **kwargs):
        global calls
        with counting:
            calls += 1
            number = calls
        if number == target and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if number == target and after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return call

if kind == "staging":  # just after a temporary file was made
    newsletter.atomic._temporary = hooked(newsletter.atomic._temporary, after=True)
else:  # just before a staged file is renamed into place
    os.replace = hooked(os.replace, after=False)
from newsletter.cli import main
sys.argv = ["newsletter", *sys.argv[3:]]
main()
"""


def leftovers(root: Path) -> list[str]:
    """Temporary files and journals of ours anywhere in the project."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")
                  if path.name == JOURNAL or (path.name.startswith(".newsletter-") and path.name.endswith(".tmp")))


def edit_to_v2(root: Path) -> None:
    """Change the project so the next build rewrites, adds and removes pages."""
    news = sorted((root / "content" / "news").glob("*.md"))
    for path in news[:6]:
        path.write_text(path.read_text(encoding="utf-8").replace("\n---\n", "\n---\nEdited for v2. ", 1), "utf-8")
    named = " ".join(path.read_text(encoding="utf-8") for path in (root / "content" / "issues").glob("*.md"))
    loose = [path for path in news[6:] if path.stem[11:] not in named]
    loose[0].unlink()
    loose[1].with_name(loose[1].stem + "-again.md").write_text(loose[1].read_text(encoding="utf-8"), "utf-8")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """A generated project built at v1, and the output trees of clean builds of v1 and v2."""
    base = tmp_path_factory.mktemp("faults")
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(base / "gen"), "--items", "24",
                    "--seed", "7"], check=True, capture_output=True)
    v1 = base / "gen" / "newsletter"
    build_project(v1, OPTIONS)
    v2 = base / "v2"
    shutil.copytree(v1, v2)
    edit_to_v2(v2)
    build_project(v2, BuildOptions(as_of=date(2026, 1, 1), use_cache=False))
    return v1, tree_bytes(v1 / "output"), tree_bytes(v2 / "output")


def kill_points() -> list[tuple[str, int]]:
    """A handful of seeded points: two while staging, two while renaming."""
    rng = random.Random(SEED)
    return [("staging", rng.randint(2, 40)), ("staging", rng.randint(2, 40)),
            ("renaming", rng.randint(3, 40)), ("renaming", rng.randint(3, 40))]


@pytest.mark.parametrize("kind,point", kill_points())
def test_a_build_killed_midway_is_finished_by_the_next(versions, tmp_path: Path, watch_tree, kind: str, point: int):
    v1, ref_v1, ref_v2 = versions
    root = tmp_path / "project"
    shutil.copytree(v1, root)
    saved = {path: path.read_bytes() for path in (root / "content").rglob("*.md")}
    edit_to_v2(root)
    killed = subprocess.run([sys.executable, "-c", KILLER, kind, str(point), "--project", str(root), "build",
                             "--as-of", AS_OF], capture_output=True, text=True, env={**os.environ, "NEWSLETTER_JOBS": "1"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if kind == "renaming":
        # Back to v1: the pages the killed build added are ours, and go.
        for path in (root / "content").rglob("*.md"):
            path.unlink()
        for path, data in saved.items():
            path.write_bytes(data)
        expected = ref_v1
    else:
        expected = ref_v2
    watch = watch_tree(root)
    build_project(root, OPTIONS)
    watch.assert_unchanged()
    assert tree_bytes(root / "output") == expected
    assert leftovers(root) == []


def test_a_full_disk_leaves_the_output_as_it_was_and_no_temporary_file(make_project, watch_tree):
    body = "A long paragraph about batteries. " * 3000
    root = make_project()
    build_project(root, OPTIONS)
    before = tree_bytes(root / "output")
    item = root / "content/news/2024-01-10-first-item.md"
    item.write_text(item.read_text() + "\n" + body)
    watch = watch_tree(root)

    def small_disk() -> None:  # files beyond 64 KiB cannot be written: EFBIG, like ENOSPC for one file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    failed = subprocess.run([sys.executable, "-m", "newsletter", "--project", str(root), "build", "--as-of", AS_OF],
                            capture_output=True, text=True, preexec_fn=small_disk,
                            env={**os.environ, "NEWSLETTER_JOBS": "1"})
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1, failed.stderr
    assert "File too large" in failed.stderr
    watch.assert_unchanged()
    assert tree_bytes(root / "output") == before
    assert leftovers(root) == []
    build_project(root, OPTIONS)
    assert leftovers(root) == []
