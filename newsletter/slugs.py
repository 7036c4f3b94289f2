"""The one way a title, file name or tag becomes a URL path segment."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from slugify import slugify as _slugify
from text_unidecode import unidecode  # type: ignore[import-untyped]


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Return a stable, URL-safe, lowercase ASCII slug ("Battery 2030+" -> "battery-2030")."""
    # Slugs name published URLs, so they must not depend on what else is installed:
    # python-slugify prefers Unidecode when present, which spells some characters
    # differently. Transliterating first with text-unidecode pins one table.
    ascii_text = unidecode(unicodedata.normalize("NFKD", text))
    return str(_slugify(ascii_text, lowercase=True, max_length=80, word_boundary=True))
