"""What channels produce: Output (one file's bytes) and the Renderer every channel is."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from newsletter.site import Site
    from newsletter.templates import Templates

T = TypeVar("T")


def json_bytes(value: object) -> bytes:
    """`value` as an output's JSON, in UTF-8: indented by two spaces, characters as they are, a final newline.

    orjson writes what `json.dumps(value, ensure_ascii=False, indent=2)` writes for the strings, numbers,
    lists and mappings outputs hold (tests/test_json_text.py), in a tenth of the time."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


# Kinds of outputs whose bytes are not held between builds: the files copied as they are from the project or the
# theme (its images, static files, linked files), read anew by every build and maybe large; and, of kind "image" as
# well, the site's share card (small: its digest is taken again each build).
COPIED_KINDS = frozenset({"image", "asset", "file"})


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: where inside output/, what kind (for the manifest) and its bytes."""

    path: PurePosixPath
    kind: str
    data: bytes


class Memo(Protocol):
    """Gives the part for `inputs`: computed, or remembered from an earlier build (see cache/renders.py).

    `pack` turns the part into plain data to keep, `unpack` back; `inputs` must be everything the part
    depends on besides the program, the project's templates and its images.
    """

    def __call__(self, kind: str, inputs: object, compute: Callable[[], T],
                 pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T: ...


def no_memo(kind: str, inputs: object, compute: Callable[[], T],
            pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T:
    """Render every part afresh."""
    return compute()


class Renderer(Protocol):
    """A channel: reads the site, returns outputs in memory, touches no files."""

    name: str

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]: ...


@runtime_checkable
class Divisible(Renderer, Protocol):
    """A channel whose outputs fall into independent parts: part `part` of `parts` is rendered on its own
    (in a worker), and the parts' outputs, one after another, are the channel's outputs in `render`'s order."""

    def render_part(self, site: Site, templates: Templates, memo: Memo, part: int, parts: int) -> Iterator[Output]: ...


@functools.lru_cache(maxsize=16384)
def output_path(path: str) -> PurePosixPath:
    """An output's path from its text: made once for the paths of the last builds (a path is immutable, so
    outputs share it; a build of thousands of files makes each again otherwise)."""
    return PurePosixPath(path)


def text_output(path: str, kind: str, text: str) -> Output:
    """An Output holding UTF-8 text."""
    return Output(output_path(path), kind, text.encode("utf-8"))


def json_elements(values: Iterable[object]) -> bytes:
    """Elements of a JSON list as `json_bytes` writes them inside it, one after another: a long list whose parts
    are made (and kept) apart is joined by `json_list`."""
    return b",\n".join(b"  " + json_bytes(value)[:-1].replace(b"\n", b"\n  ") for value in values)


def json_list(parts: Iterable[bytes]) -> bytes:
    """What `json_bytes` writes for the list of the elements in `parts` (each from `json_elements`)."""
    chunks = [part for part in parts if part]
    if not chunks:
        return b"[]\n"
    chunks[0] = b"[\n" + chunks[0]
    chunks[-1] = chunks[-1] + b"\n]\n"
    return b",\n".join(chunks)  # the whole copied once


def json_output(path: str, kind: str, value: object) -> Output:
    """An Output holding `value` as JSON (`json_bytes`)."""
    return Output(output_path(path), kind, json_bytes(value))
