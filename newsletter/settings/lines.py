"""Where each key of a TOML file is written: tomllib gives values but no line numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping

_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_DOTTED_KEY = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
# A header is a whole line: `[1, 2],` inside a multi-line array is not one.
_ARRAY_TABLE = re.compile(rf"\s*\[\[\s*({_DOTTED_KEY})\s*\]\]\s*(?:#.*)?")
_TABLE = re.compile(rf"\s*\[\s*({_DOTTED_KEY})\s*\]\s*(?:#.*)?")
_ASSIGNMENT = re.compile(rf"\s*({_DOTTED_KEY})\s*=\s*(.*)")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_DOTTED_KEY})\s*=")
_MULTILINE_STRING = re.compile(r'"""|\'\'\'')


def key_lines(text: str) -> dict[str, int]:
    """Map each dotted key to the 1-based line that writes it: `project.logo`, `partners[2].url`, `email.utm.source`.

    Tables map to their header line, arrays of tables to the header of each element
    (`partners[0]`) and of the first (`partners`). Keys inside inline tables share the line
    of the table's key. Lines inside multi-line strings are skipped.
    """
    lines: dict[str, int] = {}
    table = ""
    counts: dict[str, int] = {}
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if open_string is not None:
            if line.count(open_string) % 2 == 1:
                open_string = None
            continue
        if match := _ARRAY_TABLE.fullmatch(line):
            name = _join(match.group(1))
            index = counts[name] = counts.get(name, -1) + 1
            table = f"{name}[{index}]"
            lines.setdefault(name, number)
            lines.setdefault(table, number)
        elif match := _TABLE.fullmatch(line):
            table = _join(match.group(1))
            lines.setdefault(table, number)
        elif match := _ASSIGNMENT.match(line):
            key = _join(match.group(1))
            full = f"{table}.{key}" if table else key
            lines.setdefault(full, number)
            value = match.group(2)
            if value.startswith("{"):
                for inner in _INLINE_KEY.finditer(value):
                    lines.setdefault(f"{full}.{_join(inner.group(1))}", number)
            quotes = _MULTILINE_STRING.findall(value)
            if len(quotes) % 2 == 1:
                open_string = quotes[-1]
    return lines


def key_line(lines: Mapping[str, int], dotted: str) -> int | None:
    """The line of `dotted`, else of the nearest table above it that is written (a missing key's table)."""
    parts = dotted.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def _join(key: str) -> str:
    """A dotted key as written (`a . "b"`) in the plain form the settings use (`a.b`)."""
    parts = re.findall(_KEY, key)
    return ".".join(part[1:-1] if part[:1] in "\"'" else part for part in parts)
