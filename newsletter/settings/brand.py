"""[brand]: colours and font of the emails and web pages."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.doc import SETTINGS_ANCHOR, KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader


@dataclass(frozen=True, slots=True)
class BrandSettings:
    primary_color: str = "#0B5394"
    secondary_color: str = "#1B3A5C"
    text_color: str = "#222222"
    background_color: str = "#FFFFFF"
    font: str = "Helvetica, Arial, sans-serif"


def read_brand(top: TableReader) -> BrandSettings:
    table = top.table("brand")
    defaults = BrandSettings()
    return BrandSettings(
        **{
            name: _colour(table, name, getattr(defaults, name))
            for name in ("primary_color", "secondary_color", "text_color", "background_color")
        },
        font=_font(table, defaults.font),
    )


def _colour(table: TableReader, name: str, default: str) -> str:
    value = table.text(name, default)
    digits = value[1:] if value.startswith("#") else ""
    if len(digits) not in (3, 6) or any(c not in "0123456789abcdefABCDEF" for c in digits):
        table.problems.append(f"'{table.key(name)}' must be a colour like #0B5394 (got {value!r})")
        return default
    return str(value).upper()



def _font(table: TableReader, default: str) -> str:
    """Font family names separated by commas, written so they read the same in a `<style>` and an attribute.

    Names may be quoted or not and hold letters of any script, digits, spaces, `-` and `_`; they
    are written unquoted (a quote would be HTML-escaped inside `<style>`). Anything else (`;`,
    `{`, `<`) would end the CSS rule or the `<style>`: an error.
    """
    value = table.text("font", default)
    families = [name.strip() for name in str(value).split(",")]
    names = [name[1:-1].strip() if len(name) > 1 and name[0] == name[-1] and name[0] in "'\"" else name
             for name in families]
    if not all(names) or not all(char.isalnum() or char in " -_" for name in names for char in name):
        table.problems.append(f"'{table.key('font')}' must be font names separated by commas, "
                              f"like {default!r} (got {value!r})")
        return default
    return ", ".join(" ".join(_css_word(word) for word in name.split()) for name in names)


def _css_word(word: str) -> str:
    """A word of a font name as a CSS identifier: a first digit or `-` is escaped (`3D` becomes `\\33 D`)."""
    if word[0].isdigit() or word[0] == "-":
        return f"\\{ord(word[0]):x} {word[1:]}"
    return word


DOC = TableDoc("brand", "Look and feel: colours as web colour codes (#RRGGBB), and the font.", SETTINGS_ANCHOR, (
    KeyDoc("primary_color", "Buttons, links and headings; dark enough for white text on it.", '"#0B5394"',
           active=True),
    KeyDoc("secondary_color", "The header and footer.", '"#1B3A5C"', active=True),
    KeyDoc("text_color", "The text.", '"#222222"'),
    KeyDoc("background_color", "The page behind the text.", '"#FFFFFF"'),
    KeyDoc("font", "Fonts, as CSS writes them; mail clients use the first one they have.",
           '"Helvetica, Arial, sans-serif"'),
))

TABLE = SettingsTable("brand", read_brand, doc=DOC)
