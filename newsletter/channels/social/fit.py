"""Shorten a generated post until it fits: a binary search over word boundaries, part by part.

The summary is cut first (after a word, with an ellipsis; left out when fewer than
MIN_SUMMARY_WORDS would remain), then hashtags are left out from the last, then the title is cut
down to its first word and, only if that is still too long, partner mentions are left out.
Counting X exactly (twitter-text) is slow, so on X the search can run on `x_estimate`, a fast
count by the same rules; the caller then counts the result exactly.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import regex

from newsletter.platforms.counting import GRAPHEME, platform_rules, utf8_length
from newsletter.platforms.shortening import cuts
from newsletter.platforms.x import LIGHT_RANGES, URL_LENGTH, extract_urls

T = TypeVar("T")

# A summary cut shorter than this says nothing ("Seven…"): it is left out instead.
MIN_SUMMARY_WORDS = 5

_BLANK_LINES = regex.compile(r"\n{3,}")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]")
_X_LIGHT = LIGHT_RANGES
_X_HEAVY = regex.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _X_LIGHT) + "]")


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
    """Counts text for one platform, each text once; on X, with `estimate`, by `x_estimate`."""

    def __init__(self, platform: str, limit: int, estimate: bool = False):
        rules = platform_rules(platform)
        self.count: Callable[[str], int] = x_estimate if estimate and platform == "x" else rules.length
        self.limit = limit
        self.byte_limit = rules.byte_limit
        self.lengths: dict[str, int] = {}

    def fits(self, text: str) -> bool:
        if self.byte_limit is not None and utf8_length(text) > self.byte_limit:
            return False
        if text not in self.lengths:
            self.lengths[text] = self.count(text)
        return self.lengths[text] <= self.limit


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


def x_estimate(text: str) -> int:
    """Estimate X's weighted length fast: twitter-text's rules, with emoji found per grapheme cluster.

    twitter-text spends most of its time finding emoji with one large pattern; clusters holding a
    pictographic character are what it finds in ordinary text. The count is checked exactly anyway.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    total, position = 0, 0
    for url in extract_urls(text):
        start = text.find(url, position)
        if start < 0:
            continue
        total += _x_weight(text[position:start]) + URL_LENGTH
        position = start + len(url)
    return total + _x_weight(text[position:])


def _x_weight(text: str) -> int:
    if not _EMOJI.search(text):  # then every character counts alone: 1, or 2 outside the light ranges
        return len(text) + len(_X_HEAVY.findall(text))
    weight = 0
    for cluster in GRAPHEME.findall(text):
        weight += 2 if _EMOJI.search(cluster) else sum(_x_char_weight(char) for char in cluster)
    return weight


@functools.cache
def _x_char_weight(char: str) -> int:
    return 1 if any(low <= ord(char) <= high for low, high in _X_LIGHT) else 2
