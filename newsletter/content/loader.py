"""Load content/news and content/issues into a validated Catalog."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from newsletter.cache.freshness import folder_digest
from newsletter.content.files import IMAGES, body_image_errors, settings_image_errors
from newsletter.content.frontmatter import locate
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.cache.documents import DocumentCache
from newsletter.content.prepare import Prepared, prepare_documents
from newsletter.content.records import ISSUE_KEYS, ITEM_KEYS, load_issue, load_item
from newsletter.diagnostics import Diagnostic
from newsletter.content.translations import load_translations, split_translations
from newsletter.errors import (
    ContentError,
    DuplicateSlugError,
    FieldError,
    MissingReferenceError,
    NewsletterError,
)
from newsletter.settings.load import Settings

T = TypeVar("T")


class ContentProblems(NewsletterError):
    """Several content errors at once; prints the first and counts the rest."""

    def __init__(self, errors: list[NewsletterError]):
        first = errors[0]
        more = f" (and {len(errors) - 1} more: run 'newsletter check' to list them)" if len(errors) > 1 else ""
        super().__init__(first.message, first.where, (first.hint or "") + more if first.hint else more.strip())
        self.errors = errors


def content_files(folder: Path) -> list[Path]:
    """The Markdown files of a content folder (what `folder.glob("*.md")` finds), sorted so that loading order is
    stable."""
    try:
        with os.scandir(folder) as entries:
            # As glob matches: without regard to case where the system's file names have none (Windows).
            names = sorted((entry.name for entry in entries if os.path.normcase(entry.name).endswith(".md")),
                           key=os.path.normcase)
    except OSError:  # no such folder, or one this user may not read: no files, as glob finds none
        return []
    return [_content_path(folder, name) for name in names]


@functools.lru_cache(maxsize=16384)
def _content_path(folder: Path, name: str) -> Path:
    """A content file's path, made once: a long-running process lists the same files each build (and a path
    keeps its text and hash once worked out)."""
    return folder / name


def load_catalog(root: Path, settings: Settings, cache: DocumentCache | None = None,
                 meanwhile: Callable[[], object] | None = None) -> Catalog:
    """Load every item and issue; raise ContentProblems if any file is wrong.

    `meanwhile`: other work for this process while workers render the Markdown (when there are workers)."""
    catalog, errors = collect_catalog(root, settings, cache, meanwhile)
    if errors:
        raise ContentProblems(errors)
    return catalog


def collect_catalog(
    root: Path, settings: Settings, cache: DocumentCache | None = None, meanwhile: Callable[[], object] | None = None,
) -> tuple[Catalog, list[NewsletterError]]:
    """Load what can be loaded and return it with every error found."""
    cache = cache or DocumentCache(None)
    news, issue_files = content_files(root / "content" / "news"), content_files(root / "content" / "issues")
    prepared = prepare_documents(root, [*news, *issue_files], cache, meanwhile)
    errors: list[NewsletterError] = []
    diagnostics: list[Diagnostic] = []
    languages = settings.project.languages
    news, news_translations = split_translations(news, languages)
    issue_files, issue_translations = split_translations(issue_files, languages)
    context = _context(root, settings) if cache.kept is not None else ""
    items = _load_all(news, prepared, _kept(cache, ("item", context), diagnostics,
                                            lambda doc, found: load_item(doc, root, settings, found)), errors)
    issues = _load_all(issue_files, prepared, _kept(cache, ("issue", context), diagnostics,
                                                    lambda doc, found: load_issue(doc, settings, found)), errors)
    further = settings.project.further_languages
    translations: list[NewsItem | Issue] = [
        *load_translations(root, news_translations, further, prepared, {item.source: item for item in items},
                           lambda doc: load_item(doc, root, settings, diagnostics), ITEM_KEYS, errors, diagnostics),
        *load_translations(root, issue_translations, further, prepared, {issue.source: issue for issue in issues},
                           lambda doc: load_issue(doc, settings, diagnostics), ISSUE_KEYS, errors, diagnostics),
    ]
    cache.save()
    errors.extend(settings_image_errors(root, settings))
    for result in prepared.values():
        if not isinstance(result, ContentError):
            errors.extend(body_image_errors(root, result.document, result.body_html))
    errors.extend(_duplicate_slugs(root, items, "item"))
    errors.extend(_duplicate_slugs(root, issues, "issue"))
    known = {item.slug for item in items}
    for issue in issues:
        for slug in issue.items or ():
            if slug not in known:
                errors.append(MissingReferenceError(
                    f"issue names an unknown item '{slug}'", locate(root, issue.source, "items"),
                    "use the slug of a file in content/news (its file name without the date and .md)",
                ))
    items.sort(key=lambda item: (item.date, item.slug), reverse=True)
    issues.sort(key=lambda issue: (issue.date, issue.slug))
    translations.sort(key=lambda record: (record.language, record.source))
    return Catalog(tuple(items), tuple(issues), tuple(diagnostics), tuple(translations)), errors


def _context(root: Path, settings: Settings) -> str:
    """A digest of what loading a record reads besides its document: the settings and the published images."""
    from newsletter.cache.renders import input_digest

    return input_digest("records", (root, settings, folder_digest(root, f"content/{IMAGES}")))


def _kept(cache: DocumentCache, context: tuple[str, str], diagnostics: list[Diagnostic],
          load: Callable[[Prepared, list[Diagnostic]], T]) -> Callable[[Prepared], T]:
    """`load`, adding what it finds to `diagnostics`; where the cache keeps records, the record the last build
    loaded from the same document in the same `context` is taken again, with what it found then."""
    kept = cache.kept
    if kept is None:
        return lambda prepared: load(prepared, diagnostics)

    def make(prepared: Prepared) -> tuple[Prepared, T, tuple[Diagnostic, ...]]:
        found: list[Diagnostic] = []
        return prepared, load(prepared, found), tuple(found)

    def kept_load(prepared: Prepared) -> T:
        # The entry holds the document, so its id names no other object while the entry is kept.
        _, record, found = kept.get((*context, id(prepared)), lambda: make(prepared))
        diagnostics.extend(found)
        return record
    return kept_load


def _load_all(
    paths: list[Path], prepared: dict[Path, Prepared | ContentError], load: Any, errors: list[NewsletterError]
) -> list[Any]:
    loaded = []
    for path in paths:
        try:
            result = prepared[path]
            if isinstance(result, ContentError):
                raise result
            loaded.append(load(result))
        except ContentError as exc:
            errors.append(exc)
    return loaded


def _duplicate_slugs(root: Path, records: list[Any], kind: str) -> list[NewsletterError]:
    seen: dict[str, Path] = {}
    errors: list[NewsletterError] = []
    for record in records:
        if record.slug in seen:
            errors.append(DuplicateSlugError(
                f"{kind} slug '{record.slug}' is also used by {seen[record.slug].as_posix()}",
                locate(root, record.source, "slug"), "give one of them another 'slug:' or file name",
            ))
        else:
            seen[record.slug] = record.source
    return errors


__all__ = ["load_catalog", "collect_catalog", "ContentProblems", "FieldError"]
