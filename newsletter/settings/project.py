"""[project]: the project's name, public address, language and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def contact_url(self) -> str | None:
        return encoded_url(f"mailto:{self.contact}") if self.contact else None


def read_project(top: TableReader) -> ProjectSettings:
    table = top.table("project")
    return ProjectSettings(
        name=table.text("name", "", required=True),
        site_url=_site_url(table),
        tagline=table.text("tagline", ""),
        language=table.text("language", "en"),
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
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        table.problems.append(f"'project.timezone' is not a known time zone (got {name!r}); write e.g. Europe/Brussels")
        return "UTC"
    return str(name)


TABLE = SettingsTable("project", read_project)
