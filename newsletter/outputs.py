"""Channels: each renders the site into in-memory outputs and touches no files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from newsletter.site import Site
    from newsletter.templates import Templates


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: where inside output/, what kind (for the manifest) and its bytes."""

    path: PurePosixPath
    kind: str
    data: bytes


class Renderer(Protocol):
    name: str

    def render(self, site: Site, templates: Templates) -> Iterator[Output]: ...


def text_output(path: str, kind: str, text: str) -> Output:
    """An Output holding UTF-8 text."""
    return Output(PurePosixPath(path), kind, text.encode("utf-8"))
