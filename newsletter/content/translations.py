"""Translations of items and issues: `name.<lang>.md` beside `name.md`, same slug and date.

A translation may set any front-matter key but `date` and `slug`, which it inherits from its
original; the keys it leaves out are the original's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from newsletter.content.frontmatter import locate
from newsletter.content.models import Issue, NewsItem
from newsletter.content.prepare import Prepared
from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import ContentError, NewsletterError
from newsletter.languages import is_known_language

INHERITED = ("date", "slug")
Record = TypeVar("Record", NewsItem, Issue)


def translation_language(path: Path, languages: Sequence[str]) -> str | None:
    """The language of a translation's file name (`x.fr.md` -> `fr`), or None for an original.

    A suffix counts when it is a published language; in a project of several languages also when
    it is one CLDR knows (`x.sv.md` where Swedish is not published is a translation left out, and
    reported). A project of one language keeps reading `x.mr.md` as an item of its own, as it always has.
    """
    stem = path.name.removesuffix(".md")
    _, dot, suffix = stem.rpartition(".")
    if not dot or not suffix:
        return None
    for language in languages:
        if suffix.lower() == language.lower():
            return language
    if len(languages) < 2:
        return None
    return suffix if len(suffix) <= 8 and is_known_language(suffix) else None


def original_path(path: Path) -> Path:
    """The original's file of a translation: `x.fr.md` -> `x.md`."""
    return path.with_name(path.name.removesuffix(".md").rpartition(".")[0] + ".md")


def split_translations(paths: Sequence[Path], languages: Sequence[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Originals, and translations with their language."""
    originals, translations = [], []
    for path in paths:
        language = translation_language(path, languages)
        if language is None:
            originals.append(path)
        else:
            translations.append((path, language))
    return originals, translations


def load_translations(
    root: Path,
    files: Sequence[tuple[Path, str]],
    further_languages: Sequence[str],
    prepared: dict[Path, Prepared | ContentError],
    originals: dict[Path, Record],
    load: Callable[[Prepared], Record],
    known: set[str],
    errors: list[NewsletterError],
    diagnostics: list[Diagnostic],
) -> list[Record]:
    """Load each translation over its original's front matter; report the ones that cannot be placed."""
    loaded = []
    for path, language in files:
        shown = path.relative_to(root)
        original = originals.get(original_path(shown))
        if language not in further_languages:
            diagnostics.append(warning(
                "translation-not-published", locate(root, shown), f"a {language} translation, but the project does not "
                f"publish {language}", f"add \"{language}\" to 'languages' under [project] in newsletter.toml, "
                "or remove the file"))
            continue
        if original is None:
            diagnostics.append(warning(
                "orphan-translation", locate(root, shown),
                f"a translation of {original_path(shown).name}, which does not exist (or does not load)",
                f"name it after the file it translates, with .{language} before .md (x.md -> x.{language}.md), or remove it"))
            continue
        result, base = prepared[path], prepared[root / original.source]
        try:
            if isinstance(result, ContentError):
                raise result
            if isinstance(base, ContentError):
                continue  # the original's own error is reported
            for key in INHERITED:
                if key in result.document.meta:
                    diagnostics.append(warning(
                        "translation-key-ignored", result.document.where(key),
                        f"'{key}' of a translation is its original's ({original.source.name})",
                        f"remove the line; change '{key}' in the original"))
            # The original's unknown keys stay out: they were reported at the original's lines.
            meta = {**{key: value for key, value in base.document.meta.items() if key in known},
                    **{key: value for key, value in result.document.meta.items() if key not in INHERITED}}
            meta.update({key: base.document.meta[key] for key in INHERITED if key in base.document.meta})
            record = load(Prepared(replace(result.document, meta=meta), result.body_html))
            loaded.append(replace(record, slug=original.slug, date=original.date, language=language))
        except ContentError as exc:
            errors.append(exc)
    return loaded
