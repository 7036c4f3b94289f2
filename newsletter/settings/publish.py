"""[publish]: where `newsletter publish` uploads output/ (an sftp:// or file:// address)."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader


@dataclass(frozen=True, slots=True)
class PublishSettings:
    to: str | None = None  # sftp://user@host/path/ or file:///path/


def read_publish(top: TableReader) -> PublishSettings:
    return PublishSettings(to=_publish_to(top.table("publish")))


def _publish_to(table: TableReader) -> str | None:
    """Where `newsletter publish` uploads to: an sftp:// or file:// address."""
    from newsletter.publish.address import EXAMPLE, address_problem, redacted

    value = table.text("to")
    problem = address_problem(value) if value else None
    if problem:
        table.problems.append(f"'{table.key('to')}' must be an address like {EXAMPLE} (got {redacted(value)!r}: {problem})")
        return None
    return str(value) if value else None


DOC = TableDoc("publish", "Where `newsletter publish` uploads output/: the folder your web host serves site_url from.",
                   "#publishing", (
    KeyDoc("to", "An sftp://user@host/folder/ address (your ssh login is used) or a file:///folder/ one.",
           '"sftp://user@example.eu/var/www/newsletter/"'),
))

TABLE = SettingsTable("publish", read_publish, doc=DOC)
