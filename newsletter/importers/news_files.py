"""Write imported news items and images safely, and report what happened to each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from newsletter.diagnostics import Diagnostic
from newsletter.errors import OutputError, SourceLocation
from newsletter.atomic import write_file
from newsletter.importers.item_types import TypeMatch

SHOWN_DETAILS = 3  # a collapsed warning names this many of its files or addresses
# The order of the SPEC's news item front matter table, so every import writes the same bytes.
FRONT_MATTER_KEYS = ("title", "date", "slug", "summary", "type", "tags", "author", "url", "image", "image_alt", "draft")


class Outcome(str, Enum):
    WRITTEN = "written"
    OVERWRITTEN = "overwritten"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class PostResult:
    """What happened to one post of the export."""

    title: str
    where: SourceLocation
    outcome: Outcome
    path: Path | None = None
    reason: str | None = None
    warnings: tuple[Diagnostic, ...] = ()
    type_match: TypeMatch | None = None  # the category or tag that gave the item its type


@dataclass(frozen=True, slots=True)
class ImageResult:
    """What happened to one image copied from beside the export."""

    source: Path
    path: Path
    outcome: Outcome
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The outcome of one import: every post, every copied image, the item types left aside."""

    export: Path
    kind: str
    dry_run: bool
    posts: tuple[PostResult, ...]
    images: tuple[ImageResult, ...] = ()
    ignored: tuple[tuple[str, int], ...] = ()

    @property
    def written(self) -> tuple[PostResult, ...]:
        return tuple(post for post in self.posts if post.outcome in (Outcome.WRITTEN, Outcome.OVERWRITTEN))

    @property
    def unchanged(self) -> tuple[PostResult, ...]:
        return tuple(post for post in self.posts if post.outcome is Outcome.UNCHANGED)

    @property
    def skipped(self) -> tuple[PostResult, ...]:
        return tuple(post for post in self.posts if post.outcome is Outcome.SKIPPED)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(warning for post in self.posts for warning in post.warnings)


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file the import means to write, with the post it comes from."""

    title: str
    where: SourceLocation
    path: Path
    data: bytes
    warnings: tuple[Diagnostic, ...] = ()
    type_match: TypeMatch | None = None


class _FrontMatterDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing datetimes as ISO 8601 with a "T", as the SPEC shows them."""


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_FrontMatterDumper.add_representer(datetime, _represent_datetime)


def render_news_item(front_matter: dict[str, Any], body: str) -> bytes:
    """Give the bytes of a news item file: YAML front matter in SPEC order, then Markdown."""
    ordered = {key: front_matter[key] for key in FRONT_MATTER_KEYS if front_matter.get(key) not in (None, "", [])}
    yaml_text = yaml.dump(
        ordered, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )
    text = f"---\n{yaml_text}---\n"
    return (f"{text}\n{body}" if body else text).encode("utf-8")


def place_file(path: Path, data: bytes, *, force: bool, dry_run: bool) -> tuple[Outcome, str | None]:
    """Write `data` to `path` unless it holds those bytes already or differs and `force` is off."""
    try:
        current = path.read_bytes() if path.exists() else None
    except OSError as err:
        raise OutputError(f"cannot read {path} ({err.strerror})", SourceLocation(path)) from err
    if current == data:
        return Outcome.UNCHANGED, None
    if current is not None and not force:
        return Outcome.SKIPPED, "exists with other content; use --force to overwrite"
    if not dry_run:
        write_file(path, data)
    return (Outcome.OVERWRITTEN if current is not None else Outcome.WRITTEN), None


def format_report(report: ImportReport, relative_to: Path | None = None) -> str:
    """Describe the import for the terminal: one line per post, its warnings under it, a summary."""

    def shown(path: Path) -> str:
        if relative_to is not None and path.is_relative_to(relative_to):
            return path.relative_to(relative_to).as_posix()
        return path.as_posix()

    verb = {Outcome.WRITTEN: "would write", Outcome.OVERWRITTEN: "would overwrite"} if report.dry_run else {}
    lines = []
    for post in report.posts:
        target = shown(post.path) if post.path else f'"{post.title}" ({post.where})'
        reason = f": {post.reason}" if post.reason else ""
        lines.append(f"{verb.get(post.outcome, post.outcome.value):<15} {target}{reason}")
        lines.extend(f"{'':<15}   {line}" for line in collapse_warnings(post.warnings))
    for image in report.images:
        reason = f": {image.reason}" if image.reason else ""
        lines.append(f"{verb.get(image.outcome, image.outcome.value):<15} {shown(image.path)}{reason}")
    lines.extend(_types(report))
    lines.append(_summary(report))
    return "\n".join(lines)


def collapse_warnings(warnings: Sequence[Diagnostic]) -> list[str]:
    """One line per kind of warning: a gallery's twenty "image has no alt text: URL" become one, with a count."""
    groups: dict[tuple[str, str], list[str]] = {}
    for warning in warnings:
        head, sep, detail = warning.message.partition(": ")
        groups.setdefault((warning.code, head if sep else warning.message), []).append(detail)
    lines = []
    for (code, head), details in groups.items():
        if len(details) == 1:
            lines.append(f"{head}{': ' + details[0] if details[0] else ''} [{code}]")
            continue
        distinct = list(dict.fromkeys(detail for detail in details if detail))
        shown = ", ".join(distinct[:SHOWN_DETAILS]) + (f" and {len(distinct) - SHOWN_DETAILS} more"
                                                       if len(distinct) > SHOWN_DETAILS else "")
        lines.append(f"{head} ({len(details)} times){': ' + shown if shown else ''} [{code}]")
    return lines


def _types(report: ImportReport) -> list[str]:
    """Which item types the categories and tags gave, and how to map the rest."""
    posts = [post for post in report.posts if post.outcome is not Outcome.SKIPPED]
    if not posts:
        return []
    by_type: dict[str, dict[str, int]] = {}
    for post in posts:
        match = post.type_match
        kind = match.type.value if match else "news"
        term = f"'{match.term}'{' guessed' if match.guessed else ''}" if match else ""
        by_type.setdefault(kind, {}).setdefault(term, 0)
        by_type[kind][term] += 1
    parts = []
    for kind, terms in sorted(by_type.items(), key=lambda pair: (pair[0] == "news", pair[0])):
        named = ", ".join(term for term in terms if term)
        parts.append(f"{sum(terms.values())} {kind}{f' (from {named})' if named else ''}")
    return [f"Item types: {', '.join(parts)}. Map other categories or tags with --type-map CATEGORY=TYPE "
            "or [import] type_map in newsletter.toml."]


def _summary(report: ImportReport) -> str:
    counts = [
        f"{len(report.written)} {'to write' if report.dry_run else 'written'}",
        f"{len(report.unchanged)} unchanged",
        f"{len(report.skipped)} skipped",
        f"{len(report.warnings)} warnings",
    ]
    text = f"{report.export.name}: {len(report.posts)} posts, " + ", ".join(counts)
    copied = [image for image in report.images if image.outcome in (Outcome.WRITTEN, Outcome.OVERWRITTEN)]
    if report.images:
        text += f"; {len(copied)} of {len(report.images)} images {'to copy' if report.dry_run else 'copied'}"
    if report.ignored:
        text += "; not news items: " + ", ".join(f"{count} {kind}" for kind, count in report.ignored)
    return text + (" (dry run: nothing written)" if report.dry_run else "")

