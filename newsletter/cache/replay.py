"""Answer a no-change `newsletter build` without loading the build: the last build's summary, replayed.

A build that wrote its output records, next to its fingerprint, a quick key and what its summary
said. The quick key is cheap to take again: the bytes of every input (as the fingerprint has
them), the build's options with the day it counts as today, the package's files by size and time,
and the folders libraries are installed in (site-packages) by their time (installing or upgrading one changes
them). When the key matches and the output is intact, `newsletter build` prints the summary
without importing Markdown, Jinja or any channel, nor `dataclasses` (with `inspect` under it, a fifth of
this answer's time): what it reads, source locations and manifest entries, are named tuples. Any doubt
leaves it to the full build, whose own fingerprint stays the judge.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsletter.cache import CACHE_DIR
from newsletter.cache.freshness import STATE_FILE, inputs_digest, is_fresh, program_stamp, read_state

REPLAY = "replay"


def quick_key(root: Path, out_dir: Path, drafts: bool, as_of: date, inputs: bytes | None = None) -> str:
    """Hash of the inputs, the options, the package and the installed libraries, quick to take.

    `inputs`: the project's `inputs_digest`, when the caller took it already."""
    digest = hashlib.sha256(repr((str(out_dir), drafts, as_of.isoformat(), sys.version)).encode())
    digest.update(inputs if inputs is not None else inputs_digest(root))
    digest.update(program_stamp())
    return digest.hexdigest()


def today(timezone: str) -> date | None:
    """Today in the project's time zone, or None when the zone cannot be read."""
    from newsletter.dates import time_zone

    zone = time_zone(timezone)
    return datetime.now(zone).date() if zone is not None else None


class ReplayKey:
    """The quick key of one build, taken before it reads its inputs, and what to record with it."""

    def __init__(self, root: Path, out_dir: Path, drafts: bool, as_of: date | None, timezone: str, inputs: bytes):
        day = as_of or today(timezone)
        self.timezone = timezone
        self.key = quick_key(root, out_dir, drafts, day, inputs) if day is not None else None
        self.out_dir = out_dir

    def record(self, summary: dict[str, Any]) -> dict[str, Any] | None:
        """What to store so that the same build, asked again, can be replayed (None when it cannot)."""
        return None if self.key is None else {"key": self.key, "timezone": self.timezone, "summary": summary}

    def recorded(self, cache_dir: Path) -> bool:
        """Whether the state already holds this key for this output folder."""
        state = read_state(cache_dir).get(str(self.out_dir))
        record = state.get(REPLAY) if isinstance(state, dict) else None
        return isinstance(record, dict) and record.get("key") == self.key


def replayable(root: Path, out_dir: Path, drafts: bool, as_of: date | None,
               inputs: bytes | None = None) -> dict[str, Any] | None:
    """The summary the last build into `out_dir` recorded, when building again would change nothing.

    `inputs`: the project's `inputs_digest`, when the caller took it already."""
    cache_dir = root / CACHE_DIR
    if not (cache_dir / STATE_FILE).is_file():
        return None
    state = read_state(cache_dir).get(str(out_dir))
    record = state.get(REPLAY) if isinstance(state, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("timezone"), str):
        return None
    day = as_of or today(record["timezone"])
    if day is None or record.get("key") != quick_key(root, out_dir, drafts, day, inputs):
        return None
    fingerprint = state.get("fingerprint") if isinstance(state, dict) else None
    if not isinstance(fingerprint, str) or not is_fresh(cache_dir, out_dir, fingerprint):
        return None
    summary = record.get("summary")
    return summary if isinstance(summary, dict) else None


def replayed(root: Path, out: Path | None, drafts: bool, as_of: date | None,
             inputs: bytes | None = None) -> str | None:
    """What `newsletter build` says when its output is already current, or None to build (`inputs`: see
    `replayable`)."""
    from newsletter.summary import replayed_summary

    out_dir = (out or root / "output").resolve()
    record = replayable(root, out_dir, drafts, as_of, inputs)
    return replayed_summary(record, out_dir, Path.cwd()) if record is not None else None
