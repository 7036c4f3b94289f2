"""[[partners]]: the consortium, with links, logos and social handles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.settings.doc import SETTINGS_ANCHOR, KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader
from newsletter.settings.social import PLATFORMS
from newsletter.urls import WEB_AND_MAIL


@dataclass(frozen=True, slots=True)
class Partner:
    name: str
    short: str
    country: str | None = None
    role: str | None = None
    url: str | None = None
    logo: str | None = None
    handles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def read_partners(top: TableReader) -> tuple[Partner, ...]:
    top.known.add("partners")
    raw = top.data.get("partners", [])
    if not isinstance(raw, list):
        top.problems.append("'partners' must be written as [[partners]] tables")
        return ()
    partners = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            top.problems.append(f"'partners[{index}]' must be a table")
            continue
        table = TableReader(entry, f"partners[{index}]", top.problems, top.known)
        name = table.text("name", "", required=True)
        partners.append(
            Partner(
                name=name,
                short=table.text("short", name),
                country=table.text("country"),
                role=table.text("role"),
                url=table.link("url", WEB_AND_MAIL),
                logo=table.asset("logo"),
                handles=table.text_map("handles", PLATFORMS),
            )
        )
    return tuple(partners)


def partner_keys(data: dict[str, object]) -> list[str]:
    """The dotted keys written in [[partners]] tables: `partners[0].name`, ..."""
    entries = data.get("partners")
    if not isinstance(entries, list):
        return []
    return [f"partners[{index}].{key}" for index, entry in enumerate(entries) if isinstance(entry, dict)
            for key in entry]


# Partners' keys are checked one by one (partner_keys), not as a table of settings.
DOC = TableDoc("partners", "The consortium: one [[partners]] block per partner, in the order to list them.",
                    SETTINGS_ANCHOR, (
    KeyDoc("name", "The partner's full name (required).", '"Example Institute of Technology"'),
    KeyDoc("short", "Its short name, as items mention it.", '"EIT"'),
    KeyDoc("country", "Its country, as a two-letter code.", '"BE"'),
    KeyDoc("role", "coordinator or partner.", '"coordinator"'),
    KeyDoc("url", "Its website.", '"https://example.eu/"'),
    KeyDoc("logo", "Its logo, a file in content/images/.", '"images/partners/eit.png"'),
    KeyDoc("handles", "Its accounts, so social drafts mention it.", '{ x = "@eit", linkedin = "eit" }'),
), array=True)

TABLE = SettingsTable("partners", read_partners, free_form=("partners.",), doc=DOC)
