"""A small on-disk key-value store for the build cache: one marshal file, signed, written atomically.

marshal reads only plain data (it cannot run code, unlike pickle). The file is signed with a key
made from the identity of the cache folder on this machine (its device and inode numbers), so a
cache file made elsewhere (copied in, unpacked from an archive, crafted with a valid checksum)
fails the check and is ignored as if it were missing, like a torn write or one by other code
(another `engine`). What it holds is still only a hint: readers check each value they take.

A build that changes little (one edit of a big project) would rewrite the whole file for a few
entries: it writes them to a second, small file beside it instead (`<name>.recent.marshal`), read
with the first. When the recent entries, or the entries no build uses any more, reach a quarter of
the first file's, the next save writes the first file afresh with what the build used.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from newsletter.confine import Refused, read_regular
from newsletter.atomic import replace_file, sweep_temporary_files

_DIGEST_SIZE = 32
T = TypeVar("T")


class MarshalStore:
    """Values by key; keeps only what the current build used when it saves."""

    def __init__(self, path: Path | None, engine: str):
        self.path = path
        self.engine = engine
        whole = self._read(path) if path is not None else {}
        self.entries: dict[str, Any] = {**whole, **(self._read(self.recent_path) if self.recent_path else {})}
        self._whole = set(whole)  # the keys the file itself holds
        self.used: dict[str, Any] = {}
        self._noting: list[dict[str, Any]] = []  # for `noting`: the entries each call in progress used
        self.finished = False  # whether save() was called: the build got to its end
        # Set by an owner that writes the file later (the preview, after its pages have reloaded).
        self.defer: Callable[[Callable[[], None]], None] | None = None

    @property
    def recent_path(self) -> Path | None:
        """The small file of entries added since the file itself was written."""
        return self.path.with_name(f"{self.path.stem}.recent{self.path.suffix}") if self.path is not None else None

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = read_regular(path, follow_links=False)
            # A view, not a copy: the render memo of a big project is tens of megabytes.
            digest, payload = data[:_DIGEST_SIZE], memoryview(data)[_DIGEST_SIZE:]
            if not hmac.compare_digest(_signature(path.parent, payload), digest):
                return {}  # torn, tampered or made elsewhere: start afresh
            engine, entries = marshal.loads(payload)
        except (OSError, Refused, EOFError, ValueError, TypeError, RecursionError):
            return {}
        return entries if engine == self.engine and isinstance(entries, dict) else {}

    def get(self, key: str) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.use({key: found})
        return found

    def put(self, key: str, value: Any) -> None:
        self.use({key: value})

    def use(self, entries: dict[str, Any]) -> None:
        """Mark entries as used by this build (kept when it saves), also by every `noting` call in progress."""
        self.used.update(entries)
        for noted in self._noting:
            noted.update(entries)

    def noting(self, make: Callable[[], T]) -> tuple[T, dict[str, Any]]:
        """What `make` returns, and the entries it used: whoever keeps what it made uses them again with it."""
        noted: dict[str, Any] = {}
        self._noting.append(noted)
        try:
            return make(), noted
        finally:
            self._noting.pop()  # calls in progress end in the order opposite to their beginning

    def forget(self, key: str) -> None:
        """Drop an entry that turned out unusable, so it is not saved again."""
        self.entries.pop(key, None)
        self.used.pop(key, None)

    def carry_over(self) -> None:
        """Begin the next build of a store kept in memory: with what the last one used when it finished,
        else (it broke off) with everything known."""
        self.entries = self.used if self.finished else {**self.entries, **self.used}
        self.used = {}
        self.finished = False

    def save(self) -> None:
        """Write the entries this build used (older ones drop out), atomically; now, or when the owner says."""
        self.finished = True
        if self.defer is not None:
            self.defer(self._write)
        else:
            self._write()

    def _write(self) -> None:
        if self.path is None or self.recent_path is None or self.used == self.entries:
            return
        recent = {key: value for key, value in self.used.items() if key not in self._whole}
        unused = len(self._whole) - (len(self.used) - len(recent))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            sweep_temporary_files(self.path.parent)  # left by a build killed while saving
            if self._whole and max(len(recent), unused) * 4 < len(self._whole):
                self._replace(self.recent_path, recent)
            else:
                self._replace(self.path, self.used)
                self._whole = set(self.used)
                self.recent_path.unlink(missing_ok=True)  # its entries are in the file now
        except (OSError, ValueError):
            pass  # a cache that cannot be written (or a value marshal refuses) only makes the next build slower

    def _replace(self, path: Path, entries: dict[str, Any]) -> None:
        payload = marshal.dumps((self.engine, entries))
        replace_file(path, _signature(path.parent, payload) + payload)


def _signature(folder: Path, payload: bytes | memoryview) -> bytes:
    """HMAC-SHA256 of the payload, keyed by the cache folder's identity on this machine."""
    info = folder.stat()
    key = hashlib.sha256(f"newsletter-cache\0{info.st_dev}\0{info.st_ino}".encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()
