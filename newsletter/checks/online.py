"""Check external links over HTTP, politely and with a one-day cache, and turn answers into diagnostics."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from itertools import chain, zip_longest
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
)

from newsletter import __version__
from newsletter.cache import CACHE_DIR
from newsletter.confine import read_json_state
from newsletter.diagnostics import Diagnostic, error, warning
from newsletter.checks.links import BuiltFile, Link, find_links
from newsletter.write import replace_file

CACHE_PATH = Path(CACHE_DIR) / "links.json"
CACHE_VERSION = 1
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# Servers that mishandle HEAD answer with one of these; GET tells the truth.
HEAD_REFUSED = frozenset({403, 405, 501})
# The server refused the checker rather than the reader: a browser may well get the page.
BLOCKED = frozenset({401, 403, 429})


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """Limits for checking: concurrency, politeness, patience."""

    timeout: float = 10.0
    workers: int = 8
    per_host: int = 2
    host_delay: float = 0.25
    retries: int = 2
    retry_after_cap: float = 30.0
    max_redirects: int = 10
    cache_ttl: float = 24 * 60 * 60
    user_agent: str = f"Mozilla/5.0 (compatible; newsletter/{__version__} link checker)"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What requesting a URL gave: the final status, or why there was none."""

    final_url: str
    status: int | None = None
    permanent: bool = False
    problem: str | None = None  # one of PROBLEMS
    detail: str = ""

    @property
    def lasting(self) -> bool:
        """Tell whether a re-run tomorrow would most likely see the same; only those are cached."""
        if self.problem in ("timeout", "unreachable"):
            return False
        return self.status is None or not (self.status == 429 or self.status >= 500)


PROBLEMS = ("timeout", "unreachable", "redirect-loop", "not-web")


@dataclass(frozen=True, slots=True)
class LinkReport:
    """The findings of one run, and how much of it came from the cache."""

    diagnostics: tuple[Diagnostic, ...]
    checked: int
    from_cache: int


@dataclass(frozen=True, slots=True)
class _Clock:
    now: Callable[[], float]
    sleep: Callable[[float], None]


def check_links(
    links: Sequence[Link],
    *,
    cache_path: Path | None = None,
    options: CheckOptions | None = None,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> LinkReport:
    """Request every distinct URL once (or take a fresh cached answer) and judge each link."""
    options = options or CheckOptions()
    clock = _Clock(now, sleep)
    cached = _load_cache(cache_path, clock.now(), options.cache_ttl) if cache_path else {}
    urls = list(dict.fromkeys(link.url for link in links))
    todo = _interleave_by_host([url for url in urls if url not in cached])
    fetcher = _Fetcher(options, clock)
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(todo)))) as pool:
        fresh = dict(zip(todo, pool.map(fetcher.fetch, todo), strict=True))
    if cache_path:
        stamp = clock.now()
        lasting = {url: (stamp, outcome) for url, outcome in fresh.items() if outcome.lasting}
        _save_cache(cache_path, {**cached, **lasting})
    outcomes = {**{url: outcome for url, (_, outcome) in cached.items()}, **fresh}
    found = (judge(link, outcomes[link.url], options) for link in links)
    diagnostics = sorted((finding for finding in found if finding), key=_reading_order)
    return LinkReport(tuple(diagnostics), checked=len(urls), from_cache=len(urls) - len(todo))


def check_online(root: Path, outputs: Sequence[BuiltFile], site_url: str) -> LinkReport:
    """Check every external link and image of the built outputs; the project's own pages are left out."""
    links = find_links(outputs, root, skip_prefixes=[site_url])
    return check_links(links, cache_path=root / CACHE_PATH)


def judge(link: Link, outcome: Outcome, options: CheckOptions) -> Diagnostic | None:
    """Turn an outcome into a diagnostic placed at the link, or None when all is well."""
    url, where = link.url, link.where
    via = f" (redirected to {outcome.final_url})" if outcome.final_url != url else ""
    if outcome.problem == "timeout":
        return warning(
            "link-timeout",
            where,
            f"{url} did not answer within {options.timeout:g} s{via}",
            "open it in a browser; a slow site may be down for now",
        )
    if outcome.problem == "unreachable":
        return error("link-unreachable", where, f"{url} cannot be reached ({outcome.detail}){via}", "check the address")
    if outcome.problem == "redirect-loop":
        return error("broken-link", where, f"{url} redirects too often ({outcome.detail})", "fix or remove the link")
    if outcome.problem == "not-web":
        return error("broken-link", where, f"{url} redirects to {outcome.final_url}, which is not a web address",
                     "fix or remove the link")
    status = outcome.status or 0
    answer = f"{status} {_phrase(status)}"
    if status in BLOCKED:
        return warning(
            "link-blocked", where, f"{url} answered {answer} to the checker{via}", "open it in a browser to confirm"
        )
    if status >= 400:
        return error("broken-link", where, f"{url} answered {answer}{via}", "fix or remove the link")
    if outcome.permanent:
        return warning(
            "redirected-link",
            where,
            f"{url} moved permanently to {outcome.final_url}",
            f"write {outcome.final_url} instead",
        )
    return None


def _reading_order(finding: Diagnostic) -> tuple[str, int, str, str]:
    """Sort by file, then line as a number (line 9 before line 10)."""
    where = finding.where
    return (where.path.as_posix() if where else "", (where.line or 0) if where else 0, finding.code, finding.message)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _interleave_by_host(urls: list[str]) -> list[str]:
    """Order URLs round-robin by host so the workers spread over the hosts."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    rounds = zip_longest(*by_host.values())
    return [url for url in chain.from_iterable(rounds) if url is not None]


class _NoRedirect(HTTPRedirectHandler):
    """Hand redirects back as answers so each hop's status is seen."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class _HostGate:
    """At most `slots` requests at once to one host, starts spaced by `delay`."""

    slots: threading.BoundedSemaphore
    delay: float
    clock: _Clock
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.slots:
            with self.lock:
                now = self.clock.now()
                start = max(now, self.next_start)
                self.next_start = start + self.delay
            if start > now:
                self.clock.sleep(start - now)
            yield


class _Fetcher:
    """Request URLs: HEAD then GET, retries, redirects followed by hand."""

    def __init__(self, options: CheckOptions, clock: _Clock) -> None:
        self.options = options
        self.clock = clock
        self.opener = _web_opener()
        self.gates: dict[str, _HostGate] = {}
        self.gates_lock = threading.Lock()

    def fetch(self, url: str) -> Outcome:
        current, permanent = url, False
        try:
            for _ in range(self.options.max_redirects + 1):
                status, headers = self._with_retries(current)
                location = headers.get("Location")
                if status not in REDIRECTS or not location:
                    return Outcome(current, status, permanent=permanent)
                permanent = permanent or status in PERMANENT_REDIRECTS
                current = urljoin(current, location)
                if urlsplit(current).scheme.lower() not in ("http", "https"):
                    # file:, ftp:, data: ... are never requested: they would read this machine or elsewhere.
                    return Outcome(current, permanent=permanent, problem="not-web")
        except (OSError, http.client.HTTPException, ValueError) as err:
            # urllib wraps a timeout while connecting in URLError, not one while waiting for the answer.
            if isinstance(err, TimeoutError) or isinstance(getattr(err, "reason", None), TimeoutError):
                return Outcome(current, permanent=permanent, problem="timeout")
            return Outcome(current, permanent=permanent, problem="unreachable", detail=_reason(err))
        return Outcome(current, problem="redirect-loop", detail=f"more than {self.options.max_redirects} redirects")

    def _with_retries(self, url: str) -> tuple[int, Message]:
        for attempt in range(self.options.retries + 1):
            status, headers = self._request("HEAD", url)
            if status in HEAD_REFUSED:
                status, headers = self._request("GET", url)
            if (status == 429 or status >= 500) and attempt < self.options.retries:
                self.clock.sleep(self._retry_delay(headers, attempt))
                continue
            break
        return status, headers

    def _retry_delay(self, headers: Message, attempt: int) -> float:
        seconds = _retry_after(headers.get("Retry-After", ""), self.clock.now())
        if seconds is None:
            seconds = 2.0**attempt
        return min(max(seconds, 0.0), self.options.retry_after_cap)

    def _request(self, method: str, url: str) -> tuple[int, Message]:
        host = urlsplit(url).netloc.lower()
        request = Request(url, method=method, headers={"User-Agent": self.options.user_agent, "Accept": "*/*"})
        with self._gate(host).turn():
            try:
                # The body is never read: the status and headers are the answer.
                with self.opener.open(request, timeout=self.options.timeout) as response:
                    return response.status, response.headers
            except HTTPError as answer:
                with answer:
                    return answer.code, answer.headers

    def _gate(self, host: str) -> _HostGate:
        with self.gates_lock:
            if host not in self.gates:
                slots = threading.BoundedSemaphore(self.options.per_host)
                self.gates[host] = _HostGate(slots, self.options.host_delay, self.clock)
            return self.gates[host]


def _web_opener() -> OpenerDirector:
    """urllib's opener for HTTP and HTTPS only (proxies from the environment kept): no file:, ftp: or data:."""
    opener = OpenerDirector()
    for handler in (ProxyHandler(), HTTPHandler(), HTTPSHandler(), _NoRedirect(), HTTPDefaultErrorHandler(),
                    HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _retry_after(value: str, now: float) -> float | None:
    """Read Retry-After as seconds or as an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        return None


def _reason(err: BaseException) -> str:
    """Name why a connection failed, in a few words."""
    if isinstance(err, URLError) and isinstance(err.reason, BaseException):
        return _reason(err.reason)
    if isinstance(err, URLError):
        return str(err.reason)
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"TLS certificate: {err.verify_message}"
    if isinstance(err, ssl.SSLError):
        return f"TLS: {err.reason or err}"
    if isinstance(err, socket.gaierror):
        return "host name not found"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    return str(err) or type(err).__name__


def _load_cache(path: Path, now: float, ttl: float) -> dict[str, tuple[float, Outcome]]:
    """Read the cache, keeping well-formed entries younger than `ttl`; a damaged cache or entry is ignored."""
    document = read_json_state(path)
    if not isinstance(document, dict) or document.get("version") != CACHE_VERSION:
        return {}
    links = document.get("links")
    entries = {}
    for url, entry in links.items() if isinstance(links, dict) else ():
        read = _cached_outcome(entry)
        if read is not None and 0 <= now - read[0] < ttl:
            entries[url] = read
    return entries


def _cached_outcome(entry: object) -> tuple[float, Outcome] | None:
    """One cache entry, checked field by field: the file may have been edited by hand or by anyone."""
    if not isinstance(entry, dict):
        return None
    checked, status, problem = entry.get("checked"), entry.get("status"), entry.get("problem")
    if not isinstance(checked, (int, float)) or isinstance(checked, bool):
        return None
    if status is not None and (not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 999):
        return None
    if problem is not None and problem not in PROBLEMS:
        return None
    final_url, permanent, detail = entry.get("final_url"), entry.get("permanent", False), entry.get("detail", "")
    if not isinstance(final_url, str) or not isinstance(permanent, bool) or not isinstance(detail, str):
        return None
    return float(checked), Outcome(final_url, status, permanent, problem, detail)


def _save_cache(path: Path, entries: dict[str, tuple[float, Outcome]]) -> None:
    """Write the cache atomically, so an interrupted run leaves the old one."""
    links = {url: {"checked": checked, **asdict(outcome)} for url, (checked, outcome) in sorted(entries.items())}
    text = json.dumps({"version": CACHE_VERSION, "links": links}, indent=1) + "\n"
    try:
        replace_file(path, text.encode("utf-8"))
    except OSError:
        pass  # only the next run is slower
