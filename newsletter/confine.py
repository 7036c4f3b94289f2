"""Keep what a build reads and removes inside its folder, and read files left on disk without trusting them.

Paths come from places a user, a tool or an attacker may have edited: a manifest, a cache, an
item's `image:`, a symbolic link in `content/images/`. Each is checked here before it is followed.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

# Longest name most file systems take for one path segment (NAME_MAX on Linux, NTFS, APFS).
NAME_MAX = 255
_DRIVE = re.compile(r"[A-Za-z]:")


class Refused(Exception):
    """A path that leaves its folder, or a file that is not a regular file.

    `str()` says why; from the readers it reads on after "the file": "is a link to ..., outside the project".
    """


def relative_path(text: object) -> PurePosixPath | None:
    """`text` as a plain relative POSIX path that stays in its folder, or None."""
    return PurePosixPath(text) if is_relative_path(text) else None


def is_relative_path(text: object) -> TypeGuard[str]:
    """Whether `text` is a plain relative POSIX path that stays in its folder (what `relative_path` takes).

    Refused: absolute paths, `..` and `.` segments, empty segments, backslashes, drive letters,
    NUL, and segments too long for a file system.
    """
    if not isinstance(text, str) or not text or text.startswith("/") or "\\" in text or "\0" in text:
        return False
    segments = text.split("/")
    for segment in segments:
        if segment in ("", ".", "..") or len(segment.encode("utf-8", "surrogatepass")) > NAME_MAX:
            return False
    return not _DRIVE.match(segments[0])  # C:foo on Windows


class Boundary:
    """A folder that paths may not leave, every symbolic link followed.

    Cheap for many paths: a path that is not itself a link is inside when its folder is, and
    each folder is resolved once. Make one per build step, so a link added meanwhile is seen.
    """

    def __init__(self, folder: Path):
        self.real = os.path.realpath(folder)
        self.folders: dict[str, bool] = {}

    def holds(self, path: str | Path, found: os.stat_result | None = None) -> bool:
        """Whether `path` is the folder or below it once links are followed; `found`: its `os.lstat`, if taken."""
        try:
            text = os.fspath(path)
            link = stat.S_ISLNK(found.st_mode) if found is not None else os.path.islink(text)
            if ".." not in text.replace(os.altsep or os.sep, os.sep).split(os.sep) and not link:
                parent = os.path.dirname(text if os.path.isabs(text) else os.path.abspath(text))
                if parent not in self.folders:
                    self.folders[parent] = self._within(os.path.realpath(parent))
                if self.folders[parent]:
                    return True
            return self._within(os.path.realpath(text))  # a link, "..", or the folder itself
        except (OSError, ValueError):  # a name too long, a NUL
            return False

    def _within(self, real: str) -> bool:
        return real == self.real or real.startswith(self.real.rstrip(os.sep) + os.sep)


def inside(folder: Path, path: Path) -> bool:
    """Whether `path`, every symbolic link followed, is `folder` or below it."""
    return Boundary(folder).holds(path)


def content_file(root: Path, relative: str) -> Path:
    """The file a content-relative path (`images/a.png`) names; Refused when it leads out of the project.

    Links between the project's own folders are followed; the file need not exist.
    """
    path = relative_path(relative)
    if path is None:
        raise Refused("is not a path inside content/")
    target = root.joinpath("content", *path.parts)
    if not inside(root, target):
        raise Refused(f"is a link to {link_target(target)}, outside the project")
    return target


def read_regular(path: Path, follow_links: bool = True) -> bytes:
    """The bytes of a regular file; Refused for a FIFO or a device, which could block or never end."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise Refused("is not a regular file but a pipe or a device")
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(descriptor)


def read_project_file(root: Path | Boundary, path: Path) -> bytes:
    """Read a file of the project: Refused when it is a link leading out of `root` or not a regular file."""
    boundary = root if isinstance(root, Boundary) else Boundary(root)
    if not boundary.holds(path):
        raise Refused(f"is a link to {link_target(path)}, outside the project")
    return read_regular(path)


def read_json_state(path: Path) -> Any:
    """A JSON file the program left on disk, or None when it is missing, unreadable, a link or malformed."""
    try:
        return json_state(read_regular(path, follow_links=False))
    except (OSError, Refused):
        return None


def json_state(data: bytes) -> Any:
    """The value of a JSON file the program left on disk, read already, or None when it is malformed."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None


def link_target(path: Path) -> str:
    """Where a symbolic link finally leads, for messages."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return "a loop of links"
