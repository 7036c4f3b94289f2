"""Profile one cold newsletter build and summarise where its time goes."""

from __future__ import annotations

import pstats
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SITE_PACKAGES = re.compile(r"(?:site|dist)-packages/([^/]+)")


def owner(filename: str) -> str:
    """Name the package (or newsletter module) a profiled function belongs to."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C calls)"
    if "/newsletter/" in filename and "site-packages" not in filename:
        return "newsletter/" + filename.split("/newsletter/", 1)[1]
    match = SITE_PACKAGES.search(filename)
    if match:
        return match.group(1).removesuffix(".py")
    return "stdlib/" + Path(filename).stem


def summarise(stats_file: Path, top: int = 25) -> str:
    """Return the top functions by own and cumulative time and the time per package."""
    stats = pstats.Stats(str(stats_file))
    total = stats.total_tt  # type: ignore[attr-defined]
    table = stats.stats  # type: ignore[attr-defined]
    by_owner: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in table.items():
        by_owner[owner(filename)] += own
        rows.append((own, cumulative, calls, f"{owner(filename)}:{line}({function})"))
    lines = [f"Profile of one cold build: {total:.2f} s of profiled time", "", "## Own time by package or module", ""]
    lines += ["| package / module | own time (s) | % |", "| --- | ---: | ---: |"]
    for name, own in sorted(by_owner.items(), key=lambda pair: -pair[1])[:top]:
        lines.append(f"| {name} | {own:.3f} | {own / total * 100:.1f} |")
    lines += ["", "## Top functions by own time", "", "| function | calls | own (s) | % | cumulative (s) |", "| --- | ---: | ---: | ---: | ---: |"]
    for own, cumulative, calls, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"| {name} | {calls} | {own:.3f} | {own / total * 100:.1f} | {cumulative:.3f} |")
    lines += ["", "## Top functions by cumulative time", "", "| function | calls | cumulative (s) | % |", "| --- | ---: | ---: | ---: |"]
    for own, cumulative, calls, name in sorted(rows, key=lambda row: -row[1])[:top]:
        lines.append(f"| {name} | {calls} | {cumulative:.3f} | {cumulative / total * 100:.1f} |")
    return "\n".join(lines) + "\n"


def profile_build(project: Path, work: Path) -> Path:
    """Run one cold build of `project` under cProfile; write profile.txt and return its path."""
    out = work / "out" / "newsletter-profile"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(project / ".newsletter-cache", ignore_errors=True)
    stats_file = work / "profile.prof"
    help_text = subprocess.run([sys.executable, "-m", "newsletter", "build", "--help"], capture_output=True, text=True).stdout
    extra = ["--no-cache"] if "--no-cache" in help_text else []
    argv = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "newsletter", "build", "--out", str(out), *extra]
    subprocess.run(argv, cwd=project, check=True, stdout=subprocess.DEVNULL)
    summary = work / "profile.txt"
    summary.write_text(summarise(stats_file), encoding="utf-8")
    print(f"  profile written to {summary} (raw: {stats_file})")
    return summary


if __name__ == "__main__":
    print(summarise(Path(sys.argv[1])))
