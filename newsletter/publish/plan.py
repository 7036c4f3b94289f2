"""What a publish does: compare the files of output/ with the target's record."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsletter.atomic import TEMP_PREFIX
from newsletter.publish.record import RECORD, Record
from newsletter.report import REPORT_DIR

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: str  # relative to output/, with forward slashes
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Files to upload (new, changed, or left unsure by a publish that broke off), files already there, files to remove."""

    upload: tuple[LocalFile, ...]
    unchanged: tuple[LocalFile, ...]
    remove: tuple[str, ...]
    files: dict[str, str]  # the record once done: every file of output/ with its sha256
    in_the_way: tuple[str, ...] = ()  # files to remove where the build now has a folder

    @property
    def upload_bytes(self) -> int:
        return sum(file.size for file in self.upload)

    @property
    def empty(self) -> bool:
        return not self.upload and not self.remove


def local_files(out_dir: Path) -> list[LocalFile]:
    """Every regular file of output/, sorted, except a build's own temporary files and journal, and the
    funder's report (`output/report/`: activities, partners' figures and subscriber numbers are not for readers).

    Symbolic links are left out: a link could lead to a file outside output/ that was never meant
    to be published.
    """
    found: list[LocalFile] = []
    for folder, folders, names in os.walk(out_dir):
        base = Path(folder)
        if base == out_dir and REPORT_DIR in folders:
            folders.remove(REPORT_DIR)
        folders.sort()
        for name in sorted(names):
            path = base / name
            if name.startswith(TEMP_PREFIX) or name == RECORD or path.is_symlink() or not path.is_file():
                continue
            digest, size = file_digest(path)
            found.append(LocalFile(path.relative_to(out_dir).as_posix(), digest, size))
    return sorted(found, key=lambda file: file.path)


def file_digest(path: Path) -> tuple[str, int]:
    """The sha256 and size of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def make_plan(files: list[LocalFile], record: Record) -> Plan:
    """Upload what the record does not vouch for; remove what a publish put there and the build no longer makes."""
    pending = set(record.pending)
    upload = tuple(file for file in files if file.path in pending or record.files.get(file.path) != file.sha256)
    unchanged = tuple(file for file in files if file not in upload)
    produced = {file.path for file in files}
    folders = {parent.as_posix() for file in files for parent in PurePosixPath(file.path).parents}
    remove = tuple(sorted(path for path in record.owned() if path not in produced))
    return Plan(upload, unchanged, remove, {file.path: file.sha256 for file in files},
                tuple(path for path in remove if path in folders))


def emptied_folders(removed: tuple[str, ...]) -> list[str]:
    """The folders of removed files, deepest first: each is removed if a publish emptied it."""
    folders = {parent.as_posix() for path in removed for parent in PurePosixPath(path).parents} - {"."}
    return sorted(folders, key=lambda folder: (-folder.count("/"), folder))
