"""RSS 2.0 and Atom 1.0 documents of feed entries, written with feedgen."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from feedgen.entry import FeedEntry  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from newsletter.languages import N_, theme_text
from newsletter.site import ATOM_PATH, RSS_PATH, Site
from newsletter.channels.feeds.entries import Entry, Image, feed_updated, logo_image, tag_feed_path


GENERATOR = "newsletter"  # no version: an upgrade alone must not change the feeds
# RSS 2.0 caps the channel image at 144 x 400 pixels.
_RSS_IMAGE_MAX = (144, 400)


class _FeedEntry(FeedEntry):  # type: ignore[misc]  # feedgen ships no type hints
    """feedgen's entry, with the Atom link attributes that feedgen 1.0 drops put back."""

    def atom_entry(self, extensions: bool = True) -> Any:
        # feedgen 1.0 writes only href on an entry's <link> (python-feedgen issue 135),
        # which turns an enclosure into a second alternate link: restore rel, type and length.
        element = super().atom_entry(extensions)
        for link, data in zip(element.findall("link"), self.link() or [], strict=True):
            for attribute in ("rel", "type", "hreflang", "title", "length"):
                if data.get(attribute):
                    link.set(attribute, data[attribute])
        return element


def rss_feed(site: Site, entries: Sequence[Entry], tag_slug: str | None = None) -> bytes:
    """Render RSS 2.0: the main feed, or the feed of one tag."""
    project = site.settings.project
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.load_extension("media", atom=False, rss=True)
    if tag_slug is None:
        title, home, self_url = project.name, site.url(), site.url(RSS_PATH)
        description = project.tagline or theme_text(site, N_("News from %(name)s"), name=project.name)
    else:
        tag = site.tag_name(tag_slug)
        title, description = f"{project.name}: {tag}", theme_text(site, N_("%(name)s news about %(tag)s"), name=project.name, tag=tag)
        home, self_url = site.url(site.tag_path(tag_slug)), site.url(tag_feed_path(site, tag_slug))
    _channel(site, generator, title, description, home, (self_url, "application/rss+xml"))
    logo = logo_image(site)
    if logo is not None:
        fits = logo.width is not None and logo.height is not None and (
            logo.width <= _RSS_IMAGE_MAX[0] and logo.height <= _RSS_IMAGE_MAX[1])
        generator.image(url=logo.url, title=title, link=home,
                        width=str(logo.width) if fits else None, height=str(logo.height) if fits else None)
    generator.lastBuildDate(feed_updated(site, entries))
    for entry in entries:
        rss_item = _entry(generator, entry)
        # RSS wants HTML in <description>: escape the plain-text summary once more.
        rss_item.description(html.escape(entry.item.summary, quote=False))
        rss_item.content(entry.content_html, type="html")
        if entry.item.author:
            rss_item.dc.dc_creator(entry.item.author)  # <author> must be an email address
        if entry.image is not None:
            if entry.image.length and entry.image.type:  # RSS requires both; unknown for remote files
                _enclosure(rss_item, entry.image)
            _media(rss_item, entry.image)
    return bytes(generator.rss_str(pretty=True))


def atom_feed(site: Site, entries: Sequence[Entry]) -> bytes:
    """Render Atom 1.0 of the main entries."""
    project = site.settings.project
    generator = FeedGenerator()
    generator.load_extension("media", atom=True, rss=False)
    self_url = site.url(ATOM_PATH)
    generator.id(self_url)
    _channel(site, generator, project.name, project.tagline or theme_text(site, N_("News from %(name)s"), name=project.name), site.url(),
             (self_url, "application/atom+xml"))
    generator.author(name=project.name, uri=site.url())
    logo = logo_image(site)
    if logo is not None:
        generator.logo(logo.url)
        if logo.width is not None and logo.width == logo.height:
            generator.icon(logo.url)  # Atom wants a square icon
    generator.updated(feed_updated(site, entries))
    for entry in entries:
        atom_entry = _entry(generator, entry)
        atom_entry.content(entry.content_html, type="html")
        atom_entry.summary(entry.item.summary)
        if entry.item.author:
            atom_entry.author(name=entry.item.author)
        if entry.image is not None:
            _enclosure(atom_entry, entry.image)
            _media(atom_entry, entry.image)
    return bytes(generator.atom_str(pretty=True))


def _channel(site: Site, generator: FeedGenerator, title: str, description: str, home: str,
             self_link: tuple[str, str]) -> None:
    generator.title(title)
    generator.description(description)
    # The feed's own address (atom:link rel="self"), then the page: feedgen takes RSS <link> from the last link.
    generator.link(href=self_link[0], rel="self", type=self_link[1])
    generator.link(href=home, rel="alternate", type="text/html")
    generator.language(site.settings.project.language)
    generator.generator(GENERATOR)


def _entry(generator: FeedGenerator, entry: Entry) -> Any:
    # feedgen prepends by default and dates entries now(): append in our order, date them ourselves.
    feed_entry = generator.add_entry(_FeedEntry(), order="append")
    feed_entry.guid(entry.guid, permalink=entry.permalink)
    feed_entry.title(entry.item.title)
    feed_entry.link(href=entry.link, rel="alternate", type="text/html")
    feed_entry.published(entry.published)
    feed_entry.updated(entry.published)
    for category in entry.categories:
        feed_entry.category(term=category)
    return feed_entry


def _enclosure(feed_entry: Any, image: Image) -> None:
    link = {"href": image.url, "rel": "enclosure"}
    if image.type:
        link["type"] = image.type
    if image.length:
        link["length"] = str(image.length)
    feed_entry.link(**link)


def _media(feed_entry: Any, image: Image) -> None:
    content = {"url": image.url, "medium": "image"}
    if image.type:
        content["type"] = image.type
    if image.length:
        content["fileSize"] = str(image.length)
    if image.width and image.height:
        content["width"], content["height"] = str(image.width), str(image.height)
    feed_entry.media.content(content, group=None)
