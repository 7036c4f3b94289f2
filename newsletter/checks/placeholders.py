"""The placeholder rule: a value `init` or `new` wrote for the user to replace is still there."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit


from newsletter.scaffold import EDITORIAL_PLACEHOLDER, NEWS_PLACEHOLDER, PLACEHOLDER_AUTHORITY, PLACEHOLDER_GRANT
from newsletter.content.frontmatter import text_line
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.diagnostics import Diagnostic, error
from newsletter.errors import SourceLocation
from newsletter.settings.load import Settings


# Host names kept for examples and tests (RFC 2606, RFC 6761): never where a newsletter is published.
_RESERVED_HOSTS = re.compile(r"(?:^|\.)example\.|\.(?:example|test|invalid|localhost)$|^localhost$")


def is_placeholder_host(host: str) -> bool:
    """Whether a host name is init's example domain or one reserved for examples (example.org, *.test, ...)."""
    return bool(_RESERVED_HOSTS.search(host.lower().rstrip(".")))


def find_placeholders(root: Path, settings: Settings, catalog: Catalog) -> list[Diagnostic]:
    """An error for every value `init` or `new` wrote that is still there, so nothing goes out with one."""
    findings: list[Diagnostic] = []

    def found(key: str, what: str, fix: str) -> None:
        findings.append(error("placeholder", settings.where(key), f"'{key}' is still {what}", fix))

    funding, email = settings.funding, settings.email
    if funding.grant_agreement == PLACEHOLDER_GRANT:
        found("funding.grant_agreement", f"the example number {PLACEHOLDER_GRANT}",
              "write your grant agreement number, as your grant agreement gives it")
    if (funding.granting_authority or "").lower() == PLACEHOLDER_AUTHORITY:
        found("funding.granting_authority", f"'{PLACEHOLDER_AUTHORITY}'",
              "write the agency your grant agreement names (CINEA, HaDEA, REA, ERCEA, ...)")
    addresses = [
        ("project.site_url", settings.project.site_url, "write the address where output/ will be published"),
        ("project.contact", settings.project.contact, "write your project's own address, or remove the line"),
        ("email.from", email.from_address, "write the address your newsletter is sent from"),
        ("email.reply_to", email.reply_to, "write the address replies should go to, or remove the line"),
        ("email.unsubscribe_url", email.unsubscribe_url, "write the address of your unsubscribe page"),
        ("email.signup_url", email.signup_url, "write the address of your email service's sign-up form"),
    ]
    for key, value, fix in addresses:
        host = _host(value or "")
        if host and is_placeholder_host(host):
            found(key, f"an example address ({host})", fix)
    findings.sort(key=lambda finding: finding.where.line or 0 if finding.where else 0)
    records: list[tuple[NewsItem | Issue, str, str]] = [
        *((item, NEWS_PLACEHOLDER, "write the news in its place") for item in catalog.items),
        *((issue, EDITORIAL_PLACEHOLDER, "write the issue's editorial in its place") for issue in catalog.issues),
    ]
    for record, text, fix in records:
        if text in record.body_markdown:
            findings.append(error("placeholder", _line_of(root, record.source, text),
                                  f"the text still holds the example '{text}'", fix))
    return findings


def _host(address: str) -> str:
    """The host of a URL or an e-mail address ("Name <user@host>")."""
    if "://" in address:
        return urlsplit(address).hostname or ""
    return parseaddr(address)[1].rpartition("@")[2]


def _line_of(root: Path, source: Path, text: str) -> SourceLocation:
    try:
        return SourceLocation(source, text_line((root / source).read_text(encoding="utf-8"), [text]))
    except (OSError, UnicodeDecodeError):
        return SourceLocation(source)
