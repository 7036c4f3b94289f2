"""Benchmark `newsletter build` against Hugo and Pelican on one generated archive.

    python bench/run.py              full run, under 10 minutes: N = 100, 1000, 5000 (Pelican to 1000)
    python bench/run.py --quick      smoke run, about a minute
    python bench/run.py --install    first install Hugo (apt-get, as root) and Pelican (pip)
    python bench/run.py --profile    also profile one newsletter build at the main size

Besides the cold builds, it times a small project (--small items: rebuilds after one edit and
with nothing changed, interleaved with Hugo's cold build of the same items) and the preview's
save-to-reload on the repository's example project.

Results go to bench/work/ (results.md, results.json, logs/, profile.txt, profile-tree.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import generate
import profiling
import report
import tools
from measure import CommandFailed, Sample, Summary, count_files, measure

HERE = Path(__file__).resolve().parent
Builder = Callable[[Path, Path], tools.Invocation]


def corpus_for(work: Path, count: int, seed: int) -> Path:
    """Return a fresh copy of the generated projects for `count` items, generating them once."""
    sources = [HERE / name for name in ("generate.py", "mirrors.py", "corpus_words.py")]
    stamp = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()
    cached = work / "corpus" / f"seed{seed}-n{count}"
    if not (cached / ".stamp").exists() or (cached / ".stamp").read_text() != stamp:
        shutil.rmtree(cached, ignore_errors=True)
        generate.generate(cached, count, seed)
        (cached / ".stamp").write_text(stamp)
    site = work / "sites" / f"n{count}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(cached, site)
    return site


def builders(work: Path, wanted: list[str]) -> tuple[dict[str, Builder], tools.NewsletterCli | None]:
    """Return a cold builder for every wanted tool that can run here, saying why others cannot."""
    found: dict[str, Builder] = {}
    cli = None
    if "newsletter" in wanted:
        probed = tools.NewsletterCli.probe()
        if isinstance(probed, str):
            print(f"newsletter: skipped: {probed}", file=sys.stderr)
        else:
            cli = probed
            found["newsletter"] = lambda project, out: probed.build(project, out, cold=True)
    if "hugo" in wanted:
        if reason := tools.hugo_missing():
            print(f"hugo: skipped: {reason} (or run with --install)", file=sys.stderr)
        else:
            found["hugo"] = lambda project, out: tools.hugo_build(project, out, work / "hugo-cache")
    if "pelican" in wanted:
        if reason := tools.pelican_missing():
            print(f"pelican: skipped: {reason} (or run with --install)", file=sys.stderr)
        else:
            found["pelican"] = tools.pelican_build
    return found, cli


def run_one(build: Builder, project: Path, out: Path, log: Path) -> Sample:
    """Build `project` into a fresh `out` and measure it."""
    shutil.rmtree(out, ignore_errors=True)
    invocation = build(project, out)
    return measure(invocation.argv, cwd=invocation.cwd, env=invocation.env, log=log)


def bench_cold(
    work: Path, site: Path, count: int, found: dict[str, Builder], runs: int, *, warm_up: bool
) -> dict[str, dict[str, object]]:
    """Time cold builds of every tool, interleaved, after one untimed warm-up each if asked."""
    samples: dict[str, list[Sample]] = {name: [] for name in found}
    active = dict(found)
    for run in range(-1 if warm_up else 0, runs):
        for name, build in list(active.items()):
            out = work / "out" / f"{name}-n{count}"
            log = work / "logs" / f"{name}-n{count}-{'warmup' if run < 0 else run}.log"
            try:
                sample = run_one(build, site / name, out, log)
            except CommandFailed as error:
                print(f"{name} at N={count}: build failed: {error}", file=sys.stderr)
                del active[name]
                continue
            if run >= 0:
                samples[name].append(sample)
            label = run + 1 if run >= 0 else "warm-up"
            print(f"  N={count} {name:<10} run {label}: {sample.wall:.2f} s, {sample.cpu:.2f} s CPU, {sample.tree_mb:.0f} MB", flush=True)
    results: dict[str, dict[str, object]] = {}
    for name, taken in samples.items():
        if taken:
            files, size = count_files(work / "out" / f"{name}-n{count}")
            results[name] = {"summary": Summary.of(taken), "samples": taken, "files": files, "bytes": size}
    return results


def bench_newsletter_extras(work: Path, site: Path, cli: tools.NewsletterCli, runs: int) -> dict[str, Summary]:
    """Time rebuilds after one edit and with nothing changed (`edits_and_rebuilds`), and `newsletter --help`."""
    project = site / "newsletter"
    out = work / "out" / "newsletter-rebuild"
    shutil.rmtree(out, ignore_errors=True)
    logs = work / "logs"
    first = cli.build(project, out, cold=True)
    # The first build is an ordinary one (with --no-cache dropped) so that it fills the cache.
    first_argv = [arg for arg in first.argv if arg != "--no-cache"]
    measure(first_argv, cwd=first.cwd, env=first.env, log=logs / "newsletter-rebuild-first.log")
    items = sorted((project / "content" / "news").glob("*.md"))
    samples = edits_and_rebuilds(cli, project, out, items[len(items) // 2], runs, logs, "newsletter")
    tools.stop_server(project)
    helps = []
    for run in range(max(runs * 2, 5)):
        step = cli.help(project)
        helps.append(measure(step.argv, cwd=step.cwd, env=step.env, log=logs / f"newsletter-help-{run}.log"))
    summaries = {key: Summary.of(taken) for key, taken in samples.items() if taken}
    summaries["help"] = Summary.of(helps)
    print("  newsletter rebuilds: " + ", ".join(f"{key} {summary.wall:.3f} s" for key, summary in summaries.items()))
    return summaries


def edits_and_rebuilds(cli: tools.NewsletterCli, project: Path, out: Path, edited: Path, runs: int, logs: Path,
                       name: str, between: Callable[[int], None] | None = None) -> dict[str, list[Sample]]:
    """Time rebuilds after an edit and with nothing changed, through the build server and in a process of their own.

    The first rebuild after an edit builds in its own process and starts the server (`edit-first`). Then
    each run: `between(run)` if given, an edit and a rebuild by the server (`edit`), one with nothing changed
    (`nochange`), and the same two with the server off (`edit-alone`, `nochange-alone`)."""
    keys = ("edit-first", "edit", "nochange", "edit-alone", "nochange-alone")
    samples: dict[str, list[Sample]] = {key: [] for key in keys}
    count = 0

    def rebuild(key: str, run: int) -> None:
        nonlocal count
        if key.startswith("edit"):
            count += 1
            with edited.open("a", encoding="utf-8") as stream:
                stream.write(f"\nUpdate {count}: the consortium corrected a figure in this item.\n")
        step = cli.build(project, out, cold=False)
        env = {**step.env, "NEWSLETTER_SERVER": "off"} if key.endswith("-alone") else step.env
        samples[key].append(measure(step.argv, cwd=step.cwd, env=env, log=logs / f"{name}-{key}-{run}.log"))

    rebuild("edit-first", 0)
    for run in range(runs):
        if between is not None:
            between(run)
        for key in ("edit", "nochange", "edit-alone", "nochange-alone"):
            rebuild(key, run)
    return samples


def bench_small(work: Path, count: int, found: dict[str, Builder], cli: tools.NewsletterCli, runs: int,
                seed: int) -> dict[str, Summary]:
    """Time whole-process rebuilds of a small project next to Hugo's cold build of the same items.

    Each run: Hugo builds cold, then newsletter's rebuilds as `edits_and_rebuilds` makes them.
    """
    site = corpus_for(work, count, seed)
    project = site / "newsletter"
    out = work / "out" / f"newsletter-small-n{count}"
    shutil.rmtree(out, ignore_errors=True)
    logs = work / "logs"
    first = cli.build(project, out, cold=True)
    first_argv = [arg for arg in first.argv if arg != "--no-cache"]
    measure(first_argv, cwd=first.cwd, env=first.env, log=logs / f"newsletter-small-n{count}-first.log")
    edited = sorted((project / "content" / "news").glob("*.md"))[count // 2]
    hugo: list[Sample] = []

    def hugo_build(run: int) -> None:
        if "hugo" in found:
            hugo.append(run_one(found["hugo"], site / "hugo", work / "out" / f"hugo-small-n{count}",
                                logs / f"hugo-small-n{count}-{run}.log"))

    samples = {"hugo": hugo, **edits_and_rebuilds(cli, project, out, edited, runs, logs, f"newsletter-small-n{count}",
                                                  between=hugo_build)}
    tools.stop_server(project)
    summaries = {key: Summary.of(taken) for key, taken in samples.items() if taken}
    shown = ", ".join(f"{key} {summary.wall:.2f} s" for key, summary in summaries.items())
    print(f"  small project, N={count}: {shown}", flush=True)
    return summaries


def bench_preview(work: Path, runs: int, project: Path = HERE.parent, label: str = "example project") -> Summary | None:
    """Time the preview's save-to-reload on a project (the example's), in a process of its own."""
    result = subprocess.run(
        [sys.executable, str(HERE / "preview_reload.py"), str(project), str(work), "--runs", str(runs)],
        capture_output=True, text=True, cwd=work,
    )
    if result.returncode != 0:
        print(f"preview: skipped: {(result.stderr or result.stdout).strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    seconds = json.loads(result.stdout)
    summary = Summary.of([Sample(wall=value, cpu=0.0, rss_mb=0.0, tree_mb=0.0) for value in seconds])
    print(f"  preview save-to-reload, {label}: {summary.wall:.2f} s", flush=True)
    return summary


def environment(cli: tools.NewsletterCli | None) -> dict[str, str]:
    """Describe the machine and the versions measured."""
    info = {"python": platform.python_version(), "machine": platform.machine(), "system": platform.system()}
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        info["cpu"] = cpu
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or "?"
    info["cores"] = str(os.cpu_count())
    if not tools.hugo_missing():
        info["hugo"] = tools.hugo_version()
    if not tools.pelican_missing():
        info["pelican"] = tools.pelican_version()
    if cli:
        version = subprocess.run([*cli.base, "--version"], capture_output=True, text=True).stdout.strip()
        info["newsletter"] = version.split()[-1] if version else "?"
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    info["commit"] = commit.stdout.strip() or "?"
    return info


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--quick", action="store_true", help="small smoke run: N = 20 and 100, 2 runs")
    parser.add_argument("--items", type=int, default=1000, help="main size, measured with --runs runs (default 1000)")
    parser.add_argument("--sizes", default="100,1000,5000", help="sizes for the scaling table (default 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool at the main size (default 5)")
    parser.add_argument("--scaling-runs", type=int, default=3, help="runs per tool at the other sizes (default 3)")
    parser.add_argument("--pelican-max", type=int, default=1000, help="largest size Pelican is run at (default 1000; 5000 adds about 3 minutes)")
    parser.add_argument("--tools", default="newsletter,hugo,pelican")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--install", action="store_true", help="install Hugo and Pelican when missing")
    parser.add_argument("--profile", action="store_true", help="profile one cold newsletter build at the main size")
    parser.add_argument("--small", type=int, default=20, help="items of the small project (default 20; 0 leaves it out)")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    if args.quick:
        args.items, args.sizes, args.runs, args.scaling_runs = 100, "20,100", 2, 2
    return args


def main() -> None:
    args = parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.install:
        tools.install_missing()
    load_at_start = os.getloadavg()[0]
    found, cli = builders(work, args.tools.split(","))
    if not found:
        sys.exit("nothing to measure: no tool is available")
    sizes = sorted({int(size) for size in args.sizes.split(",")} | {args.items})
    cold: dict[int, dict[str, dict[str, object]]] = {}
    extras: dict[str, Summary] = {}
    for count in sizes:
        site = corpus_for(work, count, args.seed)
        runs = args.runs if count == args.items else args.scaling_runs
        here = {name: build for name, build in found.items() if name != "pelican" or count <= args.pelican_max}
        print(f"N = {count}: {runs} cold runs each of {', '.join(here)}", flush=True)
        # One warm-up build per tool fills the OS file cache and Python's bytecode cache;
        # later sizes find both warm.
        cold[count] = bench_cold(work, site, count, here, runs, warm_up=count == sizes[0])
        if count == args.items and cli and "newsletter" in cold[count]:
            extras = bench_newsletter_extras(work, site, cli, args.runs)
            # What an edit takes in a process that keeps its work between builds, at this size.
            if preview := bench_preview(work, args.runs, site / "newsletter", f"N = {count}"):
                extras["preview"] = preview
        if count == args.items and cli and args.profile:
            profiling.profile_build(site / "newsletter", work)
    small: dict[str, Summary] = {}
    if cli and args.small:
        print(f"small project, N = {args.small}: {args.runs} runs", flush=True)
        small = bench_small(work, args.small, found, cli, args.runs, args.seed)
        if preview := bench_preview(work, args.runs):
            small["preview"] = preview
    info = environment(cli)
    info["load"] = f"{load_at_start:.1f} and {os.getloadavg()[0]:.1f}"
    text = report.render(info, cold, extras, main_size=args.items, seed=args.seed, small=small, small_size=args.small)
    (work / "results.md").write_text(text, encoding="utf-8")
    raw = {
        "environment": info,
        "cold": {str(count): {name: {"summary": asdict(entry["summary"]), "samples": [asdict(sample) for sample in entry["samples"]], "files": entry["files"], "bytes": entry["bytes"]} for name, entry in by_tool.items()} for count, by_tool in cold.items()},
        "newsletter": {name: asdict(summary) for name, summary in extras.items()},
        "small": {name: asdict(summary) for name, summary in small.items()},
    }
    (work / "results.json").write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
