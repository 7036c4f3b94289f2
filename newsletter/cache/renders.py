"""Remember rendered parts (an issue's email, an item's social posts) between builds.

A part is looked up by a key made of its data inputs (the edition or item and the settings,
through their reprs) within an `engine`: the program's code and libraries, the project's
templates and its images. Change any of these and the part is rendered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from newsletter.cache.freshness import code_fingerprint, files_below, tree_digest
from newsletter.cache.store import MarshalStore

MEMO_FILE = "renders.marshal"
T = TypeVar("T")


class RenderMemo(MarshalStore):
    """Rendered parts by the reprs of their inputs."""

    def __init__(self, root: Path, cache_dir: Path):
        templates, images = root / "templates", root / "content" / "images"
        engine = hashlib.sha256(code_fingerprint().encode())
        engine.update(tree_digest(root, [*files_below(templates), *files_below(images)]))
        super().__init__(cache_dir / MEMO_FILE, engine.hexdigest())
        self.overridden = {p.relative_to(templates).parts[0] for p in files_below(templates)}

    def remember(self, kind: str, inputs: object, compute: Callable[[], T],
                 pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T:
        """The part for these inputs: remembered, or computed now and kept."""
        if kind in self.overridden:
            # The project's own templates for this channel may read anything of the site.
            return compute()
        key = hashlib.sha256(f"{kind}\0{inputs!r}".encode()).hexdigest()
        found = self.get(key)
        if found is not None:
            try:
                return unpack(found)
            except Exception:  # an entry not of the shape this code writes: render afresh
                self.forget(key)
        value = compute()
        self.put(key, pack(value))
        return value


def remember(memo: RenderMemo | None, kind: str, inputs: object, compute: Callable[[], T],
             pack: Callable[[T], Any], unpack: Callable[[Any], T]) -> T:
    """`memo.remember(...)`, or just `compute()` when the build keeps no memo."""
    return compute() if memo is None else memo.remember(kind, inputs, compute, pack, unpack)
