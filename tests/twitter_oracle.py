"""twitter-text-parser, the Python port of twitter-text, as a test oracle for X's weighted length.

Its emoji module reads `emoji-test.txt` with `pkg_resources.resource_string`, which current
setuptools no longer ships; while it is imported, a stand-in that reads the file next to the
module takes the place of `pkg_resources`.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path


def _resource_string(module: str, name: str) -> bytes:
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

__all__ = ["config", "extract_urls", "parse_tweet"]
