"""Time the preview's save-to-reload on a copy of the example project.

    python bench/preview_reload.py PROJECT WORK --runs N

Starts the preview server (port chosen by the system, 127.0.0.1), then N times appends a line
to one news item and polls `/__preview/reload` (what open pages poll) until the version changes:
the time from the save to the new version is what a reader of the page waits, less the page's
own polling interval. Prints the seconds of each run as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
import urllib.request
from pathlib import Path

from newsletter.preview.server import PreviewServer

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
    with PreviewServer(copy, port=0).start() as server:
        time.sleep(1.0)  # the watcher is running; let the first build's own writes settle
        for run in range(runs):
            before = version(server.url)
            with item.open("a", encoding="utf-8") as stream:
                stream.write(f"\nA line saved while previewing ({run + 1}).\n")
            saved = time.monotonic()
            while version(server.url) == before:
                if time.monotonic() - saved > TIMEOUT:
                    raise SystemExit("the preview did not reload within 30 s")
                time.sleep(0.005)
            samples.append(time.monotonic() - saved)
            time.sleep(0.5)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.project.resolve(), args.work.resolve(), args.runs)))


if __name__ == "__main__":
    main()
