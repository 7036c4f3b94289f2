"""What a finished build tells the user."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from newsletter.build import BuildResult


def build_summary(result: BuildResult, cwd: Path) -> str:
    """A short report: where the output is, what was written, sizes of the emails, warnings."""
    report = result.report
    kinds = Counter(entry.kind for entry in report.manifest)
    try:
        where = os.path.relpath(result.out_dir, cwd)
    except ValueError:  # another drive on Windows
        where = str(result.out_dir)
    lines = [
        f"Built {len(result.site.editions)} issues and {len(result.site.published)} published items "
        f"into {where}/ ({len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed).",
        "  " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())),
    ]
    emails = sorted((entry for entry in report.manifest if entry.kind == "email-html"), key=lambda e: e.size)
    if len(emails) > 5:  # a long archive: the extremes tell whether any email is near Gmail's clipping
        smallest, largest = emails[0], emails[-1]
        lines.append(f"  {len(emails)} emails from {smallest.size / 1024:.1f} KB to {largest.size / 1024:.1f} KB "
                     f"(largest: {largest.path})")
    else:
        lines.extend(f"  {entry.path}: {entry.size / 1024:.1f} KB" for entry in sorted(emails, key=lambda e: e.path))
    for diagnostic in result.diagnostics:
        lines.append(f"  {diagnostic}")
    index = result.out_dir / "index.html"
    if index.exists():
        lines.append(f"Open {index.as_uri()} in a browser, or run 'newsletter preview'.")
    return "\n".join(lines)
