"""Load twitter-text-parser, the reference for X's weighted length, and re-export what we use.

Its emoji module reads `emoji-test.txt` with `pkg_resources.resource_string`,
which current setuptools no longer ships; while it is imported, a stand-in
that reads the file next to the module takes the place of `pkg_resources`.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path


def _resource_string(module: str, name: str) -> bytes:
    """Read a data file that sits next to a module, as pkg_resources did."""
    origin = sys.modules[module].__file__
    assert origin is not None
    return (Path(origin).parent / name).read_bytes()


def _load() -> None:
    if "pkg_resources" in sys.modules:
        import twitter_text  # noqa: F401
        return
    stand_in = types.ModuleType("pkg_resources")
    setattr(stand_in, "resource_string", _resource_string)
    sys.modules["pkg_resources"] = stand_in
    try:
        import twitter_text  # noqa: F401
    finally:
        del sys.modules["pkg_resources"]


_load()

from twitter_text import extract_urls, parse_tweet  # noqa: E402
from twitter_text.config import config  # noqa: E402
from twitter_text.extract_urls import is_valid_url  # noqa: E402
from twitter_text.regexp.latin_accent_chars import latin_accent_chars  # noqa: E402
from twitter_text.regexp.valid_domain import valid_domain  # noqa: E402
from twitter_text.regexp.valid_tco_url import valid_tco_url  # noqa: E402
from twitter_text.regexp.valid_url_balanced_parens import valid_url_balanced_parens  # noqa: E402
from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars  # noqa: E402

# Most of parse_tweet's time goes into matching its emoji pattern, a long alternation, against the
# whole text. No emoji can match without one of these characters (checked over every code point), so
# a text without any is given no emoji at once; any other text takes the library's own search.
_EMOJI_CANDIDATE = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u2300-\u2bff\u3030\u303d\u3297\u3299"
    "\ufe0f\u20e3\U0001F000-\U0010FFFF]"
)
_extract_emojis = sys.modules["twitter_text.parse_tweet"].extract_emojis_with_indices


def _extract_emojis_if_any(text: str) -> list[dict[str, object]]:
    return _extract_emojis(text) if _EMOJI_CANDIDATE.search(text) else []


setattr(sys.modules["twitter_text.parse_tweet"], "extract_emojis_with_indices", _extract_emojis_if_any)

__all__ = [
    "config",
    "extract_urls",
    "is_valid_url",
    "latin_accent_chars",
    "parse_tweet",
    "valid_domain",
    "valid_tco_url",
    "valid_url_balanced_parens",
    "valid_url_preceding_chars",
]
