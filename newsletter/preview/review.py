"""What the review page of one issue shows, read from the build folder: each channel's files when built."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.platforms.counting import platform_rules
from newsletter.assemble import Edition
from newsletter.diagnostics import Diagnostic, errors_of
from newsletter.preview.builder import relative_to_project
from newsletter.preview.files import has_dark_styles
from newsletter.checks.email import GMAIL_CLIP, SIZE_WARNING
from newsletter.site import Site
from newsletter.channels.social.plan import KIND_NAMES
from newsletter.channels.social.renderer import PLAN_NAME



@dataclass(frozen=True, slots=True)
class Link:
    label: str
    path: str  # inside the build folder
    built: bool
    download: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """One social post of an item, as the social channel wrote it to drafts.json."""

    platform: str
    text: str
    length: int
    limit: int
    url: str = ""
    part: int | None = None
    parts: int | None = None
    warnings: tuple[str, ...] = ()
    item: str = ""
    kind: str = "post"
    scheduled_at: str = ""  # ISO 8601 with offset
    past: bool = False  # planned for a day before the reference day
    published: bool = True
    notes: tuple[str, ...] = ()

    @property
    def platform_name(self) -> str:
        return platform_rules(self.platform).label

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def day(self) -> str:
        return self.scheduled_at[:10]

    @property
    def time(self) -> str:
        return self.scheduled_at[11:16]

    @property
    def ratio(self) -> float:
        return self.length / self.limit if self.limit > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ItemDrafts:
    slug: str
    title: str
    drafts: tuple[Draft, ...]
    note: str | None = None  # why an item has no drafts


@dataclass(frozen=True, slots=True)
class Social:
    built: bool
    items: tuple[ItemDrafts, ...] = ()
    error: str | None = None
    plan: tuple[Draft, ...] = ()  # every draft of the issue's items in time order, future ones too

    @property
    def warnings(self) -> int:
        return sum(len(draft.warnings) for entry in self.items for draft in entry.drafts)


@dataclass(frozen=True, slots=True)
class Review:
    """Everything on the review page of one issue."""

    edition: Edition
    frame_path: str  # the email when built, else the web version
    frame_is_email: bool
    dark_styles: bool
    email_size: int | None
    plain_text: str | None
    social: Social
    links: tuple[Link, ...] = field(default=())

    clip_bytes: int = GMAIL_CLIP
    near_bytes: int = SIZE_WARNING

    @property
    def clip_ratio(self) -> float:
        return (self.email_size or 0) / self.clip_bytes


def review_issue(site: Site, out_dir: Path, edition: Edition, language_folder: str = "") -> Review:
    """Gather the review of `edition` from what the last build wrote to `out_dir` (in a further
    language's site, below `language_folder`, e.g. `fr/`)."""
    folder = language_folder + site.issue_path(edition)
    email = out_dir / folder / "email.html"
    frame = email if email.is_file() else out_dir / folder / "index.html"
    text = out_dir / folder / "email.txt"
    return Review(
        edition=edition,
        frame_path=frame.relative_to(out_dir).as_posix(),
        frame_is_email=email.is_file(),
        dark_styles=_declares_dark(frame, out_dir),
        email_size=email.stat().st_size if email.is_file() else None,
        plain_text=text.read_text(encoding="utf-8", errors="replace") if text.is_file() else None,
        social=read_social(out_dir / language_folder, site, edition),
        links=_links(out_dir, folder, edition.slug, language_folder),
    )


def read_social(out_dir: Path, site: Site, edition: Edition) -> Social:
    """The drafts of the edition's items from social/drafts.json, with what a reviewer should fix."""
    path = out_dir / "social" / "drafts.json"
    if not path.is_file():
        return Social(built=False)
    try:
        records = _records(path)
    except ValueError as exc:
        return Social(built=True, error=f"social/drafts.json cannot be read ({exc})")
    plan_path = out_dir / site.issue_path(edition) / PLAN_NAME
    try:
        planned = [record for record in _records(plan_path) if isinstance(record, dict)] if plan_path.is_file() else []
    except ValueError as exc:
        return Social(built=True, error=f"{site.issue_path(edition)}{PLAN_NAME} cannot be read ({exc})")
    by_item: dict[str, list[dict[str, object]]] = {}
    # The issue's plan holds its items' posts also before they are published; drafts.json only after.
    for record in planned or records:
        if isinstance(record, dict) and isinstance(record.get("item"), str):
            by_item.setdefault(str(record["item"]), []).append(record)
    items = []
    for item in edition.items:
        drafts = _drafts(by_item.get(item.slug, []))
        note = None
        if not drafts:
            if item.social_skip:
                note = "no drafts: the item says 'social: false'"
            elif item not in site.published:
                note = f"no drafts yet: the item is dated after {site.as_of.isoformat()}"
            else:
                note = "no drafts were written for this item"
        elif item not in site.published:
            note = (f"not published yet (dated after {site.as_of.isoformat()}): these posts reach "
                    "social/drafts.json and the scheduler files once it is")
        items.append(ItemDrafts(item.slug, item.title, drafts, note))
    plan = _drafts(planned)
    return Social(built=True, items=tuple(items), plan=plan)


def _records(path: Path) -> list[dict[str, object]]:
    records = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ValueError("not a list")
    return records


def _drafts(records: Sequence[dict[str, object]]) -> tuple[Draft, ...]:
    threads: dict[object, int] = {}
    for record in records:
        if record.get("thread") is not None:
            threads[record["thread"]] = threads.get(record["thread"], 0) + 1
    drafts = []
    for record in records:
        text = str(record.get("text") or "")
        length = _number(record.get("length"), len(text))
        limit = _number(record.get("limit"), 0)
        warnings = []
        if limit and length > limit:
            warnings.append(f"{length - limit} characters over the {limit} limit")
        if not text.strip():
            warnings.append("the text is empty")
        part = record.get("part")
        drafts.append(Draft(
            platform=str(record.get("platform") or "?"), text=text, length=length, limit=limit,
            url=str(record.get("url") or ""), part=part if isinstance(part, int) else None,
            parts=threads.get(record.get("thread")) if record.get("thread") is not None else None,
            warnings=tuple(warnings), item=str(record.get("item") or ""), kind=str(record.get("kind") or "post"),
            scheduled_at=str(record.get("scheduled_at") or ""), past=record.get("past") is True,
            published=record.get("published") is not False,
            notes=_texts(record.get("notes")),
        ))
    return tuple(drafts)


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(text) for text in value) if isinstance(value, list) else ()


def _number(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _declares_dark(page: Path, out_dir: Path) -> bool:
    """Whether the framed page, or a stylesheet of the build it links to, has dark-mode styles."""
    if not page.is_file():
        return False
    data = page.read_bytes()
    if has_dark_styles(data):
        return True
    # The web version keeps its styles in the theme's stylesheet.
    return any(has_dark_styles(css.read_bytes()) for css in (out_dir / "static").glob("*.css")
               if css.name.encode() in data)


def _links(out_dir: Path, folder: str, slug: str, language_folder: str = "") -> tuple[Link, ...]:
    def link(label: str, path: str, download: bool = False) -> Link:
        return Link(label, path, (out_dir / path).is_file(), download)

    return (
        link("Web version", f"{folder}index.html"),
        link("Email HTML", f"{folder}email.html"),
        link(f"Download {slug}.eml", f"{folder}email.eml", download=True),
        link("Social sheet", f"{folder}social.md"),
        link("RSS", f"{language_folder}feed.xml"),
        link("Atom", f"{language_folder}atom.xml"),
        link("JSON Feed", f"{language_folder}feed.json"),
        link("Archive", f"{language_folder}index.html"),
    )


@dataclass(frozen=True, slots=True)
class Findings:
    """The check findings that concern one issue, and those about the whole project."""

    issue: tuple[Diagnostic, ...]
    project: tuple[Diagnostic, ...]
    elsewhere: int  # findings about other issues' and items' files

    @property
    def errors(self) -> int:
        return len(errors_of(self.issue))


def issue_findings(findings: Sequence[Diagnostic], root: Path, edition: Edition) -> Findings:
    """Keep the findings about the issue's file, its items' files and its output folder."""
    own = {edition.issue.source.as_posix(), *(item.source.as_posix() for item in edition.items)}
    folder = f"issues/{edition.slug}/"
    mine, project = [], []
    elsewhere = 0
    for finding in findings:
        if finding.where is None:
            project.append(finding)
            continue
        path = relative_to_project(finding.where.path, root).as_posix()
        if path in own or path.startswith(folder) or f"/{folder}" in path:
            mine.append(finding)
        elif path.startswith("content/"):
            elsewhere += 1
        else:
            project.append(finding)  # settings, templates
    return Findings(tuple(mine), tuple(project), elsewhere)
