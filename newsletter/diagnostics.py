"""Non-fatal findings about a project: warnings and errors that `newsletter check` reports."""

from __future__ import annotations

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


def warning(code: str, where: SourceLocation | None, message: str, hint: str | None = None) -> Diagnostic:
    """Make a warning."""
    return Diagnostic(Severity.WARNING, code, where, message, hint)


def error(code: str, where: SourceLocation | None, message: str, hint: str | None = None) -> Diagnostic:
    """Make an error."""
    return Diagnostic(Severity.ERROR, code, where, message, hint)
