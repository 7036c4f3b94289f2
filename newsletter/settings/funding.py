"""[funding]: the EU funding acknowledgement every output carries."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.reader import SettingsTable, TableReader

DEFAULT_STATEMENT = "Funded by the European Union"
DEFAULT_DISCLAIMER = (
    "Views and opinions expressed are however those of the author(s) only and do not "
    "necessarily reflect those of the European Union or {authority}. Neither the European "
    "Union nor the granting authority can be held responsible for them."
)


@dataclass(frozen=True, slots=True)
class FundingSettings:
    programme: str = "Horizon Europe"
    grant_agreement: str | None = None
    granting_authority: str | None = None
    statement: str = ""
    disclaimer: str = ""
    emblem: bool = True


def read_funding(top: TableReader) -> FundingSettings:
    table = top.table("funding")
    grant = table.get("grant_agreement", (str, int))
    authority = table.text("granting_authority")
    statement = table.text("statement", multiline=True) or _default_statement(grant)
    return FundingSettings(
        programme=table.text("programme", "Horizon Europe"),
        grant_agreement=str(grant) if grant is not None else None,
        granting_authority=authority,
        statement=statement,
        disclaimer=table.text("disclaimer", multiline=True)
        or DEFAULT_DISCLAIMER.format(authority=authority or "the granting authority"),
        emblem=table.get("emblem", bool, True),
    )


def _default_statement(grant: object) -> str:
    if grant is None:
        return DEFAULT_STATEMENT + "."
    return f"{DEFAULT_STATEMENT} under grant agreement No {grant}."


TABLE = SettingsTable("funding", read_funding)
