"""The email channel: each issue as email.html (MJML-compiled), email.txt and email.eml."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from newsletter.assemble import Edition
from newsletter.content.markdown import relinked
from newsletter.errors import RenderError, SourceLocation
from newsletter.outputs import Memo, Output, no_memo, output_path
from newsletter.channels.email.palette import palette
from newsletter.urls import utm_params, utm_tagger
from newsletter.languages import N_, text_direction, theme_text
from newsletter.site import Site
from newsletter.templates import Templates

if TYPE_CHECKING:
    from newsletter.channels.email.images import EmailImages

# What makes an email (its context, MJML, CSS inlining, MIME, the plain text, the zip) is imported by
# the functions that make one: a rebuild that finds every email remembered loads none of it. A build that renders
# many loads it first (`build.load_makers`).
MAKERS = tuple(f"newsletter.channels.email.{name}"
               for name in ("context", "mjml", "mime", "text", "images", "esp_zip"))

HTML_TEMPLATE = "email/issue.mjml"
LOGO_WIDTH = 200
TEXT_TEMPLATE = "email/issue.txt"
# Invisible characters after the preheader, so inbox previews don't continue into the body text.
PREHEADER_FILLER = Markup("&#847;&zwnj;&nbsp;" * 80)


class EmailRenderer:
    name = "email"

    def render(self, site: Site, templates: Templates, memo: Memo = no_memo) -> Iterator[Output]:
        return self.render_part(site, templates, memo, 0, 1)

    def render_part(self, site: Site, templates: Templates, memo: Memo, part: int, parts: int) -> Iterator[Output]:
        """The emails of part `part` of `parts`: a run of consecutive issues (no issue's email reads another's)."""
        if templates.overrides("email"):
            memo = no_memo  # the project's own email templates may read anything of the site
        count = len(site.editions)
        for edition in site.editions[count * part // parts: count * (part + 1) // parts]:
            # The editorial's links depend on other files too (an item it links to being published).
            editorial = editorial_html(site, edition)
            # The email shows each item as a card (title, summary, image, dates, links), never its text: an
            # edit of an item's text alone leaves the email remembered.
            cards_of = replace(edition, items=tuple(map(site.without_text, edition.items)))
            html, text, eml, images, packed_zip = memo(
                "email", (cards_of, site.settings, site.as_of, site.drafts, editorial),
                lambda: _files(site, render_email(site, templates, edition, memo)), pack=lambda files: files,
                unpack=_unpack_files,
            )
            folder = site.issue_path(edition)
            for path, data in images:
                yield Output(output_path(path), "email-image", data)
            yield Output(output_path(f"{folder}email.html"), "email-html", html)
            yield Output(output_path(f"{folder}email.txt"), "email-text", text)
            yield Output(output_path(f"{folder}email.eml"), "email-eml", eml)
            yield Output(output_path(f"{folder}email.zip"), "email-zip", packed_zip)


# An issue's email files, as remembered together: the HTML and the plain text (in UTF-8), the .eml, the images made
# for it (output path, bytes) and the zip for an email service.
EmailFiles = tuple[bytes, bytes, bytes, tuple[tuple[str, bytes], ...], bytes]


def _files(site: Site, email: RenderedEmail) -> EmailFiles:
    """The email's files, with its zip for an email service."""
    from newsletter.channels.email.esp_zip import email_zip

    made = {site.url(path): data for path, data in email.images}
    return (email.html.encode("utf-8"), email.text.encode("utf-8"), email.eml, email.images,
            email_zip(site, email.html, made))


def _unpack_files(packed: Any) -> EmailFiles:
    """Remembered email files, checked to be of the shape `_files` makes."""
    html, text, eml, images, packed_zip = packed
    if not all(isinstance(data, bytes) for data in (html, text, eml, packed_zip)):
        raise ValueError("not an email's files")
    return html, text, eml, tuple((str(path), bytes(data)) for path, data in images), packed_zip


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """One issue's email in its three forms, and the image files made for it (output path, bytes)."""

    edition: Edition
    html: str
    text: str
    eml: bytes
    images: tuple[tuple[str, bytes], ...] = ()


def render_email(site: Site, templates: Templates, edition: Edition, memo: Memo = no_memo) -> RenderedEmail:
    """Render an issue's HTML email, its plain-text alternative and the MIME message holding both.

    `memo` remembers the images made for it."""
    from newsletter.channels.email.mime import build_message, message_bytes
    from newsletter.channels.email.mjml import compile_mjml, tag_links

    tag = utm_tagger(
        utm_params(site.settings.email.utm, edition.slug) if site.settings.email.utm_enabled else {},
        site.settings.email.utm_exclude,
    )
    context = email_context(site, edition, tag, memo)
    try:
        compiled = compile_mjml(templates.render(HTML_TEMPLATE, **context))
    except RenderError as exc:
        raise _mjml_error(templates, exc) from None
    html = tag_links(compiled, tag)
    text = templates.render(TEXT_TEMPLATE, **context)
    images: EmailImages = context["images"]
    message = build_message(site, edition, html, text, images.attachments())
    made = tuple(sorted((path, picture.data) for path, picture in images.made.items()))
    return RenderedEmail(edition, html, text, message_bytes(message), made)


def _mjml_error(templates: Templates, exc: RenderError) -> RenderError:
    """MRML gives no line: name the template, and the project's own email templates, where the fault most likely is."""
    own = templates.overrides("email")
    hint = (f"check the tags in your {', '.join(path.as_posix() for path in own)}" if own
            else "the default theme does not compile: run with --traceback and report it")
    return RenderError(exc.message, SourceLocation(templates.file_of(HTML_TEMPLATE)), hint)


def email_context(site: Site, edition: Edition, tag: Callable[[str], str], memo: Memo = no_memo) -> dict[str, Any]:
    """Everything the email templates may use; see the theme's email/ folder for how."""
    from newsletter.channels.email.context import (
        CONTENT_WIDTH,
        EMBLEM,
        cards,
        esp_preset,
        issue_links,
        partners,
        social_links,
    )
    from newsletter.channels.email.images import EmailImages
    from newsletter.channels.email.text import html_text, underline, wrap

    settings = site.settings
    links = issue_links(site, edition)
    project = settings.project
    images = EmailImages(site, site.issue_path(edition), memo)
    editorial = images.editorial(editorial_html(site, edition), CONTENT_WIDTH)
    return {
        "site": site,
        "settings": settings,
        "brand": settings.brand,
        "colors": palette(settings.brand),
        "edition": edition,
        "issue": edition.issue,
        "groups": cards(site, edition, images.image),
        "partners": partners(site, images.logo),
        "social": social_links(site),
        "links": links,
        "esp": esp_preset(site),
        "lang": project.language,
        "text_direction": text_direction(project.language),
        "logo": images.logo(project.logo, project.name, LOGO_WIDTH) if project.logo else None,
        "emblem": images.image(EMBLEM, theme_text(site, N_("Flag of the European Union")), 75)
        if settings.funding.emblem else None,
        "editorial": Markup(editorial),
        "editorial_text": html_text(editorial, tag),
        "images": images,
        "preheader_filler": PREHEADER_FILLER,
        "track": tag,
        "wrap": wrap,
        "underline": underline,
    }


def editorial_html(site: Site, edition: Edition) -> str:
    """The issue's editorial with every link absolute, or left out where the build writes nothing."""
    issue, web_version = edition.issue, site.url(site.issue_path(edition))
    # Sanitised when the issue was read; parsed again where a link changes.
    _leads, make = relinked(issue.body_html, lambda href: site.absolute_link(href, issue.source, web_version))
    return make()
