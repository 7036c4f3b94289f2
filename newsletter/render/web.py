"""The web channel: archive, issue pages, item pages, tag pages, copied images and theme assets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from newsletter.confine import Boundary, Refused, read_project_file
from newsletter.content.markdown import relativize
from newsletter.content.models import NewsItem
from newsletter.errors import ContentError, SourceLocation
from newsletter.render import Output, text_output
from newsletter.site import Site
from newsletter.slugs import slugify
from newsletter.templates import THEME_DIR, Templates

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


class WebRenderer:
    name = "web"

    def render(self, site: Site, templates: Templates) -> Iterator[Output]:
        yield from render_web(site, templates)


def render_web(site: Site, templates: Templates) -> Iterator[Output]:
    """Render every web page of the site, plus images and theme assets."""
    page = _PageRenderer(site, templates)
    issue_of = {item.slug: edition.issue for edition in site.editions for item in edition.items}
    yield page("index.html", "web/index.html", editions=tuple(reversed(site.editions)))
    for edition in site.editions:
        yield page(
            f"{site.issue_path(edition)}index.html", "web/issue.html",
            edition=edition, issue=edition.issue, editorial=Markup(relativize(edition.issue.body_html, "../../")),
        )
    for item in site.published:
        yield page(
            f"{site.item_path(item)}index.html", "web/item.html",
            item=item, body=Markup(relativize(item.body_html, "../../")), issue_of_item=issue_of.get(item.slug),
        )
    for tag, items in site.tags.items():
        yield page(f"{site.tag_path(tag)}index.html", "web/tag.html", tag=tag, tag_name=site.tag_name(tag), items=items)
    yield from copy_tree(site.root / "content" / "images", "images", "image", within=site.root)
    yield from _static(site)


class _PageRenderer:
    """Renders pages, with what every page of a build shares worked out once."""

    def __init__(self, site: Site, templates: Templates):
        self.site, self.templates = site, templates
        self.published = frozenset(item.slug for item in site.published)
        self.shared: dict[str, Any] = {
            "site": site,
            "settings": site.settings,
            "brand": site.settings.brand,
            "text_direction": "rtl" if site.settings.project.language.split("-")[0] in RTL_LANGUAGES else "ltr",
            "tag_slug": slugify,
        }

    def __call__(self, path: str, template: str, **context: Any) -> Output:
        site, published = self.site, self.published
        root = "../" * path.count("/")

        def item_link(item: NewsItem) -> str:
            if item.url:
                return item.url
            if item.slug in published:
                return f"{root}{site.item_path(item)}index.html"
            return site.item_url(item)  # not yet published: its future address

        html = self.templates.render(
            template,
            **self.shared,
            root=root,
            canonical=site.url(path.removesuffix("index.html")),
            asset=lambda image: image if image.startswith(("http://", "https://")) else root + image,
            item_link=item_link,
            **context,
        )
        return text_output(path, "web-page", html)


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
            yield Output(PurePosixPath(prefix, relative), kind, path.read_bytes())
            continue
        try:
            data = read_project_file(project, path)
        except Refused as exc:
            raise ContentError(f"the file {exc}", SourceLocation(path.relative_to(within)),
                               "copy the file into the project instead of linking to it") from None
        yield Output(PurePosixPath(prefix, relative), kind, data)
