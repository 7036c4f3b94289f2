"""Shorten a generated post until it fits: a binary search over word boundaries, part by part.

The summary is cut first (after a word, with an ellipsis; left out when fewer than
MIN_SUMMARY_WORDS would remain), then hashtags are left out from the last, then the title is cut
down to its first word and, only if that is still too long, partner mentions are left out.
Every candidate is counted exactly, the way its platform counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import regex

from newsletter.platforms.counting import platform_rules, utf8_length
from newsletter.platforms.shortening import cuts

T = TypeVar("T")

# A summary cut shorter than this says nothing ("Seven…"): it is left out instead.
MIN_SUMMARY_WORDS = 5

_BLANK_LINES = regex.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trim a rendered post: no trailing spaces, at most one blank line in a row, none at the ends."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


@dataclass(frozen=True, slots=True)
class Pieces:
    """The parts of a generated post that shortening may change."""

    title: str
    summary: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]


class Meter:
    """Counts text for one platform (the platform's rules remember what they counted)."""

    def __init__(self, platform: str, limit: int):
        rules = platform_rules(platform)
        self.count: Callable[[str], int] = rules.length
        self.limit = limit
        self.byte_limit = rules.byte_limit

    def fits(self, text: str) -> bool:
        if self.byte_limit is not None and utf8_length(text) > self.byte_limit:
            return False
        return self.count(text) <= self.limit


def fit(render: Callable[[Pieces], str], full: Pieces, meter: Meter,
        whole_sentences: bool = False) -> tuple[Pieces, list[str]]:
    """Shorten the pieces until the rendered post fits: summary, hashtags, title, then mentions.

    With `whole_sentences`, the summary keeps whole sentences or is left out, never cut inside one.
    """
    if meter.fits(render(full)):
        return full, []
    notes: list[str] = []
    summaries = cuts(full.summary, MIN_SUMMARY_WORDS, or_nothing=True, whole_sentences=whole_sentences)
    pieces = replace(full, summary=_longest(summaries, render, meter, lambda s: replace(full, summary=s)))
    if pieces.summary != full.summary:
        notes.append("summary shortened" if pieces.summary else "summary left out")
    if pieces.summary == "" and not meter.fits(render(pieces)):
        kept = _longest(_prefixes(full.hashtags), render, meter, lambda tags: replace(pieces, hashtags=tags))
        pieces = replace(pieces, hashtags=kept)
        if full.hashtags[len(kept):]:
            notes.append("left out " + " ".join(full.hashtags[len(kept):]))
    title_cuts = cuts(full.title, 1)
    if pieces.hashtags == () and not meter.fits(render(pieces)):
        pieces = replace(pieces, title=_longest(title_cuts, render, meter, lambda t: replace(pieces, title=t)))
        if not meter.fits(render(pieces)):
            kept_mentions = _longest(_prefixes(full.mentions), render, meter, lambda m: replace(pieces, mentions=m))
            pieces = replace(pieces, mentions=kept_mentions)
            if full.mentions[len(kept_mentions):]:
                notes.append("left out mentions of " + ", ".join(full.mentions[len(kept_mentions):]))
            pieces = replace(pieces, title=_longest(title_cuts, render, meter, lambda t: replace(pieces, title=t)))
        if pieces.title != full.title:
            notes.append("title shortened")
    if not meter.fits(render(pieces)):
        notes.append("too long even at its shortest: shorten the title or raise the limit in [social] limits")
    return pieces, notes


def _longest(options: Sequence[T], render: Callable[[Pieces], str], meter: Meter,
             pieces: Callable[[T], Pieces]) -> T:
    """The longest option whose post fits (options run from shortest to longest), else the shortest.

    A binary search: posts grow with the option, and the longest option is known not to fit.
    """
    good, bad = -1, len(options) - 1
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if meter.fits(render(pieces(options[middle]))) else (good, middle)
    return options[max(good, 0)]


def _prefixes(values: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [values[:count] for count in range(len(values) + 1)]
