"""Checks of the readers' languages: theme strings a published language has no translation for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import SourceLocation
from newsletter.languages import LOCALE_DIR, PROJECT_LOCALE, packaged_languages, theme_message_ids, translated_ids
from newsletter.settings import Settings

TEMPLATE_CATALOG = LOCALE_DIR / "messages.pot"


def missing_translations(root: Path, settings: Settings) -> list[Diagnostic]:
    """A warning per published language that writes theme strings in English for want of a translation."""
    templates = root / "templates"
    project_ids = theme_message_ids([templates]) if templates.is_dir() else frozenset()
    wanted = _theme_ids() | project_ids
    findings = []
    for language in settings.project.languages:
        if language.split("-")[0] == "en":
            continue  # the theme is written in English
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
