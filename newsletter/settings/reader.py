"""Typed reads from newsletter.toml's tables, collecting every problem under its dotted key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from newsletter.confine import relative_path
from newsletter.diagnostics import closest
from newsletter.settings.doc import TableDoc
from newsletter.urls import MERGE_TAG, WEB, encoded_url, link_problem



class TableReader:
    """Typed reads from one TOML table, collecting problems under dotted keys."""

    def __init__(self, data: dict[str, Any], prefix: str, problems: list[str], known: set[str]):
        self.data, self.prefix, self.problems, self.known = data, prefix, problems, known

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        self.known.add(self.key(name))
        if name not in self.data:
            if required:
                self.problems.append(f"'{self.key(name)}' is missing")
            return default
        value = self.data[name]
        # bool is an int in Python; a port of `true` is still wrong.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            self.problems.append(f"'{self.key(name)}' must be {_kind_name(kind)} (got {value!r})")
            return default
        return value

    def text(self, name: str, default: str | None = None, required: bool = False, multiline: bool = False) -> Any:
        value = self.get(name, str, default, required)
        if isinstance(value, str) and control_characters(value, multiline):
            # A line break in a name or an address would end up in email headers.
            self.problems.append(f"'{self.key(name)}' must be {'plain text' if multiline else 'one line of text'} "
                                 f"(it holds a line break or another control character)")
            return default
        return value.strip() if isinstance(value, str) else value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(name, default)
        if value not in choices:
            self.problems.append(f"'{self.key(name)}' must be one of {', '.join(choices)} "
                                 f"(got {value!r}{_suggestion(str(value), choices, ', ')})")
            return default
        return str(value)

    def text_map(self, name: str, allowed: tuple[str, ...] | None = None) -> Mapping[str, str]:
        """A table of free-form text values, read-only."""
        value = self.get(name, dict, {})
        result: dict[str, str] = {}
        for key in sorted(value):
            if allowed and key not in allowed:
                self.problems.append(f"'{self.key(name)}.{key}' is not a platform{_suggestion(key, allowed, ' (', ')')}; "
                                     f"use one of {', '.join(allowed)}")
            elif not isinstance(value[key], str) or control_characters(value[key]):
                self.problems.append(f"'{self.key(name)}.{key}' must be one line of text (got {value[key]!r})")
            else:
                result[key] = value[key].strip()
        return MappingProxyType(result)

    def text_list(self, name: str) -> tuple[str, ...]:
        values = self.get(name, list, [])
        if not all(isinstance(value, str) and not control_characters(value) for value in values):
            self.problems.append(f"'{self.key(name)}' must be a list of text")
            return ()
        return tuple(value.strip() for value in values)

    def link(self, name: str, schemes: tuple[str, ...], merge_tags: bool = False) -> str | None:
        """A URL setting that goes into every email: only the schemes given (and the ESP's merge tags)."""
        value = self.text(name)
        if value is None:
            return None
        problem = link_problem(value, schemes, merge_tags)
        if problem:
            kinds = "an http(s) or mailto address" if "mailto" in schemes else "an http(s) address"
            self.problems.append(f"'{self.key(name)}' must be {kinds}{' or a merge tag' if merge_tags else ''} "
                                 f"(got {value!r}: {problem})")
            return None
        return str(value) if merge_tags and MERGE_TAG.fullmatch(value) else encoded_url(value)

    def asset(self, name: str) -> str | None:
        """A picture setting (a logo): a path inside content/ or an http(s) address."""
        value = self.text(name)
        if value is None:
            return None
        problem = link_problem(value, WEB) if urlsplit(value).scheme else None
        if not urlsplit(value).scheme and relative_path(value) is None:
            problem = "a path may not leave content/"
        if problem:
            self.problems.append(f"'{self.key(name)}' must be a path inside content/ or an http(s) address "
                                 f"(got {value!r}: {problem})")
            return None
        return encoded_url(value) if urlsplit(value).scheme else str(value)

    def table(self, name: str) -> TableReader:
        self.known.add(self.key(name))
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            self.problems.append(f"'{self.key(name)}' must be a table")
            value = {}
        return TableReader(value, self.key(name), self.problems, self.known)


@dataclass(frozen=True, slots=True)
class SettingsTable:
    """One table of newsletter.toml: its name, how to read it and which of its keys hold free-form data."""

    name: str
    read: Callable[[TableReader], object]
    free_form: tuple[str, ...] = ()  # dotted prefixes of maps whose keys are data, not settings
    doc: TableDoc | None = None  # what each key means, for the settings file `newsletter init` writes


def control_characters(text: str, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (CR, LF, ...); `multiline` allows line breaks and tabs."""
    allowed = "\n\r\t" if multiline else ""
    return any((ord(char) < 32 or ord(char) == 127) and char not in allowed for char in text)


def _suggestion(word: str, choices: tuple[str, ...], before: str, after: str = "") -> str:
    found = closest(word, choices)
    return f"{before}did you mean {found!r}?{after}" if found else ""


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", dict: "a table", list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))
