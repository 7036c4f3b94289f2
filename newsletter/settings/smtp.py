"""[smtp]: the server `newsletter send-test` sends through (NEWSLETTER_SMTP_* variables win, see smtp.py)."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.reader import SettingsTable, TableReader

SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str | None = None
    port: int | None = None
    user: str | None = None
    security: str = "starttls"
    max_recipients: int = 10


def read_smtp(top: TableReader) -> SmtpSettings:
    table = top.table("smtp")
    if "password" in table.data:
        table.known.add("smtp.password")
        table.problems.append("'smtp.password' must not be in newsletter.toml; set NEWSLETTER_SMTP_PASSWORD instead")
    return SmtpSettings(
        host=table.text("host"),
        port=table.get("port", int),
        user=table.text("user"),
        security=table.choice("security", SMTP_SECURITY, "starttls"),
        max_recipients=table.get("max_recipients", int, 10),
    )


TABLE = SettingsTable("smtp", read_smtp)
