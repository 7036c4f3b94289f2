"""Reach an SMTP server: settings from newsletter.toml and the environment, TLS, login."""

from __future__ import annotations

import base64
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from newsletter.errors import SendError
from newsletter.settings.smtp import SMTP_SECURITY, SmtpSettings

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# How each `security` reads in a report: "none" alone looked like a missing value.
SECURITY_LABELS = {
    "starttls": "encrypted with STARTTLS",
    "ssl": "encrypted with SSL/TLS",
    "none": "not encrypted: security = \"none\", for a local test server only",
}
SERVER_HINT = "check NEWSLETTER_SMTP_HOST, NEWSLETTER_SMTP_PORT and NEWSLETTER_SMTP_SECURITY"
TLS_HINT = (
    "check NEWSLETTER_SMTP_SECURITY (ssl for port 465, starttls for 587); "
    "for a private certificate authority set NEWSLETTER_SMTP_CAFILE"
)


def resolve_smtp(settings: SmtpSettings, environ: Mapping[str, str]) -> SmtpSettings:
    """Merge the [smtp] settings with NEWSLETTER_SMTP_* variables; the variables win."""

    def env(name: str) -> str | None:
        return environ.get(f"NEWSLETTER_SMTP_{name}", "").strip() or None

    host = env("HOST") or settings.host
    if not host:
        raise SendError(
            "no SMTP server is set", hint="set NEWSLETTER_SMTP_HOST or host in the [smtp] table of newsletter.toml"
        )
    security = (env("SECURITY") or settings.security).lower()
    if security not in SMTP_SECURITY:
        raise SendError(f"unknown SMTP security {security!r}", hint="use starttls, ssl or none")
    port = _parse_port(env("PORT")) or settings.port or DEFAULT_PORTS[security]
    user = env("USER") or settings.user
    # The password is taken verbatim: leading or trailing spaces may be part of it.
    password = environ.get("NEWSLETTER_SMTP_PASSWORD") or None
    if user and not password:
        raise SendError(f"no password for SMTP user {user}", hint="set NEWSLETTER_SMTP_PASSWORD in the environment")
    if password and not user:
        raise SendError(
            "NEWSLETTER_SMTP_PASSWORD is set without a user", hint="set NEWSLETTER_SMTP_USER or user in [smtp]"
        )
    cafile = env("CAFILE")
    if cafile and not Path(cafile).is_file():
        raise SendError(
            f"NEWSLETTER_SMTP_CAFILE {cafile} is not a file", hint="point it at a PEM file of CA certificates"
        )
    return replace(
        settings,
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        cafile=Path(cafile) if cafile else None,
    )


def _parse_port(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SendError(f"NEWSLETTER_SMTP_PORT {text!r} is not a port number", hint="use a number such as 587")
    return int(text)


@contextmanager
def open_session(config: SmtpSettings, context: ssl.SSLContext) -> Iterator[smtplib.SMTP]:
    """Connect, secure and log in; always close the connection."""
    try:
        if config.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    except ssl.SSLError as err:
        raise _tls_error(config, err) from err
    except smtplib.SMTPException as err:
        raise SendError(
            f"{config.server} did not answer like an SMTP server ({describe_reply(err, config)})", hint=SERVER_HINT
        ) from err
    except OSError as err:
        raise SendError(f"cannot reach SMTP server {config.server} ({_reason(err)})", hint=SERVER_HINT) from err
    try:
        _secure_and_login(smtp, config, context)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _secure_and_login(smtp: smtplib.SMTP, config: SmtpSettings, context: ssl.SSLContext) -> None:
    try:
        smtp.ehlo()
        if config.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise SendError(f"{config.server} does not offer STARTTLS", hint=TLS_HINT)
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user and config.password:
            _login(smtp, config.user, config.password)
    except ssl.SSLError as err:
        raise _tls_error(config, err) from err
    except smtplib.SMTPNotSupportedError as err:
        raise SendError(f"{config.server} does not offer login (AUTH)", hint=TLS_HINT) from err
    except smtplib.SMTPAuthenticationError as err:
        raise SendError(
            f"{config.server} refused the login of user {config.user} ({describe_reply(err, config)})",
            hint="check NEWSLETTER_SMTP_USER and NEWSLETTER_SMTP_PASSWORD",
        ) from err
    except (smtplib.SMTPException, OSError) as err:
        raise connection_lost(config, err) from err


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user name or password beyond ASCII goes as UTF-8 (RFC 4616), which smtplib cannot send."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = smtp.esmtp_features["auth"].upper().split()

    def encoded(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    if "PLAIN" in offered:
        code, reply = smtp.docmd("AUTH", "PLAIN " + encoded(f"\0{user}\0{password}"))
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + encoded(user))
        if code == 334:
            code, reply = smtp.docmd(encoded(password))
    else:
        raise SendError(f"the server offers no login that takes a user name or password beyond ASCII "
                        f"(it offers {' '.join(offered) or 'none'})", hint="ask for AUTH PLAIN, or use an ASCII password")
    if code not in (235, 503):  # 503: already logged in
        raise smtplib.SMTPAuthenticationError(code, reply)


def describe_reply(err: smtplib.SMTPException, config: SmtpSettings | None = None) -> str:
    """Return the server's code and text, on one line, with the login's secrets masked."""
    code = getattr(err, "smtp_code", None)
    text = getattr(err, "smtp_error", None)
    if code is None:
        return one_line(str(err), config)
    return f"{code} {one_line(text if text is not None else b'', config)}"


_ECHOED_AUTH = re.compile(r"(?i)\b(AUTH\s+[A-Z0-9_-]+)\s+\S+")
_REPLY_MAX = 300


def one_line(text: bytes | str, config: SmtpSettings | None = None) -> str:
    """A server's reply as one printable line; with `config`, the login's secrets masked.

    A server may echo what it received (the AUTH line, the password) and may send terminal
    control sequences: neither reaches the reviewer's terminal.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    if config is not None:
        for secret in _secret_forms(config):
            text = text.replace(secret, "***")
        text = _ECHOED_AUTH.sub(r"\1 ***", text)
    return text if len(text) <= _REPLY_MAX else text[:_REPLY_MAX] + "…"


def _secret_forms(config: SmtpSettings) -> list[str]:
    """The password as written and as AUTH PLAIN and LOGIN send it, longest first."""
    if not config.password:
        return []
    user = config.user or ""
    forms = {config.password}
    for raw in (f"\0{user}\0{config.password}", config.password):
        encoded = base64.b64encode(raw.encode("utf-8")).decode("ascii")
        forms.update({encoded, encoded.rstrip("=")})
    return sorted(forms, key=len, reverse=True)


def _reason(err: OSError) -> str:
    if isinstance(err, socket.gaierror):
        return "host name not found"
    if isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    return one_line(err.strerror or str(err))


def _tls_error(config: SmtpSettings, err: ssl.SSLError) -> SendError:
    reason = getattr(err, "verify_message", None) or err.reason or str(err)
    return SendError(
        f"TLS with {config.server} failed ({one_line(str(reason)).lower().replace('_', ' ')})", hint=TLS_HINT
    )


def connection_lost(config: SmtpSettings, err: Exception) -> SendError:
    """Word a failure after the session started."""
    if isinstance(err, ssl.SSLError):
        return _tls_error(config, err)
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return SendError(f"{config.server} closed the connection ({one_line(str(err), config)})", hint=SERVER_HINT)
    if isinstance(err, smtplib.SMTPException):
        return SendError(f"{config.server} answered with an error ({describe_reply(err, config)})", hint=SERVER_HINT)
    reason = _reason(err) if isinstance(err, OSError) else one_line(str(err), config)
    return SendError(f"lost the connection to {config.server} ({reason})", hint=SERVER_HINT)
