"""What a long-running process (the preview) keeps between builds of one project.

A build on its own reads the prepared documents and the render memo from `.newsletter-cache/`
and makes a template environment; the preview builds after every save, so it keeps all three
in memory instead: the templates while the project's templates/ folder is unchanged, the
memo while its engine (program, templates, images) is, and the documents by their bytes as
always. Each store carries the entries the last build used into the next one. What only the next
build needs, writing the render memo to disk and recording the build, waits until the preview has
told its pages to reload (`settle`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import DocumentCache
from newsletter.cache.freshness import folder_digest
from newsletter.cache.renders import RenderMemo, memo_engine
from newsletter.templates import Templates
from newsletter.write import Written


class WarmCache:
    """The caches of one project's builds, kept in memory between them; one build at a time."""

    def __init__(self) -> None:
        self._documents: DocumentCache | None = None
        self._memo: RenderMemo | None = None
        self._templates: tuple[object, Templates] | None = None
        self._later: list[Callable[[], None]] = []
        self.written: Written = {}  # the last build's outputs, by path (see write.write_outputs)
        self._last: tuple[object, ...] = ()  # what the last build's parts were rendered for (see `mostly_remembered`)

    @property
    def loaded(self) -> bool:
        """Whether a build has used these caches (and so holds what it loaded)."""
        return self._documents is not None

    def later(self, step: Callable[[], None]) -> None:
        """Keep a step that only the next build needs (writing the memo, recording the build) for `settle`."""
        self._later.append(step)

    def settle(self) -> None:
        """Do what the last build left for later; the next build does it first if nobody did.

        What it writes are caches: one the system refuses (a full disk) is written again by a later build."""
        steps, self._later = self._later, []
        for step in steps:
            try:
                step()
            except OSError:
                pass

    def documents(self, root: Path) -> DocumentCache:
        self.settle()
        if self._documents is None:
            self._documents = DocumentCache(root / CACHE_DIR, keep=True)
        else:
            self._documents.carry_over()
        return self._documents

    def memo(self, root: Path) -> RenderMemo:
        self.settle()
        engine = memo_engine(root)
        if self._memo is None or self._memo.engine != engine:
            self._memo = RenderMemo(root, root / CACHE_DIR, engine)
            self._memo.defer = self.later
        else:
            self._memo.carry_over()
        return self._memo

    def mostly_remembered(self, memo: RenderMemo | None, settings: object, as_of: object, drafts: bool) -> bool:
        """Whether this build will find most of its parts remembered, so that rendering them in workers costs more
        than it saves: the memo of the last build (the same program, templates and images), the same settings, day
        and drafts, and few files changed (each changed file renders its own parts and the lists that show it)."""
        from newsletter.workers import PARALLEL_THRESHOLD

        now = (memo, settings, as_of, drafts)
        same = memo is not None and len(now) == len(self._last) and all(a is b or a == b
                                                                        for a, b in zip(now, self._last))
        self._last = now
        return same and self._documents is not None and self._documents.afresh < PARALLEL_THRESHOLD

    def templates(self, root: Path, use_cache: bool, make: Callable[[], Templates]) -> Templates:
        """The templates made by `make`, or the ones made before while templates/ holds the same files."""
        key = (use_cache, folder_digest(root, "templates"))
        if self._templates is None or self._templates[0] != key:
            self._templates = (key, make())
        return self._templates[1]
