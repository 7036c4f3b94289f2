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
    small: dict[str, Summary] | None = None,
    small_size: int = 20,
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
            "| tool | wall (s) | CPU (s) | peak memory (MB) | peak PSS (MB) | largest process (MB) | files written | output (MB) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in TOOLS:
            if name in main:
                entry = main[name]
                summary: Summary = entry["summary"]  # type: ignore[assignment]
                lines.append(
                    f"| {LABELS[name]} | {summary.wall:.2f} | {summary.cpu:.2f} | {summary.tree_mb:.0f} | {summary.pss_mb:.0f} "
                    f"| {summary.rss_mb:.0f} "
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
            cells.append(f"{summary.wall:.2f} s · {summary.tree_mb:.0f} MB ({summary.pss_mb:.0f} PSS)" if summary else "–")  # type: ignore[union-attr]
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
        for key, label in (*REBUILDS, ("preview", "preview save-to-reload after one edit (kept warm, server side)"),
                           ("help", "`newsletter --help`")):
            if key not in extras:
                continue
            summary = extras[key]
            cpu, memory = (f"{summary.cpu:.3f}", f"{summary.tree_mb:.0f}") if key != "preview" else ("–", "–")
            lines.append(f"| {label} | {summary.wall:.3f} | {cpu} | {memory} | {_ratio(summary.wall, hugo_wall)} |")
        lines.append("")
    small = small or {}
    if small:
        lines += [
            f"## Small project, N = {small_size} items (whole process, median of {max(s.runs for s in small.values())} runs)",
            "",
            "| what | wall (s) | CPU (s) | peak memory (MB) |",
            "| --- | ---: | ---: | ---: |",
        ]
        for key, label in (("hugo", "Hugo cold build"), *REBUILDS,
                           ("preview", "preview save-to-reload, example project (server side)")):
            if key in small:
                summary = small[key]
                cpu = f"{summary.cpu:.3f}" if key != "preview" else "–"
                memory = f"{summary.tree_mb:.0f}" if key != "preview" else "–"
                lines.append(f"| {label} | {summary.wall:.3f} | {cpu} | {memory} |")
        lines.append("")
    lines += _targets(cold, extras, main_size, small, small_size)
    return "\n".join(lines) + "\n"


# newsletter's rebuilds as bench/run.py's `edits_and_rebuilds` times them.
REBUILDS = (
    ("edit-first", "first rebuild after an edit (in its own process; it goes on as the build server)"),
    ("edit", "rebuild after editing one item (build server)"),
    ("nochange", "rebuild with nothing changed (build server)"),
    ("edit-alone", "rebuild after editing one item, in its own process (server off)"),
    ("nochange-alone", "rebuild with nothing changed, in its own process (server off)"),
)


def _targets(cold: dict[int, dict[str, dict[str, object]]], extras: dict[str, Summary], main_size: int,
             small: dict[str, Summary], small_size: int) -> list[str]:
    main = cold.get(main_size, {})
    newsletter, hugo, pelican = (_wall(main, name) for name in TOOLS)
    rows = []

    def row(label: str, value: float | None, limit: float | None, unit: str = "×") -> None:
        """A goal's row; with no limit, a measurement shown beside the goals (met: –)."""
        if value is None:
            rows.append(f"| {label} | n/a | n/a |")
            return
        shown = f"{value:.2f}×" if unit == "×" else f"{value:.0f} {unit}" if unit == "ms" else f"{value:.2f} {unit}"
        met = "–" if limit is None else "yes" if value <= limit else "**no**"
        rows.append(f"| {label} | {shown} | {met} |")

    def ratio(top: Summary | None, bottom: float | None) -> float | None:
        return top.wall / bottom if top and bottom else None

    small_hugo = small["hugo"].wall if "hugo" in small else None
    row(f"small project (N = {small_size}): rebuild after one edit ≤ 2× Hugo's cold build", ratio(small.get("edit"), small_hugo), 2)
    row(f"small project (N = {small_size}): rebuild with nothing changed ≤ 1× Hugo's cold build",
        ratio(small.get("nochange"), small_hugo), 1)
    row(f"cold build ≤ 1× Pelican's (N = {main_size}, wall)", newsletter / pelican if newsletter and pelican else None, 1)
    row(f"rebuild after one edit ≤ 0.3× Hugo's full build (N = {main_size})", ratio(extras.get("edit"), hugo), 0.3)
    row(f"rebuild with nothing changed ≤ 0.3× Hugo's full build (N = {main_size})", ratio(extras.get("nochange"), hugo), 0.3)
    row(f"(beside the goals) small project (N = {small_size}): rebuild after one edit, server off, vs Hugo",
        ratio(small.get("edit-alone"), small_hugo), None)
    row(f"(beside the goals) rebuild after one edit, server off, vs Hugo's full build (N = {main_size})",
        ratio(extras.get("edit-alone"), hugo), None)
    largest = max(cold) if cold else None
    at_largest = cold.get(largest, {}) if largest else {}
    ours = at_largest["newsletter"]["summary"].tree_mb if "newsletter" in at_largest else None  # type: ignore[union-attr]
    theirs = at_largest["hugo"]["summary"].tree_mb if "hugo" in at_largest else None  # type: ignore[union-attr]
    row(f"peak memory of the process tree below Hugo's (N = {largest}, summed RSS)", ours / theirs if ours and theirs else None, 1)
    ours = at_largest["newsletter"]["summary"].pss_mb if "newsletter" in at_largest else None  # type: ignore[union-attr]
    theirs = at_largest["hugo"]["summary"].pss_mb if "hugo" in at_largest else None  # type: ignore[union-attr]
    row(f"peak memory of the process tree below Hugo's (N = {largest}, summed PSS)", ours / theirs if ours and theirs else None, 1)
    preview = small["preview"].wall if "preview" in small else None
    row("preview save-to-reload < 0.3 s (example project)", preview, 0.3, "s")
    help_ms = extras["help"].wall * 1000 if "help" in extras else None
    row("`newsletter --help` < 100 ms", help_ms, 100, "ms")
    return ["## Goals", "", "| goal | measured | met |", "| --- | ---: | :---: |", *rows]
