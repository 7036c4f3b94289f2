"""What each table of newsletter.toml means, key by key: the one source of `newsletter init`'s settings file.

Each table declares a TableDoc: one line of help per key, an example value written as TOML, and the
README section that explains it. A new table adds its TableDoc to SETTINGS_DOCS and appears, commented,
in every new project's settings file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

README = "README.md"  # the README ships with the package; its sections are named by their anchors
RULE = "# " + "-" * 75


@dataclass(frozen=True, slots=True)
class KeyDoc:
    """One key: its name, one line of help, an example written as TOML, and whether init sets it."""

    name: str
    help: str
    example: str
    active: bool = False  # written uncommented (with init's value or the example)


@dataclass(frozen=True, slots=True)
class TableDoc:
    """One table of newsletter.toml: what it is for, where the README explains it, its keys."""

    name: str
    help: str
    anchor: str
    keys: tuple[KeyDoc, ...]
    array: bool = False  # written [[name]], one block per entry

    @property
    def heading(self) -> str:
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"

    @property
    def active(self) -> bool:
        return any(key.active for key in self.keys)


SETTINGS_ANCHOR = "#settings-newslettertoml"

PROJECT = TableDoc("project", "The project: who is speaking, and where the newsletter is published.", SETTINGS_ANCHOR, (
    KeyDoc("name", "The project's name, in every email, page and feed (required).", '"Acme"', active=True),
    KeyDoc("tagline", "One line shown under the name on the web archive and in the plain-text email.",
           '"News from the Acme project"', active=True),
    KeyDoc("site_url", "Required: the address where the output/ folder will be published, ending in /.",
           '"https://example.eu/newsletter/"', active=True),
    KeyDoc("language", "The language of the newsletter, as a code such as en, fr or de.", '"en"', active=True),
    KeyDoc("timezone", "A date without a time (2024-03-05) is that day in this time zone.", '"Europe/Brussels"',
           active=True),
    KeyDoc("logo", "The project's logo, a file in content/images/ (or an https:// address).", '"images/logo.png"'),
    KeyDoc("contact", "The address readers may write to.", '"comms@example.eu"', active=True),
))

FUNDING = TableDoc("funding", "EU funding: printed with the EU emblem on every page and email.", SETTINGS_ANCHOR, (
    KeyDoc("programme", "The funding programme.", '"Horizon Europe"', active=True),
    KeyDoc("grant_agreement", "Your grant agreement number, as the grant agreement gives it.", '"101000000"',
           active=True),
    KeyDoc("granting_authority", "The agency your grant agreement names: CINEA, HaDEA, REA, ERCEA, ...",
           '"the granting authority"', active=True),
    KeyDoc("statement", "Only if your project officer asks for other wording than the default statement.",
           '"Funded by the European Union under grant agreement No 101000000."'),
    KeyDoc("disclaimer", "Only if asked: replaces the Horizon Europe \"Views and opinions expressed ...\" text.",
           '"Views and opinions expressed are however those of the author(s) only ..."'),
    KeyDoc("emblem", "Show the EU emblem (true or false).", "true", active=True),
))

BRAND = TableDoc("brand", "Look and feel: colours as web colour codes (#RRGGBB), and the font.", SETTINGS_ANCHOR, (
    KeyDoc("primary_color", "Buttons, links and headings; dark enough for white text on it.", '"#0B5394"',
           active=True),
    KeyDoc("secondary_color", "The header and footer.", '"#1B3A5C"', active=True),
    KeyDoc("text_color", "The text.", '"#222222"'),
    KeyDoc("background_color", "The page behind the text.", '"#FFFFFF"'),
    KeyDoc("font", "Fonts, as CSS writes them; mail clients use the first one they have.",
           '"Helvetica, Arial, sans-serif"'),
))

EMAIL = TableDoc("email", "The email: who sends it, and the email service that sends it.", "#the-email", (
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

FEEDS = TableDoc("feeds", "RSS, Atom and JSON feeds.", "#feeds", (
    KeyDoc("max_items", "The newest items kept in each feed.", "50"),
))

SOCIAL = TableDoc("social", "Social media drafts: written for each item, reviewed and posted by a person.",
                  "#social-drafts", (
    KeyDoc("hashtags", "Hashtags added to every post, without the #.", '["Acme"]', active=True),
    KeyDoc("accounts", "The project's accounts; drafts are written for these platforms (all when none is set).",
           '{ x = "@acme", mastodon = "@acme@mastodon.social", bluesky = "@acme.bsky.social", linkedin = "acme" }'),
    KeyDoc("limits", "Characters per post where your server allows other than the usual limit.", "{ mastodon = 500 }"),
))

PARTNERS = TableDoc("partners", "The consortium: one [[partners]] block per partner, in the order to list them.",
                    SETTINGS_ANCHOR, (
    KeyDoc("name", "The partner's full name (required).", '"Example Institute of Technology"'),
    KeyDoc("short", "Its short name, as items mention it.", '"EIT"'),
    KeyDoc("country", "Its country, as a two-letter code.", '"BE"'),
    KeyDoc("role", "coordinator or partner.", '"coordinator"'),
    KeyDoc("url", "Its website.", '"https://example.eu/"'),
    KeyDoc("logo", "Its logo, a file in content/images/.", '"images/partners/eit.png"'),
    KeyDoc("handles", "Its accounts, so social drafts mention it.", '{ x = "@eit", linkedin = "eit" }'),
), array=True)

SMTP = TableDoc("smtp", "The mail server for `newsletter send-test`; NEWSLETTER_SMTP_* variables win.", "#commands", (
    KeyDoc("host", "The server's name.", '"smtp.example.eu"'),
    KeyDoc("port", "Its port: 587 for starttls, 465 for ssl.", "587"),
    KeyDoc("user", "The login; the password only ever comes from NEWSLETTER_SMTP_PASSWORD.", '"news@example.eu"'),
    KeyDoc("security", "starttls, ssl, or none (a local test server only).", '"starttls"'),
    KeyDoc("max_recipients", "At most this many reviewers per test.", "10"),
))

PUBLISH = TableDoc("publish", "Where `newsletter publish` uploads output/: the folder your web host serves site_url from.",
                   "#publishing", (
    KeyDoc("to", "An sftp://user@host/folder/ address (your ssh login is used) or a file:///folder/ one.",
           '"sftp://user@example.eu/var/www/newsletter/"'),
))

IMPORT = TableDoc("import", "`newsletter import wordpress`: how WordPress categories and tags become item types.",
                  "#importing-from-wordpress", (
    KeyDoc("type_map", "A category or tag, and the type (event, publication, deliverable, press) it gives.",
           '{ events = "event", publications = "publication" }'),
))

# Every table, in the order the settings file lists them.
SETTINGS_DOCS: tuple[TableDoc, ...] = (PROJECT, FUNDING, BRAND, EMAIL, FEEDS, SOCIAL, PARTNERS, SMTP, PUBLISH,
                                       IMPORT)

INTRO = f"""\
# Settings of this newsletter.
#
# Lines starting with "#" are comments. A setting written as "# key = value"
# is switched off: remove the "# " in front of it (and of its [table] line) to
# use it. Text goes between double quotes; numbers and true/false do not.
# Paths such as "images/logo.png" are relative to the content/ folder.
# Each table names the section of the README ({README}) that explains it.
# `newsletter check` reports every value below that is still an example
# (example.eu, 101000000, "the granting authority"): replace them first.
"""


def settings_file(values: Mapping[str, str], docs: tuple[TableDoc, ...] = SETTINGS_DOCS) -> str:
    """A complete, commented newsletter.toml: `values` (dotted key -> TOML value) replace the examples."""
    blocks = [INTRO]
    for table in docs:
        on = table.active
        lines = [RULE, f"# {table.heading} {table.help}", f"# README: {README}{table.anchor}", RULE,
                 table.heading if on else f"# {table.heading}"]
        for key in table.keys:
            value = values.get(f"{table.name}.{key.name}", key.example)
            lines += [f"# {key.help}", f"{key.name} = {value}" if on and key.active else f"# {key.name} = {value}"]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def documented_keys(docs: tuple[TableDoc, ...] = SETTINGS_DOCS) -> set[str]:
    """Every dotted key the settings file documents (`partners.name` for each partner's `name`)."""
    return {f"{table.name}.{key.name}" for table in docs for key in table.keys}
