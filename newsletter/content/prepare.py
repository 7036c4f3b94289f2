"""Parse and render content files: remembered by their bytes, and spread over the CPU's cores.

YAML parsing and Markdown rendering are most of a build's cost. Both depend only on a file's
bytes and on the versions of the code doing them, so their results are kept in
`.newsletter-cache/` under a key of exactly those, and a file whose bytes are unchanged is not
parsed again. Validation of the parsed values always runs, since it depends on other files too.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsletter.confine import Boundary, Refused, read_project_file
from newsletter.content.frontmatter import Document, decode_document
from newsletter.errors import ContentError, SourceLocation
from newsletter.cache.documents import DocumentCache
from newsletter.cache.freshness import file_digest, name_below
from newsletter.workers import PARALLEL_THRESHOLD, can_fork, spread, worker_count


@dataclass(frozen=True, slots=True)
class Prepared:
    """A content file split into front matter and body, with the body rendered to safe HTML."""

    document: Document
    body_html: str


def prepare_documents(root: Path, paths: Sequence[Path], cache: DocumentCache,
                      meanwhile: Callable[[], object] | None = None) -> dict[Path, Prepared | ContentError]:
    """Prepare every file, from the cache where its bytes are known (by their digest), else in parallel.

    `meanwhile`: other work for this process while workers start on the files (when there are workers)."""
    results: dict[Path, Prepared | ContentError] = {}
    missing: list[tuple[Path, str, bytes]] = []
    project = Boundary(root)
    prefix = os.path.join(root, "")
    for path in paths:
        text = os.fspath(path)
        # Its path in the project as a key writes it; a Path is made only for a file read afresh (most are not).
        shown = name_below(prefix, text)
        # A file known by its digest (which the build's fingerprint took already) is not read again.
        if cache.path is not None and (digest := _known_digest(project, text)) is not None:
            key = cache.key(shown, digest)
            entry = cache.get(key)
            if entry is not None and (prepared := _unpacked(cache, key, entry)) is not None:
                results[path] = prepared
                continue
            cache.forget(key)
        shown_as = Path(shown)
        try:
            raw = read_project_file(project, path)
        except Refused as exc:
            results[path] = ContentError(f"the file {exc}", SourceLocation(shown_as),
                                         "keep content files inside the project, as plain files")
            continue
        except OSError as exc:
            results[path] = ContentError(f"cannot read the file ({exc.strerror or exc})", SourceLocation(shown_as),
                                         "check that it is a file you may read")
            continue
        missing.append((path, cache.key(shown, hashlib.sha256(raw).digest()), raw))
    cache.afresh = len(missing)
    made = _prepare_many([(path.relative_to(root), raw) for path, _key, raw in missing], meanwhile)
    for (path, key, raw), packed in zip(missing, made):
        if isinstance(packed, ContentError):
            results[path] = packed
        else:
            cache.put(key, packed)
            fresh = _unpacked(cache, key, packed)
            assert fresh is not None  # this code's own shape
            results[path] = fresh
    return results


def _known_digest(project: Boundary, text: str) -> bytes | None:
    """The digest of a content file inside the project, from one look at it: whether it is a link, and else the
    signature its digest is known by."""
    try:
        info = os.lstat(text)
    except OSError:
        return None
    if not project.holds(text, info):
        return None
    return file_digest(text, None if stat.S_ISLNK(info.st_mode) else info)


def _prepare_many(files: list[tuple[Path, bytes]],
                  meanwhile: Callable[[], object] | None = None) -> list[tuple[Any, ...] | ContentError]:
    workers = worker_count()
    if len(files) < PARALLEL_THRESHOLD or workers < 2 or not can_fork():
        return [_prepare_or_error(shown_as, raw) for shown_as, raw in files]
    _markdown_renderer()  # made once, here: the workers inherit it
    # Runs of files, small enough that the processes end together; this process first does `meanwhile`.
    size = max(1, len(files) // (workers * 8))
    runs = [files[start:start + size] for start in range(0, len(files), size)]

    def first() -> list[tuple[Any, ...] | None]:
        if meanwhile is not None:
            meanwhile()
        return []

    tasks: list[Callable[[], list[tuple[Any, ...] | None]]] = [first]
    tasks += [functools.partial(_prepare_run, run) for run in runs]
    done = spread(tasks, workers)
    packed = [result for results in done for result in results]
    # Errors are rare: redo those files here, so the exception is the real one with its location.
    return [p if p is not None else _prepare_or_error(*files[i]) for i, p in enumerate(packed)]


def _prepare_run(files: list[tuple[Path, bytes]]) -> list[tuple[Any, ...] | None]:
    """Prepare a run of files, None for each that fails (to be prepared again where its error can be raised)."""
    return [None if isinstance(result, ContentError) else result
            for result in (_prepare_or_error(shown_as, raw) for shown_as, raw in files)]


_renderer: Any = None


def _markdown_renderer() -> Any:
    global _renderer
    if _renderer is None:
        from newsletter.content.markdown import MarkdownRenderer

        _renderer = MarkdownRenderer()
    return _renderer


def _prepare_or_error(shown_as: Path, raw: bytes) -> tuple[Any, ...] | ContentError:
    from newsletter.content.markdown import MAX_NESTING, too_deep

    renderer = _markdown_renderer()
    try:
        document = decode_document(raw, shown_as)
    except ContentError as exc:
        return exc
    deep = too_deep(document.body)
    if deep is not None:
        return ContentError(f"lists or quotes are nested more than {MAX_NESTING} levels deep",
                            SourceLocation(shown_as, document.body_line + deep), "nest them less deeply")
    try:
        html = renderer.render(document.body)
    except RecursionError:
        return ContentError("the text is nested too deeply to render", SourceLocation(shown_as, document.body_line),
                            "nest lists, quotes and HTML elements less deeply")
    return (document.path.as_posix(), document.meta, document.body, document.front_matter, document.body_line, html)


def _unpacked(cache: DocumentCache, key: str, packed: Any) -> Prepared | None:
    """The prepared document of a cache entry: the one the last build made of it, where the cache keeps them."""
    return _unpack(packed) if cache.kept is None else cache.kept.get(key, lambda: _unpack(packed))


def _unpack(packed: Any) -> Prepared | None:
    """A prepared document from the cache, or None when the entry is not the shape this code writes."""
    if not isinstance(packed, tuple) or len(packed) != 6:
        return None
    path, meta, body, front_matter, body_line, html = packed
    if not (isinstance(path, str) and isinstance(meta, dict) and isinstance(body, str)
            and isinstance(front_matter, str) and isinstance(body_line, int) and isinstance(html, str)):
        return None
    return Prepared(Document(Path(path), meta, body, front_matter, body_line), html)
