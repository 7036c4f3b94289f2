"""What the project's language decides for every channel: the direction its text runs."""

from __future__ import annotations

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def text_direction(language: str) -> str:
    """"rtl" for a language written right to left (`ar`, `he-IL`, ...), else "ltr"."""
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"
