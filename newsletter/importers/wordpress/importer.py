"""Import WordPress posts (from a WXR export or a saved RSS feed) as Markdown news items."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsletter import diagnostics
from newsletter.dates import time_zone
from newsletter.urls import is_web_address
from newsletter.content.fields import EARLIEST, LATEST
from newsletter.content.models import ItemType
from newsletter.content.records import default_slug
from newsletter.diagnostics import Diagnostic
from newsletter.errors import SettingsError, SourceLocation
from newsletter.importers.footnotes import write_footnotes
from newsletter.importers.html_to_markdown import html_to_markdown
from newsletter.importers.item_types import item_type
from newsletter.importers.local_images import LocalImages
from newsletter.importers.news_files import (
    ImageResult,
    ImportReport,
    Outcome,
    PlannedFile,
    PostResult,
    format_report,
    place_file,
    render_news_item,
)
from newsletter.importers.wordpress.export import Export, Image, Post, read_export
from newsletter.importers.wordpress.html import html_to_text, prepare_content
from newsletter.slugs import slugify

__all__ = ["import_wordpress", "format_report", "ImportReport"]

PUBLISHED_STATUSES = frozenset({"publish", "future"})  # "future": scheduled, public once its date comes
_AUTO_EXCERPT_END = ("[…]", "[...]", "[&hellip;]")


@dataclass(frozen=True, slots=True)
class _Options:
    include_drafts: bool
    images: LocalImages | None
    type_map: Mapping[str, str]


def import_wordpress(
    export: Path,
    news_dir: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    include_drafts: bool = True,
    copy_local_images: bool = False,
    images_dir: Path | None = None,
    timezone: str = "UTC",
    type_map: Mapping[str, str] | None = None,
) -> ImportReport:
    """Read the whole export, convert every post, then write the news items that are new or changed.

    `type_map` (casefolded category or tag -> item type) wins over the guesses from common names.
    """
    zone = time_zone(timezone)
    if zone is None:
        raise SettingsError(f"unknown time zone {timezone!r}", hint="use an IANA name such as Europe/Brussels")
    data = read_export(export, zone)
    images = None
    if copy_local_images:
        images = LocalImages(export.parent, images_dir or news_dir.parent / "images", news_dir.parent)
    options = _Options(include_drafts, images, {term.casefold(): kind for term, kind in (type_map or {}).items()})
    taken = _existing_slugs(news_dir)
    claimed: set[str] = set()
    results = [_convert(post, data, news_dir, options, taken, claimed) for post in data.posts]
    posts = []
    for result in results:
        if isinstance(result, PlannedFile):
            outcome, reason = place_file(result.path, result.data, force=force, dry_run=dry_run)
            result = PostResult(result.title, result.where, outcome, result.path, reason, result.warnings,
                                result.type_match)
        posts.append(result)
    copied = []
    for target, source in sorted(images.copies.items()) if images else ():
        outcome, reason = place_file(target, source.read_bytes(), force=force, dry_run=dry_run)
        copied.append(ImageResult(source, target, outcome, reason))
    return ImportReport(export, data.kind, dry_run, tuple(posts), tuple(copied), tuple(data.ignored.items()))


def _existing_slugs(news_dir: Path) -> dict[str, Path]:
    """Map the default slug of each news item already in the folder to its file."""
    if not news_dir.is_dir():
        return {}
    return {default_slug(path): path for path in sorted(news_dir.glob("*.md"))}


def _convert(
    post: Post,
    data: Export,
    news_dir: Path,
    options: _Options,
    taken: dict[str, Path],
    claimed: set[str],
) -> PostResult | PlannedFile:
    """Turn one post into a planned news item file, or say why it is skipped."""
    where = SourceLocation(data.path, post.line)
    warnings: list[Diagnostic] = []

    def warn(code: str, message: str, hint: str | None = None) -> None:
        warnings.append(diagnostics.warning(code, where, message, hint))

    title = html_to_text(post.title)
    is_draft = post.status not in PUBLISHED_STATUSES or post.has_password
    label = title or post.slug or f"post {post.post_id}"
    if post.status == "auto-draft":
        return PostResult(label, where, Outcome.SKIPPED, reason="an empty auto-draft")
    if is_draft and not options.include_drafts:
        reason = "password-protected" if post.has_password and post.status in PUBLISHED_STATUSES else post.status
        return PostResult(label, where, Outcome.SKIPPED, reason=f"{reason}; drafts are skipped")
    if post.published is None:
        return PostResult(label, where, Outcome.SKIPPED, reason="has no readable publication date")
    if not EARLIEST <= post.published.date() <= LATEST:
        return PostResult(label, where, Outcome.SKIPPED,
                          reason=f"its date {post.published.date().isoformat()} is out of range")
    if post.has_password:
        warn("password-protected", "the post is password-protected on WordPress; imported as a draft")
    # WordPress keeps non-Latin letters in slugs; news item slugs are plain ASCII for every URL.
    slug = slugify(post.slug or title)
    if post.slug and slug != post.slug:
        warn("slug-changed", f"the WordPress slug {post.slug!r} became {slug!r}: item slugs are lowercase ASCII")
    if not title:
        title = slug.replace("-", " ").capitalize() or "Untitled"
        warn("missing-title", f"the post has no title; used {title!r}", "write a title")
    slug = slug or f"post-{post.post_id or post.line}"
    if slug in claimed:
        original, number = slug, 2
        while f"{original}-{number}" in claimed:
            number += 1
        slug = f"{original}-{number}"
        warn("duplicate-slug", f"an earlier post of the export has the slug {original!r}; used {slug!r}")
    claimed.add(slug)
    path = news_dir / f"{post.published:%Y-%m-%d}-{slug}.md"
    owner = taken.get(slug)
    if owner is not None and owner != path:
        return PostResult(title, where, Outcome.SKIPPED, reason=f"slug {slug!r} is already used by {owner.name}")

    missing_images: list[str] = []

    def resolve_image(url: str) -> str:
        local = options.images.resolve(url) if options.images else None
        if options.images and local is None and "/uploads/" in url:
            missing_images.append(url)
        return local or url

    prepared = prepare_content(
        post.content_html,
        attachments=data.attachments,
        post_id=post.post_id,
        site_url=data.site_url,
        resolve_image=resolve_image,
        footnotes_json=post.footnotes,
    )
    for finding in prepared.findings:
        warn(finding.code, finding.message)
    body = write_footnotes(html_to_markdown(prepared.soup), prepared.footnotes)
    if post.summary_only:
        warn("summary-only", "the feed holds only a summary of this post", "copy the full text from the website")
    elif not body:
        warn("empty-content", "the post has no content")
    match = item_type(post.terms, options.type_map)
    front_matter: dict[str, Any] = {
        "title": title,
        "date": post.published,
        "slug": slug,
        "summary": _summary(post, data.kind),
        "type": match.type.value if match and match.type is not ItemType.NEWS else None,
        "tags": _unique(post.terms),
        "author": post.author,
        "url": post.link if not is_draft and is_web_address(post.link) else None,
        "draft": True if is_draft else None,
    }
    image = _featured_image(post, data, title, warn)
    if image is not None:
        front_matter["image"] = resolve_image(image.url)
        front_matter["image_alt"] = image.alt
    for url in missing_images:
        warn("local-image-missing", f"no copy of {url} beside the export; kept the remote URL")
    data_bytes = render_news_item(front_matter, body)
    return PlannedFile(title, where, path, data_bytes, tuple(warnings), match)


def _unique(terms: tuple[str, ...]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            unique.append(term)
    return unique


def _summary(post: Post, kind: str) -> str | None:
    summary = html_to_text(post.excerpt_html)
    if kind == "rss" and (summary.endswith(_AUTO_EXCERPT_END) or summary == html_to_text(post.content_html)):
        return None  # WordPress's generated teaser; the build's default (first paragraph) reads better
    return summary or None


def _featured_image(post: Post, data: Export, title: str, warn: Callable[..., None]) -> Image | None:
    """Find the featured image and an alt text for it, saying where the alt text came from."""
    image = post.image
    if post.thumbnail_id is not None:
        attachment = data.attachments.get(post.thumbnail_id)
        if attachment is None:
            warn("featured-image-missing", f"the featured image (attachment {post.thumbnail_id}) is not in the export")
            return None
        image = attachment.image
    if image is None:
        return None
    if image.alt.strip():
        return image
    caption, image_title = html_to_text(image.caption), html_to_text(image.title)
    source, alt = ("caption", caption) if caption else ("title", image_title) if image_title else ("post title", title)
    warn("missing-alt", f"the featured image has no alt text; used its {source} {alt!r}", "describe the image in image_alt")
    return Image(image.url, alt, image.title, image.caption)
