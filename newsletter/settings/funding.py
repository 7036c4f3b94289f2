"""[funding]: the EU funding acknowledgement every output carries."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.doc import SETTINGS_ANCHOR, KeyDoc, TableDoc
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


DOC = TableDoc("funding", "EU funding: printed with the EU emblem on every page and email.", SETTINGS_ANCHOR, (
    KeyDoc("programme", "The funding programme.", '"Horizon Europe"', active=True),
    KeyDoc("grant_agreement", "Your grant agreement number, as the grant agreement gives it.", '"101000000"',
           active=True),
    KeyDoc("granting_authority", "The agency your grant agreement names: CINEA, HaDEA, REA, ERCEA, ...",
           '"the granting authority"', active=True),
    KeyDoc("statement", "Only if your project officer asks for other wording than the default statement.",
           '"Funded by the European Union under grant agreement No 101000000."'),
    KeyDoc("disclaimer", "Only if asked: replaces the Horizon Europe \"Views and opinions expressed ...\" text.",
           '"Views and opinions expressed are however those of the author(s) only ..."'),
    KeyDoc("emblem", "Show the EU emblem (true or false).", "true", active=True),
))

TABLE = SettingsTable("funding", read_funding, doc=DOC)
