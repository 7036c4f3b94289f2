"""Render benchmark results as Markdown tables."""

from __future__ import annotations

from measure import Summary

TOOLS = ("newsletter", "hugo", "pelican")
LABELS = {"newsletter": "newsletter", "hugo": "Hugo", "pelican": "Pelican"}


def _ratio(top: float | None, bottom: float | None) -> str:
    if top is None or bottom is None or bottom == 0:
        return "n/a"
    return f"{top / bottom:.2f}×"


def _wall(entries: dict[str, dict[str, object]], name: str) -> float | None:
    entry = entries.get(name)
    return entry["summary"].wall if entry else None  # type: ignore[union-attr]


def _cpu(entries: dict[str, dict[str, object]], name: str) -> float | None:
    entry = entries.get(name)
    return entry["summary"].cpu if entry else None  # type: ignore[union-attr]


def render(
    info: dict[str, str],
    cold: dict[int, dict[str, dict[str, object]]],
    extras: dict[str, Summary],
    *,
    main_size: int,
    seed: int,
) -> str:
    """Return the whole report."""
    versions = ", ".join(f"{key} {info[key]}" for key in ("newsletter", "hugo", "pelican") if key in info)
    lines = [
        "# newsletter build benchmark",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['system']} {info['machine']}, Python {info['python']}.",
        f"Versions: {versions}; commit {info['commit']}. Corpus seed {seed}; one issue per ten items.",
        f"Load average (1 min) at start and end: {info.get('load', '?')}; above the core count, other work shared the machine.",
        "",
    ]
    main = cold.get(main_size, {})
    if main:
        runs = max(entry["summary"].runs for entry in main.values())  # type: ignore[union-attr]
        lines += [
            f"## Cold build, N = {main_size} items, {main_size // 10} issues (median of {runs} runs)",
            "",
            "| tool | wall (s) | CPU (s) | peak memory (MB) | largest process (MB) | files written | output (MB) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in TOOLS:
            if name in main:
                entry = main[name]
                summary: Summary = entry["summary"]  # type: ignore[assignment]
                lines.append(
                    f"| {LABELS[name]} | {summary.wall:.2f} | {summary.cpu:.2f} | {summary.tree_mb:.0f} | {summary.rss_mb:.0f} "
                    f"| {entry['files']} | {entry['bytes'] / 1e6:.1f} |"
                )
        lines += [
            "",
            f"newsletter / Hugo: wall {_ratio(_wall(main, 'newsletter'), _wall(main, 'hugo'))}, "
            f"CPU {_ratio(_cpu(main, 'newsletter'), _cpu(main, 'hugo'))}; "
            f"Pelican / newsletter: wall {_ratio(_wall(main, 'pelican'), _wall(main, 'newsletter'))}, "
            f"CPU {_ratio(_cpu(main, 'pelican'), _cpu(main, 'newsletter'))}.",
            "",
        ]
    lines += [
        "## Scaling: cold build, median wall time and peak memory",
        "",
        "| items | issues | " + " | ".join(LABELS[name] for name in TOOLS) + " |",
        "| ---: | ---: | " + " | ".join("---:" for _ in TOOLS) + " |",
    ]
    for count, entries in sorted(cold.items()):
        cells = []
        for name in TOOLS:
            summary = entries[name]["summary"] if name in entries else None
            cells.append(f"{summary.wall:.2f} s · {summary.tree_mb:.0f} MB" if summary else "–")  # type: ignore[union-attr]
        lines.append(f"| {count} | {count // 10} | " + " | ".join(cells) + " |")
    lines.append("")
    hugo_wall = _wall(main, "hugo")
    if extras:
        lines += [
            f"## newsletter rebuilds and start-up, N = {main_size}",
            "",
            "| what | wall (s) | CPU (s) | peak memory (MB) | wall vs Hugo cold build |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for key, label in (("nochange", "no-change rebuild"), ("edit", "rebuild after editing one item"), ("help", "`newsletter --help`")):
            summary = extras[key]
            lines.append(f"| {label} | {summary.wall:.3f} | {summary.cpu:.3f} | {summary.tree_mb:.0f} | {_ratio(summary.wall, hugo_wall)} |")
        lines.append("")
    lines += _targets(cold, extras, main_size)
    return "\n".join(lines) + "\n"


def _targets(cold: dict[int, dict[str, dict[str, object]]], extras: dict[str, Summary], main_size: int) -> list[str]:
    main = cold.get(main_size, {})
    newsletter, hugo, pelican = (_wall(main, name) for name in TOOLS)
    rows = []

    def row(label: str, value: float | None, shown: str, met: bool | None) -> None:
        verdict = "n/a" if value is None or met is None else ("yes" if met else "**no**")
        rows.append(f"| {label} | {shown if value is not None else 'n/a'} | {verdict} |")

    ratio = newsletter / hugo if newsletter and hugo else None
    row(f"cold build ≤ 1.5× Hugo wall time (N = {main_size})", ratio, f"{ratio:.2f}×" if ratio else "", ratio is not None and ratio <= 1.5)
    speedup = pelican / newsletter if newsletter and pelican else None
    row(f"cold build ≥ 3× faster than Pelican (N = {main_size})", speedup, f"{speedup:.2f}×" if speedup else "", speedup is not None and speedup >= 3)
    nochange = extras["nochange"].wall / hugo if "nochange" in extras and hugo else None
    row("no-change rebuild ≤ 0.3× Hugo full build", nochange, f"{nochange:.2f}×" if nochange else "", nochange is not None and nochange <= 0.3)
    help_ms = extras["help"].wall * 1000 if "help" in extras else None
    row("`newsletter --help` < 100 ms", help_ms, f"{help_ms:.0f} ms" if help_ms else "", help_ms is not None and help_ms < 100)
    largest = max(cold) if cold else None
    rss = cold[largest]["newsletter"]["summary"].tree_mb if largest and "newsletter" in cold[largest] else None  # type: ignore[union-attr]
    row(f"peak memory < 150 MB (N = {largest})", rss, f"{rss:.0f} MB" if rss else "", rss is not None and rss < 150)
    return ["## Targets", "", "| target | measured | met |", "| --- | ---: | :---: |", *rows]
