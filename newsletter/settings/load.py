"""Read newsletter.toml into frozen, typed Settings, reporting every problem at once."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from newsletter.diagnostics import Diagnostic, closest, warning
from newsletter.errors import SettingsError, SourceLocation
from newsletter.settings import brand, email, feeds, funding, imports, partners, project, publish, report, smtp, social
from newsletter.settings.brand import BrandSettings
from newsletter.settings.email import EmailSettings
from newsletter.settings.feeds import FeedSettings
from newsletter.settings.funding import FundingSettings
from newsletter.settings.imports import ImportSettings
from newsletter.settings.languages import language_funding
from newsletter.settings.lines import key_line, key_lines
from newsletter.settings.partners import Partner, partner_keys
from newsletter.settings.project import ProjectSettings
from newsletter.settings import SETTINGS_FILE
from newsletter.settings.reader import SettingsTable, TableReader
from newsletter.settings.publish import PublishSettings
from newsletter.settings.report import ReportSettings
from newsletter.settings.smtp import SmtpSettings
from newsletter.settings.social import SocialSettings

_TOO_DEEP = "tables or lists are nested too deeply to read"
SETTINGS_HINT = "fix these keys (see the README's settings section)"

# Every table, in the order its problems are reported; each is a field of Settings below.
TABLES: tuple[SettingsTable, ...] = (
    project.TABLE,
    funding.TABLE,
    brand.TABLE,
    email.TABLE,
    feeds.TABLE,
    social.TABLE,
    smtp.TABLE,
    publish.TABLE,
    partners.TABLE,
    imports.TABLE,
    report.TABLE,
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything newsletter.toml says, with defaults filled in."""

    path: Path
    project: ProjectSettings
    funding: FundingSettings = FundingSettings()
    brand: BrandSettings = BrandSettings()
    email: EmailSettings = EmailSettings()
    feeds: FeedSettings = FeedSettings()
    social: SocialSettings = SocialSettings()
    partners: tuple[Partner, ...] = ()
    smtp: SmtpSettings = SmtpSettings()
    publish: PublishSettings = PublishSettings()
    imports: ImportSettings = ImportSettings()
    report: ReportSettings = ReportSettings()
    warnings: tuple[Diagnostic, ...] = ()
    # The line of each dotted key in newsletter.toml; not part of what the settings say.
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)
    # Every dotted key the program reads (`partners.name` for each partner's); init documents each one.
    known: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def where(self, key: str) -> SourceLocation:
        """newsletter.toml at the line of `key` (e.g. `partners[2].logo`), else of its table."""
        return SourceLocation(Path(SETTINGS_FILE), key_line(self.lines, key))


class SettingsProblems(SettingsError):
    """Every problem of newsletter.toml at once: the first at its line, the others with theirs."""

    def __init__(self, problems: list[SettingsError]):
        first = problems[0]
        more = "".join(
            f"; line {problem.where.line}: {problem.message}" if problem.where and problem.where.line
            else f"; {problem.message}"
            for problem in problems[1:]
        )
        super().__init__(first.message + more, first.where, SETTINGS_HINT)
        self.problems = problems


def load_settings(root: Path) -> Settings:
    """Parse `root/newsletter.toml`; raise SettingsError naming every bad key."""
    path = root / SETTINGS_FILE
    return _parsed(path, path.read_bytes())


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, raw: bytes) -> Settings:
    """The settings in `raw`, parsed once per process for the same bytes (the preview builds after every
    save; Settings is immutable). An error is raised each time: lru_cache keeps no exception."""
    where = SourceLocation(Path(SETTINGS_FILE))
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is no error
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError("the file is not UTF-8 text", SourceLocation(Path(SETTINGS_FILE), line),
                            "save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        problem, toml_line, column = _toml_position(str(exc))
        raise SettingsError(
            f"not valid TOML: {problem}{f' at column {column}' if column else ''}",
            SourceLocation(Path(SETTINGS_FILE), toml_line), "fix the syntax at that line",
        ) from None
    except RecursionError:
        raise SettingsError(_TOO_DEEP, where, "write the settings as the README shows them") from None
    try:
        return parse_settings(data, path, text)
    except RecursionError:
        raise SettingsError(_TOO_DEEP, where, "write the settings as the README shows them") from None


def _toml_position(message: str) -> tuple[str, int | None, int | None]:
    """Split tomllib's "Problem (at line 3, column 33)" into its parts."""
    match = re.fullmatch(r"(.*?) \(at line (\d+), column (\d+)\)", message, re.S)
    if match is None:
        return message, None, None
    return match.group(1), int(match.group(2)), int(match.group(3))


def parse_settings(data: dict[str, Any], path: Path, source: str = "") -> Settings:
    """Turn parsed TOML into Settings; raise one SettingsError listing all problems, each at its line of `source`."""
    lines = key_lines(source)
    problems: list[str] = []
    known: set[str] = set()
    top = TableReader(data, "", problems, known)
    tables: dict[str, Any] = {table.name: table.read(top) for table in TABLES}
    # The funding texts default to the EU's wording in the main language, which [project] names.
    tables["funding"] = language_funding(tables["funding"], tables["project"].language, main=True)
    if problems:
        raise SettingsProblems([
            SettingsError(problem, SourceLocation(Path(SETTINGS_FILE), key_line(lines, _problem_key(problem))))
            for problem in problems
        ])
    free_form = tuple(prefix for table in TABLES for prefix in table.free_form)
    keys = [key for key in _flatten(data) if not key.startswith(free_form)] + partner_keys(data)
    return Settings(
        path=path,
        **tables,
        warnings=tuple(_unknown_keys(keys, known, lines)),
        lines=MappingProxyType(lines),
        known=frozenset(re.sub(r"\[\d+\]", "", key) for key in known),
    )


def _problem_key(problem: str) -> str:
    """The dotted key a problem starts with: every problem names its key first, in quotes."""
    match = re.match(r"'([^']+)'", problem)
    return match.group(1) if match else ""


def _unknown_keys(keys: list[str], known: set[str], lines: dict[str, int]) -> list[Diagnostic]:
    """A warning per unknown key (not for the keys inside an unknown table), with the known key it looks like."""
    unknown = sorted(key for key in keys if key not in known)
    findings = []
    for key in unknown:
        parent, _, name = key.rpartition(".")
        if parent in unknown:
            continue
        found = closest(name, (k.rpartition(".")[2] for k in known if k.rpartition(".")[0] == parent))
        hint = f"did you mean '{f'{parent}.' if parent else ''}{found}'?" if found else "check its spelling against the README"
        findings.append(warning("unknown-setting", SourceLocation(Path(SETTINGS_FILE), key_line(lines, key)),
                                f"unknown key '{key}' is ignored", hint))
    return findings


def _flatten(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        keys.append(dotted)
        if isinstance(value, dict):
            keys.extend(_flatten(value, dotted))
    return keys
