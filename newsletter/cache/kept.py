"""Objects a long-running process (the preview, the build server) hands from one build to the next.

A build makes many objects that depend only on inputs most edits leave alone: a content file's
prepared document (its bytes), the record loaded from it (those bytes, the settings, the published
images), the digest of a record (the record itself). Kept under a key of exactly those inputs, the
next build takes the same object instead of making an equal one, and what is keyed by that object
(the digest of a record, by its identity) is found again too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Kept:
    """Objects by the key of what they are made of: those this build used, and those the last one did.

    A key must name every input of the object it keeps. What the last build kept and this one does not
    use is let go at the next `carry_over`. An object whose making raises is not kept."""

    def __init__(self) -> None:
        self._now: dict[Hashable, Any] = {}
        self._last: dict[Hashable, Any] = {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The object kept under `key`, else the one `make` returns, kept from now on."""
        if key in self._now:
            return self._now[key]  # type: ignore[no-any-return]
        found = self._last[key] if key in self._last else make()
        self._now[key] = found
        return found

    def carry_over(self) -> None:
        """Begin the next build: it may take what this one used (or, if this one used nothing, what the last did)."""
        if self._now:
            self._last = self._now
        self._now = {}
