"""What each table of newsletter.toml means, key by key: the one source of `newsletter init`'s settings file.

Each table's module declares a TableDoc (one line of help per key, an example value written as TOML,
the README section that explains it) and gives it to its SettingsTable: a new table appears,
commented, in every new project's settings file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

README = "README.md"  # the README ships with the package; its sections are named by their anchors
RULE = "# " + "-" * 75


@dataclass(frozen=True, slots=True)
class KeyDoc:
    """One key: its name, one line of help, an example written as TOML, and whether init sets it."""

    name: str
    help: str
    example: str
    active: bool = False  # written uncommented (with init's value or the example)
    parts: tuple[str, ...] = ()  # the keys of an inline table that are settings of their own


@dataclass(frozen=True, slots=True)
class TableDoc:
    """One table of newsletter.toml: what it is for, where the README explains it, its keys."""

    name: str
    help: str
    anchor: str
    keys: tuple[KeyDoc, ...]
    array: bool = False  # written [[name]], one block per entry

    @property
    def heading(self) -> str:
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"

    @property
    def active(self) -> bool:
        return any(key.active for key in self.keys)


SETTINGS_ANCHOR = "#settings-newslettertoml"  # the README section of tables without one of their own

INTRO = f"""\
# Settings of this newsletter.
#
# Lines starting with "#" are comments. A setting written as "# key = value"
# is switched off: remove the "# " in front of it (and of its [table] line) to
# use it. Text goes between double quotes; numbers and true/false do not.
# Paths such as "images/logo.png" are relative to the content/ folder.
# Each table names the section of the README ({README}) that explains it.
# `newsletter check` reports every value below that is still an example
# (example.eu, 101000000, "the granting authority"): replace them first.
"""


def settings_file(values: Mapping[str, str], docs: tuple[TableDoc, ...]) -> str:
    """A complete, commented newsletter.toml: `values` (dotted key -> TOML value) replace the examples."""
    blocks = [INTRO]
    for table in docs:
        on = table.active
        lines = [RULE, f"# {table.heading} {table.help}", f"# README: {README}{table.anchor}", RULE,
                 table.heading if on else f"# {table.heading}"]
        for key in table.keys:
            value = values.get(f"{table.name}.{key.name}", key.example)
            lines += [f"# {key.help}", f"{key.name} = {value}" if on and key.active else f"# {key.name} = {value}"]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def documented_keys(docs: tuple[TableDoc, ...]) -> set[str]:
    """Every dotted key the settings file documents (`partners.name` for each partner's `name`)."""
    return {f"{table.name}.{key.name}{part}" for table in docs for key in table.keys
            for part in ("", *(f".{name}" for name in key.parts))}
