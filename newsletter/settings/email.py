"""[email]: sender, email service and link tracking of the email channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader
from newsletter.urls import WEB, WEB_AND_MAIL

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
    signup_url: str | None = None  # where readers subscribe by email, linked from the web pages


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
        signup_url=table.link("signup_url", WEB),
    )


DOC = TableDoc("email", "The email: who sends it, and the email service that sends it.", "#the-email", (
    KeyDoc("from", "The sender subscribers see.", '"Acme News <news@example.eu>"', active=True),
    KeyDoc("reply_to", "Where replies go.", '"comms@example.eu"', active=True),
    KeyDoc("esp", "Your email service: mailchimp, brevo, listmonk, buttondown or generic.", '"mailchimp"',
           active=True),
    KeyDoc("unsubscribe_url", "Only for esp = \"generic\": the page where readers unsubscribe.",
           '"https://example.eu/newsletter/unsubscribe/"'),
    KeyDoc("signup_url", "Your email service's sign-up form, linked from the archive and each issue's page.",
           '"https://example.eu/subscribe/"'),
    KeyDoc("utm", "Tracking tags added to links (the campaign is the issue's slug), or false for none.",
           '{ source = "newsletter", medium = "email" }'),
    KeyDoc("utm_exclude", "Links starting with these addresses get no tracking tags.", '["https://doi.org/"]'),
))

TABLE = SettingsTable("email", read_email, free_form=("email.utm.",), doc=DOC)
