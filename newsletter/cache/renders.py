"""Remember rendered parts (an issue's email, an item's social posts) between builds.

A part is looked up by a key made of its data inputs (the edition or item and the settings),
a stable digest of their values, within an `engine`: the program's code and libraries, the
project's templates and its images. Change any of these and the part is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from datetime import date, time
from enum import Enum
from pathlib import Path, PurePath
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from newsletter.cache.freshness import code_fingerprint, files_below, tree_digest
from newsletter.cache.store import MarshalStore

MEMO_FILE = "renders.marshal"
T = TypeVar("T")


class RenderMemo(MarshalStore):
    """Rendered parts by a digest of their inputs."""

    def __init__(self, root: Path, cache_dir: Path, engine: str | None = None):
        super().__init__(cache_dir / MEMO_FILE, engine or memo_engine(root))
        # Digests of the frozen records seen in this build (the settings are in every key), by identity.
        self.known: dict[int, tuple[object, bytes]] = {}

    def carry_over(self) -> None:
        super().carry_over()
        self.known = {}  # the records of the last build: let them go

    def remember(self, kind: str, inputs: object, compute: Callable[[], T],
                 pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T:
        """The part for these inputs: remembered, or computed now and kept."""
        key = input_digest(kind, inputs, self.known)
        found = self.get(key)
        if found is not None:
            try:
                return unpack(found)
            except Exception:  # an entry not of the shape this code writes: render afresh
                self.forget(key)
        value = compute()
        self.put(key, pack(value))
        return value


def memo_engine(root: Path) -> str:
    """What every remembered part depends on besides its inputs: the program, the project's templates and images."""
    templates, images = root / "templates", root / "content" / "images"
    engine = hashlib.sha256(code_fingerprint().encode())
    engine.update(tree_digest(root, [*files_below(templates), *files_below(images)]))
    return engine.hexdigest()


def input_digest(kind: str, inputs: object, known: dict[int, tuple[object, bytes]] | None = None) -> str:
    """A digest of the inputs' values, the same in every run (unlike hash() or some reprs).

    `known` keeps the digest of each frozen record met, so one shared by many keys is walked once.
    """
    digest = hashlib.sha256(kind.encode() + b"\0")
    _feed(digest, inputs, {} if known is None else known)
    return digest.hexdigest()


def _feed(digest: Any, value: object, known: dict[int, tuple[object, bytes]]) -> None:
    """Write `value` into `digest` as a tagged, length-prefixed encoding: distinct values never meet."""
    def atom(tag: bytes, data: bytes) -> None:
        digest.update(tag + len(data).to_bytes(8, "big") + data)

    if value is None or isinstance(value, (bool, int, float)):
        atom(type(value).__name__.encode(), repr(value).encode())
    elif isinstance(value, Enum):
        atom(b"enum", f"{type(value).__qualname__}.{value.name}".encode())
    elif isinstance(value, str):
        atom(b"str", value.encode("utf-8", "surrogatepass"))
    elif isinstance(value, bytes):
        atom(b"bytes", value)
    elif isinstance(value, (date, time)):  # datetime is a date
        atom(type(value).__name__.encode(), f"{value.isoformat()}|{getattr(value, 'tzinfo', None)}".encode())
    elif isinstance(value, ZoneInfo):
        atom(b"zone", str(value.key).encode())
    elif isinstance(value, PurePath):
        atom(b"path", value.as_posix().encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) not in known:
            record = hashlib.sha256(type(value).__qualname__.encode())
            for field in dataclasses.fields(value):
                if field.compare:  # what makes two values equal; not line numbers kept beside them
                    record.update(b"\0field\0" + field.name.encode())
                    _feed(record, getattr(value, field.name), known)
            known[id(value)] = (value, record.digest())  # the value is kept, so its id is not reused
        atom(b"dataclass", known[id(value)][1])
    elif isinstance(value, (tuple, list)):
        atom(b"seq", str(len(value)).encode())
        for element in value:
            _feed(digest, element, known)
    elif isinstance(value, Mapping):
        atom(b"map", str(len(value)).encode())
        for key_digest, element in sorted((input_digest("", key, known), element) for key, element in value.items()):
            atom(b"key", key_digest.encode())
            _feed(digest, element, known)
    elif isinstance(value, (set, frozenset)):
        atom(b"set", "".join(sorted(input_digest("", element, known) for element in value)).encode())
    else:
        raise TypeError(f"no stable digest for {type(value).__qualname__}: teach _feed this type")
