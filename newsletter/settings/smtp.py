"""[smtp]: the server `newsletter send-test` sends through (NEWSLETTER_SMTP_* variables win, see smtp.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader

SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send. newsletter.toml gives the first five; resolve_smtp() in smtp.py applies the
    NEWSLETTER_SMTP_* variables, which alone set the password and the CA file. Port 0: the security's default."""

    host: str = ""
    port: int = 0
    user: str | None = None
    security: str = "starttls"
    max_recipients: int = 10
    password: str | None = field(default=None, repr=False)
    cafile: Path | None = None
    timeout: float = 30.0

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def read_smtp(top: TableReader) -> SmtpSettings:
    table = top.table("smtp")
    if "password" in table.data:
        table.known.add("smtp.password")
        table.problems.append("'smtp.password' must not be in newsletter.toml; set NEWSLETTER_SMTP_PASSWORD instead")
    return SmtpSettings(
        host=table.text("host") or "",
        port=table.get("port", int, 0),
        user=table.text("user"),
        security=table.choice("security", SMTP_SECURITY, "starttls"),
        max_recipients=table.get("max_recipients", int, 10),
    )


DOC = TableDoc("smtp", "The mail server for `newsletter send-test`; NEWSLETTER_SMTP_* variables win.", "#commands", (
    KeyDoc("host", "The server's name.", '"smtp.example.eu"'),
    KeyDoc("port", "Its port: 587 for starttls, 465 for ssl.", "587"),
    KeyDoc("user", "The login; the password only ever comes from NEWSLETTER_SMTP_PASSWORD.", '"news@example.eu"'),
    KeyDoc("security", "starttls, ssl, or none (a local test server only).", '"starttls"'),
    KeyDoc("max_recipients", "At most this many reviewers per test.", "10"),
))

TABLE = SettingsTable("smtp", read_smtp, doc=DOC)
