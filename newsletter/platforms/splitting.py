"""Split a long post into a numbered thread.

A thread's parts end in ` 1/3`, ` 2/3`, ...; every part, numbering included,
fits the platform's limit as the platform counts it. Parts break between words
only (never inside a URL, mention, hashtag or emoji), preferring the end of a
paragraph, then of a sentence or line, then any word. A higher-ranked break is
taken only when the part it ends is at least half full, so one short paragraph
does not become a post of its own. A word longer than a whole post (no URL,
mention or hashtag) is cut between grapheme clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import regex

from newsletter.errors import RenderError
from newsletter.platforms.counting import GRAPHEME, fits, measure, platform_rules
from newsletter.platforms.shortening import ELLIPSIS
from newsletter.platforms.x import extract_urls

# No-break spaces join words on purpose (French punctuation, "10 km").
_NO_BREAK = frozenset("\u00a0\u2007\u202f\u2060")
_SENTENCE_END = regex.compile(r"[.!?…‽。！？][\"'”’»)\]]*$")
_LINE_BREAKS = regex.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")
_MENTION_OR_TAG = regex.compile(r"^\W*[@#＠＃]\w")


class UnsplittableTextError(RenderError):
    """A URL, mention or hashtag is longer than one post allows."""


class Break(IntEnum):
    """How good a place between two words is for ending a part."""

    INSIDE_WORD = 0
    WORD = 1
    SENTENCE = 2
    PARAGRAPH = 3


@dataclass(frozen=True, slots=True)
class _Piece:
    """A word, or a cluster-aligned slice of an overlong word, in the text."""

    start: int
    end: int
    break_before: Break


def _words(text: str) -> list[tuple[int, int]]:
    """Find the words: runs of grapheme clusters that are not breaking whitespace."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for match in GRAPHEME.finditer(text):
        cluster = match.group(0)
        is_space = cluster.isspace() and not _NO_BREAK.intersection(cluster)
        if is_space and start is not None:
            spans.append((start, match.start()))
            start = None
        elif not is_space and start is None:
            start = match.start()
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _break_between(text: str, previous: tuple[int, int], start: int) -> Break:
    """Rank the whitespace between a word and the next one starting at `start`."""
    lines = len(_LINE_BREAKS.findall(text, previous[1], start))
    if lines >= 2:
        return Break.PARAGRAPH
    if lines == 1 or _SENTENCE_END.search(text, previous[0], previous[1]):
        return Break.SENTENCE
    return Break.WORD


def is_unbreakable(word: str) -> bool:
    """Tell whether a word is a URL, mention or hashtag, which is never cut."""
    return "://" in word or bool(_MENTION_OR_TAG.match(word)) or bool(extract_urls(word))


def _quote(word: str) -> str:
    return repr(word if len(word) <= 60 else word[:59] + ELLIPSIS)


def _numbering(part: int, total: int) -> str:
    return f" {part}/{total}"


def _pieces(text: str) -> list[_Piece]:
    """Find the words and how good a break stands before each."""
    pieces: list[_Piece] = []
    previous: tuple[int, int] | None = None
    for start, end in _words(text):
        rank = Break.WORD if previous is None else _break_between(text, previous, start)
        pieces.append(_Piece(start, end, rank))
        previous = (start, end)
    return pieces


def _cut_word(text: str, piece: _Piece, room: Callable[[str], bool], label: str) -> list[_Piece]:
    """Cut a word longer than a post between grapheme clusters; URLs and the like refuse."""
    word = text[piece.start : piece.end]
    if is_unbreakable(word):
        raise UnsplittableTextError(
            f"{_quote(word)} is longer than one {label} post allows",
            hint="shorten it, or write this post by hand in the item's `social` front matter",
        )
    chunks: list[_Piece] = []
    chunk_start, rank = piece.start, piece.break_before
    for match in GRAPHEME.finditer(text, piece.start, piece.end):
        if room(text[chunk_start : match.end()]):
            continue
        if match.start() == chunk_start or not room(match.group(0)):
            raise UnsplittableTextError(
                f"a character of {_quote(word)} is longer than one {label} post allows",
                hint="raise the platform's limit",
            )
        chunks.append(_Piece(chunk_start, match.start(), rank))
        chunk_start, rank = match.start(), Break.INSIDE_WORD
    chunks.append(_Piece(chunk_start, piece.end, rank))
    return chunks


def _pack(platform: str, text: str, limit: int | None, total: int) -> list[str]:
    """Fill parts greedily, assuming the thread has `total` parts."""
    widest = _numbering(total, total)
    label = platform_rules(platform).label
    budget = platform_rules(platform).limit if limit is None else limit
    pieces = _pieces(text)
    parts: list[str] = []
    first = 0
    while first < len(pieces):
        suffix = _numbering(len(parts) + 1, total)

        def part(stop: int, first: int = first) -> str:
            return text[pieces[first].start : pieces[stop - 1].end]

        def part_fits(stop: int, suffix: str = suffix) -> bool:
            return fits(platform, part(stop) + suffix, limit)

        if not part_fits(first + 1):
            room = lambda chunk: fits(platform, chunk + widest, limit)  # noqa: E731
            pieces[first : first + 1] = _cut_word(text, pieces[first], room, label)
        # Gallop, then bisect: measuring costs as much as the text measured.
        good, step = first + 1, 1
        while good + step <= len(pieces) and part_fits(good + step):
            good, step = good + step, step * 2
        bad = min(good + step, len(pieces) + 1)
        while bad - good > 1:
            middle = (good + bad) // 2
            good, bad = (middle, bad) if part_fits(middle) else (good, middle)
        stop = good
        if stop < len(pieces):
            stop = _best_break(platform, pieces, first, stop, part, suffix, budget)
        parts.append(part(stop))
        first = stop
    return parts


def _best_break(
    platform: str,
    pieces: list[_Piece],
    first: int,
    last: int,
    part: Callable[[int], str],
    suffix: str,
    budget: int,
) -> int:
    """Pick where to end a part that could run up to piece `last`."""
    for rank in (Break.PARAGRAPH, Break.SENTENCE, Break.WORD):
        candidates = [stop for stop in range(first + 1, last + 1) if pieces[stop].break_before >= rank]
        if candidates and 2 * measure(platform, part(candidates[-1]) + suffix) >= budget:
            return candidates[-1]
    return last


def split_thread(platform: str, text: str, limit: int | None = None) -> list[str]:
    """Split text into numbered parts that each fit one post; one part is not numbered."""
    if not platform_rules(platform).has_threads:
        raise ValueError(f"{platform_rules(platform).label} has no threads")
    text = text.strip()
    if fits(platform, text, limit):
        return [text]
    budget = platform_rules(platform).limit if limit is None else limit
    total = max(2, -(-measure(platform, text) // budget))  # a first guess, often right
    while True:
        parts = _pack(platform, text, limit, total)
        if len(parts) <= total:
            # Fewer parts than assumed only shortens the numbering, so they still fit.
            count = len(parts)
            return [body + _numbering(number, count) for number, body in enumerate(parts, 1)]
        total = len(parts)
