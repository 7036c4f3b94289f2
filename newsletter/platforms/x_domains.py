"""Where a domain ends in text, as twitter-text 3's domain pattern takes it: labels, then a known top-level domain.

twitter-text's patterns hold alternations of every top-level domain, which take Python a quarter
of a second to compile; here the labels are matched by hand, exactly as those patterns backtrack
(labels end at dots, so the only choice is how many are subdomains), and the names are looked up
in sets. twitter-text: Copyright 2011 Twitter, Inc., Apache License 2.0; the data is in x_data.json.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any


@functools.cache
def data() -> dict[str, Any]:
    """The top-level domains, emoji and case folds twitter-text's rules use (x_data.json)."""
    loaded: dict[str, Any] = json.loads(Path(__file__).with_name("x_data.json").read_text(encoding="ascii"))
    return loaded


GTLDS: tuple[str, ...] = tuple(data()["gtlds"])
CCTLDS: tuple[str, ...] = tuple(data()["cctlds"])

_TLD_END = "0123456789abcdefghijklmnopqrstuvwxyz@+-"
FOLD = str.maketrans(*data()["case_folds"])
_GTLDS = frozenset(GTLDS)
_CCTLDS = frozenset(CCTLDS)
_LONGEST_TLD = max(map(len, GTLDS + CCTLDS))
_PUNYCODE_CHARS = frozenset("-0123456789abcdefghijklmnopqrstuvwxyz")

_NOT_DOMAIN_CHARS = frozenset(
    "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$"  # punctuation
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # spaces
    "\ufffe\ufeff\uffff"  # invalid
    "\u202a\u202b\u202c\u202d\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"  # directional
)
# A character a domain label holds; a label is a run of them (`domain_end`).
_DOMAIN_RUN_CHAR = "[^" + "".join(re.escape(char) for char in sorted(_NOT_DOMAIN_CHARS - set("-_"))) + "]"
_DOMAIN_LABEL = re.compile(_DOMAIN_RUN_CHAR + "*")
# A whole run of them (none just before) followed by a dot.
DOMAIN_RUN_BEFORE_DOT = re.compile(f"(?<!{_DOMAIN_RUN_CHAR}){_DOMAIN_RUN_CHAR}+(?=\\.)")

def _is_domain_char(char: str) -> bool:
    return char not in _NOT_DOMAIN_CHARS


def tld_end(text: str, start: int) -> int | None:
    """Where a top-level domain starting at `start` ends, as twitter-text's pattern takes it.

    The gTLDs are tried before the ccTLDs, longer names before shorter, and a name must not be
    followed by an ASCII letter or digit, `@`, `+` or `-`; else a punycode label.
    """
    folded = text[start : start + _LONGEST_TLD + 1].translate(FOLD)
    longest = _TLD_CHARS_RUN.match(folded).end()  # type: ignore[union-attr]  # a name is no longer
    for names in (_GTLDS, _CCTLDS):
        for size in range(min(_LONGEST_TLD, longest), 0, -1):
            if folded[:size] in names and folded[size : size + 1] not in _TLD_END_SET:
                return start + size
    if text[start : start + 4].translate(FOLD) == "xn--":
        end = start + 4
        while end < len(text) and text[end].translate(FOLD) in _PUNYCODE_CHARS:
            end += 1
        if end > start + 4:
            return end
    return None


_TLD_END_SET = frozenset(_TLD_END)
# A run of characters the top-level domains are written with.
_TLD_CHARS_RUN = re.compile("[" + "".join(re.escape(char) for char in sorted(set("".join(GTLDS + CCTLDS)))) + "]*")


def domain_end(text: str, start: int) -> int | None:
    """Where twitter-text's domain pattern, matched at `start`, ends; None when it does not match.

    Its labels are `subdomain* domain-name tld`: the labels end at dots, so the only choice is how
    many are subdomains, tried from the most down, as a regular expression backtracks.
    """
    labels: list[tuple[int, bool]] = []  # (position of the dot, has an underscore)
    position = start
    while True:
        end = _DOMAIN_LABEL.match(text, position).end()  # type: ignore[union-attr]  # it matches even nothing
        if end == position or end >= len(text) or text[end] != ".":
            break
        if not (_is_domain_char(text[position]) and _is_domain_char(text[end - 1])):
            break
        labels.append((end, "_" in text[position:end]))
        position = end + 1
    for dot, underscore in reversed(labels):
        if not underscore:
            tld = tld_end(text, dot + 1)
            if tld is not None:
                return tld
    return None
