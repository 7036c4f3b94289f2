"""Tell whether the output is already what a build would write, so a no-change rebuild does nothing.

The key is the content of every input (settings, content files, the project's templates), the
program itself (package files, library versions) and the build's options. The output counts as
intact while every file the last build wrote is still there with the size and modification time
it had then. Anything else, or any doubt, means a full build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG
from typing import Any

from newsletter.confine import is_relative_path, read_json_state
from newsletter.manifest import MANIFEST, interrupted
from newsletter.atomic import replace_file

STATE_FILE = "build-state.json"
_PACKAGE = Path(__file__).parents[1]


def input_fingerprint(options: Any, inputs: bytes) -> str:
    """Hash of everything a build reads, the code that reads it and how it was asked to.

    `inputs`: the `tree_digest` of the project's inputs (the caller takes it once, for the replay key too)."""
    digest = hashlib.sha256(repr(options).encode())
    digest.update(code_fingerprint().encode())
    digest.update(inputs)
    return digest.hexdigest()


def project_inputs(root: Path) -> list[str]:
    """The files of the project a build reads: its settings, content and templates (through links inside it)."""
    return [os.path.join(root, "newsletter.toml"), *file_names_below(root / "content", root),
            *file_names_below(root / "templates", root)]


@functools.cache
def code_fingerprint() -> str:
    """Hash of the program: the package's files and every library installed beside it, at its version.

    Every library, not only those the package declares: what they run on (lxml under feedgen, MarkupSafe
    under Jinja) shapes the output too. Installing or upgrading any library means one full build, as it
    means for the no-change build's replay (see cache/replay.py). Taken once per process: the code a
    process runs is the code it imported."""
    digest = hashlib.sha256(package_stamp())
    for name, version in sorted(_installed().items()):
        # Not the package's own metadata: its files are in the stamp, and a checkout may list it twice (an egg-info).
        if name != "newsletter":
            digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def package_stamp() -> bytes:
    """Hash of the package's files by name, size and modification time, as they are now (a build server asks
    again before each build whether they are still those it runs)."""
    digest = hashlib.sha256()
    start = len(os.fspath(_PACKAGE)) + 1  # each path's part below the package, as Path.relative_to gives it
    for text in file_names_below(_PACKAGE):
        try:
            stat = os.stat(text)
        except OSError:
            continue
        digest.update(f"{text[start:]}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.digest()


# The stamp one command's checks all take (see `one_program`).
_vouched: list[bytes] = []


@contextmanager
def one_program(stamp: bytes) -> Iterator[None]:
    """Within: `program_stamp` is `stamp`, taken by the caller a moment ago (a build server, before each command):
    the checks of one command all describe the program it runs."""
    _vouched.append(stamp)
    try:
        yield
    finally:
        _vouched.pop()


def program_stamp() -> bytes:
    """Quick to take, and changed by any change to the program: the package's files by size and time, and the
    folders libraries are installed in (site-packages) by their time (installing or upgrading one changes them)."""
    if _vouched:
        return _vouched[-1]
    digest = hashlib.sha256(package_stamp())
    for folder in sorted({path for path in sys.path if path.endswith(("site-packages", "dist-packages"))}):
        try:
            digest.update(f"{folder}\0{os.stat(folder or '.').st_mtime_ns}\0".encode())
        except OSError:
            digest.update(f"{folder}\0-\0".encode())
    return digest.digest()


def _installed() -> dict[str, str]:
    """Installed distributions by normalised name, with their version (the first on sys.path wins).

    One listing per folder instead of reading each library's metadata."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = sorted(entry.name for entry in os.scandir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            stem, dot, suffix = entry.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):
                name, _, version = stem.partition("-")
                found.setdefault(_normal_name(name), version)
    return found


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def inputs_digest(root: Path) -> bytes:
    """The `tree_digest` of every input of the project (`project_inputs`)."""
    return tree_digest(root, project_inputs(root))


def folder_digest(root: Path, *folders: str) -> bytes:
    """The `tree_digest` of every file below the project's `folders` (paths from `root`, with "/")."""
    return tree_digest(root, [name for folder in folders for name in file_names_below(root / folder, root)])


def tree_digest(root: Path, paths: Sequence[str | Path]) -> bytes:
    """Hash of the names (relative to `root`) and bytes of the files given."""
    digest = hashlib.sha256()
    prefix = os.path.join(root, "")
    for path in paths:
        if (found := file_digest(path)) is not None:
            digest.update(name_below(prefix, os.fspath(path)).encode() + b"\0" + found)
    return digest.digest()


def name_below(prefix: str, text: str) -> str:
    """The name of the file `text` below the folder whose path, with a final separator, is `prefix`: what
    Path.relative_to(folder).as_posix() writes (taken for thousands of files, each build)."""
    if text.startswith(prefix):
        return text[len(prefix):].replace(os.sep, "/")
    return Path(text).relative_to(prefix).as_posix()


# Each file's digest with the file's signature when it was read. A build takes its inputs' digest
# more than once (the replay check, the fingerprint, the replay key), the preview once per save:
# a file is read again only when its signature changed. Writing a file changes its ctime, which
# no tool sets back.
_digests: dict[str, tuple[tuple[int, ...], bytes]] = {}


def file_digest(path: str | Path, info: os.stat_result | None = None) -> bytes | None:
    """The SHA-256 of a regular file's bytes; None when it is not one or cannot be read. `info`: the file's
    `os.stat`, if the caller took it a moment ago."""
    text = os.fspath(path)
    try:
        stat = info if info is not None else os.stat(text)
        if not S_ISREG(stat.st_mode):
            return None
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
        known = _digests.get(text)
        if known is not None and known[0] == signature:
            return known[1]
        with open(text, "rb") as file:
            found = hashlib.sha256(file.read()).digest()
    except OSError:
        return None
    _digests[text] = (signature, found)
    return found


def file_names_below(folder: Path, within: Path | None = None) -> list[str]:
    """Every file below `folder`, sorted; none when it does not exist. `__pycache__` and folders this user may
    not read are skipped. A symbolic link to a folder is followed when it leads inside `within` (the project, whose
    files a build reads through such links), once per folder it leads to; other links to folders are skipped, as
    `Path.rglob` skips them.

    One `scandir` per folder: the no-change build takes it for the package's 250 files and each input."""
    found: list[str] = []
    boundary = os.path.join(os.path.realpath(within), "") if within is not None else None
    walked: set[str] = set()
    folders = [os.fspath(folder)]
    while folders:
        current = folders.pop()
        if boundary is not None:
            real = os.path.realpath(current)
            if real in walked:
                continue  # a link back to a folder listed already
            walked.add(real)
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue  # missing, not a folder, or not readable: it holds nothing a build reads
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.is_dir():  # a link to a folder
                    if boundary is not None and os.path.join(os.path.realpath(entry.path), "").startswith(boundary):
                        folders.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
            except OSError:
                continue  # a link that loops: nothing a build can read, and the folder's other files still count
    return sorted(found, key=lambda name: name.split(os.sep))  # as Path.parts sort (a folder's path begins each)


def is_fresh(cache_dir: Path, out_dir: Path, fingerprint: str) -> bool:
    """True when the last build into `out_dir` had this fingerprint, its files are untouched and no build broke off since."""
    state = read_state(cache_dir).get(str(out_dir))
    if not isinstance(state, dict) or state.get("fingerprint") != fingerprint:
        return False
    files = state.get("files")
    if not isinstance(files, dict) or MANIFEST not in files or interrupted(out_dir):
        return False
    # The state file is read back from disk: follow only paths that stay inside out_dir.
    return all(is_relative_path(path) and _signature(os.path.join(out_dir, path)) == signature
               for path, signature in files.items())


def record_build(cache_dir: Path, out_dir: Path, fingerprint: str, paths: list[str],
                 replay: dict[str, Any] | None = None) -> None:
    """Remember what this build wrote into `out_dir`, under its fingerprint (and how to replay it).

    Output folders that are gone (the preview's temporary ones, an `--out` folder deleted) are
    forgotten, so the record does not grow with every preview session."""
    state = {folder: entry for folder, entry in read_state(cache_dir).items() if Path(folder).is_dir()}
    state[str(out_dir)] = {
        "fingerprint": fingerprint,
        "files": {path: _signature(os.path.join(out_dir, path)) for path in [*paths, MANIFEST]},
        **({"replay": replay} if replay is not None else {}),
    }
    try:
        replace_file(cache_dir / STATE_FILE, json.dumps(state, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # only the next build's shortcut is lost


def read_state(cache_dir: Path) -> dict[str, Any]:
    """What the last builds recorded, by output folder; empty when there is nothing readable."""
    state = read_json_state(cache_dir / STATE_FILE)
    return state if isinstance(state, dict) else {}


def _signature(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]
