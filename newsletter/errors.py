"""Errors a user can cause: each prints as one line naming the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class SourceLocation(NamedTuple):
    """A place in a project file; `line` is 1-based, None when unknown.

    A named tuple, not a dataclass: every command imports it, and a no-change build loads nothing that
    would need `dataclasses` (see cache/replay.py)."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        path = self.path.as_posix()
        return f"{path}:{self.line}" if self.line else path


INTERRUPTED = "interrupted; output/ was left as it was"  # what a command says on Ctrl-C


def refused_line(exc: OSError) -> str:
    """A file the system refused (permissions, a full disk, a missing folder), as a command prints it."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"error: {where}{exc.strerror or exc}; check that the path exists and is writable"


class NewsletterError(Exception):
    """A problem the user can fix; printed as `<file>:<line>: <what>; <how to fix>`."""

    exit_code = 1

    def __init__(self, message: str, where: SourceLocation | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}; {self.hint}" if self.hint else text


class UsageError(NewsletterError):
    """The command was called wrongly."""

    exit_code = 2


class ProjectNotFoundError(UsageError):
    """No newsletter.toml in the folder or any parent."""


class SettingsError(NewsletterError):
    """newsletter.toml holds a value the program cannot use."""


class ContentError(NewsletterError):
    """A news item or issue file is wrong."""


class FrontMatterSyntaxError(ContentError):
    """The YAML front matter does not parse."""


class FieldError(ContentError):
    """A front-matter field is missing or has a wrong value."""


class DuplicateSlugError(ContentError):
    """Two files claim the same slug."""


class MissingReferenceError(ContentError):
    """A file names an item, issue or image that does not exist."""


class MissingFileError(MissingReferenceError):
    """A file names an image that is not in the project's published images."""


class TemplateError(NewsletterError):
    """A theme template is missing or broken."""


class RenderError(NewsletterError):
    """A channel could not render its output."""


class OutputError(NewsletterError):
    """Output files could not be written."""


class SendError(NewsletterError):
    """A message could not be sent."""


class ExportFormatError(ContentError):
    """A file to import is not a readable WordPress export or RSS feed."""


class PublishError(NewsletterError):
    """The output could not be published to its target."""
