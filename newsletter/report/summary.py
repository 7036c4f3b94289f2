"""What `newsletter report` prints: the files written, the counts, and what needs a look."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from newsletter.report.make import Report

SHOWN = 5  # problems listed one by one; more would bury the files written


def report_summary(report: Report, written: Sequence[Path], cwd: Path) -> str:
    rows = report.activities
    issues = sum(1 for row in rows if row.item_type == "issue")
    lines = [f"report: {len(rows)} activit{'y' if len(rows) == 1 else 'ies'} ({issues} newsletter"
             f"{'s' * (issues != 1)}), {len(report.publications)} publication{'s' * (len(report.publications) != 1)}"]
    unclassified = [row for row in rows if not row.activity_type]
    for row in unclassified[:SHOWN]:
        lines.append(f"  not classified: {row.source.as_posix()}: add 'report:' with '  activity: ...' "
                     "(or 'report: false')")
    if len(unclassified) > SHOWN:
        lines.append(f"  and {len(unclassified) - SHOWN} more not classified: their activity_type is empty")
    for campaign in report.unmatched:
        lines.append(f"  campaign not matched to an issue (line {campaign.line}): "
                     f"{campaign.subject or campaign.name}{f' ({campaign.sent})' if campaign.sent else ''}")
    for path in written:
        if path.suffix in (".csv", ".xlsx", ".html"):
            lines.append(f"  wrote {_shown(path, cwd)}")
    page = next((path for path in written if path.name == "index.html"), None)
    if page is not None:
        lines.append(f"Open {page.as_uri()} in a browser; paste activities.xlsx into the portal.")
    return "\n".join(lines)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
    except ValueError:
        return str(path)
