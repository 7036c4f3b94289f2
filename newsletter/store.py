"""A small on-disk key-value store for the build cache: one marshal file, checksummed, written atomically.

marshal reads only plain data (it cannot run code, unlike pickle), and a file that fails its
checksum, or was written by other code (another `engine`), is ignored as if it were missing.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any


class MarshalStore:
    """Values by key; keeps only what the current build used when it saves."""

    def __init__(self, path: Path | None, engine: str):
        self.path = path
        self.engine = engine
        self.entries: dict[str, Any] = self._read(path) if path is not None else {}
        self.used: dict[str, Any] = {}

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = path.read_bytes()
            digest, payload = data[:32], data[32:]
            if hashlib.sha256(payload).digest() != digest:
                return {}  # torn or tampered write: start afresh
            engine, entries = marshal.loads(payload)
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return entries if engine == self.engine and isinstance(entries, dict) else {}

    def get(self, key: str) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        """Write the entries this build used (older ones drop out), atomically."""
        if self.path is None or self.used == self.entries:
            return
        payload = marshal.dumps((self.engine, self.used))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temp.write_bytes(hashlib.sha256(payload).digest() + payload)
            os.replace(temp, self.path)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower
