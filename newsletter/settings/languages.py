"""The settings of the readers' languages: `[project] language`/`languages` and per-language funding texts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newsletter.funding import default_disclaimer, default_statement
from newsletter.languages import locale_of

if TYPE_CHECKING:
    from newsletter.settings.funding import FundingSettings
    from newsletter.settings.reader import TableReader as _Table


def project_languages(table: _Table) -> tuple[str, ...]:
    """`language` and `languages` of [project], checked against CLDR: every language published, the main one first."""
    language = table.text("language")
    listed = table.get("languages", list, [])
    languages: list[str] = []
    for index, tag in enumerate(listed):
        if not isinstance(tag, str):
            table.problems.append(f"'project.languages' must be a list of language tags (got {tag!r})")
        elif _known(table, f"languages[{index}]", tag.strip()) and tag.strip() not in languages:
            languages.append(tag.strip())
    if language is not None and not _known(table, "language", language):
        language = None
    if language is not None and languages and languages[0] != language:
        table.problems.append(f"'project.language' ({language!r}) must be the first of 'project.languages' "
                              f"({languages[0]!r}): the first language listed is the main one")
    main = language or (languages[0] if languages else "en")
    return (main, *(tag for tag in languages if tag != main))


def _known(table: _Table, key: str, tag: str) -> bool:
    try:
        locale_of(tag)
    except ValueError as exc:
        table.problems.append(f"'project.{key}' is not a known language: {exc}; write a BCP 47 tag such as "
                              f"en, fr, de or pt-BR")
        return False
    return True


MAIN = ""  # the key of a text given as a plain string: the main language's


def per_language(table: _Table, name: str) -> dict[str, str]:
    """A text that is a string (under MAIN: the main language's) or a table of language -> text."""
    value: Any = table.get(name, (str, dict))
    if value is None:
        return {}
    if isinstance(value, str):
        text = table.text(name, multiline=name != "tagline")
        return {MAIN: text} if text else {}
    texts = {}
    for tag in sorted(value):
        if not isinstance(value[tag], str) or not value[tag].strip():
            table.problems.append(f"'{table.key(name)}.{tag}' must be text (got {value[tag]!r})")
        elif name == "tagline" and any(ord(char) < 32 or ord(char) == 127 for char in value[tag]):
            table.problems.append(f"'{table.key(name)}.{tag}' must be one line of text "
                                  "(it holds a line break or another control character)")
        elif _known_tag(tag):
            texts[tag] = value[tag].strip()
        else:
            table.problems.append(f"'{table.key(name)}.{tag}' is not a known language; "
                                  "use the tags of 'project.languages', such as en, fr or pt-BR")
    return texts


def _known_tag(tag: str) -> bool:
    try:
        locale_of(tag)
    except ValueError:
        return False
    return True


def language_funding(funding: FundingSettings, language: str, main: bool) -> FundingSettings:
    """The funding texts in `language` (the `main` one or not): as newsletter.toml gives them for it,
    else the EU's wording in it. A plain string is the main language's."""
    statements = {**funding.statements, language: funding.statements[MAIN]} if main and MAIN in funding.statements \
        else funding.statements
    disclaimers = {**funding.disclaimers, language: funding.disclaimers[MAIN]} if main and MAIN in funding.disclaimers \
        else funding.disclaimers
    return replace(
        funding,
        statement=statements.get(language) or default_statement(language, funding.grant_agreement),
        disclaimer=disclaimers.get(language) or default_disclaimer(language, funding.granting_authority),
    )
