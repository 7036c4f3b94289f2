"""Write outputs atomically, record them in manifest.json and remove only our own stale files."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsletter.errors import OutputError, SourceLocation
from newsletter.render import Output

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    path: str
    kind: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    manifest: tuple[ManifestEntry, ...]


def check_collisions(outputs: Sequence[Output]) -> None:
    """Refuse two outputs that claim one path (or a path that is another's folder)."""
    seen: dict[str, str] = {}
    for output in outputs:
        key = output.path.as_posix()
        if key in seen or key == MANIFEST:
            raise OutputError(f"two outputs claim '{key}' ({seen.get(key, 'manifest')} and {output.kind})",
                              hint="give one of the items or issues another slug")
        seen[key] = output.kind
    for key in seen:
        for parent in PurePosixPath(key).parents:
            if parent.as_posix() in seen:
                raise OutputError(f"'{parent}' is both a file and a folder in the output",
                                  hint="give one of the items or issues another slug")


def read_manifest(out_dir: Path) -> dict[str, ManifestEntry]:
    """The previous build's manifest, or nothing when it is missing or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: ManifestEntry(**entry) for entry in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_outputs(out_dir: Path, outputs: Sequence[Output], keep: Iterable[str] = ()) -> WriteReport:
    """Write every output atomically; `keep` lists previous files a partial build leaves alone."""
    check_collisions(outputs)
    previous = read_manifest(out_dir)
    entries = [_entry(output) for output in outputs]
    changed = [output for output in outputs if not _same(out_dir, output)]
    for output in changed:
        target = out_dir / output.path
        if output.path.as_posix() not in previous and target.exists() and target.read_bytes() != output.data:
            raise OutputError(f"'{target}' exists but was not written by newsletter",
                              SourceLocation(target), "move it away, or build into another folder with --out")
    staged: list[tuple[Path, Path]] = []
    try:
        for output in changed:
            staged.append((_stage(out_dir / output.path, output.data), out_dir / output.path))
    except OSError as exc:
        for temp, _target in staged:
            temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write to {out_dir} ({exc.strerror or exc})",
                          hint="check the folder's permissions and free disk space") from None
    for temp, target in staged:
        os.replace(temp, target)
    current = {entry.path for entry in entries}
    kept = [previous[path] for path in keep if path in previous and path not in current]
    stale = sorted(path for path in previous if path not in current and path not in set(keep))
    for path in stale:
        _remove(out_dir, path)
    manifest = tuple(sorted([*entries, *kept], key=lambda entry: entry.path))
    _write_manifest(out_dir, manifest)
    written = tuple(output.path.as_posix() for output in changed)
    unchanged = tuple(sorted(current - set(written)))
    return WriteReport(written, unchanged, tuple(stale), manifest)


def _entry(output: Output) -> ManifestEntry:
    return ManifestEntry(output.path.as_posix(), output.kind, hashlib.sha256(output.data).hexdigest(), len(output.data))


def _same(out_dir: Path, output: Output) -> bool:
    # Leave identical files untouched: faster rebuilds, and mtimes stay meaningful for uploads.
    target = out_dir / output.path
    try:
        return target.stat().st_size == len(output.data) and target.read_bytes() == output.data
    except OSError:
        return False


def write_file(target: Path, data: bytes) -> None:
    """Write one file atomically: through a temp file in its folder and a rename."""
    try:
        os.replace(_stage(target, data), target)
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror or exc})", SourceLocation(target),
                          "check the folder's permissions and free disk space") from None


def _stage(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.chmod(name, 0o644)
    return Path(name)


def _remove(out_dir: Path, path: str) -> None:
    target = out_dir / path
    target.unlink(missing_ok=True)
    # Remove folders this left empty, never out_dir itself.
    for parent in target.parents:
        if parent == out_dir or out_dir not in parent.parents:
            break
        try:
            parent.rmdir()
        except OSError:
            break


def _write_manifest(out_dir: Path, entries: Sequence[ManifestEntry]) -> None:
    data = {
        "generator": "newsletter",
        "files": [{"path": e.path, "kind": e.kind, "sha256": e.sha256, "size": e.size} for e in entries],
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    os.replace(_stage(out_dir / MANIFEST, text.encode("utf-8")), out_dir / MANIFEST)
