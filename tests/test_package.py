"""The built wheel ships the whole default theme."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsletter.templates import THEME_DIR

from .conftest import REPO


def test_wheel_contains_every_theme_file(tmp_path: Path):
    pytest.importorskip("build", reason="the 'build' package (test extra) makes the wheel")
    source = tmp_path / "source"
    shutil.copytree(REPO / "newsletter", source / "newsletter", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    wheel = next(tmp_path.glob("newsletter-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    theme_files = [p for p in THEME_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert theme_files
    missing = [p for p in theme_files if f"newsletter/theme/{p.relative_to(THEME_DIR).as_posix()}" not in names]
    assert missing == []
    assert "newsletter/py.typed" in names
    assert not any(name.startswith(("content/", "tests/", "output/")) for name in names)
