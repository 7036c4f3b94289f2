"""Profile one cold newsletter build and summarise where its time goes."""

from __future__ import annotations

import importlib.util
import os
import pstats
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SITE_PACKAGES = re.compile(r"(?:site|dist)-packages/([^/]+)")
STDLIB = re.compile(r"/lib/python3\.\d+/(.+)$")


BUILTIN_MODULE = re.compile(r"<built-in method ([a-zA-Z_][\w]*)\.")
STDLIB_BUILTINS = {"builtins", "posix", "io", "_io", "marshal", "time", "_imp", "_thread", "_abc", "_codecs", "_struct"}


def owner(filename: str) -> str:
    """Name the package (or newsletter module) a profiled function belongs to."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C calls)"
    if "/newsletter/" in filename and "site-packages" not in filename:
        return "newsletter/" + filename.split("/newsletter/", 1)[1]
    match = SITE_PACKAGES.search(filename)
    if match:
        return match.group(1).removesuffix(".py")
    match = STDLIB.search(filename)
    if match:
        return "stdlib/" + match.group(1).removesuffix(".py").removesuffix("/__init__")
    return filename


def owners_of(key: tuple[str, int, str], callers: dict) -> list[tuple[str, float]]:
    """Split a function's own time among the packages it counts against.

    A C extension (nh3, css_inline, ...) counts for itself; a builtin such as a regex
    search or isinstance counts for whoever called it, so Python-Markdown's regex time
    shows up as Python-Markdown's.
    """
    filename, _, function = key
    if not filename.startswith("~"):
        return [(owner(filename), 1.0)]
    match = BUILTIN_MODULE.search(function)
    if match and match.group(1) not in STDLIB_BUILTINS:
        return [(match.group(1), 1.0)]
    total = sum(entry[2] for entry in callers.values()) or 1.0
    return [(owner(caller[0]), entry[2] / total) for caller, entry in callers.items()] or [("builtins (C calls)", 1.0)]


def summarise(stats_file: Path, top: int = 25) -> str:
    """Return the top functions by own and cumulative time and the time per package."""
    stats = pstats.Stats(str(stats_file))
    total = stats.total_tt  # type: ignore[attr-defined]
    table = stats.stats  # type: ignore[attr-defined]
    by_owner: dict[str, float] = defaultdict(float)
    rows = []
    for key, (_, calls, own, cumulative, callers) in table.items():
        for name, share in owners_of(key, callers):
            by_owner[name] += own * share
        filename, line, function = key
        rows.append((own, cumulative, calls, f"{owner(filename)}:{line}({function})"))
    lines = [
        f"Profile of one cold build: {total:.2f} s of profiled time",
        "",
        "## Own time by package or module (C builtins count for their caller)",
        "",
    ]
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
    """Profile one cold build of `project` with cProfile (and pyinstrument); return the summary's path."""
    out = work / "out" / "newsletter-profile"
    stats_file = work / "profile.prof"
    runs = [("cprofile", stats_file)]
    if importlib.util.find_spec("pyinstrument"):
        # A sampling profiler adds less to many small calls, so its shares are closer to an unprofiled run.
        runs.append(("pyinstrument", work / "profile-tree.txt"))
    for profiler, target in runs:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(project / ".newsletter-cache", ignore_errors=True)
        argv = [sys.executable, str(Path(__file__).resolve()), "--run", profiler, str(target), str(out)]
        subprocess.run(argv, cwd=project, check=True, stdout=subprocess.DEVNULL)
    summary = work / "profile.txt"
    summary.write_text(summarise(stats_file), encoding="utf-8")
    print(f"  profile written to {summary} (raw: {stats_file})")
    if len(runs) > 1:
        print(f"  call tree written to {runs[1][1]}")
    return summary


def run_profiled(profiler: str, target: Path, out: Path) -> None:
    """Build the project in the working folder under `profiler`, writing its report to `target`."""
    import click

    from newsletter.cli import cli

    try:
        from newsletter.content import prepare
    except ImportError:
        prepare = None
    if prepare is not None and hasattr(prepare, "PARALLEL_THRESHOLD"):
        # Content is parsed in worker processes that a profiler does not see (and that inherit
        # its hooks through fork); parse it here instead so its cost shows where it belongs.
        prepare.PARALLEL_THRESHOLD = sys.maxsize
    os.environ["NEWSLETTER_JOBS"] = "1"  # the channels too render in workers otherwise
    build_help = cli.get_command(click.Context(cli), "build").get_help(click.Context(cli))  # type: ignore[union-attr]
    argv = ["build", "--out", str(out), *(["--no-cache"] if "--no-cache" in build_help else [])]

    def build() -> None:
        try:
            cli.main(argv, prog_name="newsletter", standalone_mode=False)
        except SystemExit:
            pass

    if profiler == "cprofile":
        import cProfile

        profile = cProfile.Profile()
        profile.runcall(build)
        profile.dump_stats(str(target))
    else:
        from pyinstrument import Profiler

        sampler = Profiler()
        sampler.start()
        build()
        sampler.stop()
        target.write_text(sampler.output_text(unicode=True, show_all=False), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        run_profiled(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        print(summarise(Path(sys.argv[1])))
