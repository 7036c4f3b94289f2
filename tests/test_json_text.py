"""Every JSON output (JSON Feed, social drafts and plans, the manifest) is written by one function, orjson's.

It must write the bytes Python's json module writes with two-space indents and characters kept as
they are, for every kind of value outputs hold: text in any script, with quotes, backslashes and
control characters, numbers, booleans, null, lists and mappings nested to any depth.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.outputs import json_bytes, json_elements, json_list

# Any code point a file read as UTF-8 can hold (lone surrogates it cannot).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | TEXT,
    lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner),
    max_leaves=40,
)


@settings(max_examples=200)
@given(value=VALUES)
def test_json_bytes_are_what_the_json_module_writes(value: object) -> None:
    assert json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_control_characters_quotes_and_separators_are_escaped_as_json_escapes_them() -> None:
    value = {"a\"b\\c": ["\x00\x1f\x7f\u2028\u2029\n\t", "Ünïcödé 🔋", "", 0, -1, True, None], "": {}}
    assert json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert json.loads(json_bytes(value)) == value


@settings(max_examples=100)
@given(parts=st.lists(st.lists(VALUES, max_size=3), max_size=4))
def test_a_list_joined_from_parts_is_the_list_written_whole(parts: list[list[object]]) -> None:
    assert json_list(json_elements(part) for part in parts) == json_bytes([value for part in parts for value in part])
