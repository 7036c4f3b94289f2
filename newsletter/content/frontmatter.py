"""Split a Markdown file into its YAML front matter and body; find the line a key or a text is written on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from newsletter.errors import ContentError, FrontMatterSyntaxError, SourceLocation


_MERGE = "tag:yaml.org,2002:merge"
# Control characters no reader sees and XML cannot hold, such as the form feed a text pasted from a
# PDF brings along: read as spaces, written (`"\f"`) or raw. Tab, line feed and carriage return stay.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A URL written in Markdown, YAML or TOML ends at one of these, or at a punctuation
# mark that ends the sentence ("see https://example.eu/a.").
URL_END = re.compile(r"""$|[\s)\]>"'<`#]|[.,;:!?](?:$|[\s)\]>"'<`])""")
# ... and starts after anything that cannot be part of it ("images/a.png" is not written in "../images/a.png").
_URL_PART = re.compile(r"[\w/.~%+-]")


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names one key twice, which YAML takes silently: the last value wins."""

    def __init__(self, key: str, first_line: int, mark: yaml.Mark):
        super().__init__(None, None, f"'{key}' is written twice in the front matter (first on line {first_line})", mark)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loading, with the C parser when PyYAML has it (several times faster)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        # Refuse a key written twice: a second `draft:` or `date:` must not override the first unseen.
        seen: dict[tuple[str, str], yaml.Node] = {}
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                first = seen.setdefault((key_node.tag, key_node.value), key_node)
                if first is not key_node:
                    # +2: 1-based, and the front matter starts after the opening fence.
                    raise DuplicateKeyError(key_node.value, first.start_mark.line + 2, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_scalar(self, node: yaml.ScalarNode) -> Any:
        value = super().construct_scalar(node)
        return CONTROL_CHARACTERS.sub(" ", value) if isinstance(value, str) else value


# Dates stay text here so that a bad one ("2023-13-01") is reported at its key, not as a crash;
# an explicit `!!timestamp` tag too (the field that reads the value parses it).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)
_FENCE = "---"


@dataclass(frozen=True, slots=True)
class Document:
    """A content file: its parsed front matter, its Markdown body and where each starts."""

    path: Path  # relative to the project root, for messages
    meta: dict[str, Any]
    body: str
    front_matter: str
    body_line: int

    def where(self, key: str | None = None) -> SourceLocation:
        """Locate `key` in the front matter (line of the key), or the file's first line."""
        line = key_line(self.front_matter, key) if key else None
        return SourceLocation(self.path, (line + 1) if line else 1)

    def body_where(self, forms: Iterable[str], *, whole_url: bool = False) -> SourceLocation:
        """Locate the body's line that first writes any of `forms` (see text_line), or where the body starts."""
        line = text_line(self.body, forms, whole_url=whole_url)
        return SourceLocation(self.path, self.body_line + line - 1 if line else self.body_line)


def locate(root: Path, source: Path, key: str | None = None) -> SourceLocation:
    """The line of `key` in the content file `source` (relative to `root`), read again; the file alone if unreadable."""
    try:
        return read_document(root / source, source).where(key)
    except (ContentError, OSError):
        return SourceLocation(source)


def read_document(path: Path, shown_as: Path) -> Document:
    """Read and split a content file; raise ContentError for encoding, empty files and bad YAML."""
    return decode_document(path.read_bytes(), shown_as)


def decode_document(raw: bytes, shown_as: Path) -> Document:
    """Decode a content file's bytes as UTF-8 and split it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError("the file is not UTF-8 text", SourceLocation(shown_as, line), "save it as UTF-8") from None
    return parse_document(text, shown_as)


def parse_document(text: str, shown_as: Path) -> Document:
    """Split `text` at its `---` fences and parse the YAML between them."""
    text = CONTROL_CHARACTERS.sub(" ", text)
    if not text.strip():
        raise ContentError(
            "the file is empty", SourceLocation(shown_as, 1), "add front matter between '---' lines and a body"
        )
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != _FENCE:
        raise FrontMatterSyntaxError(
            "the file does not start with '---'", SourceLocation(shown_as, 1),
            "begin it with a '---' line, the front matter (title:, date:, ...) and another '---' line",
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (_FENCE, "...")), None)
    if end is None:
        raise FrontMatterSyntaxError(
            "the front matter has no closing '---'", SourceLocation(shown_as, 1),
            "add a '---' line after the last front-matter key",
        )
    front = "".join(lines[1:end])
    try:
        meta = yaml.load(front, Loader=_Loader)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else 1
        raise FrontMatterSyntaxError(str(exc.problem), SourceLocation(shown_as, line),
                                     "keep one of the two lines; YAML would silently drop the first value") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the opening fence
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise FrontMatterSyntaxError(
            f"front matter is not valid YAML ({problem})", SourceLocation(shown_as, line),
            "check the indentation and quote values that contain ':' or '#'",
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterSyntaxError(
            "front matter must be 'key: value' lines", SourceLocation(shown_as, 2), "write one 'key: value' per line"
        )
    return Document(shown_as, meta, "".join(lines[end + 1 :]), front, end + 2)


def text_line(text: str, forms: Iterable[str], *, whole_url: bool = False) -> int | None:
    """The 1-based line of `text` where any of `forms` is first written, or None.

    With `whole_url`, a form counts only where it stands as a whole URL: not inside a longer one.
    """
    best: int | None = None
    for form in forms:
        start = text.find(form) if form else -1
        while start != -1 and (best is None or start < best):
            if not whole_url or (
                not (start and _URL_PART.match(text, start - 1)) and URL_END.match(text, start + len(form))
            ):
                best = start
                break
            start = text.find(form, start + 1)
    return None if best is None else text.count("\n", 0, best) + 1


def key_line(front_matter: str, key: str) -> int | None:
    """Return the 1-based line of `key` in the front matter, by composing the YAML.

    A dotted key (`event.start`) is looked up inside its mapping; when the inner key is not
    written, the line of the nearest one that is (`event:`) is returned.
    """
    # Only called on the error path, so the second parse costs nothing in a good build.
    try:
        node = yaml.compose(front_matter, Loader=_Loader)
    except yaml.YAMLError:
        return None
    found = _key_node(node, key)
    if found is not None:  # a top-level key that holds a dot itself
        return int(found.start_mark.line) + 1
    line = None
    for part in key.split("."):
        found = _key_node(node, part)
        if found is None:
            break
        line = int(found.start_mark.line) + 1
        node = _value_node(node, found)
    return line


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((key_node for key_node, _value in node.value if key_node.value == key), None)


def _value_node(node: yaml.Node | None, key_node: yaml.Node) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    value: yaml.Node = next(value for candidate, value in node.value if candidate is key_node)
    return value
