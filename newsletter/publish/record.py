"""The record of a publish, kept on the target as `.newsletter-publish.json`.

It lists every file a publish put there with its sha256, so the next publish, from this computer
or a colleague's, uploads only what changed and removes only what a publish put there. Before a
publish changes anything it writes the record again with the paths it is about to upload listed as
`pending` (a journal): a publish that breaks off leaves a record that owns those paths without
vouching for their content, and the next publish uploads them again. The complete record is written
last, so it never claims more than the target holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.confine import read_json_state, relative_path
from newsletter.atomic import replace_file

RECORD = ".newsletter-publish.json"
FORMAT = 1
# A copy of the last record this computer wrote, for `newsletter check` (which stays offline).
LOCAL_COPY = "publish.json"
_SHA256 = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Record:
    """What the target holds from earlier publishes: path -> sha256, and paths a broken-off publish left unsure."""

    files: dict[str, str] = field(default_factory=dict)
    pending: tuple[str, ...] = ()
    damaged: bool = False

    def owned(self) -> set[str]:
        """Every path a publish put (or may have put) on the target."""
        return set(self.files) | set(self.pending)

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "files": dict(sorted(self.files.items())), "pending": sorted(self.pending)}
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def parse_record(data: bytes | None) -> Record:
    """The record read from a target; None (no record yet) is an empty one.

    The file lies on a server others can write to: only paths that stay inside the target and
    well-formed digests are taken. A damaged record counts as empty, so nothing is removed.
    """
    if data is None:
        return Record()
    try:
        raw: Any = json.loads(data)
    except (ValueError, RecursionError):
        return Record(damaged=True)
    if not isinstance(raw, dict) or not isinstance(raw.get("files"), dict) or raw.get("format") != FORMAT:
        return Record(damaged=True)
    files = {path: digest for path, digest in raw["files"].items()
             if _owned_path(path) and isinstance(digest, str) and len(digest) == 64 and set(digest) <= _SHA256}
    pending = raw.get("pending")
    pending_paths = tuple(path for path in pending if _owned_path(path)) if isinstance(pending, list) else ()
    return Record(files, pending_paths, damaged=len(files) != len(raw["files"]))


def _owned_path(path: object) -> bool:
    return isinstance(path, str) and relative_path(path) is not None and path != RECORD


def remember_publish(cache_dir: Path, url: str, record: Record) -> None:
    """Keep a copy of the record this computer last wrote to `url`."""
    state = read_json_state(cache_dir / LOCAL_COPY)
    state = state if isinstance(state, dict) else {}
    state[url] = {"files": record.files, "pending": sorted(record.pending)}
    try:
        replace_file(cache_dir / LOCAL_COPY, json.dumps(state, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # only `check`'s publish-stale warning is lost


def last_publish(cache_dir: Path, url: str) -> Record | None:
    """The record this computer last wrote to `url`, or None when it never published there."""
    state = read_json_state(cache_dir / LOCAL_COPY)
    entry = state.get(url) if isinstance(state, dict) else None
    if not isinstance(entry, dict):
        return None
    return parse_record(json.dumps({"format": FORMAT, **entry}).encode("utf-8"))
