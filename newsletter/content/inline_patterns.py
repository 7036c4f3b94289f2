"""Which inline patterns a Markdown text can match: a document gets only those whose marks it holds,
and within it each text only those whose marks the text holds.

Python-Markdown tries every inline pattern on every text, and smarty walks the document once
more with 18 of its own. A pattern that needs one of its marks cannot match where there is none:
passing over it gives the same bytes as trying it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

import markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString, Registry

# Inline patterns by name (smarty's by prefix), and what each needs in the normalised source to match:
# one of these strings. Nothing before inline parsing makes one that was not there.
INLINE_MARKS = {
    "backtick": ("`",), "backslash_break": ("\\",), "escape": ("\\",), "footnote": ("[",), "reference": ("[",),
    "link": ("[",), "image_link": ("[",), "image_reference": ("[",), "short_reference": ("[",),
    "short_image_ref": ("[",), "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",),
    "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
}
SMARTY_MARKS = {"smarty-quotes": ("'", '"'), "smarty-em-dashes": ("--",), "smarty-en-dashes": ("--",),
                "smarty-ellipses": ("...",)}


class _Patterns(Registry[Any]):
    """A registry of inline patterns, fixed once filled, that finds a pattern by position without sorting,
    and knows by position how to find the marks a text needs for each pattern to match in it.

    Inline parsing looks each pattern up by its position, once for every text it tries it on; a
    plain registry sorts itself on each look-up, some 4 % of all the time Markdown takes.
    """

    def freeze(self, marks: dict[str, tuple[str, ...]]) -> None:
        self._in_order = list(self)
        # For each pattern, what finds one of its marks in a text (a regular expression: one call in C).
        self.finders = [_finder(_marks_of(entry.name, marks)) for entry in getattr(self, "_priority")]
        # What finds a mark of any of them, when each has marks: a text without one is left as it is.
        every = [_marks_of(entry.name, marks) for entry in getattr(self, "_priority")]
        self.any_mark = _finder(tuple(mark for some in every for mark in some or ())) if None not in every else None

    def __getitem__(self, key: Any) -> Any:
        return self._in_order[key] if type(key) is int else super().__getitem__(key)


def _marks_of(name: str, marks: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The marks of the pattern called `name` (smarty's are named by prefix), or None."""
    key = _marked_as(name, marks)
    return marks[key] if key is not None else None


def _finder(marks: tuple[str, ...] | None) -> Callable[[str], object] | None:
    return re.compile("|".join(re.escape(mark) for mark in marks)).search if marks is not None else None


def _marked_as(name: str, marks: dict[str, tuple[str, ...]]) -> str | None:
    """The key in `marks` of the pattern called `name`: its name or, for smarty's, its prefix."""
    return next((key for key in marks if name == key or name.startswith(f"{key}-")), None)


class _SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline parser, passing over each pattern whose marks the text at hand lacks.

    A pattern that needs one of its marks cannot match a text without any: the text is the same
    as if the pattern had been tried. A paragraph's plain words then cost no pattern at all.
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        patterns = self.inlinePatterns
        if isinstance(data, AtomicString) or not isinstance(patterns, _Patterns):
            return cast(Callable[..., str], _handle_inline)(self, data, patternIndex)
        if patterns.any_mark is not None and not patterns.any_mark(data):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start, count = 0, len(patterns)
        while patternIndex < count:
            finds = patterns.finders[patternIndex]
            if finds is not None and not finds(data):
                start, patternIndex = 0, patternIndex + 1  # as the pattern, tried, would have said
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# Python-Markdown's own methods, which the skipping parser calls (present since its version 3.0).
_handle_inline = getattr(InlineProcessor, "_InlineProcessor__handleInline", None)
_CAN_SKIP = _handle_inline is not None and hasattr(InlineProcessor, "_InlineProcessor__applyPattern")


def skipping(md: markdown.Markdown, name: str) -> InlineProcessor:
    """Put a skipping inline processor in place of the tree processor `name`, with its patterns and priority."""
    registry = md.treeprocessors
    processor = cast(InlineProcessor, registry[name])
    if not _CAN_SKIP:
        return processor  # a Python-Markdown made otherwise: each text tries its document's patterns
    priority = next(entry.priority for entry in getattr(registry, "_priority") if entry.name == name)
    skipping = _SkippingInlineProcessor(md)
    skipping.inlinePatterns = processor.inlinePatterns
    registry.register(skipping, name, priority)
    return skipping


class PatternChooser:
    """Gives a tree processor, for each document, its inline patterns less those that cannot match in it:
    a pattern named (or prefixed) in `marks` needs one of its strings in the source."""

    def __init__(self, processor: InlineProcessor, marks: dict[str, tuple[str, ...]]):
        self.processor, self.marks = processor, marks
        self.every: Registry[Any] = processor.inlinePatterns
        self.subsets: dict[tuple[bool, ...], Registry[Any]] = {}

    def choose(self, text: str) -> None:
        present = tuple(any(mark in text for mark in marks) for marks in self.marks.values())
        if present not in self.subsets:
            absent = tuple(name for name, here in zip(self.marks, present) if not here)
            subset = _Patterns()
            # The registry's own (name, priority) list, copied: looking an item up sorts it in place.
            for entry in list(getattr(self.every, "_priority")):
                if _marked_as(entry.name, self.marks) not in absent:
                    subset.register(self.every[entry.name], entry.name, entry.priority)
            subset.freeze(self.marks)
            self.subsets[present] = subset
        self.processor.inlinePatterns = self.subsets[present]
