"""Write outputs atomically, record them in manifest.json and remove only our own stale files.

The switch from the old output to the new is as close to one step as the file system allows:
every changed file is staged beside its target under a temporary name first, then the staged
files are renamed into place in one tight loop, stale files are removed and manifest.json is
written last. Before staging, a journal lists the paths the build is about to add, so that a
build killed halfway leaves nothing the next one does not recognise: the next build removes the
killed build's temporary files and finishes the switch. Paths read back from disk (the manifest,
the journal) are followed only while they stay inside the output folder. A build that turns a file
of the last one into a folder, or a folder into a file, removes the old files in the way first.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsletter.atomic import WRITE_HINT, replace_file, stage_file, sweep_temporary_files
from newsletter.cache import CACHE_DIR
from newsletter.confine import Boundary, Refused, is_relative_path, read_json_state, read_regular
from newsletter.diagnostics import Diagnostic
from newsletter.errors import OutputError, SourceLocation, UsageError
from newsletter.manifest import JOURNAL, MANIFEST, ManifestEntry, load_manifest, write_manifest
from newsletter.obstacles import check_collisions, file_in_the_way, file_not_ours, folder_in_the_way, in_the_way
from newsletter.outputs import COPIED_KINDS, Output


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    manifest: tuple[ManifestEntry, ...]
    warnings: tuple[Diagnostic, ...] = ()


def check_out_dir(root: Path, out_dir: Path) -> None:
    """Refuse an output folder that holds the project or lies inside what a build reads."""
    root, out_dir = root.resolve(), out_dir.resolve()
    if out_dir == root or out_dir in root.parents:
        raise UsageError(f"the output folder {out_dir} holds the project itself",
                         hint="build into a folder of its own, such as output/ (the default)")
    for name in ("content", "templates", CACHE_DIR):
        folder = root / name
        if out_dir == folder or folder in out_dir.parents:
            raise UsageError(f"the output folder {out_dir} is inside {name}/, which the build reads",
                             hint=f"build into a folder outside {name}/, such as output/ (the default)")


# Staging many files, threads share the system calls; for a few, starting them costs more than it saves.
_THREADED_FROM = 32
_STAGING_THREADS = 4


# The bytes and SHA-256 of each output of a build, by path: what a long-running process keeps for its next build.
Written = dict[str, tuple[bytes, str]]


def write_outputs(out_dir: Path, outputs: Sequence[Output], keep: Iterable[str] = (),
                  last: Written | None = None) -> WriteReport:
    """Write every output atomically; `keep` lists previous files a partial build leaves alone.

    `last`: the outputs of the last build, where a long-running process keeps them. An output with the same
    bytes takes their digest (comparing is ten times faster than hashing); this build's rendered outputs replace
    them (not the files copied as they are: a project's images would make the process as big as its output)."""
    check_collisions(outputs)
    previous, warnings = load_manifest(out_dir)
    pending = _read_journal(out_dir)  # a build that broke off halfway: what it may have added
    # Files are staged below the top folder only while the journal is there: a finished build leaves none.
    sweep_temporary_files(out_dir, recursive=pending is not None, known={*previous, *(pending or ()), MANIFEST})
    ours = set(previous) | (pending or set())
    entries = [_entry(output, last) for output in outputs]
    if last is not None:
        last.clear()
        last.update((entry.path, (output.data, entry.sha256)) for output, entry in zip(outputs, entries)
                    if output.kind not in COPIED_KINDS)
    vouched = _manifest_time(out_dir) if previous else None
    folder = os.fspath(out_dir)
    changed = [output for output, entry in zip(outputs, entries)
               if not _same(folder, output, entry, previous.get(entry.path), vouched)]
    current = {entry.path for entry in entries}
    keep = set(keep)
    kept = [_as_found(out_dir, previous[path], vouched) for path in sorted(keep) if path in previous and path not in current]
    stale = sorted(path for path in ours if path not in current and path not in keep)
    stale_folders = {path[:cut] for path in stale for cut in range(len(path)) if path[cut] == "/"}
    for output in changed:
        target, path = out_dir / output.path, output.path.as_posix()
        if path not in ours and os.path.lexists(target):
            if os.path.isdir(target) and not os.path.islink(target):
                if path not in stale_folders:  # else its files go first (see in_the_way)
                    raise folder_in_the_way(target, path)
            elif _bytes(target) != output.data:
                raise file_not_ours(out_dir, target)
    blocking = in_the_way(out_dir, changed, set(stale), stale_folders)
    manifest = tuple(sorted([*entries, *kept], key=lambda entry: entry.path))
    if changed or stale or pending is not None:
        _switch(out_dir, changed, stale, adding=sorted((current | (pending or set())) - set(previous)),
                first=blocking)
    write_manifest(out_dir, manifest, checked=previous.keys())
    _remove_journal(out_dir)
    written = tuple(output.path.as_posix() for output in changed)
    unchanged = tuple(sorted(current - set(written)))
    return WriteReport(written, unchanged, tuple(stale), manifest, warnings)


def _switch(out_dir: Path, changed: Sequence[Output], stale: Sequence[str], adding: Sequence[str],
            first: Sequence[str] = ()) -> None:
    """Stage every changed file, then rename them all into place and remove the stale ones.

    `first`: stale files in the way of the new files (see in_the_way), removed before any is staged."""
    # A folder of output/ replaced by a link leading out would take the files elsewhere: checked first.
    confined = Boundary(out_dir)
    for folder in sorted({(out_dir / output.path).parent for output in changed}):
        if not confined.holds(folder):
            raise OutputError(f"'{folder.relative_to(out_dir)}' leads outside {out_dir.name}/ through a symbolic link",
                              SourceLocation(folder), "remove the link; the build writes only inside its folder")
    try:
        _write_journal(out_dir, adding)
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir} ({exc.strerror or exc})", hint=WRITE_HINT) from None
    for path in first:
        _remove(out_dir, path, confined)
    results = _stage_all(out_dir, changed)
    staged = [result for result in results if not isinstance(result, OSError)]
    refused = [result for result in results if isinstance(result, OSError)]
    if refused:
        for temp, _target in staged:
            temp.unlink(missing_ok=True)
        # Nothing was renamed: the old output and manifest stand as they were (but for stale files in the way
        # of this build's, removed first).
        _remove_journal(out_dir)
        blocked = isinstance(refused[0], (FileExistsError, NotADirectoryError))
        if blocked and (found := file_in_the_way(out_dir, changed)) is not None:
            raise found
        raise OutputError(f"cannot write to {out_dir} ({refused[0].strerror or refused[0]})", hint=WRITE_HINT)
    # The switch itself: renames only, in one tight loop.
    for index, (temp, target) in enumerate(staged):
        try:
            os.replace(temp, target)
        except OSError as exc:
            for left, _target in staged[index:]:
                left.unlink(missing_ok=True)
            raise OutputError(f"cannot write {target} ({exc.strerror or exc})", SourceLocation(target),
                              WRITE_HINT + "; the next build finishes the job") from None
    gone = set(first)
    for path in stale:
        if path not in gone:
            _remove(out_dir, path, confined)


def _stage_all(out_dir: Path, changed: Sequence[Output]) -> list[tuple[Path, Path] | OSError]:
    """Stage each changed file beside its target: (temporary file, target), or the error that refused it.

    Creating files and folders is mostly the system's work, which Python's threads do side by side:
    a cold build's thousands of small files are staged on every core the machine has free."""
    folders: set[Path] = set()

    def stage(output: Output) -> tuple[Path, Path] | OSError:
        target = out_dir / output.path
        try:
            return stage_file(target, output.data, folders), target
        except OSError as exc:
            return exc

    if len(changed) < _THREADED_FROM:
        return [stage(output) for output in changed]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_STAGING_THREADS, os.cpu_count() or 1)) as pool:
        return list(pool.map(stage, changed))


def _entry(output: Output, last: Written | None = None) -> ManifestEntry:
    path = output.path.as_posix()
    same = last.get(path) if last is not None else None
    if same is not None and (same[0] is output.data or same[0] == output.data):
        return ManifestEntry(path, output.kind, same[1], len(output.data))
    return ManifestEntry(path, output.kind, hashlib.sha256(output.data).hexdigest(), len(output.data))


def _same(out_dir: str, output: Output, entry: ManifestEntry, before: ManifestEntry | None,
          vouched: int | None) -> bool:
    """Whether the file holds the output's bytes already; identical files are left untouched
    (faster rebuilds, and mtimes stay meaningful for uploads).

    The last manifest is written after every file, and writing, renaming or touching a file sets
    its ctime: a file whose ctime is older than the manifest's (`vouched`) is as the manifest
    lists it. A file changed in the manifest's own clock tick is compared byte by byte, as git
    does with its index; so is a symbolic link, whose ctime is not its target's."""
    target = os.path.join(out_dir, entry.path)  # a string: a Path for each of thousands of files costs more
    try:
        found = os.lstat(target)
        if stat.S_ISLNK(found.st_mode):
            found = os.stat(target)
        elif (before is not None and vouched is not None and stat.S_ISREG(found.st_mode)
              and found.st_size == entry.size and before.sha256 == entry.sha256 and found.st_ctime_ns < vouched):
            return True
    except OSError:
        return False
    if not stat.S_ISREG(found.st_mode) or found.st_size != entry.size:
        return False
    return _bytes(Path(target)) == output.data


def _as_found(out_dir: Path, entry: ManifestEntry, vouched: int | None) -> ManifestEntry:
    """A file a partial build keeps, listed as it is now: changed since the last manifest, it is read again,
    so the new manifest vouches only for what is there."""
    target = out_dir / entry.path
    try:
        found = os.lstat(target)
    except OSError:
        return entry
    if not stat.S_ISREG(found.st_mode):
        return entry  # a link or a folder: listed as before, never followed to be read
    if vouched is not None and found.st_ctime_ns < vouched and found.st_size == entry.size:
        return entry
    data = _bytes(target)
    return entry if data is None else ManifestEntry(entry.path, entry.kind, hashlib.sha256(data).hexdigest(), len(data))


def _manifest_time(out_dir: Path) -> int | None:
    """When the last build's manifest was written (its ctime), or None when it is not a regular file."""
    try:
        found = os.lstat(out_dir / MANIFEST)
    except OSError:
        return None
    return found.st_ctime_ns if stat.S_ISREG(found.st_mode) else None


def _bytes(target: Path) -> bytes | None:
    """A file's bytes, or None when it cannot be read as a regular file (a FIFO would block)."""
    try:
        return read_regular(target)
    except (OSError, Refused):
        return None


def _read_journal(out_dir: Path) -> set[str] | None:
    """Paths a build that did not finish meant to add, or None when the last build finished."""
    path = out_dir / JOURNAL
    if not os.path.lexists(path):
        return None
    data = read_json_state(path)
    paths = data.get("adding") if isinstance(data, dict) else None
    if not isinstance(paths, list):
        return set()
    return {path for path in paths if is_relative_path(path) and path not in (MANIFEST, JOURNAL)}


def _write_journal(out_dir: Path, adding: Sequence[str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"generator": "newsletter", "adding": list(adding)}, ensure_ascii=False) + "\n"
    replace_file(out_dir / JOURNAL, text.encode("utf-8"))


def _remove_journal(out_dir: Path) -> None:
    try:
        (out_dir / JOURNAL).unlink(missing_ok=True)
    except OSError:
        pass


def _remove(out_dir: Path, path: str, confined: Boundary) -> None:
    """Remove a stale file of ours: a file (or a link) inside `out_dir`, never a folder or what a link points to."""
    target = out_dir / path
    if not confined.holds(target.parent):
        return  # a folder on the way was replaced by a link leading out
    try:
        mode = target.lstat().st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        return
    try:
        target.unlink()
    except OSError:
        return
    # Remove folders this left empty, never out_dir itself.
    for parent in target.parents:
        if parent == out_dir or out_dir not in parent.parents:
            break
        try:
            parent.rmdir()
        except OSError:
            break
