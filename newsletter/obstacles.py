"""What stands in the way of writing a build's outputs: two outputs claiming one path, and files or folders
in the output folder where an output goes, the last build's (which go first) or not newsletter's (refused)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from newsletter.confine import read_json_state
from newsletter.errors import OutputError, SourceLocation
from newsletter.manifest import JOURNAL, MANIFEST, read_manifest
from newsletter.outputs import Output


def check_collisions(outputs: Sequence[Output]) -> None:
    """Refuse two outputs that claim one path (or a path that is another's folder)."""
    seen: dict[str, str] = {}
    for output in outputs:
        key = output.path.as_posix()
        if key in seen or key in (MANIFEST, JOURNAL):
            raise OutputError(f"two outputs claim '{key}' ({seen.get(key, 'manifest')} and {output.kind})",
                              hint="give one of the items or issues another slug")
        seen[key] = output.kind
    folders: set[str] = set()  # checked already, with all of theirs
    for key in seen:
        cut = key.rfind("/")
        while cut > 0 and (folder := key[:cut]) not in folders:
            if folder in seen:
                raise OutputError(f"'{folder}' is both a file and a folder in the output",
                                  hint="give one of the items or issues another slug")
            folders.add(folder)
            cut = key.rfind("/", 0, cut)


def in_the_way(out_dir: Path, changed: Sequence[Output], stale: set[str], stale_folders: set[str]) -> list[str]:
    """The stale files of the last build where this one makes a folder, or inside a folder where it puts a file.

    A build that turns a file into a folder (or back) cannot switch in one step: these go first. A folder
    that also holds files newsletter did not write is refused before a file is written."""
    found: set[str] = set()
    for output in changed:
        path = output.path.as_posix()
        cut = path.rfind("/")
        while cut > 0:  # the folders it goes into, deepest first
            if path[:cut] in stale:
                found.add(path[:cut])
            cut = path.rfind("/", 0, cut)
        if path in stale_folders:
            target = out_dir / output.path
            inside = {(Path(folder) / name).relative_to(out_dir).as_posix()
                      for folder, _folders, names in os.walk(target) for name in names}
            if not inside <= stale:
                raise folder_in_the_way(target, path)
            found |= inside
    return sorted(found)


def folder_in_the_way(target: Path, path: str) -> OutputError:
    return OutputError(f"'{path}' is a folder with files newsletter did not write, where the build puts a file",
                       SourceLocation(target), "move the folder away, or build into another folder with --out")


def file_in_the_way(out_dir: Path, changed: Sequence[Output]) -> OutputError | None:
    """A file not written by newsletter where the build makes a folder (found when staging failed), as an error."""
    for output in changed:
        parts = output.path.parts
        for depth in range(1, len(parts)):
            where = out_dir.joinpath(*parts[:depth])
            if os.path.lexists(where) and not os.path.isdir(where):
                folder = "/".join(parts[:depth])
                return OutputError(f"'{folder}' is a file newsletter did not write, where the build makes a folder",
                                   SourceLocation(where), "move it away, or build into another folder with --out")
    return None


def file_not_ours(out_dir: Path, target: Path) -> OutputError:
    """A file not written by newsletter where the build puts one of different bytes, as an error."""
    return OutputError(f"the file exists but was not written by newsletter ({_why_unlisted(out_dir)})",
                       SourceLocation(target), "move it away, or build into another folder with --out")


def _why_unlisted(out_dir: Path) -> str:
    manifest = out_dir / MANIFEST
    shown = f"{out_dir.name}/{MANIFEST}"
    if not os.path.lexists(manifest):
        return f"there is no {shown} listing what the last build wrote"
    if not read_manifest(out_dir) and read_json_state(manifest) is None:
        return f"{shown} cannot be read"
    return f"{shown} does not list it"
