"""Check external links over HTTP, politely and with a one-day cache, and turn answers into diagnostics."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http import HTTPStatus
from itertools import chain, zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from newsletter.checks.fetch import BLOCKED, PROBLEMS, CheckOptions, Clock, Fetcher, Outcome
from newsletter.cache import CACHE_DIR
from newsletter.confine import read_json_state
from newsletter.diagnostics import Diagnostic, error, warning
from newsletter.checks.links import BuiltFile, Link, find_links
from newsletter.atomic import replace_file


CACHE_PATH = Path(CACHE_DIR) / "links.json"
CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class LinkReport:
    """The findings of one run, and how much of it came from the cache."""

    diagnostics: tuple[Diagnostic, ...]
    checked: int
    from_cache: int


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
    clock = Clock(now, sleep)
    cached = _load_cache(cache_path, clock.now(), options.cache_ttl) if cache_path else {}
    urls = list(dict.fromkeys(link.url for link in links))
    todo = _interleave_by_host([url for url in urls if url not in cached])
    fetcher = Fetcher(options, clock)
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
