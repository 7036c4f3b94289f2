"""What a web page tells link previews: Open Graph (ogp.me) and X Card tags, worked out per page.

Every page (item, issue, archive, tag) names its title, a one-to-two-sentence description, its
canonical URL, the site's name and an absolute image with its width, height and alt text, so a
link shared by anyone shows a card. X reads at most 70 characters of title and 200 of
description (developer.x.com/cards/markup): longer ones are cut the way posts are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsletter.assemble import Edition
from newsletter.content.models import Issue, NewsItem
from newsletter.languages import N_, theme_text
from newsletter.platforms.shortening import cuts
from newsletter.share_card import ShareImage, card_image, share_image
from newsletter.site import Site

X_TITLE_MAX = 70
X_DESCRIPTION_MAX = 200
X_ALT_MAX = 420


@dataclass(frozen=True, slots=True)
class PageShare:
    """The link-preview facts of one page."""

    title: str
    description: str
    url: str
    type: str  # og:type: "article" for an item, else "website"
    image: ShareImage
    site_name: str
    x_site: str | None = None  # the project's X account, "@name"
    published: str | None = None  # ISO 8601, for an article
    tags: tuple[str, ...] = ()

    def short(self, text: str, most: int) -> str:
        """`text` cut to at most `most` characters, at a sentence or word, with "…"."""
        if len(text) <= most:
            return text  # the longest of its cuts: the text itself
        fitting = [option for option in cuts(text, 1) if len(option) <= most]
        return fitting[-1] if fitting else text[: most - 1] + "…"


def page_share(site: Site, path: str, context: Mapping[str, Any]) -> PageShare:
    """The preview facts of the page at `path`, from what its template is given."""
    project = site.settings.project
    url = site.url(path.removesuffix("index.html"))
    x_site = site.settings.social.accounts.get("x")
    common: dict[str, Any] = {"url": url, "site_name": project.name,
                              "x_site": ("@" + x_site.lstrip("@")) if x_site else None}
    item = context.get("item")
    if isinstance(item, NewsItem):
        return PageShare(item.title, item.summary, type="article", image=share_image(site, item),
                         published=item.date.isoformat(), tags=item.tags, **common)
    issue, edition = context.get("issue"), context.get("edition")
    if isinstance(issue, Issue):
        items = edition.items if isinstance(edition, Edition) else ()
        image = next((share_image(site, entry) for entry in items if entry.image), card_image(site))
        return PageShare(issue.title, issue.preheader or project.tagline, type="website", image=image, **common)
    tag_name = context.get("tag_name")
    if isinstance(tag_name, str):
        return PageShare(f"{tag_name} · {project.name}", theme_text(site, N_("News from %(name)s about %(tag)s."), name=project.name, tag=tag_name),
                         type="website", image=card_image(site), **common)
    return PageShare(project.name, project.tagline or project.name, type="website", image=card_image(site), **common)
