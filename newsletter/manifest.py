"""What a build keeps in its output folder about itself: manifest.json, which lists every file it wrote
with its kind, SHA-256 and size, and the journal a build leaves until it has finished.

Both are read back from disk, where anyone may have changed them: an entry that does not name a
file inside the output folder is never followed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from newsletter.atomic import TEMP_NAME, WRITE_HINT, is_running, replace_file
from newsletter.confine import Refused, is_relative_path, json_state, read_regular
from newsletter.errors import OutputError, SourceLocation

if TYPE_CHECKING:
    from newsletter.diagnostics import Diagnostic

# A no-change build reads the manifest to say what the output holds, and loads no dataclass to do it
# (see cache/replay.py): the entries are named tuples, and what writes or warns is imported where it does.

MANIFEST = "manifest.json"
JOURNAL = ".newsletter-journal.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ManifestEntry(NamedTuple):
    path: str
    kind: str
    sha256: str
    size: int


def read_manifest(out_dir: Path) -> dict[str, ManifestEntry]:
    """The previous build's manifest: its entries that name a file inside `out_dir`."""
    return load_manifest(out_dir)[0]


def load_manifest(out_dir: Path) -> tuple[dict[str, ManifestEntry], tuple[Diagnostic, ...]]:
    """The previous build's manifest, and a warning when it is damaged: bad entries are never followed."""
    path = out_dir / MANIFEST
    if not os.path.lexists(path):
        return {}, ()
    try:
        text = read_regular(path, follow_links=False)
    except (OSError, Refused):
        text = None
    if text is not None and text == _known[0]:
        return dict(_known[1]), ()  # the manifest this process wrote (or read) last: its entries, as they were
    data = json_state(text) if text is not None else None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return {}, _damaged(path, "the manifest of the last build cannot be read; it is ignored",
                            "this build writes a new one")
    entries: dict[str, ManifestEntry] = {}
    refused: list[str] = []
    for raw in files:
        entry = _manifest_entry(raw)
        if entry is None:
            refused.append(repr(raw.get("path") if isinstance(raw, dict) else raw)[:80])
        else:
            entries[entry.path] = entry
    if not refused:
        _remember(text, entries)
        return entries, ()
    more = f" and {len(refused) - 1} more" if len(refused) > 1 else ""
    return entries, _damaged(path, f"the manifest names {refused[0]}{more}, not a file inside {out_dir.name}/; "
                                   "ignored, nothing there is removed", "this build writes a new manifest")


# The manifest this process last wrote or read whole, and its entries: the build server and the preview read back
# what their last build wrote, and take its entries again while the file holds the same bytes.
_known: tuple[bytes | None, dict[str, ManifestEntry]] = (None, {})


def _remember(text: bytes | None, entries: dict[str, ManifestEntry]) -> None:
    global _known
    _known = (text, dict(entries))


def _damaged(path: Path, message: str, hint: str) -> tuple[Diagnostic, ...]:
    from newsletter.diagnostics import warning

    return (warning("damaged-manifest", SourceLocation(path), message, hint),)


def _manifest_entry(raw: object) -> ManifestEntry | None:
    if not isinstance(raw, dict):
        return None
    path, kind, sha256, size = raw.get("path"), raw.get("kind"), raw.get("sha256"), raw.get("size")
    if not is_relative_path(path) or path in (MANIFEST, JOURNAL) or not isinstance(kind, str):
        return None
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return None
    return ManifestEntry(str(path), kind, sha256, size)


def write_manifest(out_dir: Path, entries: Sequence[ManifestEntry], checked: Container[str] = ()) -> None:
    """Write the manifest listing `entries`; `checked`: paths known to be ones reading it back takes (the last
    manifest's)."""
    from newsletter.outputs import json_bytes

    data = {
        "generator": "newsletter",
        "files": [{"path": e.path, "kind": e.kind, "sha256": e.sha256, "size": e.size} for e in entries],
    }
    text = json_bytes(data)
    try:
        replace_file(out_dir / MANIFEST, text)
        # What reading it back gives, unless it names a file it would refuse (then it is read again).
        if all(entry.path in checked or is_relative_path(entry.path) and entry.path not in (MANIFEST, JOURNAL)
               for entry in entries):
            _remember(text, {entry.path: entry for entry in entries})
    except OSError as exc:
        raise OutputError(f"cannot write {out_dir / MANIFEST} ({exc.strerror or exc})",
                          SourceLocation(out_dir / MANIFEST), WRITE_HINT + "; the next build finishes the job") from None


def interrupted(out_dir: Path) -> bool:
    """Whether a build into `out_dir` broke off: its journal, or a temporary file of a dead process, is there."""
    if os.path.lexists(out_dir / JOURNAL):
        return True
    try:
        names = os.listdir(out_dir)
    except OSError:
        return False
    return any((match := TEMP_NAME.fullmatch(name)) and not is_running(int(match.group(1))) for name in names)
