"""Read newsletter.toml into frozen, typed settings, reporting every problem at once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsletter.confine import relative_path
from newsletter.diagnostics import Diagnostic, closest, warning
from newsletter.errors import SettingsError, SourceLocation
from newsletter.link_schemes import MERGE_TAG, WEB, WEB_AND_MAIL, encoded_url, link_problem
from newsletter.toml_lines import key_line, key_lines
from newsletter.settings_languages import MAIN, language_funding, per_language, project_languages

SETTINGS_FILE = "newsletter.toml"
_TOO_DEEP = "tables or lists are nested too deeply to read"
PLATFORMS = ("x", "mastodon", "bluesky", "linkedin", "threads")
ESP_PRESETS = ("mailchimp", "brevo", "listmonk", "buttondown", "generic")
SMTP_SECURITY = ("starttls", "ssl", "none")
SETTINGS_HINT = "fix these keys (see the README's settings section)"


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
    taglines: dict[str, str] = field(default_factory=dict)  # per language, when newsletter.toml gives a table

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


@dataclass(frozen=True, slots=True)
class FundingSettings:
    programme: str = "Horizon Europe"
    grant_agreement: str | None = None
    granting_authority: str | None = None
    statement: str = ""
    disclaimer: str = ""
    emblem: bool = True
    # Texts newsletter.toml gives per language (a plain string is the main language's).
    statements: dict[str, str] = field(default_factory=dict)
    disclaimers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BrandSettings:
    primary_color: str = "#0B5394"
    secondary_color: str = "#1B3A5C"
    text_color: str = "#222222"
    background_color: str = "#FFFFFF"
    font: str = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class EmailSettings:
    from_address: str | None = None
    reply_to: str | None = None
    esp: str = "generic"
    unsubscribe_url: str | None = None
    utm: dict[str, str] = field(default_factory=lambda: {"source": "newsletter", "medium": "email"})
    utm_enabled: bool = True
    utm_exclude: tuple[str, ...] = ()  # URL prefixes whose links get no UTM parameters


@dataclass(frozen=True, slots=True)
class FeedSettings:
    max_items: int = 50


@dataclass(frozen=True, slots=True)
class SocialSettings:
    hashtags: tuple[str, ...] = ()
    accounts: dict[str, str] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Partner:
    name: str
    short: str
    country: str | None = None
    role: str | None = None
    url: str | None = None
    logo: str | None = None
    handles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str | None = None
    port: int | None = None
    user: str | None = None
    security: str = "starttls"
    max_recipients: int = 10


@dataclass(frozen=True, slots=True)
class PublishSettings:
    to: str | None = None  # sftp://user@host/path/ or file:///path/


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
    warnings: tuple[Diagnostic, ...] = ()
    # The line of each dotted key in newsletter.toml; not part of what the settings say.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

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


class _Table:
    """Typed reads from one TOML table, collecting problems under dotted keys."""

    def __init__(self, data: dict[str, Any], prefix: str, problems: list[str], known: set[str]):
        self.data, self.prefix, self.problems, self.known = data, prefix, problems, known

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        self.known.add(self.key(name))
        if name not in self.data:
            if required:
                self.problems.append(f"'{self.key(name)}' is missing")
            return default
        value = self.data[name]
        # bool is an int in Python; a port of `true` is still wrong.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            self.problems.append(f"'{self.key(name)}' must be {_kind_name(kind)} (got {value!r})")
            return default
        return value

    def text(self, name: str, default: str | None = None, required: bool = False, multiline: bool = False) -> Any:
        value = self.get(name, str, default, required)
        if isinstance(value, str) and _control_characters(value, multiline):
            # A line break in a name or an address would end up in email headers.
            self.problems.append(f"'{self.key(name)}' must be {'plain text' if multiline else 'one line of text'} "
                                 f"(it holds a line break or another control character)")
            return default
        return value.strip() if isinstance(value, str) else value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(name, default)
        if value not in choices:
            self.problems.append(f"'{self.key(name)}' must be one of {', '.join(choices)} "
                                 f"(got {value!r}{_suggestion(str(value), choices, ', ')})")
            return default
        return str(value)

    def text_map(self, name: str, allowed: tuple[str, ...] | None = None) -> dict[str, str]:
        value = self.get(name, dict, {})
        result: dict[str, str] = {}
        for key in sorted(value):
            if allowed and key not in allowed:
                self.problems.append(f"'{self.key(name)}.{key}' is not a platform{_suggestion(key, allowed, ' (', ')')}; "
                                     f"use one of {', '.join(allowed)}")
            elif not isinstance(value[key], str) or _control_characters(value[key]):
                self.problems.append(f"'{self.key(name)}.{key}' must be one line of text (got {value[key]!r})")
            else:
                result[key] = value[key].strip()
        return result

    def table(self, name: str) -> _Table:
        self.known.add(self.key(name))
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            self.problems.append(f"'{self.key(name)}' must be a table")
            value = {}
        return _Table(value, self.key(name), self.problems, self.known)


def _suggestion(word: str, choices: tuple[str, ...], before: str, after: str = "") -> str:
    found = closest(word, choices)
    return f"{before}did you mean {found!r}?{after}" if found else ""
def _control_characters(text: str, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (CR, LF, ...); `multiline` allows line breaks and tabs."""
    allowed = "\n\r\t" if multiline else ""
    return any((ord(char) < 32 or ord(char) == 127) and char not in allowed for char in text)


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", dict: "a table", list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _flatten(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        keys.append(dotted)
        if isinstance(value, dict):
            keys.extend(_flatten(value, dotted))
    return keys


def load_settings(root: Path) -> Settings:
    """Parse `root/newsletter.toml`; raise SettingsError naming every bad key."""
    path = root / SETTINGS_FILE
    where = SourceLocation(Path(SETTINGS_FILE))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is no error
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError("the file is not UTF-8 text", SourceLocation(Path(SETTINGS_FILE), line),
                            "save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        problem, line, column = _toml_position(str(exc))
        raise SettingsError(
            f"not valid TOML: {problem}{f' at column {column}' if column else ''}",
            SourceLocation(Path(SETTINGS_FILE), line), "fix the syntax at that line",
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
    top = _Table(data, "", problems, known)

    project_table = top.table("project")
    languages = project_languages(project_table)
    taglines = per_language(project_table, "tagline")
    project = ProjectSettings(
        name=project_table.text("name", "", required=True),
        site_url=_site_url(project_table),
        tagline=taglines.get(MAIN) or taglines.get(languages[0], ""),
        taglines=taglines,
        language=languages[0],
        further_languages=languages[1:],
        timezone=_timezone(project_table),
        logo=_asset(project_table, "logo"),
        contact=project_table.text("contact"),
    )

    funding_table = top.table("funding")
    grant = funding_table.get("grant_agreement", (str, int))
    authority = funding_table.text("granting_authority")
    funding = language_funding(FundingSettings(
        programme=funding_table.text("programme", "Horizon Europe"),
        grant_agreement=str(grant) if grant is not None else None,
        granting_authority=authority,
        emblem=funding_table.get("emblem", bool, True),
        statements=per_language(funding_table, "statement"),
        disclaimers=per_language(funding_table, "disclaimer"),
    ), languages[0], main=True)

    brand_table = top.table("brand")
    defaults = BrandSettings()
    brand = BrandSettings(
        **{
            name: _colour(brand_table, name, getattr(defaults, name))
            for name in ("primary_color", "secondary_color", "text_color", "background_color")
        },
        font=_font(brand_table, defaults.font),
    )

    email_table = top.table("email")
    utm_table = email_table.get("utm", (dict, bool), None)
    email = EmailSettings(
        from_address=email_table.text("from"),
        reply_to=email_table.text("reply_to"),
        esp=email_table.choice("esp", ESP_PRESETS, "generic"),
        unsubscribe_url=_link(email_table, "unsubscribe_url", WEB_AND_MAIL, merge_tags=True),
        utm=email_table.text_map("utm") if isinstance(utm_table, dict) else EmailSettings().utm,
        utm_enabled=utm_table is not False,
        utm_exclude=_text_list(email_table, "utm_exclude"),
    )

    feeds_table = top.table("feeds")
    max_items = feeds_table.get("max_items", int, 50)
    if max_items < 1:
        problems.append(f"'feeds.max_items' must be at least 1 (got {max_items})")
        max_items = 50

    social_table = top.table("social")
    hashtags = social_table.get("hashtags", list, [])
    if not all(isinstance(tag, str) and not _control_characters(tag) for tag in hashtags):
        problems.append("'social.hashtags' must be a list of text")
        hashtags = []
    limits = social_table.get("limits", dict, {})
    for platform, limit in sorted(limits.items()):
        if platform not in PLATFORMS or not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            problems.append(f"'social.limits.{platform}' must be a platform with a positive whole number")
    social = SocialSettings(
        hashtags=tuple(tag.lstrip("#") for tag in hashtags),
        accounts=social_table.text_map("accounts", PLATFORMS),
        limits={k: v for k, v in sorted(limits.items()) if k in PLATFORMS and isinstance(v, int)},
    )

    smtp_table = top.table("smtp")
    if "password" in smtp_table.data:
        known.add("smtp.password")
        problems.append("'smtp.password' must not be in newsletter.toml; set NEWSLETTER_SMTP_PASSWORD instead")
    smtp = SmtpSettings(
        host=smtp_table.text("host"),
        port=smtp_table.get("port", int),
        user=smtp_table.text("user"),
        security=smtp_table.choice("security", SMTP_SECURITY, "starttls"),
        max_recipients=smtp_table.get("max_recipients", int, 10),
    )

    publish = PublishSettings(to=_publish_to(top.table("publish")))

    partners = _partners(top, problems, known)

    if problems:
        raise SettingsProblems([
            SettingsError(problem, SourceLocation(Path(SETTINGS_FILE), key_line(lines, _problem_key(problem))))
            for problem in problems
        ])
    keys = [key for key in _flatten(data) if not _under_known_map(key)] + _partner_keys(data)
    return Settings(
        path=path,
        project=project,
        funding=funding,
        brand=brand,
        email=email,
        feeds=FeedSettings(max_items=max_items),
        social=social,
        partners=partners,
        smtp=smtp,
        publish=publish,
        warnings=tuple(_unknown_keys(keys, known, lines)),
        lines=lines,
    )


def _problem_key(problem: str) -> str:
    """The dotted key a problem starts with: every problem names its key first, in quotes."""
    match = re.match(r"'([^']+)'", problem)
    return match.group(1) if match else ""


def _partner_keys(data: dict[str, Any]) -> list[str]:
    entries = data.get("partners")
    if not isinstance(entries, list):
        return []
    return [f"partners[{index}].{key}" for index, entry in enumerate(entries) if isinstance(entry, dict)
            for key in entry]


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


def _under_known_map(key: str) -> bool:
    # Keys inside free-form maps (utm, accounts, handles, limits) are data, not settings.
    return key.startswith(("email.utm.", "social.accounts.", "social.limits.", "partners.",
                           "project.tagline.", "funding.statement.", "funding.disclaimer."))


def _text_list(table: _Table, name: str) -> tuple[str, ...]:
    values = table.get(name, list, [])
    if not all(isinstance(value, str) and not _control_characters(value) for value in values):
        table.problems.append(f"'{table.key(name)}' must be a list of text")
        return ()
    return tuple(value.strip() for value in values)


def _site_url(table: _Table) -> str:
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


def _link(table: _Table, name: str, schemes: tuple[str, ...], merge_tags: bool = False) -> str | None:
    """A URL setting that goes into every email: only the schemes given (and the ESP's merge tags)."""
    value = table.text(name)
    if value is None:
        return None
    problem = link_problem(value, schemes, merge_tags)
    if problem:
        kinds = "an http(s) or mailto address" if "mailto" in schemes else "an http(s) address"
        table.problems.append(f"'{table.key(name)}' must be {kinds}{' or a merge tag' if merge_tags else ''} "
                              f"(got {value!r}: {problem})")
        return None
    return str(value) if merge_tags and MERGE_TAG.fullmatch(value) else encoded_url(value)


def _publish_to(table: _Table) -> str | None:
    """Where `newsletter publish` uploads to: an sftp:// or file:// address."""
    from newsletter.publish.address import EXAMPLE, address_problem, redacted

    value = table.text("to")
    problem = address_problem(value) if value else None
    if problem:
        table.problems.append(f"'{table.key('to')}' must be an address like {EXAMPLE} (got {redacted(value)!r}: {problem})")
        return None
    return str(value) if value else None


def _asset(table: _Table, name: str) -> str | None:
    """A picture setting (a logo): a path inside content/ or an http(s) address."""
    value = table.text(name)
    if value is None:
        return None
    problem = link_problem(value, WEB) if urlsplit(value).scheme else None
    if not urlsplit(value).scheme and relative_path(value) is None:
        problem = "a path may not leave content/"
    if problem:
        table.problems.append(f"'{table.key(name)}' must be a path inside content/ or an http(s) address "
                              f"(got {value!r}: {problem})")
        return None
    return encoded_url(value) if urlsplit(value).scheme else str(value)


def _timezone(table: _Table) -> str:
    name = table.text("timezone", "UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        table.problems.append(f"'project.timezone' is not a known time zone (got {name!r}); write e.g. Europe/Brussels")
        return "UTC"
    return str(name)


def _colour(table: _Table, name: str, default: str) -> str:
    value = table.text(name, default)
    digits = value[1:] if value.startswith("#") else ""
    if len(digits) not in (3, 6) or any(c not in "0123456789abcdefABCDEF" for c in digits):
        table.problems.append(f"'{table.key(name)}' must be a colour like #0B5394 (got {value!r})")
        return default
    return str(value).upper()


def _font(table: _Table, default: str) -> str:
    """Font family names separated by commas, written so they read the same in a `<style>` and an attribute.

    Names may be quoted or not and hold letters of any script, digits, spaces, `-` and `_`; they
    are written unquoted (a quote would be HTML-escaped inside `<style>`). Anything else (`;`,
    `{`, `<`) would end the CSS rule or the `<style>`: an error.
    """
    value = table.text("font", default)
    families = [name.strip() for name in str(value).split(",")]
    names = [name[1:-1].strip() if len(name) > 1 and name[0] == name[-1] and name[0] in "'\"" else name
             for name in families]
    if not all(names) or not all(char.isalnum() or char in " -_" for name in names for char in name):
        table.problems.append(f"'{table.key('font')}' must be font names separated by commas, "
                              f"like {default!r} (got {value!r})")
        return default
    return ", ".join(" ".join(_css_word(word) for word in name.split()) for name in names)


def _css_word(word: str) -> str:
    """A word of a font name as a CSS identifier: a first digit or `-` is escaped (`3D` becomes `\\33 D`)."""
    if word[0].isdigit() or word[0] == "-":
        return f"\\{ord(word[0]):x} {word[1:]}"
    return word


def _partners(top: _Table, problems: list[str], known: set[str]) -> tuple[Partner, ...]:
    known.add("partners")
    raw = top.data.get("partners", [])
    if not isinstance(raw, list):
        problems.append("'partners' must be written as [[partners]] tables")
        return ()
    partners = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            problems.append(f"'partners[{index}]' must be a table")
            continue
        table = _Table(entry, f"partners[{index}]", problems, known)
        name = table.text("name", "", required=True)
        partners.append(
            Partner(
                name=name,
                short=table.text("short", name),
                country=table.text("country"),
                role=table.text("role"),
                url=_link(table, "url", WEB_AND_MAIL),
                logo=_asset(table, "logo"),
                handles=table.text_map("handles", PLATFORMS),
            )
        )
    return tuple(partners)
