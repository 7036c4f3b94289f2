"""The one way a title, file name or tag becomes a URL path segment."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify as _slugify


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Return a stable, URL-safe, lowercase ASCII slug ("Battery 2030+" -> "battery-2030")."""
    return str(_slugify(text, lowercase=True, max_length=80, word_boundary=True))
