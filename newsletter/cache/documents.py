"""Prepared content documents (front matter parsed, body rendered), kept by the bytes of their files."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from newsletter.cache.kept import Kept
from newsletter.cache.store import MarshalStore

CACHE_FILE = "documents.marshal"
_FORMAT = 1


def engine_fingerprint() -> str:
    """Everything besides a file's bytes that decides what preparing it gives."""
    import markdown
    import nh3
    import yaml

    from newsletter import __version__
    from newsletter.content import markdown as ours

    parts = (
        _FORMAT, __version__, sys.version, markdown.__version__, yaml.__version__, getattr(nh3, "__version__", ""),
        ours._EXTENSIONS, ours._EXTENSION_CONFIGS, sorted(ours.ALLOWED_TAGS),
        sorted((k, sorted(v)) for k, v in ours.ALLOWED_ATTRIBUTES.items()),
        # The code itself: a changed renderer must not be served from an old cache.
        Path(ours.__file__).read_bytes(), (Path(ours.__file__).parent / "prepare.py").read_bytes(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class DocumentCache(MarshalStore):
    """Prepared documents by the bytes of their files; without a folder, nothing is kept.

    With `keep` (a long-running process), the prepared documents themselves, and the records loaded
    from them, are kept in `kept` for the next build."""

    def __init__(self, folder: Path | None, keep: bool = False):
        super().__init__(folder / CACHE_FILE if folder is not None else None,
                         engine_fingerprint() if folder is not None else "")
        self.kept = Kept() if keep else None
        self.afresh = 0  # how many files the last build prepared afresh (not from the cache)

    def carry_over(self) -> None:
        super().carry_over()
        if self.kept is not None:
            self.kept.carry_over()

    def key(self, shown: str, digest: bytes) -> str:
        """The key of a file at `shown` in the project (with "/" between folders) whose bytes have the SHA-256
        `digest`."""
        return hashlib.sha256(b"%s\0%s\0" % (self.engine.encode(), shown.encode()) + digest).hexdigest()


