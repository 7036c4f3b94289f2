"""The issue as a MIME message: text and HTML alternatives, the project's own images attached."""

from __future__ import annotations

import functools
import hashlib
import html
import mimetypes
from collections.abc import Mapping
from datetime import datetime, time
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from newsletter.assemble import Edition
from newsletter.channels.email.context import local_file, site_host
from newsletter.htmltree import image_sources
from newsletter.site import Site

# Quoted-printable lines hold at most 76 characters (RFC 2045, 6.7): the policy bodies are encoded
# with. Headers are folded at the SMTP policy's 78 (RFC 5322), which folds a 78-character subject
# where Python would start it on a line of its own.
BODY_POLICY = policy.SMTP.clone(max_line_length=76)
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


def build_message(site: Site, edition: Edition, document: str, text: str,
                  images: Mapping[str, tuple[bytes, str, str]] | None = None) -> EmailMessage:
    """A multipart/alternative message whose HTML shows the project's images from attached parts.

    `images` maps the URL of an image made for the email to its data, MIME type and file name;
    other images of the project's own are attached from their files.
    """
    issue = edition.issue
    message = EmailMessage(policy=BODY_POLICY)
    message["Subject"] = " ".join(issue.subject.split())  # a header is one line: a title may hold line breaks
    message["From"] = sender(site)
    if site.settings.email.reply_to:
        message["Reply-To"] = site.settings.email.reply_to
    sent = datetime.combine(issue.date, SEND_TIME, site.settings.project.tz)
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id(site, edition)
    _list_unsubscribe(site, message)

    attachments: dict[str, tuple[bytes, str, str]] = {}  # content id -> data, type, file name
    for src in image_sources(document):
        if images and src in images:
            data, mime_type, name = images[src]
        elif (file := local_file(site, src)) is not None:
            data, name = file.read_bytes(), file.name
            mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        else:
            continue
        cid = f"{hashlib.sha256(data).hexdigest()[:20]}@{site_host(site)}"
        attachments.setdefault(cid, (data, mime_type, name))
        # The compiled HTML is html5ever's serialisation: attribute values are double-quoted, escaped.
        document = document.replace(f'src="{html.escape(src, quote=False)}"', f'src="cid:{cid}"')

    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(document, subtype="html", charset="utf-8", cte="quoted-printable")
    html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
    if attachments:
        html_part.make_related()
        html_part.set_param("type", "text/html")  # the root part's type, which RFC 2387 requires
    for cid, (data, mime_type, name) in attachments.items():
        html_part.attach(_inline_part(data, mime_type, cid, name))
    content = hashlib.sha256("\0".join([issue.subject, text, document, *attachments]).encode("utf-8"))
    _fix_boundaries(message, content.hexdigest()[:24])
    return message


@functools.lru_cache(maxsize=32)  # the logos every issue shows stay; an issue's own photos pass
def _inline_part(data: bytes, mime_type: str, cid: str, name: str) -> EmailMessage:
    """An image as an inline part, as `add_related` makes it; made once for every issue that shows it
    (a partner's logo is in each). The part is attached as it is: nothing changes a part once made."""
    part = EmailMessage(policy=BODY_POLICY)
    maintype, subtype = mime_type.split("/", 1)
    part.set_content(data, maintype, subtype, cid=f"<{cid}>", disposition="inline", filename=name)
    return part


def _list_unsubscribe(site: Site, message: EmailMessage) -> None:
    """One-click unsubscribe headers (RFC 2369, RFC 8058) for a message that may be sent as it is."""
    url = site.settings.email.unsubscribe_url
    if site.settings.email.esp != "generic" or not url:
        return  # an email service writes its own, with each subscriber's address
    message["List-Unsubscribe"] = f"<{url}>"
    if url.startswith("https://"):  # RFC 8058 asks for an HTTPS address that takes a POST
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _fix_boundaries(message: EmailMessage, digest: str) -> None:
    """Replace random MIME boundaries with ones derived from the content, for byte-identical builds."""
    # "=_" never occurs in quoted-printable or base64 bodies, so the boundary cannot clash with them.
    for index, part in enumerate(part for part in message.walk() if part.is_multipart()):
        part.set_boundary(f"=_{digest}_{index}")


def message_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file: CRLF line ends, as RFC 5322 asks."""
    return message.as_bytes(policy=policy.SMTP)


def set_text_body(part: EmailMessage, text: str, subtype: str) -> None:
    """Set a text part's body in quoted-printable lines of at most 76 characters, whatever the part's policy."""
    kept, part.policy = part.policy, BODY_POLICY
    try:
        part.set_content(text, subtype=subtype, charset="utf-8", cte="quoted-printable")
    finally:
        part.policy = kept
