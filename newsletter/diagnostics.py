"""Non-fatal findings about a project: warnings and errors that `newsletter check` reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from newsletter.errors import SourceLocation


class Severity(str, Enum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding with a stable code, e.g. `missing-alt`."""

    severity: Severity
    code: str
    where: SourceLocation | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{place}{self.severity.value}: {self.message}{hint} [{self.code}]"


def errors_of(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The findings that are errors: what `newsletter check` fails on and `publish` refuses."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def warning(code: str, where: SourceLocation | None, message: str, hint: str | None = None) -> Diagnostic:
    """Make a warning."""
    return Diagnostic(Severity.WARNING, code, where, message, hint)


def error(code: str, where: SourceLocation | None, message: str, hint: str | None = None) -> Diagnostic:
    """Make an error."""
    return Diagnostic(Severity.ERROR, code, where, message, hint)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a typo of (case ignored), or None.

    difflib's ratio finds most; its greedy matching misses some one-key slips of short words
    ("nene" for "none"), so a choice one edit away counts too.
    """
    import difflib  # here: a build with nothing misspelt, and a no-change build, need none of it

    options = {choice.lower(): choice for choice in sorted(choices, key=str)}
    typed = word.lower()
    found = difflib.get_close_matches(typed, list(options), n=1, cutoff=0.6)
    if not found:
        found = [option for option in options if one_edit_apart(typed, option)][:1]
    return options[found[0]] if found else None


def one_edit_apart(typed: str, option: str) -> bool:
    """Whether one letter added, left out, replaced, or two neighbours swapped, turn `typed` into `option`."""
    if abs(len(typed) - len(option)) > 1 or typed == option:
        return False
    start = next((i for i, (a, b) in enumerate(zip(typed, option)) if a != b), min(len(typed), len(option)))
    if len(typed) == len(option):
        swapped = typed[:start] + typed[start + 1:start + 2] + typed[start:start + 1] + typed[start + 2:]
        return typed[start + 1:] == option[start + 1:] or swapped == option
    shorter, longer = sorted((typed, option), key=len)
    return shorter[start:] == longer[start + 1:]

