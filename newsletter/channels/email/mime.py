"""The issue as a MIME message: text and HTML alternatives, the project's own images attached."""

from __future__ import annotations

import hashlib
import html
import mimetypes
from datetime import datetime, time
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from newsletter.assemble import Edition
from newsletter.channels.email.context import local_file, site_host
from newsletter.channels.email.mjml import image_sources
from newsletter.site import Site

SEND_TIME = time(9, 0)  # the Date header: the issue's day at 09:00 in the project's time zone


def sender(site: Site) -> str:
    """The From address: the setting, else the project's name at the site's host."""
    configured = site.settings.email.from_address
    if configured:
        return configured
    return str(Address(site.settings.project.name, "newsletter", site_host(site)))


def message_id(site: Site, edition: Edition) -> str:
    """A Message-ID stable across builds: `<issue-slug.YYYYMMDD@site-host>`."""
    return f"<{edition.slug}.{edition.issue.date:%Y%m%d}@{site_host(site)}>"


def build_message(site: Site, edition: Edition, document: str, text: str) -> EmailMessage:
    """A multipart/alternative message whose HTML shows the project's images from attached parts."""
    issue = edition.issue
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = " ".join(issue.subject.split())  # a header is one line: a title may hold line breaks
    message["From"] = sender(site)
    if site.settings.email.reply_to:
        message["Reply-To"] = site.settings.email.reply_to
    sent = datetime.combine(issue.date, SEND_TIME, site.settings.project.tz)
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id(site, edition)

    attachments: dict[str, tuple[bytes, str, str]] = {}  # content id -> data, type, file name
    for src in image_sources(document):
        file = local_file(site, src)
        if file is None:
            continue
        data = file.read_bytes()
        cid = f"{hashlib.sha256(data).hexdigest()[:20]}@{site_host(site)}"
        attachments.setdefault(cid, (data, mimetypes.guess_type(file.name)[0] or "application/octet-stream",
                                     file.name))
        # The compiled HTML is html5ever's serialisation: attribute values are double-quoted, escaped.
        document = document.replace(f'src="{html.escape(src, quote=False)}"', f'src="cid:{cid}"')

    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(document, subtype="html", charset="utf-8", cte="quoted-printable")
    html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
    for cid, (data, mime_type, name) in attachments.items():
        maintype, subtype = mime_type.split("/", 1)
        html_part.add_related(data, maintype, subtype, cid=f"<{cid}>", disposition="inline", filename=name)
    content = hashlib.sha256("\0".join([issue.subject, text, document, *attachments]).encode("utf-8"))
    _fix_boundaries(message, content.hexdigest()[:24])
    return message


def _fix_boundaries(message: EmailMessage, digest: str) -> None:
    """Replace random MIME boundaries with ones derived from the content, for byte-identical builds."""
    # "=_" never occurs in quoted-printable or base64 bodies, so the boundary cannot clash with them.
    for index, part in enumerate(part for part in message.walk() if part.is_multipart()):
        part.set_boundary(f"=_{digest}_{index}")


def message_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file: CRLF line ends, as RFC 5322 asks."""
    return message.as_bytes(policy=policy.SMTP)
