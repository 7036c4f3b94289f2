"""`newsletter check` rules for each issue's email, each finding naming the file that causes it."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, urlsplit

from newsletter.assemble import Edition
from newsletter.content.frontmatter import locate, text_line
from newsletter.content.markdown import plain_text, reader_text
from newsletter.diagnostics import Diagnostic, error, warning
from newsletter.errors import SourceLocation
from newsletter.checks.links import find_links
from newsletter.urls import strip_tracking
from newsletter.outputs import Output, output_path
from newsletter.channels.email.renderer import email_context
from newsletter.channels.email.context import esp_preset, local_file
from newsletter.checks.email_css import check_template_css
from newsletter.htmltree import elements, image_sources
from newsletter.settings import SETTINGS_FILE
from newsletter.site import Site

SIZE_WARNING = 90 * 1024
GMAIL_CLIP = 102 * 1024  # Gmail hides everything after this many bytes of HTML behind "[Message clipped]"
MAX_PREHEADER = 90
MAX_SUBJECT = 78
MAX_IMAGE = 1024 * 1024
EMAIL_WIDTH = 600  # the email's column, as email/issue.mjml sets it


def check_emails(site: Site, outputs: Sequence[Output]) -> list[Diagnostic]:
    """Check every issue's email.html and email.txt among the outputs."""
    by_path = {output.path.as_posix(): output for output in outputs}
    findings: list[Diagnostic] = check_template_css(site.root)
    for edition in site.editions:
        folder = site.issue_path(edition)
        document = by_path.get(f"{folder}email.html")
        text = by_path.get(f"{folder}email.txt")
        if document is None or text is None:
            continue
        findings.extend(check_email(site, edition, document.data, text.data.decode("utf-8")))
    return findings


def check_email(site: Site, edition: Edition, data: bytes, text: str) -> list[Diagnostic]:
    """Every finding about one issue's email."""
    document = data.decode("utf-8")
    sources = _Sources(site, edition)
    findings = [*_size(sources, len(data)), *_inbox(site, sources, edition)]
    findings += _acknowledgement(site, sources, document, text)
    findings += _images(site, sources, document)
    findings += _insecure_links(site, edition, data)
    return findings


class _Sources:
    """Which content file a URL in the email comes from: an item, the settings, else the issue."""

    def __init__(self, site: Site, edition: Edition):
        self.site, self.issue = site, SourceLocation(edition.issue.source)
        # The email shows images made from the project's files: each is named by the file it is made from.
        self.origins: dict[str, str] = email_context(site, edition, str)["images"].origins
        self.settings = SourceLocation(Path(SETTINGS_FILE))
        self.grant = site.settings.where("funding.grant_agreement")
        self.by_url: dict[str, SourceLocation] = {}
        for item in edition.items:
            where = SourceLocation(item.source)
            urls = [site.item_url(item), item.url]
            if item.event:
                urls.append(item.event.url)
            if item.publication:
                urls += [item.publication.doi_url, item.publication.open_access_url]
            self.by_url.update((url, where) for url in urls if url)
            if item.image:
                self.by_url[site.asset_url(item.image)] = locate(site.root, item.source, "image")
        settings = site.settings
        for index, partner in enumerate(settings.partners):
            if partner.url:
                self.by_url.setdefault(partner.url, settings.where(f"partners[{index}].url"))
            if partner.logo:
                self.by_url.setdefault(site.asset_url(partner.logo), settings.where(f"partners[{index}].logo"))
        if settings.project.logo:
            self.by_url.setdefault(site.asset_url(settings.project.logo), settings.where("project.logo"))

    def of(self, url: str) -> SourceLocation:
        return self.by_url.get(strip_tracking(self.origin(url)), self.issue)

    def origin(self, url: str) -> str:
        """The URL of the file an image of the email is made from (the URL itself for any other)."""
        return self.origins.get(url, url)

    def image(self, src: str, file: Path | None) -> SourceLocation:
        """Where an image is named: its item or setting, else the editorial's line that names its file."""
        where = self.of(src)
        if where is not self.issue:
            return where
        try:
            text = (self.site.root / self.issue.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return where
        names = (file.name, quote(file.name)) if file is not None else (src,)  # another site's image: its URL
        return SourceLocation(self.issue.path, text_line(text, names))

    def issue_key(self, key: str, instead: str | None = None) -> SourceLocation:
        """The issue file at the line of a front-matter key, or of the key it defaults to when it is not written."""
        where = locate(self.site.root, self.issue.path, key)
        if instead is not None and where.line == 1:  # not written: the value comes from `instead`
            return locate(self.site.root, self.issue.path, instead)
        return where


def _size(sources: _Sources, size: int) -> list[Diagnostic]:
    kb = f"{size / 1024:.1f} KB"
    if size > GMAIL_CLIP:
        return [error("gmail-clip", sources.issue, f"email.html is {kb}; Gmail clips messages over 102 KB",
                      "list fewer items under 'items:' (or start its window later with 'since:'), "
                      "add an earlier issue to take the older ones, or shorten the editorial")]
    if size > SIZE_WARNING:
        return [warning("email-size", sources.issue, f"email.html is {kb}, close to Gmail's 102 KB clipping limit",
                        "keep the issue short (list fewer items under 'items:'); your email service adds code on top")]
    return []


def _inbox(site: Site, sources: _Sources, edition: Edition) -> list[Diagnostic]:
    issue, findings = edition.issue, []
    if len(issue.preheader) > MAX_PREHEADER:
        findings.append(warning("long-preheader", sources.issue_key("preheader"),
                                f"the preheader has {len(issue.preheader)} characters; inboxes show about {MAX_PREHEADER}",
                                "shorten 'preheader:'"))
    if len(issue.subject) > MAX_SUBJECT:
        findings.append(warning("long-subject", sources.issue_key("subject", instead="title"),
                                f"the subject has {len(issue.subject)} characters; keep it within {MAX_SUBJECT}",
                                "shorten 'subject:' (or 'title:' when there is no subject)"))
    return findings


def _acknowledgement(site: Site, sources: _Sources, document: str, text: str) -> list[Diagnostic]:
    funding, findings = site.settings.funding, []
    unsubscribe = esp_preset(site).unsubscribe
    if html.escape(unsubscribe, quote=False) not in document or unsubscribe not in text:
        findings.append(error("missing-unsubscribe", sources.issue,
                              f"the email has no unsubscribe link ({unsubscribe}) for esp '{site.settings.email.esp}'",
                              "keep {{ links.unsubscribe }} in your email/footer.mjml and email/issue.txt templates"))
    # As a reader sees it: entities decoded, markup dropped, quotes, dashes and line breaks folded.
    statement = reader_text(funding.statement)
    if statement not in reader_text(plain_text(document)) or statement not in reader_text(text):
        findings.append(error("missing-funding", sources.issue, "the email lacks the EU funding statement",
                              "keep {{ settings.funding.statement }} in your email templates"))
    if not funding.grant_agreement:
        findings.append(error("missing-grant-number", sources.grant, "no grant agreement number is set",
                              "add grant_agreement = \"...\" under [funding]"))
    elif reader_text(funding.grant_agreement) not in statement:
        findings.append(error("missing-grant-number", sources.grant,
                              f"the funding statement does not give grant agreement No {funding.grant_agreement}",
                              "add the number to [funding] statement, or remove the statement to use the default"))
    return findings


def _images(site: Site, sources: _Sources, document: str) -> list[Diagnostic]:
    findings = []
    for tag, attrs in elements(document):
        if tag != "img":
            continue
        src = sources.origin(attrs.get("src") or "")
        width = (attrs.get("width") or "").strip()
        if not width.isdigit() or int(width) > EMAIL_WIDTH:
            # Outlook for Windows ignores CSS widths and draws the file at its own, past the column.
            findings.append(warning("image-width", sources.image(src, local_file(site, src)),
                                    f"image {src} has no width attribute within the {EMAIL_WIDTH} px column "
                                    f"(got {width or 'none'}); Outlook for Windows draws it at its file's width",
                                    f"give the <img> in your email template width=\"...\" in pixels, at most {EMAIL_WIDTH}"))
        if urlsplit(src).path.lower().endswith(".svg"):
            findings.append(warning("svg-image", sources.image(src, local_file(site, src)),
                                    f"image {src} is an SVG, which Gmail and Outlook do not show",
                                    "use a PNG of it (newsletter turns the project's own SVG files into PNG "
                                    "where the cairo library is installed: apt-get install libcairo2)"))
        if not (attrs.get("alt") or "").strip():
            findings.append(warning("missing-alt", sources.image(src, local_file(site, src)), f"image {src} has no alt text",
                                    "describe the image in 'image_alt:' or in the Markdown ![alt](...)"))
    for src in map(sources.origin, image_sources(document)):
        # The email carries a smaller copy; the web pages show the file itself.
        file = local_file(site, src)
        if file is not None and file.stat().st_size > MAX_IMAGE:
            size = file.stat().st_size / 1024 / 1024
            findings.append(warning("large-image", sources.image(src, file), f"image {src} is {size:.1f} MB",
                                    "resize it to at most 1200 px wide and save it compressed"))
    return findings


def _insecure_links(site: Site, edition: Edition, data: bytes) -> list[Diagnostic]:
    output = Output(output_path(f"{site.issue_path(edition)}email.html"), "email-html", data)
    return [
        warning("insecure-link", link.where, f"{link.url} is not https", "use the https:// address, which most sites offer")
        for link in find_links([output], site.root)
        if link.url.startswith("http://")
    ]
