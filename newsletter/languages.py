"""The readers' languages: tags checked against CLDR, theme strings from gettext catalogs.

The theme's strings live in gettext catalogs inside the package (`theme/locale/<lang>/LC_MESSAGES/
messages.po`, compiled to `messages.mo` beside it with `pybabel compile`); a project's
`templates/locale/<lang>.po` adds strings or corrects them. Dates are written by newsletter/dates.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.support import Translations

    from newsletter.site import Site

LOCALE_DIR = Path(__file__).parent / "theme" / "locale"
DOMAIN = "messages"
PROJECT_LOCALE = "locale"  # inside the project's templates/: <lang>.po files


def N_(message: str) -> str:
    """Mark a string for the catalogs without translating it here (the template or caller translates it)."""
    return message


def locale_of(tag: str) -> Locale:
    """The Babel locale of a BCP 47 tag (`de`, `pt-BR`, `sr-Latn`); raise ValueError when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", tag):
        raise ValueError(f"'{tag}' is not a language tag")
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"'{tag}' is not a language Babel's locale data (CLDR) knows") from None


def is_known_language(tag: str) -> bool:
    try:
        locale_of(tag)
    except ValueError:
        return False
    return True


def text_direction(tag: str) -> str:
    """`rtl` for languages written right to left (Arabic, Hebrew, Persian, Urdu, ...), else `ltr`."""
    try:
        return "rtl" if locale_of(tag).character_order == "right-to-left" else "ltr"
    except ValueError:
        return "ltr"


def catalog_files(language: str, project_templates: Path | None) -> list[Path]:
    """The catalogs that apply to `language`: the packaged one, then the project's (which wins)."""
    files = []
    for tag in _fallbacks(language):
        files.append(LOCALE_DIR / tag / "LC_MESSAGES" / f"{DOMAIN}.mo")
    if project_templates is not None:
        for tag in _fallbacks(language):
            files.append(project_templates / PROJECT_LOCALE / f"{tag.replace('_', '-')}.po")
    return [path for path in files if path.is_file()]


def _fallbacks(language: str) -> list[str]:
    """`pt-BR` reads the `pt` catalog first, then `pt_BR` over it."""
    parts = language.replace("-", "_").split("_")
    return ["_".join(parts[:count]) for count in range(1, len(parts) + 1)]


def translations(language: str, project_templates: Path | None = None) -> Translations:
    """The theme's strings in `language`: gettext translations with the project's own catalog merged over the packaged one."""
    files = catalog_files(language, project_templates)
    return _translations(tuple((path, path.stat().st_mtime_ns) for path in files))


@lru_cache(maxsize=32)
def _translations(files: tuple[tuple[Path, int], ...]) -> Translations:
    from babel.support import Translations

    merged = Translations()
    for path, _ in files:
        merged.merge(Translations(io.BytesIO(_mo_bytes(path))))
    return merged


def _mo_bytes(path: Path) -> bytes:
    """A catalog as compiled gettext data: a .mo as it is, a project's .po compiled in memory (fuzzy entries left out)."""
    if path.suffix == ".mo":
        return path.read_bytes()
    from babel.messages.mofile import write_mo

    catalog = read_catalog(path)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def read_catalog(path: Path) -> Catalog:
    """A .po file as a Babel catalog; a syntax error is a one-line error at its line."""
    from babel.messages.pofile import PoFileError, read_po

    from newsletter.errors import SourceLocation, TemplateError

    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except PoFileError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise TemplateError(f"the catalog cannot be read ({exc})", SourceLocation(path, int(line.group(1)) if line else None),
                            "fix that entry: msgid \"English text\" then msgstr \"translation\"") from None


def translated_ids(language: str, project_templates: Path | None = None) -> frozenset[str]:
    """The message ids that have a translation in `language`."""
    catalog = translations(language, project_templates)
    # gettext keeps a plural message under (msgid, form) keys.
    return frozenset(key if isinstance(key, str) else key[0]
                     for key, value in catalog._catalog.items() if key and value)


def packaged_languages() -> tuple[str, ...]:
    """The languages the package ships a theme catalog for."""
    return tuple(sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))


def theme_message_ids(folders: Iterable[Path]) -> frozenset[str]:
    """Every string the templates below `folders` mark for translation, as Babel's extractor finds them.

    A file that is not a readable template (a link out of the folder, bytes that are not UTF-8) is
    passed over: the build reports it where it uses it.
    """
    from babel.messages.extract import extract

    from newsletter.confine import inside

    ids: set[str] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if (path.suffix not in _TEMPLATE_SUFFIXES or relative.parts[0] in _NOT_TEMPLATES
                    or not path.is_file() or not inside(folder, path)):
                continue
            try:
                with path.open("rb") as file:
                    found = list(extract("jinja2.ext:babel_extract", file, options=_JINJA_OPTIONS))
            except Exception:  # not UTF-8, not a template: the build says so where it renders it
                continue
            ids.update(message if isinstance(message, str) else message[0] for _line, message, _c, _x in found)
    return frozenset(ids)


_TEMPLATE_SUFFIXES = {".html", ".mjml", ".txt", ".md", ".xml"}
_NOT_TEMPLATES = {"locale", "preview", "static"}
_JINJA_OPTIONS = {"trimmed": "true", "trim_blocks": "true", "lstrip_blocks": "true"}


def theme_text(site: Site, message: str, **values: object) -> str:
    """A theme string that Python code writes (a feed's description, an image's alt text), in the site's language."""
    text = str(translations(site.settings.project.language, site.root / "templates").gettext(message))
    return text % values if values else text


def language_name(tag: str) -> str:
    """A language's name in itself, as a language switch shows it: English, Français, Deutsch, Ελληνικά."""
    try:
        locale = locale_of(tag)
    except ValueError:
        return tag
    name = locale.get_display_name(locale) or tag
    return name[:1].upper() + name[1:]
