"""Splitting long posts into numbered threads and shortening text to fit."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.errors import NewsletterError
from newsletter.platforms.counting import fits, graphemes, measure
from newsletter.platforms.splitting import UnsplittableTextError, split_thread

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
NUMBERING = re.compile(r" (\d+)/(\d+)$")

WORDS = [
    "battery",
    "research",
    "Luxembourg",
    "Esch-sur-Alzette",
    "coûte",
    "cafe\u0301",
    "日本語の研究",
    "interoperability.",
    "done!",
    "(see",
    "below)",
    "10\u00a0km",
    "https://opincharge.eu",
    "https://opincharge.eu/news/2023-12-12-kickoff?utm_source=newsletter&utm_medium=social",
    "opincharge.eu/partners",
    "@list@mastodon.social",
    "@opincharge",
    "#OPINCHARGE",
    "#BatteryResearch",
    FAMILY,
    "\U0001f44d\U0001f3fd",
    "\U0001f1ea\U0001f1fa",
    "1\ufe0f\u20e3",
]
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", "  "]


@st.composite
def posts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=120))
    pieces = [words[0]]
    for word in words[1:]:
        pieces.append(draw(st.sampled_from(SEPARATORS)))
        pieces.append(word)
    return "".join(pieces)


def _bodies(parts: list[str]) -> list[str]:
    if len(parts) == 1:
        return parts
    bodies = []
    for number, part in enumerate(parts, 1):
        match = NUMBERING.search(part)
        assert match is not None, part
        assert (int(match.group(1)), int(match.group(2))) == (number, len(parts))
        bodies.append(part[: match.start()])
    return bodies


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    text=posts(),
    platform_limit=st.sampled_from(
        [("x", None), ("x", 120), ("mastodon", None), ("mastodon", 130), ("bluesky", None), ("bluesky", 110), ("threads", 200)]
    ),
)
def test_thread_parts_fit_and_keep_every_word_whole_and_in_order(
    text: str, platform_limit: tuple[str, int | None]
) -> None:
    platform, limit = platform_limit
    parts = split_thread(platform, text, limit)
    assert all(fits(platform, part, limit) for part in parts)
    bodies = _bodies(parts)
    assert all(body == body.strip() and body for body in bodies)
    assert [word for body in bodies for word in body.split()] == text.split()


def test_a_post_that_fits_is_one_unnumbered_part() -> None:
    assert split_thread("x", "  Short news.  ") == ["Short news."]


def test_parts_prefer_paragraph_then_sentence_then_word_breaks() -> None:
    first = "First paragraph, which is long enough to fill more than half of a post on its own here."
    second = "Second paragraph. It has two sentences and goes on for quite a while longer than that."
    parts = split_thread("mastodon", f"{first}\n\n{second}", limit=120)
    assert parts == [first + " 1/2", second + " 2/2"]

    sentences = " ".join(["This sentence is exactly as long as it needs to be."] * 4)
    parts = split_thread("mastodon", sentences, limit=120)
    assert all(part.endswith(".") for part in _bodies(parts))


def test_a_short_paragraph_does_not_become_a_post_of_its_own() -> None:
    text = "Short intro.\n\n" + " ".join(["word"] * 60)
    parts = split_thread("bluesky", text, limit=100)
    assert parts[0].startswith("Short intro.\n\nword word")
    assert all(measure("bluesky", part) <= 100 for part in parts)


def test_numbering_grows_wider_with_ten_or_more_parts() -> None:
    text = " ".join(f"word{number}" for number in range(200))
    parts = split_thread("mastodon", text, limit=60)
    assert len(parts) >= 10
    assert parts[-1].endswith(f" {len(parts)}/{len(parts)}")
    assert all(measure("mastodon", part) <= 60 for part in parts)


def test_an_overlong_word_is_cut_between_grapheme_clusters() -> None:
    parts = split_thread("bluesky", FAMILY * 150, limit=100)
    bodies = _bodies(parts)
    assert "".join(bodies) == FAMILY * 150
    assert all(set(graphemes(body)) == {FAMILY} for body in bodies)
    assert all(fits("bluesky", part, 100) for part in parts)


def test_a_url_longer_than_a_post_cannot_be_split() -> None:
    url = "https://example.org/" + "a" * 400
    with pytest.raises(UnsplittableTextError) as raised:
        split_thread("bluesky", f"Read {url} now")
    assert isinstance(raised.value, NewsletterError)
    assert "longer than one Bluesky post allows" in str(raised.value)
    assert "; shorten it" in str(raised.value)
    # X counts every URL as 23, so the same text splits or fits there.
    assert split_thread("x", f"Read {url} now") == [f"Read {url} now"]


def test_linkedin_has_no_threads() -> None:
    with pytest.raises(ValueError, match="LinkedIn has no threads"):
        split_thread("linkedin", "text")


