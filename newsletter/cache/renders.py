"""Remember rendered parts (an issue's email, an item's social posts) between builds.

A part is looked up by a key made of its data inputs (the edition or item and the settings),
a stable digest of their values, within an `engine`: the program's code and libraries, the
project's templates and its images. Change any of these and the part is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Hashable, Mapping
from datetime import date, time
from enum import Enum
from pathlib import Path, PurePath
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import orjson

from newsletter.cache.freshness import code_fingerprint, folder_digest
from newsletter.cache.kept import Kept
from newsletter.cache.store import MarshalStore

MEMO_FILE = "renders.marshal"
T = TypeVar("T")


class RenderMemo(MarshalStore):
    """Rendered parts by a digest of their inputs."""

    def __init__(self, root: Path, cache_dir: Path, engine: str | None = None):
        super().__init__(cache_dir / MEMO_FILE, engine or memo_engine(root))
        # Digests of the frozen records seen (the settings are in every key), by identity: a long-running
        # process keeps a record an edit leaves alone (cache/kept.py), and so its digest.
        self.known = Kept()
        # What rendering makes of given objects (`Site.made_of`): carried, like the digests, only by builds that
        # render (a build found up to date renders nothing, and must not let it go), and only while the engine stays.
        self.parts = _Parts(self)

    def carry_over(self) -> None:
        super().carry_over()
        self.known.carry_over()
        self.parts.carry_over()

    def remember(self, kind: str, inputs: object, compute: Callable[[], T],
                 pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T:
        """The part for these inputs: remembered, or computed now and kept."""
        key = input_digest(kind, inputs, self.known)
        found = self.get(key)
        if found is not None:
            try:
                packed, made_of = found
                value = unpack(packed)
            except Exception:  # an entry not of the shape this code writes: render afresh
                self.forget(key)
            else:
                # The entries its computing used (an issue's social sheet, its items' posts) stay with it, so that
                # a build that renders the part again (on another day, or with another item) finds them.
                self.use({other: self.entries[other] for other in made_of if other in self.entries})
                return value
        value, used = self.noting(compute)
        self.put(key, (pack(value), tuple(used)))
        return value


class _Parts(Kept):
    """What rendering made of given objects, each with the memo entries its making used: a build that takes it
    again uses them again, so that the memo keeps them (for a build on its own, or another day's)."""

    def __init__(self, memo: RenderMemo):
        super().__init__()
        self._memo = memo

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        value, entries = super().get(key, lambda: self._memo.noting(make))
        if entries:
            self._memo.use(entries)
        return value


def memo_engine(root: Path) -> str:
    """What every remembered part depends on besides its inputs: the program, the project's templates and images."""
    engine = hashlib.sha256(code_fingerprint().encode())
    engine.update(folder_digest(root, "templates", "content/images"))
    return engine.hexdigest()


def input_digest(kind: str, inputs: object, known: Kept | None = None) -> str:
    """A digest of the inputs' values, the same in every run (unlike hash() or some reprs).

    The inputs are written as JSON, what JSON has no type for tagged (`{"\\0date": ...}`), so values
    of different types never meet; a list and a tuple of the same elements do (keys hold tuples).
    What JSON cannot hold (integers beyond 64 bits, lone surrogates) is written by `_feed` instead.
    `known` keeps the digest of each frozen record met, so one shared by many keys is written once.
    """
    known = Kept() if known is None else known
    digest = hashlib.sha256(kind.encode() + b"\0")
    try:
        digest.update(b"json\0" + _json(inputs, known))
    except orjson.JSONEncodeError:
        digest.update(b"walk\0")
        _feed(digest, inputs, known)
    return digest.hexdigest()


# A record, in a key or in another record, is its digest (kept in `known`).
_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json(value: object, known: Kept) -> bytes:
    return orjson.dumps(value, default=lambda other: _tagged(other, known), option=_JSON)


def _tagged(value: object, known: Kept) -> object:
    """What JSON has no type for, as a JSON object tagged with its type."""
    if type(value) in _COMPARED or dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record_entry(value, known)[2]
    if isinstance(value, (date, time)):  # datetime is a date
        return {f"\0{type(value).__name__}": f"{value.isoformat()}|{getattr(value, 'tzinfo', None)}"}
    if isinstance(value, PurePath):
        return {"\0path": value.as_posix()}
    if isinstance(value, ZoneInfo):
        return {"\0zone": value.key}
    if isinstance(value, bytes):
        return {"\0bytes": hashlib.sha256(value).hexdigest()}
    if isinstance(value, (set, frozenset)):
        return {"\0set": sorted(_json(element, known).decode() for element in value)}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):  # a named tuple (a source location): its fields, as a tuple's
        return list(value)
    raise TypeError(f"no stable digest for {type(value).__qualname__}: teach _tagged this type")


def _record(record: Any, known: Kept) -> bytes:
    """The digest of a frozen record (its type and the fields that make two equal), made once per record."""
    return _record_entry(record, known)[1]


def _record_entry(record: Any, known: Kept) -> tuple[object, bytes, dict[str, str]]:
    """The record, its digest, and the tagged JSON object that stands for it in a key."""
    def make() -> tuple[object, bytes, dict[str, str]]:
        digest = _record_digest(record, known)
        return record, digest, {"\0record": digest.hex()}

    # The entry holds the record, so its id names no other object while the entry is kept.
    entry: tuple[object, bytes, dict[str, str]] = known.get(id(record), make)
    return entry


def _record_digest(record: Any, known: Kept) -> bytes:
    digest = hashlib.sha256(type(record).__qualname__.encode() + b"\0")
    names = _compared(type(record))
    try:
        digest.update(b"json\0" + _json({name: getattr(record, name) for name in names}, known))
    except orjson.JSONEncodeError:
        digest.update(b"walk\0")
        for name in names:
            digest.update(b"\0field\0" + name.encode())
            _feed(digest, getattr(record, name), known)
    return digest.digest()


_COMPARED: dict[type, tuple[str, ...]] = {}


def _compared(kind: type) -> tuple[str, ...]:
    """The fields that make two records of a type equal: not those kept beside them (a setting's line number)."""
    if kind not in _COMPARED:
        _COMPARED[kind] = tuple(field.name for field in dataclasses.fields(kind) if field.compare)
    return _COMPARED[kind]


def _feed(digest: Any, value: object, known: Kept) -> None:
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
        atom(b"dataclass", _record(value, known))
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
