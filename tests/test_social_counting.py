"""Counting post text as X, Mastodon, Bluesky, LinkedIn and Threads count it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.settings.social import PLATFORMS as SETTINGS_PLATFORMS
from newsletter.platforms.counting import (
    PLATFORMS,
    api_text,
    fits,
    grapheme_count,
    measure,
    platform_rules,
    utf8_length,
)
from tests.twitter_oracle import config, parse_tweet

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
THUMB_MEDIUM = "\U0001f44d\U0001f3fd"
EU_FLAG = "\U0001f1ea\U0001f1fa"
KEYCAP_ONE = "1\ufe0f\u20e3"
SCIENTIST = "\U0001f469\U0001f3fd\u200d\U0001f52c"
LONG_URL = (
    "https://opincharge.eu/news/2023-12-12-kickoff"
    "?utm_source=newsletter&utm_medium=social&utm_campaign=december"
)
MIXED = (
    "Kick-off in Esch-sur-Alzette \U0001f1f1\U0001f1fa with @list@mastodon.social, "
    f"#OPINCHARGE and https://opincharge.eu/news {SCIENTIST}"
)

# text, X, Mastodon, Bluesky graphemes, UTF-8 bytes, LinkedIn (UTF-16), Threads
TABLE = [
    ("Hello world", 11, 11, 11, 11, 11, 11),
    ("https://ex.eu", 23, 23, 13, 13, 13, 13),
    (LONG_URL, 23, 23, 107, 107, 107, 107),
    ("see opincharge.eu/news", 27, 22, 22, 22, 22, 22),
    (THUMB_MEDIUM, 2, 1, 1, 8, 4, 8),
    (FAMILY, 2, 1, 1, 25, 11, 25),
    (EU_FLAG, 2, 1, 1, 8, 4, 8),
    (KEYCAP_ONE, 2, 1, 1, 7, 3, 7),
    ("日本語", 6, 3, 3, 9, 3, 3),
    ("café", 4, 4, 4, 5, 4, 4),
    ("cafe\u0301", 4, 4, 4, 6, 5, 5),
    ("@user@server.social", 19, 5, 19, 19, 19, 19),
    ("@user", 5, 5, 5, 5, 5, 5),
    ("#OpenScience", 12, 12, 12, 12, 12, 12),
    (MIXED, 102, 84, 103, 124, 112, 124),
]


@pytest.mark.parametrize(("text", "x", "mastodon", "bluesky", "utf8", "linkedin", "threads"), TABLE)
def test_every_platform_counts_the_table(
    text: str, x: int, mastodon: int, bluesky: int, utf8: int, linkedin: int, threads: int
) -> None:
    assert measure("x", text) == x == parse_tweet(text).weightedLength
    assert measure("mastodon", text) == mastodon
    assert measure("bluesky", text) == bluesky == grapheme_count(text)
    assert utf8_length(text) == utf8
    assert measure("linkedin", text) == linkedin
    assert measure("threads", text) == threads


# twitter-text's conformance/validate.yml, WeightedTweetsCounterTest (v2 config)
# and WeightedTweetsWithDiscountedEmojiCounterTest (v3, what X uses), rebuilt here:
# repeated inputs are generated, the long Chinese poem is a repeated line of the
# same weight, and the long-URL case uses fewer repetitions with the same rule.
_X10 = "xxxxxxxxxx-"
_CJK = "故人西辞黄鹤楼，烟花三月下扬州。" * 10
_KANA = "あいうえおかきくけこ"
_PUNCTUATION = (
    "This is a tweet with general punctuation characters: "
    + "".join(map(chr, range(0x2000, 0x200E)))
    + " "
    + " ".join(map(chr, range(0x2010, 0x2017)))
    + "  "
    + " ".join(map(chr, [0x2017, *range(0x2018, 0x2020), *range(0x2032, 0x2038)]))
)
_BAD_DOMAIN = "Long url: https://" + "somesuperlongurl" * 40 + ".com/foo https://validurl.com"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"

# description, text, v2 weighted length, v3 weighted length (None: no such case)
CONFORMANCE = [
    ("Regular Tweet with url", "Hi http://test.co", 26, 26),
    ("Just url", "http://test.co", 23, 23),
    ("Long tweet, overflow at char index 280", "285 chars-" + _X10 * 25, 285, 285),
    ("Long tweet with url in the middle", "285 chars- http://www.twitter.com/jack " + _X10 * 24, 299, 299),
    ("Long tweet with url at the end", _X10 * 24 + " http://www.twitter.com/jack ", 289, 289),
    ("10 url string, no overflow", "https://www.twitter.com/aloha " * 10, 240, 240),
    ("160 CJK char", _CJK, 320, 320),
    ("160 emoji char", "\U0001f637" * 160, 320, 320),
    ("3 latin char + 160 CJK char", "the" + _CJK, 323, 323),
    ("'Á' is normalized into 1 char", "A\u0301B", 2, None),
    ("שּׁ is normalized into 3 chars", "A\ufb2c", 4, None),
    ("282 chars with a normalized character", "282 chars-" + _X10 * 24 + "xxxxxA\u0301x", 281, 281),
    ("single and double word characters", "H\U0001f431\u263a" + FAMILY, 16, 7),
    ("emoji inside the BMP", "\U0001f637\U0001f47e\U0001f621\U0001f525\U0001f4a9", 10, 10),
    ("emoji with skin tone modifiers", "\U0001f64b\U0001f3fd\U0001f468\u200d\U0001f3a4", 9, 4),
    ("General Punctuation with visible spaces", _PUNCTUATION, 112, None),
    ("General Punctuation, no ZWJ/ZWNJ", _PUNCTUATION.replace("\u200c\u200d", ""), None, 110),
    ("long url with invalid domain labels", _BAD_DOMAIN, len(_BAD_DOMAIN) + 3, len(_BAD_DOMAIN) + 3),
    ("64 character domain without protocol", "randomurl" * 7 + "s.com", 68, 68),
    ("CJK host over 63 punycode chars", _KANA * 12 + " http://" + _KANA * 5 + "あいう.com", 358, 358),
    ("CJK host under 63 punycode chars", _KANA * 12 + " http://" + _KANA * 5 + "あい.com", 264, 264),
    ("140 family emoji", FAMILY * 140, None, 280),
    (
        "Unicode 10.0 emoji",
        f"Unicode 10.0 emoji: \U0001f92a; \U0001f9d5; \U0001f9d5\U0001f3fe; {ENGLAND}",
        None,
        34,
    ),
    ("Unicode 9.0 emoji", "Unicode 9.0 emoji: \U0001f920; \U0001f483; \U0001f483\U0001f3fe", None, 29),
    ("Handle invalid characters", "ABC\u202a\uffffABC\ufffe", 12, 12),
    ("directional characters", "\u2066\u202ahttp://foobar.پاکستان/\u202c\u2069", 31, 31),
    ("Count multiple URLs correctly", "Test https://test.com test https://test.com test.com test", 86, 86),
]


@pytest.mark.parametrize(("description", "text", "v2", "v3"), CONFORMANCE, ids=[c[0] for c in CONFORMANCE])
def test_x_matches_twitter_text_conformance(description: str, text: str, v2: int | None, v3: int | None) -> None:
    if v2 is not None:
        version2 = {**config["version2"], "emoji_parsing_enabled": False}
        assert parse_tweet(text, version2).weightedLength == v2
    if v3 is not None:
        assert measure("x", text) == v3


def test_x_limit_is_280_weighted() -> None:
    assert fits("x", "a" * 280)
    assert not fits("x", "a" * 281)
    assert fits("x", "の" * 140)
    assert not fits("x", "の" * 141)
    assert fits("x", "a" * 281, limit=25_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gemini://example.org/capsule", 23),
        ("https://example.org/a_(b)_c?q=1&r=2#frag.", 24),
        ("https://example.org/@arnt@grå.org", 23),
        ("mail arnt@grå.org", 17),
        ("hi @arnt@grå.org, bye", 13),
        ("see example.com here", 20),
        ("https://example.org/" + "a" * 300, 23),
    ],
)
def test_mastodon_counts_urls_and_mentions_as_its_server_does(text: str, expected: int) -> None:
    assert measure("mastodon", text) == expected


def test_mastodon_limit_is_configurable_per_server() -> None:
    text = "a" * 501
    assert not fits("mastodon", text)
    assert fits("mastodon", text, limit=5000)


def test_bluesky_limits_graphemes_and_bytes() -> None:
    assert fits("bluesky", "a" * 300)
    assert not fits("bluesky", "a" * 301)
    assert fits("bluesky", FAMILY * 120)  # 120 graphemes, 3,000 bytes
    assert not fits("bluesky", FAMILY * 120 + "a")  # 121 graphemes, 3,001 bytes
    assert not fits("bluesky", FAMILY * 121, limit=1000)  # byte limit stays


def test_linkedin_counts_utf16_code_units_of_what_members_see() -> None:
    assert platform_rules("linkedin").limit == 3000
    assert measure("linkedin", "Hi @[ACME Corp](urn:li:organization:1234)!") == len("Hi ACME Corp!")
    assert measure("linkedin", "{hashtag|\\#|Tag}") == len("#Tag")
    assert fits("linkedin", "é" * 3000)
    assert not fits("linkedin", "\U0001f50b" * 1501)


# Pieces of LinkedIn posts: API mentions and hashtag templates, whole and in parts, among text and URLs.
_LITTLE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["@[", "@", "[", "]", "](", "(urn:li:organization:1)", "urn:li:person:a", ")", "\\", "\\]",
                         "{hashtag|", "{", "}", "hashtag", "|", "\\#", "#", "＃", "Tag", "#Tag", "https://ex.eu/a#b",
                         "ACME Corp", " ", "\n", "é", "@[ACME](urn:li:organization:1)", "{hashtag|\\#|Tag}"]),
        st.text(max_size=3),
    ),
    max_size=14,
).map("".join)


@given(_LITTLE_TEXT)
@settings(max_examples=300, deadline=None)
def test_linkedin_shows_text_without_mentions_or_templates_as_written(text: str) -> None:
    from newsletter.platforms import linkedin

    # `displayed_text` returns such text at once: no mention or template may be found in it.
    kinds = {kind for match in linkedin._TOKEN.finditer(text) for kind, found in match.groupdict().items() if found}
    if "@[" not in text and "{hashtag|" not in text:
        assert not kinds & {"mention", "name", "template", "value"}
        assert linkedin.displayed_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain text.", "Plain text."),
        (r"a \ b | c {d} [e] (f) <g> *h* _i_ ~j~", r"a \\ b \| c \{d\} \[e\] \(f\) \<g\> \*h\* \_i\_ \~j\~"),
        ("mail me@example.org", r"mail me\@example.org"),
        ("#OpenScience and #EU2030", r"{hashtag|\#|OpenScience} and {hashtag|\#|EU2030}"),
        ("C# and #1 and a#b", r"C\# and \#1 and a\#b"),
        ("#open_science", r"{hashtag|\#|open}\_science"),
        ("(#Tag)", r"\({hashtag|\#|Tag}\)"),
        ("Hi @[ACME Corp](urn:li:organization:1234)", "Hi @[ACME Corp](urn:li:organization:1234)"),
        (r"{hashtag|\#|Tag} stays", r"{hashtag|\#|Tag} stays"),
        ("https://x.org/a_(b)#frag", r"https://x.org/a\_\(b\)\#frag"),
    ],
)
def test_linkedin_api_text_is_escaped_little_text(text: str, expected: str) -> None:
    assert api_text("linkedin", text) == expected


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky", "threads"])
def test_api_text_is_unchanged_elsewhere(platform: str) -> None:
    assert api_text(platform, "a (b) #c @d_e") == "a (b) #c @d_e"


def test_threads_counts_emoji_as_utf8_bytes() -> None:
    assert measure("threads", "ok \U0001f50b") == 3 + 4
    assert fits("threads", "a" * 500)
    assert fits("threads", "a" * 496 + "\U0001f50b")
    assert not fits("threads", "a" * 497 + "\U0001f50b")


def test_platforms_describe_their_limits() -> None:
    assert {name: rules.limit for name, rules in PLATFORMS.items()} == {
        "x": 280,
        "mastodon": 500,
        "bluesky": 300,
        "linkedin": 3000,
        "threads": 500,
    }
    assert tuple(PLATFORMS) == SETTINGS_PLATFORMS
    assert [name for name, rules in PLATFORMS.items() if not rules.has_threads] == ["linkedin"]
    assert platform_rules("bluesky").byte_limit == 3000


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown social platform 'facebook'"):
        measure("facebook", "hi")


def test_loading_twitter_text_leaves_no_stand_in_behind() -> None:
    import sys

    stand_in = sys.modules.get("pkg_resources")
    assert stand_in is None or hasattr(stand_in, "working_set")


# One character of each kind that joins no neighbour: letter, pictograph, control, format, CR, LF, consonant.
_LONE_KINDS = ["a", "\u00a9", "\x00", "\u200b", "\r", "\n", "\u0915"]


@pytest.mark.parametrize("neighbour", _LONE_KINDS)
def test_every_character_that_joins_no_neighbour_is_a_cluster_beside_any_such(neighbour: str) -> None:
    from newsletter.platforms.counting import GRAPHEME, _MAY_JOIN

    lone = _MAY_JOIN.sub("", "".join(map(chr, range(0x10000))))
    assert _MAY_JOIN.search(neighbour) is None and len(lone) > 50000
    assert _MAY_JOIN.search("".join(map(chr, range(128)))) is None  # ASCII text is counted without a look
    text = neighbour + neighbour.join(lone) + neighbour
    assert len(GRAPHEME.findall(text)) == len(text) - text.count("\r\n") == grapheme_count(text)


@given(st.lists(st.one_of(st.sampled_from([*_LONE_KINDS, "\u0301", "\u094d", "\u1cf5", "\u200d", "\U0001f468", "\u1100",
                                           "\u1161", "\U0001f1ea", "\U0001f3fd", "\ufe0f", "\u0600", "\u0903"]),
                          st.text(max_size=3)), max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_grapheme_count_counts_the_clusters(text: str) -> None:
    from newsletter.platforms.counting import GRAPHEME

    assert grapheme_count(text) == len(GRAPHEME.findall(text))
