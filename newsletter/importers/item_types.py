"""Give imported posts an item type from their categories and tags: the project's map, else a guess."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsletter.content.models import ItemType
from newsletter.diagnostics import closest
from newsletter.errors import UsageError

# Category and tag names that say what a post is on most project sites (casefolded, singular and plural).
GUESSES: dict[str, ItemType] = {
    **dict.fromkeys(("event", "events", "webinar", "webinars", "workshop", "workshops", "conference",
                     "conferences", "upcoming events", "past events"), ItemType.EVENT),
    **dict.fromkeys(("publication", "publications", "scientific publications", "paper", "papers",
                     "peer-reviewed publications", "open access publications"), ItemType.PUBLICATION),
    **dict.fromkeys(("deliverable", "deliverables", "public deliverables", "project deliverables"),
                    ItemType.DELIVERABLE),
    **dict.fromkeys(("press", "press release", "press releases", "in the press", "in the media",
                     "media coverage", "press coverage"), ItemType.PRESS),
}
TYPE_NAMES = tuple(kind.value for kind in ItemType)


@dataclass(frozen=True, slots=True)
class TypeMatch:
    """The type an imported post gets, and the category or tag that gave it."""

    type: ItemType
    term: str
    guessed: bool


def item_type(terms: Iterable[str], type_map: Mapping[str, str]) -> TypeMatch | None:
    """The first of a post's categories and tags (categories first) that the map names, else that a guess knows."""
    terms = tuple(terms)
    for term in terms:
        if term.casefold() in type_map:
            return TypeMatch(ItemType(type_map[term.casefold()]), term, guessed=False)
    for term in terms:
        if term.casefold() in GUESSES:
            return TypeMatch(GUESSES[term.casefold()], term, guessed=True)
    return None


def parse_type_map(text: str) -> dict[str, str]:
    """`events=event,publications=publication` as a map of casefolded terms to item types."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        term, sep, kind = (side.strip() for side in pair.rpartition("="))
        if not sep or not term:
            raise UsageError(f"--type-map: {pair!r} is not CATEGORY=TYPE",
                             hint="write e.g. --type-map events=event,publications=publication")
        if kind not in TYPE_NAMES:
            near = closest(kind, TYPE_NAMES)
            raise UsageError(f"--type-map: {kind!r} is not an item type{f' (did you mean {near!r}?)' if near else ''}",
                             hint=f"use one of {', '.join(TYPE_NAMES)}")
        mapping[term.casefold()] = kind
    return mapping
