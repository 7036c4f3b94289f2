"""X's weighted length: twitter-text 3's rules, without its library.

A post's length on X is the sum of its characters' weights under the v3 configuration
(`config/v3.json`): code points in four ranges weigh 1, every other one 2; each URL the
extractor finds (x_urls) weighs 23 and each emoji 2, whatever its length. The text is first
NFC-normalised and its line endings made `\\n`. Emoji are found by longest match against
Unicode 12.0's emoji sequences, as twitter-text-parser's one large pattern finds them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from newsletter.platforms.x_domains import data
from newsletter.platforms.x_urls import extract_urls, url_entities

LIMIT = 280
URL_LENGTH = 23
SCALE = 100
DEFAULT_WEIGHT = 200
# v3 configuration: code points in these ranges weigh `SCALE`, all others `DEFAULT_WEIGHT`.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _char_class(ranges: list[tuple[int, int]]) -> re.Pattern[str]:
    """A pattern matching one character of the (low, high) code point ranges, quickly.

    Python's `re` looks a character up in a table when a class stays within U+FFFF, but tries
    the ranges one by one when it goes beyond. So the ranges are split: those within U+FFFF in one
    class, those beyond in another, tried only for a character beyond U+FFFF (one range to test).
    """

    def one_class(part: list[tuple[int, int]]) -> str:
        return "[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in part) + "]"

    within = [(low, min(high, 0xFFFF)) for low, high in ranges if low <= 0xFFFF]
    beyond = [(max(low, 0x10000), high) for low, high in ranges if high > 0xFFFF]
    options = [one_class(within)] if within else []
    if beyond:
        options.append("(?=[\\U00010000-\\U0010ffff])" + one_class(beyond))
    return re.compile("|".join(options))


_EMOJI_SEQUENCES: frozenset[str] = frozenset(data()["emoji_sequences"])
_LONGEST_EMOJI = max(map(len, _EMOJI_SEQUENCES))
_EMOJI_SINGLES = _char_class(data()["emoji_ranges"])
# Characters that start an emoji sequence.
_EMOJI_STARTS = frozenset(sequence[0] for sequence in _EMOJI_SEQUENCES)
# A sequence starts with one of these characters and goes on with one of those: a digit starts none
# unless a variation selector or keycap follows ("1\ufe0f\u20e3").
_EMOJI_SECONDS = _char_class([(ord(char), ord(char)) for char in {sequence[1] for sequence in _EMOJI_SEQUENCES}])
_LINE_ENDINGS = re.compile(r"\r\n|\r|\n")
_HEAVY = re.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in LIGHT_RANGES) + "]")

__all__ = ["LIGHT_RANGES", "LIMIT", "URL_LENGTH", "extract_urls", "url_entities", "weighted_length"]


def emoji_entities(text: str) -> Iterator[tuple[int, int]]:
    """Find the emoji X counts as 2, as (start, end): the longest known sequence, else one."""
    starts = {found.start() - 1 for found in _EMOJI_SECONDS.finditer(text, 1) if text[found.start() - 1] in _EMOJI_STARTS}
    singles = {found.start() for found in _EMOJI_SINGLES.finditer(text)}
    position = 0
    for candidate in sorted(starts | singles):
        if candidate < position:
            continue  # inside the sequence just found
        position = candidate
        if position in starts:
            for size in range(min(_LONGEST_EMOJI, len(text) - position), 1, -1):
                if text[position : position + size] in _EMOJI_SEQUENCES:
                    yield position, position + size
                    position += size
                    break
            else:
                if position in singles:
                    yield position, position + 1
                position += 1
        else:
            yield position, position + 1
            position += 1


def normalize(text: str) -> str:
    """The text X counts: NFC, line endings as `\\n`."""
    return _LINE_ENDINGS.sub("\n", unicodedata.normalize("NFC", text))


def weighted_length(text: str) -> int:
    """Return twitter-text's v3 weighted length of a post.

    Left to right, a URL starting at the position weighs `URL_LENGTH`, else an emoji 2, and the
    characters up to the next URL or emoji their own weights.
    """
    text = normalize(text)
    urls = {start: len(url) for start, url in url_entities(text)}
    emoji = {start: end - start for start, end in emoji_entities(text)}
    total, position = 0, 0
    for start in sorted(urls.keys() | emoji.keys()):
        if start < position:
            continue  # inside the URL or emoji just counted
        total += _characters_weight(text, position, start)
        if start in urls:
            total += URL_LENGTH * SCALE
            position = start + urls[start]
        else:
            total += DEFAULT_WEIGHT
            position = start + emoji[start]
    return (total + _characters_weight(text, position, len(text))) // SCALE


def _characters_weight(text: str, start: int, end: int) -> int:
    """The weight of `text[start:end]` counted character by character: `SCALE` each, twice for heavy ones."""
    if start >= end:
        return 0
    return (end - start) * SCALE + len(_HEAVY.findall(text, start, end)) * (DEFAULT_WEIGHT - SCALE)
