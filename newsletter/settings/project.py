"""[project]: the project's name, public address, language and time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from newsletter.dates import time_zone
from newsletter.settings.doc import SETTINGS_ANCHOR, KeyDoc, TableDoc
from newsletter.settings.languages import MAIN, per_language, project_languages
from newsletter.settings.reader import SettingsTable, TableReader
from newsletter.urls import WEB, encoded_url, link_problem


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    name: str
    site_url: str
    tagline: str = ""
    language: str = "en"
    timezone: str = "UTC"
    logo: str | None = None
    contact: str | None = None
    further_languages: tuple[str, ...] = ()  # `languages` after the first, each built under output/<lang>/
    taglines: Mapping[str, str] = field(default_factory=dict)  # per language, when newsletter.toml gives a table

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language published, the main one first."""
        return (self.language, *self.further_languages)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def contact_url(self) -> str | None:
        return encoded_url(f"mailto:{self.contact}") if self.contact else None


def read_project(top: TableReader) -> ProjectSettings:
    table = top.table("project")
    languages = project_languages(table)
    taglines = per_language(table, "tagline")
    return ProjectSettings(
        name=table.text("name", "", required=True),
        site_url=_site_url(table),
        tagline=taglines.get(MAIN) or taglines.get(languages[0], ""),
        taglines=taglines,
        language=languages[0],
        further_languages=languages[1:],
        timezone=_timezone(table),
        logo=table.asset("logo"),
        contact=table.text("contact"),
    )


def _site_url(table: TableReader) -> str:
    url = str(table.text("site_url", "", required=True))
    if not url:
        return url
    problem = link_problem(url, WEB)
    parts = urlsplit(url) if problem is None else None
    if parts is not None and ("?" in url or "#" in url):
        problem = "it may not hold a query (?) or a fragment (#): every page's address is made from it"
    elif parts is not None and (parts.username is not None or parts.password is not None):
        problem = "it may not hold a user name or password"
    if problem or parts is None:
        reason = "" if not problem or problem.startswith("it must start with") else f": {problem}"
        table.problems.append(f"'project.site_url' must be an absolute http(s) URL (got {url!r}){reason}")
        return url
    # A host in another script is written in its DNS form, which email headers and feed ids need.
    url = encoded_url(urlunsplit(parts._replace(path=parts.path or "/")))
    return url if url.endswith("/") else url + "/"


def _timezone(table: TableReader) -> str:
    name = table.text("timezone", "UTC")
    if time_zone(name) is None:
        table.problems.append(f"'project.timezone' is not a known time zone (got {name!r}); write e.g. Europe/Brussels")
        return "UTC"
    return str(name)


DOC = TableDoc("project", "The project: who is speaking, and where the newsletter is published.", SETTINGS_ANCHOR, (
    KeyDoc("name", "The project's name, in every email, page and feed (required).", '"Acme"', active=True),
    KeyDoc("tagline", "One line shown under the name on the web archive and in the plain-text email "
           "(in each language: { en = \"...\", fr = \"...\" }).", '"News from the Acme project"', active=True),
    KeyDoc("site_url", "Required: the address where the output/ folder will be published, ending in /.",
           '"https://example.eu/newsletter/"', active=True),
    KeyDoc("language", "The language of the newsletter, as a code such as en, fr or de.", '"en"', active=True),
    KeyDoc("languages", "Every language you publish in, the main one (language) first; each other one is "
           "built under output/<code>/ from items named name.<code>.md.", '["en", "fr"]'),
    KeyDoc("timezone", "A date without a time (2024-03-05) is that day in this time zone.", '"Europe/Brussels"',
           active=True),
    KeyDoc("logo", "The project's logo, a file in content/images/ (or an https:// address).", '"images/logo.png"'),
    KeyDoc("contact", "The address readers may write to.", '"comms@example.eu"', active=True),
))

TABLE = SettingsTable("project", read_project, free_form=("project.tagline.",), doc=DOC)
