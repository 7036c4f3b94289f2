"""Atomic file writes: a temporary file beside the target, then os.replace; and the sweep of ones a killed run left."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Collection
from pathlib import Path

from newsletter.errors import OutputError, SourceLocation

WRITE_HINT = "check the folder's permissions and free disk space"


# Every temporary file we make is named `.newsletter-<pid>-<random>.tmp`: recognisably ours, and
# the process id tells a killed build's leftovers from the files of a build still running.
TEMP_PREFIX = ".newsletter-"
TEMP_SUFFIX = ".tmp"
TEMP_NAME = re.compile(r"\.newsletter-(\d+)-[A-Za-z0-9_]+\.tmp")
# Versions before the journal named them `.<target name>.<8 random characters>.tmp`.
_OLD_TEMP_NAME = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}\.tmp")


def write_file(target: Path, data: bytes) -> None:
    """Write one file atomically: through a temp file in its folder and a rename."""
    try:
        replace_file(target, data)
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror or exc})", SourceLocation(target), WRITE_HINT) from None


def replace_file(target: Path, data: bytes) -> None:
    """Write one file atomically; raise OSError, leaving no temporary file behind."""
    temp = stage_file(target, data)
    try:
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def stage_file(target: Path, data: bytes, folders: set[Path] | None = None) -> Path:
    """Write `data` to a temporary file beside `target`; on failure remove it again.

    `folders`: the folders made (or found) already, which grows with the ones this call makes."""
    folder = target.parent
    if folders is None or folder not in folders:
        folder.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(folder)
    handle, name = _temporary(folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.close(handle)
        handle = -1
        os.chmod(name, 0o644)  # what the umask took from the mode given at opening
    except BaseException:
        if handle >= 0:
            os.close(handle)
        os.unlink(name)
        raise
    return Path(name)


_numbers = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _temporary(folder: Path) -> tuple[int, str]:
    """A new temporary file of ours in `folder`, open for writing: its handle and name.

    The name holds this process's id and a number; O_EXCL makes it new (a link or a file left at that
    name, by a killed process that had this id before, is passed over), so no other file is written."""
    while True:
        name = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{next(_numbers)}{TEMP_SUFFIX}")
        try:
            return os.open(name, _FLAGS, 0o644), name
        except FileExistsError:
            continue


def sweep_temporary_files(folder: Path, recursive: bool = False, known: Collection[str] = ()) -> list[Path]:
    """Remove temporary files that builds killed earlier left in `folder`; return them.

    Only our own names are touched, and only those of processes no longer running. With
    `recursive`, subfolders too (links are not followed), and the temporary files of older
    versions beside a file the manifest lists (`known`).
    """
    removed: list[Path] = []
    folders = [folder]
    while folders:
        directory = folders.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    folders.append(Path(entry.path))
            elif entry.name.endswith(TEMP_SUFFIX) and entry.is_file(follow_symlinks=False) \
                    and _is_stale_temp(folder, directory, entry.name, known):
                try:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
                except OSError:
                    pass
    return removed


def _is_stale_temp(folder: Path, directory: Path, name: str, known: Collection[str]) -> bool:
    match = TEMP_NAME.fullmatch(name)
    if match:
        return not is_running(int(match.group(1)))
    old = _OLD_TEMP_NAME.fullmatch(name)
    if old and known:
        sibling = (directory / old.group(1)).relative_to(folder).as_posix()
        return sibling in known
    return False


def is_running(pid: int) -> bool:
    """Whether a process with this id runs (ours counts: a build in this process may be writing)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return pid > 0  # someone else's process: leave its files alone
    return True
