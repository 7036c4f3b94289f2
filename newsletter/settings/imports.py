"""[import]: how `newsletter import` turns the categories and tags of another system into item types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.content.models import ItemType
from newsletter.diagnostics import closest
from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader

ITEM_TYPES = tuple(kind.value for kind in ItemType)


@dataclass(frozen=True, slots=True)
class ImportSettings:
    # A category or tag, casefolded, and the item type it gives an imported post.
    type_map: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def read_imports(top: TableReader) -> ImportSettings:
    table = top.table("import")
    mapping = table.text_map("type_map")
    for term, kind in sorted(mapping.items()):
        if kind not in ITEM_TYPES:
            near = closest(kind, ITEM_TYPES)
            table.problems.append(f"'import.type_map.{term}' must be one of {', '.join(ITEM_TYPES)} "
                                  f"(got {kind!r}{f', did you mean {near!r}?' if near else ''})")
    return ImportSettings(MappingProxyType({term.casefold(): kind for term, kind in mapping.items()
                                            if kind in ITEM_TYPES}))


DOC = TableDoc("import", "`newsletter import wordpress`: how WordPress categories and tags become item types.",
                  "#importing-from-wordpress", (
    KeyDoc("type_map", "A category or tag, and the type (event, publication, deliverable, press) it gives.",
           '{ events = "event", publications = "publication" }'),
))

TABLE = SettingsTable("imports", read_imports, free_form=("import.type_map.",), doc=DOC)
