"""`check --online` follows redirects to web addresses only: file:, data:, ftp: are reported, never opened."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsletter.errors import SourceLocation
from newsletter.checks.online import check_links
from newsletter.checks.fetch import CheckOptions
from newsletter.checks.links import Link


@pytest.fixture
def redirecting() -> Iterator[tuple[str, dict[str, str]]]:
    """A server on 127.0.0.1 whose /go redirects wherever `targets["location"]` says."""
    targets = {"location": ""}
    requests: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            requests.append(self.path)
            self.send_response(302)
            self.send_header("Location", targets["location"])
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/go", targets
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("location", [
    "file:///etc/passwd", "FILE:///etc/hostname", "file:{secret}", "data:text/html,<script>x</script>",
    "ftp://127.0.0.1/x", "javascript:alert(1)", "gopher://127.0.0.1:70/", "jar:file:///x!/y",
])
def test_a_redirect_to_anything_but_the_web_is_a_broken_link(redirecting, tmp_path: Path, location: str):
    url, targets = redirecting
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    targets["location"] = location.format(secret=secret)
    where = SourceLocation(Path("content/news/a.md"), 7)
    report = check_links([Link(url, where)], options=CheckOptions(host_delay=0, retries=0, timeout=5))
    [finding] = report.diagnostics
    assert finding.code == "broken-link" and finding.where == where
    assert finding.message == f"{url} redirects to {targets['location']}, which is not a web address"
