"""The web channel: archive, issue pages, item pages, tag pages, copied images and theme assets."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from newsletter.languages import text_direction
from newsletter.confine import Boundary, Refused, read_project_file
from newsletter.content.markdown import relinked
from newsletter.content.models import NewsItem
from newsletter.errors import ContentError, SourceLocation
from newsletter.outputs import Memo, Output, no_memo, output_path, text_output
from newsletter.channels.web.share import page_share
from newsletter.share_card import card_output
from newsletter.site import IMAGES, Site
from newsletter.urls import is_web_address, url_path
from newsletter.slugs import slugify
from newsletter.dates import event_when
from newsletter.templates import THEME_DIR, Templates


class WebRenderer:
    name = "web"

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
        yield from render_web(site, templates, memo)


def render_web(site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
    """Render every web page of the site, plus images and theme assets."""
    page = _PageRenderer(site, templates)
    # Pages being published never point at an issue still being prepared: that is how it stays unlisted.
    issue_of = {item.slug: edition.issue for edition in site.released for item in edition.items}
    editions = tuple(reversed(site.released))
    # What else of the site the default archive page reads: each issue's number of items, the newest items'
    # titles and dates, and the topics with their number of items.
    latest = tuple(map(site.without_text, site.published[:10]))
    topics = tuple((tag, site.tag_name(tag), len(items)) for tag, items in site.tags.items())
    yield page.remembered(memo, (tuple((edition.issue, len(edition.items)) for edition in editions), latest, topics),
                          "index.html", "web/index.html", editions=editions)
    for edition in site.editions:
        if edition.next is not None and site.is_released(edition) and not site.is_released(edition.next):
            edition = replace(edition, next=None)
        links, editorial = page.body(edition.issue.body_html, edition.issue.source)
        # What else of the site the default issue page reads: which of its items have their own page. Its
        # cards, like the email's, never show an item's text: an edit of the text leaves the page remembered.
        pages = tuple(site.has_page(item) for item in edition.items)
        cards = replace(edition, items=tuple(map(site.without_text, edition.items)))
        yield page.remembered(
            memo, (cards, links, pages), f"{site.issue_path(edition)}index.html", "web/issue.html",
            {"editorial": editorial}, edition=edition, issue=edition.issue,
        )
    for item in site.published:
        (links, body), issue = page.body(item.body_html, item.source), issue_of.get(item.slug)
        # What else of the site the default item page reads: whether its tags have pages, and their names.
        tags = tuple((slug, site.tag_name(slug)) for slug in map(slugify, item.tags) if slug in site.tags)
        yield page.remembered(
            memo, (item, links, issue, tags), f"{site.item_path(item)}index.html", "web/item.html",
            {"body": body}, item=item, issue_of_item=issue,
        )
    for tag, items in site.tags.items():
        listed = tuple(map(site.without_text, items))  # a tag page lists titles and dates
        yield page.remembered(memo, (tag, site.tag_name(tag), listed), f"{site.tag_path(tag)}index.html",
                              "web/tag.html", tag=tag, tag_name=site.tag_name(tag), items=items)
    yield from copy_tree(site.root / "content" / "images", "images", "image", within=site.root)
    # The email's partner strip shows the partners' logos from the site.
    page.files.update(partner.logo for partner in site.settings.partners if partner.logo)
    yield from page.linked_files()
    yield from _static(site)
    yield card_output(site, memo)


class _PageRenderer:
    """Renders pages, with what every page of a build shares worked out once."""

    def __init__(self, site: Site, templates: Templates):
        self.site, self.templates = site, templates
        self.root = ""  # the way up to output/ from the page being rendered
        self.files: set[str] = set()  # content files the pages link to, outside content/images/
        self.linking: list[str] = []  # the files the page being rendered asks `asset` for, in order
        self.shared: dict[str, Any] = {
            "site": site,
            "settings": site.settings,
            "brand": site.settings.brand,
            "text_direction": text_direction(site.settings.project.language),
            "tag_slug": slugify,
            "event_when": lambda event: event_when(event, site.settings.project.tz, site.settings.project.language),
        }

    def __call__(self, path: str, template: str, **context: Any) -> Output:
        """The page at `path` from `template`."""
        site = self.site
        root = self.root = "../" * path.count("/")

        def item_link(item: NewsItem) -> str | None:
            """The item's page (or canonical url); None until it is published, as the page does not exist."""
            if item.url:
                return item.url
            return f"{root}{site.item_path(item)}index.html" if site.has_page(item) else None

        page = path.removesuffix("index.html")
        html = self.templates.render(
            template,
            **self.shared,
            root=root,
            canonical=site.url(page),
            versions=self.versions(page),
            asset=self.asset,
            item_link=item_link,
            item_anchor=site.item_anchor,
            share=page_share(site, path, context),
            **context,
        )
        return text_output(path, "web-page", html)

    def remembered(self, memo: Memo, inputs: tuple[object, ...], path: str, template: str,
                   later: Mapping[str, Callable[[], object]] | None = None, **context: Any) -> Output:
        """The page, remembered between builds by `inputs` (what it reads besides the site's settings, language
        and the page's translations); `later`: context made only when the page is rendered.

        Its link preview (`page_share`) is made of what the key holds: the settings, the item, issue or tag
        in `inputs`, and the size of an image, which the memo's engine knows (the project's images).

        The files its template links to are remembered with it, so a remembered page still has them copied.
        (The files a body links to are found every build, for its links' part of the key.)"""
        if self.templates.uses_project_files(template):
            memo = no_memo  # the project's own templates may read anything of the site

        site = self.site

        def render() -> tuple[bytes, tuple[str, ...]]:
            self.linking = []
            made = {name: make() for name, make in (later or {}).items()}
            data = self(path, template, **context, **made).data
            linked, self.linking = tuple(self.linking), []
            return data, linked

        page = path.removesuffix("index.html")
        shown = (path, template, site.settings, site.settings.project.language, self.versions(page), *inputs)
        data, linked = memo("web-page", shown, render, pack=lambda done: done,
                            unpack=lambda packed: (packed[0], tuple(packed[1])))
        self.files.update(linked)
        return Output(output_path(path), "web-page", data)

    def versions(self, page: str) -> tuple[tuple[str, str, str], ...]:
        """The page in each language that has it: language, absolute URL, and the link from this page."""
        found = self.site.alternates.get(page, ())
        if len(found) < 2:
            return ()
        here = posixpath.dirname(urlsplit(self.site.url(page) + "index.html").path)
        return tuple(
            (language, url, posixpath.relpath(urlsplit(url).path, here) + "/index.html")
            for language, url in found
        )

    def asset(self, path: str) -> str:
        """A content file (`images/x.png`) or an absolute URL, as the page being rendered links to it."""
        if is_web_address(path):
            return path
        self.files.add(path)
        self.linking.append(path)
        return self.root + url_path(path)

    def body(self, fragment: str, source: Path) -> tuple[tuple[str | None, ...], Callable[[], Markup]]:
        """The Markdown body of `source` with its links made relative to the item or issue page, made when
        asked, and what its links lead to (with the fragment, all the body depends on: a key for its page)."""
        root = "../" * 2  # item and issue pages sit two folders down

        def rewrite(href: str) -> str | None:
            link = self.site.content_link(href, source)
            if link.file and link.path is not None:
                self.files.add(link.path)
            return self.site.web_link(href, source, root)

        leads, make = relinked(fragment, rewrite)
        return leads, lambda: Markup(make())

    def linked_files(self) -> Iterator[Output]:
        """Files of content/ outside content/images/ that a page links to, at the same path under output/."""
        content = self.site.root / "content"
        for path in sorted(self.files):
            if not path.startswith(IMAGES) and not is_web_address(path) and self.site.publishable(path):
                yield Output(output_path(path), "file", read_project_file(self.site.root, content / path))


def _static(site: Site) -> Iterator[Output]:
    """Theme assets; a file in the project's templates/static replaces the theme's file of that name."""
    own = {output.path: output
           for output in copy_tree(site.root / "templates" / "static", "static", "asset", within=site.root)}
    theme = {output.path: output for output in copy_tree(THEME_DIR / "static", "static", "asset")}
    merged = theme | own
    for path in sorted(merged):
        yield merged[path]


def copy_tree(folder: Path, prefix: str, kind: str, within: Path | None = None) -> Iterator[Output]:
    """Yield every file below `folder` as an Output under `prefix`, in sorted order.

    With `within` (the project), a link leading out of it is an error at the link: nothing from
    elsewhere on the machine is published.
    """
    if not folder.is_dir():
        return
    project = Boundary(within) if within is not None else None
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        relative = path.relative_to(folder).as_posix()
        if within is None or project is None:
            yield Output(output_path(f"{prefix}/{relative}"), kind, path.read_bytes())
            continue
        try:
            data = read_project_file(project, path)
        except Refused as exc:
            raise ContentError(f"the file {exc}", SourceLocation(path.relative_to(within)),
                               "copy the file into the project instead of linking to it") from None
        yield Output(output_path(f"{prefix}/{relative}"), kind, data)
