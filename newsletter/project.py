"""Find the project folder: the nearest folder holding newsletter.toml, like git finds .git."""

from __future__ import annotations

from pathlib import Path

from newsletter.errors import ProjectNotFoundError
from newsletter.settings import SETTINGS_FILE


def find_project(start: Path, explicit: Path | None = None) -> Path:
    """Return the project root: `explicit` if given, else `start` or its nearest parent with the settings file."""
    if explicit is not None:
        root = explicit.resolve()
        if not (root / SETTINGS_FILE).is_file():
            raise ProjectNotFoundError(
                f"no {SETTINGS_FILE} in {root}", hint="pass the folder that holds it, or run 'newsletter init' there"
            )
        return root
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ProjectNotFoundError(
        f"no {SETTINGS_FILE} in {start} or any folder above it",
        hint="cd into a newsletter project, pass --project DIR, or run 'newsletter init'",
    )
