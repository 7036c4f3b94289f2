"""Shorten text at a sentence's end or after a word: the one shortening routine of posts and link previews."""

from __future__ import annotations

import regex

ELLIPSIS = "…"  # what a text cut inside its first sentence ends with

# Words for cutting: no-break spaces join words on purpose ("10 km", French punctuation).
_WORD = regex.compile(r"(?:[^\s]|[\u00a0\u2007\u202f])+")
_TRAILING_PUNCTUATION = regex.compile(r"[\s,;:.!?…\-–—(\[{\"'“‘«]+$")


def cuts(text: str, minimum_words: int, or_nothing: bool = False, whole_sentences: bool = False) -> list[str]:
    """The ways to shorten `text`, shortest first, ending with the whole text; the one shortening routine.

    Whole sentences are preferred: once the first sentence is whole, the text is only ever cut at
    a sentence's end (and then reads complete, the link leading to the rest). Inside the first
    sentence it is cut after a word (keeping at least `minimum_words`) and ends with "…", never
    inside a word; with `whole_sentences`, never. `or_nothing` puts the empty text first.
    """
    ends = [match.end() for match in _WORD.finditer(text)]
    sentence_ends = [end for end in sentence_breaks(text) if end < len(text.rstrip())]
    first = sentence_ends[0] if sentence_ends else len(text)
    options = [""] if or_nothing else []
    for end in ends[max(minimum_words, 1) - 1 : -1]:
        if end >= first or whole_sentences:
            break
        cut = _TRAILING_PUNCTUATION.sub("", text[:end])
        if cut and (not options or options[-1] != cut + ELLIPSIS):
            options.append(cut + ELLIPSIS)
    options.extend(text[:end].rstrip() for end in sentence_ends)
    options.append(text)
    return options


# A sentence ends at . ! ? or … (and closing quotes or brackets), before a space and a capital letter,
# unless the word before the stop is an initial ("A. Martin") or a usual abbreviation.
_SENTENCE_BREAK = regex.compile(r"(?<=[.!?…‽])[\"'”’»)\]]*(?=\s+[\"“«(]?\p{Lu})")
_ABBREVIATION = regex.compile(
    r"(?:^|\s)(?:\p{L}|e\.g|i\.e|etc|vs|cf|Dr|Prof|Mr|Mrs|Ms|St|No|Nos|vol|Vol|pp|Fig|Eq|approx|ca|al|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Ltd|Co|Corp|Dept|Univ)\.$"
)


def sentence_breaks(text: str) -> list[int]:
    """Where the sentences of `text` end (after their stop and closing quotes), in order."""
    return [match.end() for match in _SENTENCE_BREAK.finditer(text)
            if not _ABBREVIATION.search(text, 0, match.start())]
