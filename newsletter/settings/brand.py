"""[brand]: colours and font of the emails and web pages."""

from __future__ import annotations

from dataclasses import dataclass

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
        font=table.text("font", defaults.font),
    )


def _colour(table: TableReader, name: str, default: str) -> str:
    value = table.text(name, default)
    digits = value[1:] if value.startswith("#") else ""
    if len(digits) not in (3, 6) or any(c not in "0123456789abcdefABCDEF" for c in digits):
        table.problems.append(f"'{table.key(name)}' must be a colour like #0B5394 (got {value!r})")
        return default
    return str(value).upper()


TABLE = SettingsTable("brand", read_brand)
