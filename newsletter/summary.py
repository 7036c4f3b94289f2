"""What a finished build tells the user."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsletter.build import BuildResult
    from newsletter.diagnostics import Diagnostic
    from newsletter.manifest import ManifestEntry

SHOWN_FINDINGS = 5  # a build names the first few; `newsletter check` lists them all


def build_summary(result: BuildResult, cwd: Path) -> str:
    """A short report: where the output is, what was written, sizes of the emails, warnings."""
    built = _built_issues(result)
    what = (f"the issue '{built[0]}'" if len(built) == 1 and len(result.site.editions) > 1
            else f"{_count(len(built), 'issue')} and {_count(len(result.site.published), 'published item')}")
    report = result.report
    return _summary(what, result.out_dir, (len(report.written), len(report.unchanged), len(report.removed)),
                    report.manifest, findings_summary(result.diagnostics), cwd)


def summary_record(result: BuildResult) -> dict[str, Any]:
    """What a no-change rebuild of this build would say, to replay it without building."""
    return {"editions": len(result.site.editions), "published": len(result.site.published),
            "findings": findings_summary(result.site.diagnostics)}


def replayed_summary(record: dict[str, Any], out_dir: Path, cwd: Path) -> str | None:
    """The summary a no-change rebuild prints, from `summary_record` and the output's manifest."""
    from newsletter.manifest import read_manifest

    editions, published, findings = record.get("editions"), record.get("published"), record.get("findings")
    if not (isinstance(editions, int) and isinstance(published, int) and isinstance(findings, list)
            and all(isinstance(line, str) for line in findings)):
        return None
    manifest = read_manifest(out_dir)
    return _summary(f"{_count(editions, 'issue')} and {_count(published, 'published item')}", out_dir,
                    (0, len(manifest), 0), [manifest[path] for path in sorted(manifest)], findings, cwd)


def _summary(what: str, out_dir: Path, counts: tuple[int, int, int], manifest: Sequence[ManifestEntry],
             findings: list[str], cwd: Path) -> str:
    """`counts`: the files written, unchanged and removed; `manifest`: what the output folder holds."""
    written, unchanged, removed = counts
    kinds = Counter(entry.kind for entry in manifest)
    try:
        where = os.path.relpath(out_dir, cwd)
    except ValueError:  # another drive on Windows
        where = str(out_dir)
    lines = [
        f"Built {what} into {where}/ ({written} written, {unchanged} unchanged, {removed} removed).",
        "  " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())),
    ]
    emails = sorted((entry for entry in manifest if entry.kind == "email-html"), key=lambda e: e.size)
    if len(emails) > 5:  # a long archive: the extremes tell whether any email is near Gmail's clipping
        smallest, largest = emails[0], emails[-1]
        lines.append(f"  {len(emails)} emails from {smallest.size / 1024:.1f} KB to {largest.size / 1024:.1f} KB "
                     f"(largest: {largest.path})")
    else:
        lines.extend(f"  {entry.path}: {entry.size / 1024:.1f} KB" for entry in sorted(emails, key=lambda e: e.path))
    lines.extend(findings)
    index = out_dir / "index.html"
    if index.exists():
        lines.append(f"Open {index.as_uri()} in a browser, or run 'newsletter preview'.")
    return "\n".join(lines)


def _built_issues(result: BuildResult) -> list[str]:
    """The slugs of the issues this build rendered: one with `build --issue`, else every one."""
    site, outputs = result.site, result.outputs
    slugs = [edition.slug for edition in site.editions]
    if not outputs:  # nothing to do: the output holds every issue already
        return slugs
    # The folders two levels down that hold an output (an issue's is issues/<slug>/).
    folders = {"/".join(parts[:2]) + "/" for parts in (output.path.parts for output in outputs) if len(parts) > 2}
    return [edition.slug for edition in site.editions if site.issue_path(edition) in folders]


def findings_summary(findings: Sequence[Diagnostic]) -> list[str]:
    """The count of what the build found, errors first, the first few of them, and where to see the rest."""
    from newsletter.diagnostics import Severity, errors_of  # here: a no-change build replays these lines

    if not findings:
        return []
    ordered = sorted(findings, key=lambda finding: finding.severity is not Severity.ERROR)
    errors = len(errors_of(findings))
    warnings = len(findings) - errors
    counts = [_count(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n]
    verdict = "'newsletter check' fails until the errors are fixed" if errors else "'newsletter check' lists them too"
    lines = [f"{' and '.join(counts)} ({verdict}):"]
    lines += [f"  {finding}" for finding in ordered[:SHOWN_FINDINGS]]
    if len(findings) > SHOWN_FINDINGS:
        lines.append(f"  ... and {len(findings) - SHOWN_FINDINGS} more: run 'newsletter check' to see them all.")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
