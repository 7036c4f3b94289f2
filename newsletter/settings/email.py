"""[email]: sender, email service and link tracking of the email channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.settings.reader import SettingsTable, TableReader
from newsletter.urls import WEB_AND_MAIL

ESP_PRESETS = ("mailchimp", "brevo", "listmonk", "buttondown", "generic")
DEFAULT_UTM: Mapping[str, str] = MappingProxyType({"source": "newsletter", "medium": "email"})


@dataclass(frozen=True, slots=True)
class EmailSettings:
    from_address: str | None = None
    reply_to: str | None = None
    esp: str = "generic"
    unsubscribe_url: str | None = None
    utm: Mapping[str, str] = field(default_factory=lambda: DEFAULT_UTM)
    utm_enabled: bool = True
    utm_exclude: tuple[str, ...] = ()  # URL prefixes whose links get no UTM parameters


def read_email(top: TableReader) -> EmailSettings:
    table = top.table("email")
    utm_table = table.get("utm", (dict, bool), None)
    return EmailSettings(
        from_address=table.text("from"),
        reply_to=table.text("reply_to"),
        esp=table.choice("esp", ESP_PRESETS, "generic"),
        unsubscribe_url=table.link("unsubscribe_url", WEB_AND_MAIL, merge_tags=True),
        utm=table.text_map("utm") if isinstance(utm_table, dict) else DEFAULT_UTM,
        utm_enabled=utm_table is not False,
        utm_exclude=table.text_list("utm_exclude"),
    )


TABLE = SettingsTable("email", read_email, free_form=("email.utm.",))
