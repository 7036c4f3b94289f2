"""Logging in to SMTP with any user name and password, and never printing them back."""

from __future__ import annotations

import base64
import socket
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsletter.errors import SendError
from newsletter.smtp import open_session

from .test_send import aiosmtpd_smtp, config, smtp_server

# Credentials as people type them: any letters, digits, punctuation and spaces, not only ASCII.
credential = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=24)


class Accounts:
    """An aiosmtpd authenticator that accepts the one login it is told, compared as UTF-8 bytes."""

    def __init__(self) -> None:
        self.user = self.password = b""

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        ok = auth_data.login == self.user and auth_data.password == self.password
        return aiosmtpd_smtp.AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def accounts() -> Iterator[tuple[Accounts, int]]:
    accounts = Accounts()
    with smtp_server(authenticator=accounts, auth_require_tls=False) as (_inbox, port):
        yield accounts, port


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=credential, password=credential)
def test_any_user_name_and_password_log_in(accounts, user: str, password: str):
    server, port = accounts
    server.user, server.password = user.encode(), password.encode()
    with open_session(config(port, user=user, password=password), ssl.create_default_context()):
        pass


def test_a_wrong_non_ascii_password_is_refused_in_one_line(accounts):
    server, port = accounts
    server.user, server.password = "jürgen".encode(), "richtig".encode()
    with pytest.raises(SendError) as caught:
        with open_session(config(port, user="jürgen", password="pässwörd"), ssl.create_default_context()):
            pass
    assert "refused the login of user jürgen (535" in str(caught.value)
    assert "pässwörd" not in str(caught.value)


class EchoingServer:
    """A hostile SMTP server: it echoes every AUTH exchange, with terminal escapes, in its 535 reply."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)  # so that close() is seen at once
        self.port = self.socket.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _address = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(10)
            with connection, connection.makefile("rwb") as stream:
                self.session(stream)

    def session(self, stream: Any) -> None:
        def say(line: str) -> None:
            stream.write(line.encode("utf-8", "surrogateescape") + b"\r\n")
            stream.flush()

        say("220 echo ESMTP")
        heard: list[str] = []
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                say("250-echo")
                say("250 AUTH PLAIN LOGIN")
            elif verb == "AUTH":
                heard.append(line)
                if line.upper().startswith("AUTH LOGIN"):
                    say("334 UGFzc3dvcmQ6")
                    heard.append(stream.readline().decode("utf-8", "replace").strip())
                decoded = " ".join(base64.b64decode(part + "==").decode("utf-8", "replace")
                                   for part in " ".join(heard).split()[2:])
                say(f"535-5.7.8 \x1b[31mdenied\x1b]0;pwned\x07 for {' '.join(heard)}")
                say(f"535 5.7.8 you sent {decoded}")
                heard.clear()
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture(scope="module")
def echoing() -> Iterator[EchoingServer]:
    server = EchoingServer()
    yield server
    server.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10),
       password=st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=8, max_size=24))
def test_a_server_echoing_the_login_never_gets_the_password_printed(echoing, user: str, password: str):
    assume(password not in user)  # the user name itself is named, as it should be
    with pytest.raises(SendError) as caught:
        with open_session(config(echoing.port, user=user, password=password), ssl.create_default_context()):
            pass
    message = str(caught.value)
    for secret in (password, base64.b64encode(f"\0{user}\0{password}".encode()).decode(),
                   base64.b64encode(password.encode()).decode()):
        assert secret.rstrip("=") not in message
    assert "\n" not in message and all(char.isprintable() for char in message)
