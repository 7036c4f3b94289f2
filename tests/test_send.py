"""Sending a test of an issue through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import ssl
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newsletter.cli import cli
from newsletter.errors import SendError, UsageError
from newsletter.channels.web.renderer import WebRenderer
from newsletter.send import send_issue_test, send_test
from newsletter.settings.smtp import SmtpSettings
from newsletter.smtp import resolve_smtp

from .conftest import MINIMAL_SETTINGS

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in the test extra")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")
trustme = pytest.importorskip("trustme", reason="trustme is in the test extra")

PASSWORD = "s3cret-Pa55"
REVIEWERS = ["Ana <ana@example.eu>", "ben@example.org"]


def png_pixel() -> bytes:
    """Return a valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def issue_email(image: bytes | None = None) -> EmailMessage:
    """Build an issue email shaped like the email channel's: text + (HTML + embedded images)."""
    message = EmailMessage()
    message["From"] = "OPINCHARGE News <news@opincharge.eu>"
    message["Reply-To"] = "comms@opincharge.eu"
    message["Subject"] = "OPINCHARGE newsletter #3: Charging ahead – Brüssel"
    message["Cc"] = "everyone@lists.opincharge.eu"
    message.set_content("Charging ahead\n\nRead the news at https://opincharge.eu/news/\n")
    message.add_alternative(
        '<html><body><img src="cid:logo@opincharge.eu" alt="OPINCHARGE">'
        "<h1>Charging ahead</h1><p>Grüße aus Brüssel</p></body></html>",
        subtype="html",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(image or png_pixel(), "image", "png", cid="<logo@opincharge.eu>", filename="logo.png")
    return message


class Inbox:
    """aiosmtpd handler that keeps what arrives and refuses `unknown@` recipients."""

    def __init__(self, data_reply: str | None = None) -> None:
        self.envelopes: list[Any] = []
        self.data_reply = data_reply

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        # A mail client stores messages with its own line endings, as here.
        contents = [envelope.content.replace(b"\r\n", b"\n") for envelope in self.envelopes]
        return [message_from_bytes(content, policy=policy.default) for content in contents]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox | None = None, **options: Any) -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on 127.0.0.1 for the block and stop it afterwards."""
    inbox = inbox or Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    ok = auth_data.login == b"reviewer" and auth_data.password == PASSWORD.encode()
    # handled=False makes the server answer a failure with 535 itself.
    return aiosmtpd_smtp.AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture()
def server_tls(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture()
def cafile(ca: Any, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def config(port: int, **changes: Any) -> SmtpSettings:
    return replace(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=10), **changes)


# Settings


def test_environment_wins_over_settings_and_ports_default_by_security() -> None:
    settings = SmtpSettings(host="mail.example.eu", port=2525, user="toml-user", security="starttls", max_recipients=3)
    environ = {
        "NEWSLETTER_SMTP_HOST": "smtp.env.eu",
        "NEWSLETTER_SMTP_USER": "env-user",
        "NEWSLETTER_SMTP_PASSWORD": "pw",
    }
    resolved = resolve_smtp(settings, environ)
    assert (resolved.host, resolved.port, resolved.user, resolved.password) == ("smtp.env.eu", 2525, "env-user", "pw")
    assert resolved.max_recipients == 3
    assert resolve_smtp(SmtpSettings(host="h"), {}).port == 587
    assert resolve_smtp(SmtpSettings(host="h"), {"NEWSLETTER_SMTP_SECURITY": "SSL"}).port == 465
    assert resolve_smtp(SmtpSettings(host="h", security="none"), {}).port == 25
    assert resolve_smtp(SmtpSettings(host="h"), {"NEWSLETTER_SMTP_PORT": "2500"}).port == 2500


def test_password_never_shows_in_the_config_repr() -> None:
    resolved = resolve_smtp(SmtpSettings(host="h", user="u"), {"NEWSLETTER_SMTP_PASSWORD": PASSWORD})
    assert PASSWORD not in repr(resolved)


@pytest.mark.parametrize(
    ("settings", "environ", "expected"),
    [
        (SmtpSettings(), {}, "no SMTP server is set; set NEWSLETTER_SMTP_HOST"),
        (
            SmtpSettings(host="h"),
            {"NEWSLETTER_SMTP_SECURITY": "tls"},
            "unknown SMTP security 'tls'; use starttls, ssl or none",
        ),
        (SmtpSettings(host="h"), {"NEWSLETTER_SMTP_PORT": "smtp"}, "NEWSLETTER_SMTP_PORT 'smtp' is not a port number"),
        (SmtpSettings(host="h", user="u"), {}, "no password for SMTP user u; set NEWSLETTER_SMTP_PASSWORD"),
        (SmtpSettings(host="h"), {"NEWSLETTER_SMTP_PASSWORD": "x"}, "NEWSLETTER_SMTP_PASSWORD is set without a user"),
        (
            SmtpSettings(host="h"),
            {"NEWSLETTER_SMTP_CAFILE": "/nonexistent/ca.pem"},
            "/nonexistent/ca.pem is not a file",
        ),
    ],
)
def test_unusable_settings_are_one_line_errors(settings: SmtpSettings, environ: dict[str, str], expected: str) -> None:
    with pytest.raises(SendError) as caught:
        resolve_smtp(settings, environ)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


# Recipients and dry run


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [
        (["not-an-address"], "'not-an-address' is not a valid email address"),
        (["a@example.eu, b@example.eu"], "is not one email address; give each reviewer as --to"),
        ([], "no recipients given"),
        (
            [f"r{n}@example.eu" for n in range(4)],
            "4 recipients given, more than the limit of 3 for a test; "
            "send to fewer addresses or raise max_recipients in the [smtp] table of newsletter.toml",
        ),
    ],
)
def test_bad_recipient_lists_are_refused_before_connecting(recipients: list[str], expected: str) -> None:
    # Port 9 on 127.0.0.1 has no server: reaching it would fail with a different error.
    with pytest.raises(SendError) as caught:
        send_test(issue_email(), recipients, config(9, max_recipients=3))
    assert expected in str(caught.value)


def test_repeated_addresses_count_once() -> None:
    report = send_test(
        issue_email(), ["a@example.eu", "A@example.eu", "a@example.eu"], config(9, max_recipients=1), dry_run=True
    )
    assert report.recipients == ("a@example.eu",)


def test_dry_run_reports_the_message_without_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("dry run opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    report = send_test(issue_email(), REVIEWERS, config(9), dry_run=True)
    assert report.dry_run
    assert report.sender == "OPINCHARGE News <news@opincharge.eu>"
    assert report.recipients == ("ana@example.eu", "ben@example.org")
    assert report.subject == "[TEST] OPINCHARGE newsletter #3: Charging ahead – Brüssel"
    assert [part.content_type for part in report.parts] == ["text/plain", "text/html", "image/png"]
    assert report.parts[2].name == "logo.png" and report.parts[2].size == len(png_pixel())
    assert report.size > 1000
    lines = report.describe()
    assert lines[0] == ("Would send a test to 2 recipients through 127.0.0.1:9 "
                        '(not encrypted: security = "none", for a local test server only)')
    assert "  Parts:   text/plain (" in lines[-1] and "image/png logo.png (" in lines[-1]


def test_a_message_without_from_is_refused() -> None:
    message = issue_email()
    del message["From"]
    with pytest.raises(SendError, match="no From address; set from in the \\[email\\] table"):
        send_test(message, REVIEWERS, config(9), dry_run=True)


# Delivery


def assert_arrived_intact(inbox: Inbox) -> EmailMessage:
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "news@opincharge.eu"
    assert envelope.rcpt_tos == ["ana@example.eu", "ben@example.org"]
    received = inbox.messages()[0]
    assert received["Subject"] == "[TEST] OPINCHARGE newsletter #3: Charging ahead – Brüssel"
    assert received["From"] == "OPINCHARGE News <news@opincharge.eu>"
    assert received["To"] == "Ana <ana@example.eu>, ben@example.org"
    assert received["Cc"] is None and received["Reply-To"] == "comms@opincharge.eu"
    assert received["Date"] and received["Message-ID"]
    assert received.get_content_type() == "multipart/alternative"
    assert (
        received.get_body(("plain",)).get_content()
        == "Charging ahead\n\nRead the news at https://opincharge.eu/news/\n"
    )
    html = received.get_body(("html",))
    assert "Grüße aus Brüssel" in html.get_content()
    related = received.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    image = related.get_payload()[1]
    assert (image.get_content_type(), image["Content-ID"]) == ("image/png", "<logo@opincharge.eu>")
    assert image.get_content() == png_pixel()
    return received


def test_send_over_plain_smtp_delivers_headers_both_parts_and_images() -> None:
    original = issue_email()
    with smtp_server() as (inbox, port):
        report = send_test(original, REVIEWERS, config(port))
    assert not report.dry_run
    assert_arrived_intact(inbox)
    assert original["Subject"] == "OPINCHARGE newsletter #3: Charging ahead – Brüssel", (
        "the caller's message is left alone"
    )


def test_send_with_starttls_and_login(server_tls: ssl.SSLContext, cafile: Path) -> None:
    options = {
        "tls_context": server_tls,
        "require_starttls": True,
        "authenticator": authenticate,
        "auth_require_tls": True,
    }
    settings = SmtpSettings(host="127.0.0.1", user="reviewer")
    with smtp_server(**options) as (inbox, port):
        environ = {
            "NEWSLETTER_SMTP_PORT": str(port),
            "NEWSLETTER_SMTP_PASSWORD": PASSWORD,
            "NEWSLETTER_SMTP_CAFILE": str(cafile),
        }
        send_test(issue_email(), REVIEWERS, replace(resolve_smtp(settings, environ), timeout=10))
    assert_arrived_intact(inbox)


def test_send_over_implicit_tls_with_a_given_ssl_context(server_tls: ssl.SSLContext, ca: Any) -> None:
    client = ssl.create_default_context()
    ca.configure_trust(client)
    with smtp_server(ssl_context=server_tls) as (inbox, port):
        send_test(issue_email(), REVIEWERS, config(port, security="ssl"), ssl_context=client)
    assert_arrived_intact(inbox)


# Failures


def test_unreachable_server_names_host_and_port() -> None:
    port = free_port()
    with pytest.raises(SendError) as caught:
        send_test(issue_email(), REVIEWERS, config(port))
    assert str(caught.value).startswith(
        f"cannot reach SMTP server 127.0.0.1:{port} (connection refused); check NEWSLETTER_SMTP_HOST"
    )


def test_untrusted_certificate_is_a_tls_failure(server_tls: ssl.SSLContext) -> None:
    with smtp_server(tls_context=server_tls) as (inbox, port):
        with pytest.raises(SendError) as caught:
            send_test(issue_email(), REVIEWERS, config(port, security="starttls"))
    assert str(caught.value).startswith(f"TLS with 127.0.0.1:{port} failed (")
    assert "certificate" in str(caught.value) and "NEWSLETTER_SMTP_CAFILE" in str(caught.value)
    assert inbox.envelopes == []


def test_implicit_tls_against_a_plain_server_is_a_tls_failure() -> None:
    with smtp_server() as (inbox, port):
        with pytest.raises(SendError, match=f"^TLS with 127.0.0.1:{port} failed .*ssl for port 465"):
            send_test(issue_email(), REVIEWERS, config(port, security="ssl"))


def test_starttls_missing_on_the_server() -> None:
    with smtp_server() as (inbox, port):
        with pytest.raises(SendError, match=f"^127.0.0.1:{port} does not offer STARTTLS; "):
            send_test(issue_email(), REVIEWERS, config(port, security="starttls"))


def test_refused_login_names_the_user_but_never_the_password(server_tls: ssl.SSLContext, ca: Any) -> None:
    client = ssl.create_default_context()
    ca.configure_trust(client)
    options = {"tls_context": server_tls, "authenticator": authenticate}
    with smtp_server(**options) as (inbox, port):
        with pytest.raises(SendError) as caught:
            wrong = config(port, security="starttls", user="reviewer", password="wrong-" + PASSWORD)
            send_test(issue_email(), REVIEWERS, wrong, ssl_context=client)
    text = str(caught.value)
    assert text.startswith(f"127.0.0.1:{port} refused the login of user reviewer (535 ")
    assert text.endswith("; check NEWSLETTER_SMTP_USER and NEWSLETTER_SMTP_PASSWORD")
    assert PASSWORD not in text and PASSWORD not in repr(caught.value.__cause__)
    assert inbox.envelopes == []


def test_a_refused_recipient_is_named_and_the_others_delivered() -> None:
    with smtp_server() as (inbox, port):
        with pytest.raises(SendError) as caught:
            send_test(issue_email(), ["ana@example.eu", "unknown@example.eu", "ben@example.org"], config(port))
    assert str(caught.value) == (
        f"127.0.0.1:{port} refused unknown@example.eu (550 5.1.1 No such user here); "
        "the others were delivered (ana@example.eu, ben@example.org); check the refused address"
    )
    assert inbox.envelopes[0].rcpt_tos == ["ana@example.eu", "ben@example.org"]


def test_every_recipient_refused() -> None:
    with smtp_server() as (inbox, port):
        with pytest.raises(
            SendError, match="refused every recipient: unknown@example.eu \\(550 5.1.1 No such user here\\)"
        ):
            send_test(issue_email(), ["unknown@example.eu"], config(port))
    assert inbox.envelopes == []


def test_message_larger_than_the_advertised_size_is_refused_before_sending() -> None:
    with smtp_server(data_size_limit=2000) as (inbox, port):
        with pytest.raises(SendError) as caught:
            send_test(issue_email(image=png_pixel() + bytes(3000)), REVIEWERS, config(port))
    assert f"but 127.0.0.1:{port} accepts at most 2.0 kB; make the embedded images smaller" in str(caught.value)
    assert inbox.envelopes == []


def test_server_refusing_the_data_as_too_large() -> None:
    inbox = Inbox(data_reply="552 5.3.4 Message size exceeds fixed maximum message size")
    with smtp_server(inbox) as (_, port):
        with pytest.raises(SendError) as caught:
            send_test(issue_email(), REVIEWERS, config(port))
    assert str(caught.value) == (
        f"127.0.0.1:{port} refused the message as too large "
        "(552 5.3.4 Message size exceeds fixed maximum message size); "
        "make the embedded images smaller or link to them instead"
    )


# An issue of a project, built in memory


def test_an_issue_is_built_in_memory_and_sent(make_project: Any) -> None:
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + '\n[smtp]\nhost = "127.0.0.1"\nsecurity = "none"\n'})
    with smtp_server() as (inbox, port):
        environ = {"NEWSLETTER_SMTP_PORT": str(port)}
        report = send_issue_test(root, "issue-1", ["ana@example.eu"], environ)
    assert report.subject == "[TEST] Issue one"
    received = inbox.messages()[0]
    assert (received["Subject"], received["From"]) == ("[TEST] Issue one", "Test News <news@example.org>")
    assert not (root / "output").exists(), "nothing is written"


def test_a_build_without_the_email_is_one_line(make_project: Any) -> None:
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + '\n[smtp]\nhost = "127.0.0.1"\n'})
    with pytest.raises(SendError) as caught:
        send_issue_test(root, "issue-1", ["ana@example.eu"], {}, dry_run=True, channels=(WebRenderer(),))
    assert str(caught.value) == (
        "the build produced no output/issues/issue-1/email.eml; run newsletter build and fix what it reports"
    )


def test_an_unknown_issue_names_the_known_ones(make_project: Any) -> None:
    with pytest.raises(UsageError, match="no issue with slug 'issue-9'; use one of: issue-1"):
        send_issue_test(make_project(), "issue-9", ["ana@example.eu"], {}, dry_run=True)


def test_send_test_dry_run_and_send(make_project: Any, runner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    dry = runner.invoke(
        cli,
        ["--project", str(root), "send-test", "issue-1", "--to", "ana@example.eu", "--dry-run"],
        env={"NEWSLETTER_SMTP_HOST": "127.0.0.1"},
    )
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Would send a test to 1 recipient through 127.0.0.1:587 (encrypted with STARTTLS)\n")
    with smtp_server() as (inbox, port):
        sent = runner.invoke(
            cli,
            ["--project", str(root), "send-test", "issue-1", "--to", "ana@example.eu"],
            env={
                "NEWSLETTER_SMTP_HOST": "127.0.0.1",
                "NEWSLETTER_SMTP_PORT": str(port),
                "NEWSLETTER_SMTP_SECURITY": "none",
            },
        )
    assert sent.exit_code == 0, sent.output
    assert inbox.messages()[0]["Subject"] == "[TEST] Issue one"
    refused = runner.invoke(
        cli, ["--project", str(root), "send-test", "issue-1", "--to", "nope"], env={"NEWSLETTER_SMTP_HOST": "127.0.0.1"}
    )
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == "error: 'nope' is not a valid email address (addr-spec local part with no domain); "
        "write it as name@example.org\n"
    )


# Each test send is a message of its own, with working links where the email service would put its own.

SEND_SETTINGS = MINIMAL_SETTINGS + '\n[smtp]\nhost = "127.0.0.1"\nsecurity = "none"\n'
MERGE_TAGS = {"mailchimp": ("*|UNSUB|*", "*|ARCHIVE|*"), "brevo": ("{{ unsubscribe }}", "{{ mirror }}"),
              "listmonk": ("{{ UnsubscribeURL }}", "{{ MessageURL }}"),
              "buttondown": ("{{ unsubscribe_url }}", "{{ email_url }}")}


def built_eml(root: Path) -> EmailMessage:
    from newsletter.build import BuildOptions, load_site, project_templates, render_site

    outputs = render_site(load_site(root, BuildOptions()), project_templates(root))
    data = next(output.data for output in outputs if output.path.as_posix() == "issues/issue-1/email.eml")
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_each_test_send_is_dated_now_with_a_fresh_message_id(make_project: Any) -> None:
    root = make_project({"newsletter.toml": SEND_SETTINGS})
    built = built_eml(root)
    with smtp_server() as (inbox, port):
        environ = {"NEWSLETTER_SMTP_PORT": str(port)}
        before = datetime.now(timezone.utc).replace(microsecond=0)
        send_issue_test(root, "issue-1", ["ana@example.eu"], environ)
        send_issue_test(root, "issue-1", ["ana@example.eu"], environ)
        after = datetime.now(timezone.utc)
    received = inbox.messages()
    assert len(received) == 2
    for message in received:
        assert before <= parsedate_to_datetime(str(message["Date"])) <= after
        assert str(message["Message-ID"]).endswith("@example.org>")
    assert parsedate_to_datetime(str(built["Date"])).date() == date(2024, 1, 31), "the built .eml keeps the issue's day"
    assert len({str(built["Message-ID"]), *(str(message["Message-ID"]) for message in received)}) == 3
    assert built_eml(root).as_bytes() == built.as_bytes(), "the built .eml stays deterministic"


@pytest.mark.parametrize("esp", sorted(MERGE_TAGS))
def test_merge_tags_become_working_links_in_the_test_copy(make_project: Any, esp: str) -> None:
    root = make_project({"newsletter.toml": SEND_SETTINGS.replace('esp = "mailchimp"', f'esp = "{esp}"')})
    unsubscribe, archive = MERGE_TAGS[esp]
    built = built_eml(root)
    assert unsubscribe in built.get_body(("plain",)).get_content()
    with smtp_server() as (inbox, port):
        send_issue_test(root, "issue-1", ["ana@example.eu"], {"NEWSLETTER_SMTP_PORT": str(port)})
    [message] = inbox.messages()
    text = message.get_body(("plain",)).get_content()
    document = message.get_body(("html",)).get_content()
    for tag in (unsubscribe, archive):
        assert tag not in text and tag not in document
    links = {anchor.text_content().strip(): anchor.get("href") for anchor in lxml.html.fromstring(document).iter("a")}
    assert links["Unsubscribe"] == "https://example.org/news/"
    assert links["View this email online"] == "https://example.org/news/issues/issue-1/"
    assert "Unsubscribe: https://example.org/news/\n" in text
    assert "This is a test copy" in text and "This is a test copy" in document
    assert message.get_body(("html",)).get_content_type() == "text/html"
    related = [part.get_content_type() for part in message.walk()]
    assert related.count("image/png") == len([p for p in built.walk() if p.get_content_type() == "image/png"])


def test_a_generic_email_has_its_own_links_and_no_notice(make_project: Any) -> None:
    settings = SEND_SETTINGS.replace('esp = "mailchimp"', 'esp = "generic"\nunsubscribe_url = "https://example.org/bye/"')
    root = make_project({"newsletter.toml": settings})
    with smtp_server() as (inbox, port):
        send_issue_test(root, "issue-1", ["ana@example.eu"], {"NEWSLETTER_SMTP_PORT": str(port)})
    [message] = inbox.messages()
    assert "Unsubscribe: https://example.org/bye/\n" in message.get_body(("plain",)).get_content()
    assert "test copy" not in message.get_body(("html",)).get_content()
