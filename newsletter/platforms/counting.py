"""Measure post text the way each platform counts it.

- X: twitter-text v3 weighted length (`x`), limit 280.
- Mastodon: grapheme clusters of Mastodon's countable text (URLs 23, `@user@domain`
  as `@user`), limit 500 unless the server allows more.
- Bluesky: grapheme clusters of the full text, limit 300, and at most 3,000 UTF-8 bytes.
- LinkedIn: UTF-16 code units of the text members see, limit 3,000.
- Threads: 500, characters as code points except emoji, which count their UTF-8 bytes.
"""

from __future__ import annotations

import functools

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import regex

from newsletter.platforms import LABELS

# Each platform's own rules (X's URL and domain tables above all) load when a text is first measured by them:
# a rebuild whose posts are remembered measures only Bluesky's graphemes, for the schedulers' files.

GRAPHEME = regex.compile(r"\X")
# The characters that may make one grapheme cluster with a neighbour (UAX #29: extending and spacing
# marks, joiners, prepended marks, Hangul jamo, regional indicators, conjunct linkers), and any
# character beyond U+FFFF. In text without one, every character is a cluster, but for CR LF.
_MAY_JOIN = regex.compile(
    r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}\p{Grapheme_Cluster_Break=SpacingMark}"
    r"\p{Grapheme_Cluster_Break=Prepend}\p{Grapheme_Cluster_Break=Regional_Indicator}\p{Grapheme_Cluster_Break=L}"
    r"\p{Grapheme_Cluster_Break=V}\p{Grapheme_Cluster_Break=T}\p{Grapheme_Cluster_Break=LV}"
    r"\p{Grapheme_Cluster_Break=LVT}\p{Indic_Conjunct_Break=Linker}\p{Indic_Conjunct_Break=Extend}"
    r"\U00010000-\U0010FFFF]"
)
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]")


def graphemes(text: str) -> list[str]:
    """Split text into extended grapheme clusters (Unicode UAX #29)."""
    return GRAPHEME.findall(text)


def grapheme_count(text: str) -> int:
    """Count extended grapheme clusters; at once for text without a character that may join another.

    Finding the clusters takes three times as long as looking for such a character, which posts
    in Latin, Greek, Cyrillic or Chinese script, with typographic punctuation, seldom hold.
    """
    if text.isascii() or _MAY_JOIN.search(text) is None:  # no ASCII character may join another
        return len(text) - text.count("\r\n")
    return len(GRAPHEME.findall(text))


def utf8_length(text: str) -> int:
    """Count UTF-8 bytes."""
    return len(text.encode("utf-8"))


def utf16_length(text: str) -> int:
    """Count UTF-16 code units, as Java's and JavaScript's `length` do."""
    return len(text.encode("utf-16-le")) // 2


def x_length(text: str) -> int:
    """Return twitter-text's v3 weighted length."""
    from newsletter.platforms.x import weighted_length

    return weighted_length(text)


def mastodon_length(text: str) -> int:
    """Return the length Mastodon's server checks against its limit."""
    from newsletter.platforms import mastodon

    return grapheme_count(mastodon.countable_text(text))


def linkedin_length(text: str) -> int:
    """Return the UTF-16 length of the text a LinkedIn post shows."""
    from newsletter.platforms import linkedin

    return utf16_length(linkedin.displayed_text(text))


def threads_length(text: str) -> int:
    """Count code points, but an emoji as many as its UTF-8 bytes (Threads API docs)."""
    return sum(
        utf8_length(cluster) if _EMOJI.search(cluster) else len(cluster)
        for cluster in GRAPHEME.findall(text)
    )


@dataclass(frozen=True, slots=True)
class PlatformRules:
    """How one platform measures a post and how long a post may be."""

    name: str
    label: str
    limit: int
    unit: str
    has_threads: bool
    length: Callable[[str], int] = field(repr=False, compare=False)
    byte_limit: int | None = None


def _remembered(length: Callable[[str], int]) -> Callable[[str], int]:
    """`length` remembering its recent texts: a generated post is counted while it is fitted, then as the draft."""
    return functools.lru_cache(maxsize=1024)(length)


PLATFORMS: Mapping[str, PlatformRules] = MappingProxyType(
    {
        "x": PlatformRules("x", LABELS["x"], 280, "weighted characters", True, _remembered(x_length)),
        "mastodon": PlatformRules("mastodon", LABELS["mastodon"], 500, "characters", True, _remembered(mastodon_length)),
        "bluesky": PlatformRules(
            "bluesky", LABELS["bluesky"], 300, "graphemes", True, _remembered(grapheme_count), byte_limit=3000
        ),
        "linkedin": PlatformRules("linkedin", LABELS["linkedin"], 3000, "characters", False, _remembered(linkedin_length)),
        "threads": PlatformRules("threads", LABELS["threads"], 500, "characters", True, _remembered(threads_length)),
    }
)


def platform_rules(platform: str) -> PlatformRules:
    """Look up a platform by name; callers validate names against PLATFORMS first."""
    try:
        return PLATFORMS[platform]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise ValueError(f"unknown social platform {platform!r} (known: {known})") from None


def measure(platform: str, text: str) -> int:
    """Return the length of text as the platform counts it."""
    return platform_rules(platform).length(text)


def fits(platform: str, text: str, limit: int | None = None) -> bool:
    """Tell whether text fits one post; `limit` overrides the platform's (e.g. per server)."""
    rules = platform_rules(platform)
    if rules.byte_limit is not None and utf8_length(text) > rules.byte_limit:
        return False
    return rules.length(text) <= (rules.limit if limit is None else limit)


def api_text(platform: str, text: str) -> str:
    """Return the text as the platform's API takes it: LinkedIn little text, else unchanged."""
    from newsletter.platforms import linkedin

    platform_rules(platform)
    return linkedin.commentary(text) if platform == "linkedin" else text
