"""Checks of the readers' languages: theme strings a published language lacks, translations behind their original."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from newsletter.confine import Refused, read_project_file
from newsletter.content.frontmatter import locate
from newsletter.content.models import Catalog
from newsletter.cache import CACHE_DIR
from newsletter.content.translations import original_path
from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import SourceLocation
from newsletter.languages import LOCALE_DIR, PROJECT_LOCALE, packaged_languages, theme_message_ids, translated_ids
from newsletter.settings.load import Settings

TEMPLATE_CATALOG = LOCALE_DIR / "messages.pot"
# Which version of its original each translation was last written against (by content hash).
TRANSLATION_RECORD = "translations.marshal"


def missing_translations(root: Path, settings: Settings) -> list[Diagnostic]:
    """A warning per published language that writes theme strings in English for want of a translation."""
    translated = [language for language in settings.project.languages
                  if language.split("-")[0] != "en"]  # the theme is written in English
    if not translated:
        return []
    templates = root / "templates"
    project_ids = theme_message_ids([templates]) if templates.is_dir() else frozenset()
    wanted = _theme_ids() | project_ids
    findings = []
    for language in translated:
        missing = sorted(wanted - translated_ids(language, templates))
        if not missing:
            continue
        catalog = Path("templates", PROJECT_LOCALE, f"{language}.po")
        shipped = language.replace("-", "_").split("_")[0] in packaged_languages()
        what = (f"{len(missing)} theme string{'s' if len(missing) != 1 else ''} {'have' if len(missing) != 1 else 'has'} "
                f"no {language} translation and stay English: " + ", ".join(f'"{text}"' for text in missing[:5])
                + (", ..." if len(missing) > 5 else ""))
        hint = (f"add them to {catalog.as_posix()} (msgid \"English\" / msgstr \"translation\")" if shipped
                else f"the package ships no {language} catalog: translate the theme in {catalog.as_posix()}, "
                     f"starting from {TEMPLATE_CATALOG} (see the README's Languages section)")
        findings.append(warning("missing-translation", SourceLocation(catalog if (root / catalog).is_file()
                                                                        else Path("newsletter.toml")), what, hint))
    return findings


@lru_cache(maxsize=1)
def _theme_ids() -> frozenset[str]:
    """The strings of the packaged theme, as its template catalog lists them."""
    from babel.messages.pofile import read_po

    with TEMPLATE_CATALOG.open("rb") as file:
        return frozenset(message.id if isinstance(message.id, str) else message.id[0]
                         for message in read_po(file) if message.id)


def stale_translations(root: Path, catalog: Catalog) -> list[Diagnostic]:
    """A warning per translation whose original changed since the translation last did.

    The build cache remembers, for each translation, the hash of its original when the translation
    itself last changed; a translation met for the first time counts as up to date.
    """
    from newsletter.cache.store import MarshalStore

    record = MarshalStore(root / CACHE_DIR / TRANSLATION_RECORD, "translations-1")
    findings = []
    for translation in catalog.translations:
        original = original_path(translation.source)
        try:
            own, base = (hashlib.sha256(read_project_file(root, root / path)).hexdigest()
                         for path in (translation.source, original))
        except (OSError, Refused):
            continue  # the loader reports files it cannot read
        key = translation.source.as_posix()
        known = record.get(key)
        if not (isinstance(known, tuple) and len(known) == 2) or known[0] != own:
            record.put(key, (own, base))
        elif known[1] != base:
            findings.append(warning(
                "stale-translation", locate(root, translation.source),
                f"{original.name} changed since this {translation.language} translation was last edited",
                f"bring the translation up to date with {original.as_posix()}; saving it clears this warning"))
    if (root / CACHE_DIR).is_dir():  # a build without the cache (--no-cache) leaves no cache behind
        record.save()
    return findings
