"""[funding]: the EU funding acknowledgement every output carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsletter.settings.doc import SETTINGS_ANCHOR, KeyDoc, TableDoc
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


DOC = TableDoc("funding", "EU funding: printed with the EU emblem on every page and email.", SETTINGS_ANCHOR, (
    KeyDoc("programme", "The funding programme.", '"Horizon Europe"', active=True),
    KeyDoc("grant_agreement", "Your grant agreement number, as the grant agreement gives it.", '"101000000"',
           active=True),
    KeyDoc("granting_authority", "The agency your grant agreement names: CINEA, HaDEA, REA, ERCEA, ...",
           '"the granting authority"', active=True),
    KeyDoc("statement", "Only if your project officer asks for other wording than the default statement "
           "(in each language: { en = \"...\", fr = \"...\" }).",
           '"Funded by the European Union under grant agreement No 101000000."'),
    KeyDoc("disclaimer", "Only if asked: replaces the Horizon Europe \"Views and opinions expressed ...\" text "
           "(in each language: { en = \"...\", fr = \"...\" }).",
           '"Views and opinions expressed are however those of the author(s) only ..."'),
    KeyDoc("emblem", "Show the EU emblem (true or false).", "true", active=True),
))

TABLE = SettingsTable("funding", read_funding, free_form=("funding.statement.", "funding.disclaimer."), doc=DOC)
