"""What the email templates see: cards, images, partners, links and ESP merge tags, all precomputed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from newsletter.dates import event_when
from newsletter.platforms import LABELS
from newsletter.urls import is_web_address
from newsletter.assemble import Edition
from newsletter.confine import inside, relative_path
from newsletter.content.models import ItemType, NewsItem
from newsletter.site import Site
from newsletter.templates import THEME_DIR

CONTENT_WIDTH = 552  # the 600px column minus 24px padding on each side
TEXT_WIDTH = 72  # the plain-text part's lines
EMBLEM = "static/eu-emblem@2x.png"  # shown 75 px wide: twice that for sharp phone screens


@dataclass(frozen=True, slots=True)
class EspPreset:
    """Merge tags an email service replaces per subscriber when it sends."""

    name: str
    unsubscribe: str
    archive: str | None  # the service's hosted copy; None means our own web version


# Emitted as literal strings (never through Jinja's own `{{ }}`), so they reach the HTML untouched.
ESP_PRESETS = {
    "mailchimp": EspPreset("mailchimp", "*|UNSUB|*", "*|ARCHIVE|*"),
    "brevo": EspPreset("brevo", "{{ unsubscribe }}", "{{ mirror }}"),
    "listmonk": EspPreset("listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}"),
    "buttondown": EspPreset("buttondown", "{{ unsubscribe_url }}", "{{ email_url }}"),
}


@dataclass(frozen=True, slots=True)
class EmailImage:
    """An image as the email shows it: absolute URL, display size in CSS pixels, alt text."""

    src: str
    alt: str
    width: int | None = None
    height: int | None = None


# Makes an email image: (content path or URL, alt text, maximum display width) -> image.
ImageMaker = Callable[[str, str, int], EmailImage]


@dataclass(frozen=True, slots=True)
class Card:
    """One item as a card: the item itself plus everything a card template needs ready-made."""

    item: NewsItem
    template: str  # email/cards/<type>.mjml
    link: str  # "Read more": the item's canonical url or its page; until that exists, its card on the web version
    image: EmailImage | None
    when: str | None = None  # events: date, time and place in words
    doi_url: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    kind: ItemType
    heading: str
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class PartnerLink:
    name: str
    short: str
    url: str | None
    logo: EmailImage | None


@dataclass(frozen=True, slots=True)
class SocialLink:
    platform: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Links:
    """Where the fixed links of an issue go."""

    web_version: str  # our own "view in browser" page
    archive: str  # the ESP's hosted copy, or the web version
    unsubscribe: str
    home: str


def esp_preset(site: Site) -> EspPreset:
    """The merge tags of the project's email service; `generic` takes literal URLs from settings."""
    settings = site.settings.email
    if settings.esp in ESP_PRESETS:
        return ESP_PRESETS[settings.esp]
    return EspPreset("generic", settings.unsubscribe_url or site.url(), None)


def issue_links(site: Site, edition: Edition) -> Links:
    esp = esp_preset(site)
    web_version = site.url(site.issue_path(edition))
    return Links(web_version, esp.archive or web_version, esp.unsubscribe, site.url())


def local_file(site: Site, url: str) -> Path | None:
    """The project file published at `url`, if it is one of ours (content or theme static)."""
    base = site.settings.project.site_url
    if not url.startswith(base):
        return None
    relative = unquote(urlsplit(url[len(base):]).path)  # Site.url encoded the file's path
    if relative_path(relative) is None:
        return None  # "..", an absolute path: never a file of ours
    if relative.startswith("static/"):
        name = relative.removeprefix("static/")
        candidates = [(site.root / "templates" / "static" / name, False), (THEME_DIR / "static" / name, True)]
    elif site.publishable(relative):
        candidates = [(site.root / "content" / relative, False)]
    else:
        return None
    # Nothing from outside the project (a link in content/images/) is ever attached to the email;
    # the theme's own files are ours.
    return next((path for path, ours in candidates if path.is_file() and (ours or inside(site.root, path))), None)


def cards(site: Site, edition: Edition, make_image: ImageMaker) -> tuple[Group, ...]:
    """The edition's items as cards, grouped by type in the theme's order."""
    tz = site.settings.project.tz
    web_version = site.url(site.issue_path(edition))
    return tuple(
        Group(kind, kind.heading, tuple(card(site, item, tz, web_version, make_image) for item in items))
        for kind, items in edition.groups
    )


def card(site: Site, item: NewsItem, tz: ZoneInfo, web_version: str, make_image: ImageMaker) -> Card:
    image = make_image(item.image, item.image_alt or "", CONTENT_WIDTH) if item.image else None
    return Card(
        item=item,
        template=f"email/cards/{item.type.value}.mjml",
        # An issue prepared ahead of its items' dates links to their cards until their pages exist.
        link=site.reader_url(item) or f"{web_version}#{site.item_anchor(item)}",
        image=image,
        when=event_when(item.event, tz, site.settings.project.language) if item.event else None,
        doi_url=item.publication.doi_url if item.publication else None,
    )


def partners(site: Site, make_image: ImageMaker) -> tuple[PartnerLink, ...]:
    return tuple(
        PartnerLink(
            name=partner.name,
            short=partner.short,
            url=partner.url,
            logo=make_image(partner.logo, partner.name, 100) if partner.logo else None,
        )
        for partner in site.settings.partners
    )


def social_links(site: Site) -> tuple[SocialLink, ...]:
    """The project's accounts as profile links, platforms in alphabetical order."""
    links = []
    for platform, handle in site.settings.social.accounts.items():
        url = profile_url(platform, handle)
        if url:
            links.append(SocialLink(platform, LABELS[platform], url))
    return tuple(links)


def profile_url(platform: str, handle: str) -> str | None:
    """A profile's web address from a handle such as `@user@server` or `@name`."""
    if is_web_address(handle):
        return handle
    name = handle.lstrip("@")
    if platform == "mastodon":
        user, _, server = name.partition("@")
        return f"https://{server}/@{user}" if server else None
    urls = {
        "x": f"https://x.com/{name}",
        "bluesky": f"https://bsky.app/profile/{name}",
        "linkedin": f"https://www.linkedin.com/company/{name}",
        "threads": f"https://www.threads.net/@{name}",
    }
    return urls.get(platform)


def site_host(site: Site) -> str:
    return urlsplit(site.settings.project.site_url).hostname or "localhost"
