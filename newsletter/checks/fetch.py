"""Ask web servers about links, politely: HEAD then GET, one host at a time, redirects followed by hand."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
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
class Clock:
    now: Callable[[], float]
    sleep: Callable[[float], None]


class _NoRedirect(HTTPRedirectHandler):
    """Hand redirects back as answers so each hop's status is seen."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class _HostGate:
    """At most `slots` requests at once to one host, starts spaced by `delay`."""

    slots: threading.BoundedSemaphore
    delay: float
    clock: Clock
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


class Fetcher:
    """Request URLs: HEAD then GET, retries, redirects followed by hand."""

    def __init__(self, options: CheckOptions, clock: Clock) -> None:
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
