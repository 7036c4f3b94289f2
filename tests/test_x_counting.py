"""X's weighted length against twitter-text's conformance files and its Python port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.platforms.x import extract_urls, url_entities, weighted_length
from newsletter.platforms.x_domains import data
from tests import twitter_oracle

DATA = Path(__file__).parent / "data" / "twitter-text"


def _cases(name: str, *sections: str) -> list[Any]:
    tests = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["tests"]
    return [pytest.param(case, id=f"{section}: {case['description']}") for section in sections for case in tests[section]]


@pytest.mark.parametrize(
    "case", _cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")
)
def test_weighted_length_passes_the_v3_conformance_cases(case: dict[str, Any]) -> None:
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", _cases("extract.yml", "urls", "tco_urls_with_params"))
def test_urls_pass_the_extract_conformance_cases(case: dict[str, Any]) -> None:
    assert extract_urls(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "urls_with_indices", "urls_with_directional_markers"))
def test_urls_with_indices_pass_the_extract_conformance_cases(case: dict[str, Any]) -> None:
    found = [(url, [start, start + len(url)]) for start, url in url_entities(case["text"])]
    expected = [(entity["url"], entity["indices"]) for entity in case["expected"]]
    if all(ord(char) <= 0xFFFF for char in case["text"]):  # the files count UTF-16 code units
        assert found == expected
    else:
        assert [url for url, _ in found] == [url for url, _ in expected]


def test_the_data_is_the_oracles() -> None:
    from twitter_text.regexp import emoji, valid_cctld, valid_gtld

    def names(pattern: str) -> list[str]:
        return pattern[pattern.index("(?:(?:") + 6 : pattern.rindex(")(?=")].split("|")

    assert data()["gtlds"] == names(valid_gtld.valid_gtld.pattern)
    assert data()["cctlds"] == names(valid_cctld.valid_cctld.pattern)
    sequences = {
        "".join(chr(int(code, 16)) for code in entry.codepoint.split())
        for entry in emoji.emoji_list
        if " " in entry.codepoint
    }
    assert set(data()["emoji_sequences"]) == sequences
    singles = emoji.emoji.pattern[emoji.emoji.pattern.rindex("|[") + 1 :]
    ranges = [(low, high) for low, high in data()["emoji_ranges"]]
    import re

    single = re.compile(singles)
    assert all(single.fullmatch(chr(low)) and single.fullmatch(chr(high)) for low, high in ranges)
    assert not any(single.fullmatch(chr(low - 1)) or single.fullmatch(chr(high + 1)) for low, high in ranges)


# Pieces from which posts full of URL-like, emoji and wide text are made.
_TLDS = st.sampled_from(["com", "eu", "co", "jp", "org", "comx", "xn--p1ai", "рф", "中国", "onion", "zip", "C0M"])
_LABELS = st.sampled_from(["example", "t", "a-b", "a_b", "-x", "日本", "münchen", "WWW", "x" * 64, "ſite", "K"])
_PIECES = st.one_of(
    st.sampled_from(["http://", "https://", "HTTPS://", "t.co/", "ftp://", "gemini://", "/", "?", "#", "@", "$", ".", "..",
                     "(", ")", "/path_(a)", "?q=1&r=2", ":8080", " ", "\n", "\r\n", "\u202a", "\u2066", "é", "\u0301",
                     "😷", "👨‍👩‍👧‍👦", "👍🏽", "🇪🇺", "1️⃣", "#️⃣", "©", "☺", "\u200d", "\ufe0f", "中文", "–", "…"]),
    _LABELS,
    _TLDS,
    st.builds(lambda label, tld: f"{label}.{tld}", _LABELS, _TLDS),
    st.text(max_size=4),
)
POSTS = st.lists(_PIECES, max_size=16).map("".join)


@given(POSTS)
@settings(max_examples=400, deadline=None)
@example("http://twitter.com/これは日本語です。example.com中国語")
@example("a.com.evil x.xn--abc-d 日本example.com/x HTTPS://EXAMPLE.COM/A")
def test_weighted_length_is_the_libraries(text: str) -> None:
    assert extract_urls(text) == twitter_oracle.extract_urls(text)
    assert weighted_length(text) == twitter_oracle.parse_tweet(text).weightedLength


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_weighted_length_of_any_text_is_the_libraries(text: str) -> None:
    assert weighted_length(text) == twitter_oracle.parse_tweet(text).weightedLength


def _mastodon_reference_spans(text: str) -> list[tuple[int, int]]:
    """Mastodon's URL pattern built as one regular expression from the library's own parts."""
    import regex
    from twitter_text.extract_urls import is_valid_url
    from twitter_text.regexp.valid_domain import valid_domain
    from twitter_text.regexp.valid_tco_url import valid_tco_url
    from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars

    from newsletter.platforms import mastodon

    pattern = regex.compile(
        rf"(?:{valid_url_preceding_chars.pattern})"
        rf"(?P<url>(?P<protocol>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)"
        rf"(?P<domain>{valid_domain.pattern})(?::[0-9]+)?(?:/{mastodon._PATH}*)?"
        rf"(?:\?{mastodon._QUERY_CHAR}*{mastodon._QUERY_END})?)",
        regex.IGNORECASE | regex.VERSION0,
    )
    spans = []
    for match in pattern.finditer(text):
        url = match.group("url")
        if not is_valid_url(url, match.group("protocol"), match.group("domain")):
            continue
        tco = valid_tco_url.search(url)
        url = tco.group(0) if tco else url
        spans.append((match.start("url"), match.start("url") + len(url)))
    return spans


@given(POSTS)
@settings(max_examples=300, deadline=None)
@example("gemini://example.org/capsule https://example.org/a_(b)_c?q=1&r=2#frag. https://example.org/@arnt@grå.org")
def test_mastodon_finds_the_urls_its_pattern_finds(text: str) -> None:
    from newsletter.platforms import mastodon

    assert list(mastodon.url_spans(text)) == _mastodon_reference_spans(text)


@pytest.mark.parametrize(
    "ranges", [[(0x41, 0x5A)], [(0x1F600, 0x1F64F)], [(0xFFF0, 0x10010), (0x20, 0x20)], data()["emoji_ranges"]]
)
def test_a_split_character_class_matches_what_one_class_matches(ranges: list[tuple[int, int]]) -> None:
    from newsletter.platforms.x import _char_class

    every = "".join(map(chr, range(0x110000)))  # each character at its code point
    found = {match.start() for match in _char_class(ranges).finditer(every)}
    assert found == {code for low, high in ranges for code in range(low, high + 1)}


def test_schemes_are_found_from_their_colon_and_slashes() -> None:
    from newsletter.platforms.x_domains import FOLD as _FOLD

    # `_scheme_starts` looks for `://` before case-folding: no character may fold to or from these.
    assert not {ord(":"), ord("/")} & (set(_FOLD) | set(_FOLD.values()))
