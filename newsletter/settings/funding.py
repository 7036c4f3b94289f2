"""[funding]: the EU funding acknowledgement every output carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsletter.settings.languages import per_language
from newsletter.settings.reader import SettingsTable, TableReader

@dataclass(frozen=True, slots=True)
class FundingSettings:
    programme: str = "Horizon Europe"
    grant_agreement: str | None = None
    granting_authority: str | None = None
    statement: str = ""
    disclaimer: str = ""
    emblem: bool = True
    # Texts newsletter.toml gives per language (a plain string is the main language's).
    statements: Mapping[str, str] = field(default_factory=dict)
    disclaimers: Mapping[str, str] = field(default_factory=dict)


def read_funding(top: TableReader) -> FundingSettings:
    """[funding]; its texts are resolved in the main language by load.py, which knows it (see settings/languages.py)."""
    table = top.table("funding")
    grant = table.get("grant_agreement", (str, int))
    return FundingSettings(
        programme=table.text("programme", "Horizon Europe"),
        grant_agreement=str(grant) if grant is not None else None,
        granting_authority=table.text("granting_authority"),
        emblem=table.get("emblem", bool, True),
        statements=per_language(table, "statement"),
        disclaimers=per_language(table, "disclaimer"),
    )


TABLE = SettingsTable("funding", read_funding, free_form=("funding.statement.", "funding.disclaimer."))
