"""Send a test of an issue's email to reviewers' inboxes."""

from __future__ import annotations

import html
import smtplib
import ssl
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email import errors as email_errors
from email import message_from_bytes, policy, utils
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from newsletter.assemble import Edition
from newsletter.build import BuildOptions, load_site, project_templates, render_site
from newsletter.errors import SendError
from newsletter.language_sites import language_edition
from newsletter.outputs import Output, Renderer
from newsletter.channels.email.context import TEXT_WIDTH, esp_preset
from newsletter.channels.email.mime import set_text_body
from newsletter.site import Site
from newsletter.settings.smtp import SmtpSettings
from newsletter.smtp import (
    SECURITY_LABELS,
    connection_lost,
    describe_reply,
    one_line,
    open_session,
    resolve_smtp,
)

TEST_PREFIX = "[TEST] "
SIZE_HINT = "make the embedded images smaller or link to them instead"


@dataclass(frozen=True, slots=True)
class MessagePart:
    """One leaf of the MIME tree, for the report."""

    content_type: str
    size: int
    name: str | None = None

    def __str__(self) -> str:
        name = f" {self.name}" if self.name else ""
        return f"{self.content_type}{name} ({format_size(self.size)})"


@dataclass(frozen=True, slots=True)
class SendReport:
    """What was sent, or with `dry_run` what would have been."""

    server: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int
    parts: tuple[MessagePart, ...]
    dry_run: bool

    def describe(self) -> list[str]:
        """Return the report as lines for a terminal."""
        verb = "Would send" if self.dry_run else "Sent"
        return [
            f"{verb} a test to {len(self.recipients)} recipient{'s' * (len(self.recipients) != 1)} "
            f"through {self.server}",
            f"  From:    {self.sender}",
            f"  To:      {', '.join(self.recipients)}",
            f"  Subject: {self.subject}",
            f"  Size:    {format_size(self.size)}",
            f"  Parts:   {', '.join(str(part) for part in self.parts)}",
        ]


def send_issue_test(
    root: Path,
    slug: str,
    recipients: Iterable[str],
    environ: Mapping[str, str],
    *,
    dry_run: bool = False,
    channels: Sequence[Renderer] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> SendReport:
    """Build the project in memory and send the issue's email.eml as a test (`fr/issue-3`: its French edition)."""
    language, _, bare = slug.rpartition("/")
    site = load_site(root, BuildOptions(issue=bare))
    config = resolve_smtp(site.settings.smtp, environ)
    outputs = render_site(site, project_templates(root), channels=channels)
    shown, folder = language_edition(site, language, bare)
    edition = next(edition for edition in shown.editions if edition.slug == bare)
    message = issue_email(outputs, folder + shown.issue_path(edition))
    return send_test(message, recipients, config, dry_run=dry_run, ssl_context=ssl_context,
                     links=merge_tag_links(shown, edition))


@dataclass(frozen=True, slots=True)
class ReviewLinks:
    """What a test copy links to instead of the merge tags that the email service fills in when it sends."""

    esp: str
    urls: Mapping[str, str]  # merge tag -> working address

    def notice(self) -> str:
        """One sentence telling the reviewer where those links go in this copy."""
        return (f"This is a test copy: its unsubscribe and \"view online\" links lead to the newsletter's web pages. "
                f"{self.esp.title()} puts in the real ones when it sends the issue.")


def merge_tag_links(site: Site, edition: Edition) -> ReviewLinks:
    """Working addresses for the esp's merge tags: the site for unsubscribe, the web version for the archive."""
    esp = esp_preset(site)
    urls = {}
    if esp.name != "generic":  # generic emails carry real addresses already
        urls[esp.unsubscribe] = site.url()
        if esp.archive:
            urls[esp.archive] = site.url(site.issue_path(edition))
    return ReviewLinks(esp.name, urls)


def issue_email(outputs: Iterable[Output], issue_dir: str) -> EmailMessage:
    """Find and parse the email.eml in `issue_dir` (e.g. `issues/issue-2/`) among the build's outputs."""
    path = f"{issue_dir}email.eml"
    data = next((output.data for output in outputs if output.path.as_posix() == path), None)
    if data is None:
        raise SendError(f"the build produced no output/{path}", hint="run newsletter build and fix what it reports")
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parse_recipients(addresses: Iterable[str], limit: int) -> tuple[Address, ...]:
    """Check each address and their number; drop repeated addresses."""
    found: dict[str, Address] = {}
    for text in addresses:
        pairs = utils.getaddresses([text])
        if len(pairs) != 1 or not pairs[0][1]:
            raise SendError(f"{text!r} is not one email address", hint="give each reviewer as --to name@example.org")
        name, spec = pairs[0]
        try:
            address = Address(display_name=name, addr_spec=spec)
        except (ValueError, email_errors.HeaderParseError) as err:
            raise SendError(
                f"{text!r} is not a valid email address ({err})", hint="write it as name@example.org"
            ) from err
        if not address.username or not address.domain:
            raise SendError(f"{text!r} is not a valid email address", hint="write it as name@example.org")
        found.setdefault(address.addr_spec.lower(), address)
    if not found:
        raise SendError("no recipients given", hint="add --to name@example.org")
    if len(found) > limit:
        raise SendError(
            f"{len(found)} recipients given, more than the limit of {limit} for a test",
            hint="send to fewer addresses or raise max_recipients in the [smtp] table of newsletter.toml",
        )
    return tuple(found.values())


def prepare_test_message(message: EmailMessage, recipients: tuple[Address, ...], links: ReviewLinks | None = None,
                         now: datetime | None = None) -> EmailMessage:
    """Copy the message as a test: subject marked, sent now to the reviewers only, merge tags made links."""
    test = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(test, EmailMessage)
    subject = str(test.get("Subject", ""))
    if not subject.startswith(TEST_PREFIX):
        _set_header(test, "Subject", TEST_PREFIX + subject)
    # Cc and Bcc of the real send must not receive the test.
    del test["Cc"], test["Bcc"]
    _set_header(test, "To", ", ".join(str(address) for address in recipients))
    # The built message is dated on the issue's day with a fixed Message-ID; each test is a new
    # message now, or it sorts into the past (or future) and clients hide it as a repeat.
    _set_header(test, "Date", utils.format_datetime((now or datetime.now(timezone.utc)).astimezone()))
    _set_header(test, "Message-ID", utils.make_msgid("test", domain=_sender(test).split("@")[-1]))
    if links is not None and links.urls:
        _fill_merge_tags(test, links)
    return test


def _fill_merge_tags(message: EmailMessage, links: ReviewLinks) -> None:
    """Put working links in place of the merge tags in the text and HTML parts, with a notice saying so."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html") or part.is_attachment():
            continue
        assert isinstance(part, EmailMessage)
        text = original = part.get_content()
        for tag, url in links.urls.items():
            text = text.replace(html.escape(tag, quote=False), html.escape(url)) if kind == "text/html" else (
                text.replace(tag, url))
        if text == original:
            continue
        if kind == "text/html":
            text = _after_body_tag(text, f'<p style="margin:0;padding:8px 12px;background:#FFF3CD;color:#222222;'
                                         f'font:14px/1.4 sans-serif;">{html.escape(links.notice())}</p>')
        else:
            text = f"{textwrap.fill(links.notice(), TEXT_WIDTH)}\n\n{text}"
        set_text_body(part, text, kind.split("/")[1])


def _after_body_tag(document: str, notice: str) -> str:
    start = document.lower().find("<body")
    end = document.find(">", start) if start >= 0 else -1
    return document[: end + 1] + notice + document[end + 1 :] if end >= 0 else notice + document


def _set_header(message: EmailMessage, name: str, value: str) -> None:
    if name in message:
        message.replace_header(name, value)
    else:
        message[name] = value


def _sender(message: EmailMessage) -> str:
    header = message.get("From")
    addresses = getattr(header, "addresses", ())
    if not addresses or not addresses[0].addr_spec:
        raise SendError(
            "the issue's email has no From address", hint="set from in the [email] table of newsletter.toml"
        )
    return str(addresses[0].addr_spec)


def describe_parts(message: EmailMessage) -> tuple[MessagePart, ...]:
    """List the leaf parts: type, decoded size, file name or Content-ID."""
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        name = part.get_filename() or str(part.get("Content-ID", "")).strip("<>") or None
        parts.append(MessagePart(part.get_content_type(), len(payload) if isinstance(payload, bytes) else 0, name))
    return tuple(parts)


def format_size(size: int) -> str:
    """Write a byte count the way a mail client shows it."""
    return f"{size} B" if size < 1000 else f"{size / 1000:.1f} kB"


def send_test(
    message: EmailMessage,
    recipients: Iterable[str],
    config: SmtpSettings,
    *,
    dry_run: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    links: ReviewLinks | None = None,
) -> SendReport:
    """Send the message, subject prefixed with [TEST], to at most `max_recipients` reviewers."""
    addresses = parse_recipients(recipients, config.max_recipients)
    test = prepare_test_message(message, addresses, links)
    sender = _sender(test)
    data = test.as_bytes(policy=test.policy.clone(linesep="\r\n"))
    report = SendReport(
        server=f"{config.server} ({SECURITY_LABELS[config.security]})",
        sender=str(test["From"]),
        recipients=tuple(address.addr_spec for address in addresses),
        subject=str(test["Subject"]),
        size=len(data),
        parts=describe_parts(test),
        dry_run=dry_run,
    )
    if dry_run:
        return report
    context = ssl_context or ssl.create_default_context(cafile=config.cafile)
    with open_session(config, context) as smtp:
        _deliver(smtp, config, sender, report.recipients, data)
    return report


def _deliver(smtp: smtplib.SMTP, config: SmtpSettings, sender: str, recipients: tuple[str, ...], data: bytes) -> None:
    limit = smtp.esmtp_features.get("size", "")
    if limit.isdigit() and 0 < int(limit) < len(data):
        raise SendError(
            f"the message is {format_size(len(data))} but {config.server} accepts at most {format_size(int(limit))}",
            hint=SIZE_HINT,
        )
    try:
        refused = smtp.sendmail(sender, list(recipients), data)
    except smtplib.SMTPRecipientsRefused as err:
        raise SendError(
            f"{config.server} refused every recipient: {_refusals(err.recipients, config)}", hint="check the addresses"
        ) from err
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
        if err.smtp_code == 552:
            raise SendError(
                f"{config.server} refused the message as too large ({describe_reply(err, config)})", hint=SIZE_HINT
            ) from err
        what = f"the sender {sender}" if isinstance(err, smtplib.SMTPSenderRefused) else "the message"
        raise SendError(
            f"{config.server} refused {what} ({describe_reply(err, config)})", hint="check [email] from and the SMTP account"
        ) from err
    except (smtplib.SMTPException, OSError) as err:
        raise connection_lost(config, err) from err
    if refused:
        delivered = [address for address in recipients if address not in refused]
        raise SendError(
            f"{config.server} refused {_refusals(refused, config)}; the others were delivered ({', '.join(delivered)})",
            hint="check the refused address",
        )


def _refusals(refused: Mapping[str, tuple[int, bytes]], config: SmtpSettings) -> str:
    return ", ".join(f"{address} ({code} {one_line(text, config)})" for address, (code, text) in refused.items())
