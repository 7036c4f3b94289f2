"""Checking links against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from newsletter.cli import cli
from newsletter.diagnostics import Diagnostic, Severity
from newsletter.errors import SourceLocation
from newsletter.checks.online import check_links
from newsletter.checks.fetch import CheckOptions
from newsletter.checks.links import Link, find_links

HERE = SourceLocation(Path("content/news/2024-01-10-kickoff.md"), 7)
DAY = 24 * 60 * 60


class Routes(BaseHTTPRequestHandler):
    """Answer each path the way some real site does."""

    server: SiteServer

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        hits = self.server.record(self.command, self.path)
        path, head = self.path, self.command == "HEAD"
        if path == "/ok":
            self.reply(200)
        elif path == "/moved":
            self.reply(301, Location="/ok")
        elif path == "/moved-elsewhere":
            self.reply(308, Location=f"http://127.0.0.1:{self.server.server_port}/missing")
        elif path == "/found":
            self.reply(302, Location="/ok")
        elif path == "/loop":
            self.reply(302, Location="/loop")
        elif path == "/missing":
            self.reply(404)
        elif path == "/forbidden":
            self.reply(403)
        elif path == "/busy":
            self.reply(429, **{"Retry-After": "7"}) if hits == 1 else self.reply(200)
        elif path == "/flaky":
            self.reply(503) if hits == 1 else self.reply(200)
        elif path == "/down":
            self.reply(503)
        elif path == "/no-head":
            self.reply(405 if head else 200)
        elif path.startswith("/pair/"):
            self.server.pair()
            self.reply(200)
        elif path == "/slow":
            # Holds the answer until the test ends, so the client's timeout always fires first.
            self.server.release.wait(30)
            self.reply(200)
        else:
            self.reply(500)

    def reply(self, status: int, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Routes)
        self.requests: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0
        self.pairs = threading.Barrier(2)

    def record(self, method: str, path: str) -> int:
        with self.lock:
            self.requests.append((method, path))
            return sum(1 for _, seen in self.requests if seen == path)

    def pair(self) -> None:
        """Answer only when a second request is in flight too, and count how many are."""
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.pairs.wait(timeout=5)
            # Give a third request, were one let through, the time to show up.
            self.release.wait(0.2)
        finally:
            with self.lock:
                self.in_flight -= 1

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"


@pytest.fixture()
def server() -> Iterator[SiteServer]:
    running = SiteServer()
    thread = threading.Thread(target=running.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.release.set()
        running.shutdown()
        running.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reach 127.0.0.1 directly even where a proxy is configured."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class FakeClock:
    """A clock that moves only when the checker sleeps; keeps every sleep."""

    time: float = 1_700_000_000.0

    def __post_init__(self) -> None:
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.time += seconds


FAST = CheckOptions(timeout=1.0, host_delay=0.0)


def check(
    urls: list[str], clock: FakeClock | None = None, options: CheckOptions = FAST, **kwargs: object
) -> list[Diagnostic]:
    clock = clock or FakeClock()
    links = [Link(url, HERE) for url in urls]
    report = check_links(links, options=options, now=clock.now, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]
    return list(report.diagnostics)


def only(diagnostics: list[Diagnostic]) -> Diagnostic:
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_working_link_and_a_temporary_redirect_pass(server: SiteServer) -> None:
    assert check([server.url("/ok"), server.url("/found")]) == []
    assert server.requests.count(("HEAD", "/ok")) == 2


def test_permanent_redirect_warns_with_the_new_url(server: SiteServer) -> None:
    finding = only(check([server.url("/moved")]))
    assert (finding.severity, finding.code, finding.where) == (Severity.WARNING, "redirected-link", HERE)
    assert str(finding) == (
        f"content/news/2024-01-10-kickoff.md:7: warning: {server.url('/moved')} moved permanently to "
        f"{server.url('/ok')}; write {server.url('/ok')} instead [redirected-link]"
    )


def test_missing_page_is_a_broken_link(server: SiteServer) -> None:
    finding = only(check([server.url("/missing")]))
    assert (finding.severity, finding.code) == (Severity.ERROR, "broken-link")
    assert finding.message == f"{server.url('/missing')} answered 404 Not Found"
    assert finding.hint == "fix or remove the link"


def test_a_redirect_to_a_missing_page_names_the_final_url(server: SiteServer) -> None:
    finding = only(check([server.url("/moved-elsewhere")]))
    assert finding.code == "broken-link"
    assert (
        finding.message
        == f"{server.url('/moved-elsewhere')} answered 404 Not Found (redirected to {server.url('/missing')})"
    )


def test_redirect_loops_end(server: SiteServer) -> None:
    finding = only(check([server.url("/loop")], options=CheckOptions(timeout=1.0, host_delay=0.0, max_redirects=3)))
    assert (finding.code, finding.message) == (
        "broken-link",
        f"{server.url('/loop')} redirects too often (more than 3 redirects)",
    )
    assert server.requests.count(("HEAD", "/loop")) == 4


def test_too_many_requests_waits_as_told_then_passes(server: SiteServer) -> None:
    clock = FakeClock()
    assert check([server.url("/busy")], clock) == []
    assert clock.sleeps == [7.0]
    assert server.requests == [("HEAD", "/busy"), ("HEAD", "/busy")]


def test_retry_after_is_capped(server: SiteServer) -> None:
    clock = FakeClock()
    check([server.url("/busy")], clock, CheckOptions(host_delay=0.0, retry_after_cap=2.5))
    assert clock.sleeps == [2.5]


def test_server_errors_are_retried_with_backoff(server: SiteServer) -> None:
    clock = FakeClock()
    assert check([server.url("/flaky")], clock) == []
    finding = only(check([server.url("/down")], clock))
    assert (finding.code, finding.message) == ("broken-link", f"{server.url('/down')} answered 503 Service Unavailable")
    assert clock.sleeps == [1.0, 1.0, 2.0]
    assert server.requests.count(("HEAD", "/down")) == 3


def test_head_refused_falls_back_to_get(server: SiteServer) -> None:
    assert check([server.url("/no-head")]) == []
    assert server.requests == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_forbidden_to_the_checker_is_a_warning(server: SiteServer) -> None:
    finding = only(check([server.url("/forbidden")]))
    assert (finding.severity, finding.code) == (Severity.WARNING, "link-blocked")
    assert server.requests == [("HEAD", "/forbidden"), ("GET", "/forbidden")]


def test_a_slow_server_times_out(server: SiteServer) -> None:
    finding = only(check([server.url("/slow")], options=CheckOptions(timeout=0.2, host_delay=0.0)))
    assert (finding.severity, finding.code) == (Severity.WARNING, "link-timeout")
    assert finding.message == f"{server.url('/slow')} did not answer within 0.2 s"


def test_a_refused_port_is_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    finding = only(check([url]))
    assert (finding.severity, finding.code, finding.where) == (Severity.ERROR, "link-unreachable", HERE)
    assert finding.message == f"{url} cannot be reached (connection refused)"


def test_requests_to_one_host_are_spaced(server: SiteServer) -> None:
    clock = FakeClock()
    options = CheckOptions(host_delay=0.5, per_host=1, workers=1)
    check([server.url("/ok"), server.url("/found"), server.url("/missing")], clock, options)
    # The first request goes at once; /found's redirect to /ok and /missing each wait their turn.
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_two_requests_at_most_go_to_one_host_at_once(server: SiteServer) -> None:
    # Each /pair/ request waits for a partner: with one at a time they would all time out.
    assert check([server.url(f"/pair/{n}") for n in range(4)], options=CheckOptions(timeout=4, host_delay=0.0)) == []
    assert server.most_in_flight == 2


def test_each_url_is_requested_once_and_every_link_judged(server: SiteServer) -> None:
    other = SourceLocation(Path("content/issues/2024-02.md"), 30)
    earlier = SourceLocation(Path("content/issues/2024-02.md"), 4)
    links = [
        Link(server.url("/missing"), HERE),
        Link(server.url("/missing"), other),
        Link(server.url("/missing"), earlier),
    ]
    clock = FakeClock()
    report = check_links(links, options=FAST, now=clock.now, sleep=clock.sleep)
    assert [finding.where for finding in report.diagnostics] == [earlier, other, HERE]
    assert server.requests == [("HEAD", "/missing")]


def test_a_second_run_within_a_day_comes_from_the_cache(server: SiteServer, tmp_path: Path) -> None:
    cache = tmp_path / ".newsletter-cache" / "links.json"
    clock = FakeClock()
    urls = [server.url(path) for path in ("/ok", "/moved", "/missing", "/no-head", "/down")]
    first = check(urls, clock, cache_path=cache)
    seen = Counter(server.requests)

    clock.time += DAY - 60
    links = [Link(url, HERE) for url in urls]
    report = check_links(links, cache_path=cache, options=FAST, now=clock.now, sleep=clock.sleep)
    assert list(report.diagnostics) == first
    assert (report.checked, report.from_cache) == (5, 4)
    # Only the server error, which may pass tomorrow, was asked again.
    assert Counter(server.requests) - seen == Counter({("HEAD", "/down"): 3})
    assert set(json.loads(cache.read_text())["links"]) == set(urls) - {server.url("/down")}

    clock.time += 120
    seen = Counter(server.requests)
    check(urls, clock, cache_path=cache)
    assert (Counter(server.requests) - seen)[("HEAD", "/missing")] == 1, "entries older than a day are checked again"


def test_a_damaged_cache_is_ignored(server: SiteServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json")
    assert check([server.url("/ok")], cache_path=cache) == []
    assert server.url("/ok") in json.loads(cache.read_text())["links"]


@dataclass(frozen=True, slots=True)
class Built:
    path: PurePosixPath
    data: bytes


def test_verdicts_name_the_content_file_and_line(server: SiteServer, tmp_path: Path) -> None:
    item = tmp_path / "content" / "news" / "2024-01-10-kickoff.md"
    item.parent.mkdir(parents=True)
    item.write_text(
        f"---\ntitle: Kick-off\n---\nFirst [a page]({server.url('/ok')}).\n\n"
        f"Then ![a chart]({server.url('/missing')})\n"
    )
    email = Built(
        PurePosixPath("issues/2024-02/email.html"),
        f'<a href="{server.url("/ok")}?utm_source=newsletter">a</a><img src="{server.url("/missing")}">'.encode(),
    )
    report = check_links(find_links([email], tmp_path), options=FAST)
    assert [str(finding) for finding in report.diagnostics] == [
        f"content/news/2024-01-10-kickoff.md:6: error: {server.url('/missing')} answered 404 Not Found; "
        "fix or remove the link [broken-link]"
    ]


# The command line


def guard_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_check_without_online_touches_no_network(
    make_project: Any, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()  # its item links to https://example.org/a
    guard_network(monkeypatch)
    result = runner.invoke(cli, ["--project", str(root), "check", "--as-of", "2024-12-31"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "link" not in result.output
    assert not (root / ".newsletter-cache" / "links.json").exists()


def test_check_online_reports_links_at_their_content_line(make_project: Any, runner: Any, server: SiteServer) -> None:
    item = f"""\
        ---
        title: First item
        date: 2024-01-10
        summary: The first item of the test project.
        ---
        Read [the report]({server.url("/ok")}).

        The [old page]({server.url("/moved")}) and the [lost one]({server.url("/missing")}).
        """
    root = make_project({"content/news/2024-01-10-first-item.md": item})
    args = ["--project", str(root), "check", "--online", "--as-of", "2024-12-31"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 1, first.output
    place = "content/news/2024-01-10-first-item.md:8"
    assert (
        f"{place}: error: {server.url('/missing')} answered 404 Not Found; fix or remove the link [broken-link]"
        in first.stderr
    )
    assert f"{place}: warning: {server.url('/moved')} moved permanently to {server.url('/ok')}" in first.stderr
    assert (root / ".newsletter-cache" / "links.json").is_file()

    seen = list(server.requests)
    second = runner.invoke(cli, args)
    assert (second.exit_code, second.stderr) == (1, first.stderr)
    assert server.requests == seen, "a second run within a day comes from the cache"
