"""Find a post's images among files saved beside the export, and plan copying them into the project."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

# Folders WordPress keeps media in; the project's images folder takes what comes after them.
_UPLOAD_FOLDERS = ("wp-content", "uploads", "files")


class LocalImages:
    """Map image URLs to copies under the project's images folder when the file sits beside the export."""

    def __init__(self, export_dir: Path, images_dir: Path, content_dir: Path):
        self.export_dir = export_dir.resolve()
        self.images_dir = images_dir
        self.content_dir = content_dir
        self.copies: dict[Path, Path] = {}  # target in images_dir -> source beside the export

    def find(self, url: str) -> Path | None:
        """Give the file beside the export that holds `url`: the longest matching end of its path."""
        parts = [unquote(part) for part in PurePosixPath(urlsplit(url).path).parts if part != "/"]
        if not parts or any(part in ("..", ".") or "\\" in part for part in parts):
            return None
        for start in range(len(parts)):
            candidate = self.export_dir.joinpath(*parts[start:])
            if candidate.is_file() and candidate.resolve().is_relative_to(self.export_dir):
                return candidate
        return None

    def resolve(self, url: str) -> str | None:
        """Plan the copy of `url` and give its path relative to content/, or None when not found."""
        source = self.find(url)
        if source is None:
            return None
        relative = list(source.relative_to(self.export_dir).parts)
        while len(relative) > 1 and relative[0] in _UPLOAD_FOLDERS:
            relative.pop(0)
        target = self.images_dir.joinpath(*relative)
        self.copies[target] = source
        try:
            return target.relative_to(self.content_dir).as_posix()
        except ValueError:
            return target.as_posix()
