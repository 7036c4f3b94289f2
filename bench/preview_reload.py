"""Time the preview's save-to-reload on a copy of the example project.

    python bench/preview_reload.py PROJECT WORK --runs N

Starts `newsletter preview --port 0 --no-open` in its own process, as a reviewer does, then N
times appends a line to one news item and polls `/__preview/reload` (what open pages poll) from
this process until the version changes: the time from the save to the new version is what a
reader of the page waits, less the page's own polling interval. Prints the seconds of each run as
JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tools import newsletter_base, user_environment

TIMEOUT = 30.0


def version(url: str) -> str:
    with urllib.request.urlopen(url + "__preview/reload", timeout=TIMEOUT) as response:
        return str(json.load(response)["version"])


def measure(project: Path, work: Path, runs: int) -> list[float]:
    copy = work / "preview-project"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    shutil.copy(project / "newsletter.toml", copy / "newsletter.toml")
    for folder in ("content", "templates"):  # what a project is made of; not its output or cache
        if (project / folder).is_dir():
            shutil.copytree(project / folder, copy / folder)
    item = sorted((copy / "content" / "news").glob("*.md"))[0]
    samples: list[float] = []
    preview = subprocess.Popen([*newsletter_base(), "preview", "--port", "0", "--no-open"], cwd=copy,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=user_environment())
    try:
        url = _address(preview)
        time.sleep(1.0)  # the watcher is running; let the first build's own writes settle
        for run in range(runs):
            before = version(url)
            with item.open("a", encoding="utf-8") as stream:
                stream.write(f"\nA line saved while previewing ({run + 1}).\n")
            saved = time.monotonic()
            while version(url) == before:
                if time.monotonic() - saved > TIMEOUT:
                    raise SystemExit("the preview did not reload within 30 s")
                time.sleep(0.005)
            samples.append(time.monotonic() - saved)
            time.sleep(0.5)
    finally:
        preview.send_signal(signal.SIGINT)  # Ctrl-C: the preview removes its temporary folder
        try:
            preview.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            preview.kill()
            preview.wait()
    return samples


def _address(preview: subprocess.Popen[str]) -> str:
    """The preview's address, from the line it prints once it serves."""
    assert preview.stdout is not None
    for line in preview.stdout:
        found = re.search(r"Preview at (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return found.group(1)
    raise SystemExit(f"newsletter preview stopped without serving (exit code {preview.wait()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.project.resolve(), args.work.resolve(), args.runs)))


if __name__ == "__main__":
    main()
